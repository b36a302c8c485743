"""The ``source-tinyerp`` entry point (``source_tinyerp.run``)."""

from __future__ import annotations

import json

import pytest
from source_tinyerp.run import run


def _messages(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def test_given_spec_command_when_run_then_one_spec_message(capsys: pytest.CaptureFixture[str]) -> None:
    run(["spec"])

    specs = [m for m in _messages(capsys.readouterr().out) if m["type"] == "SPEC"]
    assert len(specs) == 1
    assert specs[0]["spec"]["connectionSpecification"]["properties"]["api_token"]["airbyte_secret"] is True


def test_given_missing_config_file_when_run_then_trace_error_and_exit_1(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(["check", "--config", "/nonexistent/config.json"])

    assert exit_info.value.code == 1
    message = _messages(capsys.readouterr().out)[-1]
    assert message["type"] == "TRACE" and message["trace"]["error"]["failure_type"] == "config_error"
    assert "/nonexistent/config.json" in message["trace"]["error"]["message"]


def test_given_config_that_is_not_json_when_run_then_trace_error(tmp_path, capsys) -> None:
    config = tmp_path / "config.json"
    config.write_text("api_token: abc")

    with pytest.raises(SystemExit):
        run(["discover", "--config", str(config)])

    assert _messages(capsys.readouterr().out)[-1]["trace"]["error"]["failure_type"] == "config_error"
