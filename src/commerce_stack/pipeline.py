"""The whole pipeline on the embedded default, as `make run` runs it.

    simulator -> Airbyte sync (PyAirbyte) -> pin loads -> sqlmesh plan <candidate>
              -> GX gate on <candidate> -> sqlmesh plan prod (only if the gate passed) -> summary

A failed gate leaves prod's views where they were: promotion is SQLMesh's virtual update to the
tables the gate validated, and it simply does not happen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import AbstractContextManager, ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from commerce_simulators.launch import SimulatorStartError, launch
from commerce_stack.paths import PYAIRBYTE_PYTHON, ROOT, runs_dir, warehouse_path
from commerce_stack.warehouse import row_counts

CANDIDATE_ENVIRONMENT = "candidate"
MART_SCHEMA = "marts"


class PipelineError(RuntimeError):
    """A step failed; the message names the step and what to do."""


@dataclass
class RunSummary:
    run_id: str
    warehouse: str
    status: str = "running"
    records_per_stream: dict[str, int] = field(default_factory=dict)
    loads: dict[str, str] = field(default_factory=dict)
    changed_models: list[str] = field(default_factory=list)
    rows_per_mart: dict[str, int] = field(default_factory=dict)
    checks_passed: int = 0
    checks_total: int = 0
    failing_checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    promoted: bool = False
    data_docs: str | None = None
    report: str | None = None
    digest_sent: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def _step(title: str) -> None:
    print(f"\n=== {title}", flush=True)


# The local TinyERP plan: far above Tiny's real 30-120 requests/minute, so `make run` takes seconds;
# the connector still paces itself by the x-limit-api header the simulator sends
# (benchmarks/tinyerp_pacing.py measures it at the real plans' limits).
TINYERP_LOCAL_REQUESTS_PER_MINUTE = 6000
TINYERP_SIMULATOR_TOKEN = "sim-token"
# Before every record of the simulator's default data set (contacts are read from their last
# update on, and its oldest contact changed in November 2023); a month of orders per list call.
TINYERP_SIMULATOR_START_DATE = "2023-01-01"
TINYERP_SIMULATOR_WINDOW_DAYS = "30"


def fakestore_simulator(profile: str, seed: int, new_carts: int) -> AbstractContextManager[str]:
    """The FakeStore simulator on a free port, in this environment; yields its base URL."""
    return launch("fakestore", "--seed", str(seed), "--profile", profile, "--new-carts", str(new_carts))


def tinyerp_simulator(seed: int, orders: int | None, advance: int) -> AbstractContextManager[str]:
    """The TinyERP simulator on a free port, in this environment; yields its api2 base URL."""
    args = ["--seed", str(seed), "--advance", str(advance)]
    args += ["--requests-per-minute", str(TINYERP_LOCAL_REQUESTS_PER_MINUTE)]
    if orders is not None:
        args += ["--orders", str(orders)]
    return launch("tinyerp", *args)


def sync(env: dict[str, str]) -> list[dict[str, Any]]:
    """Run every declared connection in the PyAirbyte environment; returns its summary."""
    if not PYAIRBYTE_PYTHON.exists():
        raise PipelineError(f"{PYAIRBYTE_PYTHON} is missing: run `make setup`")
    process = subprocess.Popen(
        [str(PYAIRBYTE_PYTHON), "-m", "commerce_pyairbyte.sync"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    summary = None
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("SYNC_SUMMARY="):
            summary = json.loads(line.split("=", 1)[1])
        else:
            print(line, end="", flush=True)
    if process.wait() != 0 or summary is None:
        raise PipelineError("the Airbyte sync failed (see the messages above); prod was not touched")
    return summary


def mart_row_counts(environment: str = "prod") -> dict[str, int]:
    return row_counts(MART_SCHEMA if environment == "prod" else f"{MART_SCHEMA}__{environment}")


def _audit_checks(failure: Any, environment: str) -> list[Any]:
    """Blocking SQLMesh audits that stopped the plan, as gate results with reproduce SQL."""
    from commerce_stack.quality.gate import CheckResult, schema_in

    checks = []
    for audit in failure.failures:
        schema, _, table = audit.model.partition(".")
        checks.append(
            CheckResult(
                check_id=f"sqlmesh_audit:{audit.model}:{audit.audit}",
                suite=audit.model,
                table=f"{schema_in(environment, schema)}.{table}",
                expectation=audit.audit,
                column=None,
                severity="block",
                owner=audit.owner,
                success=False,
                description=f"SQLMesh audit {audit.audit} found {audit.count} offending rows.",
                unexpected_count=audit.count,
                reproduce_sql=audit.sql,
                check_source="sqlmesh_audit",
            )
        )
    return checks


def _print_checks(checks: list[Any]) -> None:
    for check in checks:
        mark = "ok  " if check.success else ("FAIL" if check.severity == "block" else "warn")
        detail = (
            "" if check.success else f"  observed={check.observed_value} unexpected={check.unexpected_count}"
        )
        print(f"  {mark} {check.label}{detail}")


def transform_and_gate(summary: RunSummary, environment: str = CANDIDATE_ENVIRONMENT) -> bool:
    """Plan the candidate environment, gate it, promote it; record the run in the dq schema.

    Returns whether prod was promoted. Whatever happens, the run and every check result are
    appended to the warehouse's history before returning.
    """
    from commerce_stack.quality.gate import run_gate
    from commerce_stack.quality.history import GateRun, collect_evidence, record, record_quarantine
    from commerce_stack.transform.project import (
        AuditsFailed,
        current_loads,
        pin_loads,
        plan,
        record_promoted,
    )

    run = GateRun(run_id=summary.run_id, environment=environment, started_at=_utcnow())
    loads = current_loads()
    pin_loads(loads)
    run.loads = summary.loads = {load.source: load.loaded_through for load in loads}
    for load in loads:
        print(f"{load.source}: raw data pinned through {load.loaded_through} UTC")

    checks: list[Any] = []
    snapshots: list[Any] = []
    environment_built = False
    try:
        _step(f"SQLMesh: plan environment '{environment}' (unit tests, backfill, blocking audits)")
        started = time.monotonic()
        try:
            outcome = plan(environment)
        except AuditsFailed as failure:
            checks = _audit_checks(failure, environment)
            run.status, run.message = "blocked", str(failure)
            with duckdb.connect(str(warehouse_path()), read_only=True) as con:
                collect_evidence(con, environment, checks, measure=False)
            _print_checks(checks)
            return False
        except Exception as error:
            run.status, run.message = "failed", f"sqlmesh plan {environment} failed: {error}"
            raise PipelineError(f"{run.message}; prod untouched") from error
        finally:
            summary.seconds["plan"] = round(time.monotonic() - started, 2)
        environment_built = True
        summary.changed_models = outcome.directly_modified + outcome.indirectly_modified
        if outcome.has_changes:
            print(f"directly modified: {', '.join(outcome.directly_modified) or '-'}")
            print(f"indirectly modified: {', '.join(outcome.indirectly_modified) or '-'}")
            print(f"backfilled: {', '.join(outcome.backfilled) or '-'}")
        else:
            print("no model or data changes since the last promotion")

        _step(f"Quality gate: Great Expectations on environment '{environment}'")
        started = time.monotonic()
        try:
            gate = run_gate(environment)
        except RuntimeError as error:
            run.status, run.message = "failed", str(error)
            raise PipelineError(f"{error}; prod untouched") from error
        checks, run.data_docs = gate.checks, str(gate.data_docs) if gate.data_docs else None
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            snapshots = collect_evidence(con, environment, checks)
        summary.seconds["gate"] = round(time.monotonic() - started, 2)
        _print_checks(checks)
        if not gate.passed:
            run.status = "blocked"
            run.message = "blocking checks failed: " + ", ".join(c.label for c in gate.blocking_failures)
            return False

        _step("Promote: sqlmesh plan prod (a virtual update to the validated tables)")
        started = time.monotonic()
        promoted = plan("prod")
        record_promoted(loads)
        run.status, run.promoted = "promoted", True
        summary.seconds["promote"] = round(time.monotonic() - started, 2)
        if promoted.backfilled:
            print(f"note: prod computed {', '.join(promoted.backfilled)} itself", flush=True)
        return True
    finally:
        run.finished_at = _utcnow()
        with duckdb.connect(str(warehouse_path())) as con:
            record(con, run, checks, snapshots)
            quarantined = record_quarantine(con, environment, run.finished_at) if environment_built else 0
        if quarantined:
            print(f"quarantined {quarantined} new record(s) that could not be typed: see dq.quarantine")
        summary.checks_total = len(checks)
        summary.checks_passed = sum(c.success for c in checks)
        summary.failing_checks = [
            f"{c.label} [{c.owner}]" for c in checks if not c.success and c.severity == "block"
        ]
        summary.warnings = [
            f"{c.label} [{c.owner}]" for c in checks if not c.success and c.severity == "warn"
        ]
        summary.data_docs = run.data_docs


def publish_report(summary: RunSummary) -> None:
    """Write the stewards' report from the dq history; mail the digest if the run failed or warned."""
    from commerce_stack.quality.alerts import digest_settings_from_env, send_digest
    from commerce_stack.quality.report import build_report

    if not warehouse_path().exists():
        return
    html = build_report(warehouse_path(), runs_dir() / "report")
    summary.report = str(html)
    settings = digest_settings_from_env()
    if settings is None:
        return
    try:
        summary.digest_sent = send_digest(
            html.with_name("report.json"),
            html,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            sender=settings.sender,
            recipients=settings.recipients,
            username=settings.username,
            password=settings.password,
            starttls=settings.starttls,
        )
    except OSError as error:  # smtplib errors are OSErrors: the run's outcome stands, say it loudly
        print(f"DQ digest NOT sent ({settings.smtp_host}:{settings.smtp_port}): {error}", file=sys.stderr)


