"""The ``source-fakestore`` entry point (``source_fakestore.run``)."""

from __future__ import annotations

import json

import pytest
from source_fakestore.run import MANIFEST_PATH, run


def test_given_packaged_manifest_when_located_then_it_exists_next_to_run_module() -> None:
    assert MANIFEST_PATH.name == "manifest.yaml"
    assert MANIFEST_PATH.is_file()


def test_given_spec_command_when_run_then_spec_message_printed(capsys: pytest.CaptureFixture[str]) -> None:
    run(["spec"])

    messages = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    specs = [m for m in messages if m["type"] == "SPEC"]
    assert len(specs) == 1
    assert "base_url" in specs[0]["spec"]["connectionSpecification"]["properties"]


def test_given_missing_config_file_when_run_then_trace_error_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["check", "--config", "/nonexistent/config.json"])

    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    message = json.loads(out.strip().splitlines()[-1])
    assert message["type"] == "TRACE"
    assert message["trace"]["type"] == "ERROR"
    assert message["trace"]["error"]["failure_type"] == "config_error"
    assert "/nonexistent/config.json" in message["trace"]["error"]["message"]
