"""End to end: the ``source-tinyerp`` binary against the project's TinyERP simulator.

The simulator and the binary are run as ``conftest.py`` and ``harness.py`` say; faults and retries
are in ``test_faults.py``.

Run: ``cd connectors/source-tinyerp && uv run pytest integration_tests -q``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from harness import (
    ABNORMAL_STATE,
    EXPECTED_RECORDS,
    INTEGRATION_DIR,
    admin,
    connection_status,
    final_states,
    logs,
    make_config,
    read,
    records,
    write_state,
)


def test_given_simulator_token_when_check_then_succeeded(simulator: str, tmp_path: Path) -> None:
    assert connection_status(make_config(tmp_path, simulator))["status"] == "SUCCEEDED"


def test_given_bad_token_when_check_then_failed_naming_api_token(simulator: str, tmp_path: Path) -> None:
    status = connection_status(make_config(tmp_path, simulator, api_token="not-the-token"))

    assert status["status"] == "FAILED"
    assert status["message"].startswith("TinyERP rejected the API token (codigo_erro 2")
    assert "`api_token`" in status["message"]


def test_given_invalid_config_file_when_check_then_failed_before_any_request(tmp_path: Path) -> None:
    status = connection_status(INTEGRATION_DIR / "invalid_config.json")

    assert status["status"] == "FAILED" and "Config validation error" in status["message"]


@pytest.fixture(scope="module")
def reference_read(simulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict]:
    """One read of every stream of the untouched data set, and the simulator's stats right after."""
    admin(simulator_url, "POST", "reset")
    tmp_path = tmp_path_factory.mktemp("reference")
    messages = read(tmp_path, make_config(tmp_path, simulator_url))
    return messages, admin(simulator_url, "GET", "stats")


def test_given_reference_account_when_read_then_every_record_once_typed_and_no_rate_limit_hit(
    reference_read: tuple[list[dict], dict],
) -> None:
    messages, stats = reference_read

    by_stream = {
        stream: records(messages, stream) for stream in ("orders", "pos_sales", "products", "invoices")
    }
    assert len(by_stream["orders"]) == stats["orders"]
    assert len(by_stream["products"]) == stats["products"]
    assert len(by_stream["invoices"]) == stats["notas_fiscais"]
    for stream, rows in by_stream.items():
        assert len({row["id"] for row in rows}) == len(rows), f"duplicate ids in {stream}"
        assert all(row["_coercion_errors"] == [] for row in rows), stream
    # pos_sales: the POS sales among the same orders; every other order is skipped (code 32), counted.
    pos_ids = {row["id"] for row in by_stream["pos_sales"]}
    assert 0 < len(pos_ids) < stats["orders"] and pos_ids <= {row["id"] for row in by_stream["orders"]}
    skipped = sum(
        int(message.split("skipped ", 1)[1].split(" ", 1)[0])
        for message in logs(messages)
        if message.startswith("pos_sales: skipped ") and "listed records without a detail" in message
    )
    assert len(pos_ids) + skipped == stats["orders"]
    assert records(messages, "contacts")
    assert (stats["limiter"]["answered_6"], stats["limiter"]["answered_11"]) == (0, 0)
    states = final_states(messages)
    assert set(states) == {"orders", "pos_sales", "products", "contacts", "invoices"}
    orders_state = states["orders"]["stream"]["stream_state"]
    assert set(orders_state) == {"updated_since", "recent"}
    # the 100 newest orders by creation day, for the next scan to re-list
    newest = sorted(by_stream["orders"], key=lambda row: (row["data_pedido"], row["id"]))[-100:]
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
    admin(simulator, "POST", "drift?orders=3")
    config = make_config(tmp_path, simulator, window_days=92, start_date="2025-10-01")

    first = read(tmp_path, config, streams=["orders"])
    admin(simulator, "POST", "drift?orders=0")
    second = read(tmp_path, config, streams=["orders"], state=write_state(tmp_path, first))

    first_ids = [row["id"] for row in records(first, "orders")]
    assert len(first_ids) == len(set(first_ids)), "an order was emitted twice within one sync"
    assert any("re-reading to verify" in message for message in logs(first))
    # Orders inserted while the first sync ran are newer than its start: the next sync reads them.
    live_orders = admin(simulator, "GET", "stats")["orders"]
    assert live_orders > 300
    assert len(set(first_ids) | {row["id"] for row in records(second, "orders")}) == live_orders


