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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from commerce_stack.environments import PROD
from commerce_stack.paths import runs_dir
from commerce_stack.pipeline import PipelineError
from commerce_stack.pipeline.summary import RunSummary, at_stage, reach, step
from commerce_stack.quality.gate import Checkpoint, CheckResult, failing, suite_files
from commerce_stack.quality.history import GateRun, TableSnapshot
from commerce_stack.transform import promotion
from commerce_stack.warehouse import Connection, connect, on_bigquery

if TYPE_CHECKING:
    from commerce_stack.quality.reconcile import StreamCount

CANDIDATE_ENVIRONMENT = "candidate"


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _print_checks(checks: list[CheckResult]) -> None:
    for check in checks:
        mark = "ok  " if check.success else ("FAIL" if check.severity == "block" else "warn")
        detail = (
            "" if check.success else f"  observed={check.observed_value} unexpected={check.unexpected_count}"
        )
        print(f"  {mark} {check.label}{detail}")


def _last_data_docs() -> str | None:
    """The Data Docs site of the last checkpoint, for runs that needed none."""
    site = runs_dir() / "gx" / "uncommitted" / "data_docs" / "local_site" / "index.html"
    return str(site) if site.exists() else None


class _Release:
    """One run of the release: what it found, checked and did, recorded whatever happens."""

    def __init__(self, summary: RunSummary, environment: str) -> None:
        self.summary, self.environment = summary, environment
        self.run = GateRun(run_id=summary.run_id, environment=environment, started_at=_utcnow())
        self.checks: list[CheckResult] = []
        self.snapshots: list[TableSnapshot] = []
        self.environment_built = False
        self.days_from: date | None = None  # thelook's new days only: rebuilt from then on
        self.plan_started: datetime | None = None  # BigQuery: SQLMesh's jobs since then are this run's
        self.bytes_per_suite: dict[str, int | None] = {}
        self.pipeline_bytes: int | None = None  # billed by the pipeline's own SQL (BigQuery)
        self.promoted_release: promotion.Release | None = None  # prod serves it; recorded last
        self.stream_counts: tuple[str, list[StreamCount]] = (environment, [])  # where counted, what

    @contextmanager
    def _warehouse(self, *, read_only: bool = True) -> Iterator[Connection]:
        """A connection to the warehouse; on BigQuery, what its queries billed is counted."""
        with connect(read_only=read_only) as con:
            yield con
        billed = getattr(con, "bytes_billed", None)
        if billed is not None:
            self.pipeline_bytes = (self.pipeline_bytes or 0) + billed

    def _clock_checks(self, environment: str, suites: set[str]) -> list[CheckResult]:
        from commerce_stack.quality.clock_checks import freshness_checks

        with self._warehouse() as con:
            return freshness_checks(con, environment, suites, _utcnow())

    def _reconcile(self, environment: str) -> list[CheckResult]:
        """Counts from connector to staging in `environment`, per stream: the gate's checks."""
        from commerce_stack.quality.reconcile import reconcile

        with self._warehouse() as con:
            counts, checks = reconcile(con, environment, self.run.loads, self.summary.synced_counts)
        self.stream_counts = (environment, counts)
        return checks

    def _measure(
        self, environment: str, checks: list[CheckResult], *, measure: bool = True
    ) -> list[TableSnapshot]:
        from commerce_stack.quality.history import collect_evidence

        with self._warehouse() as con:
            return collect_evidence(con, environment, checks, measure=measure)

    def __call__(self) -> str:
        from commerce_stack.transform.loads import current_loads
        from commerce_stack.transform.project import pin_loads

        loads = current_loads()
        pin_loads(loads)
        self.run.loads = self.summary.loads = {load.source: load.loaded_through for load in loads}
        reach(self.summary, "loads-pinned")
        for load in loads:
            print(f"{load.source}: raw data pinned through {load.loaded_through} UTC")
        suites = suite_files()
        candidate, served = promotion.current(loads, suites), promotion.promoted()
        started = time.monotonic()
        try:
            if candidate == served:
                self.run.status = self._nothing_new(suites)
            else:
                self.run.status = self._plan_gate_promote(candidate, served, suites)
            return self.run.status
        except PipelineError as error:
            self.run.status, self.run.message = "failed", str(error)
            raise
        finally:
            self.summary.seconds["release"] = round(time.monotonic() - started, 2)
            self._record()

    def _nothing_new(self, suites: dict[str, dict[str, Any]]) -> str:
        """Prod already serves exactly this: nothing to build or validate again, only the clock."""
        step("Nothing new since the last promotion: prod keeps serving it (freshness checked)")
        self.checks = self._clock_checks(PROD, set(suites)) + self._reconcile(PROD)
        self.snapshots = self._measure(PROD, self.checks)
        _print_checks(self.checks)
        return "unchanged"

    def _plan_gate_promote(
        self,
        candidate: promotion.Release,
        served: promotion.Release | None,
        suites: dict[str, dict[str, Any]],
    ) -> str:
        from commerce_stack.quality.audits import audit_checks
        from commerce_stack.quality.gate import Checkpoint, suites_to_validate
        from commerce_stack.transform.project import AuditsFailed, plan, sqlmesh_context

        summary, environment = self.summary, self.environment
        # SQLMesh's unit tests check the project's code on their own fixtures, never the loads: they
        # run again only when the project differs from the one that last passed them (or that prod
        # serves; promotion.project_digest covers tests/models); the prod plan promotes what this
        # candidate plan just built.
        unit_tests = candidate.project not in {served.project if served else None, promotion.tested_project()}
        tests_note = "unit tests, " if unit_tests else "unit tests passed with this project already; "
        # Only thelook's new days differ from prod: its days are built forward-only (dev tables
        # in the candidate, then prod's own tables once the gate passed), not its whole history.
        days_from = self.days_from = promotion.new_days_from(candidate, served)
        if days_from is not None:
            tests_note += f"thelook's new days only: forward-only from {days_from}, "
        # The project is loaded once for both plans; the checkpoint's process starts now and
        # imports GX while SQLMesh plans (it opens the warehouse only once told to validate).
        with sqlmesh_context() as project, Checkpoint() as checkpoint:
            step(f"SQLMesh: plan environment '{environment}' ({tests_note}backfill, blocking audits)")
            at_stage(summary, f"planning {environment}")
            started = time.monotonic()
            self.plan_started = datetime.now(UTC)
            try:
                planned = plan(environment, project, unit_tests=unit_tests, new_days_from=days_from)
            except AuditsFailed as failure:
                self.checks = audit_checks(failure.failures, environment)
                self.run.message = str(failure)
                self._measure(environment, self.checks, measure=False)  # samples of the offending rows
                _print_checks(self.checks)
                return "blocked"
            except Exception as error:
                raise PipelineError(f"sqlmesh plan {environment} failed: {error}; prod untouched") from error
            finally:
                summary.seconds["plan"] = round(time.monotonic() - started, 2)
            self.environment_built = True
            if unit_tests:
                promotion.record_tested(candidate.project)
            reach(summary, "candidate-planned")
            summary.changed_models = planned.directly_modified + planned.indirectly_modified + planned.added
            summary.evaluated = planned.evaluated
            if planned.has_changes:
                print(f"directly modified: {', '.join(planned.directly_modified) or '-'}")
                print(f"indirectly modified: {', '.join(planned.indirectly_modified) or '-'}")
                print(f"backfilled: {', '.join(planned.backfilled) or '-'}")
            else:
                print("no model or data changes since the last promotion")

            # Tables prod already serves passed their suites when they were promoted: the
            # checkpoint runs the suites of what changed (or whose checks changed); the clock's
            # checks cover the rest.
            promoted_suites = served.suites if served else {}
            changed_suites = {n for n, digest in candidate.suites.items() if promoted_suites.get(n) != digest}
            # what the plan built: new versions, and the days it added to facts (forward-only days)
            built = planned.changed_models | set(planned.evaluated)
            validate = suites_to_validate(suites, built, changed_suites)
            summary.validated_suites = sorted(validate)
            if not self._gate(checkpoint, validate, set(suites) - validate):
                return "blocked"
            reach(summary, "gate-passed")

            if days_from is None:
                step("Promote: sqlmesh plan prod (a virtual update to the validated tables)")
            else:
                step(f"Promote: sqlmesh plan prod, building thelook's days from {days_from} in prod's tables")
            at_stage(summary, "promoting")
            started = time.monotonic()
            promoted = plan(PROD, project, unit_tests=False, new_days_from=days_from, gated_in=environment)
            reach(summary, "prod-planned")
            # Recorded after the gate run is in dq (`_record`): a crash in between leaves the
            # promotion unrecorded, so the next run validates and records it again.
            self.promoted_release = candidate
            self.run.promoted = True
            summary.seconds["promote"] = round(time.monotonic() - started, 2)
            if promoted.backfilled and days_from is None:
                print(f"note: prod computed {', '.join(promoted.backfilled)} itself", flush=True)
            return "promoted"

    def _gate(self, checkpoint: Checkpoint, validate: set[str], clock_only: set[str]) -> bool:
        """GX on `validate`, freshness on `clock_only`; whether no blocking check failed."""
        environment = self.environment
        step(
            f"Quality gate on environment '{environment}': Great Expectations on {len(validate)} of "
            f"{len(validate) + len(clock_only)} suites (tables or checks changed), freshness on the rest"
        )
        started = time.monotonic()
        at_stage(self.summary, f"gating {environment}")
        checks: list[CheckResult] = []
        if validate:
            try:
                gate = checkpoint.run(environment, validate, since=self.days_from)
            except RuntimeError as error:
                raise PipelineError(f"{error}; prod untouched") from error
            if not gate.checks:
                raise PipelineError(f"the checkpoint validated nothing in {environment}; prod untouched")
            checks, self.run.data_docs = gate.checks, str(gate.data_docs) if gate.data_docs else None
            self.bytes_per_suite = gate.bytes_per_suite
        checks += self._clock_checks(environment, clock_only) + self._reconcile(environment)
        self.checks, self.snapshots = checks, self._measure(environment, checks)
        self.summary.seconds["gate"] = round(time.monotonic() - started, 2)
        _print_checks(checks)
        blocking = failing(checks, "block")
        if blocking:
            self.run.message = "blocking checks failed: " + ", ".join(c.label for c in blocking)
        return not blocking

    def _record(self) -> None:
        """Append the run to `dq`, whatever happened, and tell the summary."""
        from commerce_stack.quality.history import record, record_quarantine
        from commerce_stack.quality.reconcile import record_stream_counts

        run, checks, summary = self.run, self.checks, self.summary
        run.finished_at = _utcnow()
        run.data_docs = run.data_docs or _last_data_docs()
        run.bytes_billed = summary.bytes_billed = self._bytes_billed()
        with connect(read_only=False) as con:
            record(con, run, checks, self.snapshots)
            record_stream_counts(con, run.run_id, *self.stream_counts, run.finished_at)
            built = self.environment_built
            quarantined = record_quarantine(con, self.environment, run.finished_at) if built else 0
        if quarantined:
            print(f"quarantined {quarantined} new record(s) that could not be typed: see dq.quarantine")
        summary.checks_total = len(checks)
        summary.checks_passed = sum(c.success for c in checks)
        summary.failing_checks = [f"{c.label} [{c.owner}]" for c in failing(checks, "block")]
        summary.warnings = [f"{c.label} [{c.owner}]" for c in failing(checks, "warn")]
        summary.data_docs = run.data_docs
        reach(summary, "dq-recorded")
        if self.promoted_release is not None:
            promotion.record_promoted(self.promoted_release)
            reach(summary, "promotion-recorded")

    def _bytes_billed(self) -> dict[str, Any]:
        """On BigQuery: what this run billed, per model (SQLMesh's jobs since the plan started),
        per suite (the checkpoint) and by the pipeline's own SQL; {} on DuckDB."""
        if not on_bigquery():
            return {}
        models: dict[str, int | None] | None = {}
        if self.plan_started is not None:
            from commerce_stack.bigquery import bytes_per_model, plan_jobs, warehouse_client

            try:
                with warehouse_client() as client:
                    per_model = bytes_per_model(plan_jobs(client, self.plan_started))
            except Exception as error:  # cost is evidence, not a verdict: the run is recorded anyway
                print(f"warning: could not list this run's BigQuery jobs ({error}): bytes per model unknown")
                models = None
            else:
                models = {
                    model: (spent.build + spent.audits if spent.reported else None)
                    for model, spent in sorted(per_model.items())
                }
        return {"models": models, "checks": self.bytes_per_suite, "pipeline": self.pipeline_bytes}


def release(summary: RunSummary, environment: str = CANDIDATE_ENVIRONMENT) -> str:
    """Plan, gate and promote what raw holds; returns the run's status (promoted | unchanged |
    blocked) or raises PipelineError (the run is recorded as failed)."""
    return _Release(summary, environment)()
