"""`python -m commerce_simulators.linnworks`: the URL line, options, clean stops."""

from __future__ import annotations

import signal
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from ..support import request, run_cli, running_cli, stop_cli


def _post(url: str, form: dict[str, str] | None = None, token: str | None = None) -> Any:
    headers = {"Authorization": token} if token else {}
    return request("POST", url, urllib.parse.urlencode(form or {}).encode(), headers).json()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_serves_and_stops(tmp_path: Path, sig: signal.Signals):
    ready = tmp_path / "ready.txt"
    with running_cli("linnworks", "--ready-file", str(ready)) as (proc, url):
        assert ready.read_text() == url + "\n"
        form = {
            "applicationId": "sim-application-id",
            "applicationSecret": "sim-application-secret",
            "token": "sim-installation-token",
        }
        auth = _post(f"{url}/api/Auth/AuthorizeByApplication", form)
        assert isinstance(auth, dict) and auth["Server"] == url and auth["TTL"] == 1800
        locations = _post(f"{auth['Server']}/api/Inventory/GetStockLocations", token=auth["Token"])
        assert isinstance(locations, list) and len(locations) == 3
        stop_cli(proc, sig)
    assert not ready.exists()


def test_cli_options():
    with running_cli(
        "linnworks",
        *("--seed", "7", "--orders", "60", "--items", "20", "--ttl", "5"),
        *("--application-id", "app", "--application-secret", "s3cret", "--token", "tok", "--advance", "48"),
    ) as (proc, url):
        auth = _post(
            f"{url}/api/Auth/AuthorizeByApplication",
            {"applicationId": "app", "applicationSecret": "s3cret", "token": "tok"},
        )
        assert isinstance(auth, dict) and auth["TTL"] == 5
        stats = request("GET", f"{url}/__admin/stats").json()
        assert (stats["seed"], stats["stock_items"], stats["advance_steps"]) == (7, 20, 1)
        assert stats["orders"] > 60 and stats["data_now"] == "2026-01-03T00:00:00.000Z"
        stop_cli(proc)


def test_cli_rejects_bad_options():
    result = run_cli("linnworks", "--items", "2")
    assert result.returncode == 2 and "items must be >= 5" in result.stderr