def new_run_id() -> str:
    """Runs are named by their UTC start time, to the second."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def run(
    profile: str = "reference",
    seed: int = 42,
    new_carts: int = 0,
    use_simulator: bool = True,
    tinyerp_orders: int | None = None,
    tinyerp_advance: int = 0,
) -> RunSummary:
    started = time.monotonic()
    run_id = new_run_id()
    os.environ["COMMERCE_WAREHOUSE_PATH"] = str(warehouse_path())
    summary = RunSummary(run_id=run_id, warehouse=str(warehouse_path()))
    try:
        with ExitStack() as simulators:
            env: dict[str, str] = {}
            # A source whose base URL is set in the environment is read there (an external
            # simulator, or the real API); the others get a local simulator.
            if use_simulator and "FAKESTORE_BASE_URL" not in os.environ:
                _step(f"FakeStore simulator (profile {profile}, seed {seed}, {new_carts} new carts)")
                env["FAKESTORE_BASE_URL"] = simulators.enter_context(
                    fakestore_simulator(profile, seed, new_carts)
                )
                print(f"listening on {env['FAKESTORE_BASE_URL']}")
            if use_simulator and "TINYERP_BASE_URL" not in os.environ:
                _step(f"TinyERP simulator (seed {seed}, {tinyerp_advance} orders move on)")
                env["TINYERP_BASE_URL"] = simulators.enter_context(
                    tinyerp_simulator(seed, tinyerp_orders, tinyerp_advance)
                )
                env["TINYERP_API_TOKEN"] = TINYERP_SIMULATOR_TOKEN
                env.setdefault("TINYERP_START_DATE", TINYERP_SIMULATOR_START_DATE)
                env.setdefault("TINYERP_WINDOW_DAYS", TINYERP_SIMULATOR_WINDOW_DAYS)
                print(f"listening on {env['TINYERP_BASE_URL']}")
            _sync_into(summary, env)
        summary.promoted = transform_and_gate(summary)
        summary.status = "promoted" if summary.promoted else "blocked"
    except (PipelineError, SimulatorStartError) as error:
        summary.status = "failed"
        summary.failing_checks.append(str(error))
    summary.rows_per_mart = mart_row_counts() if warehouse_path().exists() else {}
    publish_report(summary)
    summary.seconds["total"] = round(time.monotonic() - started, 2)
    _write_summary(summary)
    return summary


def _sync_into(summary: RunSummary, env: dict[str, str]) -> None:
    _step("Airbyte sync (PyAirbyte, offline) into the DuckDB warehouse")
    started = time.monotonic()
    for connection in sync(env):
        for stream in connection["streams"]:
            summary.records_per_stream[f"{connection['namespace']}.{stream['name']}"] = stream["records"]
    summary.seconds["sync"] = round(time.monotonic() - started, 2)


def _write_summary(summary: RunSummary) -> Path:
    directory = runs_dir() / "runs"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{summary.run_id}.json"
    path.write_text(json.dumps(asdict(summary), indent=2))
    return path


def print_summary(summary: RunSummary) -> None:
    _step(f"Summary of run {summary.run_id}: {summary.status.upper()}")
    print("records synced this run:")
    for stream, records in summary.records_per_stream.items():
        print(f"  {stream:<28} {records:>9}")
    print("rows per mart (prod):")
    for table, rows in summary.rows_per_mart.items():
        print(f"  {MART_SCHEMA}.{table:<22} {rows:>9}")
    print(f"checks passed: {summary.checks_passed}/{summary.checks_total}")
    for failure in summary.failing_checks:
        print(f"  BLOCKING: {failure}")
    for warning in summary.warnings:
        print(f"  warning: {warning}")
    print(f"promoted to prod: {'yes' if summary.promoted else 'NO, prod left as it was'}")
    print(f"warehouse: {summary.warehouse}")
    if summary.report:
        print(f"data-quality report: {summary.report}")
    if summary.digest_sent:
        print("data-quality digest: sent")
    if summary.data_docs:
        print(f"data docs: {summary.data_docs}")
    print(f"timings (s): {summary.seconds}")
