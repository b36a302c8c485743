"""Plan the SQLMesh project at the repository root with each source pinned to its load."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from commerce_stack.errors import one_line
from commerce_stack.paths import project_dir, warehouse_path
from commerce_stack.pipeline import PipelineError
from commerce_stack.transform.loads import SourceLoad
from commerce_stack.warehouse import gateway, on_bigquery, state_path


class ProjectLoadError(PipelineError):
    """The SQLMesh project does not load (a model that does not parse, a bad config.yaml)."""


def load_project(gateway_name: str) -> Any:
    """SQLMesh's Context for the project; ProjectLoadError, in one line naming the project and
    SQLMesh's reason (its first file and line), when it does not load."""
    from sqlmesh import Context

    try:
        return Context(paths=str(project_dir()), gateway=gateway_name)
    except Exception as error:
        raise ProjectLoadError(
            f"the SQLMesh project in {project_dir()} does not load: {one_line(str(error))}"
        ) from error


def pin_loads(loads: list[SourceLoad]) -> None:
    """config.yaml reads the variables from the environment (LOADED_THROUGH_<SOURCE>), and the
    warehouse and state files as absolute paths (SQLMesh resolves relative ones from its cwd)."""
    os.environ["COMMERCE_WAREHOUSE_PATH"] = str(warehouse_path())
    if on_bigquery():
        os.environ["SQLMESH_BIGQUERY_STATE_PATH"] = str(state_path())
    for load in loads:
        os.environ[load.env_var] = load.loaded_through


@contextmanager
def sqlmesh_context() -> Iterator[Any]:
    """The project, loaded once for a run's plans; its connections are closed after each plan
    (DuckDB allows one writer, and GX opens the file next) and reopen when it plans again."""
    ctx = load_project(gateway())
    try:
        yield ctx
    finally:
        ctx.close()


def schema_table(name: str) -> str:
    """A SQLMesh model name (`"warehouse"."marts"."orders"`) as schema.table (`marts.orders`)."""
    return ".".join(name.replace('"', "").split(".")[-2:])


@dataclass
class PlanOutcome:
    environment: str
    directly_modified: list[str] = field(default_factory=list)
    indirectly_modified: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    backfilled: list[str] = field(default_factory=list)
    # what the plan computed, per model (schema.table): its first and last interval's day, and how
    # many daily intervals (one query per model: a FULL model's are one rebuild)
    evaluated: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.directly_modified or self.indirectly_modified or self.added)

    @property
    def changed_models(self) -> set[str]:
        """Models whose table in this environment is not the one prod serves, as schema.table."""
        names = self.directly_modified + self.indirectly_modified + self.added
        return {schema_table(name) for name in names}


@dataclass
class AuditFailure:
    """A blocking SQLMesh audit that failed while building an environment."""

    model: str  # schema.table
    owner: str
    audit: str
    count: int
    sql: str  # the audit's query on the physical table: returns the offending rows


class AuditsFailed(RuntimeError):
    def __init__(self, environment: str, failures: list[AuditFailure]) -> None:
        self.failures = failures
        names = ", ".join(f"{f.audit} on {f.model} ({f.count} rows)" for f in failures)
        super().__init__(f"blocking SQLMesh audits failed in {environment}: {names}")


def _dialect() -> str:
    """The SQL dialect of the warehouse, for reproduce SQL stewards can run there."""
    return "bigquery" if on_bigquery() else "duckdb"


def _audit_failures(errors: list[Any]) -> list[AuditFailure]:
    from sqlmesh.utils.errors import NodeAuditsErrors

    failures = []
    for error in errors:
        cause = error.__cause__
        if isinstance(cause, NodeAuditsErrors):
            for audit in cause.errors:
                name = schema_table(audit.model_name or str(error.node))
                owner = (audit.model.owner if audit.model else None) or "unowned"
                failures.append(
                    AuditFailure(name, owner, audit.audit_name, int(audit.count), audit.sql(_dialect()))
                )
    return failures


def _failed_models(errors: list[Any]) -> str:
    """The models whose evaluation failed, each with its first line of cause."""
    names = [schema_table(str(getattr(e.node, "snapshot_name", e.node))) for e in errors]
    causes = [one_line(str(e.__cause__ or e)) for e in errors]
    return "; ".join(f"{name} failed: {cause}" for name, cause in zip(names, causes, strict=True))


