"""GET/POST/PUT/DELETE /users* and POST /auth/login."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from commerce_simulators.fakestore import FakeStoreSimulator

# (id, email, username, password, first, last, city, street, number, zipcode, lat, long, phone): §1.6
REFERENCE = [
    (
        1,
        "john@gmail.com",
        "johnd",
        "m38rmF$",
        "john",
        "doe",
        "kilcoole",
        "new road",
        7682,
        "12926-3874",
        "-37.3159",
        "81.1496",
        "1-570-236-7033",
    ),
    (
        2,
        "morrison@gmail.com",
        "mor_2314",
        "83r5^_",
        "david",
        "morrison",
        "kilcoole",
        "Lovers Ln",
        7267,
        "12926-3874",
        "-37.3159",
        "81.1496",
        "1-570-236-7033",
    ),
    (
        3,
        "kevin@gmail.com",
        "kevinryan",
        "kev02937@",
        "kevin",
        "ryan",
        "Cullman",
        "Frances Ct",
        86,
        "29567-1452",
        "40.3467",
        "-30.1310",
        "1-567-094-1345",
    ),
    (
        4,
        "don@gmail.com",
        "donero",
        "ewedon",
        "don",
        "romer",
        "San Antonio",
        "Hunters Creek Dr",
        6454,
        "98234-1734",
        "50.3467",
        "-20.1310",
        "1-765-789-6734",
    ),
    (
        5,
        "derek@gmail.com",
        "derek",
        "jklg*_56",
        "derek",
        "powell",
        "san Antonio",
        "adams St",
        245,
        "80796-1234",
        "40.3467",
        "-40.1310",
        "1-956-001-1945",
    ),
    (
        6,
        "david_r@gmail.com",
        "david_r",
        "3478*#54",
        "david",
        "russell",
        "el paso",
        "prospect st",
        124,
        "12346-0456",
        "20.1677",
        "-10.6789",
        "1-678-345-9856",
    ),
    (
        7,
        "miriam@gmail.com",
        "snyder",
        "f238&@*$",
        "miriam",
        "snyder",
        "fresno",
        "saddle st",
        1342,
        "96378-0245",
        "10.3456",
        "20.6419",
        "1-123-943-0563",
    ),
    (
        8,
        "william@gmail.com",
        "hopkins",
        "William56$hj",
        "william",
        "hopkins",
        "mesa",
        "vally view ln",
        1342,
        "96378-0245",
        "50.3456",
        "10.6419",
        "1-478-001-0890",
    ),
    (
        9,
        "kate@gmail.com",
        "kate_h",
        "kfejk@*_",
        "kate",
        "hale",
        "miami",
        "avondale ave",
        345,
        "96378-0245",
        "40.12456",
        "20.5419",
        "1-678-456-1934",
    ),
    (
        10,
        "jimmie@gmail.com",
        "jimmie_k",
        "klein*#%*",
        "jimmie",
        "klein",
        "fort wayne",
        "oak lawn ave",
        526,
        "10256-4532",
        "30.24788",
        "-20.545419",
        "1-104-001-4567",
    ),
]


def _expected(row) -> dict:
    uid, email, username, password, first, last, city, street, number, zipcode, lat, long, phone = row
    return {
        "address": {
            "geolocation": {"lat": lat, "long": long},
            "city": city,
            "street": street,
            "number": number,
            "zipcode": zipcode,
        },
        "id": uid,
        "email": email,
        "username": username,
        "password": password,
        "name": {"firstname": first, "lastname": last},
        "phone": phone,
        "__v": 0,
    }


def test_reference_users_exact(get):
    res = get("/users")
    assert res.status == 200
    users = res.json()
    assert len(users) == 10
    for user, row in zip(users, REFERENCE, strict=True):
        expected = _expected(row)
        assert user == expected
        # key order as in the live dumps: address first, geolocation first inside it
        assert list(user) == list(expected)
        assert list(user["address"]) == ["geolocation", "city", "street", "number", "zipcode"]
    raw = get("/users/1").text
    assert raw.startswith('{"address":{"geolocation":{"lat":"-37.3159","long":"81.1496"},')
    assert '"number":7682,' in raw and '"zipcode":"12926-3874"' in raw and '"password":"m38rmF$"' in raw


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", list(range(1, 11))),
        ("?limit=3", [1, 2, 3]),
        ("?sort=desc", list(range(10, 0, -1))),
        ("?sort=desc&limit=2", [10, 9]),
        ("?limit=xyz", list(range(1, 11))),
    ],
)
def test_users_limit_and_sort(get, query, expected):
    assert [u["id"] for u in get("/users" + query).json()] == expected


def test_single_user_and_bad_ids(get):
    assert get("/users/2").json()["username"] == "mor_2314"
    assert get("/users/999").text == "null"
    res = get("/users/abc")
    assert res.status == 400
    assert res.text == '{"status":"error","message":"user id should be provided"}'


def _jwt_payload(token: str) -> dict:
    head, payload, signature = token.split(".")
    expected = hmac.new(b"secret_key", f"{head}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    assert json.loads(base64.urlsafe_b64decode(head + "==")) == {"alg": "HS256", "typ": "JWT"}
    return json.loads(base64.urlsafe_b64decode(payload + "=="))


def test_login(get):
    res = get("/auth/login", "POST", {"username": "mor_2314", "password": "83r5^_"})
    assert res.status == 201
    token = res.json()["token"]
    assert token.startswith("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.")
    payload = _jwt_payload(token)
    assert list(payload) == ["user", "iat"] and payload["user"] == "mor_2314"
    # deterministic: the same login gives the same token
    assert get("/auth/login", "POST", {"username": "mor_2314", "password": "83r5^_"}).json()["token"] == token
    # urlencoded bodies work too (body-parser.urlencoded)
    form = get(
        "/auth/login",
        "POST",
        raw=b"username=johnd&password=m38rmF%24",
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status == 201


@pytest.mark.parametrize(
    "body",
    [
        {"username": "mor_2314", "password": "wrong"},
        {"username": "MOR_2314", "password": "83r5^_"},
        {"username": "nobody", "password": "x"},
    ],
)
def test_login_rejected(get, body):
    res = get("/auth/login", "POST", body)
    assert res.status == 401
    assert res.text == "username or password is incorrect"
    assert res.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("body", [{}, {"username": "mor_2314"}, {"username": "", "password": "x"}])
def test_login_missing_fields(get, body):
    res = get("/auth/login", "POST", body)
    assert res.status == 400
    assert res.text == "username and password are not provided in JSON format"


def test_login_without_json_content_type(get):
    raw = b'{"username":"johnd","password":"m38rmF$"}'
    res = get("/auth/login", "POST", raw=raw, content_type="text/plain")
    assert res.status == 400  # body-parser ignores the body: req.body is {}


def test_user_writes_are_echoed_with_the_controller_quirk(get):
    body = {
        "email": "John@gmail.com",
        "username": "johnd",
        "password": "m38rmF$",
        "name": {"firstname": "John", "lastname": "Doe"},
        "address": {
            "city": "kilcoole",
            "street": "7835 new road",
            "number": 3,
            "zipcode": "12926-3874",
            "geolocation": {"lat": "-37.3159", "long": "81.1496"},
        },
        "phone": "1-570-236-7033",
    }
    res = get("/users", "POST", body)
    assert res.status == 201
    # name, number and zipcode are read from the top level of the body: lost when sent nested
    assert res.json() == {
        "id": 11,
        "email": "John@gmail.com",
        "username": "johnd",
        "password": "m38rmF$",
        "address": {
            "city": "kilcoole",
            "street": "7835 new road",
            "geolocation": {"lat": "-37.3159", "long": "81.1496"},
        },
        "phone": "1-570-236-7033",
    }
    res = get("/users/7", "PUT", {"email": "x@y.z", "firstname": "x"})
    assert res.json() == {
        "id": "7",
        "email": "x@y.z",
        "name": {"firstname": "x"},
        "address": {"geolocation": {}},
    }
    assert get("/users/abc", "PATCH", {}).status == 400
    assert get("/users/3", "DELETE").json()["id"] == 3
    assert len(get("/users").json()) == 10


def test_generated_users(client_for):
    with FakeStoreSimulator(seed=3, users=400) as sim:
        client = client_for(sim)
        users = client("/users").json()
        assert [u["id"] for u in users] == list(range(1, 401))
        assert users[:10] == [_expected(row) for row in REFERENCE]
        for u in users:
            assert list(u) == ["address", "id", "email", "username", "password", "name", "phone", "__v"]
            address = u["address"]
            assert list(address) == ["geolocation", "city", "street", "number", "zipcode"]
            assert isinstance(address["number"], int) and isinstance(address["zipcode"], str)
            lat, long = address["geolocation"]["lat"], address["geolocation"]["long"]
            assert isinstance(lat, str) and isinstance(long, str)
            assert -90 <= float(lat) <= 90 and -180 <= float(long) <= 180
            assert u["__v"] == 0 and u["password"]
        assert len({u["username"] for u in users}) == 400
        last = users[-1]
        res = client("/auth/login", "POST", {"username": last["username"], "password": last["password"]})
        assert res.status == 201
