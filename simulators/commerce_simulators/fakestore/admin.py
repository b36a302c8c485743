"""/__admin routes: not part of FakeStore. They steer a running simulator from tests and scripts.

    GET    /__admin/stats                       counts, requests served, faults served
    GET    /__admin/requests                    the last API requests (method, path, query), oldest first
    POST   /__admin/carts?count=N               add the next N deterministic carts; returns them
    GET    /__admin/faults                      active faults
    POST   /__admin/faults                      add a fault (object) or several (array)
    DELETE /__admin/faults                      clear all faults
    POST   /__admin/records                     {"kind": "carts", "record": {...}, "id": 5?} upsert as-is
    DELETE /__admin/records?kind=carts&id=5     remove a record (a hard delete at the source)
    POST   /__admin/reset                       back to the generated data set, no faults

Admin requests are neither counted as API requests nor subject to faults.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any

from .faults import Fault, FaultBook
from .jscompat import query_value
from .responses import Response, error_json, json_response
from .store import Store, as_int

PREFIX = "/__admin"


REQUEST_LOG_SIZE = 10_000  # enough to see every window of a backfill, bounded for long runs


class RequestStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.admin_requests = 0
        self.by_path: dict[str, int] = {}
        # Lets a test see what a connector asked for (e.g. which date window it read).
        self.log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)

    def count(self, path: str, method: str = "GET", query: dict[str, list[str]] | None = None) -> None:
        family = "/" + path.split("/", 2)[1]
        entry = {"method": method, "path": path, "query": {k: v[-1] for k, v in (query or {}).items()}}
        with self._lock:
            self.requests += 1
            self.by_path[family] = self.by_path.get(family, 0) + 1
            self.log.append(entry)

    def count_admin(self) -> None:
        with self._lock:
            self.admin_requests += 1

    def reset(self) -> None:
        with self._lock:
            self.requests = self.admin_requests = 0
            self.by_path = {}
            self.log.clear()


class AdminApi:
    def __init__(self, store: Store, faults: FaultBook, stats: RequestStats) -> None:
        self.store = store
        self.faults = faults
        self.stats = stats

    def handle(self, method: str, path: str, query: dict[str, list[str]], raw_body: bytes) -> Response:
        self.stats.count_admin()
        route = path[len(PREFIX) :].rstrip("/")
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError as exc:
            return error_json(f"invalid JSON body: {exc}")
        try:
            if route == "/stats" and method == "GET":
                return json_response(self.stats_json())
            if route == "/requests" and method == "GET":
                return json_response(list(self.stats.log))
            if route == "/carts" and method == "POST":
                return self._add_carts(query, body)
            if route == "/faults":
                return self._faults(method, body)
            if route == "/records" and method in ("POST", "PUT"):
                return self._upsert(body)
            if route == "/records" and method == "DELETE":
                return self._delete(query, body)
            if route == "/reset" and method == "POST":
                self.store.reset()
                self.faults.clear()
                self.stats.reset()
                return json_response({"status": "ok"})
        except (TypeError, ValueError) as exc:
            return error_json(str(exc))
        return error_json(f"no admin route {method} {path}", 404)

    def stats_json(self) -> dict[str, Any]:
        counts = self.store.counts()
        return {
            "seed": self.store.dataset.seed,
            "profile": self.store.dataset.profile,
            **counts,
            "requests": self.stats.requests,
            "requests_by_path": dict(sorted(self.stats.by_path.items())),
            "admin_requests": self.stats.admin_requests,
            "faults_served": self.faults.served,
            "faults_active": len(self.faults.active()),
        }

    def _add_carts(self, query: dict[str, list[str]], body: Any) -> Response:
        raw = query_value(query, "count")
        count = as_int(body.get("count")) if raw is None and isinstance(body, dict) else None
        if raw is not None:
            count = int(raw) if raw.strip().isdigit() else None
        if count is None or count < 0:
            raise ValueError('count must be a non-negative integer (?count=N or {"count": N})')
        rows = self.store.add_carts(count)
        return Response(201, items=[row.body for row in rows])

    def _faults(self, method: str, body: Any) -> Response:
        if method == "GET":
            return json_response([f.to_json() for f in self.faults.active()])
        if method == "DELETE":
            return json_response({"cleared": self.faults.clear()})
        if method == "POST":
            specs = body if isinstance(body, list) else [body]
            faults = [Fault.from_json(spec) for spec in specs]  # validate all before adding any
            added = [self.faults.add(f).to_json() for f in faults]
            return json_response(added if isinstance(body, list) else added[0], 201)
        return error_json(f"no admin route {method} {PREFIX}/faults", 404)

    def _upsert(self, body: Any) -> Response:
        if not isinstance(body, dict) or "kind" not in body or "record" not in body:
            raise ValueError('expected {"kind": "products|users|carts", "record": {...}, "id": optional}')
        key = body.get("id")
        if key is not None and as_int(key) is None:
            raise ValueError("id must be an integer")
        key, created = self.store.upsert(body["kind"], body["record"], as_int(key))
        return json_response({"kind": body["kind"], "id": key, "created": created}, 201 if created else 200)

    def _delete(self, query: dict[str, list[str]], body: Any) -> Response:
        source = body if isinstance(body, dict) else {k: query_value(query, k) for k in ("kind", "id")}
        kind, raw_id = source.get("kind"), source.get("id")
        if isinstance(raw_id, str):
            key = int(raw_id) if raw_id.lstrip("-").isdigit() else None
        else:
            key = as_int(raw_id)
        if not isinstance(kind, str) or key is None:
            raise ValueError("expected ?kind=products|users|carts&id=N")
        deleted = self.store.delete(kind, key)
        return json_response({"kind": kind, "id": key, "deleted": deleted}, 200 if deleted else 404)
