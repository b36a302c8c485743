"""TinyERP through the whole pipeline: simulator -> source-tinyerp -> raw_tinyerp -> staging -> marts.

The shared history (support/pipeline_runs.py) syncs the TinyERP simulator's data set in its first run;
before the second, 6 orders move one step of their lifecycle, 3 new ones arrive and the newest other
order is deleted. A backfill killed in the middle and resumed is in test_crash_safety.py.
"""

from __future__ import annotations

from support.pipeline_runs import Baseline, Pipeline, Run

from commerce_simulators.tinyerp import build_dataset

SIMULATED_ORDERS = 300  # the simulator's default data set
LOADED_AT = -1  # last column of marts.orders


def _detail_calls(requests: list[dict], endpoint: str = "pedido.obter") -> list[str]:
    return [r["params"]["id"] for r in requests if r["endpoint"] == endpoint]


def test_first_run_brings_every_tinyerp_order_into_the_marts_in_brl(history, baseline: Baseline):
    first: Run = history["first"]
    assert first.returncode == 0, first.output
    assert first.summary["records_per_stream"]["raw_tinyerp.orders"] == SIMULATED_ORDERS
    pipeline: Pipeline = baseline.pipeline  # the first run's warehouse, as it left it
    orders = history["tinyerp_first"]["orders"]
    assert len(orders) == SIMULATED_ORDERS
    assert pipeline.query(
        "SELECT DISTINCT currency_code FROM marts.orders WHERE source = 'tinyerp' UNION ALL "
        "SELECT DISTINCT currency_code FROM marts.order_lines WHERE source = 'tinyerp'"
    ) == [("BRL",), ("BRL",)]
    # every order's lines add up to its items amount, and every order has lines
    mismatched = pipeline.query(
        "SELECT o.order_key FROM marts.orders AS o LEFT JOIN (SELECT order_key, sum(line_amount) AS s "
        "FROM marts.order_lines GROUP BY 1) AS l USING (order_key) "
        "WHERE o.source = 'tinyerp' AND (l.s IS NULL OR l.s <> o.items_amount)"
    )
    assert mismatched == []
    # every product and every contact of the simulator's account (contacts are its customers)
    account = build_dataset(seed=42)
    assert pipeline.rows_of_source("products", "tinyerp") == len(account.products) == 80
    assert pipeline.rows_of_source("customers", "tinyerp") == len(account.contacts) == 150


def test_raw_dates_keep_their_brasilia_offset_as_instants(history):
    # The connector sends '2025-10-01T00:00:00-03:00' (midnight in Brasília): 03:00 UTC, not 00:00.
    pipeline: Pipeline = history["pipeline"]
    assert pipeline.query(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_tinyerp' AND table_name = 'orders' AND column_name = 'data_pedido'"
    ) == [("TIMESTAMP WITH TIME ZONE",)]
    hours = pipeline.query(
        "SELECT DISTINCT hour(timezone('UTC', data_pedido)) FROM raw_tinyerp.orders "
        "WHERE data_pedido < TIMESTAMPTZ '2026-01-01 00:00:00+00'"
    )
    assert hours == [(3,)]


def test_a_second_sync_after_changes_in_the_simulator_updates_exactly_the_changed_orders(history):
    second: Run = history["second"]
    assert second.returncode == 0, second.output
    changes = history["tinyerp_changes"]
    changed_ids = {u["id"] for u in changes["updated"]} | set(changes["created"])
    assert len(changes["updated"]) == 6 and len(changes["created"]) == 3

    # the connector asked for the changed orders' details, and the deleted one's (to confirm it)
    deleted = history["tinyerp_deleted"]
    assert sorted(_detail_calls(second.tinyerp_requests)) == sorted(changed_ids | {deleted})

    before, after = history["tinyerp_first"]["orders"], history["tinyerp_second"]["orders"]
    changed_rows = {key for key, row in after.items() if before.get(key) != row}
    assert changed_rows == {f"tinyerp:{order_id}" for order_id in changed_ids}
    assert set(before) - set(after) == {f"tinyerp:{deleted}"}
    for update in changes["updated"]:  # a new version: extracted again, after the first run
        key = f"tinyerp:{update['id']}"
        assert after[key][LOADED_AT] > before[key][LOADED_AT]

    lines_before = history["tinyerp_first"]["order_lines"]
    lines_after = history["tinyerp_second"]["order_lines"]
    new_order_keys = {f"tinyerp:{order_id}" for order_id in changes["created"]}
    assert {row[1] for key, row in lines_after.items() if key not in lines_before} == new_order_keys


