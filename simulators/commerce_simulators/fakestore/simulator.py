"""`FakeStoreSimulator`: the data set, the store and the HTTP server, run in a background thread.

with FakeStoreSimulator(seed=42, profile="reference") as sim:
    urllib.request.urlopen(sim.url + "/carts")
    sim.add_carts(5)
    sim.inject_fault("/carts", status=429, times=2, headers={"Retry-After": "1"})
"""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from typing import Any

from .admin import AdminApi, RequestStats
from .api import FakeStoreApi
from .faults import Fault, FaultBook
from .generator import Dataset, build_dataset
from .server import FakeStoreHTTPServer
from .store import Store


class FakeStoreSimulator:
    def __init__(
        self,
        seed: int = 42,
        profile: str = "reference",
        *,
        products: int | None = None,
        users: int | None = None,
        carts: int | None = None,
        new_carts: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        now: datetime | None = None,
        verbose: bool = False,
        dataset: Dataset | None = None,
    ) -> None:
        """`now` (timezone-aware) freezes the clock behind the default `enddate` (default: the wall
        clock, as on the live API). `dataset` reuses an already built data set (e.g. one large
        profile for several servers); `new_carts` carts are added at start and after every reset."""
        started = time.perf_counter()
        self.dataset = dataset or build_dataset(seed, profile, products=products, users=users, carts=carts)
        self.store = Store(self.dataset, new_carts=new_carts)
        self.build_seconds = time.perf_counter() - started
        self.faults = FaultBook()
        self.request_stats = RequestStats()
        fixed_ms = None if now is None else int(now.timestamp() * 1000)
        self.api = FakeStoreApi(self.store, (lambda: fixed_ms) if fixed_ms is not None else _wall_clock_ms)
        self.admin = AdminApi(self.store, self.faults, self.request_stats)
        self._address = (host, port)
        self._verbose = verbose
        self._server: FakeStoreHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> FakeStoreSimulator:
        if self._server is not None:
            return self
        self._server = FakeStoreHTTPServer(
            self._address, self.api, self.admin, self.faults, self.request_stats, verbose=self._verbose
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="fakestore-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()  # stops accepting; returns once serve_forever has exited
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeStoreSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the simulator is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        return f"http://{self._address[0]}:{self.port}"

    # --- steering (the same operations as the /__admin routes) ----------------------------------------

    def add_carts(self, count: int) -> list[dict[str, Any]]:
        """Append the next `count` deterministic carts (ids and dates after the current ones)."""
        return [json.loads(row.body) for row in self.store.add_carts(count)]

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
        spec = {
            "path_prefix": path_prefix,
            "status": status,
            "times": times,
            "body": body,
            "headers": headers or {},
            "method": method,
            "delay_seconds": delay_seconds,
            "close_connection": close_connection,
        }
        return self.faults.add(Fault.from_json(spec)).to_json()

    def clear_faults(self) -> int:
        return self.faults.clear()

    def upsert_record(self, kind: str, record: Any, id: int | None = None) -> int:  # noqa: A002
        """Serve `record` exactly as given (e.g. a cart with quantity -3). Returns its key."""
        return self.store.upsert(kind, record, id)[0]

    def delete_record(self, kind: str, id: int) -> bool:  # noqa: A002
        return self.store.delete(kind, id)

    def reset(self) -> None:
        self.store.reset()
        self.faults.clear()
        self.request_stats.reset()

    def stats(self) -> dict[str, Any]:
        return self.admin.stats_json()

    def requests(self) -> list[dict[str, Any]]:
        """The last API requests served (method, path, last value of each query parameter)."""
        return list(self.request_stats.log)


def _wall_clock_ms() -> int:
    return int(time.time() * 1000)
