"""TinyERP through the whole pipeline: simulator -> source-tinyerp -> raw_tinyerp -> staging -> marts.

The shared history (support/pipeline_runs.py) syncs the TinyERP simulator's data set in its first run;
before the second, 6 orders move one step of their lifecycle, 3 new ones arrive and the newest other
order is deleted. A separate
warehouse is synced from a slower simulator, killed in the middle of its backfill and run again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest
from support.pipeline_runs import Baseline, Pipeline, Run, tiny_env, tinyerp_mart_rows

from commerce_simulators.tinyerp import TinyErpSimulator, build_dataset
from commerce_stack.paths import ROOT

SIMULATED_ORDERS = 300  # the simulator's default data set
LOADED_AT = -1  # last column of marts.orders


def _detail_calls(requests: list[dict], endpoint: str = "pedido.obter") -> list[str]:
    return [r["params"]["id"] for r in requests if r["endpoint"] == endpoint]


def test_first_run_brings_every_tinyerp_order_into_the_marts_in_brl(history, baseline: Baseline):
    first: Run = history["first"]
    assert first.returncode == 0, first.output
    assert first.summary["records_per_stream"]["raw_tinyerp.orders"] == SIMULATED_ORDERS
    pipeline: Pipeline = baseline.pipeline  # the first run's warehouse, as it left it
    orders = history["tinyerp_first"]["orders"]
    assert len(orders) == SIMULATED_ORDERS
    assert pipeline.query(
        "SELECT DISTINCT currency_code FROM marts.orders WHERE source = 'tinyerp' UNION ALL "
        "SELECT DISTINCT currency_code FROM marts.order_lines WHERE source = 'tinyerp'"
    ) == [("BRL",), ("BRL",)]
    # every order's lines add up to its items amount, and every order has lines
    mismatched = pipeline.query(
        "SELECT o.order_key FROM marts.orders AS o LEFT JOIN (SELECT order_key, sum(line_amount) AS s "
        "FROM marts.order_lines GROUP BY 1) AS l USING (order_key) "
        "WHERE o.source = 'tinyerp' AND (l.s IS NULL OR l.s <> o.items_amount)"
    )
    assert mismatched == []
    # every product and every contact of the simulator's account (contacts are its customers)
    account = build_dataset(seed=42)
    assert pipeline.rows_of_source("products", "tinyerp") == len(account.products) == 80
    assert pipeline.rows_of_source("customers", "tinyerp") == len(account.contacts) == 150


def test_raw_dates_keep_their_brasilia_offset_as_instants(history):
    # The connector sends '2025-10-01T00:00:00-03:00' (midnight in Brasília): 03:00 UTC, not 00:00.
    pipeline: Pipeline = history["pipeline"]
    assert pipeline.query(
        "SELECT data_type FROM information_schema.columns "
        "WHERE table_schema = 'raw_tinyerp' AND table_name = 'orders' AND column_name = 'data_pedido'"
    ) == [("TIMESTAMP WITH TIME ZONE",)]
    hours = pipeline.query(
        "SELECT DISTINCT hour(timezone('UTC', data_pedido)) FROM raw_tinyerp.orders "
        "WHERE data_pedido < TIMESTAMPTZ '2026-01-01 00:00:00+00'"
    )
    assert hours == [(3,)]


def test_a_second_sync_after_changes_in_the_simulator_updates_exactly_the_changed_orders(history):
    second: Run = history["second"]
    assert second.returncode == 0, second.output
    changes = history["tinyerp_changes"]
    changed_ids = {u["id"] for u in changes["updated"]} | set(changes["created"])
    assert len(changes["updated"]) == 6 and len(changes["created"]) == 3

    # the connector asked for the changed orders' details, and the deleted one's (to confirm it)
    deleted = history["tinyerp_deleted"]
    assert sorted(_detail_calls(second.tinyerp_requests)) == sorted(changed_ids | {deleted})

    before, after = history["tinyerp_first"]["orders"], history["tinyerp_second"]["orders"]
    changed_rows = {key for key, row in after.items() if before.get(key) != row}
    assert changed_rows == {f"tinyerp:{order_id}" for order_id in changed_ids}
    assert set(before) - set(after) == {f"tinyerp:{deleted}"}
    for update in changes["updated"]:  # a new version: extracted again, after the first run
        key = f"tinyerp:{update['id']}"
        assert after[key][LOADED_AT] > before[key][LOADED_AT]

    lines_before = history["tinyerp_first"]["order_lines"]
    lines_after = history["tinyerp_second"]["order_lines"]
    new_order_keys = {f"tinyerp:{order_id}" for order_id in changes["created"]}
    assert {row[1] for key, row in lines_after.items() if key not in lines_before} == new_order_keys


def test_an_order_deleted_in_tiny_is_marked_deleted_in_staging_and_leaves_the_marts(
    history, baseline: Baseline
):
    deleted, pipeline = int(history["tinyerp_deleted"]), history["pipeline"]
    second: Run = history["second"]
    # one tombstone in raw: the key, the cursor and when it was found gone, no other field
    tombstones = pipeline.query(
        "SELECT id, numero, total_pedido, itens, _scan_started_at <= _ab_cdc_deleted_at "
        "FROM raw_tinyerp.orders WHERE _ab_cdc_deleted_at IS NOT NULL"
    )
    assert tombstones == [(deleted, None, None, None, True)]
    assert second.summary["records_per_stream"]["raw_tinyerp.orders"] == 6 + 3 + 1
    # staging keeps it with its last version's values (the first run's), marked deleted; no other
    staged_sql = (
        "SELECT * EXCLUDE (is_deleted, deleted_at) FROM staging.stg_tinyerp__orders WHERE order_id = ?"
    )
    assert pipeline.query(staged_sql, [deleted]) == baseline.pipeline.query(staged_sql, [deleted])
    flags = "SELECT order_id, deleted_at IS NOT NULL FROM staging.stg_tinyerp__orders WHERE is_deleted"
    assert pipeline.query(flags) == [(deleted, True)]
    assert baseline.pipeline.query(flags) == []
    assert pipeline.query("SELECT count(*) FROM staging.stg_tinyerp__orders") == [(SIMULATED_ORDERS + 3,)]
    lines_sql = "SELECT * FROM staging.stg_tinyerp__order_lines WHERE order_id = ? ORDER BY line_number"
    assert pipeline.query(lines_sql, [deleted]) == baseline.pipeline.query(lines_sql, [deleted]) != []

    # the marts no longer count it: 300 orders, 3 new, 1 deleted; its lines are gone, no others
    assert second.rows_by_source["orders"]["tinyerp"] == SIMULATED_ORDERS + 3 - 1
    key = f"tinyerp:{deleted}"
    lines_before = history["tinyerp_first"]["order_lines"]
    lines_after = history["tinyerp_second"]["order_lines"]
    deleted_lines = {line for line, row in lines_before.items() if row[1] == key}
    new_order_keys = {f"tinyerp:{order_id}" for order_id in history["tinyerp_changes"]["created"]}
    new_lines = {line for line, row in lines_after.items() if row[1] in new_order_keys}
    assert deleted_lines and new_lines
    assert set(lines_after) == (set(lines_before) - deleted_lines) | new_lines
    assert second.rows_by_source["order_lines"]["tinyerp"] == len(lines_after)
    counted = pipeline.query(
        "SELECT (SELECT count(*) FROM marts.orders WHERE order_key = ?), "
        "(SELECT count(*) FROM marts.order_lines WHERE order_key = ?)",
        [key, key],
    )
    assert counted == [(0, 0)]


def test_a_third_sync_without_changes_re_reads_the_lookback_and_changes_nothing(history):
    third: Run = history["third"]
    assert third.returncode == 0, third.output
    assert third.summary["changed_models"] == []
    # the lookback (2 h before the previous scan) re-reads the orders changed just before it
    changes = history["tinyerp_changes"]
    recent = {u["id"] for u in changes["updated"]} | set(changes["created"])
    assert set(_detail_calls(third.tinyerp_requests)) == recent


def _set_rate_limit(sim: TinyErpSimulator, requests_per_minute: int) -> None:
    request = urllib.request.Request(
        f"{sim.admin_url}/limits",
        data=json.dumps({"requests_per_minute": requests_per_minute}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def _run_pipeline(warehouse: Path, sim: TinyErpSimulator, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "commerce_stack.cli", "run"],
            cwd=ROOT,
            env={**os.environ, "COMMERCE_WAREHOUSE_PATH": str(warehouse), **tiny_env(sim)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill reaches the connector too
        )


def _wait_for_the_lock(warehouse: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            duckdb.connect(str(warehouse), read_only=True).close()
            return
        except duckdb.IOException:
            assert time.monotonic() < deadline, "the killed sync still holds the warehouse"
            time.sleep(0.5)


@pytest.fixture(scope="module")
def interrupted(tmp_path_factory):
    """A first sync killed mid-backfill (after ~120 of the 300 order details), then a clean run."""
    workdir = tmp_path_factory.mktemp("interrupted")
    pipeline = Pipeline(workdir)
    with TinyErpSimulator(seed=42, requests_per_minute=600) as sim:
        log = workdir / "killed_run.log"
        process = _run_pipeline(pipeline.warehouse, sim, log)
        deadline = time.monotonic() + 300
        while len(_detail_calls(sim.requests())) < 120:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the backfill did not get going"
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        before_kill = _detail_calls(sim.requests())
        _wait_for_the_lock(pipeline.warehouse)  # the killed group's last members are still exiting
        committed = {str(order_id) for (order_id,) in pipeline.query("SELECT id FROM raw_tinyerp.orders")}
        state = pipeline.query(
            "SELECT state_json FROM raw_tinyerp._airbyte_state WHERE stream_name = 'orders'"
        )

        sim.request_stats.reset()
        _set_rate_limit(sim, 6000)
        resumed = pipeline.run(tiny=sim)
    return {
        "pipeline": pipeline,
        "before_kill": before_kill,
        "committed": committed,
        "state_at_kill": json.loads(state[0][0])["stream"]["stream_state"] if state else None,
        "resumed": resumed,
    }


def test_an_interrupted_backfill_resumes_from_its_state_without_gaps_or_duplicates(interrupted):
    # The kill came after the connector checkpointed a window and before it read every order.
    state, committed = interrupted["state_at_kill"], interrupted["committed"]
    assert state is not None and "scan" in state, state  # a backfill in progress
    assert 0 < len(committed) < SIMULATED_ORDERS

    resumed: Run = interrupted["resumed"]
    assert resumed.returncode == 0, resumed.output
    asked_again = _detail_calls(resumed.tinyerp_requests)
    # It went on from the committed window: exactly the orders created after it, each once. (Records
    # committed without their state, by a kill between the two, are read again: raw may hold them
    # twice, staging keeps one.)
    pipeline: Pipeline = interrupted["pipeline"]
    after_checkpoint = pipeline.query(
        "SELECT DISTINCT CAST(id AS VARCHAR) FROM raw_tinyerp.orders "
        "WHERE CAST(timezone('America/Sao_Paulo', data_pedido) AS DATE) > "
        f"DATE '{state['scan']['created_through']}'"
    )
    assert sorted(asked_again) == sorted(order_id for (order_id,) in after_checkpoint)
    assert len(asked_again) == len(set(asked_again)) < SIMULATED_ORDERS
    assert pipeline.query("SELECT count(DISTINCT id) FROM raw_tinyerp.orders") == [(SIMULATED_ORDERS,)]


def test_an_interrupted_backfill_ends_with_the_marts_of_an_uninterrupted_run(interrupted, history):
    pipeline: Pipeline = interrupted["pipeline"]
    resumed = {key: row[:LOADED_AT] for key, row in tinyerp_mart_rows(pipeline, "orders").items()}
    uninterrupted = {key: row[:LOADED_AT] for key, row in history["tinyerp_first"]["orders"].items()}
    assert resumed == uninterrupted
    assert tinyerp_mart_rows(pipeline, "order_lines") == history["tinyerp_first"]["order_lines"]
