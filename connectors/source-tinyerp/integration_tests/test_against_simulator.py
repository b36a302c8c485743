"""End to end: the ``source-tinyerp`` binary against the project's TinyERP simulator.

The simulator (``commerce_simulators.tinyerp``, the repository's ``simulators/`` distribution, a dev
dependency of this project) runs as a subprocess of this project's own interpreter, started with
``commerce_simulators.launch``; the connector runs as the console script installed in this project's
environment. The two never import each other.
Nothing is skipped: if the simulator cannot start, the tests fail.

The simulator's budget is set far above what a test needs (``--requests-per-minute 100000``), so no
test waits on the wall clock; pacing and the rate-limit backoff are covered by the unit tests on a
fake clock (``unit_tests/test_pacing.py``, ``unit_tests/mock_server/test_error_codes.py``).

Run: ``cd connectors/source-tinyerp && uv run pytest integration_tests -q``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commerce_simulators.launch import launch

CONNECTOR_DIR = Path(__file__).resolve().parents[1]
INTEGRATION_DIR = CONNECTOR_DIR / "integration_tests"
CATALOG = INTEGRATION_DIR / "configured_catalog.json"
ABNORMAL_STATE = INTEGRATION_DIR / "abnormal_state.json"
EXPECTED_RECORDS = INTEGRATION_DIR / "expected_records.jsonl"
TOKEN = "sim-token"  # the simulator's default token
START_DATE = "2025-10-01"  # the simulator's history: 01/10/2025 - 31/12/2025
STARTUP_TIMEOUT_S = 30
RUN_TIMEOUT_S = 300


def _connector_binary() -> str:
    candidate = Path(sys.executable).with_name("source-tinyerp")
    found = str(candidate) if candidate.exists() else shutil.which("source-tinyerp")
    assert found, (
        "source-tinyerp is not installed in this environment: run `uv sync` in connectors/source-tinyerp"
    )
    return found


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    """The simulator's API root (``http://127.0.0.1:<port>/api2``) on a free port, default data set."""
    rpm = ("--requests-per-minute", "100000")
    with launch("tinyerp", *rpm, python=sys.executable, timeout=STARTUP_TIMEOUT_S) as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str) -> Iterator[str]:
    """The simulator, back to its starting data, faults and limits before each test."""
    _admin(simulator_url, "POST", "reset")
    yield simulator_url


def _admin(api_url: str, method: str, route: str, body: Any = None) -> Any:
    """``/__admin/<route>`` on the simulator's host (the API lives under ``/api2``)."""
    root = api_url.rsplit("/api2", 1)[0]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{root}/__admin/{route}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback simulator
        return json.load(response)


def _config(tmp_path: Path, base_url: str, **overrides: Any) -> Path:
    config = {"api_token": TOKEN, "start_date": START_DATE, "base_url": base_url, "window_days": 30}
    config.update(overrides)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


