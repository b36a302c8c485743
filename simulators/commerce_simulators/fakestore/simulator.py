"""`FakeStoreSimulator`: the data set, the store and the HTTP server, run in a background thread.

with FakeStoreSimulator(seed=42, profile="reference") as sim:
    urllib.request.urlopen(sim.url + "/carts")
    sim.add_carts(5)
    sim.inject_fault("/carts", status=429, times=2, headers={"Retry-After": "1"})
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from ..core import PathFaultSimulator
from .admin import FakeStoreAdmin
from .api import FakeStoreApi
from .faults import Fault
from .generator import Dataset, build_dataset
from .server import FakeStoreHandler
from .store import Store


class FakeStoreSimulator(PathFaultSimulator):
    name = "fakestore"
    handler = FakeStoreHandler
    fault_type = Fault
    admin_type = FakeStoreAdmin

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
        fixed_ms = None if now is None else int(now.timestamp() * 1000)
        self.api = FakeStoreApi(self.store, (lambda: fixed_ms) if fixed_ms is not None else _wall_clock_ms)
        super().__init__(host=host, port=port, verbose=verbose)

    # --- steering (the same operations as the /__admin routes) ----------------------------------------

    def add_carts(self, count: int) -> list[dict[str, Any]]:
        """Append the next `count` deterministic carts (ids and dates after the current ones)."""
        return [json.loads(row.body) for row in self.store.add_carts(count)]

    def upsert_record(self, kind: str, record: Any, id: int | None = None) -> int:  # noqa: A002
        """Serve `record` exactly as given (e.g. a cart with quantity -3). Returns its key."""
        return self.store.upsert(kind, record, id)[0]

    def delete_record(self, kind: str, id: int) -> bool:  # noqa: A002
        return self.store.delete(kind, id)

    def reset(self) -> None:
        self.store.reset()
        super().reset()

    def summary(self) -> dict[str, Any]:
        counts = self.store.counts()
        fields = {"profile": self.dataset.profile, "seed": self.dataset.seed}
        return fields | {kind: counts[kind] for kind in ("products", "users", "carts")}

    def stats(self) -> dict[str, Any]:
        rs = self.request_stats
        return {
            "seed": self.dataset.seed,
            "profile": self.dataset.profile,
            **self.store.counts(),
            "requests": rs.requests,
            "requests_by_path": rs.tally("by_path"),
            "admin_requests": rs.admin_requests,
            "faults_served": self.faults.served,
            "faults_active": len(self.faults.active()),
        }


def _wall_clock_ms() -> int:
    return int(time.time() * 1000)
