"""The whole pipeline, as `make run` runs it: simulator -> Airbyte sync -> SQLMesh -> GX gate -> prod.

Four runs against one warehouse, in order (each test reads the module's shared history):
1. a first run with the pipeline's own simulator: marts match the simulator's data set;
2. new carts in the simulator: the sync reads only from the saved state (minus the lookback)
   and the marts grow without duplicate keys;
3. nothing new: no plan, no checkpoint, only the clock's checks (freshness); no mart changes;
4. new carts plus a suite that fails: the gate blocks, exits non-zero, names the check, and
   prod's marts stay byte-for-byte what they were.
"""

from __future__ import annotations

from typing import Any

from support.pipeline_runs import Pipeline, Run

from commerce_stack.quality.gate import suite_files

REFERENCE = {"products": 20, "users": 10, "carts": 7, "cart_lines": 14}
FIRST_WINDOW_AFTER_LOOKBACK = "2020-02-28"  # state minus the connector's 3-day lookback


def _lines_in(carts: list[dict[str, Any]]) -> int:
    return sum(len({p["productId"] for p in cart["products"]}) for cart in carts)


def test_first_run_promotes_marts_that_match_the_simulator(history):
    first: Run = history["first"]
    assert first.returncode == 0, first.output
    assert first.summary["status"] == "promoted"
    fakestore_streams = {
        stream: records
        for stream, records in first.summary["records_per_stream"].items()
        if stream.startswith("raw_fakestore.")
    }
    assert fakestore_streams == {
        "raw_fakestore.products": REFERENCE["products"],
        "raw_fakestore.users": REFERENCE["users"],
        "raw_fakestore.carts": REFERENCE["carts"],
    }
    assert history["first_raw"]["carts"] == REFERENCE["carts"]
    assert {table: rows["fakestore"] for table, rows in first.rows_by_source.items()} == {
        "customers": REFERENCE["users"],
        "order_lines": REFERENCE["cart_lines"],
        "orders": REFERENCE["carts"],
        "products": REFERENCE["products"],
    }
    assert first.summary["checks_passed"] == first.summary["checks_total"] > 0
    assert "=== Summary of run" in first.output and "promoted to prod: yes" in first.output
    assert "plan environment 'candidate' (unit tests, backfill" in first.output  # a new project: tested
    for table in ("products", "users", "carts"):
        assert f"raw_fakestore.{table}" in first.output


def test_raw_tables_have_airbyte_columns_and_no_password(history):
    pipeline: Pipeline = history["pipeline"]
    columns = set(
        pipeline.query(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'raw_fakestore'"
        )
    )
    for table in ("products", "users", "carts"):
        for column in ("_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_meta"):
            assert (table, column) in columns
    assert ("users", "password") not in columns


def test_second_run_reads_only_from_the_saved_state_and_adds_the_new_carts(history):
    second: Run = history["second"]
    assert second.returncode == 0, second.output
    cart_windows = sorted(r["query"]["startdate"] for r in second.requests if r["path"] == "/carts")
    assert cart_windows, "the connector did not read carts"
    assert cart_windows[0] == FIRST_WINDOW_AFTER_LOOKBACK, cart_windows
    added = history["added"]
    expected_orders = REFERENCE["carts"] + len(added)
    assert second.rows_by_source["orders"]["fakestore"] == expected_orders
    assert second.rows_by_source["order_lines"]["fakestore"] == REFERENCE["cart_lines"] + _lines_in(added)
    # re-read within the lookback, so more than the 5 new carts, far fewer than a full read
    assert len(added) <= second.summary["records_per_stream"]["raw_fakestore.carts"] < expected_orders
    pipeline: Pipeline = history["pipeline"]  # prod after the last run: still the second run's marts
    duplicates = pipeline.query(
        "SELECT 'orders', count(*) - count(DISTINCT order_key) FROM marts.orders UNION ALL "
        "SELECT 'order_lines', count(*) - count(DISTINCT order_line_key) FROM marts.order_lines"
    )
    assert all(count == 0 for _, count in duplicates), duplicates
    newest = pipeline.query("SELECT max(order_date) FROM marts.orders WHERE source = 'fakestore'")[0][0]
    assert str(newest) == max(c["date"] for c in added)[:10]


def test_a_run_with_nothing_new_changes_no_mart_and_checks_only_freshness(history):
    second: Run = history["second"]
    third: Run = history["third"]
    assert third.returncode == 0, third.output
    assert third.summary["status"] == "unchanged"
    assert third.summary["changed_models"] == []
    assert third.marts == second.marts  # byte-for-byte
    assert "Nothing new since the last promotion" in third.output
    assert "promoted to prod: nothing new" in third.output
    # nothing was planned or validated again: only the suites' freshness SLAs, against prod
    assert "plan" not in third.summary["seconds"] and "gate" not in third.summary["seconds"]
    suites = suite_files()
    fresh = sorted(name for name, suite in suites.items() if (suite.get("meta") or {}).get("freshness"))
    # and the counts of what the sync read again, reconciled on prod (16 streams and nested grains)
    assert third.summary["checks_total"] == third.summary["checks_passed"] == len(fresh) + 16
    pipeline: Pipeline = history["pipeline"]
    recorded = pipeline.query(
        "SELECT r.status, r.promoted, c.check_source, list(c.table_name ORDER BY c.table_name), "
        "bool_and(c.check_name LIKE 'fresh(%') FROM dq.gate_runs AS r "
        "JOIN dq.check_results AS c USING (run_id) WHERE run_id = ? GROUP BY ALL ORDER BY 3",
        [third.summary["run_id"]],
    )
    assert recorded[0] == ("unchanged", False, "freshness", fresh, True)
    assert recorded[1][2] == "reconcile" and len(recorded[1][3]) == 16 and len(recorded) == 2


def test_a_failing_suite_blocks_promotion_and_leaves_prod_untouched(history):
    third: Run = history["third"]
    blocked: Run = history["blocked"]
    assert blocked.returncode != 0
    assert blocked.summary["status"] == "blocked"
    assert blocked.marts == third.marts  # byte-for-byte: prod still serves the last promoted load
    assert any(
        "expect_table_row_count_to_be_between(marts__candidate.orders)" in f
        for f in blocked.summary["failing_checks"]
    )
    assert "BLOCKING: expect_table_row_count_to_be_between" in blocked.output
    assert "promoted to prod: NO" in blocked.output
    # the project passed SQLMesh's unit tests in the second run's plan: new data and a new suite
    # do not run them again (the second run's warehouse is a copy elsewhere, a setting of the project)
    assert "plan environment 'candidate' (unit tests passed with this project already;" in blocked.output
    # the candidate holds the new data the gate refused
    pipeline: Pipeline = history["pipeline"]
    candidate_orders = pipeline.rows_of_source("orders", "fakestore", schema="marts__candidate")
    assert candidate_orders == REFERENCE["carts"] + len(history["added"]) + len(history["late"])
