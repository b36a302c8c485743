"""HTTP plumbing shared by the simulators: a threaded HTTP/1.1 server with keep-alive, and a request
handler base that owns the connection and writes responses byte for byte.

Every response carries Content-Length; a list body (`Response.items`, pre-serialised JSON values) is
streamed as a JSON array in socket-sized pieces, so a 100k-record answer is never joined into one
string. A simulator's handler chooses its keep-alive timeout, its default headers, how a request body
is read and what an API request answers; `/__admin/...` goes to the simulator's admin API.
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import SplitResult, parse_qs, urlsplit

if TYPE_CHECKING:
    from .faults import Fault
    from .simulator import Simulator
    from .tls import TlsIntercept

JSON_TYPE = "application/json; charset=utf-8"
ADMIN_PREFIX = "/__admin"
WRITE_TIMEOUT_SECONDS = 60  # sending a big list to a slow reader must not hit the idle timeout
CHUNK_ITEMS = 1024  # records per socket write when streaming a list
SMALL_BODY = 64 * 1024  # below this, headers and body go out in one write (no Nagle/delayed-ACK stall)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE  # "" sends no Content-Type
    headers: list[tuple[str, str]] = field(default_factory=list)  # replace the defaults by name
    items: list[bytes] | None = None  # a JSON array of these, streamed, instead of `body`
    error_code: str | None = None  # an API-level error code in the body, for the request log

    @property
    def length(self) -> int:
        if self.items is None:
            return len(self.body)
        return 2 + sum(map(len, self.items)) + max(len(self.items) - 1, 0)


def redact_query(text: str, names: tuple[str, ...]) -> str:
    """`text` with the value of every `name=` query parameter (as sent, any encoding) as `****`."""
    for name in names:
        text = re.sub(rf"([?&;]{re.escape(name)}=)[^&;\s\"']*", r"\1****", text)
    return text


def is_admin(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int],
        sim: Simulator,
        handler: type[SimulatorHandler],
        *,
        verbose: bool = False,
        tls: TlsIntercept | None = None,
    ) -> None:
        self.sim, self.verbose, self.tls = sim, verbose, tls
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, handler)

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


class SimulatorHandler(BaseHTTPRequestHandler):
    """One connection. Subclasses set `timeout` (idle keep-alive seconds), the default headers, the
    `do_<METHOD>` methods they accept (each `= SimulatorHandler.dispatch`) and implement `serve_api`."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 5
    server: SimulatorHTTPServer
    # Sent on every response, before and after Content-Type/Content-Length/Date, unless replaced.
    leading_headers: ClassVar[tuple[tuple[str, str], ...]] = ()
    trailing_headers: ClassVar[tuple[tuple[str, str], ...]] = ()
    # Query parameters holding credentials (e.g. TinyERP's `token`): never written to a log or echoed.
    secret_params: ClassVar[tuple[str, ...]] = ()

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.track(self.connection, add=False)
            if self.connection is not self.request:  # a TLS tunnel (do_CONNECT): the server only
                with contextlib.suppress(OSError):  # closes the plain socket, detached by the wrap
                    self.connection.close()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's signature)
        if self.server.verbose:  # the request line, or a bad one, carries the query string
            super().log_message("%s", self.redacted(format % args))

    def redacted(self, text: str) -> str:
        """`text` with the values of `secret_params` in any query string it holds replaced."""
        return redact_query(text, self.secret_params)

    # --- request --------------------------------------------------------------------------------------

    def read_body(self) -> bytes:
        """The Content-Length body (ValueError: a malformed request, answered `bad_request()`)."""
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def bad_request(self) -> Response:
        return Response(400, b"Bad Request", "text/plain")

    def dispatch(self) -> None:
        split = urlsplit(self.path)
        path = split.path or "/"
        try:
            raw = self.read_body()
        except ValueError:
            self.close_connection = True
            self.send(self.bad_request())
            return
        if is_admin(path):
            query = parse_qs(split.query, keep_blank_values=True)
            answer = self.server.sim.admin.handle(self.command, path, query, raw)
            self.send(answer, head_only=self.command == "HEAD")
            return
        self.serve_api(path, split, raw)

    def serve_api(self, path: str, split: SplitResult, raw: bytes) -> None:
        raise NotImplementedError

    def do_CONNECT(self) -> None:  # noqa: N802 (the stdlib's naming)
        """Proxy mode (core/tls.py): a tunnel to a host we play becomes TLS spoken by us, and the
        requests inside it are served like any other; a tunnel anywhere else is refused."""
        tls = self.server.tls
        if tls is None or not tls.plays(self.path):
            self.close_connection = True
            self.send(Response(403, f"no tunnel to {self.path} here".encode(), "text/plain"))
            return
        self.send_response_only(200, "Connection established")
        self.end_headers()
        try:
            tunnel = tls.context.wrap_socket(self.connection, server_side=True)
        except (OSError, ssl.SSLError):  # the client distrusts our CA, or hung up
            self.close_connection = True
            return
        self.server.track(self.connection, add=False)
        self.connection = tunnel
        self.server.track(tunnel, add=True)
        self.rfile = tunnel.makefile("rb", self.rbufsize)
        self.wfile = tunnel.makefile("wb")  # buffered: flushed after each request by the stdlib
        # Python's http.client tunnels with "CONNECT ... HTTP/1.0", which would end the connection
        # here; the tunnel lives until the client closes it.
        self.close_connection = False

    # --- faults ---------------------------------------------------------------------------------------

    def stall_or_drop(self, fault: Fault) -> bool:
        """Apply a fault's delay; True when it then drops the connection without an answer."""
        if fault.delay_seconds:
            time.sleep(fault.delay_seconds)
        if not fault.close_connection:
            return False
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)
        return True

    # --- response -------------------------------------------------------------------------------------

    def send(self, response: Response, *, head_only: bool = False) -> None:
        # lower-cased name -> (name, value), so that a response's headers can replace the defaults
        headers = {name.lower(): (name, value) for name, value in self.leading_headers}
        if response.content_type:
            headers["content-type"] = ("Content-Type", response.content_type)
        length = response.length
        headers["content-length"] = ("Content-Length", str(length))
        headers["date"] = ("Date", formatdate(usegmt=True))
        for name, value in (*self.trailing_headers, *response.headers):
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
            self.connection.settimeout(WRITE_TIMEOUT_SECONDS)
            if head_only:
                self.wfile.write(head)
            elif response.items is None:
                self.wfile.write(head + response.body)
            elif length < SMALL_BODY:
                self.wfile.write(head + b"[" + b",".join(response.items) + b"]")
            else:
                self.wfile.write(head)
                for chunk in _array_chunks(response.items):
                    self.wfile.write(chunk)
            self.connection.settimeout(self.timeout)
        except (ConnectionError, TimeoutError):
            self.close_connection = True


def _array_chunks(items: list[bytes]) -> Iterator[bytes]:
    """The JSON array of `items` (at least one), in socket-sized pieces."""
    n = len(items)
    for start in range(0, n, CHUNK_ITEMS):
        piece = b",".join(items[start : start + CHUNK_ITEMS])
        opener = b"[" if start == 0 else b","
        closer = b"]" if start + CHUNK_ITEMS >= n else b""
        yield opener + piece + closer
