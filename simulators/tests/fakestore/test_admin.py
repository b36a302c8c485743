"""/__admin routes and their in-process twins: new carts, faults, raw records, stats, reset."""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections import Counter
from urllib.parse import urlsplit

import pytest

from commerce_simulators.fakestore import FakeStoreSimulator

REFERENCE_MAX_DATE = "2020-03-02T00:00:00.000Z"


# --- new carts ----------------------------------------------------------------------------------------


def test_new_carts_route(call):
    res = call("/__admin/carts?count=5", "POST")
    assert res.status == 201
    carts = res.json()
    assert [c["id"] for c in carts] == [8, 9, 10, 11, 12]
    for cart in carts:
        assert list(cart) == ["id", "userId", "date", "products", "__v"]
        assert cart["date"] > REFERENCE_MAX_DATE and cart["date"].endswith("T00:00:00.000Z")
        assert 1 <= cart["userId"] <= 10
        assert 1 <= len(cart["products"]) <= 5
        assert all(1 <= p["productId"] <= 20 and 1 <= p["quantity"] <= 10 for p in cart["products"])
    listed = call("/carts").json()
    assert [c["id"] for c in listed] == list(range(1, 13))
    assert listed[7:] == carts
    assert call(f"/carts?startdate={carts[0]['date']}").json()[0] == carts[0]
    assert call("/__admin/stats").json()["carts"] == 12
    assert call("/__admin/carts", "POST", {"count": 2}).json()[0]["id"] == 13  # JSON body form
    assert call("/__admin/carts?count=0", "POST").json() == []


def test_new_carts_dates_move_forward_a_few_per_day(sim):
    first = sim.add_carts(300)
    dates = [c["date"] for c in first]
    assert dates == sorted(dates) and dates[0] == "2020-03-03T00:00:00.000Z"
    per_day = Counter(dates)
    assert max(per_day.values()) <= 5 and len(per_day) >= 60
    later = sim.add_carts(3)
    assert later[0]["id"] == 308 and later[0]["date"] >= dates[-1]


def test_new_carts_are_deterministic_and_composable(client_for):
    with (
        FakeStoreSimulator(seed=42, new_carts=25) as at_start,
        FakeStoreSimulator(seed=42) as stepwise,
        FakeStoreSimulator(seed=42) as in_process,
        FakeStoreSimulator(seed=43) as other_seed,
    ):
        client = client_for(stepwise)
        first = client("/__admin/carts?count=10", "POST").json()
        second = client("/__admin/carts?count=15", "POST").json()
        in_process.add_carts(1)
        in_process.add_carts(24)
        expected = client_for(at_start)("/carts").body
        assert client("/carts").body == expected
        assert client_for(in_process)("/carts").body == expected
        assert [c["id"] for c in first + second] == list(range(8, 33))
        assert client_for(other_seed)("/__admin/carts?count=25", "POST").json() != first + second


def test_new_carts_on_a_larger_profile(client_for):
    with FakeStoreSimulator(seed=1, products=50, users=40, carts=500, new_carts=4) as sim:
        stats = client_for(sim)("/__admin/stats").json()
        assert (stats["carts"], stats["added_carts"]) == (504, 4)
        added = client_for(sim)("/carts?startdate=2021-01-01").json()
        assert [c["id"] for c in added] == [501, 502, 503, 504]
        assert all(c["date"] >= "2021-01-01" and c["userId"] <= 40 for c in added)


# --- faults -------------------------------------------------------------------------------------------


