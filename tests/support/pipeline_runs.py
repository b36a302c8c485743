"""The end-to-end tests' shared history: one warehouse, four pipeline runs, in order.

1. a first run with the pipeline's own simulators;
2. new carts and TinyERP orders that moved on or arrived, and the newest other TinyERP order
   deleted, in external simulators with the same seeds (the same APIs, continued), and a Linnworks
   day later (the pipeline's own simulator, started `LINNWORKS_HOURS` on: new processed orders,
   stock moved);
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

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.linnworks import LinnworksSimulator
from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_stack.paths import EXPECTATIONS_DIR, ROOT
from commerce_stack.pipeline.local_apis import (
    TINYERP_LOCAL_REQUESTS_PER_MINUTE,
    TINYERP_SIMULATOR_START_DATE,
    TINYERP_SIMULATOR_WINDOW_DAYS,
)
from commerce_stack.warehouse import fingerprints, row_counts


def commerce_stack(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`commerce-stack ARGS` as a user runs it, with `env` added; its output is printed (its end)."""
    completed = subprocess.run(
        [sys.executable, "-m", "commerce_stack.cli", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=900,
    )
    print(completed.stdout[-4000:])
    return completed


@dataclass
class Run:
    returncode: int
    output: str
    summary: dict[str, Any]
    marts: dict[str, str]  # prod fingerprints after the run
    rows_by_source: dict[str, dict[str, int]]  # prod rows per mart per source after the run
    requests: list[dict[str, Any]]  # what the connector asked the simulator (external runs)
    tinyerp_requests: list[dict[str, Any]]  # the same for an external TinyERP simulator


class Pipeline:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.warehouse = workdir / "warehouse.duckdb"
        self.env = {
            **os.environ,
            "COMMERCE_WAREHOUSE_PATH": str(self.warehouse),
            "COMMERCE_EXPECTATIONS_DIR": str(EXPECTATIONS_DIR),
        }

    def run(
        self,
        *args: str,
        sim: FakeStoreSimulator | None = None,
        tiny: TinyErpSimulator | None = None,
        **env: str,
    ) -> Run:
        # A source whose base URL is set is read there; the pipeline simulates the others.
        if sim is not None:
            sim.request_stats.reset()
            env = {"FAKESTORE_BASE_URL": sim.url, **env}
        if tiny is not None:
            tiny.request_stats.clear_log()  # each run's requests only (the simulator outlives runs)
            env = {**tiny_env(tiny), **env}
        completed = commerce_stack("run", *args, env={**self.env, **env})
        summaries = sorted((self.workdir / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
        return Run(
            returncode=completed.returncode,
            output=completed.stdout,
            summary=json.loads(summaries[-1].read_text()),
            marts=fingerprints("marts", self.warehouse),
            rows_by_source=self.rows_by_source(),
            requests=sim.requests() if sim else [],
            tinyerp_requests=tiny.requests() if tiny else [],
        )

    def query(self, sql: str, parameters: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute(sql, parameters).fetchall()

    def rows_of_source(self, table: str, source: str, schema: str = "marts") -> int:
        return self.query(f"SELECT count(*) FROM {schema}.{table} WHERE source = '{source}'")[0][0]

    def rows_by_source(self) -> dict[str, dict[str, int]]:
        if not self.warehouse.exists():
            return {}
        return {
            table: dict(self.query(f"SELECT source, count(*) FROM marts.{table} GROUP BY source"))
            for table in ("customers", "order_lines", "orders", "products")
        }


def tiny_env(tiny: TinyErpSimulator) -> dict[str, str]:
    return {
        "TINYERP_BASE_URL": tiny.url,
        "TINYERP_API_TOKEN": tiny.token,
        "TINYERP_START_DATE": TINYERP_SIMULATOR_START_DATE,
        "TINYERP_WINDOW_DAYS": TINYERP_SIMULATOR_WINDOW_DAYS,
    }


def local_tinyerp_simulator() -> TinyErpSimulator:
    """The TinyERP API the pipeline simulates itself (same seed and limits), to continue from."""
    return TinyErpSimulator(seed=42, requests_per_minute=TINYERP_LOCAL_REQUESTS_PER_MINUTE)


MART_KEYS = {"orders": "order_key", "order_lines": "order_line_key"}
LINNWORKS_MARTS = ("orders", "order_lines", "products", "locations")


def source_mart_rows(pipeline: Pipeline, table: str, source: str, schema: str = "marts") -> dict[str, tuple]:
    """One source's rows of a mart by key, every column (loaded_at, the last, included)."""
    key = MART_KEYS.get(table, table[:-1] + "_key")
    rows = pipeline.query(f"SELECT {key}, * FROM {schema}.{table} WHERE source = '{source}' ORDER BY 1")
    return {row[0]: row[1:] for row in rows}


def tinyerp_mart_rows(pipeline: Pipeline, table: str, schema: str = "marts") -> dict[str, tuple]:
    """TinyERP rows of a mart by key, every column (loaded_at included)."""
    return source_mart_rows(pipeline, table, "tinyerp", schema)


def newest_order_but(pipeline: Pipeline, excluded: set[str]) -> str:
    """The id of the newest TinyERP order in staging (by order day, then id) that is not `excluded`."""
    rows = pipeline.query(
        "SELECT CAST(order_id AS VARCHAR) FROM staging.stg_tinyerp__orders "
        "ORDER BY order_date DESC, order_id DESC"
    )
    return next(order_id for (order_id,) in rows if order_id not in excluded)


@dataclass
class Baseline:
    """A warehouse promoted by one clean run of the pipeline's own simulators. Tests copy it."""

    pipeline: Pipeline
    run: Run

    @property
    def workdir(self) -> Path:
        return self.pipeline.workdir


def first_run(workdir: Path) -> Baseline:
    pipeline = Pipeline(workdir)
    return Baseline(pipeline, pipeline.run())


def copy_workdir(source: Path, into: Path) -> Path:
    """A copy of a run's folder (warehouse, promotion record, summaries, connector cache) to go on
    from; the GX working copy, report and logs are remade by the next run."""
    ignored = shutil.ignore_patterns("gx", "report", "logs", "tmp", "*.log")
    shutil.copytree(source, into, ignore=ignored, dirs_exist_ok=True)
    return into


NO_THELOOK_DAY = ("--thelook-days", "0")
LINNWORKS_HOURS = 24  # how far the Linnworks simulator has moved on after the first run
LINNWORKS_ON = ("--linnworks-advance", str(LINNWORKS_HOURS))


def linnworks_later() -> tuple[LinnworksSimulator, dict[str, Any]]:
    """The pipeline's Linnworks simulator as the second run finds it (not listening), and what
    moving on changed."""
    sim = LinnworksSimulator(seed=42)
    return sim, sim.advance(LINNWORKS_HOURS)


def build_history(first: Baseline, workdir: Path) -> dict[str, Any]:
    """The first run's warehouse, copied, then three more runs on it."""
    pipeline = Pipeline(copy_workdir(first.workdir, workdir))
    runs: dict[str, Any] = {"pipeline": pipeline}
    runs["linnworks_later"], runs["linnworks_changes"] = linnworks_later()
    runs["linnworks_first"] = {t: source_mart_rows(first.pipeline, t, "linnworks") for t in LINNWORKS_MARTS}

    runs["first"] = first.run
    runs["first_raw"] = row_counts("raw_fakestore", first.pipeline.warehouse)
    runs["tinyerp_first"] = {t: tinyerp_mart_rows(first.pipeline, t) for t in ("orders", "order_lines")}

    # The same seeds and profile as the pipeline's own simulators: the same APIs, continued.
    with FakeStoreSimulator(seed=42, profile="reference") as sim, local_tinyerp_simulator() as tiny:
        runs["added"] = sim.add_carts(5)
        runs["tinyerp_changes"] = tiny.advance(6)  # 6 orders move one step, 3 new ones arrive
        runs["tinyerp_deleted"] = newest_order_but(
            first.pipeline, {u["id"] for u in runs["tinyerp_changes"]["updated"]}
        )
        assert tiny.delete_order(runs["tinyerp_deleted"])  # the connector's next scan re-lists it
        runs["second"] = pipeline.run(*LINNWORKS_ON, sim=sim, tiny=tiny)
        runs["tinyerp_second"] = {t: tinyerp_mart_rows(pipeline, t) for t in ("orders", "order_lines")}
        runs["linnworks_second"] = {t: source_mart_rows(pipeline, t, "linnworks") for t in LINNWORKS_MARTS}
        # nothing new from any source: thelook's generator adds no day either (it adds one by default)
        runs["third"] = pipeline.run(*LINNWORKS_ON, *NO_THELOOK_DAY, sim=sim, tiny=tiny)

        runs["late"] = sim.add_carts(3)
        suites = pipeline.workdir / "expectations"
        shutil.copytree(EXPECTATIONS_DIR, suites)
        orders_suite = suites / "expectations" / "marts" / "orders.json"
        suite = json.loads(orders_suite.read_text())
        # as many orders as promoted so far (TinyERP's and 12 carts): the 3 late carts are too many
        promoted_orders = pipeline.query("SELECT count(*) FROM marts.orders")[0][0]
        suite["expectations"].append(
            {
                "type": "expect_table_row_count_to_be_between",
                "kwargs": {"max_value": promoted_orders},
                "meta": {"owner": "e2e_test"},
                "severity": "critical",
            }
        )
        orders_suite.write_text(json.dumps(suite))
        # no thelook day: this run is about a FakeStore load that must not reach prod (a blocked
        # thelook day leaving prod as it was: tests/pipeline/test_thelook.py)
        runs["blocked"] = pipeline.run(
            *LINNWORKS_ON, *NO_THELOOK_DAY, sim=sim, tiny=tiny, COMMERCE_EXPECTATIONS_DIR=str(suites)
        )
    return runs


# The SQLMesh project, as the pipeline loads it (tests copy it to inject changes).
PROJECT_FILES = ("config.yaml", "external_models.yaml", "models", "seeds", "audits", "macros")


def copy_project(into: Path, *, with_unit_tests: bool) -> Path:
    into.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, into / name)
    (into / "tests").mkdir()
    if with_unit_tests:  # SQLMesh's YAML tests, tests/models/<layer>/test_<model>.yaml
        shutil.copytree(ROOT / "tests" / "models", into / "tests" / "models")
    return into
