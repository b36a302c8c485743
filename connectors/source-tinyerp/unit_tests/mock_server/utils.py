"""Thin wrappers around ``airbyte_cdk.test.entrypoint_wrapper`` for the TinyERP source."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airbyte_cdk.models import AirbyteErrorTraceMessage, AirbyteStateMessage, SyncMode
from airbyte_cdk.test.catalog_builder import CatalogBuilder
from airbyte_cdk.test.entrypoint_wrapper import EntrypointOutput, _run_command, make_file, read
from source_tinyerp.run import create_source

from .clock import FakeClock
from .config import ConfigBuilder


def read_output(
    config_builder: ConfigBuilder,
    stream_name: str,
    sync_mode: SyncMode = SyncMode.full_refresh,
    state: list[AirbyteStateMessage] | None = None,
    clock: FakeClock | None = None,
    expecting_exception: bool = False,
) -> EntrypointOutput:
    config = config_builder.build()
    catalog = CatalogBuilder().with_stream(stream_name, sync_mode).build()
    source = create_source(clock=clock or FakeClock())
    return read(source, config, catalog, state, expecting_exception=expecting_exception)


def check_output(config: Mapping[str, Any], clock: FakeClock | None = None) -> EntrypointOutput:
    """``check`` through the real ``AirbyteEntrypoint`` (entrypoint_wrapper has no public check helper)."""
    source = create_source(clock=clock or FakeClock())
    with tempfile.TemporaryDirectory() as tmp:
        config_path = make_file(Path(tmp) / "config.json", dict(config))
        return _run_command(source, ["check", "--config", config_path], False)


def records(output: EntrypointOutput) -> list[dict[str, Any]]:
    return [message.record.data for message in output.records]


def ids(output: EntrypointOutput) -> list[int]:
    return [record["id"] for record in records(output)]


def states(output: EntrypointOutput) -> list[dict[str, Any]]:
    """Every STATE message's stream state, in order."""
    return [message.state.stream.stream_state.__dict__ for message in output.state_messages]


def final_state(output: EntrypointOutput) -> dict[str, Any]:
    return output.most_recent_state.stream_state.__dict__


def stream_error(output: EntrypointOutput, stream_name: str) -> AirbyteErrorTraceMessage:
    """The error the stream itself reported (not the CDK's end-of-sync summary)."""
    errors = [
        message.trace.error
        for message in output.errors
        if message.trace.error.stream_descriptor and message.trace.error.stream_descriptor.name == stream_name
    ]
    assert errors, f"no error reported for stream {stream_name}: {output.errors}"
    return errors[0]


def log_messages(output: EntrypointOutput) -> list[str]:
    return [message.log.message for message in output.logs]
