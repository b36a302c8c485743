"""Keep every gate run in the warehouse (schema `dq`, append-only): the run, each check's result
with failing samples and reproduce SQL, and each validated table's size and freshness.

The report and the volume check read this history; nothing here ever deletes from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from commerce_stack.environments import schema_in
from commerce_stack.quality.gate import CheckResult, failing, suite_files
from commerce_stack.quality.results import ensure_dq_schema
from commerce_stack.quality.samples import fetch_samples
from commerce_stack.warehouse import Connection, errors, tables


@dataclass
class TableSnapshot:
    table_name: str  # model name, e.g. marts.orders
    owner: str
    row_count: int
    current_through: datetime | None


@dataclass
class GateRun:
    run_id: str
    environment: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # promoted | blocked | failed
    promoted: bool = False
    loads: dict[str, str] = field(default_factory=dict)
    data_docs: str | None = None
    message: str | None = None
    bytes_billed: dict[str, Any] = field(default_factory=dict)  # on BigQuery (RunSummary.bytes_billed)
    failed_connection: str | None = None  # the connection whose sync failed (nothing was released)


def collect_evidence(
    con: Connection, environment: str, checks: list[CheckResult], *, measure: bool = True
) -> list[TableSnapshot]:
    """Fill failing-row samples, and measure every suite's table in `environment` (read-only).

    `measure=False` when the environment was not (re)built, so its views show an older state.
    """
    failed_query = errors()
    for check in checks:
        if not check.success and check.reproduce_sql and not check.failing_samples:
            try:
                check.failing_samples = fetch_samples(con, check.reproduce_sql)
            except failed_query as error:  # a sample is evidence, not a verdict: keep the run going
                check.failing_samples = [{"error": f"could not fetch samples: {error}"}]
    snapshots: list[TableSnapshot] = []
    if not measure:
        return snapshots
    for name, suite in suite_files().items():
        schema, _, table = name.partition(".")
        relation = f'"{schema_in(environment, schema)}"."{table}"'
        meta = suite.get("meta") or {}
        column = (meta.get("freshness") or {}).get("column")
        through = f"MAX({column})" if column else "NULL"
        try:
            measured = con.execute(f"SELECT COUNT(*), {through} FROM {relation}").fetchone()
        except failed_query:  # the environment was not built (e.g. a blocking audit stopped it)
            continue
        rows, newest = measured or (0, None)  # an aggregate always returns its one row
        snapshots.append(TableSnapshot(name, meta.get("owner", "unowned"), rows, newest))
    return snapshots


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, default=str)


def record(
    con: Connection,
    run: GateRun,
    checks: list[CheckResult],
    snapshots: list[TableSnapshot],
) -> None:
    """Append one run to dq.gate_runs, dq.check_results and dq.table_snapshots."""
    ensure_dq_schema(con)
    blocking, warnings = len(failing(checks, "block")), len(failing(checks, "warn"))
    con.execute(
        "INSERT INTO dq.gate_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, json(?), ?, ?, json(?), ?)",
        [
            run.run_id, run.environment, run.started_at, run.finished_at, run.status, run.promoted,
            len(checks), blocking, warnings, _json(run.loads), run.data_docs, run.message,
            _json(run.bytes_billed or None), run.failed_connection,
        ],
    )  # fmt: skip
    if checks:
        con.executemany(
            "INSERT INTO dq.check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json(?), ?, ?)",
            [
                [
                    run.run_id,
                    run.started_at,
                    run.environment,
                    c.check_id,
                    c.label,
                    c.check_source,
                    c.model,
                    c.column,
                    c.owner,
                    c.severity,
                    c.success,
                    None if c.observed_value is None else str(c.observed_value),
                    c.unexpected_count,
                    c.unexpected_percent,
                    _json(c.failing_samples) if not c.success else None,
                    c.reproduce_sql,
                    c.description,
                ]
                for c in checks
            ],
        )
    if snapshots:
        con.executemany(
            "INSERT INTO dq.table_snapshots VALUES (?, ?, ?, ?, ?)",
            [[run.run_id, s.table_name, s.owner, s.row_count, s.current_through] for s in snapshots],
        )


def _record_text(value: Any) -> str | None:
    """A quarantined record as canonical JSON text: DuckDB returns JSON as text, BigQuery parsed."""
    if value is None:
        return None
    parsed = json.loads(value) if isinstance(value, str) else value
    return json.dumps(parsed, sort_keys=True, ensure_ascii=False, default=str)


def record_quarantine(con: Connection, environment: str, at: datetime) -> int:
    """Append the environment's newly quarantined records (every `staging.stg_*__quarantine`
    model) to dq.quarantine; a record already kept with the same reason is not added again.
    Compared here rather than in SQL: JSON has no equality on BigQuery, and the rows are few."""
    ensure_dq_schema(con)
    schema = schema_in(environment, "staging")
    columns = "source, stream, reason, record, record_id"

    def normalised(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [(s, st, r, _record_text(rec), rid) for s, st, r, rec, rid in rows]

    kept = set(normalised(con.execute(f"SELECT {columns} FROM dq.quarantine").fetchall()))
    new: dict[tuple[Any, ...], None] = {}  # insertion-ordered, each record once
    for table in tables(con, schema):
        if table.endswith("__quarantine"):
            rows = con.execute(f'SELECT {columns} FROM "{schema}"."{table}"').fetchall()
            new.update(dict.fromkeys(row for row in normalised(rows) if row not in kept))
    if new:
        con.executemany(
            "INSERT INTO dq.quarantine (source, stream, quarantined_at, reason, record, record_id) "
            "VALUES (?, ?, ?, ?, json(?), ?)",
            [[s, st, at, r, rec, rid] for s, st, r, rec, rid in new],
        )
    return len(new)
