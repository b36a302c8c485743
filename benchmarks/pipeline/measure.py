"""Timing and memory of one command: wall seconds, the peak RSS of its largest process, and the
peak of the whole process tree's summed RSS (sampled).

The command runs under a tiny wrapper interpreter that times it and, once it has ended, reads
`getrusage(RUSAGE_CHILDREN).ru_maxrss`: the largest resident set any process of the tree reached
(every process waits for its children, so their usage reaches the wrapper). The wrapper's own
start-up is outside the timed span. The tree's summed RSS is sampled from /proc every
`SAMPLE_SECONDS` by this process, so a peak shorter than that can be missed (it is a lower bound).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_SECONDS = 0.25
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(sys.argv[1], "w") as out:
    json.dump({"returncode": code, "seconds": seconds, "max_rss_kb": peak}, out)
sys.exit(code)
"""

# Offline, no telemetry; and no inherited setting that would send a run elsewhere than the
# simulators it starts, or make a nested `make` join this one's jobserver.
QUIET = {
    "AIRBYTE_OFFLINE_MODE": "1",
    "DO_NOT_TRACK": "1",
    "GX_ANALYTICS_ENABLED": "false",
    "SQLMESH__DISABLE_ANONYMIZED_ANALYTICS": "1",
}
_DROPPED = (
    "FAKESTORE_BASE_URL",
    "FAKESTORE_START_DATE",
    "TINYERP_BASE_URL",
    "TINYERP_API_TOKEN",
    "TINYERP_START_DATE",
    "TINYERP_WINDOW_DAYS",
    "TINYERP_REQUESTS_PER_MINUTE",
    "COMMERCE_PROJECT_DIR",
    "VIRTUAL_ENV",
    "MAKEFLAGS",
    "MFLAGS",
    "MAKELEVEL",
)


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED and not k.startswith("LOADED_THROUGH_")}
    return {**env, **QUIET, **extra}


@dataclass
class Measured:
    seconds: float
    returncode: int
    max_rss_mb: float  # the largest single process of the tree
    tree_peak_mb: float | None = None  # the tree's summed RSS, sampled (None: not sampled)

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _tree_rss_kb(root: int) -> int:
    tree, total = _children(), 0
    todo = list(tree.get(root, []))  # the measuring wrapper itself left out
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_KB
        except (OSError, IndexError, ValueError):
            continue
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb = pid, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(SAMPLE_SECONDS):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))


def measure(
    command: list[str],
    *,
    stdout: IO[bytes] | int | None = subprocess.DEVNULL,
    stderr: IO[bytes] | int | None = None,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    sample_tree: bool = False,
) -> Measured:
    """Run `command` to its end (stderr passes through unless redirected); never raises on a
    non-zero exit."""
    with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        process = subprocess.Popen(
            [sys.executable, "-c", _WRAPPER, report.name, *command],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=env or clean_env(),
            cwd=cwd,
        )
        sampler = _TreeSampler(process.pid) if sample_tree and Path("/proc").is_dir() else None
        if sampler:
            sampler.start()
        process.wait()
        if sampler:
            sampler.done.set()
            sampler.join()
        result = json.loads(Path(report.name).read_text() or "{}")
    if not result:
        raise RuntimeError(f"the measuring wrapper failed (exit {process.returncode}): {command}")
    return Measured(
        seconds=result["seconds"],
        returncode=result["returncode"],
        max_rss_mb=result["max_rss_kb"] / 1024,
        tree_peak_mb=sampler.peak_kb / 1024 if sampler else None,
    )
