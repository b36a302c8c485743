"""Linnworks' endpoints: what each answers for the parameters (query string and form body, merged).

Routes match case-insensitively, as ASP.NET's do. Errors are `{"Code": null, "Message": ...}` with 400
(a bad parameter) or 401 (authorisation); unknown routes answer ASP.NET Web API's 404 message.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core import Response
from .model import dumps, parse_datetime_ms
from .orders import details, search_row
from .store import Store

if TYPE_CHECKING:
    from .auth import Sessions

MAX_STOCK_PAGE = 200
MAX_ORDERS_PAGE = 500
MAX_ORDER_IDS = 100


class BadRequest(ValueError):
    """A parameter the API rejects (400)."""


@dataclass(frozen=True)
class Route:
    name: str  # Controller/Method, as the request log and stats name it
    needs_session: bool
    serve: Callable[[LinnworksApi, dict[str, str]], Response]


def error(message: str, status: int = 400) -> Response:
    return Response(status, dumps({"Code": None, "Message": message}))


def ok(value: Any) -> Response:
    return Response(200, dumps(value))


class LinnworksApi:
    def __init__(self, store: Store, sessions: Sessions, base_url: Callable[[], str]) -> None:
        self.store, self.sessions, self.base_url = store, sessions, base_url

    # --- Auth ------------------------------------------------------------------------------------------

    def authorize(self, p: dict[str, str]) -> Response:
        s = self.sessions
        session = s.authorize(p.get("applicationId", ""), p.get("applicationSecret", ""), p.get("token", ""))
        if session is None:
            return error("Invalid application id, secret or token", 401)
        return ok(
            {
                "Id": "4f0b0bd4-5b4c-4d2e-9f51-6c1f3e0c0a01",
                "EntityId": "7b2ad35c-3a0b-4f1a-8bde-0d1c6a2f9e11",
                "DatabaseName": "linnworks_sim",
                "FullName": "Oak & Thread Ltd",
                "Email": "ops@oakandthread.example",
                "Locality": "EU",
                "SuperAdmin": True,
                "TTL": s.ttl,
                "Token": session,
                "Server": self.base_url(),
            }
        )

    # --- Locations -------------------------------------------------------------------------------------

    def stock_locations(self, p: dict[str, str]) -> Response:
        keys = ("StockLocationId", "StockLocationIntId", "LocationName", "IsFulfillmentCenter", "LocationTag")
        rows = [
            {k: loc[k] for k in keys} | {"BinRack": "", "IsWarehouseManaged": False} for loc in self._locs
        ]
        return ok(rows)

    def location(self, p: dict[str, str]) -> Response:
        wanted = p.get("pkStockLocationId", "").strip().lower()
        for loc in self._locs:
            if loc["StockLocationId"] == wanted:
                return ok(loc)
        return error(f"Location '{wanted}' not found" if wanted else "pkStockLocationId is required")

    @property
    def _locs(self) -> list[dict[str, Any]]:
        return self.store.dataset.locations

    # --- Stock -----------------------------------------------------------------------------------------

    def stock_items(self, p: dict[str, str]) -> Response:
        per_page = _int(p, "entriesPerPage", MAX_STOCK_PAGE, 1, MAX_STOCK_PAGE)
        page = _int(p, "pageNumber", 1, 1, None)
        for name in ("loadCompositeParents", "loadVariationParents"):
            if p.get(name, "false").strip().lower() not in ("true", "false"):
                raise BadRequest(f"{name} must be true or false")
        requirements = _int_list(p, "dataRequirements", 0, 8)
        search_types = _int_list(p, "searchTypes", 0, 2)
        keyword = p.get("keyWord", "").strip().lower()
        indexes: list[int] = list(range(len(self.store.dataset.items)))
        if keyword:
            items = self.store.dataset.items
            fields = [lambda i: i.sku, lambda i: i.title, lambda i: i.barcode]
            chosen = [fields[t] for t in sorted(set(search_types or [0, 1, 2]))]
            indexes = [n for n in indexes if any(keyword in f(items[n]).lower() for f in chosen)]
        window = indexes[(page - 1) * per_page : page * per_page]
        return Response(200, items=[dumps(self.store.stock_item(n, 0 in requirements)) for n in window])

    # --- Processed orders ------------------------------------------------------------------------------

    def search_processed(self, p: dict[str, str]) -> Response:
        raw = p.get("request")
        if raw is None:
            raise BadRequest("request is required")
        try:
            req = json.loads(raw)
        except ValueError as exc:
            raise BadRequest(f"request is not JSON: {exc}") from None
        if not isinstance(req, dict):
            raise BadRequest("request must be a JSON object")
        field = req.get("DateField")
        start = end = None
        if field not in (None, "", "processed"):
            raise BadRequest(f"DateField {field!r} is not supported (only 'processed')")
        try:
            if req.get("FromDate") is not None:
                start = parse_datetime_ms(req["FromDate"])
            if req.get("ToDate") is not None:
                end = parse_datetime_ms(req["ToDate"])
        except ValueError as exc:
            raise BadRequest(f"FromDate/ToDate: {exc}") from None
        page = _int_value(req.get("PageNumber", 1), "PageNumber", 1, None)
        per_page = _int_value(
            req.get("ResultsPerPage", MAX_ORDERS_PAGE), "ResultsPerPage", 1, MAX_ORDERS_PAGE
        )
        descending = _descending(req.get("SearchSorting"))
        found = self.store.processed_between(start, end)
        total = len(found)
        ordered = found[::-1] if descending else found
        window = ordered[(page - 1) * per_page : page * per_page]
        data = [search_row(self.store.order(k)) for k in window]
        return ok(
            {
                "ProcessedOrders": {
                    "PageNumber": page,
                    "EntriesPerPage": per_page,
                    "TotalEntries": total,
                    "TotalPages": math.ceil(total / per_page),
                    "Data": data,
                },
                "Columns": [],
            }
        )

    # --- Orders ----------------------------------------------------------------------------------------

    def orders_by_id(self, p: dict[str, str]) -> Response:
        try:
            ids = json.loads(p.get("pkOrderIds", ""))
        except ValueError:
            raise BadRequest('pkOrderIds must be a JSON array of order ids: ["guid", ...]') from None
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise BadRequest('pkOrderIds must be a JSON array of order ids: ["guid", ...]')
        if len(ids) > MAX_ORDER_IDS:
            raise BadRequest(f"at most {MAX_ORDER_IDS} order ids per request")
        found = dict.fromkeys(k for i in ids if (k := self.store.order_index(i.strip())) is not None)
        ds = self.store.dataset
        return Response(200, items=[dumps(details(ds, self.store.order(k))) for k in found])


ROUTES: dict[str, Route] = {
    "/api/auth/authorizebyapplication": Route("Auth/AuthorizeByApplication", False, LinnworksApi.authorize),
    "/api/inventory/getstocklocations": Route(
        "Inventory/GetStockLocations", True, LinnworksApi.stock_locations
    ),
    "/api/locations/getlocation": Route("Locations/GetLocation", True, LinnworksApi.location),
    "/api/stock/getstockitemsfull": Route("Stock/GetStockItemsFull", True, LinnworksApi.stock_items),
    "/api/processedorders/searchprocessedorders": Route(
        "ProcessedOrders/SearchProcessedOrders", True, LinnworksApi.search_processed
    ),
    "/api/orders/getordersbyid": Route("Orders/GetOrdersById", True, LinnworksApi.orders_by_id),
}


def _descending(sorting: Any) -> bool:
    """SearchSorting: dProcessedOn (or nOrderId, the same order here) ASC (default) or DESC."""
    if sorting is None:
        return False
    if not isinstance(sorting, dict):
        raise BadRequest("SearchSorting must be an object")
    if sorting.get("SortField", "dProcessedOn") not in ("dProcessedOn", "nOrderId"):
        raise BadRequest("SearchSorting.SortField must be dProcessedOn or nOrderId")
    direction = str(sorting.get("SortDirection", "ASC")).upper()
    if direction not in ("ASC", "DESC"):
        raise BadRequest("SearchSorting.SortDirection must be ASC or DESC")
    return direction == "DESC"


def _int_value(value: Any, name: str, low: int, high: int | None) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
        bounds = f">= {low}" if high is None else f"between {low} and {high}"
        raise BadRequest(f"{name} must be an integer {bounds}")
    return value


def _int(p: dict[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = p.get(name)
    return default if raw is None or raw == "" else _int_value(raw, name, low, high)


def _int_list(p: dict[str, str], name: str, low: int, high: int) -> list[int]:
    raw = p.get(name)
    if raw is None or raw == "":
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, list) or not all(
        isinstance(v, int) and not isinstance(v, bool) and low <= v <= high for v in value
    ):
        raise BadRequest(f"{name} must be a JSON array of integers {low}..{high}")
    return value
