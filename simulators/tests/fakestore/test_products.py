"""GET/POST/PUT/DELETE /products*: reference values, limit/sort semantics, quirks, determinism."""

from __future__ import annotations

import json
import math
import re

import pytest

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.fakestore.jscompat import js_dumps, js_number, limit_value

# (id, title, price, category, rate, count, image file) from docs/fakestore_api.md §1.6
REFERENCE = [
    (
        1,
        "Fjallraven - Foldsack No. 1 Backpack, Fits 15 Laptops",
        109.95,
        "men's clothing",
        3.9,
        120,
        "81fPKd-2AYL._AC_SL1500_.jpg",
    ),
    (
        2,
        "Mens Casual Premium Slim Fit T-Shirts ",
        22.3,
        "men's clothing",
        4.1,
        259,
        "71-3HjGNDUL._AC_SY879._SX._UX._SY._UY_.jpg",
    ),
    (3, "Mens Cotton Jacket", 55.99, "men's clothing", 4.7, 500, "71li-ujtlUL._AC_UX679_.jpg"),
    (4, "Mens Casual Slim Fit", 15.99, "men's clothing", 2.1, 430, "71YXzeOuslL._AC_UY879_.jpg"),
    (
        5,
        "John Hardy Women's Legends Naga Gold & Silver Dragon Station Chain Bracelet",
        695,
        "jewelery",
        4.6,
        400,
        "71pWzhdJNwL._AC_UL640_QL65_ML3_.jpg",
    ),
    (6, "Solid Gold Petite Micropave ", 168, "jewelery", 3.9, 70, "61sbMiUnoGL._AC_UL640_QL65_ML3_.jpg"),
    (7, "White Gold Plated Princess", 9.99, "jewelery", 3, 400, "71YAIFU48IL._AC_UL640_QL65_ML3_.jpg"),
    (
        8,
        "Pierced Owl Rose Gold Plated Stainless Steel Double",
        10.99,
        "jewelery",
        1.9,
        100,
        "51UDEzMJVpL._AC_UL640_QL65_ML3_.jpg",
    ),
    (
        9,
        "WD 2TB Elements Portable External Hard Drive - USB 3.0 ",
        64,
        "electronics",
        3.3,
        203,
        "61IBBVJvSDL._AC_SY879_.jpg",
    ),
    (
        10,
        "SanDisk SSD PLUS 1TB Internal SSD - SATA III 6 Gb/s",
        109,
        "electronics",
        2.9,
        470,
        "61U7T1koQqL._AC_SX679_.jpg",
    ),
    (
        11,
        "Silicon Power 256GB SSD 3D NAND A55 SLC Cache Performance Boost SATA III 2.5",
        109,
        "electronics",
        4.8,
        319,
        "71kWymZ+c+L._AC_SX679_.jpg",
    ),
    (
        12,
        "WD 4TB Gaming Drive Works with Playstation 4 Portable External Hard Drive",
        114,
        "electronics",
        4.8,
        400,
        "61mtL65D4cL._AC_SX679_.jpg",
    ),
    (
        13,
        "Acer SB220Q bi 21.5 inches Full HD (1920 x 1080) IPS Ultra-Thin",
        599,
        "electronics",
        2.9,
        250,
        "81QpkIctqPL._AC_SX679_.jpg",
    ),
    (
        14,
        "Samsung 49-Inch CHG90 144Hz Curved Gaming Monitor (LC49HG90DMNXZA) – Super Ultrawide Screen QLED ",
        999.99,
        "electronics",
        2.2,
        140,
        "81Zt42ioCgL._AC_SX679_.jpg",
    ),
    (
        15,
        "BIYLACLESEN Women's 3-in-1 Snowboard Jacket Winter Coats",
        56.99,
        "women's clothing",
        2.6,
        235,
        "51Y5NI-I5jL._AC_UX679_.jpg",
    ),
    (
        16,
        "Lock and Love Women's Removable Hooded Faux Leather Moto Biker Jacket",
        29.95,
        "women's clothing",
        2.9,
        340,
        "81XH0e8fefL._AC_UY879_.jpg",
    ),
    (
        17,
        "Rain Jacket Women Windbreaker Striped Climbing Raincoats",
        39.99,
        "women's clothing",
        3.8,
        679,
        "71HblAHs5xL._AC_UY879_-2.jpg",
    ),
    (
        18,
        "MBJ Women's Solid Short Sleeve Boat Neck V ",
        9.85,
        "women's clothing",
        4.7,
        130,
        "71z3kpMAYsL._AC_UY879_.jpg",
    ),
    (
        19,
        "Opna Women's Short Sleeve Moisture",
        7.95,
        "women's clothing",
        4.5,
        146,
        "51eg55uWmdL._AC_UX679_.jpg",
    ),
    (
        20,
        "DANVOUY Womens T Shirt Casual Cotton Short",
        12.99,
        "women's clothing",
        3.6,
        145,
        "61pHAEJ4NML._AC_UX679_.jpg",
    ),
]


