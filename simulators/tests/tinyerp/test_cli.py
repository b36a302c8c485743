"""`python -m commerce_simulators.tinyerp`: the URL line, options, clean stops."""

from __future__ import annotations

import json
import signal
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ..support import run_cli, running_cli, stop_cli


def _get(url: str) -> tuple[dict[str, str], dict]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return dict(response.headers), json.loads(response.read())


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_url_serves_and_stops(tmp_path: Path, sig: signal.Signals):
    ready = tmp_path / "ready.txt"
    with running_cli("tinyerp", "--ready-file", str(ready)) as (proc, url):
        assert ready.read_text() == url + "\n"
        headers, body = _get(f"{url}/pedidos.pesquisa.php?token=sim-token&formato=json")
        assert headers["x-limit-api"] == "60"
        assert body["retorno"]["numero_paginas"] == "3"
        stop_cli(proc, sig)
    assert not ready.exists()


def test_cli_options():
    with running_cli(
        "tinyerp",
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
    ) as (proc, url):
        base = url.removesuffix("/api2")
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
        stop_cli(proc)


def test_cli_rejects_bad_options():
    result = run_cli("tinyerp", "--products", "2")
    assert result.returncode == 2 and "products must be >= 5" in result.stderr


def test_cli_takes_its_token_from_the_environment_and_never_logs_it(monkeypatch):
    token = "AUD+IT/PR=OBE%41&x"  # kept off the command line, which every user can read in ps
    monkeypatch.setenv("TINYERP_SIMULATOR_TOKEN", token)
    encoded = urllib.parse.quote_plus(token)
    with running_cli("tinyerp", "--verbose") as (proc, url):
        _, ok = _get(f"{url}/info.php?token={encoded}&formato=json")
        _, bad = _get(f"{url}/info.php?token=sim-token&formato=json")
        err = stop_cli(proc)
    assert (ok["retorno"]["status"], bad["retorno"]["codigo_erro"]) == ("OK", "2")
    assert err.count('"GET /api2/info.php?token=****&formato=json HTTP/1.1" 200') == 2  # --verbose
    assert token not in err and encoded not in err and "sim-token" not in err
