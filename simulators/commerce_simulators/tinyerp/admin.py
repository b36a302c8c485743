"""TinyERP's own /__admin routes (the shared ones are in core/admin.py). Not part of Tiny: they steer
a running simulator from tests and scripts, and are never rate limited, counted as API requests or
faulted.

    GET    /__admin/stats                          counts, requests served, outcomes, codes 6/11, limiter
    GET    /__admin/requests                       the API request log, oldest first (no tokens)
    DELETE /__admin/requests                       clear the log
    POST   /__admin/advance?orders=N[&new=M][&contacts=K]
                                                   N orders move one lifecycle step, M new orders
                                                   (default N//2), K contacts change (default N//10)
    POST   /__admin/insert?orders=N[&data_pedido=dd/mm/yyyy]
                                                   N backdated orders that shift every later page
    POST   /__admin/delete?id=X[,Y...][&when=listed]
                                                   hard-delete orders (pedido.obter then answers 32);
                                                   when=listed: right after a pedidos.pesquisa page
                                                   lists each one (between a client's list and detail)
    POST   /__admin/drift?orders=N                 insert N orders before every pedidos.pesquisa page >= 2
    GET    /__admin/faults                         active faults
    POST   /__admin/faults                         add a fault (object) or several (array); see faults.py
    DELETE /__admin/faults                         clear faults (and release held requests)
    POST   /__admin/faults/release                 release requests held by `hold` faults
    GET    /__admin/limits                         the limiter's settings and state
    POST   /__admin/limits                         {"requests_per_minute": 30, "concurrency": 3,
                                                    "block_seconds": 0} (any subset)
    GET    /__admin/clock                          the simulator's "now"
    POST   /__admin/clock?advance=SECONDS          move a manual clock (409 with the wall clock)
    POST   /__admin/reset                          back to the starting data; no faults, log, limiter state

Parameters may come in the query string or as a JSON object body. Errors are {"error": message}.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..core import JSON_TYPE, AdminApi, AdminRequest, Response, Routes
from .clock import ManualClock, iso_local, parse_tiny_day

if TYPE_CHECKING:
    from .simulator import TinyErpSimulator


def _count(params: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    numeric = isinstance(value, int) or (isinstance(value, str) and value.isdigit())
    if isinstance(value, bool) or not numeric:
        raise ValueError(f"{name} must be a non-negative integer")
    return int(value)


class TinyErpAdmin(AdminApi):
    BAD_BODY = "invalid body:"
    sim: TinyErpSimulator

    def routes(self) -> Routes:
        return {
            ("/requests", "DELETE"): self.clear_requests,
            ("/requests", None): lambda req: self.json(self.sim.requests()),
            ("/advance", "POST"): self._advance,
            ("/insert", "POST"): self._insert,
            ("/delete", "POST"): self._delete,
            ("/delete", "DELETE"): self._delete,
            ("/drift", "POST"): self._drift,
            ("/faults/release", "POST"): lambda req: self.json({"released": self.sim.faults.release_held()}),
            ("/limits", None): self._limits,
            ("/clock", None): self._clock,
        }

    def json(self, value: Any, status: int = 200) -> Response:
        return Response(status, json.dumps(value, ensure_ascii=False).encode(), JSON_TYPE)

    params = AdminApi.query_and_object

    def _advance(self, req: AdminRequest) -> Response:
        p = req.params
        orders = _count(p, "orders", 1)
        assert orders is not None
        return self.json(self.sim.advance(orders, new=_count(p, "new"), contacts=_count(p, "contacts")))

    def _insert(self, req: AdminRequest) -> Response:
        day_text = req.params.get("data_pedido")
        day = parse_tiny_day(day_text) if day_text else None
        if day_text and day is None:
            raise ValueError("data_pedido must be dd/mm/yyyy")
        count = _count(req.params, "orders", 1) or 0
        return self.json({"created": self.sim.insert_orders(count, data_pedido=day_text)})

    def _delete(self, req: AdminRequest) -> Response:
        raw_ids = req.params.get("id")
        if isinstance(raw_ids, list):
            ids = raw_ids
        elif raw_ids is None:
            ids = []
        else:  # ?id=1,2 or ?id=1&id=2 or {"id": 1}
            ids = [p for v in req.query.get("id", [str(raw_ids)]) for p in v.split(",") if p.strip()]
        if not ids:
            raise ValueError("expected ?id=X[,Y...]")
        when = req.params.get("when") or "now"
        if when not in ("now", "listed"):
            raise ValueError("when must be 'now' or 'listed'")
        result = {str(i): self.sim.delete_order(int(i), when_listed=when == "listed") for i in ids}
        return self.json({"deleted": result}, 200 if all(result.values()) else 404)

    def _drift(self, req: AdminRequest) -> Response:
        self.sim.api.drift = _count(req.params, "orders", 0) or 0
        return self.json({"drift": self.sim.api.drift})

    def _limits(self, req: AdminRequest) -> Response:
        limiter = self.sim.limiter
        if req.method == "POST":
            block = req.params.get("block_seconds")
            limiter.configure(
                _count(req.params, "requests_per_minute"),
                _count(req.params, "concurrency"),
                block_seconds=None if block is None else float(block),
            )
        return self.json(limiter.snapshot())

    def _clock(self, req: AdminRequest) -> Response:
        clock = self.sim.clock
        manual = isinstance(clock, ManualClock)
        if req.method == "POST":
            if not manual:
                return self.error("the simulator runs on the wall clock (use --manual-clock)", 409)
            clock.advance(float(req.params.get("advance", 0)))
        now = clock.now()
        return self.json({"epoch": now, "now": iso_local(now), "manual": manual})
