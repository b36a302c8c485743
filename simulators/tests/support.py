"""Helpers shared by the simulator tests: real HTTP (urllib) against servers on 127.0.0.1:0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from typing import Any, TypeVar

import pytest

from commerce_simulators.core.ready import ReadyLineError, parse_ready


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
    try:
        url = parse_ready(line, name)
        assert line.endswith("\n") and url.startswith("http://127.0.0.1:"), line
    except (ReadyLineError, AssertionError):
        proc.kill()
        _, err = proc.communicate(timeout=10)
        pytest.fail(f"unexpected first stdout line {line!r}; stderr: {err}")
    return proc, url


@contextmanager
def running_cli(name: str, *args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """`start_cli`, then terminated on the way out if still running (the test checks how it ended)."""
    proc, url = start_cli(name, *args)
    try:
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.communicate(timeout=10)


def stop_cli(proc: subprocess.Popen[str], sig: signal.Signals = signal.SIGTERM) -> str:
    """Stop it with `sig` and check it stopped cleanly, the ready line its only stdout; its stderr."""
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert out == ""  # the URL line is the only stdout output
    assert "stopped" in err
    return err


def run_cli(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A run expected to end by itself (e.g. a usage error)."""
    command = [sys.executable, "-m", f"commerce_simulators.{name}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=30)


def read_head(sock: Any) -> bytes:
    """An HTTP response head read byte by byte from a raw (or TLS) socket, so nothing after it is
    consumed: a tunnel's TLS handshake follows a CONNECT answer on the same socket."""
    data = b""
    while not data.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        assert byte, data
        data += byte
    return data
