"""TinyERP simulator: /__admin routes and their in-process twins (faults, log, stats, reset),
determinism, and the 50k-order scale."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest

from commerce_simulators.tinyerp import TinyErpSimulator, build_dataset

from .support import TOKEN, admin, call, manual_sim, ok, rows, scan


def test_codigo_erro_faults_then_the_real_answer():
    with manual_sim() as sim:
        order_id = rows(ok(call(sim, "pedidos.pesquisa")), "pedidos", "pedido")[0]["id"]
        sim.inject_fault("pedido.obter", codigo_erro=35, times=2)
        sim.inject_fault("pedidos.pesquisa.php", codigo_erro="99")
        first, second = call(sim, "pedido.obter", id=order_id), call(sim, "pedido.obter", id=order_id)
        assert first.status == 200 and first.json() == {
            "retorno": {
                "status_processamento": "1",
                "status": "Erro",
                "codigo_erro": "35",
                "erros": [{"erro": "Ocorreu um erro inesperado, tente novamente mais tarde"}],
            }
        }
        assert second.code == "35"
        assert call(sim, "pedido.obter", id=order_id).code is None
        assert call(sim, "info").code is None  # other endpoints untouched
        maintenance = call(sim, "pedidos.pesquisa")
        assert maintenance.code == "99" and maintenance.retorno["erros"] == [
            {"erro": "Sistema em manutenção"}
        ]
        assert call(sim, "pedidos.pesquisa").code is None
        log = sim.requests()
        assert [e["fault"] is not None for e in log[1:]] == [True, True, False, False, True, False]
        assert sim.stats()["faults_served"] == 3


def test_http_status_fault_delay_and_any_endpoint():
    with manual_sim() as sim:
        sim.inject_fault(None, status=503, body="<h1>Service Unavailable</h1>", headers={"Retry-After": "2"})
        reply = call(sim, "info")
        assert reply.status == 503 and reply.headers["Retry-After"] == "2" and b"Unavailable" in reply.body
        sim.inject_fault("info", delay_seconds=0.2)
        started = time.monotonic()
        assert call(sim, "info").code is None and time.monotonic() - started >= 0.2
        sim.inject_fault("info", codigo_erro=6, times=None)
        assert [call(sim, "info").code for _ in range(3)] == ["6", "6", "6"]
        assert sim.stats()["answered_6"] == 0  # injected, not the limiter's
        assert sim.clear_faults() == 1 and call(sim, "info").code is None


def test_close_connection_fault():
    with manual_sim() as sim:
        sim.inject_fault("info", close_connection=True)
        parts = urlsplit(sim.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
        conn.request("GET", f"/api2/info.php?token={TOKEN}&formato=json")
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            conn.getresponse()
        conn.close()
        assert call(sim, "info").code is None


def test_fault_admin_routes_validate():
    with manual_sim() as sim:
        added = admin(
            sim,
            "/faults",
            "POST",
            [{"endpoint": "pedido.obter", "codigo_erro": "35"}, {"endpoint": "*", "status": 500}],
        )
        assert added.status == 201 and [f["id"] for f in added.json()] == [1, 2]
        assert len(admin(sim, "/faults").json()) == 2
        assert (
            admin(sim, "/faults", "POST", {"endpoint": "x", "codigo_erro": "35", "status": 500}).status == 400
        )
        assert admin(sim, "/faults", "POST", {"nope": 1}).status == 400
        assert admin(sim, "/faults", "DELETE").json() == {"cleared": 2}
        assert admin(sim, "/nope").status == 404


def test_request_log_and_stats():
    with manual_sim() as sim:
        call(sim, "pedidos.pesquisa", dataAtualizacao="01/12/2025 00:00:00", pagina=2)
        call(sim, "pedido.obter", id="1")
        call(sim, "pedidos.pesquisa", token="bad")
        log = admin(sim, "/requests").json()
        assert [e["seq"] for e in log] == [1, 2, 3]
        assert log[0]["params"] == {
            "formato": "json",
            "dataAtualizacao": "01/12/2025 00:00:00",
            "pagina": "2",
        }
        assert (log[0]["endpoint"], log[0]["method"], log[0]["codigo_erro"], log[0]["http_status"]) == (
            "pedidos.pesquisa",
            "GET",
            None,
            200,
        )
        assert [e["codigo_erro"] for e in log] == [None, "32", "2"]
        assert log[0]["time"].startswith("2026-01-02T09:00:00")
        stats = admin(sim, "/stats").json()
        assert stats["requests"] == 3 and stats["requests_by_endpoint"] == {
            "pedido.obter": 1,
            "pedidos.pesquisa": 2,
        }
        assert stats["requests_by_outcome"] == {"2": 1, "32": 1, "OK": 1}
        assert (stats["orders"], stats["products"], stats["contacts"]) == (300, 80, 150)
        assert stats["first_order_day"] == "01/10/2025"
        assert admin(sim, "/requests", "DELETE").status == 200 and sim.requests() == []


def test_reset_restores_the_starting_state():
    with manual_sim() as sim:
        before = [call(sim, "pedidos.pesquisa", pagina=p).body for p in (1, 2, 3)]
        first_id = rows(ok(call(sim, "pedidos.pesquisa")), "pedidos", "pedido")[0]["id"]
        sim.advance(30)
        sim.insert_orders(7)
        sim.delete_order(first_id)
        sim.inject_fault("info", codigo_erro=35)
        assert admin(sim, "/reset", "POST").json() == {"status": "ok"}
        assert [call(sim, "pedidos.pesquisa", pagina=p).body for p in (1, 2, 3)] == before
        assert call(sim, "info").code is None
        stats = sim.stats()
        assert stats["deleted_orders"] == 0 and stats["advance_steps"] == 0 and stats["requests"] == 4
        with manual_sim() as pristine:  # the change sequence starts over too
            assert sim.advance(5) == pristine.advance(5)


def test_same_seed_same_bytes_other_seed_other_data():
    with manual_sim(seed=7) as a, manual_sim(seed=7) as b, manual_sim(seed=8) as c:
        for endpoint, params in (
            ("pedidos.pesquisa", {"pagina": 2}),
            ("produtos.pesquisa", {}),
            ("contatos.pesquisa", {}),
            ("notas.fiscais.pesquisa", {}),
        ):
            assert call(a, endpoint, **params).body == call(b, endpoint, **params).body
            assert call(a, endpoint, **params).body != call(c, endpoint, **params).body
        order_id = rows(ok(call(a, "pedidos.pesquisa")), "pedidos", "pedido")[0]["id"]
        assert call(a, "pedido.obter", id=order_id).body == call(b, "pedido.obter", id=order_id).body


def test_scale_50k_orders():
    started = time.perf_counter()
    dataset = build_dataset(42, orders=50_000)
    elapsed = time.perf_counter() - started
    assert len(dataset.orders) == 50_000 and elapsed < 10, elapsed
    with TinyErpSimulator(dataset=dataset, requests_per_minute=0) as sim:
        stats = sim.stats()
        assert (stats["orders"], stats["products"], stats["contacts"], stats["days"]) == (
            50_000,
            2_000,
            16_666,
            730,
        )
        assert call(sim, "pedidos.pesquisa").code == "21"  # more than 10,000 records: narrow the window
        week = scan(
            sim, "pedidos.pesquisa", "pedidos", "pedido", dataInicial="01/12/2025", dataFinal="07/12/2025"
        )
        assert 300 < len(week) < 10_000 and len({o["id"] for o in week}) == len(week)
        retorno = ok(
            call(sim, "pedidos.pesquisa", dataInicial="01/12/2025", dataFinal="07/12/2025", pagina=2)
        )
        assert int(retorno["numero_paginas"]) == -(-len(week) // 100)
        assert ok(call(sim, "pedido.obter", id=week[-1]["id"]))["pedido"]["numero"] == week[-1]["numero"]
        changed = sim.advance(500)
        assert 0 < len(changed["updated"]) <= 500 and len(changed["created"]) == 250  # open orders only
