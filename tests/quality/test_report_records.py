"""The typed records the report reads from `dq`: exact values from the fixture history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
from support.dq_history import (
    CHECKS,
    CUSTOMERS_EMAIL,
    D1,
    ENV,
    LATEST,
    MESSAGES,
    ORDERS_ROWS,
    ORDERS_UNIQUE,
    PRODUCTS_PRICE,
    R1,
    R2,
    R3,
    R4,
    R5,
    write_empty_schema,
    write_history,
)

from commerce_stack.quality.report.records import (
    DQHistory,
    Evaluation,
    GateRunRecord,
    Quarantine,
    QuarantineReason,
    QuarantineStream,
    TableSnapshotRecord,
    iso,
    open_history,
)
from commerce_stack.quality.samples import SAMPLE_LIMIT

DQ_TABLES = {"gate_runs", "check_results", "table_snapshots", "quarantine", "stream_counts", "exports"}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    return write_history(tmp_path_factory.mktemp("records") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def dq(warehouse):
    with open_history(warehouse) as history:
        yield history


def _at(run_id: str) -> datetime:
    return datetime.strptime(run_id, "%Y%m%dT%H%M%SZ")


def test_the_latest_run_is_read_whole(dq):
    assert dq.tables == DQ_TABLES
    assert dq.latest_run() == GateRunRecord(
        run_id=LATEST,
        environment=ENV,
        started_at=datetime(2026, 11, 22, 0, 18, 53),
        finished_at=datetime(2026, 11, 22, 0, 21, 0),
        status="blocked",
        promoted=False,
        checks_total=len(CHECKS),
        blocking_failures=3,
        warnings=2,
        loads={"fakestore": "2026-11-22T00:18:50Z"},
        data_docs=f"/srv/dq/{LATEST}/gx/data_docs/local_site/index.html",
        message=MESSAGES[R5],
    )
    assert dq.latest_run(ENV) == dq.latest_run()
    assert dq.latest_run("dev").run_id == D1
    assert dq.latest_run("nowhere") is None


def test_runs_are_the_environments_newest_first(dq):
    runs = dq.runs_until(dq.latest_run())
    assert [r.run_id for r in runs] == [R5, R4, R3, R2, R1]  # D1 is dev
    failed = runs[2]
    assert (failed.status, failed.promoted, failed.checks_total, failed.data_docs) == (
        "failed",
        False,
        0,
        None,
    )
    assert failed.message == MESSAGES[R3]
    assert (runs[-1].status, runs[-1].promoted, runs[-1].message) == ("promoted", True, None)
    assert [r.run_id for r in dq.runs_until(runs[1])] == [R4, R3, R2, R1]


def test_check_results_carry_their_samples(dq):
    checks = dq.checks(dq.latest_run())
    assert len(checks) == len(CHECKS)
    assert [(c.table_name, c.check_name) for c in checks] == sorted(
        (c.table_name, c.check_name) for c in checks
    )
    by_id = {c.check_id: c for c in checks}
    unique = by_id[ORDERS_UNIQUE]
    assert (unique.success, unique.severity, unique.owner) == (False, "block", "analytics_engineering")
    assert (unique.check_source, unique.table_name, unique.column_name) == (
        "great_expectations", "marts.orders", "order_key",
    )  # fmt: skip
    assert (unique.unexpected_count, unique.unexpected_percent, unique.observed_value) == (23, 1.71, None)
    assert (unique.samples_stored, len(unique.samples)) == (23, SAMPLE_LIMIT)
    assert unique.samples[0] == {
        "order_key": "fakestore:7", "customer_key": "fakestore:3", "order_date": "2020-03-01",
        "total_amount": 119.5, "currency": "USD",
    }  # fmt: skip
    assert unique.reproduce_sql == CHECKS[ORDERS_UNIQUE][5]
    assert unique.description == CHECKS[ORDERS_UNIQUE][6]
    rows = by_id[ORDERS_ROWS]  # a passing check keeps no samples
    assert (rows.success, rows.observed_value, rows.samples_stored, rows.samples) == (True, "1342", 0, [])
    assert sum(1 for c in checks if not c.success) == 5


def test_a_sample_that_is_not_a_row_is_kept_as_a_value(warehouse, tmp_path):
    copy = tmp_path / "warehouse.duckdb"
    copy.write_bytes(warehouse.read_bytes())
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "UPDATE dq.check_results SET failing_samples = ?, severity = NULL "
            "WHERE run_id = ? AND check_id = ?",
            [json.dumps(["fakestore:21", {"price": -1}]), R5, PRODUCTS_PRICE],
        )
    with open_history(copy) as dq:
        price = next(c for c in dq.checks(dq.latest_run()) if c.check_id == PRODUCTS_PRICE)
    assert (price.samples, price.samples_stored) == ([{"value": "fakestore:21"}, {"price": -1}], 2)
    assert price.severity == "block"  # a result without a severity blocks


def test_evaluations_are_per_check_oldest_first_in_one_environment(dq):
    evaluations = dq.evaluations(ENV, {CUSTOMERS_EMAIL, PRODUCTS_PRICE, ORDERS_UNIQUE})
    assert evaluations[CUSTOMERS_EMAIL] == [  # R3 evaluated nothing
        Evaluation(R1, _at(R1), True),
        Evaluation(R2, _at(R2), False),
        Evaluation(R4, _at(R4), False),
        Evaluation(R5, _at(R5), False),
    ]
    assert [e.ok for e in evaluations[PRODUCTS_PRICE]] == [True, False, True, False]
    assert [e.run_id for e in evaluations[ORDERS_UNIQUE]] == [R1, R2, R4, R5]  # not D1 (dev)
    assert [e.run_id for e in dq.evaluations("dev", {ORDERS_UNIQUE})[ORDERS_UNIQUE]] == [D1]
    assert dq.evaluations(ENV, set()) == {}


def test_snapshots_are_the_measured_tables_of_the_runs_asked(dq):
    snapshots = dq.snapshots([R3, R4, R5])  # R3 measured nothing
    assert len(snapshots) == 8 and {s.run_id for s in snapshots} == {R4, R5}
    by_key = {(s.run_id, s.table_name): s for s in snapshots}
    assert by_key[(R5, "marts.orders")] == TableSnapshotRecord(
        R5, "marts.orders", "analytics_engineering", 1342, _at(R5) - timedelta(seconds=3)
    )
    assert by_key[(R4, "marts.products")] == TableSnapshotRecord(
        R4, "marts.products", "merchandising", 20, None
    )
    assert dq.snapshots([]) == []


def test_quarantine_per_stream_with_its_latest_reasons(dq):
    since = datetime(2026, 11, 21, 0, 17, 7)  # R4 finished
    assert dq.quarantine(since) == Quarantine(
        available=True,
        total=6,
        new_since="2026-11-21T00:17:07Z",
        streams=[
            QuarantineStream(
                "fakestore", "carts", 4, 3, "2026-11-22T00:18:42Z",
                [
                    QuarantineReason("quantity is not an integer: 'two'", 1, "2026-11-22T00:18:42Z"),
                    QuarantineReason("date is not ISO-8601: '2020-13-45'", 3, "2026-11-22T00:18:41Z"),
                ],
            ),
            QuarantineStream(
                "fakestore", "products", 1, 0, "2026-11-18T00:14:58Z",
                [QuarantineReason("price is not a number: '<b>12</b> & up'", 1, "2026-11-18T00:14:58Z")],
            ),
            QuarantineStream(
                "fakestore", "users", 1, 1, "2026-11-22T00:18:43Z",
                [QuarantineReason(
                    "address.geolocation.lat is not a number: 'N/A'", 1, "2026-11-22T00:18:43Z"
                )],
            ),
        ],
    )  # fmt: skip
    first = dq.quarantine(None)  # the first run: everything is new
    assert [(s.stream, s.new) for s in first.streams] == [("carts", 4), ("products", 1), ("users", 1)]
    assert first.new_since is None


def test_a_history_without_runs_or_without_dq(tmp_path):
    with open_history(write_empty_schema(tmp_path / "empty.duckdb")) as dq:
        assert dq.tables == DQ_TABLES
        assert dq.latest_run() is None
        assert dq.quarantine(None) == Quarantine(available=True)
    with duckdb.connect() as con:
        bare = DQHistory(con)
        assert bare.tables == set() and bare.latest_run() is None
        assert bare.quarantine(None) == Quarantine(available=False, total=0, new_since=None, streams=[])
        assert bare.evaluations(ENV, {ORDERS_UNIQUE}) == {} and bare.snapshots([R5]) == []


def test_the_history_is_closed_after_reading(tmp_path):
    warehouse = write_history(tmp_path / "warehouse.duckdb")  # not the module's: that one is open
    with open_history(warehouse) as dq:
        dq.latest_run()
    with duckdb.connect(str(warehouse)) as con:  # read-write: fails while a reader holds the file
        assert con.execute("SELECT count(*) FROM dq.gate_runs").fetchone()[0] == 6


def test_instants_are_iso_8601_utc():
    assert iso(datetime(2026, 11, 22, 0, 18, 53, 123000)) == "2026-11-22T00:18:53Z"
    assert (
        iso(datetime(2026, 11, 22, 2, 18, 53, tzinfo=timezone(timedelta(hours=2)))) == "2026-11-22T00:18:53Z"
    )
    assert iso(datetime(2026, 11, 22, tzinfo=UTC)) == "2026-11-22T00:00:00Z"
    assert iso("2026-11-22 00:18:50.123000") == "2026-11-22T00:18:50Z"
    assert iso("2026-11-22T00:18:50Z") == "2026-11-22T00:18:50Z"
    assert iso("yesterday") == "yesterday"  # unreadable: as written
    assert iso(None) is None
