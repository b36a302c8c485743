"""HTTP plumbing: a threaded HTTP/1.1 server with keep-alive that routes `/api2/<endpoint>[.php]`
through token check -> rate limiter -> faults -> endpoint, and `/__admin/*` to the admin API.

Parameters: the query string and an `application/x-www-form-urlencoded` body are merged; on a clash
the body wins (PHP's $_REQUEST with the default request_order "GP"); a repeated name keeps its last
value, as PHP does. Every api2 answer is HTTP 200 with the envelope and carries `x-limit-api`;
an unknown endpoint is an Apache-style 404 page (research §1.2).
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import sys
import threading
import time
import traceback
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from .admin import PREFIX
from .api import ENDPOINTS, Endpoint
from .clock import iso_local
from .envelope import Err, Response, not_found_page, render
from .faults import Fault, endpoint_name
from .records import php_json

if TYPE_CHECKING:
    from .simulator import TinyErpSimulator

KEEP_ALIVE_SECONDS = 15
_WRITE_TIMEOUT_SECONDS = 60
_API_PATH = re.compile(r"/api2/([A-Za-z0-9_.]+)/?")


class TinyHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], sim: TinyErpSimulator, *, verbose: bool = False) -> None:
        self.sim = sim
        self.verbose = verbose
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can hang offline.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def track(self, conn: socket.socket, *, add: bool) -> None:
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(conn)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


def merge_params(query: str, body: bytes, content_type: str) -> dict[str, str]:
    params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    if body and content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        params.update({k: v[-1] for k, v in form.items()})
    return params


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = KEEP_ALIVE_SECONDS
    server: TinyHTTPServer
    server_version = "Apache"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's signature)
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        sim = self.server.sim
        split = urlsplit(self.path)
        path = split.path or "/"
        try:
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(Response(400, b"Bad Request", "text/plain"))
            return
        if path == PREFIX or path.startswith(PREFIX + "/"):
            query = parse_qs(split.query, keep_blank_values=True)
            self._send(sim.admin.handle(self.command, path, query, raw))
            return
        match = _API_PATH.fullmatch(path)
        endpoint = ENDPOINTS.get(endpoint_name(match.group(1))) if match else None
        if endpoint is None:
            sim.request_stats.count_not_found()
            self._send(not_found_page(path))
            return
        params = merge_params(split.query, raw, self.headers.get("Content-Type", ""))
        self._api(endpoint, params)

    def _api(self, endpoint: Endpoint, params: dict[str, str]) -> None:
        sim = self.server.sim
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
            entry["codigo_erro"] = response.codigo_erro if response is not None else None
            entry["http_status"] = response.status if response is not None else None  # None: dropped
            sim.request_stats.record(entry)
        if response is not None:
            self._send(response)

    def _admitted(
        self, endpoint: Endpoint, params: dict[str, str], as_json: bool, entry: dict[str, Any]
    ) -> Response | None:
        sim = self.server.sim
        fault = sim.faults.take(endpoint.name)
        if fault is not None:
            entry["fault"] = fault.id
            response = self._apply_fault(fault, as_json)
            if response is not False:
                return response
        try:
            return render(sim.api.handle(endpoint, params), as_json=as_json)
        except Exception:  # a bug in the simulator: what PHP would do with an uncaught error
            traceback.print_exc(file=sys.stderr)
            return Response(500, b"Internal Server Error", "text/plain")

    def _apply_fault(self, fault: Fault, as_json: bool) -> Response | None | bool:
        """The fault's answer, None to drop the connection, False to go on with the real answer."""
        if fault.hold:
            self.server.sim.faults.wait_released()
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if fault.close_connection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if fault.codigo_erro is not None:
            return render(Err(fault.codigo_erro, fault.message), as_json=as_json)
        if fault.status is not None:
            if isinstance(fault.body, str):
                body, ctype = fault.body.encode(), "text/html; charset=utf-8"
            else:
                body, ctype = php_json(fault.body), "application/json; charset=utf-8"
            return Response(fault.status, body, ctype, headers=list(fault.headers.items()), codigo_erro=None)
        return False

    def _send(self, response: Response) -> None:
        headers = {"content-type": ("Content-Type", response.content_type)}
        headers["content-length"] = ("Content-Length", str(len(response.body)))
        headers["date"] = ("Date", formatdate(usegmt=True))
        headers["server"] = ("Server", "Apache")
        for name, value in response.headers:
            headers[name.lower()] = (name, value)
        if headers.get("connection", ("", ""))[1].lower() == "close":
            self.close_connection = True
        headers["connection"] = ("Connection", "close" if self.close_connection else "keep-alive")
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        lines = [f"HTTP/1.1 {response.status} {phrase}"] + [f"{k}: {v}" for k, v in headers.values()]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        self.log_request(response.status, len(response.body))
        try:
            self.connection.settimeout(_WRITE_TIMEOUT_SECONDS)
            self.wfile.write(head if self.command == "HEAD" else head + response.body)
            self.connection.settimeout(KEEP_ALIVE_SECONDS)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
