"""A failed sync on the BigQuery gateway: the run is recorded in the `dq` dataset, column
`failed_connection` added by the same DDL as on DuckDB, and read back by the report and the digest.

A project of its own on the session's emulator, so the other tests' `dq` dataset is not touched.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from support.bigquery_emulator import emulator_settings

from commerce_stack.quality.alerts import digest_subject
from commerce_stack.quality.history import GateRun, record
from commerce_stack.quality.report import read_report
from commerce_stack.warehouse import connect

pytestmark = pytest.mark.bigquery

LINE = "connection tinyerp: check failed: HTTP Status Code: 503. Error: Service unavailable."


def test_a_failed_sync_is_recorded_and_reported_on_bigquery(bigquery_emulator, monkeypatch, tmp_path):
    settings = {
        **emulator_settings(bigquery_emulator, tmp_path / "state.duckdb"),
        "GCP_PROJECT": "sync-failure",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    promoted = GateRun(
        "20261118T001500Z", "candidate", datetime(2026, 11, 18, 0, 15), datetime(2026, 11, 18, 0, 17),
        status="promoted", promoted=True, loads={"tinyerp": "2026-11-18 00:14:00"},
        bytes_billed={"models": {}, "checks": {}, "pipeline": 10},
    )  # fmt: skip
    failed = GateRun(
        "20261119T001500Z", "candidate", datetime(2026, 11, 19, 0, 15), datetime(2026, 11, 19, 0, 15, 31),
        status="failed", message=LINE, failed_connection="tinyerp",
    )  # fmt: skip
    with connect(read_only=False) as con:
        record(con, promoted, [], [])
        record(con, failed, [], [])
        stored = con.execute(
            "SELECT run_id, status, message, failed_connection FROM dq.gate_runs ORDER BY run_id"
        ).fetchall()
    assert [tuple(row) for row in stored] == [
        ("20261118T001500Z", "promoted", None, None),
        ("20261119T001500Z", "failed", LINE, "tinyerp"),
    ]
    report = read_report(None).to_json()  # this process's warehouse: BigQuery
    latest = report["latest_run"]
    assert (latest["run_id"], latest["status"], latest["failed_connection"], latest["message"]) == (
        "20261119T001500Z", "failed", "tinyerp", LINE
    )  # fmt: skip
    assert digest_subject(report) == (
        "[DQ] SYNC FAILED candidate 20261119T001500Z: connection tinyerp "
        "(check failed: HTTP Status Code: 503. Error: Service unavailable.)"
    )
