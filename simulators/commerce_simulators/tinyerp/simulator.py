"""`TinyErpSimulator`: the data set, the store, the limiter and the HTTP server in a background thread.

    with TinyErpSimulator(seed=42, token="sim-token") as sim:
        urllib.request.urlopen(f"{sim.url}/pedidos.pesquisa.php?token=sim-token&formato=json")
        sim.advance(10)                       # 10 orders change situacao, 5 new orders
        sim.delete_order(884100201)           # pedido.obter now answers 32
        sim.inject_fault("pedido.obter", codigo_erro="35", times=2)

`sim.url` is the api2 base (`http://127.0.0.1:<port>/api2`); the admin routes live at
`sim.admin_url` (`http://127.0.0.1:<port>/__admin`).
"""

from __future__ import annotations

import time
from typing import Any

from ..core import Simulator
from .admin import TinyErpAdmin
from .api import DEFAULT_MAX_RESULTS, DEFAULT_PAGE_SIZE, TinyApi
from .clock import Clock, SystemClock, parse_tiny_day
from .faults import Fault
from .generator import DEFAULT_ORDERS, Dataset, build_dataset
from .limiter import RateLimiter
from .server import TinyErpHandler
from .store import Store

DEFAULT_TOKEN = "sim-token"
TOKEN_VARIABLE = "TINYERP_SIMULATOR_TOKEN"  # the CLI's token, kept off the command line (ps shows it)


