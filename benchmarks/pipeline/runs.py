"""Whole pipeline runs (rows 3 and 5-8): `commerce-stack run` on a private warehouse in /tmp, and
`make run` on a fresh `git clone` of HEAD (the cold run, environments built by `make setup`).

Each run starts its own simulators (as `make run` does: TinyERP at 6,000 requests/minute) and
writes `runs/<run_id>.json` beside its warehouse; that summary's `seconds` and `status` are what
the table shows, with the wall time and memory of the process tree around it.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .measure import ROOT, Measured, clean_env, measure


@dataclass
class Run:
    label: str
    measured: Measured
    log: Path
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> dict[str, float]:
        secs: dict[str, float] = self.summary.get("seconds", {})
        return secs

    @property
    def status(self) -> str:
        return str(self.summary.get("status", f"no summary (exit {self.measured.returncode})"))


def _summaries(warehouse: Path) -> set[Path]:
    return set((warehouse.parent / "runs").glob("*.json"))


def _newest_summary(warehouse: Path, before: set[Path]) -> dict[str, Any]:
    new = sorted(_summaries(warehouse) - before)
    return json.loads(new[-1].read_text()) if new else {}


def pipeline_run(label: str, warehouse: Path, args: list[str]) -> Run:
    """`.venv/bin/commerce-stack run <args>` on `warehouse` (created on the first run)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    before = _summaries(warehouse)
    log = warehouse.parent / f"{label}.log"
    print(f"  run {label}: commerce-stack run {shlex.join(args)}", file=sys.stderr, flush=True)
    with log.open("wb") as sink:
        measured = measure(
            [str(ROOT / ".venv" / "bin" / "commerce-stack"), "run", *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=clean_env(COMMERCE_WAREHOUSE_PATH=str(warehouse)),
            sample_tree=True,
        )
    return Run(label, measured, log, _newest_summary(warehouse, before))


@dataclass
class ColdRun:
    run: Run | None
    clone_seconds: float = 0.0
    commit: str = ""
    failure: str | None = None

    @property
    def setup_seconds(self) -> float | None:
        """`make run`'s wall time minus the pipeline's own total: `make setup`, plus the CLI's start."""
        if self.run is None or "total" not in self.run.seconds:
            return None
        return self.run.measured.seconds - self.run.seconds["total"]


def cold_run(folder: Path, args: list[str], *, keep: bool = False) -> ColdRun:
    """`git clone` HEAD into `folder`/clone, then `make run ARGS=...` there with the warehouse in
    `folder`/cold. uv's package cache (~/.cache/uv) is whatever this machine has: warm once
    `make setup` has run here."""
    clone, warehouse = folder / "clone", folder / "cold" / "warehouse.duckdb"
    shutil.rmtree(clone, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    clone_seconds = time.perf_counter() - started
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True, text=True, check=True
    ).stdout.strip()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    log = warehouse.parent / "cold.log"
    print(f"  cold: make run ARGS={shlex.quote(shlex.join(args))} in a clone of {commit}", file=sys.stderr)
    before = _summaries(warehouse)
    with log.open("wb") as sink:
        measured = measure(
            ["make", "--no-print-directory", "run", f"ARGS={shlex.join(args)}"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=clean_env(COMMERCE_WAREHOUSE_PATH=str(warehouse)),
            cwd=clone,
            sample_tree=True,
        )
    run = Run("cold", measured, log, _newest_summary(warehouse, before))
    failure = None
    if not measured.ok:
        tail = log.read_text(errors="replace").strip().splitlines()[-3:]
        failure = f"make run exited {measured.returncode}: " + " / ".join(tail)
    if not keep:
        shutil.rmtree(clone, ignore_errors=True)
    return ColdRun(run, clone_seconds, commit, failure)
