"""GET/POST/PUT/DELETE /carts*: date windows (end exclusive), limit/sort, ids, generated and large data."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from commerce_simulators.fakestore import FakeStoreSimulator, build_dataset
from commerce_simulators.fakestore.jscompat import parse_js_date

REFERENCE = [
    {
        "id": 1,
        "userId": 1,
        "date": "2020-03-02T00:00:00.000Z",
        "products": [
            {"productId": 1, "quantity": 4},
            {"productId": 2, "quantity": 1},
            {"productId": 3, "quantity": 6},
        ],
        "__v": 0,
    },
    {
        "id": 2,
        "userId": 1,
        "date": "2020-01-02T00:00:00.000Z",
        "products": [
            {"productId": 2, "quantity": 4},
            {"productId": 1, "quantity": 10},
            {"productId": 5, "quantity": 2},
        ],
        "__v": 0,
    },
    {
        "id": 3,
        "userId": 2,
        "date": "2020-03-01T00:00:00.000Z",
        "products": [{"productId": 1, "quantity": 2}, {"productId": 9, "quantity": 1}],
        "__v": 0,
    },
    {
        "id": 4,
        "userId": 3,
        "date": "2020-01-01T00:00:00.000Z",
        "products": [{"productId": 1, "quantity": 4}],
        "__v": 0,
    },
    {
        "id": 5,
        "userId": 3,
        "date": "2020-03-01T00:00:00.000Z",
        "products": [{"productId": 7, "quantity": 1}, {"productId": 8, "quantity": 1}],
        "__v": 0,
    },
    {
        "id": 6,
        "userId": 4,
        "date": "2020-03-01T00:00:00.000Z",
        "products": [{"productId": 10, "quantity": 2}, {"productId": 12, "quantity": 3}],
        "__v": 0,
    },
    {
        "id": 7,
        "userId": 8,
        "date": "2020-03-01T00:00:00.000Z",
        "products": [{"productId": 18, "quantity": 1}],
        "__v": 0,
    },
]


def ids(result) -> list[int]:
    assert result.status == 200, result.text
    return [cart["id"] for cart in result.json()]


def test_reference_carts_exact(get):
    res = get("/carts")
    carts = res.json()
    assert carts == REFERENCE
    assert all(list(c) == ["id", "userId", "date", "products", "__v"] for c in carts)
    assert res.text.startswith('[{"id":1,"userId":1,"date":"2020-03-02T00:00:00.000Z","products":[')


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?startdate=2020-03-01&enddate=2020-03-02", [3, 5, 6, 7]),  # the end is exclusive
        ("?startdate=2020-03-01&enddate=2020-03-03", [1, 3, 5, 6, 7]),
        ("?startdate=2020-03-02", [1]),  # the start is inclusive
        ("?enddate=2020-01-02", [4]),
        ("?startdate=2020-01-01&enddate=2020-01-01", []),
        ("?startdate=2020-03-05&enddate=2020-01-01", []),
        ("?startdate=&enddate=", [1, 2, 3, 4, 5, 6, 7]),  # '' || default
        ("?startdate=2020-03-01T00:00:00Z&enddate=2020-03-02T00:00:00.001Z", [1, 3, 5, 6, 7]),
        ("?startdate=2020-03-01T00:00:00.000Z&enddate=2020-03-02T01:00:00%2B01:00", [3, 5, 6, 7]),
        ("?startdate=2020-02-29T23:00:00-01:00&enddate=2020-03-02", [3, 5, 6, 7]),
        ("?startdate=2020-03-01T00:00:00.001Z", [1]),
        ("?startdate=2020-3-1&enddate=2020-3-2", [3, 5, 6, 7]),  # V8's legacy forms
        ("?startdate=2020/03/01&enddate=2020-03-02%2000:00:00", [3, 5, 6, 7]),
        ("?startdate=2020-02-30", [1, 3, 5, 6, 7]),  # V8 rolls Feb 30 over to Mar 1
        ("?startdate=2020&enddate=2020-02", [2, 4]),
        ("?startdate=2020-03-01&enddate=2020-03-02&sort=desc", [7, 6, 5, 3]),
        ("?startdate=2020-03-01&enddate=2020-03-02&limit=2", [3, 5]),
        ("?startdate=2020-03-01&sort=desc&limit=2", [7, 6]),
        ("?limit=3", [1, 2, 3]),
        ("?sort=desc", [7, 6, 5, 4, 3, 2, 1]),
        ("?limit=abc&sort=no", [1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_carts_date_window_limit_sort(get, query, expected):
    assert ids(get("/carts" + query)) == expected


@pytest.mark.parametrize(
    "query", ["?startdate=yesterday", "?enddate=2020-13-01", "?startdate=2020-01-01&startdate=x"]
)
def test_invalid_dates(get, query):
    res = get("/carts" + query)
    assert res.status == 400 and res.json()["status"] == "error"


def test_js_date_parsing():
    day = 1583020800000  # 2020-03-01T00:00:00Z
    assert parse_js_date("2020-03-01") == day
    assert parse_js_date("2020-03-01T00:00:00.000Z") == day
    assert parse_js_date("2020-03-01T01:30:00+01:30") == day
    assert parse_js_date("2020-03-01T00:00:00.123456Z") == day + 123
    assert parse_js_date("2020-03-01T24:00:00Z") == day + 86_400_000
    assert parse_js_date("Sun, 01 Mar 2020 00:00:00 GMT") == day
    assert parse_js_date("1970-1-1") == 0
    for bad in ("", "abc", "2020-03-32", "2020-00-10", "2020-03-01T25:00Z", "1583020800000"):
        assert parse_js_date(bad) is None, bad


def test_cart_by_id(get):
    assert get("/carts/5").json() == REFERENCE[4]
    assert get("/carts/05").json()["id"] == 5
    missing = get("/carts/999")
    assert (missing.status, missing.text) == (200, "null")
    for bad in ("abc", "1.5", "user"):  # /carts/user has no :userid, so it is /carts/:id with id "user"
        res = get(f"/carts/{bad}")
        assert res.status == 400
        assert res.text == '{"status":"error","message":"cart id should be provided"}'


def test_carts_of_user(get):
    assert ids(get("/carts/user/1")) == [1, 2]
    assert ids(get("/carts/user/3")) == [4, 5]
    assert ids(get("/carts/user/1?limit=1&sort=desc")) == [1, 2]  # limit and sort are ignored
    assert ids(get("/carts/user/1?startdate=2020-03-01")) == [1]
    assert ids(get("/carts/user/1?enddate=2020-03-02")) == [2]  # end exclusive here too
    assert ids(get("/carts/user/5")) == []
    assert ids(get("/carts/user/999")) == []
    assert get("/carts/user/abc").status == 400
    assert get("/carts/user/1?startdate=nope").status == 400


def test_cart_writes_are_echoed_not_persisted(get):
    body = {"userId": 5, "date": "2020-02-03", "products": [{"productId": 5, "quantity": 1}]}
    res = get("/carts", "POST", body)
    assert (res.status, res.json()) == (201, {"id": 11, **body})
    assert list(res.json()) == ["id", "userId", "date", "products"]
    assert get("/carts", "POST", {"userId": 2}).json() == {"id": 11, "userId": 2}  # undefined keys dropped
    assert get("/carts/7", "PUT", {"userId": 3}).json() == {"id": 7, "userId": 3}
    assert get("/carts/7", "PATCH", {"products": []}).json() == {"id": 7, "products": []}
    assert get("/carts/x", "PUT", {}).status == 400
    assert get("/carts/6", "DELETE").json() == REFERENCE[5]
    assert get("/carts/6").json() == REFERENCE[5]
    assert ids(get("/carts")) == [1, 2, 3, 4, 5, 6, 7]


def test_default_enddate_is_now(client_for):
    with FakeStoreSimulator(seed=42, now=datetime(2020, 3, 2, tzinfo=UTC)) as sim:
        # cart 1 (2020-03-02T00:00Z) is exactly "now": excluded by the exclusive default enddate
        assert ids(client_for(sim)("/carts")) == [2, 3, 4, 5, 6, 7]


def test_generated_carts_shapes(client_for):
    with FakeStoreSimulator(seed=5, products=300, users=200, carts=3000) as sim:
        client = client_for(sim)
        carts = client("/carts").json()
        assert carts[:7] == REFERENCE
        assert [c["id"] for c in carts] == list(range(1, 3001))
        lo, hi = date(2019, 1, 1), date(2020, 12, 31)
        for cart in carts[7:]:
            assert list(cart) == ["id", "userId", "date", "products", "__v"]
            assert 1 <= cart["userId"] <= 200
            assert cart["date"].endswith("T00:00:00.000Z")
            assert lo <= date.fromisoformat(cart["date"][:10]) <= hi
            assert 1 <= len(cart["products"]) <= 5
            assert len({line["productId"] for line in cart["products"]}) == len(cart["products"])
            for line in cart["products"]:
                assert list(line) == ["productId", "quantity"]
                assert 1 <= line["productId"] <= 300 and 1 <= line["quantity"] <= 10
        by_user = client("/carts/user/1").json()
        assert [c["id"] for c in by_user] == [c["id"] for c in carts if c["userId"] == 1]


def test_same_seed_same_bytes(client_for):
    paths = [
        "/carts",
        "/carts?startdate=2019-06-01&enddate=2019-07-01&sort=desc",
        "/users",
        "/products",
        "/carts/user/3",
        "/carts/150",
        "/products/categories",
    ]
    counts = {"products": 100, "users": 100, "carts": 2000}
    with (
        FakeStoreSimulator(seed=11, **counts) as a,
        FakeStoreSimulator(seed=11, **counts) as b,
        FakeStoreSimulator(seed=12, **counts) as c,
    ):
        for path in paths:
            assert client_for(a)(path).body == client_for(b)(path).body, path
        assert client_for(c)("/carts").body != client_for(a)("/carts").body


@pytest.fixture(scope="module")
def large_sim():
    started = time.perf_counter()
    sim = FakeStoreSimulator(seed=42, profile="large")
    elapsed = time.perf_counter() - started
    print(f"\nlarge profile generated and indexed in {elapsed:.2f}s")
    assert elapsed < 15, f"large profile took {elapsed:.1f}s to build"
    with sim:
        yield sim


def test_large_profile_counts_and_windows(large_sim, client_for):
    client = client_for(large_sim)
    stats = client("/__admin/stats").json()
    assert (stats["products"], stats["users"], stats["carts"]) == (2000, 20000, 100000)
    everything = client("/carts", timeout=60)
    assert everything.status == 200
    assert int(everything.headers["Content-Length"]) == len(everything.body)
    carts = everything.json()
    assert len(carts) == 100000 and carts[0] == REFERENCE[0]
    assert [c["id"] for c in carts[:3]] == [1, 2, 3] and carts[-1]["id"] == 100000
    # 30-day windows, as a connector reads them, partition the whole set
    seen: list[int] = []
    day = date(2019, 1, 1)
    while day <= date(2021, 1, 1):
        end = day + timedelta(days=30)
        window = client(f"/carts?startdate={day}&enddate={end}").json()
        assert [c["id"] for c in window] == sorted(c["id"] for c in window)
        assert all(str(day) <= c["date"][:10] < str(end) for c in window)
        seen += [c["id"] for c in window]
        day = end
    assert len(seen) == len(set(seen)) == 100000
    assert client("/carts?limit=5&sort=desc").json()[0]["id"] == 100000
    assert len(client("/users").json()) == 20000
    assert len(client("/products").json()) == 2000


def test_dataset_is_deterministic_in_process():
    a = build_dataset(99, products=50, users=50, carts=20000)
    b = build_dataset(99, products=50, users=50, carts=20000)
    assert a.carts == b.carts and a.users == b.users and a.products == b.products
