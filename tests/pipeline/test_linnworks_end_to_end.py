"""Linnworks through the whole pipeline: simulator (as the HTTPS proxy of api.linnworks.net) -> the
stock connector, unmodified -> raw_linnworks -> staging -> the conformed marts.

The shared history (support/pipeline_runs.py) syncs the simulator's default account in its first
run; the second run finds it a day later (new processed orders, stock moved). Every sales figure is
reconciled with what the three simulators' own data says, per source, day and currency.
"""

from __future__ import annotations

from decimal import Decimal

from support.pipeline_runs import Baseline, Pipeline, Run
from support.source_truth import sales_truth

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.linnworks import LinnworksSimulator
from commerce_simulators.tinyerp import TinyErpSimulator

SIMULATED_ORDERS = 200  # the simulator's default account
SIMULATED_ITEMS = 150


def _levels(sim: LinnworksSimulator) -> dict[tuple[str, str], tuple[int, int, int, Decimal]]:
    """(stock item id, location id) -> stock level, available, in orders, stock value: the simulator's
    own stock, as GetStockItemsFull serves it."""
    levels = {}
    for index in range(len(sim.dataset.items)):
        item = sim.store.stock_item(index, with_levels=True)
        for level in item["StockLevels"]:
            key = (item["StockItemId"], level["Location"]["StockLocationId"])
            value = Decimal(str(level["StockValue"])).quantize(Decimal("0.01"))
            levels[key] = (level["StockLevel"], level["Available"], level["InOrders"], value)
    return levels


def test_first_run_brings_linnworks_into_every_mart(baseline: Baseline):
    first: Run = baseline.run
    assert first.returncode == 0, first.output
    assert first.summary["records_per_stream"]["raw_linnworks.processed_orders"] == SIMULATED_ORDERS
    pipeline: Pipeline = baseline.pipeline
    sim = LinnworksSimulator(seed=42)
    lines = sum(len(sim.store.order(k).lines) for k in range(SIMULATED_ORDERS))
    assert pipeline.rows_of_source("orders", "linnworks") == SIMULATED_ORDERS
    assert pipeline.rows_of_source("order_lines", "linnworks") == lines
    assert pipeline.rows_of_source("products", "linnworks") == SIMULATED_ITEMS
    assert pipeline.rows_of_source("locations", "linnworks") == 3
    assert pipeline.query(
        "SELECT DISTINCT currency_code FROM marts.orders WHERE source = 'linnworks' ORDER BY 1"
    ) == [("EUR",), ("GBP",), ("USD",)]
    # one snapshot: every stock level the simulator serves, with its values
    snapshot = pipeline.query(
        "SELECT p.source_product_id, l.source_location_id, s.stock_level, s.available, s.in_orders, "
        "s.stock_value FROM marts.inventory_snapshots AS s "
        "JOIN marts.products AS p USING (product_key) JOIN marts.locations AS l USING (location_key) "
        "WHERE s.source = 'linnworks'"
    )
    assert {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in snapshot} == _levels(sim)
    channels = {
        r[0] for r in pipeline.query("SELECT channel_key FROM marts.channels WHERE source = 'linnworks'")
    }
    assert channels == {
        "linnworks:AMAZON/amazon.co.uk",
        "linnworks:AMAZON/amazon.de",
        "linnworks:AMAZON/amazon.com",
        "linnworks:EBAY/EBAY0",
        "linnworks:SHOPIFY/shop",
        "linnworks:DIRECT/DIRECT",
    }


def _marts_by_day(pipeline: Pipeline, table: str) -> dict[tuple, tuple]:
    """(source, day, currency) -> orders, cancelled, units, gross, discounts, refunds, net, for the
    three APIs' sources (thelook's reconcile with its generator: test_thelook.py)."""
    if table == "daily_sales":
        sql = """
            SELECT source, order_date, currency_code, sum(orders), sum(cancelled_orders), sum(units),
                   sum(gross_amount), sum(discount_amount), sum(refunded_amount), sum(net_amount)
            FROM marts.daily_sales WHERE source <> 'thelook' GROUP BY ALL"""
    else:
        sql = """
            SELECT source, order_date, currency_code,
                   count(*) FILTER (WHERE NOT is_cancelled), count(*) FILTER (WHERE is_cancelled),
                   coalesce(sum(item_quantity) FILTER (WHERE NOT is_cancelled), 0),
                   coalesce(sum(order_total) FILTER (WHERE NOT is_cancelled), 0),
                   coalesce(sum(discount_amount) FILTER (WHERE NOT is_cancelled), 0),
                   coalesce(sum(refunded_amount) FILTER (WHERE NOT is_cancelled), 0),
                   coalesce(sum(net_amount) FILTER (WHERE NOT is_cancelled), 0)
            FROM marts.orders WHERE source <> 'thelook' GROUP BY ALL"""
    return {
        tuple(row[:3]): tuple(Decimal(str(v)) if i >= 2 else v for i, v in enumerate(row[3:]))
        for row in pipeline.query(sql)
    }


