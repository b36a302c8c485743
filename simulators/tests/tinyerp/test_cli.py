"""`python -m commerce_simulators.tinyerp`: the URL line, options, clean stops."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from ..support import start_cli

MODULE = "commerce_simulators.tinyerp"


def _start(*args: str) -> tuple[subprocess.Popen[str], str]:
    return start_cli("tinyerp", *args)


def _get(url: str) -> tuple[dict[str, str], dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(response.headers), json.loads(response.read())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_serves_and_stops(tmp_path: Path, sig: signal.Signals):
    ready = tmp_path / "ready.txt"
    proc, url = _start("--ready-file", str(ready))
    try:
        assert ready.read_text() == url + "\n"
        headers, body = _get(f"{url}/pedidos.pesquisa.php?token=sim-token&formato=json")
        assert headers["x-limit-api"] == "60"
        assert body["retorno"]["numero_paginas"] == "3"
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out == ""  # the URL line is the only stdout output
    assert "stopped" in err and not ready.exists()


def test_cli_options():
    proc, url = _start(
        "--seed",
        "7",
        "--orders",
        "120",
        "--token",
        "t0k",
        "--requests-per-minute",
        "30",
        "--concurrency",
        "2",
        "--advance",
        "10",
        "--manual-clock",
        "--now",
        "05/01/2026 08:00:00",
    )
    base = url.removesuffix("/api2")
    try:
        headers, body = _get(f"{url}/pedidos.pesquisa?token=t0k&formato=json&dataAtualizacao=05/01/2026")
        assert headers["x-limit-api"] == "30"
        assert int(body["retorno"]["numero_paginas"]) == 1 and len(body["retorno"]["pedidos"]) >= 10
        _, bad = _get(f"{url}/info.php?token=sim-token&formato=json")
        assert bad["retorno"]["codigo_erro"] == "2"
        _, stats = _get(f"{base}/__admin/stats")
        assert (stats["seed"], stats["orders"], stats["advance_steps"]) == (7, 125, 1)
        assert (stats["limiter"]["requests_per_minute"], stats["limiter"]["concurrency"]) == (30, 2)
        _, clock = _get(f"{base}/__admin/clock")
        assert clock["now"] == "2026-01-05T08:00:00-03:00" and clock["manual"]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
    assert proc.returncode == 0


def test_cli_rejects_bad_options():
    result = subprocess.run(
        [sys.executable, "-m", MODULE, "--products", "2"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "products must be >= 5" in result.stderr
