"""`python -m commerce_simulators.fakestore`: the URL line, the ready file, clean stops."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from ..support import request, run_cli, running_cli, stop_cli


def _get_json(url: str):
    return request("GET", url).json()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_serves_and_stops(tmp_path: Path, sig: signal.Signals):
    ready = tmp_path / "ready.txt"
    with running_cli("fakestore", "--ready-file", str(ready)) as (proc, url):
        assert ready.read_text() == url + "\n"
        assert len(_get_json(url + "/products")) == 20
        window = _get_json(url + "/carts?startdate=2020-03-01&enddate=2020-03-02")
        assert [c["id"] for c in window] == [3, 5, 6, 7]
        stop_cli(proc, sig)
    assert not ready.exists()


def test_cli_options():
    counts = ("--products", "40", "--users", "30", "--carts", "100")
    with running_cli("fakestore", "--seed", "7", *counts, "--new-carts", "3") as (proc, url):
        stats = _get_json(url + "/__admin/stats")
        assert (stats["seed"], stats["products"], stats["users"], stats["carts"]) == (7, 40, 30, 103)
        assert stats["added_carts"] == 3
        carts = _get_json(url + "/carts?sort=desc&limit=4")
        assert [c["id"] for c in carts] == [103, 102, 101, 100]
        base_max = max(c["date"] for c in _get_json(url + "/carts?limit=100"))
        assert all(c["date"] > base_max for c in carts[:3])
        stop_cli(proc)


def test_cli_rejects_bad_counts():
    result = run_cli("fakestore", "--products", "5")
    assert result.returncode == 2 and "products must be >= 20" in result.stderr
    assert result.stdout == ""