def test_daily_sales_and_orders_reconcile_with_each_simulators_own_data(baseline: Baseline):
    with (
        FakeStoreSimulator(seed=42, profile="reference") as fakestore,
        TinyErpSimulator(seed=42) as tinyerp,
        LinnworksSimulator(seed=42) as linnworks,
    ):
        truth = sales_truth(fakestore, tinyerp, linnworks)
    expected = {key: sales.figures() for key, sales in truth.items()}
    assert {key[0] for key in expected} == {"fakestore", "tinyerp", "linnworks"}
    for table in ("daily_sales", "orders"):
        assert _marts_by_day(baseline.pipeline, table) == expected, table
    # and every order the simulators hold is one row of marts.orders
    keys = {k for sales in truth.values() for k in sales.order_keys}
    orders = baseline.pipeline.query("SELECT order_key FROM marts.orders WHERE source <> 'thelook'")
    assert {r[0] for r in orders} == keys


def test_an_order_read_by_two_syncs_is_one_row(history):
    pipeline: Pipeline = history["pipeline"]
    raw = pipeline.query("SELECT count(*), count(DISTINCT norderid) FROM raw_linnworks.processed_orders")[0]
    assert raw[0] > raw[1]  # the second sync re-read the order on its window's bound
    assert pipeline.query(
        "SELECT count(*), count(DISTINCT source_order_id) FROM marts.orders WHERE source = 'linnworks'"
    ) == [(raw[1], raw[1])]


def test_a_second_run_a_day_later_updates_exactly_the_new_orders_and_appends_one_snapshot(
    history, baseline: Baseline
):
    second: Run = history["second"]
    assert second.returncode == 0, second.output
    changes = history["linnworks_changes"]
    new_keys = {f"linnworks:{o['pkOrderID']}" for o in changes["new_orders"]}
    assert new_keys
    first, later = history["linnworks_first"], history["linnworks_second"]

    orders_before, orders_after = first["orders"], later["orders"]
    assert set(orders_after) - set(orders_before) == new_keys
    # every order of the first run keeps its content; only the one re-read on the window's bound
    # gets the later extraction time (loaded_at, the last column)
    reread = [k for k in orders_before if orders_after[k] != orders_before[k]]
    assert all(orders_after[k][:-1] == orders_before[k][:-1] for k in orders_before)
    last_processed = LinnworksSimulator(seed=42).store.order(SIMULATED_ORDERS - 1).id
    assert reread == [f"linnworks:{last_processed}"]
    # the lines: exactly the new orders' lines are new, the others unchanged
    lines_before, lines_after = first["order_lines"], later["order_lines"]
    assert {k.rsplit(":", 1)[0] for k in set(lines_after) - set(lines_before)} == new_keys
    assert all(lines_after[k] == lines_before[k] for k in lines_before)

    # one new snapshot: one row per product and location, with the simulator's stock after the day;
    # the first snapshot's rows keep their values (only the flags saying which read is current move)
    snapshots_before, snapshots_after = _snapshots(baseline.pipeline), _snapshots(history["pipeline"])
    assert set(snapshots_before) < set(snapshots_after)
    assert all(snapshots_after[k] == snapshots_before[k] for k in snapshots_before)
    sim: LinnworksSimulator = history["linnworks_later"]
    later_levels = _levels(sim)
    assert len(snapshots_after) - len(snapshots_before) == len(later_levels)
    assert len({k[0] for k in snapshots_after}) == 2  # two snapshot ids
    current = pipeline_levels(history["pipeline"])
    assert current == later_levels
    first_levels = _levels(LinnworksSimulator(seed=42))
    assert current != first_levels  # the day's sales moved some stock


def _snapshots(pipeline: Pipeline) -> dict[tuple, tuple]:
    """(snapshot id, product, location) -> what the read measured."""
    rows = pipeline.query(
        "SELECT snapshot_id, product_key, location_key, snapshot_at, stock_level, available, in_orders, "
        "due, unit_cost, stock_value FROM marts.inventory_snapshots WHERE source = 'linnworks'"
    )
    return {tuple(r[:3]): tuple(r[3:]) for r in rows}


def pipeline_levels(pipeline: Pipeline) -> dict[tuple[str, str], tuple]:
    rows = pipeline.query(
        "SELECT p.source_product_id, l.source_location_id, s.stock_level, s.available, s.in_orders, "
        "s.stock_value FROM marts.inventory_snapshots AS s "
        "JOIN marts.products AS p USING (product_key) JOIN marts.locations AS l USING (location_key) "
        "WHERE s.source = 'linnworks' AND s.is_current"
    )
    return {(r[0], r[1]): (r[2], r[3], r[4], r[5]) for r in rows}