def ids(result) -> list[int]:
    return [record["id"] for record in result.json()]


def test_reference_products_exact(get):
    res = get("/products")
    assert res.status == 200
    assert res.headers["Content-Type"] == "application/json; charset=utf-8"
    products = res.json()
    assert len(products) == 20
    for product, (pid, title, price, category, rate, count, image) in zip(products, REFERENCE, strict=True):
        assert list(product) == ["id", "title", "price", "description", "category", "image", "rating"]
        assert product["id"] == pid
        assert product["title"] == title
        assert product["price"] == price and type(product["price"]) is type(price)
        assert product["category"] == category
        assert product["rating"] == {"rate": rate, "count": count}
        assert product["image"] == "https://fakestoreapi.com/img/" + image
        assert isinstance(product["description"], str) and product["description"]


def test_integral_numbers_serialise_as_integers(get):
    raw = get("/products/5").text
    assert '"price":695,' in raw and "695.0" not in raw
    assert '"rate":3,' in get("/products/7").text
    assert '"price":109.95,' in get("/products/1").text
    body = get("/products").text
    for price in (695, 168, 64, 109, 114, 599):
        assert f'"price":{price},' in body


def test_trailing_spaces_and_descriptions(get):
    products = {p["id"]: p for p in get("/products").json()}
    assert [pid for pid, p in products.items() if p["title"].endswith(" ")] == [2, 6, 9, 14, 18]
    assert all(len(products[pid]["description"]) > 400 for pid in (13, 14, 15))
    text = "".join(p["description"] for p in products.values())
    for char in ("'", "&", "/", ";", "–", "’", "”"):
        assert char in text
    # Non-ASCII goes out as UTF-8, not \\u escapes (JSON.stringify)
    assert "’".encode() in get("/products/3").body


def test_categories(get):
    res = get("/products/categories")
    assert res.status == 200
    assert res.text == '["electronics","jewelery","men\'s clothing","women\'s clothing"]'


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/products/category/men's%20clothing", [1, 2, 3, 4]),
        ("/products/category/men%27s%20clothing", [1, 2, 3, 4]),
        ("/products/category/jewelery", [5, 6, 7, 8]),
        ("/products/category/electronics", [9, 10, 11, 12, 13, 14]),
        ("/products/category/women's%20clothing", [15, 16, 17, 18, 19, 20]),
        ("/products/category/electronics?sort=desc&limit=2", [14, 13]),
        ("/products/category/Electronics", []),  # exact, case-sensitive match
        ("/products/category/men's+clothing", []),  # '+' is not a space in a path
        ("/products/category/jewelry", []),
    ],
)
def test_products_in_category(get, path, expected):
    res = get(path)
    assert res.status == 200
    assert ids(res) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?limit=5", [1, 2, 3, 4, 5]),
        ("?limit=0", list(range(1, 21))),
        ("?limit=abc", list(range(1, 21))),  # Number('abc') || 0
        ("?limit=", list(range(1, 21))),
        ("?limit", list(range(1, 21))),
        ("?limit=1&limit=2", list(range(1, 21))),  # an array: Number('1,2') is NaN
        ("?limit=%205%20", [1, 2, 3, 4, 5]),  # Number() trims
        ("?limit=0x3", [1, 2, 3]),
        ("?limit=-3", [1, 2, 3]),  # Mongo: a negative limit returns that many
        ("?limit=2.9", [1, 2]),
        ("?limit=100", list(range(1, 21))),
        ("?sort=desc", list(range(20, 0, -1))),
        ("?sort=desc&limit=3", [20, 19, 18]),
        ("?sort=DESC", list(range(1, 21))),  # only exactly 'desc' sorts descending
        ("?sort=asc", list(range(1, 21))),
        ("?sort=whatever&limit=2", [1, 2]),
    ],
)
def test_limit_and_sort(get, query, expected):
    assert ids(get("/products" + query)) == expected