class TinyErpSimulator(Simulator):
    name = "tinyerp"
    handler = TinyErpHandler
    fault_type = Fault
    admin_type = TinyErpAdmin
    numbered_requests = True

    def __init__(
        self,
        seed: int = 42,
        *,
        orders: int = DEFAULT_ORDERS,
        products: int | None = None,
        contacts: int | None = None,
        days: int | None = None,
        token: str = DEFAULT_TOKEN,
        requests_per_minute: int = 60,
        concurrency: int | None = None,
        block_seconds: float = 0.0,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int = DEFAULT_MAX_RESULTS,
        drift: int = 0,
        advance: int = 0,
        clock: Clock | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        verbose: bool = False,
        dataset: Dataset | None = None,
    ) -> None:
        """`clock` drives the rate limiter and the time of `advance`/`insert_orders` changes (default:
        the wall clock; pass a `ManualClock` to move time by hand). `requests_per_minute` <= 0 turns
        the minute budget off; `concurrency` None means requests_per_minute // 4, 0 no cap.
        `dataset` reuses an already built data set. `advance` orders move one step at start (and
        advance // 2 new ones arrive; `reset` goes back to the generated data)."""
        if not token:
            raise ValueError("token must not be empty")
        started = time.perf_counter()
        self.dataset = dataset or build_dataset(
            seed, orders=orders, products=products, contacts=contacts, days=days
        )
        self.clock: Clock = clock or SystemClock()
        self.store = Store(self.dataset, self.clock)
        self.build_seconds = time.perf_counter() - started
        self.token = token
        self.limiter = RateLimiter(self.clock, requests_per_minute, concurrency, block_seconds=block_seconds)
        self.api = TinyApi(self.store, page_size=page_size, max_results=max_results, drift=drift)
        self._initial_drift = drift
        super().__init__(host=host, port=port, verbose=verbose)
        if advance:
            self.advance(advance)

    @property
    def url(self) -> str:
        """The api2 base: endpoints are `{url}/pedidos.pesquisa.php` etc."""
        return self.base_url + "/api2"

    # --- steering (the same operations as the /__admin routes) ----------------------------------------

    def advance(
        self, orders: int = 1, *, new: int | None = None, contacts: int | None = None
    ) -> dict[str, Any]:
        """`orders` open orders move one lifecycle step (situacao and data_atualizacao change), `new`
        orders arrive (default orders // 2), `contacts` contacts change (default orders // 10)."""
        return self.store.advance(orders, new, contacts)

    def insert_orders(self, count: int = 1, *, data_pedido: str | None = None) -> list[str]:
        """Backdated orders (order date `data_pedido` dd/mm/yyyy, default: the earliest on file)
        that sort before newer ones, shifting every later page of a scan. Returns their ids."""
        day = None
        if data_pedido is not None:
            day = parse_tiny_day(data_pedido)
            if day is None:
                raise ValueError("data_pedido must be dd/mm/yyyy")
        return [str(o.id) for o in self.store.insert_orders(count, day)]

    def delete_order(self, order_id: int | str, *, when_listed: bool = False) -> bool:
        """Hard-deletes a live order now, or (`when_listed`) right after the next pedidos.pesquisa
        page that lists it. False if there is no such live order."""
        if when_listed:
            return self.store.delete_after_listing(int(order_id))
        return self.store.delete_order(int(order_id))

    def set_drift(self, orders: int) -> None:
        """Insert `orders` backdated orders before serving every pedidos.pesquisa page >= 2 (0: off)."""
        self.api.drift = orders

    def inject_fault(
        self,
        endpoint: str | None = None,
        *,
        codigo_erro: str | int | None = None,
        status: int | None = None,
        times: int | None = 1,
        message: str | None = None,
        body: Any = "",
        headers: dict[str, str] | None = None,
        delay_seconds: float = 0.0,
        hold: bool = False,
        close_connection: bool = False,
    ) -> dict[str, Any]:
        code = None if codigo_erro is None else str(codigo_erro)
        answer = {"codigo_erro": code, "message": message, "status": status, "body": body}
        switches = {"times": times, "delay_seconds": delay_seconds, "hold": hold}
        switches |= {"headers": headers or {}, "close_connection": close_connection}
        return self.add_fault({"endpoint": endpoint, **answer, **switches})

    def release_held(self) -> int:
        return self.faults.release_held()

    def reset(self) -> None:
        """Back to the generated data; no faults, empty log, fresh limiter window."""
        super().reset()
        self.store.reset()
        self.limiter.reset()
        self.api.drift = self._initial_drift

    def summary(self) -> dict[str, Any]:
        c, limiter = self.store.counts(), self.limiter
        counts = {k: c[k] for k in ("orders", "products", "contacts")} | {"notas": c["notas_fiscais"]}
        limit = f"{limiter.requests_per_minute}/min" if limiter.requests_per_minute > 0 else "unlimited"
        return {
            "seed": self.dataset.seed,
            **counts,
            "limit": limit,
            "concurrency": limiter.concurrency or "unlimited",
        }

    def stats(self) -> dict[str, Any]:
        rs = self.request_stats
        limiter = self.limiter.snapshot()
        return {
            "seed": self.dataset.seed,
            "days": self.dataset.days,
            "first_order_day": self.dataset.first_day_text,
            **self.store.counts(),
            "advance_steps": self.store.advance_steps,
            "orders_created": self.store.created_orders,
            "orders_updated": self.store.updated_orders,
            "requests": rs.requests,
            "requests_by_endpoint": rs.tally("by_endpoint"),
            "requests_by_outcome": rs.tally("by_outcome"),
            "answered_6": limiter["answered_6"],
            "answered_11": limiter["answered_11"],
            "not_found": rs.count("not_found"),
            "admin_requests": rs.admin_requests,
            "faults_served": self.faults.served,
            "faults_active": len(self.faults.active()),
            "held_requests": self.faults.held,
            "limiter": limiter,
            "page_size": self.api.page_size,
            "max_results": self.api.max_results,
            "drift": self.api.drift,
            "build_seconds": round(self.build_seconds, 3),
        }

    def requests(self) -> list[dict[str, Any]]:
        """The API request log, oldest first: time, method, endpoint, params (never the token),
        token (valid/invalid/missing), codigo_erro (None when OK), http_status, fault id, seq."""
        return super().requests()
