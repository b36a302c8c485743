"""Helpers for the Linnworks simulator tests: the connector's calls over real HTTP (urllib)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from commerce_simulators.linnworks import LinnworksSimulator

from ..support import HttpResult, request

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
STOCK_QUERY = (
    "loadCompositeParents=true&loadVariationParents=true"
    "&dataRequirements=[0,1,2,3,4,5,6,7,8]&searchTypes=[0,1,2]"
)


def post(
    sim: LinnworksSimulator,
    path: str,
    form: dict[str, str] | None = None,
    *,
    session: str | None = None,
    method: str = "POST",
) -> HttpResult:
    """`POST sim.url + path` with a form body and the session token as the Authorization header."""
    headers = dict(FORM)
    if session is not None:
        headers["Authorization"] = session
    data = urlencode(form).encode() if form is not None else b""
    return request(method, sim.url + path, data if method != "GET" else None, headers)


def authorize(sim: LinnworksSimulator, **overrides: str) -> HttpResult:
    form = {
        "applicationId": sim.application_id,
        "applicationSecret": sim.application_secret,
        "token": sim.token,
    }
    return post(sim, "/api/Auth/AuthorizeByApplication", form | overrides)


def session(sim: LinnworksSimulator) -> str:
    reply = authorize(sim)
    assert reply.status == 200, reply.body
    return reply.json()["Token"]


def stock_page(sim: LinnworksSimulator, token: str, page: int, per_page: int = 200) -> HttpResult:
    query = f"entriesPerPage={per_page}&pageNumber={page}&{STOCK_QUERY}"
    return post(sim, f"/api/Stock/GetStockItemsFull?{query}", session=token)


def search(sim: LinnworksSimulator, token: str, **fields: Any) -> HttpResult:
    """SearchProcessedOrders with the connector's request, `fields` overriding it."""
    req = {
        "DateField": "processed",
        "FromDate": "2025-10-01T00:00:00+00:00",
        "ToDate": "2026-01-01T00:00:00+00:00",
        "PageNumber": 1,
        "ResultsPerPage": 500,
        "SearchSorting": {"SortField": "dProcessedOn", "SortDirection": "ASC"},
    } | fields
    body = json.dumps(req, separators=(",", ":"))
    return post(sim, "/api/ProcessedOrders/SearchProcessedOrders", {"request": body}, session=token)


def search_all(sim: LinnworksSimulator, token: str, **fields: Any) -> list[dict[str, Any]]:
    """Every page of a search, the way the connector pages (until PageNumber == TotalPages)."""
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        reply = search(sim, token, PageNumber=page, **fields)
        assert reply.status == 200, reply.body
        result = reply.json()["ProcessedOrders"]
        rows += result["Data"]
        if page >= result["TotalPages"]:
            return rows
        page += 1


def orders_by_id(sim: LinnworksSimulator, token: str, ids: list[str]) -> HttpResult:
    return post(sim, "/api/Orders/GetOrdersById", {"pkOrderIds": json.dumps(ids)}, session=token)


def admin(sim: LinnworksSimulator, path: str, method: str = "GET", body: Any = None) -> HttpResult:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    return request(method, sim.admin_url + path, data, headers)
