"""The API token never leaves the connector, in any encoding, whatever fails.

A simulator of its own accepts a token full of characters that URL, JSON and base64 encodings change;
the config gives it with the trailing newline of a token read from a file. Each run is made with
``--debug`` (the CDK then logs at DEBUG, urllib3's request lines included), and its whole stdout and
stderr are searched for the token in every encoding.
"""

from __future__ import annotations

import base64
import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest
from harness import Run, admin, make_config, read_run, run

from commerce_simulators.launch import launch

TOKEN = "AUD+IT/PR=OBE%41&x"
FROM_FILE = TOKEN + "\n"
FAST = {
    "start_date": "2025-12-29",
    "window_days": 366,
    "retry_wait_factor": 0.01,
    "requests_per_minute": 1000,
}


def _encodings(token: str) -> set[str]:
    forms = set()
    for value in (token, token.strip()):
        forms |= {value, quote(value), quote(value, safe=""), quote_plus(value), json.dumps(value)[1:-1]}
        forms |= {
            base64.b64encode(value.encode()).decode(),
            base64.urlsafe_b64encode(value.encode()).decode(),
        }
    return forms


def _leaks(result: Run) -> list[str]:
    return sorted(form for form in _encodings(FROM_FILE) if form in result.stdout or form in result.stderr)


@pytest.fixture(scope="module")
def token_simulator() -> Iterator[str]:
    with launch("tinyerp", "--requests-per-minute", "100000", "--token", TOKEN, python=sys.executable) as url:
        yield url


@pytest.fixture
def fresh(token_simulator: str) -> str:
    admin(token_simulator, "POST", "reset")
    return token_simulator


def _check(config: Path) -> tuple[Run, dict[str, Any]]:
    result = run("check", "--debug", "--config", str(config))
    statuses = [m["connectionStatus"] for m in result.messages if m["type"] == "CONNECTION_STATUS"]
    assert len(statuses) == 1, result.stdout[-2000:]
    return result, statuses[0]


def test_given_a_rejected_token_when_check_then_failed_and_no_encoding_of_it_anywhere(
    simulator: str, tmp_path: Path
) -> None:
    result, status = _check(make_config(tmp_path, simulator, api_token=FROM_FILE))

    assert status["status"] == "FAILED" and status["message"].startswith("TinyERP rejected the API token")
    assert _leaks(result) == []


def test_given_a_token_read_from_a_file_when_check_then_its_newline_is_stripped(
    fresh: str, tmp_path: Path
) -> None:
    result, status = _check(make_config(tmp_path, fresh, api_token=FROM_FILE))

    assert status == {"status": "SUCCEEDED"}
    assert [e["token"] for e in admin(fresh, "GET", "requests")] == ["valid"]
    assert _leaks(result) == []


@pytest.mark.parametrize(
    "fault",
    [
        {"endpoint": "pedido.obter", "close_connection": True, "times": None},  # resets mid-read
        {"endpoint": "*", "status": 503, "body": "down", "times": None},
    ],
    ids=["connection-reset-mid-read", "persistent-503"],
)
def test_given_a_failing_read_when_the_sync_fails_then_no_encoding_of_the_token_anywhere(
    fresh: str, tmp_path: Path, fault: dict[str, Any]
) -> None:
    admin(fresh, "POST", "faults", fault)
    config = make_config(tmp_path, fresh, api_token=FROM_FILE, max_concurrent_requests=1, **FAST)

    result = read_run(tmp_path, config, streams=["orders"], debug=True)

    assert "TinyERP request: pedidos.pesquisa" in result.stdout  # DEBUG was on
    assert result.errors[0]["message"].startswith("TinyERP at 127.0.0.1:")  # the sync failed
    assert _leaks(result) == []


def test_given_nothing_listening_when_read_fails_then_no_encoding_of_the_token_anywhere(
    tmp_path: Path,
) -> None:
    # requests' text for a refused connection quotes the URL, token included (URL-encoded): never shown.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = make_config(tmp_path, f"http://127.0.0.1:{port}/api2", api_token=FROM_FILE, **FAST)

    result = read_run(tmp_path, config, streams=["orders"], debug=True)

    assert "is unreachable: connection refused" in result.errors[0]["message"]
    assert _leaks(result) == []