@contextmanager
def _capturing_failed_models() -> Iterator[list[Any]]:
    """SQLMesh reports the nodes that failed only to its console; keep them for the gate. The
    console also says when a model was built: the run's `plan-backfill` stop point (pipeline/stops.py)."""
    from sqlmesh.core.console import get_console

    from commerce_stack.pipeline.stops import stop_point

    console, captured = get_console(), []
    original, progress = console.log_failed_models, console.update_snapshot_evaluation_progress

    def capture(errors: list[Any]) -> None:
        captured.extend(errors)
        original(errors)

    def built(*args: Any, **kwargs: Any) -> None:
        progress(*args, **kwargs)
        stop_point("plan-backfill")

    console.log_failed_models = capture  # type: ignore[method-assign]
    console.update_snapshot_evaluation_progress = built  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        console.log_failed_models = original  # type: ignore[method-assign]
        console.update_snapshot_evaluation_progress = progress  # type: ignore[method-assign]


def _names(snapshot_ids: object) -> list[str]:
    return sorted(s.name for s in snapshot_ids)  # type: ignore[attr-defined]


def plan(
    environment: str,
    ctx: Any,
    *,
    unit_tests: bool = True,
    new_days_from: date | None = None,
    gated_in: str | None = None,
) -> PlanOutcome:
    """Build (or update) an environment: unit tests, backfill, blocking audits, virtual update.

    A failing unit test or blocking audit raises here, before any view of `environment` moves.
    Dev environments get views for unmodified models too, so the gate reads one schema suffix.
    `ctx`: the project, loaded once for the run's plans (`sqlmesh_context`). `unit_tests=False`
    skips SQLMesh's unit tests (they test the project's code on their own fixtures, so they need
    not run again for code that already passed them: the caller decides, see release.py).

    `new_days_from`: only thelook's new days differ from prod (`promotion.new_days_from`). The
    candidate is then planned forward-only: its changed models keep prod's versions, and SQLMesh
    builds them in the candidate's own dev tables (views and FULL models whole, the incremental
    facts from that day on), never in prod's. Prod's plan (`gated_in`: the environment the gate
    passed) then builds those days again in prod's tables, after the gate passed: a daily run
    rebuilds the facts' new days, not their history (docs/thelook.md §4). (Not a restatement:
    SQLMesh refuses one in a plan that also deploys the new versions it restates.)
    """
    if environment != "prod":
        # Start from prod every time, so the plan (and the gate) covers every difference
        # from prod, not only what changed since this environment's last plan.
        ctx.invalidate_environment(environment, sync=True)
    options: dict[str, Any] = {}
    if new_days_from is not None and environment != "prod":
        options = {"forward_only": True, "preview_start": new_days_from.isoformat()}
    elif new_days_from is not None and gated_in is not None:
        _reopen_days(ctx, new_days_from, gated_in)
    built = ctx.plan_builder(
        environment, include_unmodified=environment != "prod", skip_tests=not unit_tests, **options
    ).build()
    # Read what must be computed before applying: afterwards those intervals are filled.
    backfill = sorted({s.snapshot_id.name for s in built.missing_intervals})
    evaluated = {
        schema_table(s.snapshot_id.name): {
            "first": _day(min(i[0] for i in s.intervals)),
            "last": _day(max(i[0] for i in s.intervals)),
            "intervals": len(s.intervals),
        }
        for s in built.missing_intervals
        if s.intervals
    }
    with _capturing_failed_models() as failed:
        try:
            ctx.apply(built)
        except Exception as error:
            audits = _audit_failures(failed)
            if audits:
                raise AuditsFailed(environment, audits) from error
            if failed:  # SQLMesh's own error says only that the plan failed: name the models
                raise RuntimeError(_failed_models(failed)) from error
            raise
        finally:
            ctx.close()  # the warehouse file is free for the gate's process between plans
    indirect = {s for ids in built.indirectly_modified.values() for s in ids}
    return PlanOutcome(
        environment=environment,
        directly_modified=_names(built.directly_modified),
        indirectly_modified=_names(indirect),
        added=_names(built.context_diff.added),
        backfilled=backfill,
        evaluated=evaluated,
    )


def _reopen_days(ctx: Any, first: date, gated_in: str) -> None:
    """Mark the days from `first` on as not built for the models below thelook's staging, in the
    versions `gated_in` built forward-only (prod's own tables): prod's plan then builds exactly
    those days there. Only after the gate passed: until then, prod's tables are untouched."""
    from sqlmesh.utils.date import now_timestamp, to_timestamp

    candidate = ctx.state_sync.get_environment(gated_in)
    reading = {name for name in ctx.models if "stg_thelook__" in name}
    for name in list(reading):
        reading |= set(ctx.dag.downstream(name))
    interval = (to_timestamp(first), now_timestamp())
    ctx.state_sync.remove_intervals(
        [(s, interval) for s in candidate.snapshots if s.name in reading], remove_shared_versions=True
    )


def _day(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).date().isoformat()
