"""Faults through the simulator's own switches (``/__admin/faults``), each against the real binary.

Every read covers the orders of the last days of the simulator's history (one ``pedidos.pesquisa``,
then one ``pedido.obter`` per order: 16 requests), with ``retry_wait_factor`` 0.01 so that a 60 s
wait takes 0.6 s (a server's Retry-After is waited as given). A recovering fault must give exactly
the records of a clean read, and the simulator's request log must show the failed request followed by
the same request answered; a fault that does not recover must end the read with one clear line after
few requests.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import Any

import pytest
from harness import Run, admin, logs, make_config, read, read_run, records

START_DATE = "2025-12-29"  # 15 orders
# requests_per_minute: answers without x-limit-api (HTTP 5xx) would otherwise pace at the 30/min fallback.
FAST = {"start_date": START_DATE, "window_days": 366, "retry_wait_factor": 0.01, "requests_per_minute": 1000}


def _config(tmp_path: Path, base_url: str, **overrides: Any) -> Path:
    return make_config(tmp_path, base_url, **{**FAST, **overrides})


def _orders(messages: list[dict]) -> list[dict]:
    """The orders, without the sync's own timestamp."""
    rows = [{k: v for k, v in row.items() if k != "_scan_started_at"} for row in records(messages, "orders")]
    return sorted(rows, key=lambda row: row["id"])


@pytest.fixture(scope="module")
def clean_orders(simulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    admin(simulator_url, "POST", "reset")
    tmp_path = tmp_path_factory.mktemp("clean")
    orders = _orders(read(tmp_path, _config(tmp_path, simulator_url), streams=["orders"]))
    assert len(orders) == 15
    return orders


def _fault(simulator: str, **spec: Any) -> int:
    return admin(simulator, "POST", "faults", spec)["id"]


def _answered_later(simulator: str, fault_id: int) -> list[dict]:
    """The requests the fault spoiled, each asserted to be followed by the same request answered OK
    (after any other fault's)."""
    log = admin(simulator, "GET", "requests")
    spoiled = [i for i, entry in enumerate(log) if entry["fault"] == fault_id]
    for i in spoiled:
        key = (log[i]["endpoint"], log[i]["params"])
        later = [e for e in log[i + 1 :] if (e["endpoint"], e["params"]) == key and e["fault"] is None]
        assert later and later[0]["http_status"] == 200 and later[0]["codigo_erro"] is None, (log[i], later)
    return [log[i] for i in spoiled]


def _read_orders(tmp_path: Path, simulator: str, **overrides: Any) -> list[dict]:
    return read(tmp_path, _config(tmp_path, simulator, **overrides), streams=["orders"])


def test_given_429_with_retry_after_when_read_then_waits_what_the_server_asks_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict]
) -> None:
    fault = _fault(simulator, endpoint="pedidos.pesquisa", status=429, headers={"Retry-After": "1"})

    messages = _read_orders(tmp_path, simulator)

    assert _orders(messages) == clean_orders
    assert [e["http_status"] for e in _answered_later(simulator, fault)] == [429]
    assert any("HTTP 429 for pedidos.pesquisa" in m and "in 1 s (Retry-After)" in m for m in logs(messages))


def test_given_429_without_retry_after_when_read_then_own_backoff_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict]
) -> None:
    fault = _fault(simulator, endpoint="pedido.obter", status=429, times=2)

    messages = _read_orders(tmp_path, simulator)

    assert _orders(messages) == clean_orders
    assert len(_answered_later(simulator, fault)) == 2
    assert any("HTTP 429" in m and "in 0.1 s (retry 1)" in m for m in logs(messages))  # 10 s × 0.01


def test_given_a_burst_of_5xx_when_read_then_ridden_out_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict]
) -> None:
    burst = [
        {"endpoint": "pedido.obter", "status": status, "body": "busy"} for status in (500, 502, 503, 504)
    ]
    faults = [fault["id"] for fault in admin(simulator, "POST", "faults", burst)]

    messages = _read_orders(tmp_path, simulator, max_concurrent_requests=1)

    assert _orders(messages) == clean_orders
    spoiled = [entry for fault in faults for entry in _answered_later(simulator, fault)]
    assert [e["http_status"] for e in spoiled] == [500, 502, 503, 504]
    assert len({str(e["params"]) for e in spoiled}) == 1  # one order's call, retried four times


@pytest.mark.parametrize("code", ["6", "11", "35", "99"])
def test_given_a_retried_codigo_erro_when_read_then_retried_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict], code: str
) -> None:
    fault = _fault(simulator, endpoint="pedido.obter", codigo_erro=code)

    messages = _read_orders(tmp_path, simulator)

    assert _orders(messages) == clean_orders
    assert [e["codigo_erro"] for e in _answered_later(simulator, fault)] == [code]
    assert any(f"answered codigo_erro {code}:" in m and "Retrying pedido.obter" in m for m in logs(messages))


