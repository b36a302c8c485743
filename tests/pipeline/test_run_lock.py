"""One run at a time per warehouse: a second `commerce-stack run` or `gate` stops at once, naming the
run in progress, and touches nothing; a lock left by a killed run is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from commerce_stack.paths import ROOT

CLI = str(ROOT / ".venv" / "bin" / "commerce-stack")
HOLDER = """
import sys, time
from commerce_stack.pipeline.lock import run_lock
with run_lock():
    print("HELD", flush=True)
    sys.stdin.readline()  # until the test says so
print("DONE", flush=True)
"""


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "COMMERCE_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb")}


def _holder(tmp_path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER],
        env=_env(tmp_path),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
    return holder


@pytest.mark.parametrize("command", [["run", "--no-simulator"], ["gate"]])
def test_a_second_run_stops_at_once_naming_the_first_and_touches_nothing(tmp_path, command):
    holder = _holder(tmp_path)
    try:
        second = subprocess.run(
            [CLI, *command], env=_env(tmp_path), capture_output=True, text=True, timeout=60
        )
    finally:
        holder.communicate("go\n", timeout=30)
    lock = tmp_path / "run.lock"
    assert (second.returncode, second.stdout) == (1, "")
    assert second.stderr.strip() == (
        f"error: another pipeline run is in progress on this warehouse (pid {holder.pid}, `-c`, started "
        f"{second.stderr.split('started ')[1].split(')')[0]}); wait for it to finish, or stop it, then run "
        f"again (lock: {lock})"
    )
    # at once: no simulator, sync, plan, warehouse, summary or report
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.lock"]
    assert holder.returncode == 0  # the first run went on and finished
    assert lock.read_text() == ""  # and said so


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path, monkeypatch):
    from commerce_stack.pipeline.lock import run_lock

    holder = _holder(tmp_path)
    assert f"pid {holder.pid}" in (tmp_path / "run.lock").read_text()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    with run_lock() as lock:
        assert lock.read_text().startswith(f"pid {os.getpid()}, ")
