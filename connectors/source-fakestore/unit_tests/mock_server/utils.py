"""Thin wrappers around ``airbyte_cdk.test.entrypoint_wrapper`` for the FakeStore source."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from airbyte_cdk.models import AirbyteErrorTraceMessage, AirbyteStateMessage, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, _run_command, make_file, read
from source_fakestore.run import create_source

from .config import ConfigBuilder


def catalog(stream_name: str, sync_mode: SyncMode):
    return CatalogBuilder().with_stream(stream_name, sync_mode).build()


def read_output(
    config_builder: ConfigBuilder,
    stream_name: str,
    sync_mode: SyncMode = SyncMode.full_refresh,
    state: list[AirbyteStateMessage] | None = None,
    expecting_exception: bool = False,
) -> EntrypointOutput:
    config = config_builder.build()
    configured_catalog = catalog(stream_name, sync_mode)
    source = create_source(config=config, catalog=configured_catalog, state=state)
    return read(source, config, configured_catalog, state, expecting_exception=expecting_exception)


def check_output(config: dict[str, Any], expecting_exception: bool = False) -> EntrypointOutput:
    """``check`` through the real ``AirbyteEntrypoint`` (entrypoint_wrapper has no public check helper)."""
    source = create_source(config=config)
    with tempfile.TemporaryDirectory() as tmp:
        config_path = make_file(Path(tmp) / "config.json", config)
        return _run_command(source, ["check", "--config", config_path], expecting_exception)


def stream_error(output: EntrypointOutput, stream_name: str) -> AirbyteErrorTraceMessage:
    """The error the stream itself reported (not the CDK's end-of-sync summary, always config_error)."""
    errors = [
        message.trace.error
        for message in output.errors
        if message.trace.error.stream_descriptor and message.trace.error.stream_descriptor.name == stream_name
    ]
    assert errors, f"no error reported for stream {stream_name}: {output.errors}"
    return errors[0]
