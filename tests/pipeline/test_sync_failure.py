"""A sync that fails is heard: a run against a FakeStore API that answers 503 to everything (the
simulator's own fault switch) is a recorded run in `dq.gate_runs`, shown by the stewards' report
and mailed once as a digest to a real SMTP server; prod is untouched, and the connection synced
before the failure keeps what it landed.

One run on a copy of the baseline: Linnworks (the pipeline's own simulator) syncs, then FakeStore
fails its check. The 503s carry `Retry-After: 1`, so the connector's six attempts wait about 5 s.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from support.pipeline_runs import Baseline, commerce_stack, copy_workdir
from support.smtp import smtp_server

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_stack.warehouse import fingerprints, row_counts


def _failure(api_url: str) -> str:
    """The runner's line: the connector's own words for a source that keeps answering 503."""
    return (
        "connection fakestore: check failed: 'Stream products is not available: Exhausted available "
        f"request attempts. Please see logs for more details. Exception: FakeStore API at {api_url}/products "
        "kept answering a server error (HTTP 5xx): the service seems down. Check its status and sync again "
        "later, or base_url (FAKESTORE_BASE_URL).'; check airbyte_config/sources/fakestore.yaml"
    )


def _gate_runs(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT run_id, environment, status, promoted, checks_total, blocking_failures, warnings, "
            "CAST(loads AS VARCHAR), data_docs, message, failed_connection FROM dq.gate_runs "
            "ORDER BY started_at"
        ).fetchall()


@pytest.fixture(scope="module")
def failed(baseline: Baseline, tmp_path_factory):
    """The run, its output, the mail it sent and the warehouse it left."""
    assert baseline.run.returncode == 0, baseline.run.output
    workdir = copy_workdir(baseline.workdir, tmp_path_factory.mktemp("sync_failure") / "run")
    warehouse = workdir / "warehouse.duckdb"
    with smtp_server() as (inbox, port), FakeStoreSimulator(seed=42, profile="reference") as api:
        api.add_fault(
            {"path_prefix": "/", "status": 503, "times": None, "body": "down for maintenance",
             "headers": {"Retry-After": "1"}}
        )  # fmt: skip
        env = {
            "COMMERCE_WAREHOUSE_PATH": str(warehouse),
            "FAKESTORE_BASE_URL": api.url,
            "DQ_SMTP_HOST": "127.0.0.1",
            "DQ_SMTP_PORT": str(port),
            "DQ_ALERT_RECIPIENTS": "steward@example.com",
        }
        completed = commerce_stack("run", "--connection", "linnworks", "--connection", "fakestore", env=env)
        mails = inbox.messages()
        failure = _failure(api.url.rstrip("/"))
    summary = json.loads(max((workdir / "runs").glob("2*.json"), key=lambda p: p.stat().st_mtime).read_text())
    return {
        "completed": completed,
        "mails": mails,
        "summary": summary,
        "workdir": workdir,
        "failure": failure,
    }


def test_the_run_fails_in_one_line_and_says_what_it_kept(failed):
    completed, summary = failed["completed"], failed["summary"]
    assert completed.returncode == 1, completed.stdout
    assert "Traceback" not in completed.stdout
    assert f"SYNC FAILED: {failed['failure']}" in completed.stdout.splitlines()
    assert "  synced before it, their data kept in raw for the next release: linnworks" in completed.stdout
    assert summary["status"] == "failed"
    assert summary["sync_failure"] == {
        "connection": "fakestore",
        "message": failed["failure"],
        "synced_before": ["linnworks"],
    }
    assert summary["loads"] == {} and summary["checks_total"] == 0 and not summary["promoted"]


def test_the_failed_sync_is_a_run_of_the_history_and_prod_is_untouched(failed, baseline):
    warehouse = failed["workdir"] / "warehouse.duckdb"
    before, after = _gate_runs(baseline.pipeline.warehouse), _gate_runs(warehouse)
    assert after[:-1] == before
    # no load pinned, no check run, no Data Docs: only what happened
    assert after[-1] == (
        failed["summary"]["run_id"], "candidate", "failed", False, 0, 0, 0, "{}", None, failed["failure"],
        "fakestore",
    )  # fmt: skip
    assert fingerprints("marts", warehouse) == fingerprints("marts", baseline.pipeline.warehouse)
    # Linnworks synced before FakeStore failed: what it read stays in raw for the next release
    synced = {k.split(".", 1)[1]: v for k, v in failed["summary"]["records_per_stream"].items()}
    assert set(synced) == {
        "stock_locations", "stock_location_details", "stock_items", "processed_orders",
        "processed_order_details",
    }  # fmt: skip
    raw_before, raw_after = (row_counts("raw_linnworks", w) for w in (baseline.pipeline.warehouse, warehouse))
    assert {t: raw_after[t] for t in synced} == {t: raw_before[t] + synced[t] for t in synced}
    assert synced["stock_items"] == 150  # a full refresh: every item again
    assert row_counts("raw_fakestore", warehouse) == row_counts("raw_fakestore", baseline.pipeline.warehouse)


def test_the_report_shows_the_failed_sync_first(failed):
    report_dir = failed["workdir"] / "report"
    report = json.loads((report_dir / "report.json").read_text())
    latest = report["latest_run"]
    assert (latest["run_id"], latest["status"], latest["failed_connection"], latest["message"]) == (
        failed["summary"]["run_id"],
        "failed",
        "fakestore",
        failed["failure"],
    )
    assert latest["loads"] == {} and latest["checks_total"] == 0 and not latest["promoted"]
    assert report["history"]["runs"][-1]["failed_connection"] == "fakestore"
    page = (report_dir / "index.html").read_text()
    assert '<h1 id="status">SYNC FAILED</h1>' in page
    finished = latest["finished_at"].replace("T", " ").replace("Z", " UTC")
    assert (
        f'<p class="message" id="sync-failure">The sync of connection fakestore failed at {finished}.</p>'
        in page
    )
    assert "kept answering a server error (HTTP 5xx): the service seems down." in page


def test_one_digest_says_the_sync_failed(failed):
    (mail,) = failed["mails"]
    run_id = failed["summary"]["run_id"]
    # the subject names the connection once
    reason = failed["failure"].removeprefix("connection fakestore: ")[:80]
    assert mail["Subject"] == f"[DQ] SYNC FAILED candidate {run_id}: connection fakestore ({reason})"
    body = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert f"Data-quality gate, environment candidate, run {run_id}: SYNC FAILED\n" in body
    assert "The sync of connection fakestore failed, so nothing was released: no load was pinned" in body
    assert f"Why: {failed['failure']}\n" in body
