"""The pipeline's release (plan, Great Expectations gate, promotion) on the BigQuery emulator, from
the same raw data as the DuckDB build: every mart is the same on both, row by row, and a defect
injected into the emulator's raw layer is blocked there with prod unchanged.

The baseline (one promoted run of the DuckDB pipeline, tests/conftest.py) gives both sides: its
raw_<source> tables are copied into the emulator's datasets of the same names, typed as
external_models.yaml declares (standing in for the runner's BigQuery path, which
test_runner_bigquery.py covers). Then `commerce_stack.pipeline.release` runs with config.yaml's own
BigQuery gateway pointed at the emulator (support.bigquery_emulator.emulator_settings): it pins the
loads from the raw datasets, plans a candidate environment there, runs the Great Expectations
checkpoint on it through sqlalchemy-bigquery, promotes, and writes the `dq` history into the
emulator's `dq` dataset. Every mart is compared with the baseline's: same columns in the same
order, same type families, equal values (Decimals by value, timestamps as UTC instants, NULLs), as
multisets of rows.

The emulator executes BigQuery SQL through sqlglot and DuckDB: equal marts prove the client, the
DDL, the loads, SQLMesh's and GX's BigQuery paths, not BigQuery's own semantics (docs/tooling.md
§4.1 and tests/transform/test_dialect_semantics.py cover those; bigquery_emulator/README.md says
what the emulator does not prove).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support.bigquery_emulator import (
    PROJECT,
    bigquery_table,
    client,
    differences,
    duckdb_table,
    emulator_settings,
    load_raw_layer,
    raw_tables,
)

from commerce_stack.paths import ROOT
from commerce_stack.pipeline.release import release
from commerce_stack.pipeline.summary import RunSummary, new_run_id
from commerce_stack.quality.gate import suite_files
from commerce_stack.quality.report import build_report
from commerce_stack.transform.promotion import Release
from commerce_stack.warehouse import label

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
# every model of the project (schema.table: the folder under models/ is the schema) and the seed
PROJECT_MODELS = sorted(
    {f"{path.parent.name}.{path.stem}" for path in (ROOT / "models").rglob("*.sql")}
    | {"reference.exchange_rates"}
)


@dataclass
class EmulatorBuild:
    bq: Any  # google-cloud-bigquery client of the emulator
    warehouse: Path  # the baseline's DuckDB warehouse
    loaded: dict[str, int]  # raw table -> rows loaded into the emulator
    promoted_loads: dict[str, str]  # what the baseline promoted
    summary: RunSummary  # the release on the emulator
    env: dict[str, str]  # the environment that points the pipeline at the emulator


@pytest.fixture(scope="module")
def build(baseline, bigquery_emulator, tmp_path_factory) -> Iterator[EmulatorBuild]:
    """The baseline's raw layer loaded into the emulator, and the pipeline's release run there."""
    bq = client(bigquery_emulator)
    warehouse = baseline.pipeline.warehouse
    loaded = load_raw_layer(bq, warehouse)
    served = Release(**json.loads((baseline.workdir / "promoted.json").read_text()))
    runs = tmp_path_factory.mktemp("emulator_runs")
    env = {
        **emulator_settings(bigquery_emulator, runs / "sqlmesh_state.duckdb"),
        # the run's own files (GX's working context, promoted.json, summaries) beside this path
        "COMMERCE_WAREHOUSE_PATH": str(runs / "warehouse.duckdb"),
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        summary = RunSummary(run_id=new_run_id(), warehouse=label())
        summary.status = release(summary)
    yield EmulatorBuild(bq, warehouse, loaded, served.loads, summary, env)


def _rows(bq: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row.values()) for row in bq.query(sql).result()]


@pytest.mark.parametrize("name", RAW_TABLES)
def test_the_raw_table_on_the_emulator_is_the_warehouse_s(build, name):
    """JSON columns hold the JSON itself, NUMERIC is exact, timestamps are the same instants."""
    declared = next(table for table in raw_tables() if table.name == name)
    duck = duckdb_table(build.warehouse, name, columns=list(declared.columns), naive_timestamps_are_utc=True)
    assert build.loaded[name] == len(duck.rows) > 0
    assert differences(name, duck, bigquery_table(build.bq, name)) == []


def test_the_release_pins_the_baseline_s_loads_and_promotes_after_a_green_gate_on_the_emulator(build):
    summary = build.summary
    assert summary.loads == build.promoted_loads  # high-water marks read from the raw datasets
    assert (summary.status, summary.failing_checks) == ("promoted", [])
    assert summary.checks_total == summary.checks_passed > 300
    served = {
        f"{dataset}.{table.table_id}"
        for dataset in ("staging", "marts", "reference")
        for table in build.bq.list_tables(f"{PROJECT}.{dataset}")
    }
    assert sorted(set(PROJECT_MODELS) - served) == []
    # the history is in the emulator's dq dataset
    assert _rows(build.bq, "SELECT status, promoted, checks_total, blocking_failures FROM dq.gate_runs") == [
        ("promoted", True, summary.checks_total, 0)
    ]
    sources = dict(_rows(build.bq, "SELECT check_source, count(*) FROM dq.check_results GROUP BY 1"))
    # and the counts reconciled per stream and nested grain (quality/reconcile.py)
    assert set(sources) == {"great_expectations", "reconcile"}
    assert sum(sources.values()) == summary.checks_total and sources["reconcile"] >= 15


def test_the_run_records_what_it_billed_per_model_and_per_suite_and_reports_it(build, tmp_path):
    """The emulator reports no bytes (None), so this proves the attribution, not the amounts:
    every model's jobs are found and named, and every suite the checkpoint ran is counted."""
    billed = build.summary.bytes_billed
    assert set(PROJECT_MODELS) <= set(billed["models"])
    assert set(billed["checks"]) == set(suite_files())
    assert billed["pipeline"] is None and set(billed["models"].values()) == {None}
    [(stored,)] = _rows(build.bq, "SELECT bytes_billed FROM dq.gate_runs")
    assert stored == json.loads(json.dumps(billed))
    # the stewards' report, built from the emulator's dq dataset
    with pytest.MonkeyPatch.context() as patch:
        for name, value in build.env.items():
            patch.setenv(name, value)
        html = build_report(None, tmp_path / "report")
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert (report["warehouse"], report["latest_run"]["status"]) == (f"bigquery:{PROJECT}", "promoted")
    assert report["latest_run"]["bytes_billed"] == stored
    assert "BigQuery bytes billed by this run" in html.read_text()


