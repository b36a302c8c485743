"""`Simulator`: the in-process lifecycle every simulator shares. A subclass builds its data and API
in `__init__` (after `super().__init__`), names its handler, fault and admin classes, and adds its
own steering methods.

    with SomeSimulator(...) as sim:      # listening on a free port in a background thread
        urllib.request.urlopen(sim.url + "/...")
        sim.requests()                   # the API requests served so far
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar, Self

from .admin import AdminApi
from .faults import Fault, FaultBook, PathFault
from .http import ADMIN_PREFIX, SimulatorHandler, SimulatorHTTPServer
from .stats import RequestStats
from .tls import TlsIntercept


class Simulator:
    name: ClassVar[str]  # "fakestore": the CLI module, the ready line, the server thread
    handler: ClassVar[type[SimulatorHandler]]
    fault_type: ClassVar[type[Fault]]
    admin_type: ClassVar[type[AdminApi]]
    numbered_requests: ClassVar[bool] = False  # a `seq` in every request log entry
    poll_interval: ClassVar[float] = 0.05  # how soon `stop` is noticed by the server loop
    build_seconds: float = 0.0  # how long building the data took (the CLI's summary line)
    # Real API hosts this simulator also plays as their HTTPS proxy (core/tls.py); () for none.
    proxied_hosts: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, verbose: bool = False, tls_dir: Path | None = None
    ) -> None:
        """`tls_dir`: where the test CA for `proxied_hosts` is written (default: a temporary folder)."""
        self.faults = FaultBook()
        self._tls_dir = tls_dir
        self.tls: TlsIntercept | None = None
        self.request_stats = RequestStats(numbered=self.numbered_requests)
        self._address = (host, port)
        self._verbose = verbose
        self._server: SimulatorHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.admin: AdminApi = self.admin_type(self)

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        if self.proxied_hosts and self.tls is None:
            self.tls = TlsIntercept(self.proxied_hosts, self._tls_dir)
        self._server = SimulatorHTTPServer(
            self._address, self, self.handler, verbose=self._verbose, tls=self.tls
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": self.poll_interval},
            name=f"{self.name}-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        tls, self.tls = self.tls, None
        if tls is not None:
            tls.close()
        if server is None:
            return
        self.faults.release_held()
        server.shutdown()  # stops accepting; returns once serve_forever has exited
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return self._server.server_port

    @property
    def base_url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    @property
    def url(self) -> str:
        """Where the API lives (what the ready line prints)."""
        return self.base_url

    @property
    def ca_file(self) -> Path | None:
        """The test CA a client must trust to reach `proxied_hosts` through us (None: no proxy)."""
        return self.tls.ca_file if self.tls is not None else None

    @property
    def proxy_url(self) -> str:
        """HTTPS_PROXY for clients of `proxied_hosts` (the server's own address)."""
        return self.base_url

    @property
    def admin_url(self) -> str:
        return self.base_url + ADMIN_PREFIX

    # --- steering (the same operations as the shared /__admin routes) ---------------------------------

    def add_fault(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Validate a fault spec (FaultSpecError otherwise) and activate it; returns it as JSON."""
        return self.faults.add(self.fault_type.from_json(spec)).to_json()

    def clear_faults(self) -> int:
        return self.faults.clear()

    def reset(self) -> None:
        """Back to the starting state: subclasses reset their data too."""
        self.faults.clear()
        self.request_stats.reset()

    def stats(self) -> dict[str, Any]:
        raise NotImplementedError

    def summary(self) -> dict[str, Any]:
        """What the CLI's stderr line says once listening (`key=value ...`)."""
        return {}

    def describe(self) -> str:
        fields = " ".join(f"{k}={v}" for k, v in self.summary().items())
        return f"{fields} (built in {self.build_seconds:.2f}s)"

    def requests(self) -> list[dict[str, Any]]:
        """The last API requests served, oldest first."""
        return self.request_stats.entries()


class PathFaultSimulator(Simulator):
    """A simulator whose faults match a path prefix and a method (`PathFault`)."""

    fault_type: ClassVar[type[PathFault]]

    def inject_fault(
        self,
        path_prefix: str = "/",
        status: int | None = None,
        *,
        times: int | None = 1,
        body: Any = "",
        headers: dict[str, str] | None = None,
        method: str | None = None,
        delay_seconds: float = 0.0,
        close_connection: bool = False,
    ) -> dict[str, Any]:
        options = {"times": times, "body": body, "headers": headers or {}, "method": method}
        options |= {"delay_seconds": delay_seconds, "close_connection": close_connection}
        return self.add_fault({"path_prefix": path_prefix, "status": status, **options})
