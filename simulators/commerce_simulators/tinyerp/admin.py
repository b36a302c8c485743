"""/__admin routes: not part of Tiny. They steer a running simulator from tests and scripts, and are
never rate limited, counted as API requests or faulted.

    GET    /__admin/stats                          counts, requests served, outcomes, codes 6/11, limiter
    GET    /__admin/requests                       the API request log, oldest first (no tokens)
    DELETE /__admin/requests                       clear the log
    POST   /__admin/advance?orders=N[&new=M][&contacts=K]
                                                   N orders move one lifecycle step, M new orders
                                                   (default N//2), K contacts change (default N//10)
    POST   /__admin/insert?orders=N[&data_pedido=dd/mm/yyyy]
                                                   N backdated orders that shift every later page
    POST   /__admin/delete?id=X[,Y...]             hard-delete orders (pedido.obter then answers 32)
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

Parameters may come in the query string or as a JSON object body.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import TYPE_CHECKING, Any

from .clock import ManualClock, iso_local, parse_tiny_day
from .envelope import Response, admin_error, admin_json
from .faults import Fault

if TYPE_CHECKING:
    from .simulator import TinyErpSimulator

PREFIX = "/__admin"
REQUEST_LOG_SIZE = 10_000


class RequestStats:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self.admin_requests = 0
            self.not_found = 0
            self.by_endpoint: dict[str, int] = {}
            self.by_outcome: dict[str, int] = {}
            self.log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
            self._seq = 0

    def record(self, entry: dict[str, Any]) -> None:
        outcome = entry.get("codigo_erro") or (
            "OK" if entry.get("http_status") == 200 else f"HTTP {entry.get('http_status')}"
        )
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self.requests += 1
            name = entry["endpoint"]
            self.by_endpoint[name] = self.by_endpoint.get(name, 0) + 1
            self.by_outcome[outcome] = self.by_outcome.get(outcome, 0) + 1
            self.log.append(entry)

    def count_not_found(self) -> None:
        with self._lock:
            self.not_found += 1

    def count_admin(self) -> None:
        with self._lock:
            self.admin_requests += 1

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.log)


def _params(query: dict[str, list[str]], raw: bytes) -> dict[str, Any]:
    out: dict[str, Any] = {k: v[-1] for k, v in query.items()}
    if raw.strip():
        body = json.loads(raw)
        if isinstance(body, dict):
            out.update(body)
        elif not isinstance(body, list):
            raise ValueError("expected a JSON object")
    return out


def _count(params: dict[str, Any], name: str, default: int | None = None) -> int | None:
    value = params.get(name)
    if value is None or value == "":
        return default
    numeric = isinstance(value, int) or (isinstance(value, str) and value.isdigit())
    if isinstance(value, bool) or not numeric:
        raise ValueError(f"{name} must be a non-negative integer")
    return int(value)


class AdminApi:
    def __init__(self, sim: TinyErpSimulator) -> None:
        self.sim = sim

    def handle(self, method: str, path: str, query: dict[str, list[str]], raw: bytes) -> Response:
        self.sim.request_stats.count_admin()
        route = path[len(PREFIX) :].rstrip("/")
        try:
            params = _params(query, raw)
        except ValueError as exc:
            return admin_error(f"invalid body: {exc}")
        sim = self.sim
        try:
            if route == "/stats" and method == "GET":
                return admin_json(sim.stats())
            if route == "/requests":
                if method == "DELETE":
                    with sim.request_stats._lock:
                        sim.request_stats.log.clear()
                    return admin_json({"cleared": True})
                return admin_json(sim.requests())
            if route == "/advance" and method == "POST":
                orders = _count(params, "orders", 1)
                assert orders is not None
                return admin_json(
                    sim.advance(orders, new=_count(params, "new"), contacts=_count(params, "contacts"))
                )
            if route == "/insert" and method == "POST":
                day_text = params.get("data_pedido")
                day = parse_tiny_day(day_text) if day_text else None
                if day_text and day is None:
                    raise ValueError("data_pedido must be dd/mm/yyyy")
                return admin_json(
                    {"created": sim.insert_orders(_count(params, "orders", 1) or 0, data_pedido=day_text)}
                )
            if route == "/delete" and method in ("POST", "DELETE"):
                raw_ids = params.get("id")
                if isinstance(raw_ids, list):
                    ids = raw_ids
                elif raw_ids is None:
                    ids = []
                else:  # ?id=1,2 or ?id=1&id=2 or {"id": 1}
                    ids = [p for v in query.get("id", [str(raw_ids)]) for p in v.split(",") if p.strip()]
                if not ids:
                    raise ValueError("expected ?id=X[,Y...]")
                result = {str(i): sim.delete_order(int(i)) for i in ids}
                return admin_json({"deleted": result}, 200 if all(result.values()) else 404)
            if route == "/drift" and method == "POST":
                sim.api.drift = _count(params, "orders", 0) or 0
                return admin_json({"drift": sim.api.drift})
            if route == "/faults":
                return self._faults(method, raw)
            if route == "/faults/release" and method == "POST":
                return admin_json({"released": sim.faults.release_held()})
            if route == "/limits":
                if method == "POST":
                    block = params.get("block_seconds")
                    sim.limiter.configure(
                        _count(params, "requests_per_minute"),
                        _count(params, "concurrency"),
                        block_seconds=None if block is None else float(block),
                    )
                return admin_json(sim.limiter.snapshot())
            if route == "/clock":
                clock = sim.clock
                if method == "POST":
                    if not isinstance(clock, ManualClock):
                        return admin_error("the simulator runs on the wall clock (use --manual-clock)", 409)
                    clock.advance(float(params.get("advance", 0)))
                now = clock.now()
                manual = isinstance(clock, ManualClock)
                return admin_json({"epoch": now, "now": iso_local(now), "manual": manual})
            if route == "/reset" and method == "POST":
                sim.reset()
                return admin_json({"status": "ok"})
        except (TypeError, ValueError, AssertionError) as exc:
            return admin_error(str(exc))
        return admin_error(f"no admin route {method} {path}", 404)

    def _faults(self, method: str, raw: bytes) -> Response:
        faults = self.sim.faults
        if method == "GET":
            return admin_json([f.to_json() for f in faults.active()])
        if method == "DELETE":
            return admin_json({"cleared": faults.clear()})
        if method == "POST":
            body = json.loads(raw) if raw.strip() else None
            specs = body if isinstance(body, list) else [body]
            parsed = [Fault.from_json(spec) for spec in specs]  # validate all before adding any
            added = [faults.add(f).to_json() for f in parsed]
            return admin_json(added if isinstance(body, list) else added[0], 201)
        return admin_error(f"no admin route {method} {PREFIX}/faults", 404)
