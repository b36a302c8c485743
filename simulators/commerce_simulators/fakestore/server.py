"""FakeStore's request handling on the shared HTTP server (core/http.py).

Headers follow Express (`X-Powered-By: Express`, `Content-Type: application/json; charset=utf-8`,
CORS `*` as on fakestoreapi.com); idle keep-alive connections close after 5 s, like Node's default
`keepAliveTimeout`, so clients that pool connections meet the same behaviour as on the real API.
A request body is what Express's body-parser makes of it (chunked bodies included).
"""

from __future__ import annotations

import json
import sys
import traceback
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, parse_qs

from ..core import Response, SimulatorHandler
from .api import Request
from .responses import express_error_page

if TYPE_CHECKING:
    from .simulator import FakeStoreSimulator

KEEP_ALIVE_SECONDS = 5


class FakeStoreHandler(SimulatorHandler):
    timeout = KEEP_ALIVE_SECONDS
    leading_headers = (("X-Powered-By", "Express"), ("Access-Control-Allow-Origin", "*"))

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = SimulatorHandler.dispatch

    def do_OPTIONS(self) -> None:
        # The `cors()` middleware answers preflights itself.
        allow = self.headers.get("Access-Control-Request-Headers")
        extra = [("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")]
        if allow:
            extra += [("Access-Control-Allow-Headers", allow), ("Vary", "Access-Control-Request-Headers")]
        self.read_body()
        self.send(Response(204, content_type="", headers=extra))

    # --- request --------------------------------------------------------------------------------------

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def bad_request(self) -> Response:
        return express_error_page(400, "Bad Request")

    def _parsed_body(self, raw: bytes) -> Any:
        """What Express's body-parser leaves in req.body (`{}` when it does not parse the type)."""
        ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if ctype == "application/json" or ctype.endswith("+json"):
            if not raw.strip():
                return {}
            value = json.loads(raw, parse_constant=_reject_constant)
            if not isinstance(value, dict | list):  # body-parser's strict mode
                raise ValueError("JSON body must be an object or an array")
            return value
        if ctype == "application/x-www-form-urlencoded":
            pairs = parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
            return {k: v[0] if len(v) == 1 else v for k, v in pairs.items()}
        return {}

    def serve_api(self, path: str, split: SplitResult, raw: bytes) -> None:
        sim: FakeStoreSimulator = self.server.sim  # type: ignore[assignment]
        method = self.command
        query = parse_qs(split.query, keep_blank_values=True)
        # Lets a test see what a connector asked for (e.g. which date window it read).
        entry = {"method": method, "path": path, "query": {k: v[-1] for k, v in query.items()}}
        sim.request_stats.record(entry, by_path="/" + path.split("/", 2)[1])
        fault = sim.faults.take(method, path)
        if fault is not None:
            if self.stall_or_drop(fault):
                return
            answer = fault.answer()
            if answer is not None:
                self.send(answer)
                return
        try:
            body = self._parsed_body(raw)
        except (ValueError, UnicodeDecodeError):
            self.send(express_error_page(400, "Bad Request"))
            return
        try:
            response = sim.api.handle(Request(method, path, query, body))
        except Exception:  # a bug in the simulator: answer like Express's default error handler
            traceback.print_exc(file=sys.stderr)
            response = express_error_page(500, "Internal Server Error")
        self.send(response, head_only=method == "HEAD")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # JSON.parse rejects NaN/Infinity; Python accepts them
