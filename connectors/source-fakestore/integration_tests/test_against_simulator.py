"""End to end: the ``source-fakestore`` binary against the project's local FakeStore simulator.

The simulator (``commerce_simulators.fakestore``, the repository's ``simulators/`` distribution, a dev
dependency of this project) runs as a subprocess of this project's own interpreter, started with
``commerce_simulators.launch``; the connector runs as the console script installed in this project's
environment. Nothing is skipped: if the simulator cannot start, the tests fail.

Run: ``cd connectors/source-fakestore && uv run pytest integration_tests -q``.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import errors, messages, read_run

from commerce_simulators.launch import launch

ABNORMAL_STATE = Path(__file__).with_name("abnormal_state.json")
STARTUP_TIMEOUT_S = 30


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    """Start the simulator on a free port and yield the URL it prints."""
    with launch("fakestore", python=sys.executable, timeout=STARTUP_TIMEOUT_S) as url:
        yield url


def _read(tmp_path: Path, base_url: str, state: Path | None = None) -> list[dict]:
    completed = read_run(tmp_path, base_url, state)
    found = errors(completed)
    assert completed.returncode == 0 and not found, (completed.returncode, found, completed.stderr[-2000:])
    return messages(completed)


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


def test_given_reference_simulator_when_read_then_20_products_10_users_7_carts_and_carts_state(
    simulator_url: str, tmp_path: Path
) -> None:
    messages = _read(tmp_path, simulator_url)

    counts = Counter(m["record"]["stream"] for m in messages if m["type"] == "RECORD")
    assert counts == {"products": 20, "users": 10, "carts": 7}
    assert sorted(c["id"] for c in _records(messages, "carts")) == [1, 2, 3, 4, 5, 6, 7]
    assert all("password" not in u for u in _records(messages, "users"))
    assert _final_states(messages)["carts"]["stream"]["stream_state"] == {"date": "2020-03-02T00:00:00.000Z"}


def test_given_trailing_slash_base_url_when_read_then_same_records(
    simulator_url: str, tmp_path: Path
) -> None:
    messages = _read(tmp_path, simulator_url + "/")

    counts = Counter(m["record"]["stream"] for m in messages if m["type"] == "RECORD")
    assert counts == {"products": 20, "users": 10, "carts": 7}


def test_given_state_in_year_2100_when_read_then_no_cart_and_state_kept(
    simulator_url: str, tmp_path: Path
) -> None:
    messages = _read(tmp_path, simulator_url, state=ABNORMAL_STATE)

    assert _records(messages, "carts") == []
    assert _final_states(messages)["carts"]["stream"]["stream_state"] == {"date": "2100-01-01T00:00:00.000Z"}


def test_given_prior_state_and_new_carts_when_read_then_new_carts_read_and_state_advances(
    simulator_url: str, tmp_path: Path
) -> None:
    first = _read(tmp_path, simulator_url)
    state = _write_state(tmp_path, first)
    # The simulator's admin route appends the next deterministic carts, dated after the last one.
    request = urllib.request.Request(f"{simulator_url}/__admin/carts?count=2", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback simulator
        added = json.load(response)
    assert len(added) == 2

    second = _read(tmp_path, simulator_url, state=state)

    cart_ids = {c["id"] for c in _records(second, "carts")}
    assert {c["id"] for c in added} <= cart_ids
    # Only the lookback (3 days before 2020-03-02) is re-read, never the whole history.
    assert cart_ids.isdisjoint({2, 4})
    newest = max(c["date"] for c in added)
    assert _final_states(second)["carts"]["stream"]["stream_state"] == {"date": newest}
