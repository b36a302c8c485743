"""Linnworks' request handling on the shared HTTP server (core/http.py): `/api/<Controller>/<Method>`
goes through faults -> session check -> endpoint; `/__admin/*` to the admin API.

Parameters: the query string and an `application/x-www-form-urlencoded` body are merged (body wins),
names stripped of surrounding spaces, because the connector sends `pkStockLocationId ` with a trailing
space. Endpoints answer POST; other methods answer 405 as ASP.NET Web API does. Faults come before the
session check, like a gateway's 429 or 503 in front of the API.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import SplitResult, parse_qsl

from ..core import PathFault, Response, SimulatorHandler
from .api import ROUTES, BadRequest, Route, error
from .model import dumps

if TYPE_CHECKING:
    from .simulator import LinnworksSimulator

KEEP_ALIVE_SECONDS = 15
_SECRET_PARAMS = ("applicationSecret", "token")  # never written to the request log


def merge_params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    params = {k.strip(): v for k, v in parse_qsl(query, keep_blank_values=True)}
    if body and content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        params.update(
            {k.strip(): v for k, v in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)}
        )
    elif body.strip().startswith(b"{"):  # a JSON object body: its members as parameters (JSON-encoded)
        try:
            value = json.loads(body)
        except ValueError:
            value = None
        if isinstance(value, dict):
            params.update({k: v if isinstance(v, str) else json.dumps(v) for k, v in value.items()})
    return params


@dataclass
class LinnworksFault(PathFault):
    """Matched on a path prefix (case-insensitive, as routes are) and optionally a method:

    {"path_prefix": "/api/Stock", "status": 429, "headers": {"Retry-After": "1"}, "times": 2}
    """

    IGNORE_CASE: ClassVar[bool] = True

    def dump_json(self, value: Any) -> bytes:
        return dumps(value)


class LinnworksHandler(SimulatorHandler):
    timeout = KEEP_ALIVE_SECONDS
    trailing_headers = (("Server", "Microsoft-IIS/10.0"), ("Cache-Control", "no-cache"))
    secret_params = _SECRET_PARAMS

    do_GET = do_POST = do_PUT = do_DELETE = SimulatorHandler.dispatch

    @property
    def sim(self) -> LinnworksSimulator:
        return self.server.sim  # type: ignore[return-value]

    def serve_api(self, path: str, split: SplitResult, raw: bytes) -> None:
        sim = self.sim
        route = ROUTES.get(path.rstrip("/").lower())
        if route is None:
            sim.request_stats.bump("not_found")
            uri = self.redacted(f"{sim.url}{self.path}")
            message = f"No HTTP resource was found that matches the request URI '{uri}'."
            self.send(Response(404, dumps({"Message": message})))
            return
        params = merge_params(split.query, raw, self.headers.get("Content-Type", ""))
        shown = {k: "***" if k in _SECRET_PARAMS else v for k, v in params.items()}
        entry: dict[str, Any] = {"method": self.command, "route": route.name, "params": shown}
        entry |= {"session": None, "status": None, "fault": None}
        response: Response | None = None
        try:
            response = self._answer(path, route, params, entry)
        finally:
            entry["status"] = response.status if response is not None else None  # None: dropped
            outcome = str(entry["status"]) if response is not None else "dropped"
            sim.request_stats.record(entry, by_route=route.name, by_status=outcome)
        if response is not None:
            self.send(response)

    def _answer(
        self, path: str, route: Route, params: dict[str, str], entry: dict[str, Any]
    ) -> Response | None:
        sim = self.sim
        fault = sim.faults.take(self.command, path)
        if fault is not None:
            entry["fault"] = fault.id
            if self.stall_or_drop(fault):
                return None
            answer = fault.answer()
            if answer is not None:
                return answer
        if self.command != "POST":
            message = f"The requested resource does not support http method '{self.command}'."
            return Response(405, dumps({"Message": message}), headers=[("Allow", "POST")])
        if route.needs_session:
            entry["session"] = state = sim.sessions.check(self.headers.get("Authorization"))
            if state != "valid":
                return error("Authorization has been denied for this request.", 401)
        try:
            return route.serve(sim.api, params)
        except BadRequest as exc:
            return error(str(exc))
        except Exception:  # a bug in the simulator: what the API's own error handler answers
            traceback.print_exc(file=sys.stderr)
            return error("An error has occurred.", 500)