def _run(*args: str) -> tuple[int, list[dict]]:
    completed = subprocess.run(
        [_connector_binary(), *args], capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    messages = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    return completed.returncode, messages


def _read(
    tmp_path: Path, config: Path, streams: list[str] | None = None, state: Path | None = None
) -> list[dict]:
    catalog = json.loads(CATALOG.read_text())
    if streams is not None:
        catalog["streams"] = [s for s in catalog["streams"] if s["stream"]["name"] in streams]
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    args = ["read", "--config", str(config), "--catalog", str(catalog_path)]
    if state is not None:
        args += ["--state", str(state)]
    returncode, messages = _run(*args)
    errors = [m for m in messages if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"]
    assert returncode == 0 and not errors, (returncode, errors)
    return messages


def _records(messages: list[dict], stream: str) -> list[dict]:
    return [
        m["record"]["data"] for m in messages if m["type"] == "RECORD" and m["record"]["stream"] == stream
    ]


def _final_states(messages: list[dict]) -> dict[str, dict]:
    states: dict[str, dict] = {}
    for message in messages:
        if message["type"] == "STATE":
            states[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
    return states


def _write_state(tmp_path: Path, messages: list[dict]) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(list(_final_states(messages).values())))
    return path


def _logs(messages: list[dict]) -> list[str]:
    return [m["log"]["message"] for m in messages if m["type"] == "LOG"]


def _connection_status(config: Path) -> dict:
    returncode, messages = _run("check", "--config", str(config))
    statuses = [m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS"]
    assert returncode == 0 and len(statuses) == 1, (returncode, messages[-3:])
    return statuses[0]


def test_given_simulator_token_when_check_then_succeeded(simulator: str, tmp_path: Path) -> None:
    assert _connection_status(_config(tmp_path, simulator))["status"] == "SUCCEEDED"


def test_given_bad_token_when_check_then_failed_naming_api_token(simulator: str, tmp_path: Path) -> None:
    status = _connection_status(_config(tmp_path, simulator, api_token="not-the-token"))

    assert status["status"] == "FAILED"
    assert status["message"].startswith("TinyERP rejected the API token (codigo_erro 2")
    assert "`api_token`" in status["message"]


def test_given_invalid_config_file_when_check_then_failed_before_any_request(tmp_path: Path) -> None:
    status = _connection_status(INTEGRATION_DIR / "invalid_config.json")

    assert status["status"] == "FAILED" and "Config validation error" in status["message"]


@pytest.fixture(scope="module")
def reference_read(simulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict]:
    """One read of every stream of the untouched data set, and the simulator's stats right after."""
    _admin(simulator_url, "POST", "reset")
    tmp_path = tmp_path_factory.mktemp("reference")
    messages = _read(tmp_path, _config(tmp_path, simulator_url))
    return messages, _admin(simulator_url, "GET", "stats")


def test_given_reference_account_when_read_then_every_record_once_typed_and_no_rate_limit_hit(
    reference_read: tuple[list[dict], dict],
) -> None:
    messages, stats = reference_read

    records = {
        stream: _records(messages, stream) for stream in ("orders", "pos_sales", "products", "invoices")
    }
    assert len(records["orders"]) == stats["orders"]
    assert len(records["products"]) == stats["products"]
    assert len(records["invoices"]) == stats["notas_fiscais"]
    for stream, rows in records.items():
        assert len({row["id"] for row in rows}) == len(rows), f"duplicate ids in {stream}"
        assert all(row["_coercion_errors"] == [] for row in rows), stream
    # pos_sales: the POS sales among the same orders; every other order is skipped (code 32), counted.
    pos_ids = {row["id"] for row in records["pos_sales"]}
    assert 0 < len(pos_ids) < stats["orders"] and pos_ids <= {row["id"] for row in records["orders"]}
    skipped = sum(
        int(message.split("skipped ", 1)[1].split(" ", 1)[0])
        for message in _logs(messages)
        if message.startswith("pos_sales: skipped ") and "listed records without a detail" in message
    )
    assert len(pos_ids) + skipped == stats["orders"]
    assert _records(messages, "contacts")
    assert (stats["limiter"]["answered_6"], stats["limiter"]["answered_11"]) == (0, 0)
    states = _final_states(messages)
    assert set(states) == {"orders", "pos_sales", "products", "contacts", "invoices"}
    orders_state = states["orders"]["stream"]["stream_state"]
    assert set(orders_state) == {"updated_since", "recent"}
    # the 100 newest orders by creation day, for the next scan to re-list
    newest = sorted(records["orders"], key=lambda row: (row["data_pedido"], row["id"]))[-100:]
    assert orders_state["recent"] == {
        day[:10]: [str(row["id"]) for row in newest if row["data_pedido"] == day]
        for day in sorted({row["data_pedido"] for row in newest})
    }


def test_given_reference_account_when_read_then_expected_records_are_emitted(
    reference_read: tuple[list[dict], dict],
) -> None:
    messages, _ = reference_read

    emitted = {
        (m["record"]["stream"], m["record"]["data"]["id"]): m["record"]["data"]
        for m in messages
        if m["type"] == "RECORD"
    }
    expected = [json.loads(line) for line in EXPECTED_RECORDS.read_text().splitlines() if line.strip()]
    assert expected
    for row in expected:
        assert emitted.get((row["stream"], row["data"]["id"])) == row["data"], (
            f"{row['stream']} {row['data']['id']} differs from integration_tests/expected_records.jsonl "
            "(regenerate it if the simulator's seed-42 data changed on purpose; see README)"
        )


def test_given_pages_shifting_during_the_scan_when_read_then_no_order_lost_or_repeated(
    simulator: str, tmp_path: Path
) -> None:
    # One window of 92 days = all 300 orders = 3 pages. Before every page >= 2 the simulator inserts
    # 3 back-dated orders at the top of the list: numero_paginas grows and rows shift mid-scan.
    _admin(simulator, "POST", "drift?orders=3")
    config = _config(tmp_path, simulator, window_days=92, start_date="2025-10-01")

    first = _read(tmp_path, config, streams=["orders"])
    _admin(simulator, "POST", "drift?orders=0")
    second = _read(tmp_path, config, streams=["orders"], state=_write_state(tmp_path, first))

    first_ids = [row["id"] for row in _records(first, "orders")]
    assert len(first_ids) == len(set(first_ids)), "an order was emitted twice within one sync"
    assert any("re-reading to verify" in message for message in _logs(first))
    # Orders inserted while the first sync ran are newer than its start: the next sync reads them.
    live_orders = _admin(simulator, "GET", "stats")["orders"]
    assert live_orders > 300
    assert len(set(first_ids) | {row["id"] for row in _records(second, "orders")}) == live_orders


def _tombstones(messages: list[dict]) -> list[dict]:
    return [row for row in _records(messages, "orders") if "_ab_cdc_deleted_at" in row]


def _assert_tombstone(row: dict, order_id: int, scan_started_at: str) -> None:
    """Airbyte's deletion record: the key, the cursor and when the order was found gone, nothing else."""
    assert set(row) == {"id", "_scan_started_at", "_ab_cdc_deleted_at"}
    assert (row["id"], row["_scan_started_at"]) == (order_id, scan_started_at)
    assert row["_ab_cdc_deleted_at"] >= scan_started_at  # found during the scan (same offset, -03:00)


def test_given_order_deleted_between_list_and_detail_when_read_then_tombstone(
    simulator: str, tmp_path: Path
) -> None:
    victim = 884100056  # an order of the seed-42 data set
    assert _admin(simulator, "POST", f"delete?id={victim}&when=listed") == {"deleted": {str(victim): True}}

    messages = _read(tmp_path, _config(tmp_path, simulator), streams=["orders"])

    orders = _records(messages, "orders")
    assert len(orders) == 300 and len({row["id"] for row in orders}) == 300
    (tombstone,) = _tombstones(messages)
    _assert_tombstone(tombstone, victim, orders[0]["_scan_started_at"])
    assert any(
        f"orders: emitted as deleted {victim}: listed by the search, but pedido.obter answers codigo_erro 32"
        in message
        for message in _logs(messages)
    )
    # a deleted order is not one the next scan must list again
    recent = _final_states(messages)["orders"]["stream"]["stream_state"]["recent"]
    assert str(victim) not in {order_id for ids in recent.values() for order_id in ids}


def test_given_synced_order_deleted_when_read_again_then_tombstone_from_the_re_scan(
    simulator: str, tmp_path: Path
) -> None:
    config = _config(tmp_path, simulator)
    first = _read(tmp_path, config, streams=["orders"])
    by_age = sorted(_records(first, "orders"), key=lambda row: (row["data_pedido"], row["id"]))
    newest, oldest = by_age[-1]["id"], by_age[0]["id"]
    recent = _final_states(first)["orders"]["stream"]["stream_state"]["recent"]
    for order_id in (newest, oldest):
        assert _admin(simulator, "POST", f"delete?id={order_id}") == {"deleted": {str(order_id): True}}
    _admin(simulator, "DELETE", "requests")

    second = _read(tmp_path, config, streams=["orders"], state=_write_state(tmp_path, first))

    # Nothing changed since the first scan but the deletions: the only record is the newest order's
    # tombstone. The oldest order is not among the 100 newest the state keeps: its deletion is not seen.
    (tombstone,) = _records(second, "orders")
    after = _final_states(second)["orders"]["stream"]["stream_state"]
    _assert_tombstone(tombstone, newest, after["updated_since"])
    calls = [(r["endpoint"], r["params"]) for r in _admin(simulator, "GET", "requests")]
    today = after["updated_since"][:10]
    assert [(endpoint, sorted(params)) for endpoint, params in calls] == [
        ("pedidos.pesquisa", ["dataAtualizacao", "formato", "pagina", "sort"]),
        ("pedidos.pesquisa", ["dataFinal", "dataInicial", "formato", "pagina", "sort"]),
        ("pedido.obter", ["formato", "id"]),
    ]
    assert calls[1][1]["dataInicial"] == "/".join(reversed(min(recent).split("-")))
    assert calls[1][1]["dataFinal"] == "/".join(reversed(today.split("-")))
    assert calls[2][1]["id"] == str(newest)
    assert str(newest) not in {order_id for ids in after["recent"].values() for order_id in ids}
    assert sum(len(ids) for ids in after["recent"].values()) == 99


def test_given_changes_after_a_sync_when_read_incrementally_then_only_changed_records(
    simulator: str, tmp_path: Path
) -> None:
    config = _config(tmp_path, simulator)
    first = _read(tmp_path, config, streams=["orders", "contacts"])
    # 10 open orders move one step, 5 new orders arrive today, 1 contact changes.
    changes = _admin(simulator, "POST", "advance?orders=10&new=5&contacts=1")

    second = _read(tmp_path, config, streams=["orders", "contacts"], state=_write_state(tmp_path, first))

    orders = {str(r["id"]) for r in _records(second, "orders")}
    assert orders == {u["id"] for u in changes["updated"]} | set(changes["created"])
    contacts = {str(r["id"]) for r in _records(second, "contacts")}
    assert set(changes["contacts_updated"]) <= contacts  # and the new orders' first-time customers
    before = _final_states(first)["orders"]["stream"]["stream_state"]["updated_since"]
    after = _final_states(second)["orders"]["stream"]["stream_state"]["updated_since"]
    assert after > before  # the cursor moved on to the second scan


def test_given_state_in_year_2100_when_read_then_no_incremental_record_and_state_kept(
    simulator: str, tmp_path: Path
) -> None:
    incremental = ["orders", "pos_sales", "contacts", "invoices"]
    messages = _read(tmp_path, _config(tmp_path, simulator), streams=incremental, state=ABNORMAL_STATE)

    assert Counter(m["record"]["stream"] for m in messages if m["type"] == "RECORD") == Counter()
    expected_states = {
        s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"]
        for s in json.loads(ABNORMAL_STATE.read_text())
    }
    for name, state in expected_states.items():
        assert _final_states(messages)[name]["stream"]["stream_state"] == state
