"""Determinism (same seed, same bytes) and scale (50,000 orders built in well under a second)."""

from __future__ import annotations

import time

from commerce_simulators.linnworks import LinnworksSimulator, build_dataset

from .support import orders_by_id, post, search, session, stock_page


def _snapshot(sim: LinnworksSimulator) -> list[bytes]:
    token = session(sim)
    rows = search(sim, token).json()["ProcessedOrders"]["Data"]
    return [
        post(sim, "/api/Inventory/GetStockLocations", session=token).body,
        stock_page(sim, token, 1).body,
        search(sim, token).body,
        orders_by_id(sim, token, [r["pkOrderID"] for r in rows[:100]]).body,
        token.encode(),
    ]


def test_same_seed_same_bytes_other_seed_other_data():
    with LinnworksSimulator(seed=5) as a, LinnworksSimulator(seed=5) as b, LinnworksSimulator(seed=6) as c:
        first, second, other = _snapshot(a), _snapshot(b), _snapshot(c)
        assert first == second
        assert all(x != y for x, y in zip(first[1:], other[1:], strict=True))


def test_order_k_does_not_depend_on_the_order_count():
    small, large = build_dataset(42, orders=200), build_dataset(42, orders=1000)
    assert small.guids == large.guids[:200] and small.items == large.items
    assert (small.days, large.days) == (92, 92)


def test_50k_orders_build_fast_and_serve():
    started = time.perf_counter()
    dataset = build_dataset(42, orders=50_000)
    assert time.perf_counter() - started < 3
    assert (dataset.orders, dataset.days, len(dataset.index)) == (50_000, 730, 50_000)
    with LinnworksSimulator(dataset=dataset) as sim:
        token = session(sim)
        result = search(sim, token, FromDate="2024-01-01T00:00:00+00:00").json()["ProcessedOrders"]
        assert (result["TotalEntries"], result["TotalPages"], len(result["Data"])) == (50_000, 100, 500)
        last = search(sim, token, FromDate="2024-01-01T00:00:00Z", PageNumber=100).json()["ProcessedOrders"]
        assert last["Data"][-1]["nOrderId"] == 150_000
        details = orders_by_id(sim, token, [last["Data"][-1]["pkOrderID"]]).json()
        assert details[0]["NumOrderId"] == 150_000
        assert sim.stats()["orders"] == 50_000
