"""`python -m commerce_simulators.fakestore`: the URL line, the ready file, clean stops."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ..support import start_cli

MODULE = "commerce_simulators.fakestore"


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    return start_cli("fakestore", *args)


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_serves_and_stops(tmp_path: Path, sig: signal.Signals):
    ready = tmp_path / "ready.txt"
    proc, url = _start("--ready-file", str(ready))
    try:
        assert ready.read_text() == url + "\n"
        assert len(_get_json(url + "/products")) == 20
        window = _get_json(url + "/carts?startdate=2020-03-01&enddate=2020-03-02")
        assert [c["id"] for c in window] == [3, 5, 6, 7]
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out == ""  # the URL line is the only stdout output
    assert "stopped" in err
    assert not ready.exists()


def test_cli_options():
    counts = ("--products", "40", "--users", "30", "--carts", "100")
    proc, url = _start("--seed", "7", *counts, "--new-carts", "3")
    try:
        stats = _get_json(url + "/__admin/stats")
        assert (stats["seed"], stats["products"], stats["users"], stats["carts"]) == (7, 40, 30, 103)
        assert stats["added_carts"] == 3
        carts = _get_json(url + "/carts?sort=desc&limit=4")
        assert [c["id"] for c in carts] == [103, 102, 101, 100]
        base_max = max(c["date"] for c in _get_json(url + "/carts?limit=100"))
        assert all(c["date"] > base_max for c in carts[:3])
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert proc.returncode == 0


def test_cli_rejects_bad_counts():
    result = subprocess.run(
        [sys.executable, "-m", MODULE, "--products", "5"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "products must be >= 20" in result.stderr
    assert result.stdout == ""
