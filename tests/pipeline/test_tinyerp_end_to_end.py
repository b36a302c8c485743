"""TinyERP through the whole pipeline: simulator -> source-tinyerp -> raw_tinyerp -> staging -> marts.

The shared history (support/pipeline_runs.py) syncs the TinyERP simulator's data set in its first run;
before the second, 6 orders move one step of their lifecycle and 3 new ones arrive. A backfill
killed in the middle and resumed is in test_crash_safety.py.
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

    # the connector asked for the changed orders' details, and no others
    assert sorted(_detail_calls(second.tinyerp_requests)) == sorted(changed_ids)

    before, after = history["tinyerp_first"]["orders"], history["tinyerp_second"]["orders"]
    changed_rows = {key for key, row in after.items() if before.get(key) != row}
    assert changed_rows == {f"tinyerp:{order_id}" for order_id in changed_ids}
    assert set(before) <= set(after)
    for update in changes["updated"]:  # a new version: extracted again, after the first run
        key = f"tinyerp:{update['id']}"
        assert after[key][LOADED_AT] > before[key][LOADED_AT]

    lines_before = history["tinyerp_first"]["order_lines"]
    lines_after = history["tinyerp_second"]["order_lines"]
    new_order_keys = {f"tinyerp:{order_id}" for order_id in changes["created"]}
    assert {row[1] for key, row in lines_after.items() if key not in lines_before} == new_order_keys


def test_a_third_sync_without_changes_re_reads_the_lookback_and_changes_nothing(history):
    third: Run = history["third"]
    assert third.returncode == 0, third.output
    assert third.summary["changed_models"] == []
    # the lookback (2 h before the previous scan) re-reads the orders changed just before it
    changes = history["tinyerp_changes"]
    recent = {u["id"] for u in changes["updated"]} | set(changes["created"])
    assert set(_detail_calls(third.tinyerp_requests)) == recent
