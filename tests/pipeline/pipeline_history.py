"""The end-to-end tests' shared history: one warehouse, four pipeline runs, in order.

1. a first run with the pipeline's own simulator;
2. new carts in an external simulator with the same seed (the same API, continued);
3. nothing new;
4. new carts plus a suite that fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from commerce_stack.paths import EXPECTATIONS_DIR, ROOT
from commerce_stack.simulators.fakestore import FakeStoreSimulator
from commerce_stack.warehouse import fingerprints, row_counts


@dataclass
class Run:
    returncode: int
    output: str
    summary: dict[str, Any]
    marts: dict[str, str]  # prod fingerprints after the run
    requests: list[dict[str, Any]]  # what the connector asked the simulator (external runs)


class Pipeline:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.warehouse = workdir / "warehouse.duckdb"
        self.env = {
            **os.environ,
            "COMMERCE_WAREHOUSE_PATH": str(self.warehouse),
            "COMMERCE_EXPECTATIONS_DIR": str(EXPECTATIONS_DIR),
        }

    def run(self, *args: str, sim: FakeStoreSimulator | None = None, **env: str) -> Run:
        if sim is not None:
            sim.request_stats.reset()
            env = {"FAKESTORE_BASE_URL": sim.url, **env}
            args = (*args, "--no-simulator")
        completed = subprocess.run(
            [sys.executable, "-m", "commerce_stack.cli", "run", *args],
            cwd=ROOT,
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=900,
        )
        print(completed.stdout[-4000:])
        summaries = sorted((self.workdir / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
        return Run(
            returncode=completed.returncode,
            output=completed.stdout,
            summary=json.loads(summaries[-1].read_text()),
            marts=fingerprints("marts", self.warehouse),
            requests=sim.requests() if sim else [],
        )

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql).fetchall()


def build_history(workdir: Path) -> dict[str, Any]:
    pipeline = Pipeline(workdir)
    runs: dict[str, Any] = {"pipeline": pipeline}

    runs["first"] = pipeline.run()
    runs["first_raw"] = row_counts("raw_fakestore", pipeline.warehouse)

    # The same seed and profile as the pipeline's own simulator: the same API, continued.
    with FakeStoreSimulator(seed=42, profile="reference") as sim:
        runs["added"] = sim.add_carts(5)
        runs["second"] = pipeline.run(sim=sim)
        runs["third"] = pipeline.run(sim=sim)

        runs["late"] = sim.add_carts(3)
        suites = pipeline.workdir / "expectations"
        shutil.copytree(EXPECTATIONS_DIR, suites)
        orders_suite = suites / "expectations" / "marts" / "orders.json"
        suite = json.loads(orders_suite.read_text())
        suite["expectations"].append(
            {
                "type": "expect_table_row_count_to_be_between",
                "kwargs": {"max_value": 12},
                "meta": {"owner": "e2e_test"},
                "severity": "critical",
            }
        )
        orders_suite.write_text(json.dumps(suite))
        runs["blocked"] = pipeline.run(sim=sim, COMMERCE_EXPECTATIONS_DIR=str(suites))
    return runs


# The SQLMesh project, as the pipeline loads it (tests copy it to inject changes).
PROJECT_FILES = ("config.yaml", "external_models.yaml", "models", "audits", "macros")


def copy_project(into: Path, *, with_unit_tests: bool) -> Path:
    into.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, into / name)
    (into / "tests").mkdir()
    if with_unit_tests:
        for test in ROOT.glob("tests/test_*.yaml"):
            shutil.copy2(test, into / "tests" / test.name)
    return into
