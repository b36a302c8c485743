"""Typed records of the `dq` history (schema in `quality/results.py`) and the one reader of it for
the stewards' report and, through the report's report.json, the e-mail digest.

The records are rows as `DQHistory` reads them: runs (`GateRunRecord`), check results with their
failing-row samples (`CheckRecord`), each check's evaluations over time (`Evaluation`), table
sizes and freshness (`TableSnapshotRecord`, the row-count trend), the quarantine per stream, and
each stream's counts from connector to staging (`StreamCountRecord`).
Instants are naive UTC datetimes, as DuckDB returns TIMESTAMPs; `iso()` writes them for JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from commerce_stack.quality.samples import SAMPLE_LIMIT
from commerce_stack.warehouse import Connection, columns, connect, tables

REASONS_PER_STREAM = 5


def iso(value: Any) -> str | None:
    """UTC timestamps as ISO 8601 with a Z; DuckDB hands TIMESTAMPs back naive (they are UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value  # not a timestamp we can read: shown as written
    if not isinstance(value, datetime):
        return str(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def _json_value(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class GateRunRecord:
    """One row of dq.gate_runs."""

    run_id: str
    environment: str
    started_at: datetime | None
    finished_at: datetime | None
    status: str  # promoted | blocked | failed, lower case ('unknown' when missing)
    promoted: bool
    checks_total: int
    blocking_failures: int
    warnings: int
    loads: dict[str, str | None]  # source -> its data is current through (ISO 8601, UTC)
    data_docs: str | None
    message: str | None
    # on BigQuery: {"models": {model: bytes}, "checks": {suite: bytes}, "pipeline": bytes}
    bytes_billed: dict[str, Any] | None = None
    failed_connection: str | None = None  # the connection whose sync failed (then nothing ran after)


@dataclass(frozen=True)
class CheckRecord:
    """One check's result in one run (dq.check_results), with its first SAMPLE_LIMIT failing rows."""

    check_id: str
    check_name: str
    check_source: str | None
    table_name: str | None
    column_name: str | None
    owner: str | None
    severity: str  # block | warn
    success: bool
    description: str | None
    observed_value: str | None
    unexpected_count: int | None
    unexpected_percent: float | None
    samples_stored: int  # how many rows the gate kept; `samples` holds at most SAMPLE_LIMIT of them
    samples: list[dict[str, Any]]
    reproduce_sql: str | None


@dataclass(frozen=True)
class Evaluation:
    """A run that evaluated a check: when the run started, and whether the check passed in it."""

    run_id: str
    at: datetime | None
    ok: bool


@dataclass(frozen=True)
class TableSnapshotRecord:
    """A validated table's size and freshness in one run (dq.table_snapshots)."""

    run_id: str
    table_name: str
    owner: str | None
    row_count: int | None
    current_through: datetime | None


@dataclass(frozen=True)
class QuarantineReason:
    reason: str
    count: int
    last_seen: str | None


@dataclass(frozen=True)
class QuarantineStream:
    source: str
    stream: str
    total: int
    new: int  # since the previous run of the environment finished
    last_quarantined_at: str | None
    latest_reasons: list[QuarantineReason]


@dataclass(frozen=True)
class Quarantine:
    available: bool = False  # whether dq.quarantine exists
    total: int = 0
    new_since: str | None = None
    streams: list[QuarantineStream] = field(default_factory=list)


@dataclass(frozen=True)
class StreamCountRecord:
    """One stream's counts from connector to staging in one run (dq.stream_counts)."""

    connection: str
    stream: str  # or stream.field at a nested grain
    emitted: int | None  # None: not synced in the run, or a nested grain
    landed: int | None
    keys_landed: int | None
    staged: int | None  # None: no staging model
    quarantined: int | None
    status: str  # ok | mismatch | not-staged


# ----------------------------------------------------------------------------- the reader

_RUN_COLUMNS = (
    "run_id, environment, started_at, finished_at, status, promoted, checks_total, blocking_failures, "
    "warnings, loads, data_docs, message"
)
# added to dq.gate_runs after its first release: a history written before one reads NULL there
_LATER_RUN_COLUMNS = ("bytes_billed", "failed_connection")


def _run(row: dict[str, Any]) -> GateRunRecord:
    loads = _json_value(row["loads"])
    return GateRunRecord(
        run_id=row["run_id"],
        environment=row["environment"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        status=(row["status"] or "unknown").lower(),
        promoted=bool(row["promoted"]),
        checks_total=row["checks_total"] or 0,
        blocking_failures=row["blocking_failures"] or 0,
        warnings=row["warnings"] or 0,
        loads={str(k): iso(v) for k, v in loads.items()} if isinstance(loads, dict) else {},
        data_docs=row["data_docs"],
        message=row["message"],
        bytes_billed=billed if isinstance(billed := _json_value(row.get("bytes_billed")), dict) else None,
        failed_connection=row.get("failed_connection"),
    )


def _check(row: dict[str, Any]) -> CheckRecord:
    samples = _json_value(row.pop("samples"))
    samples = samples if isinstance(samples, list) else ([] if samples is None else [samples])
    return CheckRecord(
        **(row | {"severity": (row["severity"] or "block").lower(), "success": bool(row["success"])}),
        samples_stored=len(samples),
        samples=[s if isinstance(s, dict) else {"value": s} for s in samples[:SAMPLE_LIMIT]],
    )


class DQHistory:
    """Read-only queries over the `dq` schema of an open warehouse connection."""

    def __init__(self, con: Connection) -> None:
        self.con = con
        self.tables = set(tables(con, "dq"))
        present = set(columns(con, "dq", "gate_runs")) if "gate_runs" in self.tables else set()
        self.run_columns = _RUN_COLUMNS + "".join(
            f", {name}" if name in present else f", NULL AS {name}" for name in _LATER_RUN_COLUMNS
        )

    def _rows(self, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, params or [])
        names = [d[0] for d in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def latest_run(self, environment: str | None = None) -> GateRunRecord | None:
        """The newest run (of `environment`, when given); None before the first run."""
        if "gate_runs" not in self.tables:
            return None
        where, params = ("WHERE environment = ?", [environment]) if environment else ("", [])
        rows = self._rows(
            f"SELECT {self.run_columns} FROM dq.gate_runs {where} "
            "ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT 1",
            params,
        )
        return _run(rows[0]) if rows else None

    def runs_until(self, run: GateRunRecord) -> list[GateRunRecord]:
        """The runs of `run`'s environment that started no later than it, newest first."""
        return [
            _run(row)
            for row in self._rows(
                f"SELECT {self.run_columns} FROM dq.gate_runs WHERE environment = ? AND "
                "(started_at <= CAST(? AS TIMESTAMP) OR CAST(? AS TIMESTAMP) IS NULL) "
                "ORDER BY started_at DESC NULLS LAST, run_id DESC",
                [run.environment, run.started_at, run.started_at],
            )
        ]

    def checks(self, run: GateRunRecord) -> list[CheckRecord]:
        """Every check result of `run`, by table and check name."""
        if "check_results" not in self.tables:
            return []
        rows = self._rows(
            "SELECT check_id, check_name, check_source, table_name, column_name, owner, severity, success, "
            "description, observed_value, unexpected_count, unexpected_percent, "
            "failing_samples AS samples, reproduce_sql FROM dq.check_results "
            "WHERE run_id = ? AND environment = ? ORDER BY table_name, check_name, check_id",
            [run.run_id, run.environment],
        )
        return [_check(row) for row in rows]

    def promoted_validations(
        self, run: GateRunRecord, tables: set[str]
    ) -> dict[str, tuple[str, list[CheckRecord]]]:
        """For each of `tables`, the run id and checks of the last promoted run before `run` that
        validated it: the validation of the version prod serves, when `run` did not validate the
        table again (nothing new in it)."""
        if "check_results" not in self.tables or not tables:
            return {}
        names = sorted(tables)
        rows = self._rows(
            "SELECT c.run_id, c.check_id, c.check_name, c.check_source, c.table_name, c.column_name, "
            "c.owner, c.severity, c.success, c.description, c.observed_value, c.unexpected_count, "
            "c.unexpected_percent, c.failing_samples AS samples, c.reproduce_sql "
            "FROM dq.check_results AS c JOIN dq.gate_runs AS r USING (run_id, environment) "
            "WHERE r.promoted AND c.environment = ? AND r.started_at < ? AND c.table_name IN "
            f"({', '.join('?' for _ in names)}) AND c.check_source IS DISTINCT FROM 'freshness' "
            "QUALIFY r.started_at = max(r.started_at) OVER (PARTITION BY c.table_name) "
            "ORDER BY c.table_name, c.check_name, c.check_id",
            [run.environment, run.started_at, *names],
        )
        found: dict[str, tuple[str, list[CheckRecord]]] = {}
        for row in rows:
            run_id = row.pop("run_id")
            found.setdefault(row["table_name"], (run_id, []))[1].append(_check(row))
        return found

    def evaluations(self, environment: str, check_ids: set[str]) -> dict[str, list[Evaluation]]:
        """Per check, every run of `environment` that evaluated it, oldest first."""
        if not check_ids or "check_results" not in self.tables:
            return {}
        ids = sorted(check_ids)
        rows = self._rows(
            "SELECT c.check_id, c.run_id, min(coalesce(g.started_at, c.run_at)) AS at, "
            "bool_and(c.success) AS ok FROM dq.check_results AS c LEFT JOIN dq.gate_runs AS g "
            "ON g.run_id = c.run_id AND g.environment = c.environment "
            f"WHERE c.environment = ? AND c.check_id IN ({', '.join('?' for _ in ids)}) "
            "GROUP BY 1, 2 ORDER BY 1, 3 NULLS FIRST, 2",
            [environment, *ids],
        )
        per_check: dict[str, list[Evaluation]] = {}
        for row in rows:
            per_check.setdefault(row["check_id"], []).append(Evaluation(row["run_id"], row["at"], row["ok"]))
        return per_check

    def snapshots(self, run_ids: list[str]) -> list[TableSnapshotRecord]:
        """The tables measured in these runs: one record per run and table."""
        if not run_ids or "table_snapshots" not in self.tables:
            return []
        rows = self._rows(
            "SELECT run_id, table_name, max(owner) AS owner, max(row_count) AS row_count, "
            "max(current_through) AS current_through FROM dq.table_snapshots "
            f"WHERE run_id IN ({', '.join('?' for _ in run_ids)}) GROUP BY 1, 2 ORDER BY 1, 2",
            run_ids,
        )
        return [TableSnapshotRecord(**row) for row in rows]

    def stream_counts(self, run: GateRunRecord) -> list[StreamCountRecord]:
        """Each stream's counts in `run`, by connection and stream."""
        if "stream_counts" not in self.tables:
            return []
        rows = self._rows(
            "SELECT connection, stream, emitted, landed, keys_landed, staged, quarantined, status "
            "FROM dq.stream_counts WHERE run_id = ? ORDER BY connection, stream",
            [run.run_id],
        )
        return [StreamCountRecord(**row) for row in rows]

    def quarantine(self, since: datetime | None) -> Quarantine:
        """Quarantined records per source and stream: in all, and quarantined after `since`."""
        if "quarantine" not in self.tables:
            return Quarantine()
        streams = self._rows(
            "SELECT source, stream, count(*) AS total, sum(CASE WHEN CAST(? AS TIMESTAMP) IS NULL "
            "OR quarantined_at > CAST(? AS TIMESTAMP) THEN 1 ELSE 0 END) AS new, "
            "max(quarantined_at) AS last_quarantined_at FROM dq.quarantine GROUP BY 1, 2 ORDER BY 1, 2",
            [since, since],
        )
        reasons: dict[tuple[str, str], list[QuarantineReason]] = {}
        for row in self._rows(
            "SELECT source, stream, reason, count(*) AS count, max(quarantined_at) AS last_seen "
            "FROM dq.quarantine GROUP BY 1, 2, 3 ORDER BY 1, 2, 5 DESC NULLS LAST, 4 DESC, 3"
        ):
            reasons.setdefault((row["source"], row["stream"]), []).append(
                QuarantineReason(row["reason"], row["count"], iso(row["last_seen"]))
            )
        records = [
            QuarantineStream(
                **(s | {"last_quarantined_at": iso(s["last_quarantined_at"])}),
                latest_reasons=reasons.get((s["source"], s["stream"]), [])[:REASONS_PER_STREAM],
            )
            for s in streams
        ]
        return Quarantine(True, sum(s.total for s in records), iso(since), records)


@contextmanager
def open_history(warehouse: Path | None = None) -> Iterator[DQHistory]:
    """The `dq` history of the DuckDB file `warehouse`, or of this process's warehouse (DuckDB or
    BigQuery, `commerce_stack.warehouse`), read-only; the connection is closed on leaving."""
    con = duckdb.connect(str(warehouse), read_only=True) if warehouse else connect()
    try:
        yield DQHistory(con)
    finally:
        con.close()
