"""The sync step: the connections of airbyte_config/ run in the PyAirbyte environment.

That environment cannot share this one's packages (docs/tooling.md §1), so the runner
(`commerce_pyairbyte.sync`) is a child process; its last line is a JSON summary, or the JSON of
the connection that failed (`SyncFailed`).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from typing import Any

from commerce_stack.paths import PYAIRBYTE_PYTHON, ROOT
from commerce_stack.pipeline import PipelineError
from commerce_stack.warehouse import BIGQUERY, DUCKDB, gateway, on_bigquery

RAW_DESTINATION_VARIABLE = "COMMERCE_RAW_DESTINATION"  # airbyte_config/destinations/warehouse.yaml
CONNECTION_STARTED = "==> "  # the runner's line as it starts a connection: `==> <name>: ...`


def raw_destination() -> dict[str, str]:
    """The runner lands raw data where SQLMesh reads it: on BigQuery when the pipeline's gateway is
    BigQuery (one switch, SQLMESH_ENABLE_BIGQUERY), unless the destination was chosen explicitly;
    an explicit choice that contradicts the gateway is an error, not a silent split."""
    wanted = BIGQUERY if on_bigquery() else DUCKDB
    chosen = os.environ.get(RAW_DESTINATION_VARIABLE, "").strip()
    if chosen and chosen != wanted:
        raise PipelineError(
            f"{RAW_DESTINATION_VARIABLE}={chosen} but SQLMesh builds on {wanted} (gateway {gateway()}): "
            f"unset {RAW_DESTINATION_VARIABLE} or set it to {wanted}, so the models read what the sync lands"
        )
    return {RAW_DESTINATION_VARIABLE: wanted}


class SyncFailed(PipelineError):
    """The sync stopped: at which connection (None when the runner did not say), its one line
    (secrets masked by the runner), and the runner's summary of the connections synced before it,
    whose data stays in raw."""

    def __init__(self, connection: str | None, message: str, synced: list[dict[str, Any]]) -> None:
        self.connection, self.message, self.synced = connection, message, synced
        where = f"the sync of connection {connection}" if connection else "the Airbyte sync"
        super().__init__(f"{where} failed: {message}; prod was not touched")


def sync(
    env: dict[str, str],
    connections: list[str] | None = None,
    on_connection: Callable[[str], None] | None = None,
) -> list[dict[str, Any]]:
    """Run the declared connections (all active ones unless named); returns the runner's summary,
    or raises SyncFailed. The runner reads its destination from COMMERCE_RAW_DESTINATION
    (`raw_destination()`); `on_connection` hears the name of each connection as the runner starts it."""
    if not PYAIRBYTE_PYTHON.exists():
        raise PipelineError(f"{PYAIRBYTE_PYTHON} is missing: run `make setup`")
    command = [str(PYAIRBYTE_PYTHON), "-m", "commerce_pyairbyte.sync"]
    for name in connections or []:
        command += ["--connection", name]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, **env}
    )
    summary, failed = None, None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("SYNC_SUMMARY="):
            summary = json.loads(line.split("=", 1)[1])
            continue
        if line.startswith("SYNC_FAILED="):
            failed = json.loads(line.split("=", 1)[1])
            continue
        print(line, end="", flush=True)
        if on_connection and line.startswith(CONNECTION_STARTED):
            on_connection(line.removeprefix(CONNECTION_STARTED).split(":", 1)[0])
    status = process.wait()
    if failed is not None:
        raise SyncFailed(failed.get("connection"), failed.get("message") or "", failed.get("synced") or [])
    if status != 0 or summary is None:  # killed, or crashed before it could say why
        raise SyncFailed(None, f"the runner exited with status {status} (see the messages above)", [])
    return summary
