"""`make run`: local APIs -> sync -> release (plan, gate, promote) -> report -> summary."""

from __future__ import annotations

import os
import time
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

import duckdb

from commerce_simulators.launch import SimulatorStartError
from commerce_stack.airbyte_config import connection_names, load_connection
from commerce_stack.paths import warehouse_path
from commerce_stack.pipeline import PipelineError
from commerce_stack.pipeline.ingest import SyncFailed, raw_destination, sync
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
from commerce_stack.sources.thelook.catalog import DEFAULT_SCALE
from commerce_stack.transform.loads import THELOOK
from commerce_stack.warehouse import (
    WarehouseSettingsError,
    check_file,
    connect,
    exists,
    label,
    on_bigquery,
    row_counts,
)


def mart_row_counts() -> dict[str, int]:
    """Rows per mart in prod."""
    return row_counts(MART_SCHEMA)


@dataclass(frozen=True)
class TheLook:
    """The generator's options for a run: the size relative to the public set, the most days to
    add (None: the history into an empty raw_thelook, else every day ended since the last one)."""

    scale: float = DEFAULT_SCALE
    days: int | None = None


def run(
    apis: LocalApis | None = None,
    *,
    use_simulator: bool = True,
    connections: list[str] | None = None,
    sync_first: bool = True,
    environment: str = CANDIDATE_ENVIRONMENT,
    thelook: TheLook | None = None,
) -> RunSummary:
    """The whole pipeline; `connections` limits the sync to those (all active ones by default;
    `thelook` names the generator, which is not an Airbyte connection).
    `sync_first=False` releases what raw holds (`commerce-stack gate`).

    A warehouse file that is locked or broken, or a declaration in airbyte_config/ that does not
    load, stops the run before anything starts (their errors say what to fix)."""
    started, started_at = time.monotonic(), datetime.now(UTC).replace(tzinfo=None)
    os.environ["COMMERCE_WAREHOUSE_PATH"] = str(warehouse_path())
    check_file()
    airbyte = [c for c in connections if c != THELOOK] if connections else None
    if sync_first:
        for name in airbyte if airbyte is not None else connection_names():
            load_connection(name)
    summary = RunSummary(run_id=new_run_id(), warehouse=label(), environment=environment)
    try:
        reach(summary, "run-started")
        record_interrupted_runs(summary.run_id)
        if sync_first:
            if airbyte != []:
                with ExitStack() as simulators:
                    env = start_simulators(simulators, apis or LocalApis()) if use_simulator else {}
                    reach(summary, "simulators-started")
                    _sync_into(summary, env, airbyte)
            if connections is None or THELOOK in connections:
                _generate_thelook(summary, thelook or TheLook())
            reach(summary, "sync-done")
        _declare_thelook()
        summary.status = release(summary, environment)
        summary.promoted = summary.status == "promoted"
    except SyncFailed as failure:
        summary.status = "failed"
        _count_records(summary, failure.synced)
        summary.sync_failure = {
            "connection": failure.connection,
            "message": failure.message,
            "synced_before": [c["connection"] for c in failure.synced],
        }
        _record_failed_sync(summary, environment, failure, started_at)
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
    try:
        _count_records(summary, sync({**env, **raw_destination()}, connections, on_connection=syncing))
    finally:
        summary.seconds["sync"] = round(time.monotonic() - started, 2)


def _declare_thelook() -> None:
    """raw_thelook's tables, empty until the generator first writes them: thelook's staging views
    read them whether or not a run generated days (the embedded warehouse only)."""
    if on_bigquery():
        return
    from commerce_stack.sources.thelook.catalog import DDL

    with duckdb.connect(str(warehouse_path())) as con:
        con.execute(DDL)


def _generate_thelook(summary: RunSummary, options: TheLook) -> None:
    """thelook's days since the last run into raw_thelook (the embedded warehouse only: BigQuery
    reads the public data set in place). It writes the warehouse, so it runs under the run's lock."""
    if on_bigquery():
        return
    from commerce_stack.sources.thelook.generator import generate
    from commerce_stack.sources.thelook.generator import summary as described

    step(f"thelook: the generator adds its new days to raw_thelook (scale {options.scale:g})")
    started = time.monotonic()
    with duckdb.connect(str(warehouse_path())) as con:
        generated = generate(con, scale=options.scale, days=options.days)
    summary.thelook = described(generated)
    for table, rows in generated.rows.items():
        if rows:
            summary.records_per_stream[f"raw_thelook.{table}"] = rows
    days = generated.days
    print(f"thelook: {len(days)} day(s) added" + (f", {days[0]} to {days[-1]}" if days else ""))
    if generated.note:
        print(generated.note)
    summary.seconds["thelook"] = round(time.monotonic() - started, 2)


def _count_records(summary: RunSummary, synced: list[dict[str, Any]]) -> None:
    for connection in synced:
        for stream in connection["streams"]:
            name = f"{connection['namespace']}.{stream['name']}"
            summary.records_per_stream[name] = stream["records"]
            summary.synced_counts[name] = {"emitted": stream["emitted"], "landed": stream["landed"]}


def _record_failed_sync(
    summary: RunSummary, environment: str, failure: SyncFailed, started_at: datetime
) -> None:
    """A failed sync is a run of the `dq` history like any other, so the report shows it and the
    digest tells it: status failed, the connection and the runner's line. Nothing else is claimed:
    no load was pinned, no check ran, prod was not touched."""
    from commerce_stack.quality.history import GateRun, record

    run = GateRun(
        run_id=summary.run_id,
        environment=environment,
        started_at=started_at,
        finished_at=datetime.now(UTC).replace(tzinfo=None),
        status="failed",
        message=failure.message,
        failed_connection=failure.connection,
    )
    with connect(read_only=False) as con:
        record(con, run, [], [])
