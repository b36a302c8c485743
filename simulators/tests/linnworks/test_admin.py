"""Admin routes: advance (new orders, stock changes), faults (429 Retry-After, 5xx, drops), log, stats,
reset."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest

from commerce_simulators.linnworks import LinnworksSimulator

from .support import admin, orders_by_id, post, search_all, session, stock_page


def _levels(sim: LinnworksSimulator, token: str) -> dict[str, list[int]]:
    return {
        i["ItemNumber"]: [lv["StockLevel"] for lv in i["StockLevels"]]
        for i in stock_page(sim, token, 1).json()
    }


def test_advance_brings_new_orders_and_stock_changes(sim: LinnworksSimulator):
    token = session(sim)
    first_sync = search_all(sim, token)
    levels_before = _levels(sim, token)
    reply = admin(sim, "/advance?hours=48&orders=5", "POST")
    assert reply.status == 200
    changed = reply.json()
    assert (changed["from"], changed["to"]) == ("2026-01-01T00:00:00.000Z", "2026-01-03T00:00:00.000Z")
    assert [o["nOrderId"] for o in changed["new_orders"]] == [100_201, 100_202, 100_203, 100_204, 100_205]
    # the second sync, from where the first one stopped
    second = search_all(sim, token, FromDate=first_sync[-1]["dProcessedOn"], ToDate=changed["to"])
    assert [r["nOrderId"] for r in second] == [first_sync[-1]["nOrderId"], *range(100_201, 100_206)]
    assert all(changed["from"] < r["dProcessedOn"] <= changed["to"] for r in second[1:])
    details = orders_by_id(sim, token, [o["pkOrderID"] for o in changed["new_orders"]]).json()
    assert [d["NumOrderId"] for d in details] == list(range(100_201, 100_206))
    levels_after = _levels(sim, token)
    moved = sorted(sku for sku in levels_after if levels_after[sku] != levels_before[sku])
    assert moved and set(moved) <= set(changed["stock_items_changed"])
    assert sim.stats()["orders"] == 205


def test_advance_default_rate_is_deterministic_and_reset_undoes_it(sim: LinnworksSimulator):
    first = sim.advance(24)
    assert len(first["new_orders"]) == 2  # 200 orders over 92 days: about 2 a day
    with LinnworksSimulator(seed=42) as twin:
        assert twin.advance(24) == first
    assert admin(sim, "/advance", "POST", {"hours": 0}).status == 400
    assert admin(sim, "/reset", "POST").json() == {"status": "ok"}
    assert sim.stats()["orders"] == 200 and sim.stats()["data_now"] == "2026-01-01T00:00:00.000Z"
    assert sim.advance(24) == first


def test_429_with_retry_after_then_the_real_answer(sim: LinnworksSimulator):
    token = session(sim)
    added = sim.inject_fault(
        "/api/Stock", 429, times=2, headers={"Retry-After": "3"}, body={"Message": "slow"}
    )
    assert added["path_prefix"] == "/api/Stock" and added["times"] == 2
    for _ in range(2):
        reply = stock_page(sim, token, 1)
        assert (reply.status, reply.headers["Retry-After"], reply.json()) == (429, "3", {"Message": "slow"})
    assert stock_page(sim, token, 1).status == 200
    assert post(sim, "/api/Inventory/GetStockLocations", session=token).status == 200
    assert [e["status"] for e in sim.requests()[1:]] == [429, 429, 200, 200]
    assert sim.stats()["faults_served"] == 2


def test_faults_via_admin_5xx_and_dropped_connection(sim: LinnworksSimulator):
    token = session(sim)
    spec = [
        {"path_prefix": "/api/processedorders", "status": 503, "body": "down"},
        {"close_connection": True},
    ]
    assert [f["id"] for f in admin(sim, "/faults", "POST", spec).json()] == [1, 2]
    reply = post(sim, "/api/ProcessedOrders/SearchProcessedOrders", {"request": "{}"}, session=token)
    assert (reply.status, reply.text) == (503, "down")
    parts = urlsplit(sim.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    conn.request("POST", "/api/Inventory/GetStockLocations", headers={"Authorization": token})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        conn.getresponse()
    conn.close()
    assert admin(sim, "/faults").json() == []
    assert admin(sim, "/faults", "POST", {"path_prefix": "api"}).status == 400


def test_stats_requests_and_clearing_the_log(sim: LinnworksSimulator):
    token = session(sim)
    post(sim, "/api/Inventory/GetStockLocations", session=token)
    post(sim, "/api/Nope", session=token)
    stats = admin(sim, "/stats").json()
    assert stats["requests_by_route"] == {"Auth/AuthorizeByApplication": 1, "Inventory/GetStockLocations": 1}
    assert (stats["requests_by_status"], stats["not_found"], stats["sessions_open"]) == ({"200": 2}, 1, 1)
    log = admin(sim, "/requests").json()
    assert [(e["seq"], e["route"], e["session"]) for e in log] == [
        (1, "Auth/AuthorizeByApplication", None),
        (2, "Inventory/GetStockLocations", "valid"),
    ]
    assert admin(sim, "/requests", "DELETE").json() == {"cleared": True} and sim.requests() == []
    sim.reset()
    assert post(sim, "/api/Inventory/GetStockLocations", session=token).status == 401  # sessions gone too
