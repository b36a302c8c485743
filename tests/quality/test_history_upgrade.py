"""A warehouse whose `dq.gate_runs` predates a column upgrades in place on the next record: its old
runs read NULL there, and a failed sync's connection is kept and read back. Until then the report
reads such a history as it is."""

from __future__ import annotations

from datetime import datetime

import duckdb

from commerce_stack.quality.history import GateRun, record
from commerce_stack.quality.report.records import DQHistory

# dq.gate_runs as the first release created it: no bytes_billed, no failed_connection
FIRST_RELEASE = """
CREATE SCHEMA dq;
CREATE TABLE dq.gate_runs (
  run_id VARCHAR, environment VARCHAR, started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR,
  promoted BOOLEAN, checks_total INTEGER, blocking_failures INTEGER, warnings INTEGER, loads JSON,
  data_docs VARCHAR, message VARCHAR
);
INSERT INTO dq.gate_runs VALUES ('20261118T001500Z', 'candidate', TIMESTAMP '2026-11-18 00:15:00',
  TIMESTAMP '2026-11-18 00:17:00', 'promoted', TRUE, 3, 0, 0, '{"fakestore": "2026-11-18 00:14:00"}',
  NULL, NULL);
"""
LINE = "connection tinyerp: check failed: HTTP Status Code: 503. Error: Service unavailable."


def _runs(con) -> list[tuple]:
    return con.execute(
        "SELECT run_id, status, message, failed_connection FROM dq.gate_runs ORDER BY started_at"
    ).fetchall()


def test_an_old_history_gains_the_column_and_keeps_a_failed_sync():
    con = duckdb.connect()
    con.execute(FIRST_RELEASE)
    old = DQHistory(con).latest_run()
    assert old is not None and (old.run_id, old.failed_connection, old.bytes_billed) == (
        "20261118T001500Z", None, None
    )  # fmt: skip
    failed = GateRun(
        run_id="20261119T001500Z",
        environment="candidate",
        started_at=datetime(2026, 11, 19, 0, 15),
        finished_at=datetime(2026, 11, 19, 0, 15, 31),
        status="failed",
        message=LINE,
        failed_connection="tinyerp",
    )
    record(con, failed, [], [])
    columns = [name for (name,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'dq' "
        "AND table_name = 'gate_runs' ORDER BY ordinal_position"
    ).fetchall()]  # fmt: skip
    assert columns[-2:] == ["bytes_billed", "failed_connection"]
    assert _runs(con) == [
        ("20261118T001500Z", "promoted", None, None),
        ("20261119T001500Z", "failed", LINE, "tinyerp"),
    ]
    latest = DQHistory(con).latest_run()
    assert latest is not None
    assert (latest.run_id, latest.status, latest.failed_connection, latest.checks_total, latest.loads) == (
        "20261119T001500Z", "failed", "tinyerp", 0, {}
    )  # fmt: skip
