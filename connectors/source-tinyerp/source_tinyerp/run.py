"""Entry point of the ``source-tinyerp`` console script (``spec``, ``check``, ``discover``, ``read``).

A missing or unreadable config, catalog or state file becomes one Airbyte TRACE message
(``config_error``) and exit status 1, never a bare traceback.
"""

from __future__ import annotations

import json
import sys
import traceback
from pathlib import Path

import orjson
from airbyte_cdk.entrypoint import AirbyteEntrypoint, launch
from airbyte_cdk.models import (
    AirbyteErrorTraceMessage,
    AirbyteMessage,
    AirbyteMessageSerializer,
    AirbyteTraceMessage,
    FailureType,
    TraceType,
    Type,
)
from airbyte_cdk.utils.datetime_helpers import ab_datetime_now

from .pacing import Clock
from .source import SourceTinyerp


def create_source(clock: Clock | None = None) -> SourceTinyerp:
    return SourceTinyerp(clock=clock)


def _startup_error_message(error: Exception) -> str:
    message = AirbyteMessage(
        type=Type.TRACE,
        trace=AirbyteTraceMessage(
            type=TraceType.ERROR,
            emitted_at=ab_datetime_now().to_epoch_millis(),
            error=AirbyteErrorTraceMessage(
                message=(
                    "source-tinyerp could not start: the config, catalog or state file is missing or "
                    f"invalid. Error: {error}"
                ),
                internal_message=repr(error),
                stack_trace=traceback.format_exc(),
                failure_type=FailureType.config_error,
            ),
        ),
    )
    return orjson.dumps(AirbyteMessageSerializer.dump(message)).decode()


def _check_input_files(args: list[str]) -> None:
    """Fail early, as a TRACE message, on input files that cannot be read as JSON."""
    parsed = AirbyteEntrypoint.parse_args(args)
    for option in ("config", "catalog", "state"):
        path = getattr(parsed, option, None)
        if path:
            json.loads(Path(path).read_text())


def run(args: list[str] | None = None) -> None:
    args = sys.argv[1:] if args is None else args
    try:
        _check_input_files(args)
    except Exception as error:  # noqa: BLE001 - any start-up failure must become a TRACE message
        print(_startup_error_message(error), flush=True)
        sys.exit(1)
    launch(create_source(), args)


if __name__ == "__main__":
    run()
