"""HTTP plumbing: a threaded HTTP/1.1 server with keep-alive, Content-Length on every response, and
list bodies streamed in chunks straight from the pre-serialised records.

Headers follow Express (`X-Powered-By: Express`, `Content-Type: application/json; charset=utf-8`,
CORS `*` as on fakestoreapi.com); idle keep-alive connections close after 5 s, like Node's default
`keepAliveTimeout`, so clients that pool connections meet the same behaviour as on the real API.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .admin import PREFIX, AdminApi, RequestStats
from .api import FakeStoreApi, Request
from .faults import Fault, FaultBook
from .responses import Response, express_error_page

KEEP_ALIVE_SECONDS = 5
_WRITE_TIMEOUT_SECONDS = 60  # sending a big list to a slow reader must not hit the 5 s idle timeout
_CHUNK_ITEMS = 1024  # records per socket write when streaming a list (~130 KB of carts)
_SMALL_BODY = 64 * 1024  # below this, headers and body go out in one write (no Nagle/delayed-ACK stall)


class FakeStoreHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        api: FakeStoreApi,
        admin: AdminApi,
        faults: FaultBook,
        stats: RequestStats,
        *,
        verbose: bool = False,
    ) -> None:
        self.api, self.admin, self.faults, self.stats, self.verbose = api, admin, faults, stats, verbose
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
        """Hang up on keep-alive clients so their handler threads end with the server."""
        with self._connections_lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = KEEP_ALIVE_SECONDS
    server: FakeStoreHTTPServer

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

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def do_OPTIONS(self) -> None:
        # The `cors()` middleware answers preflights itself.
        allow = self.headers.get("Access-Control-Request-Headers")
        extra = [("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")]
        if allow:
            extra += [("Access-Control-Allow-Headers", allow), ("Vary", "Access-Control-Request-Headers")]
        self._read_body()
        self._send(Response(204, content_type="", headers=extra))

    # --- request --------------------------------------------------------------------------------------

    def _read_body(self) -> bytes:
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

    def _dispatch(self) -> None:
        method = self.command
        split = urlsplit(self.path)
        path, query = split.path or "/", parse_qs(split.query, keep_blank_values=True)
        try:
            raw = self._read_body()
        except ValueError:
            self.close_connection = True
            self._send(express_error_page(400, "Bad Request"))
            return
        if path == PREFIX or path.startswith(PREFIX + "/"):
            self._send(self.server.admin.handle(method, path, query, raw), head_only=method == "HEAD")
            return
        self.server.stats.count(path, method, query)
        fault = self.server.faults.take(method, path)
        if fault is not None and self._apply_fault(fault):
            return
        try:
            body = self._parsed_body(raw)
        except (ValueError, UnicodeDecodeError):
            self._send(express_error_page(400, "Bad Request"))
            return
        try:
            response = self.server.api.handle(Request(method, path, query, body))
        except Exception:  # a bug in the simulator: answer like Express's default error handler
            traceback.print_exc(file=sys.stderr)
            response = express_error_page(500, "Internal Server Error")
        self._send(response, head_only=method == "HEAD")

    def _apply_fault(self, fault: Fault) -> bool:
        """True when the fault replaced the response (False: a pure delay, then the real response)."""
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if fault.close_connection:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if fault.status is None:
            return False
        body, ctype = fault.body_bytes()
        self._send(Response(fault.status, body, content_type=ctype, headers=list(fault.headers.items())))
        return True

    # --- response -------------------------------------------------------------------------------------

    def _send(self, response: Response, *, head_only: bool = False) -> None:
        # lower-cased name -> (name, value), so that a fault's headers can replace the defaults
        headers = {
            "x-powered-by": ("X-Powered-By", "Express"),
            "access-control-allow-origin": ("Access-Control-Allow-Origin", "*"),
        }
        if response.content_type:
            headers["content-type"] = ("Content-Type", response.content_type)
        length = response.length
        headers["content-length"] = ("Content-Length", str(length))
        headers["date"] = ("Date", formatdate(usegmt=True))
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
        self.log_request(response.status, length)
        try:
            self.connection.settimeout(_WRITE_TIMEOUT_SECONDS)
            if head_only:
                self.wfile.write(head)
            elif response.items is None:
                self.wfile.write(head + response.body)
            elif length < _SMALL_BODY:
                self.wfile.write(head + b"[" + b",".join(response.items) + b"]")
            else:
                self.wfile.write(head)
                for chunk in _array_chunks(response.items):
                    self.wfile.write(chunk)
            self.connection.settimeout(KEEP_ALIVE_SECONDS)
        except (ConnectionError, TimeoutError):
            self.close_connection = True


def _array_chunks(items: list[bytes]) -> Iterator[bytes]:
    """The JSON array of `items` (at least one), in socket-sized pieces."""
    n = len(items)
    for start in range(0, n, _CHUNK_ITEMS):
        piece = b",".join(items[start : start + _CHUNK_ITEMS])
        opener = b"[" if start == 0 else b","
        closer = b"]" if start + _CHUNK_ITEMS >= n else b""
        yield opener + piece + closer


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # JSON.parse rejects NaN/Infinity; Python accepts them
