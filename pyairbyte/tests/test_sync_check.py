"""The runner reads without running the connector's `check` first (an Airbyte instance checks a
source when it is set up, not before each sync); only a failed read runs `check`, for the one line
that names what to fix. Against the TinyERP simulator, which counts the calls per endpoint: its
`check` is the only caller of `info`.

The simulators are not installed in this environment (they are stdlib only, installed in the root
one): `launch` starts one with the root environment's interpreter."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from commerce_stack.paths import ROOT

sys.path.insert(0, str(ROOT / "simulators"))
from commerce_simulators.launch import launch  # noqa: E402

ROOT_PYTHON = str(ROOT / ".venv" / "bin" / "python")
RUNNER = [sys.executable, "-m", "commerce_pyairbyte.sync", "--connection", "tinyerp"]
ORDERS = 5
WRONG_TOKEN = "not+the/token=="  # URL-encodes to something else: both spellings are looked for


@pytest.fixture(scope="module")
def tinyerp() -> Iterator[str]:
    args = ("--seed", "42", "--orders", str(ORDERS), "--requests-per-minute", "100000")
    with launch("tinyerp", *args, python=ROOT_PYTHON) as url:
        yield url


def _admin(api_url: str, method: str, route: str) -> dict:
    root = api_url.rsplit("/api2", 1)[0]
    request = urllib.request.Request(f"{root}/__admin/{route}", method=method)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback simulator
        return json.load(response)


def _sync(api_url: str, warehouse: Path, token: str) -> subprocess.CompletedProcess[str]:
    _admin(api_url, "POST", "reset")
    env = {
        **os.environ,
        "TINYERP_BASE_URL": api_url,
        "TINYERP_API_TOKEN": token,
        "TINYERP_START_DATE": "2023-01-01",
        "TINYERP_WINDOW_DAYS": "30",
    }
    return subprocess.run(
        [*RUNNER, "--warehouse", str(warehouse)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_given_the_right_token_when_synced_then_no_check_runs(tinyerp, tmp_path):
    done = _sync(tinyerp, tmp_path / "warehouse.duckdb", "sim-token")
    assert done.returncode == 0, done.stderr[-2000:]
    calls = _admin(tinyerp, "GET", "stats")["requests_by_endpoint"]
    assert "info" not in calls, calls
    assert calls["pedidos.pesquisa"] >= 1
    with duckdb.connect(str(tmp_path / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM raw_tinyerp.orders").fetchone() == (ORDERS,)


def test_given_a_wrong_token_when_synced_then_the_check_s_one_line_names_the_variable(tinyerp, tmp_path):
    done = _sync(tinyerp, tmp_path / "warehouse.duckdb", WRONG_TOKEN)
    assert done.returncode == 1
    failure = [line for line in done.stderr.splitlines() if line.startswith("SYNC FAILED")]
    assert len(failure) == 1, done.stderr[-2000:]
    assert failure[0].startswith(
        "SYNC FAILED: connection tinyerp: check failed: TinyERP rejected the API token (codigo_erro 2"
    )
    assert failure[0].endswith("; check TINYERP_API_TOKEN (read by airbyte_config/sources/tinyerp.yaml)")
    assert _admin(tinyerp, "GET", "stats")["requests_by_endpoint"]["info"] == 1  # check ran once
    assert "Traceback" not in done.stderr
    spellings = {
        WRONG_TOKEN,
        urllib.parse.quote(WRONG_TOKEN, safe=""),
        urllib.parse.quote_plus(WRONG_TOKEN),
        base64.b64encode(WRONG_TOKEN.encode()).decode(),
    }
    written = [done.stdout, done.stderr]
    # and every file the run left: the warehouse, the runner's logs and temporary folder
    written += [p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()]
    assert [s for s in spellings if any(s in text for text in written)] == []