def test_an_order_deleted_in_tiny_is_marked_deleted_in_staging_and_leaves_the_marts(
    history, baseline: Baseline
):
    deleted, pipeline = int(history["tinyerp_deleted"]), history["pipeline"]
    second: Run = history["second"]
    # one tombstone in raw: the key, the cursor and when it was found gone, no other field
    tombstones = pipeline.query(
        "SELECT id, numero, total_pedido, itens, _scan_started_at <= _ab_cdc_deleted_at "
        "FROM raw_tinyerp.orders WHERE _ab_cdc_deleted_at IS NOT NULL"
    )
    assert tombstones == [(deleted, None, None, None, True)]
    assert second.summary["records_per_stream"]["raw_tinyerp.orders"] == 6 + 3 + 1
    # staging keeps it with its last version's values (the first run's), marked deleted; no other
    staged_sql = (
        "SELECT * EXCLUDE (is_deleted, deleted_at) FROM staging.stg_tinyerp__orders WHERE order_id = ?"
    )
    assert pipeline.query(staged_sql, [deleted]) == baseline.pipeline.query(staged_sql, [deleted])
    flags = "SELECT order_id, deleted_at IS NOT NULL FROM staging.stg_tinyerp__orders WHERE is_deleted"
    assert pipeline.query(flags) == [(deleted, True)]
    assert baseline.pipeline.query(flags) == []
    assert pipeline.query("SELECT count(*) FROM staging.stg_tinyerp__orders") == [(SIMULATED_ORDERS + 3,)]
    lines_sql = "SELECT * FROM staging.stg_tinyerp__order_lines WHERE order_id = ? ORDER BY line_number"
    assert pipeline.query(lines_sql, [deleted]) == baseline.pipeline.query(lines_sql, [deleted]) != []

    # the marts no longer count it: 300 orders, 3 new, 1 deleted; its lines are gone, no others
    assert second.rows_by_source["orders"]["tinyerp"] == SIMULATED_ORDERS + 3 - 1
    key = f"tinyerp:{deleted}"
    lines_before = history["tinyerp_first"]["order_lines"]
    lines_after = history["tinyerp_second"]["order_lines"]
    deleted_lines = {line for line, row in lines_before.items() if row[1] == key}
    new_order_keys = {f"tinyerp:{order_id}" for order_id in history["tinyerp_changes"]["created"]}
    new_lines = {line for line, row in lines_after.items() if row[1] in new_order_keys}
    assert deleted_lines and new_lines
    assert set(lines_after) == (set(lines_before) - deleted_lines) | new_lines
    assert second.rows_by_source["order_lines"]["tinyerp"] == len(lines_after)
    counted = pipeline.query(
        "SELECT (SELECT count(*) FROM marts.orders WHERE order_key = ?), "
        "(SELECT count(*) FROM marts.order_lines WHERE order_key = ?)",
        [key, key],
    )
    assert counted == [(0, 0)]


def test_a_third_sync_without_changes_re_reads_the_lookback_and_changes_nothing(history):
    third: Run = history["third"]
    assert third.returncode == 0, third.output
    assert third.summary["changed_models"] == []
    # the lookback (2 h before the previous scan) re-reads the orders changed just before it
    changes = history["tinyerp_changes"]
    recent = {u["id"] for u in changes["updated"]} | set(changes["created"])
    assert set(_detail_calls(third.tinyerp_requests)) == recent
