"""Release a load: plan the candidate environment, gate it, promote it (or say "nothing new").

    pin loads -> nothing new since the last promotion? -> clock checks on prod, done
              -> sqlmesh plan <candidate> (unit tests, backfill, blocking audits)
              -> Great Expectations on the suites whose tables changed (clock checks on the rest)
              -> sqlmesh plan prod (a virtual update to the validated tables)

A failed gate leaves prod's views where they were: promotion is SQLMesh's virtual update to the
tables the gate validated, and it simply does not happen. Whatever happens, the run and every
check result are appended to the warehouse's `dq` history.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from commerce_stack.environments import PROD
from commerce_stack.paths import runs_dir, warehouse_path
from commerce_stack.pipeline import PipelineError
from commerce_stack.pipeline.summary import RunSummary, step
from commerce_stack.quality.gate import CheckResult, suite_files
from commerce_stack.quality.history import GateRun, TableSnapshot

CANDIDATE_ENVIRONMENT = "candidate"


@dataclass
class _Outcome:
    status: str = "failed"
    checks: list[CheckResult] = field(default_factory=list)
    snapshots: list[TableSnapshot] = field(default_factory=list)
    environment_built: bool = False


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _print_checks(checks: list[CheckResult]) -> None:
    for check in checks:
        mark = "ok  " if check.success else ("FAIL" if check.severity == "block" else "warn")
        detail = (
            "" if check.success else f"  observed={check.observed_value} unexpected={check.unexpected_count}"
        )
        print(f"  {mark} {check.label}{detail}")


def release(summary: RunSummary, environment: str = CANDIDATE_ENVIRONMENT) -> str:
    """Plan, gate and promote what raw holds; returns the run's status (promoted | unchanged |
    blocked) or raises PipelineError (the run is recorded as failed)."""
    from commerce_stack.quality.history import record, record_quarantine
    from commerce_stack.transform import promotion
    from commerce_stack.transform.loads import current_loads
    from commerce_stack.transform.project import pin_loads

    run = GateRun(run_id=summary.run_id, environment=environment, started_at=_utcnow())
    loads = current_loads()
    pin_loads(loads)
    run.loads = summary.loads = {load.source: load.loaded_through for load in loads}
    for load in loads:
        print(f"{load.source}: raw data pinned through {load.loaded_through} UTC")
    suites = suite_files()
    candidate = promotion.current(loads, suites)
    served = promotion.promoted()

    outcome = _Outcome()
    started = time.monotonic()
    try:
        if candidate == served:
            _nothing_new(outcome, suites)
        else:
            _plan_gate_promote(outcome, summary, run, environment, candidate, served, suites)
        run.status = outcome.status
        return outcome.status
    except PipelineError as error:
        run.status, run.message = "failed", str(error)
        raise
    finally:
        summary.seconds["release"] = round(time.monotonic() - started, 2)
        run.finished_at = _utcnow()
        run.data_docs = run.data_docs or _last_data_docs()
        checks = outcome.checks
        with duckdb.connect(str(warehouse_path())) as con:
            record(con, run, checks, outcome.snapshots)
            quarantined = (
                record_quarantine(con, environment, run.finished_at) if outcome.environment_built else 0
            )
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


def _last_data_docs() -> str | None:
    """The Data Docs site of the last checkpoint, for runs that needed none."""
    site = runs_dir() / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return str(site) if site.exists() else None


def _clock_checks(environment: str, suites: set[str]) -> list[CheckResult]:
    from commerce_stack.quality.clock_checks import freshness_checks

    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        return freshness_checks(con, environment, suites, _utcnow())


def _nothing_new(outcome: _Outcome, suites: dict[str, dict]) -> None:
    """Prod already serves exactly this: nothing to build or validate again, only the clock."""
    from commerce_stack.quality.history import collect_evidence

    step("Nothing new since the last promotion: prod keeps serving it (freshness checked)")
    started = time.monotonic()
    outcome.checks = _clock_checks(PROD, set(suites))
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        outcome.snapshots = collect_evidence(con, PROD, outcome.checks)
    _print_checks(outcome.checks)
    outcome.status = "unchanged"
    print(f"clock checks: {round(time.monotonic() - started, 2)} s")


def _plan_gate_promote(
    outcome: _Outcome,
    summary: RunSummary,
    run: GateRun,
    environment: str,
    candidate: object,
    served: object,
    suites: dict[str, dict],
) -> None:
    from commerce_stack.quality.audits import audit_checks
    from commerce_stack.quality.gate import run_gate, suites_to_validate
    from commerce_stack.quality.history import collect_evidence
    from commerce_stack.transform import promotion
    from commerce_stack.transform.project import AuditsFailed, plan

    assert isinstance(candidate, promotion.Release)
    step(f"SQLMesh: plan environment '{environment}' (unit tests, backfill, blocking audits)")
    started = time.monotonic()
    try:
        planned = plan(environment)
    except AuditsFailed as failure:
        outcome.checks = audit_checks(failure.failures, environment)
        run.message = str(failure)
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            collect_evidence(con, environment, outcome.checks, measure=False)
        _print_checks(outcome.checks)
        outcome.status = "blocked"
        return
    except Exception as error:
        raise PipelineError(f"sqlmesh plan {environment} failed: {error}; prod untouched") from error
    finally:
        summary.seconds["plan"] = round(time.monotonic() - started, 2)
    outcome.environment_built = True
    summary.changed_models = planned.directly_modified + planned.indirectly_modified + planned.added
    if planned.has_changes:
        print(f"directly modified: {', '.join(planned.directly_modified) or '-'}")
        print(f"indirectly modified: {', '.join(planned.indirectly_modified) or '-'}")
        print(f"backfilled: {', '.join(planned.backfilled) or '-'}")
    else:
        print("no model or data changes since the last promotion")

    # Tables prod already serves passed their suites when they were promoted; a checkpoint runs
    # the suites of what changed (or whose checks changed), the clock's checks cover the rest.
    promoted_suites = served.suites if isinstance(served, promotion.Release) else {}
    changed_suites = {n for n, digest in candidate.suites.items() if promoted_suites.get(n) != digest}
    validate = suites_to_validate(suites, planned.changed_models, changed_suites)
    summary.validated_suites = sorted(validate)
    step(
        f"Quality gate on environment '{environment}': Great Expectations on {len(validate)} of "
        f"{len(suites)} suites (their tables or checks changed), freshness on the others"
    )
    started = time.monotonic()
    checks: list[CheckResult] = []
    if validate:
        try:
            gate = run_gate(environment, validate)
        except RuntimeError as error:
            raise PipelineError(f"{error}; prod untouched") from error
        if not gate.checks:
            raise PipelineError(f"the checkpoint validated nothing in {environment}; prod untouched")
        checks, run.data_docs = gate.checks, str(gate.data_docs) if gate.data_docs else None
    checks += _clock_checks(environment, set(suites) - validate)
    with duckdb.connect(str(warehouse_path()), read_only=True) as con:
        outcome.snapshots = collect_evidence(con, environment, checks)
    outcome.checks = checks
    summary.seconds["gate"] = round(time.monotonic() - started, 2)
    _print_checks(checks)
    blocking = [c for c in checks if not c.success and c.severity == "block"]
    if blocking:
        run.message = "blocking checks failed: " + ", ".join(c.label for c in blocking)
        outcome.status = "blocked"
        return

    step("Promote: sqlmesh plan prod (a virtual update to the validated tables)")
    started = time.monotonic()
    promoted = plan(PROD)
    promotion.record_promoted(candidate)
    run.promoted = True
    outcome.status = "promoted"
    summary.seconds["promote"] = round(time.monotonic() - started, 2)
    if promoted.backfilled:
        print(f"note: prod computed {', '.join(promoted.backfilled)} itself", flush=True)
