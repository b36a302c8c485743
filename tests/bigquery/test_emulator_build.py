"""SQLMesh builds the whole project on the BigQuery emulator from the same raw data as the DuckDB
build, and every mart is the same on both, row by row.

The baseline (one promoted run of the DuckDB pipeline, tests/conftest.py) gives both sides: its
raw_<source> tables are copied into the emulator's datasets of the same names, typed as
external_models.yaml declares (standing in for the runner's BigQuery path), and the loads it
promoted pin the plan, so both builds read the same records. SQLMesh plans prod through
config.yaml's own BigQuery gateway, pointed at the emulator (support.bigquery_emulator). Then every
mart is compared with the baseline's: same columns in the same order, same type families, equal
values (Decimals by value, timestamps as UTC instants, NULLs), as multisets of rows.

The emulator executes BigQuery SQL through sqlglot and DuckDB: equal marts prove the client, the
DDL, the loads and SQLMesh's BigQuery path, not BigQuery's own semantics (docs/tooling.md §4.1 and
tests/transform/test_dialect_semantics.py cover those; bigquery_emulator/README.md says what the
emulator does not prove).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.bigquery_emulator import (
    GATEWAY,
    PROJECT,
    bigquery_table,
    client,
    differences,
    duckdb_table,
    emulator_settings,
    load_raw_layer,
    raw_tables,
    sqlmesh_config,
)

from commerce_stack.paths import ROOT
from commerce_stack.transform.loads import SourceLoad
from commerce_stack.transform.promotion import Release

pytestmark = [
    pytest.mark.bigquery,
    # from SQLMesh's seed reader and its BigQuery loads and reads (not ours to change), every build
    pytest.mark.filterwarnings("ignore:The argument 'infer_datetime_format' is deprecated"),
    pytest.mark.filterwarnings("ignore:errors='ignore' is deprecated"),
    pytest.mark.filterwarnings("ignore:Loading DataFrames via google-cloud-bigquery is deprecated"),
    pytest.mark.filterwarnings("ignore:Retrieving DataFrames via google-cloud-bigquery is deprecated"),
    pytest.mark.filterwarnings('ignore:"is not" with a literal'),
]

MARTS = sorted(path.stem for path in (ROOT / "models" / "marts").glob("*.sql"))
RAW_TABLES = [table.name for table in raw_tables()]


@dataclass
class EmulatorBuild:
    bq: Any  # google-cloud-bigquery client of the emulator
    warehouse: Path  # the baseline's DuckDB warehouse
    loaded: dict[str, int]  # raw table -> rows loaded into the emulator
    models: dict[str, str]  # every model's name (schema.table) -> its kind


def _failed_nodes(errors: list[Any]) -> str:
    return "\n".join(f"- {error.node}: {error.__cause__!r}"[:2000] for error in errors) or "(none reported)"


def _plan_prod(ctx: Any) -> None:
    """Build prod (no unit tests: they run on DuckDB in every pipeline plan); a failure names each
    model that failed and why (SQLMesh reports those only to its console)."""
    from sqlmesh.core.console import get_console

    console = get_console()
    failed: list[Any] = []
    report = console.log_failed_models
    console.log_failed_models = lambda errors: (failed.extend(errors), report(errors))  # type: ignore[method-assign]
    try:
        ctx.apply(ctx.plan_builder("prod", skip_tests=True).build())
    except Exception as error:
        raise AssertionError(
            f"SQLMesh could not build prod on the emulator: {error}\n{_failed_nodes(failed)}"
        ) from error
    finally:
        console.log_failed_models = report  # type: ignore[method-assign]


@pytest.fixture(scope="module")
def build(baseline, bigquery_emulator, tmp_path_factory) -> Iterator[EmulatorBuild]:
    """The baseline's raw layer loaded into the emulator, and the project planned into prod there,
    pinned to the loads the baseline promoted."""
    from sqlmesh import Context

    bq = client(bigquery_emulator)
    warehouse = baseline.pipeline.warehouse
    loaded = load_raw_layer(bq, warehouse)

    release = Release(**json.loads((baseline.workdir / "promoted.json").read_text()))
    state = tmp_path_factory.mktemp("sqlmesh_state") / "state.duckdb"
    with pytest.MonkeyPatch.context() as env:
        for name, value in emulator_settings(bigquery_emulator, state).items():
            env.setenv(name, value)
        for source, through in release.loads.items():
            env.setenv(SourceLoad(source, through).env_var, through)
        ctx = Context(paths=str(ROOT), config=sqlmesh_config(), gateway=GATEWAY)
        try:
            _plan_prod(ctx)
            models = {
                ".".join(name.replace("`", "").replace('"', "").split(".")[-2:]): model.kind.name.value
                for name, model in ctx.models.items()
            }
        finally:
            ctx.close()
    yield EmulatorBuild(bq, warehouse, loaded, models)


@pytest.mark.parametrize("name", RAW_TABLES)
def test_the_raw_table_on_the_emulator_is_the_warehouse_s(build, name):
    """JSON columns hold the JSON itself, NUMERIC is exact, timestamps are the same instants."""
    declared = next(table for table in raw_tables() if table.name == name)
    duck = duckdb_table(build.warehouse, name, columns=list(declared.columns), naive_timestamps_are_utc=True)
    assert build.loaded[name] == len(duck.rows) > 0
    assert differences(name, duck, bigquery_table(build.bq, name)) == []


def test_sqlmesh_builds_every_model_of_the_project_into_prod_on_the_emulator(build):
    served = {
        f"{dataset}.{table.table_id}"
        for dataset in {name.split(".")[0] for name in build.models}
        for table in build.bq.list_tables(f"{PROJECT}.{dataset}")
    }
    assert sorted(set(build.models) - served) == []
    assert {f"marts.{mart}" for mart in MARTS} <= served


@pytest.mark.parametrize("mart", MARTS)
def test_the_mart_on_the_emulator_equals_the_duckdb_build(build, mart):
    name = f"marts.{mart}"
    duck = duckdb_table(build.warehouse, name)
    assert duck.rows, f"{name} is empty in the baseline: nothing to compare"
    assert differences(name, duck, bigquery_table(build.bq, name)) == []
