"""Helpers shared by the simulator tests: real HTTP (urllib) against servers on 127.0.0.1:0."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any, TypeVar

import pytest


@dataclass
class HttpResult:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


R = TypeVar("R", bound=HttpResult)


def request(
    method: str,
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    result: type[R] = HttpResult,  # type: ignore[assignment]
) -> R:
    """One request; an HTTP error status is a result like any other."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return result(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return result(error.code, error.headers, error.read())


def start_cli(name: str, *args: str) -> tuple[subprocess.Popen[str], str]:
    """`python -m commerce_simulators.<name> --port 0 ARGS`; its URL from the ready line, which
    these tests read themselves (what `launch` does is tested in core/test_launch.py)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", f"commerce_simulators.{name}", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    suffix = "/api2" if name == "tinyerp" else ""
    match = re.fullmatch(rf"{name.upper()}_SIMULATOR_URL=(http://127\.0\.0\.1:(\d+){suffix})\n", line)
    if not match:
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"unexpected first stdout line {line!r}; stderr: {err}")
    return proc, match.group(1)