def test_fault_429_then_success(call):
    fault = {
        "path_prefix": "/carts",
        "status": 429,
        "times": 2,
        "body": "Too Many Requests",
        "headers": {"Retry-After": "1"},
    }
    res = call("/__admin/faults", "POST", fault)
    assert res.status == 201 and res.json()["id"] == 1
    assert call("/products").status == 200  # other paths are untouched
    for _ in range(2):
        res = call("/carts?startdate=2020-03-01")
        assert (res.status, res.text) == (429, "Too Many Requests")
        assert res.headers["Retry-After"] == "1"
    res = call("/carts?startdate=2020-03-01")
    assert res.status == 200 and len(res.json()) == 5
    stats = call("/__admin/stats").json()
    assert stats["faults_served"] == 2 and stats["faults_active"] == 0
    assert stats["requests_by_path"] == {"/carts": 3, "/products": 1}


def test_fault_options(call):
    faults = [
        {"path_prefix": "/users", "method": "POST", "status": 500, "body": {"error": "boom"}},
        {"path_prefix": "/products/1", "status": 503, "times": None},
    ]
    assert len(call("/__admin/faults", "POST", faults).json()) == 2
    assert call("/users").status == 200  # method filter
    res = call("/users", "POST", {})
    assert res.status == 500 and res.json() == {"error": "boom"}
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    assert all(call("/products/1").status == 503 for _ in range(3))  # until cleared
    assert call("/products/1").status == 503 and call("/products/12").status == 503  # a prefix
    assert call("/__admin/stats").status == 200  # admin routes never fail
    assert len(call("/__admin/faults").json()) == 1
    assert call("/__admin/faults", "DELETE").json() == {"cleared": 1}
    assert call("/products/1").status == 200


def test_slow_and_dropped_responses(sim, call):
    sim.inject_fault("/carts", delay_seconds=0.3)
    started = time.perf_counter()
    res = call("/carts")
    assert res.status == 200 and time.perf_counter() - started >= 0.3
    sim.inject_fault("/carts", close_connection=True)
    with pytest.raises((urllib.error.URLError, http.client.RemoteDisconnected, ConnectionError)):
        urllib.request.urlopen(sim.url + "/carts", timeout=5)
    assert call("/carts").status == 200


def test_bad_fault_specs(call):
    for spec in ({"status": 99}, {"path_prefix": "carts"}, {"times": 0}, {"nope": 1}, [1], "x"):
        res = call("/__admin/faults", "POST", spec)
        assert res.status == 400, spec
    assert call("/__admin/faults").json() == []


# --- raw records --------------------------------------------------------------------------------------


def test_upsert_a_malformed_cart(call):
    bad = {
        "id": 8,
        "userId": 2,
        "date": "2020-03-01T00:00:00.000Z",
        "products": [{"productId": 1, "quantity": -3}],
        "__v": 0,
    }
    res = call("/__admin/records", "POST", {"kind": "carts", "record": bad})
    assert res.status == 201 and res.json() == {"kind": "carts", "id": 8, "created": True}
    assert call("/carts/8").json() == bad
    assert 8 in [c["id"] for c in call("/carts?startdate=2020-03-01&enddate=2020-03-02").json()]
    assert 8 in [c["id"] for c in call("/carts/user/2").json()]
    # overwrite an existing record, keeping odd types as given
    odd = {"id": 3, "userId": "2", "date": "not a date", "products": None}
    assert call("/__admin/records", "POST", {"kind": "cart", "record": odd}).status == 200
    assert call("/carts/3").text == '{"id":3,"userId":"2","date":"not a date","products":null}'
    assert 3 not in [c["id"] for c in call("/carts").json()]  # no Date: no date range matches it
    assert 3 not in [c["id"] for c in call("/carts/user/2").json()]


