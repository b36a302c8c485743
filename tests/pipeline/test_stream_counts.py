"""Counts reconcile per stream and run, on the baseline's first run (no run of its own): what each
connector emitted landed in raw, and every key landed was staged or quarantined. The expected
numbers are the simulators' own data, read without the pipeline."""

from __future__ import annotations

import json

from support.pipeline_runs import Baseline

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.linnworks import LinnworksSimulator
from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_simulators.tinyerp.records import order_detail

Counts = tuple[int | None, int | None, int, int | None, int, str]  # emitted .. quarantined, status


def _synced(n: int) -> Counts:
    """A stream read in full by the first sync: n records emitted, landed, keyed and staged."""
    return (n, n, n, n, 0, "ok")


def _lines(n: int) -> Counts:
    """A nested grain: not a stream of its own, so nothing emitted; n lines keyed and staged."""
    return (None, None, n, n, 0, "ok")


def expected_first_run() -> dict[tuple[str, str], Counts]:
    fakestore = FakeStoreSimulator(seed=42, profile="reference").store
    carts = [json.loads(body) for body in fakestore.listing("carts")]
    # a product listed twice in a cart is one staged line
    cart_lines = sum(len({line["productId"] for line in cart["products"]}) for cart in carts)
    tiny = TinyErpSimulator(seed=42).store
    orders = list(tiny.orders.values())
    linnworks = LinnworksSimulator(seed=42)
    store = linnworks.store
    return {
        ("fakestore", "products"): _synced(fakestore.counts()["products"]),
        ("fakestore", "users"): _synced(fakestore.counts()["users"]),
        ("fakestore", "carts"): _synced(len(carts)),
        ("fakestore", "carts.products"): _lines(cart_lines),
        ("tinyerp", "orders"): _synced(len(orders)),
        ("tinyerp", "orders.itens"): _lines(sum(len(order_detail(o, tiny)["itens"]) for o in orders)),
        ("tinyerp", "pos_sales"): _synced(sum(o.is_pdv for o in orders)),
        ("tinyerp", "products"): _synced(len(tiny.products)),
        ("tinyerp", "contacts"): _synced(len(tiny.contacts)),
        ("tinyerp", "invoices"): (len(tiny.notas), len(tiny.notas), len(tiny.notas), None, 0, "not-staged"),
        ("linnworks", "stock_locations"): _synced(len(linnworks.dataset.locations)),
        ("linnworks", "stock_location_details"): _synced(len(linnworks.dataset.locations)),
        ("linnworks", "stock_items"): _synced(len(linnworks.dataset.items)),
        ("linnworks", "processed_orders"): _synced(store.order_count),
        ("linnworks", "processed_order_details"): _synced(store.order_count),
        ("linnworks", "processed_order_details.items"): _lines(
            sum(len(store.order(k).lines) for k in range(store.order_count))
        ),
    }


def test_the_first_run_reconciles_every_stream_with_the_simulators_data(baseline: Baseline):
    run = baseline.run
    assert run.returncode == 0, run.output
    stored = baseline.pipeline.query(
        "SELECT connection, stream, emitted, landed, keys_landed, staged, quarantined, status, environment "
        "FROM dq.stream_counts WHERE run_id = ?",
        [run.summary["run_id"]],
    )
    assert {tuple(row[:2]): tuple(row[2:8]) for row in stored} == expected_first_run()
    assert {row[8] for row in stored} == {"candidate"}  # counted where the gate validated
    # the runner's summary carries what it counted: emitted = landed for every stream synced
    synced = run.summary["synced_counts"]
    assert synced["raw_fakestore.carts"] == {"emitted": 7, "landed": 7}
    assert all(c["emitted"] == c["landed"] > 0 for c in synced.values()), synced
    # one blocking check per stream (and nested grain) staged, or synced: invoices' sync is checked
    checks = baseline.pipeline.query(
        "SELECT check_name, severity, success FROM dq.check_results "
        "WHERE run_id = ? AND check_source = 'reconcile' ORDER BY 1",
        [run.summary["run_id"]],
    )
    assert len(checks) == len(stored) == 16
    assert {(severity, success) for _, severity, success in checks} == {("block", True)}
    assert ("counts_reconcile(raw_fakestore.carts.products)", "block", True) in checks


def test_the_report_shows_each_stream_s_counts(baseline: Baseline):
    report = json.loads((baseline.workdir / "report" / "report.json").read_text())
    shown = {(c["connection"], c["stream"]): c for c in report["stream_counts"]}
    assert shown[("fakestore", "carts.products")] == {
        "connection": "fakestore", "stream": "carts.products", "emitted": None, "landed": None,
        "keys_landed": 14, "staged": 14, "quarantined": 0, "status": "ok",
    }  # fmt: skip
    html = (baseline.workdir / "report" / "index.html").read_text()
    section = html[html.index('id="counts"') :]
    assert "processed_order_details.items" in section and "NOT STAGED" in section
    assert section.count(">OK</span>") == 15 and ">MISMATCH</span>" not in section
