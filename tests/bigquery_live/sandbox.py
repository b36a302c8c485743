"""A throwaway BigQuery sandbox for the whole project: plan it, count what it billed, delete it.

Used by the live test (`make test-bigquery-live`) against a real project, and rehearsed offline
against a fake BigQuery client by tests/transform/test_bigquery_ddl.py, so that the code the live
target runs is exercised by `make test` too.

The sandbox is a SQLMesh environment with a unique name `live_<UTC time>_<random>`: its views go to
`<schema>__<name>` datasets, its physical tables to `<name>__sqlmesh__<schema>` (a
`physical_schema_mapping`, so never the `sqlmesh__<schema>` datasets prod's views read), and its
SQLMesh state to a DuckDB file in a temporary folder (never prod's). The raw datasets are only read.
Cleaning up invalidates the environment, runs the janitor and deletes every dataset whose name
contains the sandbox's name, whatever happened before.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from commerce_stack.bigquery import ModelBytes, bytes_per_model, model_of

__all__ = ["ModelBytes", "bytes_per_model", "model_of"]

ROOT = Path(__file__).resolve().parents[2]
SCOPES = ["https://www.googleapis.com/auth/bigquery"]
LAYERS = ("staging", "marts", "reference")


class SandboxUnavailable(Exception):
    """The project cannot be planned here (a raw dataset is missing); the message says why."""


def credentials_problem() -> str | None:
    """Why this machine cannot reach BigQuery, or None. Looks only at files and the environment."""
    if not os.environ.get("GCP_PROJECT"):
        return "GCP_PROJECT is not set"
    key_file = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if key_file and not Path(key_file).is_file():
        return f"GOOGLE_APPLICATION_CREDENTIALS names no file: {key_file}"
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        google.auth.default(scopes=SCOPES)
    except DefaultCredentialsError:
        return "no Application Default Credentials found"
    return None


@dataclass
class Sandbox:
    context: Any  # sqlmesh.Context on the bigquery gateway
    name: str
    jobs: list[Any] = field(default_factory=list)  # every google.cloud.bigquery.QueryJob sent
    deleted_datasets: list[str] = field(default_factory=list)
    cleanup_log: list[str] = field(default_factory=list)


@contextmanager
def open_sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    from google.api_core.exceptions import NotFound
    from sqlmesh import Context
    from sqlmesh.core.config import Config
    from sqlmesh.core.config.loader import load_config_from_paths

    name = f"live_{datetime.now(UTC):%Y%m%d_%H%M%S}_{secrets.token_hex(3)}"
    monkeypatch.setenv("SQLMESH_ENABLE_BIGQUERY", "1")
    monkeypatch.delenv("SQLMESH_GATEWAY", raising=False)
    monkeypatch.setenv("SQLMESH_BIGQUERY_STATE_PATH", str(tmp_path / "state.duckdb"))
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))  # never data/
    config = load_config_from_paths(Config, project_paths=[ROOT / "config.yaml"])
    mapping = {f"^{layer}$": f"{name}__sqlmesh__{layer}" for layer in LAYERS}
    config = config.copy(update={"physical_schema_mapping": mapping})
    context = Context(paths=str(ROOT), config=config, gateway="bigquery")
    client = context.engine_adapter.client
    project = client.project
    sandbox = Sandbox(context, name)
    try:
        raw = sorted({m.schema_name for m in context.models.values() if m.kind.is_external})
        for dataset in raw:
            try:
                client.get_dataset(f"{project}.{dataset}")
            except NotFound:
                raise SandboxUnavailable(
                    f"{project} has no dataset {dataset}: land the raw tables first (Airbyte's "
                    "BigQuery destination, README 'Production on BigQuery')"
                ) from None

        query = client.query

        def recording_query(*args: Any, **kwargs: Any) -> Any:
            job = query(*args, **kwargs)
            sandbox.jobs.append(job)
            return job

        monkeypatch.setattr(client, "query", recording_query)
        yield sandbox
    finally:
        try:
            context.invalidate_environment(name, sync=True)
            context.run_janitor(ignore_ttl=True)
            sandbox.cleanup_log.append("environment invalidated, janitor run")
        except Exception as error:  # the datasets below are deleted all the same
            sandbox.cleanup_log.append(f"janitor failed ({error})")
        finally:
            context.close()
        for dataset in client.list_datasets(project):
            if name in dataset.dataset_id:
                client.delete_dataset(
                    f"{project}.{dataset.dataset_id}", delete_contents=True, not_found_ok=True
                )
                sandbox.deleted_datasets.append(dataset.dataset_id)
        sandbox.cleanup_log.append(f"datasets deleted: {', '.join(sandbox.deleted_datasets) or 'none'}")


def plan(sandbox: Sandbox) -> Any:
    """Build every model into the sandbox, running the blocking audits (the SQLMesh half of the
    gate); returns SQLMesh's Plan. Unit tests are not run here: they run on DuckDB anyway."""
    return sandbox.context.plan(
        environment=sandbox.name,
        no_prompts=True,
        auto_apply=True,
        include_unmodified=True,
        skip_tests=True,
    )


def report(per_model: dict[str, ModelBytes], header: str) -> str:
    width = max(len(name) for name in per_model) + 2
    lines = [header, f"{'model':<{width}}{'build bytes':>16}{'audit bytes':>16}{'jobs':>6}"]
    for name in sorted(per_model):
        entry = per_model[name]
        lines.append(f"{name:<{width}}{entry.build:>16,}{entry.audits:>16,}{entry.jobs:>6}")
    build = sum(entry.build for entry in per_model.values())
    audits = sum(entry.audits for entry in per_model.values())
    lines.append(f"{'total':<{width}}{build:>16,}{audits:>16,}")
    lines.append(f"total billed: {(build + audits) / 2**30:.3f} GiB (on-demand pricing bills per TiB)")
    return "\n".join(lines)


def check_jobs(sandbox: Sandbox, plan_id: str) -> None:
    """Every model was built, and every job carried the bytes cap and the plan's label."""
    per_model = bytes_per_model(sandbox.jobs)
    built = {
        model.name
        for model in sandbox.context.models.values()
        if not model.kind.is_external and not model.kind.is_seed
    }
    assert built <= set(per_model), sorted(built - set(per_model))
    cap = sandbox.context.engine_adapter._extra_config["maximum_bytes_billed"]
    for job in sandbox.jobs:
        if job.query.startswith("SET @@query_label"):
            continue  # opens the model's session, reads no table
        assert job.maximum_bytes_billed == cap, job.query[:120]
        assert job.labels.get("sqlmesh_plan") == plan_id, job.query[:120]
