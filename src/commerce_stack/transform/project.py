"""Plan the SQLMesh project at the repository root with each source pinned to its load."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from commerce_stack.airbyte_config import connection_names, load_connection
from commerce_stack.paths import project_dir, runs_dir, warehouse_path
from commerce_stack.transform.loads import SourceLoad, source_load

GATEWAY = "duckdb"


def current_loads() -> list[SourceLoad]:
    """The high-water mark of every active connection, read from the warehouse."""
    connections = [load_connection(name) for name in connection_names()]
    path = warehouse_path()
    if not path.exists():
        return [SourceLoad(c.name, "1970-01-01 00:00:00") for c in connections]
    with duckdb.connect(str(path), read_only=True) as con:
        return [source_load(con, c) for c in connections]


def _promoted_file() -> Path:
    return runs_dir() / "promoted_loads.json"


def record_promoted(loads: list[SourceLoad]) -> None:
    """Remember the loads prod now serves, so later plans compare against exactly those."""
    _promoted_file().write_text(json.dumps({load.source: load.loaded_through for load in loads}, indent=2))


def promoted_loads() -> list[SourceLoad] | None:
    """The loads of the last promotion on this warehouse, if the pipeline promoted one."""
    path = _promoted_file()
    if not path.exists():
        return None
    return [SourceLoad(source, through) for source, through in json.loads(path.read_text()).items()]


def pin_loads(loads: list[SourceLoad]) -> None:
    """config.yaml reads the variables from the environment (LOADED_THROUGH_<SOURCE>)."""
    os.environ["COMMERCE_WAREHOUSE_PATH"] = str(warehouse_path())
    for load in loads:
        os.environ[load.env_var] = load.loaded_through


@contextmanager
def sqlmesh_context() -> Iterator[object]:
    """A Context that is always closed: DuckDB allows one writer, and GX opens the file next."""
    from sqlmesh import Context

    ctx = Context(paths=str(project_dir()), gateway=GATEWAY)
    try:
        yield ctx
    finally:
        ctx.close()


@dataclass
class PlanOutcome:
    environment: str
    directly_modified: list[str] = field(default_factory=list)
    indirectly_modified: list[str] = field(default_factory=list)
    backfilled: list[str] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.directly_modified or self.indirectly_modified)


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


def _audit_failures(errors: list[Any]) -> list[AuditFailure]:
    from sqlmesh.utils.errors import NodeAuditsErrors

    failures = []
    for error in errors:
        cause = error.__cause__
        if isinstance(cause, NodeAuditsErrors):
            for audit in cause.errors:
                name = ".".join((audit.model_name or str(error.node)).replace('"', "").split(".")[-2:])
                owner = (audit.model.owner if audit.model else None) or "unowned"
                failures.append(
                    AuditFailure(name, owner, audit.audit_name, int(audit.count), audit.sql("duckdb"))
                )
    return failures


@contextmanager
def _capturing_failed_models() -> Iterator[list[Any]]:
    """SQLMesh reports the nodes that failed only to its console; keep them for the gate."""
    from sqlmesh.core.console import get_console

    console, captured = get_console(), []
    original = console.log_failed_models

    def capture(errors: list[Any]) -> None:
        captured.extend(errors)
        original(errors)

    console.log_failed_models = capture  # type: ignore[method-assign]
    try:
        yield captured
    finally:
        console.log_failed_models = original  # type: ignore[method-assign]


def _names(snapshot_ids: object) -> list[str]:
    return sorted(s.name for s in snapshot_ids)  # type: ignore[attr-defined]


def plan(environment: str) -> PlanOutcome:
    """Build (or update) an environment: unit tests, backfill, blocking audits, virtual update.

    A failing unit test or blocking audit raises here, before any view of `environment` moves.
    Dev environments get views for unmodified models too, so the gate reads one schema suffix.
    """
    with sqlmesh_context() as ctx:
        if environment != "prod":
            # Start from prod every time, so the plan (and the gate) covers every difference
            # from prod, not only what changed since this environment's last plan.
            ctx.invalidate_environment(environment, sync=True)  # type: ignore[attr-defined]
        builder = ctx.plan_builder(  # type: ignore[attr-defined]
            environment, include_unmodified=environment != "prod"
        )
        built = builder.build()
        # Read what must be computed before applying: afterwards those intervals are filled.
        backfill = sorted({s.snapshot_id.name for s in built.missing_intervals})
        with _capturing_failed_models() as failed:
            try:
                ctx.apply(built)  # type: ignore[attr-defined]
            except Exception as error:
                audits = _audit_failures(failed)
                if audits:
                    raise AuditsFailed(environment, audits) from error
                raise
        indirect = {s for ids in built.indirectly_modified.values() for s in ids}
        return PlanOutcome(
            environment=environment,
            directly_modified=_names(built.directly_modified),
            indirectly_modified=_names(indirect),
            backfilled=backfill,
        )


def model_names() -> list[str]:
    with sqlmesh_context() as ctx:
        return sorted(ctx.models)  # type: ignore[attr-defined]
