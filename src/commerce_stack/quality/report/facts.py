"""What the stewards' report says: `Report` (whose `to_json()` is report.json), derived from the
`dq` records (see `records.py`).

The report is about the latest gate run of one environment (the latest run's, unless
`environment` names another) and that environment's history; runs of other environments
(a developer's `dev` gate, say) never make a check NEW or RECURRING here.

Definitions, which report.json carries under the same names:

- a check's **streak** is the run of consecutive *evaluations* of the check (same `check_id`,
  same environment) that failed, ending with the latest run. Runs that evaluated nothing (a sync
  that failed before the gate) neither break nor extend a streak.
- **first_seen** is the first run of that streak: when the failure that is still open began.
  The check is **NEW** when its streak is this run alone, **RECURRING** when it also failed in the
  previous run that evaluated it. `first_failed_ever` and `failed_runs` tell whether a NEW
  failure is a regression of something seen before.
- a table's **status** is the worst severity among its failing checks this run (block > warn >
  ok). A run validates only what changed: a table it did not validate again (prod already serves
  that version) keeps the checks of the promoted run that validated it (`validated_in_run`),
  with this run's freshness result in place of that run's; **data current through** is the
  newest load timestamp in the table (table_snapshots),
  else the load time of the table's source (`stg_<source>__*`, or the only source, or the oldest
  of all sources: the table cannot be more current than that).
- quarantined records are counted in total and **new since the previous run** of the
  environment finished.
- **stream counts** are the latest run's, per stream (quality/reconcile.py): emitted by the
  connector and landed in raw (streams synced in that run), keys landed, staged and quarantined.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

from commerce_stack.quality.report.records import (
    CheckRecord,
    DQHistory,
    Evaluation,
    GateRunRecord,
    Quarantine,
    StreamCountRecord,
    TableSnapshotRecord,
    iso,
    open_history,
)
from commerce_stack.warehouse import exists, label

SEVERITY_RANK = {"block": 2, "warn": 1}
TABLE_ORDER = {"block": 0, "warn": 1, "not-validated": 2, "ok": 3}
CHECK_ORDER = {"block": 0, "warn": 1}


# ------------------------------------------------------------------------- the report, typed


@dataclass(frozen=True)
class LatestRun:
    run_id: str
    environment: str
    started_at: str | None
    finished_at: str | None
    status: str
    promoted: bool
    checks_total: int
    checks_passed: int
    blocking_failures: int
    warnings: int
    loads: dict[str, str | None]
    data_docs: str | None
    message: str | None
    previous_run_id: str | None
    bytes_billed: dict[str, Any] | None = None  # on BigQuery: what the run billed (dq.gate_runs)
    failed_connection: str | None = None  # its sync failed there: nothing was released


@dataclass(frozen=True)
class FailingCheck(CheckRecord):
    """A check that failed in the latest run, with its history (see the definitions above)."""

    recurrence: str  # new | recurring
    first_seen_run_id: str
    first_seen_at: str | None
    streak_runs: int
    first_failed_ever_run_id: str
    first_failed_ever_at: str | None
    failed_runs: int
    evaluated_runs: int

    JSON_KEYS: ClassVar[tuple[str, ...]] = (
        "check_id", "check_name", "check_source", "table_name", "column_name", "owner", "severity",
        "description", "observed_value", "unexpected_count", "unexpected_percent", "recurrence",
        "first_seen_run_id", "first_seen_at", "streak_runs", "first_failed_ever_run_id",
        "first_failed_ever_at", "failed_runs", "evaluated_runs", "samples_stored", "samples",
        "reproduce_sql",
    )  # fmt: skip

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {key: data[key] for key in self.JSON_KEYS}


@dataclass(frozen=True)
class TableStatus:
    table_name: str
    owner: str
    status: str  # block | warn | ok | not-validated
    checks: int
    failing_checks: int
    current_through: str | None
    current_through_basis: str | None  # 'table', or 'load:<source>' when the table has no timestamp
    row_count: int | None
    previous_row_count: int | None
    previous_run_id: str | None
    row_count_change: int | None
    # the promoted run whose checks of this table still hold (the run did not validate it again:
    # nothing in it changed); None when the run validated it
    validated_in_run: str | None = None


@dataclass(frozen=True)
class HistoryRun:
    run_id: str
    started_at: str | None
    finished_at: str | None
    status: str
    promoted: bool
    checks_total: int
    blocking_failures: int
    warnings: int
    message: str | None
    failed_connection: str | None = None


@dataclass(frozen=True)
class RowCountPoint:
    run_id: str
    row_count: int | None  # None: the run did not measure the table


@dataclass(frozen=True)
class Trend:
    runs: list[HistoryRun] = field(default_factory=list)  # oldest first
    row_counts: dict[str, list[RowCountPoint]] = field(default_factory=dict)


@dataclass(frozen=True)
class Report:
    generated_at: str | None
    warehouse: str
    environment: str | None
    history_runs: int
    note: str | None
    latest_run: LatestRun | None = None
    tables: list[TableStatus] = field(default_factory=list)
    tables_from_run: str | None = None
    blocking_failures: list[FailingCheck] = field(default_factory=list)
    warnings: list[FailingCheck] = field(default_factory=list)
    history: Trend = field(default_factory=Trend)
    quarantine: Quarantine = field(default_factory=Quarantine)
    stream_counts: list[StreamCountRecord] = field(default_factory=list)  # the latest run's

    def to_json(self) -> dict[str, Any]:
        """report.json: plain dicts and lists, in this order."""
        data = asdict(self)
        data["blocking_failures"] = [c.to_json() for c in self.blocking_failures]
        data["warnings"] = [c.to_json() for c in self.warnings]
        return data


# ----------------------------------------------------------------------------- derivation


def read_report(
    warehouse: Path | None = None, *, history_runs: int = 20, environment: str | None = None
) -> Report:
    """Everything the report shows, from the DuckDB file `warehouse` or from this process's
    warehouse (DuckDB or BigQuery) when None (read-only; the connection is closed)."""
    shown = str(warehouse) if warehouse else label()
    if not (Path(warehouse).exists() if warehouse else exists()):
        return _empty(shown, environment, history_runs, f"no warehouse at {shown} yet")
    with open_history(Path(warehouse) if warehouse else None) as dq:
        return _report(dq, shown, history_runs, environment)


def _empty(warehouse: str, environment: str | None, history_runs: int, note: str) -> Report:
    return Report(iso(datetime.now(UTC)), str(warehouse), environment, history_runs, note)


def _report(dq: DQHistory, warehouse: str, history_runs: int, environment: str | None) -> Report:
    if "gate_runs" not in dq.tables:
        return _empty(warehouse, environment, history_runs, "no gate run recorded yet (no dq schema)")
    run = dq.latest_run(environment)
    if run is None:
        note = f"no gate run recorded yet for environment {environment}" if environment else "no gate run yet"
        return _empty(warehouse, environment, history_runs, note)
    runs = dq.runs_until(run)  # newest first, `run` first of all
    previous = runs[1] if len(runs) > 1 else None
    checks = dq.checks(run)
    snapshots = dq.snapshots([r.run_id for r in runs])
    validated_now = {c.table_name for c in checks if c.check_source != "freshness"}
    # a failed run validated nothing and speaks for no table; a completed one vouches for the
    # tables it skipped by the validation that put them in prod
    unvalidated = set(_table_names(snapshots, checks)) - validated_now
    carried = dq.promoted_validations(run, unvalidated) if run.status != "failed" else {}
    tables, tables_from_run = _tables(runs, snapshots, checks, run.loads, carried)
    evaluations = dq.evaluations(run.environment, {c.check_id for c in checks if not c.success})
    failing = [
        FailingCheck(**vars(c), **_recurrence(evaluations.get(c.check_id, []), run))
        for c in checks
        if not c.success
    ]
    failing.sort(key=lambda c: (CHECK_ORDER.get(c.severity, 2), c.recurrence != "new", c.table_name or ""))
    return Report(
        generated_at=iso(datetime.now(UTC)),
        warehouse=str(warehouse),
        environment=run.environment,
        history_runs=history_runs,
        note=None,
        latest_run=LatestRun(
            **_run_facts(run),
            environment=run.environment,
            checks_passed=sum(1 for c in checks if c.success),
            loads=run.loads,
            data_docs=run.data_docs,
            previous_run_id=previous.run_id if previous else None,
            bytes_billed=run.bytes_billed,
        ),
        tables=tables,
        tables_from_run=tables_from_run,
        blocking_failures=[c for c in failing if c.severity == "block"],
        warnings=[c for c in failing if c.severity != "block"],
        history=_trend(runs[:history_runs], snapshots, checks),
        quarantine=dq.quarantine((previous.finished_at or previous.started_at) if previous else None),
        stream_counts=dq.stream_counts(run),
    )


def _run_facts(run: GateRunRecord) -> dict[str, Any]:
    """What the report tells of every run, the latest and those in the trend."""
    return {
        "run_id": run.run_id,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "status": run.status,
        "promoted": run.promoted,
        "checks_total": run.checks_total,
        "blocking_failures": run.blocking_failures,
        "warnings": run.warnings,
        "message": run.message,
        "failed_connection": run.failed_connection,
    }


def _recurrence(evaluations: list[Evaluation], run: GateRunRecord) -> dict[str, Any]:
    """NEW or RECURRING, first seen (start of the current streak), first failed ever."""
    index = next((i for i, e in enumerate(evaluations) if e.run_id == run.run_id), len(evaluations) - 1)
    evaluations = evaluations[: index + 1]
    start = index
    while start > 0 and not evaluations[start - 1].ok:
        start -= 1
    failures = [e for e in evaluations if not e.ok]
    streak = evaluations[start:] if evaluations else []
    first = streak[0] if streak else Evaluation(run.run_id, run.started_at, False)
    ever = failures[0] if failures else first
    return {
        "recurrence": "recurring" if len(streak) > 1 else "new",
        "first_seen_run_id": first.run_id,
        "first_seen_at": iso(first.at),
        "streak_runs": max(len(streak), 1),
        "first_failed_ever_run_id": ever.run_id,
        "first_failed_ever_at": iso(ever.at),
        "failed_runs": max(len(failures), 1),
        "evaluated_runs": max(len(evaluations), 1),
    }


def _source_of(table: str, loads: dict[str, str | None]) -> tuple[str | None, str | None]:
    """The source whose load time bounds how current `table` can be, and that time."""
    if not loads:
        return None, None
    match = re.search(r"stg_([a-z0-9_]+?)__", table)
    if match and match.group(1) in loads:
        return match.group(1), loads[match.group(1)]
    if len(loads) == 1:
        return next(iter(loads.items()))
    known = [(t, s) for s, t in loads.items() if t]
    if not known:
        return None, None
    oldest, source = min(known)
    return source, oldest


def _table_names(snapshots: list[TableSnapshotRecord], checks: list[CheckRecord]) -> list[str]:
    return sorted({s.table_name for s in snapshots} | {c.table_name for c in checks if c.table_name})


def _by_run(snapshots: list[TableSnapshotRecord]) -> dict[str, dict[str, TableSnapshotRecord]]:
    by_run: dict[str, dict[str, TableSnapshotRecord]] = {}
    for snap in snapshots:
        by_run.setdefault(snap.run_id, {})[snap.table_name] = snap
    return by_run


def _tables(
    runs: list[GateRunRecord],
    snapshots: list[TableSnapshotRecord],
    checks: list[CheckRecord],
    loads: dict[str, str | None],
    carried: dict[str, tuple[str, list[CheckRecord]]],
) -> tuple[list[TableStatus], str | None]:
    """Each table's status, freshness and size, worst first; and the run the sizes are from: the
    latest run, else the newest that measured anything. `runs` is newest first."""
    by_run = _by_run(snapshots)
    newest_first = [r.run_id for r in runs]
    shown = next((rid for rid in newest_first if rid in by_run), None)
    earlier = newest_first[newest_first.index(shown) + 1 :] if shown else []
    checked = {c.table_name for c in checks} | set(carried)
    tables = []
    for name in _table_names(snapshots, checks):
        snap = by_run.get(shown, {}).get(name) if shown else None
        before = next((by_run[r][name] for r in earlier if name in by_run.get(r, {})), None)
        table_checks = [c for c in checks if c.table_name == name]
        validated_in, kept = carried.get(name, (None, []))
        evaluated = {c.check_id for c in table_checks}
        table_checks += [c for c in kept if c.check_id not in evaluated]
        failing = [c for c in table_checks if not c.success]
        worst = max((SEVERITY_RANK.get(c.severity, 2) for c in failing), default=0)
        owner = (snap.owner if snap else None) or next((c.owner for c in table_checks if c.owner), None)
        through = iso(snap.current_through if snap else None)
        basis = "table" if through else None
        if through is None:
            source, through = _source_of(name, loads)
            basis = f"load:{source}" if through else None
        rows = snap.row_count if snap else None
        previous_rows = before.row_count if before else None
        tables.append(
            TableStatus(
                table_name=name,
                owner=owner or "unowned",
                status={2: "block", 1: "warn"}.get(worst, "ok" if name in checked else "not-validated"),
                checks=len(table_checks),
                failing_checks=len(failing),
                current_through=through,
                current_through_basis=basis,
                row_count=rows,
                previous_row_count=previous_rows,
                previous_run_id=before.run_id if before else None,
                row_count_change=None if rows is None or previous_rows is None else rows - previous_rows,
                validated_in_run=validated_in,
            )
        )
    tables.sort(key=lambda t: (TABLE_ORDER[t.status], t.table_name))
    return tables, shown


def _trend(
    window: list[GateRunRecord], snapshots: list[TableSnapshotRecord], checks: list[CheckRecord]
) -> Trend:
    """The runs of the window, oldest first, and each table's row count in each of them."""
    by_run = _by_run(snapshots)
    chronological = list(reversed(window))
    return Trend(
        runs=[HistoryRun(**_run_facts(r)) for r in chronological],
        row_counts={
            name: [
                RowCountPoint(r.run_id, s.row_count if (s := by_run.get(r.run_id, {}).get(name)) else None)
                for r in chronological
            ]
            for name in _table_names(snapshots, checks)
        },
    )
