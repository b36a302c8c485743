"""The manifest run as an Airbyte instance runs a declarative custom definition: the CDK's
`source-declarative-manifest` runtime (the entry point of the platform's declarative-manifest
image, of the CDK version this connector pins), with the manifest injected in the configuration as
`__injected_declarative_manifest`, not the packaged `source-fakestore` entry point; `spec`,
`discover`, `check` and `read` against the local FakeStore simulator."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from airbyte_cdk.cli.source_declarative_manifest._run import handle_command
from harness import CATALOG
from source_fakestore.run import MANIFEST_PATH

from commerce_simulators.launch import launch


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with launch("fakestore", python=sys.executable, timeout=30) as url:
        yield url


def _platform(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict]:
    """The runtime's messages for one command (the process' entry point, in this process)."""
    try:
        handle_command(list(args))
    except SystemExit as exit_:  # the CDK exits non-zero only on a failure
        assert exit_.code in (0, None), capsys.readouterr().out[-2000:]
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def _config(tmp_path: Path, base_url: str) -> str:
    config = {
        "base_url": base_url,
        "start_date": "2019-01-01T00:00:00Z",
        "__injected_declarative_manifest": yaml.safe_load(MANIFEST_PATH.read_text()),
    }
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return str(path)


def test_given_the_runtime_when_asked_for_its_spec_then_it_wants_the_injected_manifest(capsys) -> None:
    (spec,) = [m["spec"] for m in _platform(capsys, "spec") if m["type"] == "SPEC"]
    assert spec["connectionSpecification"]["required"] == ["__injected_declarative_manifest"]


def test_given_the_injected_manifest_when_discovered_then_the_catalog_is_the_connections(
    tmp_path, capsys
) -> None:
    config = _config(tmp_path, "http://127.0.0.1:9")  # discover reads nothing
    (catalog,) = [
        m["catalog"] for m in _platform(capsys, "discover", "--config", config) if m["type"] == "CATALOG"
    ]
    found = {
        s["name"]: (s["supported_sync_modes"], s.get("default_cursor_field"), s["source_defined_primary_key"])
        for s in catalog["streams"]
    }
    assert found == {
        "products": (["full_refresh"], None, [["id"]]),
        "users": (["full_refresh"], None, [["id"]]),
        "carts": (["full_refresh", "incremental"], ["date"], [["id"]]),
    }


def test_given_the_simulator_when_checked_then_the_connection_succeeds(
    simulator_url, tmp_path, capsys
) -> None:
    config = _config(tmp_path, simulator_url)
    (status,) = [
        m["connectionStatus"]
        for m in _platform(capsys, "check", "--config", config)
        if m["type"] == "CONNECTION_STATUS"
    ]
    assert status["status"] == "SUCCEEDED"


def test_given_the_simulator_when_read_then_every_record_and_the_carts_state(
    simulator_url, tmp_path, capsys
) -> None:
    config = _config(tmp_path, simulator_url)
    messages = _platform(capsys, "read", "--config", config, "--catalog", str(CATALOG))
    counts = Counter(m["record"]["stream"] for m in messages if m["type"] == "RECORD")
    assert counts == {"products": 20, "users": 10, "carts": 7}
    states = [m["state"]["stream"] for m in messages if m["type"] == "STATE"]
    carts = [s["stream_state"] for s in states if s["stream_descriptor"]["name"] == "carts"]
    assert carts[-1] == {"date": "2020-03-02T00:00:00.000Z"}
    users = [
        m["record"]["data"] for m in messages if m["type"] == "RECORD" and m["record"]["stream"] == "users"
    ]
    assert all("password" not in user for user in users)
