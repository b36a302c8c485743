"""TinyERP's request handling on the shared HTTP server (core/http.py): `/api2/<endpoint>[.php]`
goes through token check -> rate limiter -> faults -> endpoint; `/__admin/*` to the admin API.

Parameters: the query string and an `application/x-www-form-urlencoded` body are merged; on a clash
the body wins (PHP's $_REQUEST with the default request_order "GP"); a repeated name keeps its last
value, as PHP does. Every api2 answer is HTTP 200 with the envelope and carries `x-limit-api`;
an unknown endpoint is an Apache-style 404 page (docs/tinyerp_api.md §1.2).
"""

from __future__ import annotations

import re
import sys
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qs

from ..core import SimulatorHandler
from .api import ENDPOINTS, Endpoint
from .clock import iso_local
from .envelope import Err, Response, not_found_page, render
from .faults import Fault, endpoint_name

if TYPE_CHECKING:
    from .simulator import TinyErpSimulator

KEEP_ALIVE_SECONDS = 15
_API_PATH = re.compile(r"/api2/([A-Za-z0-9_.]+)/?")


def merge_params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if body and content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update({k: v[-1] for k, v in form.items()})
    return params


class TinyErpHandler(SimulatorHandler):
    timeout = KEEP_ALIVE_SECONDS
    trailing_headers = (("Server", "Apache"),)
    server_version = "Apache"  # of the stdlib's own error pages (e.g. 501 for PATCH)
    sys_version = ""
    secret_params = ("token",)  # the verbose log shows request lines; the request log never has it

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = SimulatorHandler.dispatch

    @property
    def sim(self) -> TinyErpSimulator:
        return self.server.sim  # type: ignore[return-value]

    def send(self, response: Response, *, head_only: bool = False) -> None:
        super().send(response, head_only=head_only or self.command == "HEAD")

    def serve_api(self, path: str, split: SplitResult, raw: bytes) -> None:
        match = _API_PATH.fullmatch(path)
        endpoint = ENDPOINTS.get(endpoint_name(match.group(1))) if match else None
        if endpoint is None:
            self.sim.request_stats.bump("not_found")
            self.send(not_found_page(path))
            return
        params = merge_params(split.query, raw, self.headers.get("Content-Type", ""))
        self._api(endpoint, params)

    def _api(self, endpoint: Endpoint, params: dict[str, str]) -> None:
        sim = self.sim
        as_json = endpoint.pdv or params.get("formato", "").strip().lower() == "json"
        token = params.get("token", "")
        entry: dict[str, Any] = {
            "time": iso_local(sim.clock.now()),
            "method": self.command,
            "endpoint": endpoint.name,
            "params": {k: v for k, v in params.items() if k != "token"},
            "token": "missing" if not token else "valid" if token == sim.token else "invalid",
            "codigo_erro": None,
            "http_status": 200,
            "fault": None,
        }
        admitted = False
        response: Response | None = None
        try:
            if not token:
                response = render(Err("1"), as_json=as_json)
            elif token != sim.token:
                response = render(Err("2"), as_json=as_json)
            else:
                refusal = sim.limiter.acquire()
                if refusal is not None:
                    response = render(Err(refusal), as_json=as_json)
                else:
                    admitted = True
                    response = self._admitted(endpoint, params, as_json, entry)
            header = sim.limiter.header_value()
            if response is not None and header is not None and response.status == 200:
                response.headers.insert(0, ("x-limit-api", header))
        finally:
            # The request leaves the in-flight count and enters the log just before its answer goes
            # out, so a client that has read the answer always sees both up to date.
            if admitted:
                sim.limiter.release()
            entry["codigo_erro"] = response.error_code if response is not None else None
            entry["http_status"] = response.status if response is not None else None  # None: dropped
            status = entry["http_status"]
            outcome = entry["codigo_erro"] or ("OK" if status == 200 else f"HTTP {status}")
            sim.request_stats.record(entry, by_endpoint=endpoint.name, by_outcome=outcome)
        if response is not None:
            self.send(response)

    def _admitted(
        self, endpoint: Endpoint, params: dict[str, str], as_json: bool, entry: dict[str, Any]
    ) -> Response | None:
        """The answer of an admitted request; None when a fault drops the connection."""
        sim = self.sim
        fault = sim.faults.take(endpoint.name)
        if fault is not None:
            entry["fault"] = fault.id
            if self._stalled_then_dropped(fault):
                return None
            if fault.codigo_erro is not None:
                return render(Err(fault.codigo_erro, fault.message), as_json=as_json)
            answer = fault.answer()
            if answer is not None:
                return answer
        try:
            return render(sim.api.handle(endpoint, params), as_json=as_json)
        except Exception:  # a bug in the simulator: what PHP would do with an uncaught error
            traceback.print_exc(file=sys.stderr)
            return Response(500, b"Internal Server Error", "text/plain")

    def _stalled_then_dropped(self, fault: Fault) -> bool:
        if fault.hold:
            self.sim.faults.wait_released()
        return self.stall_or_drop(fault)
