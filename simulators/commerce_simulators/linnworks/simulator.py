"""`LinnworksSimulator`: the data set, the store, the sessions and the HTTP server in a background thread.

    with LinnworksSimulator(seed=42) as sim:
        token = ...  # POST sim.url + "/api/Auth/AuthorizeByApplication" (sim.application_id, ...)
        sim.advance(24)                          # a day later: new processed orders, stock moves
        sim.expire_sessions()                    # the next stream call answers 401
        sim.inject_fault("/api/Stock", status=429, headers={"Retry-After": "1"})

`sim.url` is both the auth host and the API server (`Server` in the auth answer). The simulator is also
the HTTPS proxy for `api.linnworks.net` (core/tls.py), so the unmodified connector, whose auth host is
hard-coded, reaches it with `HTTPS_PROXY=sim.proxy_url`, `NO_PROXY=127.0.0.1,localhost` and
`REQUESTS_CA_BUNDLE=sim.ca_file`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..core import PathFaultSimulator
from .admin import LinnworksAdmin
from .api import LinnworksApi
from .auth import DEFAULT_APPLICATION_ID, DEFAULT_APPLICATION_SECRET, DEFAULT_TOKEN, DEFAULT_TTL, Sessions
from .generator import DEFAULT_ITEMS, DEFAULT_ORDERS, Dataset, build_dataset
from .server import LinnworksFault, LinnworksHandler
from .store import Store


class LinnworksSimulator(PathFaultSimulator):
    name = "linnworks"
    handler = LinnworksHandler
    fault_type = LinnworksFault
    admin_type = LinnworksAdmin
    numbered_requests = True
    proxied_hosts = ("api.linnworks.net",)  # the connector's hard-coded auth host

    def __init__(
        self,
        seed: int = 42,
        *,
        orders: int = DEFAULT_ORDERS,
        items: int = DEFAULT_ITEMS,
        days: int | None = None,
        application_id: str = DEFAULT_APPLICATION_ID,
        application_secret: str = DEFAULT_APPLICATION_SECRET,
        token: str = DEFAULT_TOKEN,
        ttl: int = DEFAULT_TTL,
        clock: Callable[[], float] | None = None,
        advance: float = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        tls_dir: Path | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        """`clock` (epoch seconds) measures session TTLs (default: the wall clock). `dataset` reuses an
        already built data set (read-only: each server keeps its own state over it)."""
        started = time.perf_counter()
        self.dataset = dataset or build_dataset(seed, orders=orders, items=items, days=days)
        self.store = Store(self.dataset)
        self.build_seconds = time.perf_counter() - started
        self.sessions = Sessions(
            self.dataset.seed,
            application_id=application_id,
            application_secret=application_secret,
            token=token,
            ttl=ttl,
            clock=clock,
        )
        self.api = LinnworksApi(self.store, self.sessions, lambda: self.base_url)
        super().__init__(host=host, port=port, verbose=verbose, tls_dir=tls_dir)
        if advance:
            self.advance(advance)

    @property
    def application_id(self) -> str:
        return self.sessions.application_id

    @property
    def application_secret(self) -> str:
        return self.sessions.application_secret

    @property
    def token(self) -> str:
        return self.sessions.token

    # --- steering (the same operations as the /__admin routes) ----------------------------------------

    def advance(self, hours: float = 24, orders: int | None = None) -> dict[str, Any]:
        """Time moves on by `hours`: new processed orders, stock levels change; returns what changed."""
        return self.store.advance(hours, orders)

    def expire_sessions(self) -> int:
        return self.sessions.expire_all()

    def reset(self) -> None:
        """Back to the generated data; no faults, empty log, no sessions."""
        super().reset()
        self.store.reset()
        self.sessions.reset()

    def summary(self) -> dict[str, Any]:
        c = self.store.counts()
        counts = {"orders": c["orders"], "stock_items": c["stock_items"], "locations": c["locations"]}
        return {"seed": self.dataset.seed, **counts, "ttl": f"{self.sessions.ttl}s", "ca": self.ca_file}

    def stats(self) -> dict[str, Any]:
        rs = self.request_stats
        return {
            "seed": self.dataset.seed,
            "days": self.dataset.days,
            **self.store.counts(),
            "advance_steps": self.store.advance_steps,
            "requests": rs.requests,
            "requests_by_route": rs.tally("by_route"),
            "requests_by_status": rs.tally("by_status"),
            "not_found": rs.count("not_found"),
            "admin_requests": rs.admin_requests,
            "sessions_issued": self.sessions.issued,
            "sessions_open": self.sessions.live(),
            "faults_served": self.faults.served,
            "faults_active": len(self.faults.active()),
            "build_seconds": round(self.build_seconds, 3),
        }