def test_given_an_answer_slower_than_the_read_timeout_when_read_then_retried_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict]
) -> None:
    fault = _fault(simulator, endpoint="pedido.obter", delay_seconds=1.5)

    messages = _read_orders(tmp_path, simulator, read_timeout_seconds=0.5)

    assert _orders(messages) == clean_orders
    assert any("no answer within the 0.5 s read timeout for pedido.obter" in m for m in logs(messages))
    # The late request enters the log when its answer goes out, after the retry: wait for it.
    log = _requests_until(simulator, lambda log: any(e["fault"] == fault for e in log))
    late = next(e for e in log if e["fault"] == fault)
    same = [e for e in log if (e["endpoint"], e["params"]) == ("pedido.obter", late["params"])]
    assert len(same) == 2 and log.index(same[0]) < log.index(late)  # the retry was sent before


def _requests_until(simulator: str, ready: Any, timeout: float = 10.0) -> list[dict]:
    """The request log once ``ready(log)`` holds (an event to wait for, not a timing to assert)."""
    deadline = time.monotonic() + timeout
    while True:
        log = admin(simulator, "GET", "requests")
        if ready(log) or time.monotonic() > deadline:
            return log
        time.sleep(0.05)


def test_given_a_dropped_connection_when_read_then_retried_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict]
) -> None:
    fault = _fault(simulator, endpoint="pedido.obter", close_connection=True, times=2)

    messages = _read_orders(tmp_path, simulator)

    assert _orders(messages) == clean_orders
    assert [e["http_status"] for e in _answered_later(simulator, fault)] == [None, None]  # no answer sent
    assert any("the connection was dropped before a complete answer" in m for m in logs(messages))


def test_given_a_truncated_json_body_when_read_then_retried_and_same_orders(
    simulator: str, tmp_path: Path, clean_orders: list[dict]
) -> None:
    truncated = '{"retorno": {"status_processamento": "3", "status": "OK", "pedido": {"id": "1'
    fault = _fault(simulator, endpoint="pedido.obter", status=200, body=truncated)

    messages = _read_orders(tmp_path, simulator)

    assert _orders(messages) == clean_orders
    assert len(_answered_later(simulator, fault)) == 1
    assert any(f"a truncated or malformed JSON body ({len(truncated)} bytes)" in m for m in logs(messages))


def test_given_a_body_that_is_not_json_when_read_then_fails_at_once_asking_about_base_url(
    simulator: str, tmp_path: Path
) -> None:
    _fault(simulator, endpoint="*", status=200, body="<html><body>Bem-vindo</body></html>", times=None)

    result = read_run(tmp_path, _config(tmp_path, simulator), streams=["orders"])

    message = _stream_errors(result)["orders"]
    assert message.startswith("TinyERP answered pedidos.pesquisa (sort=ASC dataInicial=29/12/2025 dataFinal=")
    assert message.endswith(
        "pagina=1) with a body that is not JSON (content-type 'text/html; charset=utf-8'). Is base_url the "
        "API v2 root (https://api.tiny.com.br/api2)?"
    )
    assert len(admin(simulator, "GET", "requests")) == 1  # not retried


def _stream_errors(result: Run) -> dict[str, str]:
    return {e["stream_descriptor"]["name"]: e["message"] for e in result.errors if e.get("stream_descriptor")}


def test_given_a_source_answering_503_persistently_when_read_then_fails_within_the_budget_in_few_requests(
    simulator: str, tmp_path: Path
) -> None:
    _fault(simulator, endpoint="*", status=503, body="Service Unavailable", times=None)

    result = read_run(tmp_path, _config(tmp_path, simulator), streams=["orders", "products"])

    host = simulator.split("://", 1)[1].split("/", 1)[0]
    errors = _stream_errors(result)
    assert errors["orders"].startswith(f"TinyERP at {host} is failing: HTTP 503 for pedidos.pesquisa (")
    assert errors["orders"].endswith(
        "(7 attempts in 0.9 s of retries). The service seems down: check its status and run the sync again "
        "later (base_url / TINYERP_BASE_URL if it should be another host)."
    )
    # The next stream does not pay the budget again: one attempt.
    assert errors["products"].startswith(f"TinyERP at {host} is failing: HTTP 503 for produtos.pesquisa")
    assert "(1 attempt in 0 s of retries)" in errors["products"]
    endpoints = [e["endpoint"] for e in admin(simulator, "GET", "requests")]
    assert endpoints == ["pedidos.pesquisa"] * 7 + ["produtos.pesquisa"]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_given_nothing_listening_when_read_then_fails_after_two_refused_connections(tmp_path: Path) -> None:
    port = _closed_port()

    result = read_run(
        tmp_path, _config(tmp_path, f"http://127.0.0.1:{port}/api2"), streams=["orders", "products"]
    )

    errors = _stream_errors(result)
    assert errors["orders"].startswith(
        f"TinyERP at 127.0.0.1:{port} is unreachable: connection refused (2 attempts, pedidos.pesquisa ("
    )
    assert errors["orders"].endswith(
        "Check base_url (TINYERP_BASE_URL) and that the host is up and reachable from here."
    )
    assert errors["products"].startswith(
        f"TinyERP at 127.0.0.1:{port} is unreachable: connection refused (1 attempt, produtos.pesquisa ("
    )
