"""Start a simulator as a subprocess of any interpreter that has this distribution installed, and
get its base URL from the ready line:

    with launch("tinyerp", "--requests-per-minute", "100000") as url:
        ...  # url == "http://127.0.0.1:<port>/api2"

The simulator listens on a free port (`--port 0`); its stderr is passed through to this process's
stderr (and the last lines of it name the cause when it fails to start). On exit it is terminated,
and killed if it has not stopped within 10 s.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import IO

from .core.ready import ReadyLineError, parse_ready

STOP_SECONDS = 10
_EXPLAIN_SECONDS = 2  # for a simulator that printed the wrong line to write its error and exit
_STDERR_TAIL_LINES = 40


class SimulatorStartError(RuntimeError):
    """The simulator exited, printed something else or stayed silent instead of its ready line."""


class _StderrTail(threading.Thread):
    """Copies the simulator's stderr to ours and keeps its last lines for error messages."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(name="simulator-stderr", daemon=True)
        self.stream = stream
        self.lines: deque[str] = deque(maxlen=_STDERR_TAIL_LINES)

    def run(self) -> None:
        for line in self.stream:
            self.lines.append(line)
            sys.stderr.write(line)
            sys.stderr.flush()

    def text(self) -> str:
        self.join(timeout=2)  # the process has ended (or been killed): the pipe is at its end
        return "".join(self.lines).rstrip() or "(nothing)"


def _ready_url(name: str, stdout: IO[str], timeout: float) -> str | ReadyLineError | None:
    """The URL of the first stdout line, why that line is not a ready line, or None (no line in time)."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        return None
    if not line:
        return ReadyLineError("it exited before printing its ready line")
    try:
        return parse_ready(line, name)
    except ReadyLineError as exc:
        return exc


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def launch(
    name: str,
    *args: str,
    python: str = sys.executable,
    env: dict[str, str] | None = None,
    timeout: float = 30,
) -> Iterator[str]:
    """Run `python -m commerce_simulators.<name> --port 0 *args` and yield the URL of its ready line.

    `env` adds variables to this process's environment. SimulatorStartError (naming the simulator,
    with its exit code and stderr) when no ready line came within `timeout` seconds."""
    command = [python, "-m", f"commerce_simulators.{name}", "--port", "0", *args]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        )
    except OSError as exc:
        raise SimulatorStartError(f"the {name} simulator did not start: cannot run {python}: {exc}") from exc
    assert process.stdout is not None and process.stderr is not None
    stderr = _StderrTail(process.stderr)
    stderr.start()
    try:
        url = _ready_url(name, process.stdout, timeout)
        if not isinstance(url, str):
            if url is not None:  # it printed something else or exited: let it finish saying why
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=_EXPLAIN_SECONDS)
            _stop(process)
            reason = f"no ready line within {timeout:g}s" if url is None else str(url)
            raise SimulatorStartError(
                f"the {name} simulator did not start: {reason} (exit code {process.returncode}); "
                f"command: {' '.join(command)}; its stderr:\n{stderr.text()}"
            )
        yield url
    finally:
        _stop(process)
        stderr.join(timeout=2)
