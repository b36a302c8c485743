"""`make run`: local APIs -> sync -> release (plan, gate, promote) -> report -> summary."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from functools import partial

from commerce_simulators.launch import SimulatorStartError
from commerce_stack.paths import warehouse_path
from commerce_stack.pipeline import PipelineError
from commerce_stack.pipeline.ingest import raw_destination, sync
from commerce_stack.pipeline.local_apis import LocalApis, start_simulators
from commerce_stack.pipeline.publish import publish_report
from commerce_stack.pipeline.recovery import record_interrupted_runs
from commerce_stack.pipeline.release import CANDIDATE_ENVIRONMENT, release
from commerce_stack.pipeline.summary import (
    MART_SCHEMA,
    RunSummary,
    at_stage,
    new_run_id,
    reach,
    step,
    write_summary,
)
from commerce_stack.warehouse import WarehouseSettingsError, exists, label, row_counts


def mart_row_counts() -> dict[str, int]:
    """Rows per mart in prod."""
    return row_counts(MART_SCHEMA)


def run(
    apis: LocalApis | None = None,
    *,
    use_simulator: bool = True,
    connections: list[str] | None = None,
    sync_first: bool = True,
    environment: str = CANDIDATE_ENVIRONMENT,
) -> RunSummary:
    """The whole pipeline; `connections` limits the sync to those (all active ones by default).
    `sync_first=False` releases what raw already holds (`commerce-stack gate`)."""
    started = time.monotonic()
    os.environ["COMMERCE_WAREHOUSE_PATH"] = str(warehouse_path())
    summary = RunSummary(run_id=new_run_id(), warehouse=label(), environment=environment)
    try:
        reach(summary, "run-started")
        record_interrupted_runs(summary.run_id)
        if sync_first:
            with ExitStack() as simulators:
                env = start_simulators(simulators, apis or LocalApis()) if use_simulator else {}
                reach(summary, "simulators-started")
                _sync_into(summary, env, connections)
            reach(summary, "sync-done")
        summary.status = release(summary, environment)
        summary.promoted = summary.status == "promoted"
    except (PipelineError, SimulatorStartError, WarehouseSettingsError) as error:
        summary.status = "failed"
        summary.failing_checks.append(str(error))
    try:
        summary.rows_per_mart = mart_row_counts() if exists() else {}
        at_stage(summary, "reporting")
        publish_report(summary)
    except WarehouseSettingsError:
        pass  # already the run's failure: there is no warehouse to count or report from
    summary.seconds["total"] = round(time.monotonic() - started, 2)
    write_summary(summary)
    return summary


def _syncing(summary: RunSummary, connection: str) -> None:
    at_stage(summary, f"syncing {connection}")


def _sync_into(summary: RunSummary, env: dict[str, str], connections: list[str] | None) -> None:
    step(f"Airbyte sync (PyAirbyte, offline) into the warehouse ({label()})")
    started = time.monotonic()
    syncing = partial(_syncing, summary)
    for connection in sync({**env, **raw_destination()}, connections, on_connection=syncing):
        for stream in connection["streams"]:
            summary.records_per_stream[f"{connection['namespace']}.{stream['name']}"] = stream["records"]
            summary.synced_counts[f"{connection['namespace']}.{stream['name']}"] = {
                "emitted": stream["emitted"],
                "landed": stream["landed"],
            }
    summary.seconds["sync"] = round(time.monotonic() - started, 2)
