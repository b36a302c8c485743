"""/__admin routes: not part of any real API. They steer a running simulator from tests and scripts.

Every simulator has

    GET    /__admin/stats       counts, requests served, faults served, ...
    GET    /__admin/requests    the last API requests, oldest first
    GET    /__admin/faults      active faults
    POST   /__admin/faults      add a fault (object) or several (array); all are validated first
    DELETE /__admin/faults      clear all faults
    POST   /__admin/reset       back to the starting data, no faults, empty log

and registers its own routes with `routes()`. Admin requests are neither counted as API requests nor
subject to faults. A simulator's subclass says how its admin answers look (`json`, `error`) and what
its parameters are (`params`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .http import ADMIN_PREFIX, Response

if TYPE_CHECKING:
    from .simulator import Simulator


@dataclass
class AdminRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any  # the JSON body (None when empty)
    params: Any  # what the simulator's `params` made of the query and the body


Route = Callable[[AdminRequest], Response]
# (route below /__admin, method or None for any method) -> handler
Routes = dict[tuple[str, str | None], Route]


class AdminApi:
    BAD_BODY = "invalid JSON body:"  # the error's prefix when the body is not JSON

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self._routes: Routes = {
            ("/stats", "GET"): lambda req: self.json(sim.stats()),
            ("/requests", "GET"): lambda req: self.json(sim.requests()),
            ("/faults", None): self._faults,
            ("/reset", "POST"): self._reset,
        }
        self._routes.update(self.routes())

    # --- what a simulator adds ------------------------------------------------------------------------

    def routes(self) -> Routes:
        return {}

    def json(self, value: Any, status: int = 200) -> Response:
        raise NotImplementedError

    def error(self, message: str, status: int = 400) -> Response:
        return self.json({"error": message}, status)

    def params(self, query: dict[str, list[str]], body: Any, raw: bytes) -> Any:
        """The parameters the routes read (default: the JSON body, None when `raw` is blank);
        ValueError: a bad request."""
        return body

    def query_and_object(self, query: dict[str, list[str]], body: Any, raw: bytes) -> dict[str, Any]:
        """`params` for simulators whose admin parameters may come in the query string or a JSON object
        body (the body wins; an array body is left to the route, e.g. several faults)."""
        out: dict[str, Any] = {k: v[-1] for k, v in query.items()}
        if isinstance(body, dict):
            out.update(body)
        elif raw.strip() and not isinstance(body, list):
            raise ValueError("expected a JSON object")
        return out

    def clear_requests(self, req: AdminRequest) -> Response:
        """A route for `DELETE /requests` (empty the request log), for simulators that offer it."""
        self.sim.request_stats.clear_log()
        return self.json({"cleared": True})

    # --- dispatch -------------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, list[str]], raw: bytes) -> Response:
        self.sim.request_stats.bump("admin_requests")
        route = path[len(ADMIN_PREFIX) :].rstrip("/")
        try:
            body = json.loads(raw) if raw.strip() else None
            params = self.params(query, body, raw)
        except ValueError as exc:
            return self.error(f"{self.BAD_BODY} {exc}")
        handler = self._routes.get((route, method)) or self._routes.get((route, None))
        if handler is None:
            return self.error(f"no admin route {method} {path}", 404)
        try:
            return handler(AdminRequest(method, path, query, body, params))
        except (TypeError, ValueError, AssertionError) as exc:
            return self.error(str(exc))

    def _faults(self, req: AdminRequest) -> Response:
        faults = self.sim.faults
        if req.method == "GET":
            return self.json([f.to_json() for f in faults.active()])
        if req.method == "DELETE":
            return self.json({"cleared": faults.clear()})
        if req.method == "POST":
            specs = req.body if isinstance(req.body, list) else [req.body]
            parsed = [self.sim.fault_type.from_json(spec) for spec in specs]  # validate all, then add
            added = [faults.add(f).to_json() for f in parsed]
            return self.json(added if isinstance(req.body, list) else added[0], 201)
        return self.error(f"no admin route {req.method} {ADMIN_PREFIX}/faults", 404)

    def _reset(self, req: AdminRequest) -> Response:
        self.sim.reset()
        return self.json({"status": "ok"})
