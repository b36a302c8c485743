"""What prod serves: the loads, the SQLMesh project and the suites of the last promotion.

A run whose loads, project and suites all equal those of the last promotion has nothing to build
and nothing to validate: SQLMesh's fingerprints are functions of exactly these inputs (model
files, macros, config and the `loaded_through_<source>` variables), so its plan would be empty,
and every table behind prod's views is the one the gate passed. The pipeline then skips the plan
and the checkpoint (seconds each), runs only the checks that depend on the clock, and says
"nothing new". Anything else (a new load, an edited model or suite, a SQLMesh upgrade, a prod
promoted by hand) takes the whole path.

The record is `promoted.json` beside the warehouse, written after each promotion.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

import duckdb

from commerce_stack.paths import project_dir, runs_dir
from commerce_stack.transform.loads import NOTHING_LOADED, THELOOK, SourceLoad
from commerce_stack.warehouse import state_path

# What SQLMesh builds from (its tests run in every plan, so they count too).
PROJECT_FILES = ("config.yaml", "external_models.yaml", "models", "seeds", "macros", "audits", "tests/models")
_ENV_VAR = re.compile(r"env_var\('([A-Z0-9_]+)'")
# Where the warehouse and SQLMesh's state are, not what is built: a copied warehouse serves the
# same project.
_WHERE_NOT_WHAT = {"COMMERCE_WAREHOUSE_PATH", "SQLMESH_BIGQUERY_STATE_PATH"}


@dataclass(frozen=True)
class Release:
    loads: dict[str, str]  # source -> loaded_through
    project: str  # digest of the project's files and of the settings config.yaml reads
    suites: dict[str, str] = field(default_factory=dict)  # suite name -> digest of its file
    prod_plan: str | None = None  # SQLMesh's id of the plan that made prod what it is


def _digest(paths: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _files(root: Path, names: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = root / name
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(path)
    return found


def project_digest(root: Path | None = None) -> str:
    """The project's files, the values of the variables config.yaml reads (the loads aside: they
    are compared on their own) and the SQLMesh version."""
    root = root or project_dir()
    config = (root / "config.yaml").read_text()
    settings = {
        name: os.environ.get(name)
        for name in sorted(set(_ENV_VAR.findall(config)))
        if not name.startswith("LOADED_THROUGH_") and name not in _WHERE_NOT_WHAT
    }
    extra = json.dumps({"settings": settings, "sqlmesh": version("sqlmesh")}, sort_keys=True)
    return hashlib.sha256((_digest(_files(root, PROJECT_FILES), root) + extra).encode()).hexdigest()


def suite_digests(suites: dict[str, dict]) -> dict[str, str]:
    """One digest per suite, so a changed suite is run again even when its table is unchanged."""
    return {
        name: hashlib.sha256(json.dumps(suite, sort_keys=True).encode()).hexdigest()
        for name, suite in sorted(suites.items())
    }


def prod_plan_id() -> str | None:
    """The plan behind prod in SQLMesh's state (read-only; None before the first promotion).

    SQLMesh keeps its state in a DuckDB file's `sqlmesh` schema (the warehouse's, or the BigQuery
    gateway's state file); reading the plan id there is how a promotion made outside the pipeline
    (`sqlmesh plan prod` by hand) is noticed."""
    state = state_path()
    if not state.exists():
        return None
    try:
        with duckdb.connect(str(state), read_only=True) as con:
            row = con.execute("SELECT plan_id FROM sqlmesh._environments WHERE name = 'prod'").fetchone()
    except duckdb.Error:  # no state yet, or a layout this reader does not know: take the full path
        return None
    return row[0] if row else None


def current(loads: list[SourceLoad], suites: dict[str, dict]) -> Release:
    return Release(
        loads={load.source: load.loaded_through for load in loads},
        project=project_digest(),
        suites=suite_digests(suites),
        prod_plan=prod_plan_id(),
    )


def new_days_from(candidate: Release, served: Release | None) -> date | None:
    """The first day to rebuild when thelook's new days are all that differs from prod (same
    project, suites and Airbyte loads): the day of prod's thelook load, whose partitions may have
    grown (a unit sold on a new day can have been received that evening). None when anything else
    differs: then every changed model gets a new version, built whole."""
    if served is None or (candidate.project, candidate.suites) != (served.project, served.suites):
        return None
    before, after = served.loads.get(THELOOK, NOTHING_LOADED), candidate.loads.get(THELOOK, NOTHING_LOADED)
    others = {source: through for source, through in candidate.loads.items() if source != THELOOK}
    if others != {source: through for source, through in served.loads.items() if source != THELOOK}:
        return None
    if NOTHING_LOADED in (before, after) or after <= before:
        return None
    return date.fromisoformat(before[:10])


def _record_file() -> Path:
    return runs_dir() / "promoted.json"


def _replace(path: Path, text: str) -> None:
    """Write `path` whole: a crash leaves the old file or the new one, never half of one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    partial.replace(path)


def record_promoted(release: Release) -> None:
    """Remember what prod now serves (after `plan prod`: the plan id is prod's new one)."""
    served = Release(release.loads, release.project, release.suites, prod_plan_id())
    _replace(_record_file(), json.dumps(asdict(served), indent=2))


def _tested_file() -> Path:
    return runs_dir() / "unit_tests_passed"


def record_tested(project: str) -> None:
    """Remember that SQLMesh's unit tests passed with this project (a `project_digest`)."""
    _replace(_tested_file(), project + "\n")


def tested_project() -> str | None:
    """The project whose unit tests last passed on this warehouse's runs, if any."""
    path = _tested_file()
    return path.read_text().strip() if path.exists() else None


def promoted() -> Release | None:
    """What the last promotion on this warehouse put in prod, if the pipeline promoted one."""
    path = _record_file()
    if not path.exists():
        return None
    try:
        return Release(**json.loads(path.read_text()))
    except (TypeError, ValueError):  # unreadable record: behave as if there were none
        return None


def promoted_loads() -> list[SourceLoad] | None:
    """The loads prod serves, for plans that must compare against exactly those."""
    release = promoted()
    if release is None:
        return None
    return [SourceLoad(source, through) for source, through in release.loads.items()]
