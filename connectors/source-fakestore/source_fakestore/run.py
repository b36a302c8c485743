"""Entry point of the ``source-fakestore`` console script.

The connector is fully declarative: ``manifest.yaml`` (shipped inside this package) is the single
source of truth, and this module only builds a ``YamlDeclarativeSource`` from it and hands control to
the CDK's ``launch``. The unit tests build the source through :func:`create_source` too, so the tests
and the binary run the very same manifest.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteStateMessage,
    AirbyteTraceMessage,
    ConfiguredAirbyteCatalog,
    FailureType,
    TraceType,
    Type,
)
from airbyte_cdk.sources.declarative.yaml_declarative_source import YamlDeclarativeSource
from airbyte_cdk.utils.datetime_helpers import ab_datetime_now

MANIFEST_PATH = Path(__file__).with_name("manifest.yaml")


def create_source(
    config: Mapping[str, Any] | None = None,
    catalog: ConfiguredAirbyteCatalog | None = None,
    state: list[AirbyteStateMessage] | None = None,
    config_path: str | None = None,
) -> YamlDeclarativeSource:
    """Build the FakeStore source from the packaged manifest."""
    return YamlDeclarativeSource(
        path_to_yaml=str(MANIFEST_PATH),
        config=config,
        catalog=catalog,
        state=state,
        config_path=config_path,
    )


def _startup_error_message(error: Exception) -> str:
    """Serialise an Airbyte TRACE/ERROR message describing a start-up failure."""
    message = AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=ab_datetime_now().to_epoch_millis(),
            error=AirbyteErrorTraceMessage(
                message=(
                    "source-fakestore could not start: the config, catalog or state file is missing "
                    f"or invalid. Error: {error}"
                ),
                internal_message=repr(error),
                stack_trace=traceback.format_exc(),
                failure_type=FailureType.config_error,
            ),
        ),
    )
    return orjson.dumps(AirbyteMessageSerializer.dump(message)).decode()


def _build_source_from_args(args: list[str]) -> YamlDeclarativeSource:
    parsed = AirbyteEntrypoint.parse_args(args)
    config_path = getattr(parsed, "config", None)
    catalog_path = getattr(parsed, "catalog", None)
    state_path = getattr(parsed, "state", None)
    return create_source(
        config=YamlDeclarativeSource.read_config(config_path) if config_path else None,
        catalog=YamlDeclarativeSource.read_catalog(catalog_path) if catalog_path else None,
        state=YamlDeclarativeSource.read_state(state_path) if state_path else None,
        config_path=config_path,
    )


def run(args: list[str] | None = None) -> None:
    """Run the connector with Airbyte protocol arguments (``spec``, ``check``, ``discover``, ``read``)."""
    args = sys.argv[1:] if args is None else args
    try:
        source = _build_source_from_args(args)
    except Exception as error:  # noqa: BLE001 - any start-up failure must become a TRACE message
        print(_startup_error_message(error), flush=True)
        sys.exit(1)
    launch(source, args)


if __name__ == "__main__":
    run()
