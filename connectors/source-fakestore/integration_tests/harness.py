"""What the simulator tests share: the ``source-fakestore`` binary and its ``read`` runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

CONNECTOR_DIR = Path(__file__).resolve().parents[1]
CATALOG = CONNECTOR_DIR / "integration_tests" / "configured_catalog.json"
READ_TIMEOUT_S = 300


def connector_binary() -> str:
    candidate = Path(sys.executable).with_name("source-fakestore")
    found = str(candidate) if candidate.exists() else shutil.which("source-fakestore")
    assert found, (
        "source-fakestore is not installed in this environment: run `uv sync` in connectors/source-fakestore"
    )
    return found


def read_run(
    tmp_path: Path,
    base_url: str,
    state: Path | None = None,
    streams: tuple[str, ...] | None = None,
    **options: Any,
) -> subprocess.CompletedProcess[str]:
    """A ``read`` of ``streams`` (default: all) from ``base_url`` (config ``options`` added), whatever
    its outcome."""
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"base_url": base_url, "start_date": "2019-01-01T00:00:00Z", **options}))
    catalog = json.loads(CATALOG.read_text())
    if streams is not None:
        catalog["streams"] = [s for s in catalog["streams"] if s["stream"]["name"] in streams]
    catalog_path = tmp_path / "catalog.json"
    catalog_path.write_text(json.dumps(catalog))
    command = [connector_binary(), "read", "--config", str(config), "--catalog", str(catalog_path)]
    if state is not None:
        command += ["--state", str(state)]
    return subprocess.run(command, capture_output=True, text=True, timeout=READ_TIMEOUT_S, check=False)


def messages(completed: subprocess.CompletedProcess[str]) -> list[dict]:
    return [json.loads(line) for line in completed.stdout.splitlines() if line.startswith("{")]


def errors(completed: subprocess.CompletedProcess[str]) -> list[dict]:
    return [
        m["trace"]["error"]
        for m in messages(completed)
        if m["type"] == "TRACE" and m["trace"]["type"] == "ERROR"
    ]


def records(all_messages: list[dict], stream: str) -> list[dict]:
    return [
        m["record"]["data"] for m in all_messages if m["type"] == "RECORD" and m["record"]["stream"] == stream
    ]
