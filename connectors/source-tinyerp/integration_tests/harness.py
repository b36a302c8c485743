"""What the simulator tests share: the connector binary, the simulator's admin routes, configs, runs.

The simulator (``commerce_simulators.tinyerp``, the repository's ``simulators/`` distribution, a dev
dependency of this project) runs as a subprocess (``conftest.py``); the connector runs as the console
script installed in this project's environment. The two never import each other.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONNECTOR_DIR = Path(__file__).resolve().parents[1]
INTEGRATION_DIR = CONNECTOR_DIR / "integration_tests"
CATALOG = INTEGRATION_DIR / "configured_catalog.json"
ABNORMAL_STATE = INTEGRATION_DIR / "abnormal_state.json"
EXPECTED_RECORDS = INTEGRATION_DIR / "expected_records.jsonl"
TOKEN = "sim-token"  # the simulator's default token
START_DATE = "2025-10-01"  # the simulator's history: 01/10/2025 - 31/12/2025
RUN_TIMEOUT_S = 300


def connector_binary() -> str:
    candidate = Path(sys.executable).with_name("source-tinyerp")
    found = str(candidate) if candidate.exists() else shutil.which("source-tinyerp")
    assert found, (
        "source-tinyerp is not installed in this environment: run `uv sync` in connectors/source-tinyerp"
    )
    return found


def admin(api_url: str, method: str, route: str, body: Any = None) -> Any:
    """``/__admin/<route>`` on the simulator's host (the API lives under ``/api2``)."""
    root = api_url.rsplit("/api2", 1)[0]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{root}/__admin/{route}", data=data, method=method)
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback simulator
        return json.load(response)


def make_config(tmp_path: Path, base_url: str, **overrides: Any) -> Path:
    values = {"api_token": TOKEN, "start_date": START_DATE, "base_url": base_url, "window_days": 30}
    values.update(overrides)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(values))
    return path


@dataclass
class Run:
    returncode: int
    stdout: str  # everything the connector printed: every Airbyte message, log and trace
    stderr: str
    messages: list[dict]

    @property
    def errors(self) -> list[dict]:
        return [
            m["trace"]["error"]
            for m in self.messages
            if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
        ]


def run(*args: str) -> Run:
    completed = subprocess.run(
        [connector_binary(), *args], capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False
    )
    messages = [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]
    return Run(completed.returncode, completed.stdout, completed.stderr, messages)


def read_run(
    tmp_path: Path,
    config_path: Path,
    streams: list[str] | None = None,
    state: Path | None = None,
    *,
    debug: bool = False,
) -> Run:
    """A ``read`` of ``streams`` (default: all), whatever its outcome; ``debug``: the CDK's ``--debug``."""
    catalog = json.loads(CATALOG.read_text())
    if streams is not None:
        catalog["streams"] = [s for s in catalog["streams"] if s["stream"]["name"] in streams]
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    args = ["read", "--config", str(config_path), "--catalog", str(catalog_path)]
    if state is not None:
        args += ["--state", str(state)]
    return run(*args, *(["--debug"] if debug else []))


def read(
    tmp_path: Path, config_path: Path, streams: list[str] | None = None, state: Path | None = None
) -> list[dict]:
    """The messages of a ``read`` that must succeed."""
    result = read_run(tmp_path, config_path, streams, state)
    assert result.returncode == 0 and not result.errors, (result.returncode, result.errors)
    return result.messages


def records(messages: list[dict], stream: str) -> list[dict]:
    return [
        m["record"]["data"] for m in messages if m["type"] == "RECORD" and m["record"]["stream"] == stream
    ]


def final_states(messages: list[dict]) -> dict[str, dict]:
    states: dict[str, dict] = {}
    for message in messages:
        if message["type"] == "STATE":
            states[message["state"]["stream"]["stream_descriptor"]["name"]] = message["state"]
    return states


def write_state(tmp_path: Path, messages: list[dict]) -> Path:
    path = tmp_path / "state.json"
    path.write_text(json.dumps(list(final_states(messages).values())))
    return path


def logs(messages: list[dict]) -> list[str]:
    return [m["log"]["message"] for m in messages if m["type"] == "LOG"]


def connection_status(config_path: Path) -> dict:
    result = run("check", "--config", str(config_path))
    statuses = [m["connectionStatus"] for m in result.messages if m["type"] == "CONNECTION_STATUS"]
    assert result.returncode == 0 and len(statuses) == 1, (result.returncode, result.messages[-3:])
    return statuses[0]