def _tombstones(messages: list[dict]) -> list[dict]:
    return [row for row in records(messages, "orders") if "_ab_cdc_deleted_at" in row]


def _assert_tombstone(row: dict, order_id: int, scan_started_at: str) -> None:
    """Airbyte's deletion record: the key, the cursor and when the order was found gone, nothing else."""
    assert set(row) == {"id", "_scan_started_at", "_ab_cdc_deleted_at"}
    assert (row["id"], row["_scan_started_at"]) == (order_id, scan_started_at)
    assert row["_ab_cdc_deleted_at"] >= scan_started_at  # found during the scan (same offset, -03:00)


def test_given_order_deleted_between_list_and_detail_when_read_then_tombstone(
    simulator: str, tmp_path: Path
) -> None:
    victim = 884100056  # an order of the seed-42 data set
    assert admin(simulator, "POST", f"delete?id={victim}&when=listed") == {"deleted": {str(victim): True}}

    messages = read(tmp_path, make_config(tmp_path, simulator), streams=["orders"])

    orders = records(messages, "orders")
    assert len(orders) == 300 and len({row["id"] for row in orders}) == 300
    (tombstone,) = _tombstones(messages)
    _assert_tombstone(tombstone, victim, orders[0]["_scan_started_at"])
    assert any(
        f"orders: emitted as deleted {victim}: listed by the search, but pedido.obter answers codigo_erro 32"
        in message
        for message in logs(messages)
    )
    # a deleted order is not one the next scan must list again
    recent = final_states(messages)["orders"]["stream"]["stream_state"]["recent"]
    assert str(victim) not in {order_id for ids in recent.values() for order_id in ids}


def test_given_synced_order_deleted_when_read_again_then_tombstone_from_the_re_scan(
    simulator: str, tmp_path: Path
) -> None:
    config = make_config(tmp_path, simulator)
    first = read(tmp_path, config, streams=["orders"])
    by_age = sorted(records(first, "orders"), key=lambda row: (row["data_pedido"], row["id"]))
    newest, oldest = by_age[-1]["id"], by_age[0]["id"]
    recent = final_states(first)["orders"]["stream"]["stream_state"]["recent"]
    for order_id in (newest, oldest):
        assert admin(simulator, "POST", f"delete?id={order_id}") == {"deleted": {str(order_id): True}}
    admin(simulator, "DELETE", "requests")

    second = read(tmp_path, config, streams=["orders"], state=write_state(tmp_path, first))

    # Nothing changed since the first scan but the deletions: the only record is the newest order's
    # tombstone. The oldest order is not among the 100 newest the state keeps: its deletion is not seen.
    (tombstone,) = records(second, "orders")
    after = final_states(second)["orders"]["stream"]["stream_state"]
    _assert_tombstone(tombstone, newest, after["updated_since"])
    calls = [(r["endpoint"], r["params"]) for r in admin(simulator, "GET", "requests")]
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
    config = make_config(tmp_path, simulator)
    first = read(tmp_path, config, streams=["orders", "contacts"])
    # 10 open orders move one step, 5 new orders arrive today, 1 contact changes.
    changes = admin(simulator, "POST", "advance?orders=10&new=5&contacts=1")

    second = read(tmp_path, config, streams=["orders", "contacts"], state=write_state(tmp_path, first))

    orders = {str(r["id"]) for r in records(second, "orders")}
    assert orders == {u["id"] for u in changes["updated"]} | set(changes["created"])
    contacts = {str(r["id"]) for r in records(second, "contacts")}
    assert set(changes["contacts_updated"]) <= contacts  # and the new orders' first-time customers
    before = final_states(first)["orders"]["stream"]["stream_state"]["updated_since"]
    after = final_states(second)["orders"]["stream"]["stream_state"]["updated_since"]
    assert after > before  # the cursor moved on to the second scan


def test_given_state_in_year_2100_when_read_then_no_incremental_record_and_state_kept(
    simulator: str, tmp_path: Path
) -> None:
    incremental = ["orders", "pos_sales", "contacts", "invoices"]
    messages = read(tmp_path, make_config(tmp_path, simulator), streams=incremental, state=ABNORMAL_STATE)

    assert Counter(m["record"]["stream"] for m in messages if m["type"] == "RECORD") == Counter()
    expected_states = {
        s["stream"]["stream_descriptor"]["name"]: s["stream"]["stream_state"]
        for s in json.loads(ABNORMAL_STATE.read_text())
    }
    for name, state in expected_states.items():
        assert final_states(messages)[name]["stream"]["stream_state"] == state
