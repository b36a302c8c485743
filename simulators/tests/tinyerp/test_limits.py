"""TinyERP simulator: the per-minute budget (code 6) and the concurrency cap (code 11), on a manual
clock (docs/tinyerp_api.md §1.4; semantics in limiter.py)."""

from __future__ import annotations

import threading
import time

from commerce_simulators.tinyerp import ManualClock, RateLimiter, SystemClock

from .support import admin, call, manual_sim

MESSAGE_6 = "API Bloqueada - Excedido o número de acessos a API, aguarde alguns minutos e tente novamente"


def test_minute_budget_answers_6_in_the_envelope():
    clock = ManualClock()
    with manual_sim(clock=clock, requests_per_minute=5) as sim:
        for _ in range(5):
            assert call(sim, "info").code is None
        blocked = call(sim, "info")
        assert blocked.status == 200 and blocked.headers["x-limit-api"] == "5"
        assert blocked.json() == {
            "retorno": {
                "status_processamento": "1",
                "status": "Erro",
                "codigo_erro": "6",
                "erros": [{"erro": MESSAGE_6}],
            }
        }
        assert call(sim, "pdv.pedido.obter", formato=None, id="1").code == "6"
        clock.advance(59.999)
        assert call(sim, "info").code == "6"
        clock.advance(0.001)  # exactly 60 s after the first five: they leave the window
        assert all(call(sim, "info").code is None for _ in range(5))
        assert call(sim, "info").code == "6"
        stats = sim.stats()
        assert stats["answered_6"] == 4 and stats["requests_by_outcome"] == {"OK": 10, "6": 4}
        assert stats["limiter"]["remaining"] == 0 and stats["limiter"]["reset_in_seconds"] == 60.0


def test_the_window_slides_not_fixed_minutes():
    start = ManualClock().now()
    clock = ManualClock(start)
    with manual_sim(clock=clock, requests_per_minute=4) as sim:
        for offset in (0, 20, 40, 50):
            clock.set(start + offset)
            assert call(sim, "info").code is None
        clock.set(start + 59)
        assert call(sim, "info").code == "6"
        clock.set(start + 60)  # only the request made at +0 has left the window
        assert call(sim, "info").code is None
        assert call(sim, "info").code == "6"
        clock.set(start + 80)  # the one at +20 leaves
        assert call(sim, "info").code is None
        assert call(sim, "info").code == "6"


def test_steady_pacing_at_the_limit_never_sees_6():
    start = ManualClock().now()
    clock = ManualClock(start)
    with manual_sim(clock=clock, requests_per_minute=60) as sim:
        for i in range(150):  # one request a second for 2.5 minutes
            clock.set(start + i)
            assert call(sim, "info").code is None, i
        assert sim.stats()["answered_6"] == 0


def test_refused_and_tokenless_requests_do_not_count():
    clock = ManualClock()
    with manual_sim(clock=clock, requests_per_minute=2) as sim:
        assert call(sim, "info").code is None and call(sim, "info").code is None
        for _ in range(10):
            assert call(sim, "info").code == "6"
        for token in (None, "wrong"):
            assert call(sim, "info", token=token).code in ("1", "2")
        clock.advance(60)
        assert call(sim, "info").code is None and call(sim, "info").code is None


def test_optional_block_after_a_6():
    clock = ManualClock()
    with manual_sim(clock=clock, requests_per_minute=1, block_seconds=120) as sim:
        assert call(sim, "info").code is None
        assert call(sim, "info").code == "6"
        clock.advance(60)  # the window is free again, but the block lasts 120 s
        assert call(sim, "info").code == "6"
        clock.advance(60)
        assert call(sim, "info").code is None


def test_concurrency_cap_answers_11():
    with manual_sim(requests_per_minute=60, concurrency=2) as sim:
        sim.inject_fault("pedidos.pesquisa", hold=True, times=2)
        results: list[str | None] = []
        threads = [
            threading.Thread(target=lambda: results.append(call(sim, "pedidos.pesquisa").code))
            for _ in range(2)
        ]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 5
        while sim.faults.held < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert sim.stats()["limiter"]["in_flight"] == 2
        refused = call(sim, "info")
        assert (
            refused.status == 200 and refused.code == "11" and refused.retorno["status_processamento"] == "1"
        )
        assert "concorrentes" in refused.retorno["erros"][0]["erro"]
        assert sim.release_held() == 2
        for t in threads:
            t.join(5)
        assert results == [None, None]
        assert call(sim, "info").code is None
        stats = sim.stats()
        assert stats["answered_11"] == 1 and stats["limiter"]["in_flight"] == 0
        assert stats["limiter"]["max_in_flight"] == 2
        assert stats["limiter"]["in_window"] == 3  # the 11 did not count against the minute


def test_default_concurrency_is_a_quarter_of_the_budget():
    clock = ManualClock()
    assert RateLimiter(clock, 60).concurrency == 15
    assert RateLimiter(clock, 30).concurrency == 7
    assert RateLimiter(clock, 0).concurrency == 0
    unlimited = RateLimiter(clock, 0, 0)
    assert all(unlimited.acquire() is None for _ in range(1000))


def test_admin_routes_are_never_limited_or_counted():
    clock = ManualClock()
    with manual_sim(clock=clock, requests_per_minute=1) as sim:
        assert call(sim, "info").code is None
        for _ in range(5):
            assert admin(sim, "/stats").status == 200
        stats = admin(sim, "/stats").json()
        assert stats["requests"] == 1 and stats["admin_requests"] >= 6
        limits = admin(sim, "/limits", "POST", {"requests_per_minute": 3, "concurrency": 1}).json()
        assert (limits["requests_per_minute"], limits["concurrency"], limits["in_window"]) == (3, 1, 1)
        assert call(sim, "info").headers["x-limit-api"] == "3"
        assert call(sim, "info").code is None and call(sim, "info").code == "6"
        assert admin(sim, "/clock", "POST", {"advance": 60}).json()["manual"] is True
        assert call(sim, "info").code is None
        sim.reset()
        assert sim.stats()["limiter"]["in_window"] == 0


def test_wall_clock_budget_in_real_time():
    with manual_sim(clock=SystemClock(), requests_per_minute=3) as sim:
        assert [call(sim, "info").code for _ in range(5)] == [None, None, None, "6", "6"]
        assert 59 < sim.stats()["limiter"]["reset_in_seconds"] <= 60
