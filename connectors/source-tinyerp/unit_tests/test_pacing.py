"""Pacing (``source_tinyerp.pacing``) against a server that enforces TinyERP's limits.

The fake server below counts requests in a sliding 60-second window on the same fake clock the
connector sleeps on, and answers code 6 above the plan's limit and code 11 above the concurrency
limit, as TinyERP does. A sync must never receive either, and must take about N / limit minutes.
"""

from __future__ import annotations

import json
from collections import deque

import requests_mock
from airbyte_cdk.models import SyncMode
from source_tinyerp.pacing import Pacer

from .mock_server.clock import FakeClock
from .mock_server.config import ConfigBuilder
from .mock_server.utils import ids, read_output


class RateLimitedTiny:
    """``pedidos.pesquisa`` (one page of ``order_count`` orders) and ``pedido.obter``, paced like Tiny."""

    def __init__(self, clock: FakeClock, limit: int, order_count: int) -> None:
        self.clock, self.limit, self.order_count = clock, limit, order_count
        self.admitted: deque[float] = deque()
        self.times: list[float] = []
        self.refused = 0

    def __call__(self, request, context) -> str:
        context.headers["x-limit-api"] = str(self.limit)
        now = self.clock.monotonic()
        while self.admitted and self.admitted[0] <= now - 60:
            self.admitted.popleft()
        if len(self.admitted) >= self.limit:
            self.refused += 1
            return json.dumps(
                {"retorno": {"status": "Erro", "codigo_erro": "6", "erros": [{"erro": "API Bloqueada"}]}}
            )
        self.admitted.append(now)
        self.times.append(now)
        if "pedidos.pesquisa" in request.path:
            rows = [
                {"pedido": {"id": str(i), "data_pedido": "02/02/2026"}}
                for i in range(1, self.order_count + 1)
            ]
            return json.dumps(
                {"retorno": {"status": "OK", "pagina": "1", "numero_paginas": "1", "pedidos": rows}}
            )
        order_id = request.qs["id"][0]
        return json.dumps(
            {"retorno": {"status": "OK", "pedido": {"id": order_id, "data_pedido": "02/02/2026"}}}
        )


def _sync(limit: int, order_count: int, config: ConfigBuilder | None = None):
    clock = FakeClock()
    server = RateLimitedTiny(clock, limit, order_count)
    with requests_mock.Mocker() as mocker:
        mocker.get(requests_mock.ANY, text=server)
        output = read_output(
            (config or ConfigBuilder()).with_start_date("2026-02-02"),
            "orders",
            SyncMode.incremental,
            clock=clock,
        )
    return output, server, clock


def test_given_sync_of_91_requests_at_30_per_minute_when_read_then_no_code_6_and_about_3_minutes() -> None:
    output, server, clock = _sync(limit=30, order_count=90)

    assert ids(output) == list(range(1, 91))
    assert server.refused == 0
    assert len(server.times) == 91
    # 91 requests at 30/min, spread 2 s apart (plus the margin): about 91 / 30 minutes, within 2%.
    assert 3 * 60 <= clock.elapsed <= 91 * 2 * 1.02


def test_given_any_60_second_window_when_synced_then_never_more_than_the_limit() -> None:
    _, server, _ = _sync(limit=60, order_count=200)

    times = server.times
    assert server.refused == 0
    assert max(sum(1 for t in times if start <= t < start + 60) for start in times) <= 60


def test_given_configured_limit_below_the_plan_when_synced_then_configured_limit_is_used() -> None:
    output, server, clock = _sync(
        limit=120, order_count=39, config=ConfigBuilder().with_requests_per_minute(20)
    )

    assert server.refused == 0 and len(server.times) == 40
    assert 40 * 3 * 0.98 <= clock.elapsed <= 40 * 3 * 1.02  # 40 requests at 20/min, 3 s apart


def test_given_pacer_when_limit_known_then_concurrency_is_a_quarter_of_it_and_capped() -> None:
    pacer = Pacer(configured_limit=None, max_concurrency=8, clock=FakeClock())
    assert pacer.concurrency == 1  # plan unknown: one at a time until the first answer

    pacer.observe_limit_header("60")
    assert (pacer.limit, pacer.concurrency) == (60, 8)
    pacer.observe_limit_header("20")
    assert (pacer.limit, pacer.concurrency) == (20, 5)
    pacer.reduce_concurrency()
    assert pacer.concurrency == 2


def test_given_parallel_detail_calls_when_synced_then_records_in_list_order_and_no_code_6() -> None:
    output, server, _ = _sync(
        limit=60, order_count=120, config=ConfigBuilder().with_max_concurrent_requests(4)
    )

    assert ids(output) == list(range(1, 121))
    assert server.refused == 0


def test_given_n_requests_when_synced_then_spread_evenly_over_n_over_limit_minutes() -> None:
    output, server, clock = _sync(limit=60, order_count=199)

    times = server.times
    assert ids(output) == list(range(1, 200))
    assert server.refused == 0 and len(times) == 200
    # N requests take N * 60 / limit seconds, within 2%: no burst of 60 followed by a minute's wait.
    assert abs(clock.elapsed - 200) <= 200 * 0.02
    assert min(later - earlier for earlier, later in zip(times, times[1:], strict=False)) >= 1.0
    assert max(sum(1 for t in times if start <= t < start + 60) for start in times) <= 60
