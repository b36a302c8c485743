"""Crash safety: `commerce-stack run` (what `make run` runs) killed with SIGKILL at 20 points.

One warehouse, a chain of runs from nothing. Each run is killed at the next point: told to stop
itself there (COMMERCE_STACK_STOP_AT, pipeline/stops.py), or caught in the middle of a read by a
simulator's own fault switch; then its whole process group (connectors, runner, checkpoint,
simulators) gets SIGKILL, and the next run starts. After the last point one run goes through (a
second run started beside it stops at once, naming it). Its marts must equal the baseline's (a
clean run of the same data), raw must hold every record without a gap or a duplicate the sync ids
do not explain, and `dq` must show every killed run.

FakeStore and TinyERP are served by simulators started here, with the seeds the pipeline's own use
(the baseline's data), so their faults can be switched; Linnworks' is the pipeline's own. The
TinyERP and Linnworks secrets are built to be hard to mask (`+/=%&`, a trailing newline as read from
a file): after the chain, no secret may be found in any form in any run's output, any file the runs
left, or any table; and the configuration file a killed read left behind is gone after the next run.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from support.pipeline_runs import Baseline, Pipeline, tiny_env
from support.secret_scan import in_files, in_text, in_warehouse

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_stack.paths import ROOT
from commerce_stack.pipeline.local_apis import TINYERP_LOCAL_REQUESTS_PER_MINUTE as TINYERP_RPM
from commerce_stack.pipeline.stops import MARKER, VARIABLE
from commerce_stack.secret_forms import SecretMask

SIMULATED_ORDERS = 300  # the TinyERP simulator's default data set
DEADLINE_SECONDS = 300
TINYERP_TOKEN = "AUD+IT/PR=OBE%41&x"  # the simulator's; the environment adds a trailing newline
LINNWORKS_SECRETS = {  # accepted by the pipeline's own Linnworks simulator
    "LINNWORKS_APPLICATION_ID": "scan-application-id",  # not a secret in the connector's spec
    "LINNWORKS_APPLICATION_SECRET": "LW/SE+CR=ET%2F&s\n",
    "LINNWORKS_TOKEN": "LW=TO+KEN/%7E&t==\n",
}
SECRETS = [TINYERP_TOKEN, *(LINNWORKS_SECRETS[f"LINNWORKS_{n}"] for n in ("APPLICATION_SECRET", "TOKEN"))]
RUNNER_TMP = Path(".pyairbyte-cache") / "tmp"  # the runner's private folder (commerce_pyairbyte.sync)


def secrets_env(tiny: TinyErpSimulator) -> dict[str, str]:
    return {**tiny_env(tiny), "TINYERP_API_TOKEN": TINYERP_TOKEN + "\n", **LINNWORKS_SECRETS}


@dataclass
class Chain:
    """The runs of the chain, against one warehouse and the two simulators."""

    workdir: Path
    sim: FakeStoreSimulator
    tiny: TinyErpSimulator
    runs: int = 0

    @property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.workdir)

    def start(self, *args: str, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        self.runs += 1
        log = self.workdir / f"run-{self.runs:02d}.log"
        (self.workdir / MARKER).unlink(missing_ok=True)
        with log.open("wb") as output:
            process = subprocess.Popen(
                [sys.executable, "-m", "commerce_stack.cli", "run", *args],
                cwd=ROOT,
                env={**self.pipeline.env, **secrets_env(self.tiny), "FAKESTORE_BASE_URL": self.sim.url} | env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: the kill reaches every child
            )
        return process, log

    def wait_until(self, reached: Callable[[], bool], process: subprocess.Popen[bytes], log: Path) -> None:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not reached():
            assert process.poll() is None, f"run ended before its kill point:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"kill point not reached:\n{log.read_text()[-3000:]}"
            time.sleep(0.05)

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        deadline = time.monotonic() + 60
        while self.pipeline.warehouse.exists():  # the group's last members may still hold it
            try:
                duckdb.connect(str(self.pipeline.warehouse), read_only=True).close()
                return
            except duckdb.IOException:
                assert time.monotonic() < deadline, "the killed run still holds the warehouse"
                time.sleep(0.2)

    def stage(self) -> str | None:
        """The stage the latest run's summary says it is at."""
        summaries = sorted((self.workdir / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
        return json.loads(summaries[-1].read_text())["stage"] if summaries else None

    def kill_at(self, point: str, *args: str) -> str:
        """A run (`commerce-stack run ARGS`) told to stop at `point`, killed there; returns what the
        marker says."""
        process, log = self.start(*args, **{VARIABLE: point})
        marker = self.workdir / MARKER
        self.wait_until(lambda: marker.exists() and marker.read_text().strip() != "", process, log)
        connection = point.partition(":")[2]
        if connection:  # the runner stopped; the pipeline notes the connection as it hears of it
            self.wait_until(lambda: self.stage() == f"syncing {connection}", process, log)
        self.kill(process)
        return marker.read_text().split()[0]


def _detail_calls(requests: list[dict[str, Any]]) -> list[str]:
    return [r["params"]["id"] for r in requests if r["endpoint"] == "pedido.obter"]


def _fakestore_mid_read(chain: Chain) -> str:
    """Killed while the connector waits for /carts (the simulator holds the answer back)."""
    chain.sim.add_fault({"path_prefix": "/carts", "delay_seconds": 120, "times": 1})
    process, log = chain.start()
    chain.wait_until(lambda: chain.sim.faults.served > 0, process, log)
    chain.wait_until(lambda: chain.stage() == "syncing fakestore", process, log)
    chain.kill(process)
    chain.sim.clear_faults()
    return "fakestore mid-read"


def _set_rate_limit(sim: TinyErpSimulator, requests_per_minute: int) -> None:
    request = urllib.request.Request(
        f"{sim.admin_url}/limits",
        data=json.dumps({"requests_per_minute": requests_per_minute}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _tinyerp_mid_backfill(chain: Chain, evidence: dict[str, Any]) -> str:
    """Killed after ~120 of the 300 order details, while one detail call is held in flight. At a
    real plan's pace (600 requests a minute), so the runner has committed some windows by then (it
    commits a stream's records and state at most every 5 s: commerce_pyairbyte/checkpoints.py)."""
    chain.tiny.request_stats.reset()
    _set_rate_limit(chain.tiny, 600)
    process, log = chain.start()
    chain.wait_until(lambda: len(_detail_calls(chain.tiny.requests())) >= 120, process, log)
    chain.tiny.add_fault({"endpoint": "pedido.obter", "hold": True})
    chain.wait_until(lambda: chain.tiny.faults.held > 0, process, log)
    chain.wait_until(lambda: chain.stage() == "syncing tinyerp", process, log)
    chain.kill(process)
    chain.tiny.clear_faults()  # lets the held request go
    _set_rate_limit(chain.tiny, TINYERP_RPM)
    tmp = chain.workdir / RUNNER_TMP
    evidence["left_by_kill"] = {p.name: TINYERP_TOKEN in p.read_text() for p in tmp.glob("*.json")}
    pipeline = chain.pipeline
    evidence["committed"] = {str(i) for (i,) in pipeline.query("SELECT id FROM raw_tinyerp.orders")}
    state = pipeline.query("SELECT state_json FROM raw_tinyerp._airbyte_state WHERE stream_name = 'orders'")
    evidence["state_at_kill"] = json.loads(state[0][0])["stream"]["stream_state"] if state else None
    chain.tiny.request_stats.reset()  # what the next run asks for
    return "tinyerp mid-backfill"


@dataclass
class Finished:
    returncode: int
    output: str


def _last_run_with_a_second_beside_it(chain: Chain) -> tuple[Finished, Finished]:
    """The run that goes through: paused once synced, while a second run is started beside it
    (which must stop at once, naming it), then let go on to the end."""
    process, log = chain.start(**{VARIABLE: "sync-done"})
    marker = chain.workdir / MARKER
    chain.wait_until(lambda: marker.exists() and marker.read_text().strip() != "", process, log)
    second = subprocess.run(
        [sys.executable, "-m", "commerce_stack.cli", "run"],
        cwd=ROOT,
        env={**chain.pipeline.env, **secrets_env(chain.tiny), "FAKESTORE_BASE_URL": chain.sim.url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    os.kill(process.pid, signal.SIGCONT)
    returncode = process.wait(timeout=DEADLINE_SECONDS)
    return Finished(returncode, log.read_text()), Finished(second.returncode, second.stdout + second.stderr)


# The points in the order a run passes them (connections in file-name order).
STOP_POINTS_BEFORE_FAKESTORE = ["run-started", "simulators-started", "before-read:fakestore"]
STOP_POINTS_AFTER_FAKESTORE = [
    "read:fakestore",
    "before-read:linnworks",
    "read:linnworks",
    "before-read:tinyerp",
]
STOP_POINTS_AFTER_SYNC = [
    "sync-done",
    "loads-pinned",
    "plan-backfill",
    "candidate-planned",
    "gx-validated",
    "gate-passed",
    "prod-planned",
    "dq-recorded",
    "promotion-recorded",
    "report-built",
]


@pytest.fixture(scope="module")
def chain(tmp_path_factory) -> dict[str, Any]:
    workdir = tmp_path_factory.mktemp("crashes")
    evidence: dict[str, Any] = {"killed_at": []}
    with (
        FakeStoreSimulator(seed=42, profile="reference") as sim,
        TinyErpSimulator(seed=42, token=TINYERP_TOKEN, requests_per_minute=TINYERP_RPM) as tiny,
    ):
        chain = Chain(workdir, sim, tiny)
        killed = evidence["killed_at"]
        killed += [chain.kill_at(point) for point in STOP_POINTS_BEFORE_FAKESTORE]
        killed.append(_fakestore_mid_read(chain))
        killed += [chain.kill_at(point) for point in STOP_POINTS_AFTER_FAKESTORE]
        killed.append(_tinyerp_mid_backfill(chain, evidence))
        killed.append(chain.kill_at("read:tinyerp"))
        evidence["asked_again"] = _detail_calls(tiny.requests())
        evidence["left_after_next"] = sorted(p.name for p in (workdir / RUNNER_TMP).iterdir())
        # Past the sync, a restart's sync brings nothing new: thelook's generator alone gets there
        # (`make run ARGS="--connection thelook"`: its days the first time, no Airbyte sync, so no
        # FakeStore full refresh moves a pin and rebuilds its lineage at every restart); the
        # release still pins and gates every source.
        killed += [chain.kill_at(point, "--connection", "thelook") for point in STOP_POINTS_AFTER_SYNC]
        evidence["final"], evidence["second"] = _last_run_with_a_second_beside_it(chain)
    evidence["pipeline"] = chain.pipeline
    evidence["workdir"] = workdir
    return evidence


def test_each_run_was_killed_at_its_point(chain):
    assert chain["killed_at"] == [
        *STOP_POINTS_BEFORE_FAKESTORE,
        "fakestore mid-read",
        *STOP_POINTS_AFTER_FAKESTORE,
        "tinyerp mid-backfill",
        "read:tinyerp",
        *STOP_POINTS_AFTER_SYNC,
    ]
    assert len(chain["killed_at"]) == 20


def test_after_the_crashes_a_run_promotes_and_records_every_killed_run_as_interrupted(chain):
    final = chain["final"]
    assert final.returncode == 0, final.output
    pipeline: Pipeline = chain["pipeline"]
    runs = pipeline.query("SELECT run_id, status, message FROM dq.gate_runs ORDER BY started_at, run_id")
    statuses = [status for _, status, _ in runs]
    # 20 killed runs: those killed before writing their gate run are recorded by the next run as
    # interrupted, with the point they reached; the runs killed after it (dq-recorded: promoted,
    # but the promotion not recorded; promotion-recorded; report-built) keep their own record.
    interrupted = [m.split("'")[1] for _, s, m in runs if s == "interrupted"]
    assert interrupted == [
        "run-started",
        "simulators-started",
        *["syncing fakestore"] * 3,
        *["syncing linnworks"] * 2,
        *["syncing tinyerp"] * 3,
        "sync-done",
        "loads-pinned",
        "planning candidate",  # plan-backfill: SQLMesh was building models
        "candidate-planned",
        "gating candidate",  # gx-validated: the checkpoint's process had validated
        "gate-passed",
        "prod-planned",
    ]
    # the run killed once its gate run was in dq promoted again (its promotion was not recorded);
    # the next one, killed once it was, and the one killed while reporting found nothing new
    assert statuses[-4:] == ["promoted", "promoted", "unchanged", "unchanged"], runs
    summaries = [json.loads(p.read_text()) for p in sorted((pipeline.workdir / "runs").glob("*.json"))]
    assert [s["status"] for s in summaries].count("running") == 0
    assert [s["status"] for s in summaries].count("interrupted") == 20


def test_a_second_run_beside_the_last_stops_at_once_naming_it_and_the_first_completes(chain):
    second, final = chain["second"], chain["final"]
    assert second.returncode == 1, second.output
    (line,) = [line for line in second.output.splitlines() if line.strip()]
    assert line.startswith("error: another pipeline run is in progress on this warehouse (pid "), line
    assert "`commerce-stack run`" in line or "cli.py run`" in line, line
    assert final.returncode == 0 and "promoted to prod:" in final.output, final.output[-3000:]


def test_after_the_crashes_prod_serves_the_marts_of_a_clean_run(chain, baseline: Baseline):
    """The APIs' sources' rows are the clean run's; thelook's include them, and the day the clean
    run left for a next run to add (docs/thelook.md §3), which the chain's later runs added."""
    pipeline: Pipeline = chain["pipeline"]
    for table, where in MART_COMPARISON.items():
        after, clean = (_mart(p, table, where, thelook=False) for p in (pipeline, baseline.pipeline))
        assert after == clean, table
        grown, first = (set(_mart(p, table, where, thelook=True)) for p in (pipeline, baseline.pipeline))
        assert first <= grown, table


def test_an_interrupted_backfill_resumes_from_its_state_without_gaps_or_duplicates(chain):
    # The kill came after the connector checkpointed a window and before it read every order.
    state, committed = chain["state_at_kill"], chain["committed"]
    assert state is not None and "scan" in state, state  # a backfill in progress
    assert 0 < len(committed) < SIMULATED_ORDERS
    asked_again = chain["asked_again"]
    # The next run went on from the committed window: exactly the orders created after it, each
    # once. (Records committed without their state, by a kill between the two, are read again:
    # raw may hold them twice, staging keeps one.)
    pipeline: Pipeline = chain["pipeline"]
    after_checkpoint = pipeline.query(
        "SELECT DISTINCT CAST(id AS VARCHAR) FROM raw_tinyerp.orders "
        "WHERE CAST(timezone('America/Sao_Paulo', data_pedido) AS DATE) > "
        f"DATE '{state['scan']['created_through']}'"
    )
    assert sorted(asked_again) == sorted(order_id for (order_id,) in after_checkpoint)
    assert len(asked_again) == len(set(asked_again)) < SIMULATED_ORDERS
    assert pipeline.query("SELECT count(DISTINCT id) FROM raw_tinyerp.orders") == [(SIMULATED_ORDERS,)]


# Each mart's rows, compared without the columns that say when a row was loaded; the stock history
# grows by one read per Linnworks sync (the chain synced it more often), so its current read is compared.
MART_COMPARISON = {
    "channels": "",
    "customers": "",
    "daily_sales": "",
    "exchange_rates": "",
    "locations": "",
    "order_lines": "",
    "orders": "",
    "products": "",
    "inventory_snapshots": "WHERE is_current",
}
LOAD_TIME_COLUMNS = {
    *("loaded_at", "snapshot_key", "snapshot_id", "snapshot_at", "snapshot_date", "is_last_of_day"),
}


def _mart(pipeline: Pipeline, table: str, where: str, *, thelook: bool) -> list[tuple]:
    """The mart's rows of thelook, or of every other source (a table without sources: all, or none)."""
    columns = [
        name
        for (name,) in pipeline.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'marts' AND table_name = ? ORDER BY ordinal_position",
            [table],
        )
        if name not in LOAD_TIME_COLUMNS
    ]
    select = ", ".join(f'"{c}"' for c in columns)
    source = "source = 'thelook'" if "source" in columns else "false"
    where = f"{where or 'WHERE true'} AND {source if thelook else f'NOT ({source})'}"
    return pipeline.query(f"SELECT {select} FROM marts.{table} {where} ORDER BY ALL")


def test_a_configuration_file_left_by_a_killed_read_is_gone_after_the_next_run(chain):
    # PyAirbyte's file of the read in flight (the token in it), in the runner's private folder
    assert list(chain["left_by_kill"].values()) == [True], chain["left_by_kill"]
    assert chain["left_after_next"] == []


def test_after_the_chain_no_secret_is_anywhere_in_any_form(chain):
    mask = SecretMask(SECRETS)
    workdir: Path = chain["workdir"]
    findings = in_text(mask, "last run output", chain["final"].output)
    findings += in_files(mask, workdir)  # every run's log, summaries, state, report, runner folders
    findings += in_warehouse(mask, workdir / "warehouse.duckdb")
    findings += in_text(mask, "second run output", chain["second"].output)
    assert findings == []
    assert len(list(workdir.glob("run-*.log"))) == 21