@pytest.mark.parametrize("mart", MARTS)
def test_the_mart_on_the_emulator_equals_the_duckdb_build(build, mart):
    name = f"marts.{mart}"
    duck = duckdb_table(build.warehouse, name)
    assert duck.rows, f"{name} is empty in the baseline: nothing to compare"
    assert differences(name, duck, bigquery_table(build.bq, name)) == []


def _inject_negative_quantity_cart(bq: Any) -> None:
    """A FakeStore cart with a line of -3 units, appended to the emulator's raw carts as the runner
    would land it (a new extraction, after everything the baseline holds)."""
    from google.cloud import bigquery

    row = {
        "id": 8, "userid": 1, "date": "2020-03-03T00:00:00Z",
        "products": [{"productId": 1, "quantity": -3}], "__v": 0,
        "_airbyte_raw_id": "injected-negative-quantity", "_airbyte_extracted_at": "2030-01-01T00:00:00Z",
        "_airbyte_meta": {},
    }  # fmt: skip
    data = (json.dumps(row) + "\n").encode()
    bq.load_table_from_file(
        io.BytesIO(data),
        f"{PROJECT}.raw_fakestore.carts",
        size=len(data),
        job_config=bigquery.LoadJobConfig(
            source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
            write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
        ),
    ).result()


def test_a_defect_in_the_emulator_s_raw_layer_is_blocked_there_and_prod_keeps_its_marts(build):
    """Last in this module: it changes the emulator's raw layer."""
    before = {mart: bigquery_table(build.bq, f"marts.{mart}") for mart in MARTS}
    _inject_negative_quantity_cart(build.bq)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in build.env.items():
            patch.setenv(name, value)
        summary = RunSummary(run_id=new_run_id(), warehouse=label())
        summary.status = release(summary)

    assert summary.status == "blocked"
    assert summary.loads["fakestore"] == "2030-01-01 00:00:00.000000"
    assert any(
        check.startswith("quantity_positive(marts__candidate.order_lines") for check in summary.failing_checks
    ), summary.failing_checks
    for mart, table in before.items():  # prod's views still show the promoted tables
        assert differences(f"marts.{mart}", table, bigquery_table(build.bq, f"marts.{mart}")) == []
    runs = _rows(build.bq, "SELECT status, promoted FROM dq.gate_runs ORDER BY started_at")
    assert runs == [("promoted", True), ("blocked", False)]
    failed = _rows(
        build.bq,
        "SELECT check_name, reproduce_sql, failing_samples FROM dq.check_results "
        f"WHERE run_id = '{summary.run_id}' AND NOT success AND severity = 'block'",
    )
    assert {name for name, _, _ in failed} == {check.split(" [")[0] for check in summary.failing_checks}
    # the offending line is kept as a sample, with the SQL that finds it on BigQuery
    sql, samples = next(
        (sql, samples) for name, sql, samples in failed if name.startswith("quantity_positive(marts")
    )
    assert sql == "SELECT * FROM marts__candidate.order_lines WHERE quantity <= 0.0"
    assert [(sample["order_key"], sample["quantity"]) for sample in samples] == [
        ("fakestore:8", "-3.000000000")
    ]
