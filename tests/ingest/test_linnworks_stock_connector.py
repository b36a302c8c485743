"""The stock Linnworks connector, unmodified, against the Linnworks simulator: it reaches the
simulator only through the standard `requests` variables the source declares (HTTPS_PROXY,
NO_PROXY, REQUESTS_CA_BUNDLE), and the local runner syncs it into raw_linnworks."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from commerce_simulators.linnworks import LinnworksSimulator
from commerce_stack.airbyte_config import load_source
from commerce_stack.paths import PYAIRBYTE_PYTHON, ROOT
from commerce_stack.pipeline.local_apis import linnworks_environment

WRONG_SECRET = "not+the/secret=="
RUNNER = [str(PYAIRBYTE_PYTHON), "-m", "commerce_pyairbyte.sync", "--connection", "linnworks"]


@pytest.fixture(scope="module")
def sim():
    with LinnworksSimulator(seed=42, orders=40, items=12) as simulator:
        yield simulator


def _connector_env(sim: LinnworksSimulator) -> dict[str, str]:
    """The connector process's environment, from the source's local_environment declaration."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in linnworks_environment(sim.proxy_url, sim.ca_file).items():
            mp.setenv(name, value)
        return {**os.environ, **load_source("linnworks").environment}


def _check(sim: LinnworksSimulator, tmp_path: Path, secret: str) -> dict:
    config = {
        "application_id": sim.application_id,
        "application_secret": secret,
        "token": sim.token,
        "start_date": "2024-01-01T00:00:00Z",
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    executable = load_source("linnworks").executable
    done = subprocess.run(
        [str(executable), "check", "--config", str(path)],
        env=_connector_env(sim),
        capture_output=True,
        text=True,
        timeout=60,
    )
    messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    return next(m["connectionStatus"] for m in messages if m["type"] == "CONNECTION_STATUS")


def test_given_the_simulator_as_proxy_when_checking_then_the_stock_connector_authorises(sim, tmp_path):
    sim.request_stats.reset()
    assert _check(sim, tmp_path, sim.application_secret) == {"status": "SUCCEEDED"}
    assert [r["route"] for r in sim.requests()] == ["Auth/AuthorizeByApplication"]


def test_given_a_wrong_secret_when_checking_then_the_connector_says_why(sim, tmp_path):
    status = _check(sim, tmp_path, WRONG_SECRET)
    assert status["status"] == "FAILED"
    assert "Error while refreshing access token: Invalid application id, secret or token" in status["message"]
    assert WRONG_SECRET not in status["message"]


def _sync(sim: LinnworksSimulator, warehouse: Path, **env: str) -> subprocess.CompletedProcess[str]:
    variables = {**linnworks_environment(sim.proxy_url, sim.ca_file), **env}
    return subprocess.run(
        [*RUNNER, "--warehouse", str(warehouse)],
        cwd=ROOT,
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_given_a_wrong_secret_when_syncing_then_one_line_names_the_connection_and_the_variables(
    sim, tmp_path
):
    done = _sync(sim, tmp_path / "warehouse.duckdb", LINNWORKS_APPLICATION_SECRET=WRONG_SECRET)
    assert done.returncode == 1
    failure = [line for line in done.stderr.splitlines() if line.startswith("SYNC FAILED")]
    assert len(failure) == 1
    assert failure[0].startswith("SYNC FAILED: connection linnworks: check failed: ")
    assert "Invalid application id, secret or token" in failure[0]
    where = "airbyte_config/sources/linnworks.yaml"
    fix = f"check LINNWORKS_APPLICATION_SECRET, LINNWORKS_TOKEN (read by {where})"
    assert failure[0].endswith("; " + fix)
    assert WRONG_SECRET not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_given_two_syncs_when_landed_then_every_row_carries_its_sync_id(sim, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    first = _sync(sim, warehouse)
    assert first.returncode == 0, first.stderr[-2000:]
    sim.advance(24, orders=3)
    second = _sync(sim, warehouse)
    assert second.returncode == 0, second.stderr[-2000:]
    summary = json.loads(second.stdout.split("SYNC_SUMMARY=", 1)[1])[0]
    assert summary["sync_id"] == 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        by_sync = con.execute(
            "SELECT CAST(_airbyte_meta->>'sync_id' AS INT), count(*) FROM raw_linnworks.stock_items "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
        orders = con.execute(
            "SELECT CAST(_airbyte_meta->>'sync_id' AS INT), count(*), count(DISTINCT norderid) "
            "FROM raw_linnworks.processed_orders GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert by_sync == [(1, 12), (2, 12)]  # a full refresh: every item in each read
    # the second sync re-reads the order on the shared window bound, then the 3 new ones
    assert orders == [(1, 40, 40), (2, 4, 4)]


def test_given_a_wrong_secret_when_running_the_pipeline_then_it_names_the_connection_and_the_variables(
    sim, tmp_path
):
    variables = {
        **linnworks_environment(sim.proxy_url, sim.ca_file),
        "LINNWORKS_APPLICATION_SECRET": WRONG_SECRET,
    }
    variables["COMMERCE_WAREHOUSE_PATH"] = str(tmp_path / "warehouse.duckdb")
    done = subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "commerce-stack"),
            "run",
            "--no-simulator",
            "--connection",
            "linnworks",
        ],
        cwd=ROOT,
        env={**os.environ, **variables},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "SYNC FAILED: connection linnworks: check failed: " in output
    assert "check LINNWORKS_APPLICATION_SECRET, LINNWORKS_TOKEN" in output
    assert WRONG_SECRET not in output
    assert "Traceback" not in output
