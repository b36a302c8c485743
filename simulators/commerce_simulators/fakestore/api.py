"""The FakeStore routes, with the controllers' semantics (docs/fakestore_api.md §1.2-1.5).

Where the 2022 code and the live site differ, the live site wins (§1.5): POST answers 201, a
non-integer cart or user id answers 400 `{"status":"error","message":"<cart|user> id should be
provided"}` (the old code never answered at all), a missing record answers 200 `null`. A non-integer
product id also answers 200 `null` (the live docs: "non-existing or non-integer IDs ... 200").
Writes are never persisted, as on the real API.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .generator import REFERENCE_NOW_MS
from .jscompat import js_dumps, js_number, js_parse_int, limit_value, parse_js_date, query_value
from .responses import (
    Response,
    error_json,
    express_error_page,
    json_array,
    json_response,
    raw_json,
    text_response,
)
from .store import Store

_UNDEFINED = object()  # a JS `undefined`: JSON.stringify drops the key
_BAD_ESCAPE = re.compile(r"%(?![0-9a-fA-F]{2})")


@dataclass
class Request:
    method: str
    path: str  # raw (still percent-encoded), without the query string
    query: dict[str, list[str]]
    body: Any  # what body-parser leaves in req.body: {} unless a JSON/urlencoded body came


Handler = Callable[["FakeStoreApi", Request, dict[str, str]], Response]


def _int_id(text: str) -> int | None:
    """The id Mongoose casts a path parameter to (`Number(text)`), if it is an integer."""
    n = js_number(text)
    return int(n) if math.isfinite(n) and n.is_integer() else None


def _sort_desc(req: Request) -> bool:
    return query_value(req.query, "sort") == "desc"  # `sort == 'desc' ? -1 : 1`: anything else is asc


def _limit(req: Request) -> int:
    return limit_value(query_value(req.query, "limit"))


def _field(body: Any, key: str) -> Any:
    return body.get(key, _UNDEFINED) if isinstance(body, dict) else _UNDEFINED


def _js_object(pairs: dict[str, Any], *, minimize: bool = False) -> dict[str, Any]:
    """Drop undefined keys like JSON.stringify; `minimize` also drops empty objects like Mongoose."""
    out = {}
    for key, value in pairs.items():
        if isinstance(value, dict):
            value = _js_object(value, minimize=minimize)
        if value is _UNDEFINED or (minimize and value == {}):
            continue
        out[key] = value
    return out


def _jwt(username: str) -> str:
    """`jwt.sign({user: username}, 'secret_key')`: HS256, payload {user, iat}. The `iat` is the
    simulator's fixed "now", so the same login always yields the same token."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(b'{"alg":"HS256","typ":"JWT"}')
    payload = b64(js_dumps({"user": username, "iat": REFERENCE_NOW_MS // 1000}))
    signature = hmac.new(b"secret_key", f"{head}.{payload}".encode(), hashlib.sha256).digest()
    return f"{head}.{payload}.{b64(signature)}"


def _js_truthy(value: Any) -> bool:
    if value is _UNDEFINED or value is None:
        return False
    if isinstance(value, str):
        return value != ""
    if isinstance(value, int | float):  # bools included
        return value != 0 and not math.isnan(value)
    return True  # objects and arrays, even empty ones


class FakeStoreApi:
    def __init__(self, store: Store, now_ms: Callable[[], int]) -> None:
        self.store = store
        self.now_ms = now_ms

    def handle(self, req: Request) -> Response:
        # Express: case-insensitive paths, one optional trailing slash, a param is one non-empty segment.
        path = req.path[:-1] if len(req.path) > 1 and req.path.endswith("/") else req.path
        segments = path.split("/")[1:]
        method = "GET" if req.method == "HEAD" else req.method
        for route_method, pattern, handler in ROUTES:
            if route_method != method or len(pattern) != len(segments):
                continue
            params: dict[str, str] = {}
            for want, got in zip(pattern, segments, strict=True):
                if want.startswith(":"):
                    if not got:
                        break
                    params[want[1:]] = got
                elif want != got.lower():
                    break
            else:
                try:
                    for name, value in params.items():
                        if _BAD_ESCAPE.search(value):
                            raise ValueError(value)
                        params[name] = unquote(value, errors="strict")
                except ValueError:  # decodeURIComponent throws (UnicodeDecodeError is a ValueError)
                    return express_error_page(400, "Bad Request")
                return handler(self, req, params)
        return express_error_page(404, f"Cannot {req.method} {req.path}")

    # --- date range -----------------------------------------------------------------------------------

    def _date_range(self, req: Request) -> tuple[int, int] | Response:
        """`startdate || new Date('1970-1-1')`, `enddate || new Date()`, then `new Date(...)` on each.

        An unparseable date is an Invalid Date, which Mongoose refuses to cast: the 2022 code then
        never answers. The simulator answers 400 instead (UNCONFIRMED what the live site does).
        """
        start_raw, end_raw = query_value(req.query, "startdate"), query_value(req.query, "enddate")
        start = parse_js_date(start_raw) if start_raw else 0
        end = parse_js_date(end_raw) if end_raw else self.now_ms()
        if start is None or end is None:
            return error_json("startdate and enddate should be valid dates")
        return start, end

    # --- products -------------------------------------------------------------------------------------

    def list_products(self, req: Request, params: dict[str, str]) -> Response:
        return json_array(self.store.listing("products", desc=_sort_desc(req), limit=_limit(req)))

    def categories(self, req: Request, params: dict[str, str]) -> Response:
        return Response(200, self.store.categories_body())

    def products_in_category(self, req: Request, params: dict[str, str]) -> Response:
        items = self.store.in_category(params["category"], desc=_sort_desc(req), limit=_limit(req))
        return json_array(items)

    def get_product(self, req: Request, params: dict[str, str]) -> Response:
        pid = _int_id(params["id"])
        return raw_json(None if pid is None else self.store.get("products", pid))

    def add_product(self, req: Request, params: dict[str, str]) -> Response:
        fields = {k: _field(req.body, k) for k in ("title", "price", "description", "image", "category")}
        return json_response(_js_object({"id": 21, **fields}), 201)

    def edit_product(self, req: Request, params: dict[str, str]) -> Response:
        fields = {k: _field(req.body, k) for k in ("title", "price", "description", "image", "category")}
        return json_response(_js_object({"id": js_parse_int(params["id"]), **fields}))

    def delete_product(self, req: Request, params: dict[str, str]) -> Response:
        return self.get_product(req, params)  # nothing is deleted: the existing record (or null) comes back

    # --- carts ----------------------------------------------------------------------------------------

    def list_carts(self, req: Request, params: dict[str, str]) -> Response:
        window = self._date_range(req)
        if isinstance(window, Response):
            return window
        return json_array(self.store.carts_between(*window, desc=_sort_desc(req), limit=_limit(req)))

    def get_cart(self, req: Request, params: dict[str, str]) -> Response:
        cid = _int_id(params["id"])
        if cid is None:
            return error_json("cart id should be provided")
        return raw_json(self.store.get("carts", cid))

    def carts_of_user(self, req: Request, params: dict[str, str]) -> Response:
        user_id = _int_id(params["userid"])
        if user_id is None:  # by analogy with /users/<id> on the live site (UNCONFIRMED)
            return error_json("user id should be provided")
        window = self._date_range(req)
        if isinstance(window, Response):
            return window
        return json_array(self.store.carts_of_user(user_id, *window))

    def add_cart(self, req: Request, params: dict[str, str]) -> Response:
        fields = {k: _field(req.body, k) for k in ("userId", "date", "products")}
        return json_response(_js_object({"id": 11, **fields}), 201)

    def edit_cart(self, req: Request, params: dict[str, str]) -> Response:
        if _int_id(params["id"]) is None:
            return error_json("cart id should be provided")
        fields = {k: _field(req.body, k) for k in ("userId", "date", "products")}
        return json_response(_js_object({"id": js_parse_int(params["id"]), **fields}))

    def delete_cart(self, req: Request, params: dict[str, str]) -> Response:
        return self.get_cart(req, params)

    # --- users ----------------------------------------------------------------------------------------

    def list_users(self, req: Request, params: dict[str, str]) -> Response:
        return json_array(self.store.listing("users", desc=_sort_desc(req), limit=_limit(req)))

    def get_user(self, req: Request, params: dict[str, str]) -> Response:
        uid = _int_id(params["id"])
        if uid is None:
            return error_json("user id should be provided")
        return raw_json(self.store.get("users", uid))

    @staticmethod
    def _user_fields(body: Any) -> dict[str, Any]:
        """The controller's quirk: `name` and `number`/`zipcode` are read from the top level of the
        body, city/street/geolocation from `body.address`."""
        address = _field(body, "address")
        geo = _field(address, "geolocation")
        return {
            "email": _field(body, "email"),
            "username": _field(body, "username"),
            "password": _field(body, "password"),
            "name": {"firstname": _field(body, "firstname"), "lastname": _field(body, "lastname")},
            "address": {
                "city": _field(address, "city"),
                "street": _field(address, "street"),
                "number": _field(body, "number"),
                "zipcode": _field(body, "zipcode"),
                "geolocation": {"lat": _field(geo, "lat"), "long": _field(geo, "long")},
            },
            "phone": _field(body, "phone"),
        }

    def add_user(self, req: Request, params: dict[str, str]) -> Response:
        # `new User({id: count + 1, ...})`: Mongoose drops undefined paths and empty objects.
        user = {"id": len(self.store.table("users").ids) + 1, **self._user_fields(req.body)}
        return json_response(_js_object(user, minimize=True), 201)

    def edit_user(self, req: Request, params: dict[str, str]) -> Response:
        if _int_id(params["id"]) is None:
            return error_json("user id should be provided")
        # A plain object: `id: req.params.id` stays a string, empty nested objects stay.
        return json_response(_js_object({"id": params["id"], **self._user_fields(req.body)}))

    def delete_user(self, req: Request, params: dict[str, str]) -> Response:
        return self.get_user(req, params)

    # --- auth -----------------------------------------------------------------------------------------

    def login(self, req: Request, params: dict[str, str]) -> Response:
        username, password = _field(req.body, "username"), _field(req.body, "password")
        if not (_js_truthy(username) and _js_truthy(password)):
            return text_response("username and password are not provided in JSON format", 400)
        # Mongoose casts both to String for the query; anything else cannot match a user.
        if isinstance(username, int | float) and not isinstance(username, bool):
            username = js_dumps(username).decode()
        if isinstance(password, int | float) and not isinstance(password, bool):
            password = js_dumps(password).decode()
        strings = isinstance(username, str) and isinstance(password, str)
        if strings and self.store.can_login(username, password):
            return json_response({"token": _jwt(username)}, 201)  # the live site answers 201
        return text_response("username or password is incorrect", 401)


# Declaration order matters, as in the Express routers: /products/categories before /products/:id.
ROUTES: list[tuple[str, tuple[str, ...], Handler]] = [
    ("GET", ("products",), FakeStoreApi.list_products),
    ("GET", ("products", "categories"), FakeStoreApi.categories),
    ("GET", ("products", "category", ":category"), FakeStoreApi.products_in_category),
    ("GET", ("products", ":id"), FakeStoreApi.get_product),
    ("POST", ("products",), FakeStoreApi.add_product),
    ("PUT", ("products", ":id"), FakeStoreApi.edit_product),
    ("PATCH", ("products", ":id"), FakeStoreApi.edit_product),
    ("DELETE", ("products", ":id"), FakeStoreApi.delete_product),
    ("GET", ("carts",), FakeStoreApi.list_carts),
    ("GET", ("carts", ":id"), FakeStoreApi.get_cart),
    ("GET", ("carts", "user", ":userid"), FakeStoreApi.carts_of_user),
    ("POST", ("carts",), FakeStoreApi.add_cart),
    ("PUT", ("carts", ":id"), FakeStoreApi.edit_cart),
    ("PATCH", ("carts", ":id"), FakeStoreApi.edit_cart),
    ("DELETE", ("carts", ":id"), FakeStoreApi.delete_cart),
    ("GET", ("users",), FakeStoreApi.list_users),
    ("GET", ("users", ":id"), FakeStoreApi.get_user),
    ("POST", ("users",), FakeStoreApi.add_user),
    ("PUT", ("users", ":id"), FakeStoreApi.edit_user),
    ("PATCH", ("users", ":id"), FakeStoreApi.edit_user),
    ("DELETE", ("users", ":id"), FakeStoreApi.delete_user),
    ("POST", ("auth", "login"), FakeStoreApi.login),
]
