"""What a run did: kept as `runs/<run_id>.json` beside the warehouse and printed at its end."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from commerce_stack.paths import runs_dir

MART_SCHEMA = "marts"


@dataclass
class RunSummary:
    run_id: str
    warehouse: str
    status: str = "running"  # promoted | unchanged | blocked | failed | interrupted
    environment: str = "candidate"  # the SQLMesh environment the run builds and gates
    stage: str = "started"  # the last point the run reached (pipeline/stops.py names them)
    records_per_stream: dict[str, int] = field(default_factory=dict)
    # per synced stream (raw_<source>.<stream>): {"emitted": n, "landed": n}, reconciled by the gate
    synced_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    loads: dict[str, str] = field(default_factory=dict)
    changed_models: list[str] = field(default_factory=list)
    # what the candidate plan computed per model: first and last day, number of daily intervals
    evaluated: dict[str, dict[str, Any]] = field(default_factory=dict)
    # thelook's generator in this run: the days it added and the rows per raw_thelook table
    thelook: dict[str, Any] = field(default_factory=dict)
    validated_suites: list[str] = field(default_factory=list)
    rows_per_mart: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_total: int = 0
    failing_checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    promoted: bool = False
    data_docs: str | None = None
    report: str | None = None
    digest_sent: bool = False
    seconds: dict[str, float] = field(default_factory=dict)
    # On BigQuery: bytes billed per model (SQLMesh's builds and audits in this run's plans), per
    # suite (the gate's checks), and by the pipeline's own SQL; None where no job reported bytes.
    bytes_billed: dict[str, Any] = field(default_factory=dict)
    # A failed sync: {"connection", "message", "synced_before": [connections whose data stays in raw]}
    sync_failure: dict[str, Any] | None = None

    @property
    def succeeded(self) -> bool:
        """Prod serves a validated load and no blocking check fails: the exit status 0."""
        return self.status in ("promoted", "unchanged") and not self.failing_checks


def new_run_id() -> str:
    """Runs are named by their UTC start time, to the second (`-2`, `-3`... for a run started in
    the same second as an earlier one, e.g. right after a crash)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    directory = runs_dir() / "runs"
    run_id, n = stamp, 1
    while (directory / f"{run_id}.json").exists():
        n += 1
        run_id = f"{stamp}-{n}"
    return run_id


def started_at(run_id: str) -> datetime:
    """A run's UTC start time, from its id (naive UTC, as dq stores times)."""
    return datetime.strptime(run_id.split("-")[0], "%Y%m%dT%H%M%SZ")


def step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


def write_summary(summary: RunSummary) -> Path:
    """Write (or rewrite) `runs/<run_id>.json`; replaced whole, so a crash never leaves half a file."""
    directory = runs_dir() / "runs"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{summary.run_id}.json"
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(asdict(summary), indent=2))
    partial.replace(path)
    return path


def at_stage(summary: RunSummary, stage: str) -> None:
    """The run is at `stage`: its summary says so, which is what the next run reports if this one
    dies before it says more. Until the run's last write its file says `running`, whatever the
    outcome so far: that is how the next run knows this one died (pipeline/recovery.py)."""
    summary.stage = stage
    write_summary(replace(summary, status="running"))


def reach(summary: RunSummary, point: str) -> None:
    """The run reached `point` (its summary says so), and a run told to stop there stops
    (pipeline/stops.py)."""
    from commerce_stack.pipeline.stops import stop_point

    at_stage(summary, point)
    stop_point(point)


_OUTCOME = {
    "promoted": "yes",
    "unchanged": "nothing new: prod still serves the last promoted load",
}


def print_summary(summary: RunSummary) -> None:
    step(f"Summary of run {summary.run_id}: {summary.status.upper()}")
    print("records synced this run:")
    for stream, records in summary.records_per_stream.items():
        print(f"  {stream:<40} {records:>9}")
    if summary.loads:  # what this run's models read: a scheduled `gate` says which loads it took
        print("loads pinned (raw data read, per source):")
        for source, through in summary.loads.items():
            print(f"  {source:<40} through {through} UTC")
    print("rows per mart (prod):")
    for table, rows in summary.rows_per_mart.items():
        print(f"  {MART_SCHEMA}.{table:<34} {rows:>9}")
    if summary.sync_failure:
        print_sync_failure(summary.sync_failure)
    print(f"checks passed: {summary.checks_passed}/{summary.checks_total}")
    for failure in summary.failing_checks:
        print(f"  BLOCKING: {failure}")
    for warning in summary.warnings:
        print(f"  warning: {warning}")
    print(f"promoted to prod: {_OUTCOME.get(summary.status, 'NO, prod left as it was')}")
    print(f"warehouse: {summary.warehouse}")
    if summary.report:
        print(f"data-quality report: {summary.report}")
    if summary.digest_sent:
        print("data-quality digest: sent")
    if summary.data_docs:
        print(f"data docs: {summary.data_docs}")
    print(f"timings (s): {summary.seconds}")
    if summary.bytes_billed:
        print(f"bytes billed: {bytes_billed_line(summary.bytes_billed)}")


def print_sync_failure(failure: dict[str, Any]) -> None:
    print(f"SYNC FAILED: {failure['message']}")
    kept = ", ".join(failure["synced_before"]) or "none"
    print(f"  synced before it, their data kept in raw for the next release: {kept}")
    print("  nothing was released: no load pinned, no check run; recorded in dq.gate_runs")


def bytes_billed_line(billed: dict[str, Any]) -> str:
    """`models 1.2 GiB, checks 80.0 MiB, pipeline 10.0 MiB` (`not reported` by an emulator)."""
    parts = []
    for part in ("models", "checks", "pipeline"):
        value = billed.get(part)
        values = list(value.values()) if isinstance(value, dict) else [value]
        numbers: list[int] = [v for v in values if v is not None]
        parts.append(f"{part} {_size(sum(numbers)) if numbers else 'not reported'}")
    return ", ".join(parts)


def _size(count: int) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if count >= size:
            return f"{count / size:.1f} {unit}"
    return f"{count} B"