def test_single_product_and_missing_ids(get):
    assert get("/products/1").json()["id"] == 1
    assert get("/products/01").json()["id"] == 1  # Mongoose casts with Number()
    for path in ("/products/999", "/products/0", "/products/abc", "/products/1.5"):
        res = get(path)
        assert (res.status, res.text) == (200, "null")
        assert res.headers["Content-Type"] == "application/json; charset=utf-8"


def test_express_routing(get):
    assert get("/products/").json() == get("/products").json()  # non-strict trailing slash
    assert get("/PRODUCTS/2").json()["id"] == 2  # case-insensitive paths
    assert get("/products/category").text == "null"  # falls through to /products/:id
    res = get("/productz")
    assert res.status == 404
    assert res.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<pre>Cannot GET /productz</pre>" in res.text
    assert get("/products", "PUT", {}).status == 404  # no PUT on the collection
    assert get("/products/%zz").status == 400  # decodeURIComponent fails
    assert get("/products/category/%ff").status == 400  # not UTF-8
    assert get("/products/category/men%E2%80%99s").json() == []  # decoded, no such category


def test_head_request(get):
    res = get("/products", "HEAD")
    assert res.status == 200 and res.body == b""
    assert int(res.headers["Content-Length"]) == len(get("/products").body)


def test_writes_are_echoed_not_persisted(get):
    res = get(
        "/products",
        "POST",
        {
            "title": "test product",
            "price": 13.0,
            "description": "x",
            "image": "https://i.pravatar.cc",
            "category": "electronic",
            "extra": 1,
        },
    )
    assert res.status == 201
    assert res.text == (
        '{"id":21,"title":"test product","price":13,"description":"x",'
        '"image":"https://i.pravatar.cc","category":"electronic"}'
    )
    res = get("/products/7", "PUT", {"title": "new title"})
    assert (res.status, res.json()) == (200, {"id": 7, "title": "new title"})
    assert get("/products/7", "PATCH", {"price": 1}).json() == {"id": 7, "price": 1}
    res = get("/products/6", "DELETE")
    assert res.status == 200 and res.json()["id"] == 6
    assert get("/products/6").status == 200 and get("/products/6").json()["id"] == 6
    assert len(get("/products").json()) == 20
    assert get("/products/abc", "DELETE").text == "null"


def test_js_number_semantics():
    assert js_number("12") == 12 and js_number(" 1e2 ") == 100 and js_number("0b11") == 3
    assert js_number("") == 0 and math.isnan(js_number("12px")) and math.isnan(js_number(None))
    assert js_number("-Infinity") == -math.inf and math.isnan(js_number("inf"))
    assert limit_value("Infinity") == 0 and limit_value("NaN") == 0 and limit_value("7") == 7
    assert js_dumps({"a": 1.0, "b": [2.50, 1e21]}) == b'{"a":1,"b":[2.5,1e+21]}'


def test_generated_products_shapes_and_determinism(client_for):
    with (
        FakeStoreSimulator(seed=7, products=500, users=10, carts=7) as a,
        FakeStoreSimulator(seed=7, products=500, users=10, carts=7) as b,
        FakeStoreSimulator(seed=8, products=500, users=10, carts=7) as c,
    ):
        body_a = client_for(a)("/products").body
        assert body_a == client_for(b)("/products").body
        assert body_a != client_for(c)("/products").body
        products = json.loads(body_a)
    with FakeStoreSimulator(seed=42) as ref:
        assert products[:20] == client_for(ref)("/products").json()  # reference records kept as 1..20
    assert [p["id"] for p in products] == list(range(1, 501))
    categories = {"electronics", "jewelery", "men's clothing", "women's clothing"}
    assert {p["category"] for p in products} == categories
    assert any(isinstance(p["price"], int) for p in products[20:])
    assert any(isinstance(p["price"], float) for p in products[20:])
    for p in products:
        assert list(p) == ["id", "title", "price", "description", "category", "image", "rating"]
        assert p["image"].startswith("https://fakestoreapi.com/img/")
        assert 1 <= p["rating"]["rate"] <= 5 and isinstance(p["rating"]["count"], int)
        assert not (isinstance(p["price"], float) and p["price"].is_integer())
    assert not re.search(rb":-?\d+\.0[,}]", body_a)  # no 12.0-style numbers anywhere
