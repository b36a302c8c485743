"""FakeStore's own /__admin routes (the shared ones are in core/admin.py):

    GET    /__admin/stats                       counts, requests served, faults served
    GET    /__admin/requests                    the last API requests (method, path, query), oldest first
    POST   /__admin/carts?count=N               add the next N deterministic carts; returns them
    GET    /__admin/faults                      active faults
    POST   /__admin/faults                      add a fault (object) or several (array); see faults.py
    DELETE /__admin/faults                      clear all faults
    POST   /__admin/records                     {"kind": "carts", "record": {...}, "id": 5?} upsert as-is
    DELETE /__admin/records?kind=carts&id=5     remove a record (a hard delete at the source)
    POST   /__admin/reset                       back to the generated data set, no faults

Admin answers are JSON as the API writes it; errors are {"status": "error", "message": ...}.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import AdminApi, AdminRequest, Routes
from .jscompat import query_value
from .responses import Response, error_json, json_response
from .store import as_int

if TYPE_CHECKING:
    from .simulator import FakeStoreSimulator


class FakeStoreAdmin(AdminApi):
    sim: FakeStoreSimulator

    def routes(self) -> Routes:
        return {
            ("/carts", "POST"): self._add_carts,
            ("/records", "POST"): self._upsert,
            ("/records", "PUT"): self._upsert,
            ("/records", "DELETE"): self._delete,
        }

    def json(self, value: Any, status: int = 200) -> Response:
        return json_response(value, status)

    def error(self, message: str, status: int = 400) -> Response:
        return error_json(message, status)

    def _add_carts(self, req: AdminRequest) -> Response:
        raw, body = query_value(req.query, "count"), req.body
        count = as_int(body.get("count")) if raw is None and isinstance(body, dict) else None
        if raw is not None:
            count = int(raw) if raw.strip().isdigit() else None
        if count is None or count < 0:
            raise ValueError('count must be a non-negative integer (?count=N or {"count": N})')
        rows = self.sim.store.add_carts(count)
        return Response(201, items=[row.body for row in rows])

    def _upsert(self, req: AdminRequest) -> Response:
        body = req.body
        if not isinstance(body, dict) or "kind" not in body or "record" not in body:
            raise ValueError('expected {"kind": "products|users|carts", "record": {...}, "id": optional}')
        key = body.get("id")
        if key is not None and as_int(key) is None:
            raise ValueError("id must be an integer")
        key, created = self.sim.store.upsert(body["kind"], body["record"], as_int(key))
        return json_response({"kind": body["kind"], "id": key, "created": created}, 201 if created else 200)

    def _delete(self, req: AdminRequest) -> Response:
        body, query = req.body, req.query
        source = body if isinstance(body, dict) else {k: query_value(query, k) for k in ("kind", "id")}
        kind, raw_id = source.get("kind"), source.get("id")
        if isinstance(raw_id, str):
            key = int(raw_id) if raw_id.lstrip("-").isdigit() else None
        else:
            key = as_int(raw_id)
        if not isinstance(kind, str) or key is None:
            raise ValueError("expected ?kind=products|users|carts&id=N")
        deleted = self.sim.store.delete(kind, key)
        return json_response({"kind": kind, "id": key, "deleted": deleted}, 200 if deleted else 404)
