"""Linnworks' own /__admin routes (the shared ones are in core/admin.py). Not part of Linnworks: they
steer a running simulator from tests and scripts, and are never counted as API requests or faulted.

    GET    /__admin/stats                          counts, requests by route and status, sessions, faults
    GET    /__admin/requests                       the API request log, oldest first (no secrets)
    DELETE /__admin/requests                       clear the log
    POST   /__admin/advance?hours=H[&orders=N]     time moves on: N new processed orders (default: the
                                                   history's rate for H hours, H default 24), stock
                                                   levels change; returns what changed
    GET    /__admin/sessions                       open sessions
    DELETE /__admin/sessions                       expire every session (the next stream call: 401)
    GET    /__admin/faults                         active faults
    POST   /__admin/faults                         add a fault (object) or several (array); see server.py
    DELETE /__admin/faults                         clear faults
    POST   /__admin/reset                          back to the starting data; no faults, log or sessions

Parameters may come in the query string or as a JSON object body. Errors are {"error": message}.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core import AdminApi, AdminRequest, Response, Routes
from .model import dumps

if TYPE_CHECKING:
    from .simulator import LinnworksSimulator


class LinnworksAdmin(AdminApi):
    sim: LinnworksSimulator

    def routes(self) -> Routes:
        return {
            ("/requests", "DELETE"): self.clear_requests,
            ("/advance", "POST"): self._advance,
            ("/sessions", "GET"): lambda req: self.json({"open": self.sim.sessions.live()}),
            ("/sessions", "DELETE"): lambda req: self.json({"expired": self.sim.expire_sessions()}),
        }

    def json(self, value: Any, status: int = 200) -> Response:
        return Response(status, dumps(value))

    params = AdminApi.query_and_object

    def _advance(self, req: AdminRequest) -> Response:
        hours, orders = req.params.get("hours", 24), req.params.get("orders")
        return self.json(self.sim.advance(float(hours), None if orders in (None, "") else int(orders)))