def test_upsert_and_delete_products_and_users(call):
    product = {"id": 5, "title": None, "price": "695.00", "category": "Jewelery"}
    call("/__admin/records", "POST", {"kind": "products", "record": product})
    assert call("/products/5").json() == product
    assert call("/products/categories").json() == [
        "Jewelery",
        "electronics",
        "jewelery",
        "men's clothing",
        "women's clothing",
    ]
    assert [p["id"] for p in call("/products/category/Jewelery").json()] == [5]
    # a record without a usable id, stored under an explicit key
    call("/__admin/records", "POST", {"kind": "products", "id": 21, "record": {"title": "no id"}})
    assert call("/products/21").json() == {"title": "no id"}
    assert len(call("/products").json()) == 21
    res = call("/__admin/records?kind=products&id=21", "DELETE")
    assert res.status == 200 and res.json()["deleted"] is True
    assert call("/products/21").text == "null" and len(call("/products").json()) == 20
    assert call("/__admin/records?kind=products&id=21", "DELETE").status == 404
    # users: a changed password changes who can log in
    user = call("/users/2").json() | {"password": "new-secret"}
    call("/__admin/records", "POST", {"kind": "users", "record": user})
    assert call("/auth/login", "POST", {"username": "mor_2314", "password": "83r5^_"}).status == 401
    assert call("/auth/login", "POST", {"username": "mor_2314", "password": "new-secret"}).status == 201
    call("/__admin/records?kind=users&id=2", "DELETE")
    assert call("/users/2").text == "null"
    assert call("/auth/login", "POST", {"username": "mor_2314", "password": "new-secret"}).status == 401


def test_record_errors(call):
    assert call("/__admin/records", "POST", {"kind": "orders", "record": {"id": 1}}).status == 400
    assert call("/__admin/records", "POST", {"kind": "carts", "record": {"no": "id"}}).status == 400
    assert call("/__admin/records", "POST", {"record": {"id": 1}}).status == 400
    assert call("/__admin/records", "POST", raw=b"{not json").status == 400
    assert call("/__admin/records?kind=carts", "DELETE").status == 400
    assert call("/__admin/nope").status == 404


def test_in_process_api(sim, call):
    assert sim.upsert_record("carts", {"id": 100, "userId": 1, "date": "2020-06-01", "products": []}) == 100
    assert call("/carts/100").json()["date"] == "2020-06-01"
    assert 100 in [c["id"] for c in call("/carts?startdate=2020-06-01&enddate=2020-06-02").json()]
    # added carts continue after the generated data, whatever was upserted meanwhile
    assert sim.add_carts(1)[0]["id"] == 8
    assert sim.delete_record("carts", 100) and not sim.delete_record("carts", 100)
    fault = sim.inject_fault("/users", 502, times=1)
    assert fault["status"] == 502 and call("/users").status == 502
    assert sim.clear_faults() == 0
    stats = sim.stats()
    assert (stats["carts"], stats["requests"], stats["faults_served"]) == (8, 3, 1)


def test_reset(sim, call):
    sim.add_carts(5)
    sim.upsert_record("products", {"id": 1, "title": "changed"})
    sim.inject_fault("/", 500, times=None)
    assert call("/__admin/reset", "POST").json() == {"status": "ok"}
    assert call("/products/1").json()["title"].startswith("Fjallraven")
    assert [c["id"] for c in call("/carts").json()] == list(range(1, 8))
    assert sim.add_carts(1)[0]["id"] == 8  # the sequence restarts too
    assert call("/__admin/stats").json()["requests"] == 2


def test_keep_alive_and_content_length(sim):
    parts = urlsplit(sim.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    for path in ("/products", "/carts", "/users/1", "/carts/abc", "/nope"):
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        assert int(response.getheader("Content-Length")) == len(body)
        assert response.getheader("Connection") == "keep-alive"
        assert response.getheader("X-Powered-By") == "Express"
    conn.close()


# --- request log -------------------------------------------------------------------------------------


def test_request_log_records_api_requests_with_their_query_and_not_admin_calls(sim, call):
    call("/carts?startdate=2020-03-01&enddate=2020-03-02")
    call("/products/1")
    call("/__admin/stats")

    logged = call("/__admin/requests").json()
    assert logged == [
        {"method": "GET", "path": "/carts", "query": {"startdate": "2020-03-01", "enddate": "2020-03-02"}},
        {"method": "GET", "path": "/products/1", "query": {}},
    ]
    assert sim.requests() == logged
