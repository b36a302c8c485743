"""The pipeline's whole BigQuery path on the emulator, sync to prod, in one chain, checked against
the DuckDB build of the same APIs (the session's `baseline`).

1. The local runner (`COMMERCE_RAW_DESTINATION=bigquery`) syncs the FakeStore, TinyERP and
   Linnworks simulators, with the baseline's seeds, profile and sizes, into the raw_<source>
   datasets (PyAirbyte's BigQuery cache), twice: the raw layout is external_models.yaml's, the
   first sync's rows are the baseline's, column by column, sync ids are stamped, and the stream
   state kept in BigQuery makes the second sync continue from it.
2. The pipeline's release (`commerce_stack.pipeline.release`, config.yaml's own BigQuery gateway
   pointed at the emulator, support.bigquery_emulator.emulator_settings) runs on what the runner
   landed: it pins the loads from the raw datasets, plans a candidate environment, runs the Great
   Expectations checkpoint through sqlalchemy-bigquery, promotes, and writes the `dq` history and
   the bytes billed into the emulator's `dq` dataset. Every mart is then the baseline's, row by row
   (same columns in the same order, same type families, equal values: Decimals by value,
   timestamps as UTC instants, NULLs), except the columns that say when a load ran.
3. A defect appended to the emulator's raw layer is blocked there, and prod keeps its marts.

The emulator executes BigQuery SQL through sqlglot and DuckDB: this proves the client, the
credentials, the DDL, the loads, the runner's bookkeeping SQL and SQLMesh's and GX's BigQuery
paths, not BigQuery's own semantics (docs/tooling.md §4.1, tests/transform/test_dialect_semantics.py;
bigquery_emulator/README.md and pyairbyte/README.md say what the emulator does not prove).
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pytest
from support.bigquery_emulator import (
    LOCATION,
    PROJECT,
    Table,
    bigquery_table,
    client,
    differences,
    duckdb_table,
    emulator_settings,
    raw_tables,
)
from support.pipeline_runs import local_tinyerp_simulator, tiny_env

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.linnworks import LinnworksSimulator
from commerce_stack.airbyte_config import load_connection
from commerce_stack.paths import ROOT
from commerce_stack.pipeline.ingest import sync
from commerce_stack.pipeline.local_apis import LocalApis, linnworks_environment
from commerce_stack.pipeline.release import release
from commerce_stack.pipeline.summary import RunSummary, new_run_id
from commerce_stack.quality.gate import suite_files
from commerce_stack.quality.report import build_report
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

CONNECTIONS = ["fakestore", "tinyerp", "linnworks"]
MARTS = sorted(path.stem for path in (ROOT / "models" / "marts").glob("*.sql"))
RAW_TABLES = [table.name for table in raw_tables()]
# every model of the project (schema.table: the folder under models/ is the schema) and the seed
PROJECT_MODELS = sorted(
    {f"{path.parent.name}.{path.stem}" for path in (ROOT / "models").rglob("*.sql")}
    | {"reference.exchange_rates"}
)
AIRBYTE_COLUMNS = {"_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_meta"}
PER_READ = AIRBYTE_COLUMNS | {"_scan_started_at"}  # when the read ran (TinyERP's cursor): per sync
# Mart columns that say when a load ran: the runner's syncs ran after the baseline's, so these
# differ by design and are compared for presence only (a stock read's day: see the test of it).
LOAD_TIME = {"loaded_at", "snapshot_at", "snapshot_date"}
# external_models.yaml's BigQuery spelling -> the type BigQuery reports in a query's schema. The
# emulator keeps no NUMERIC precision and scale (PyAirbyte's DDL says DECIMAL(38, 9)).
REPORTED = {
    "STRING": "STRING",
    "INT64": "INTEGER",
    "BOOL": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP",
    "JSON": "JSON",
    "NUMERIC(38, 9)": "NUMERIC",
}


@pytest.fixture(scope="module")
def simulators() -> Iterator[dict[str, str]]:
    """The APIs the baseline read (the pipeline's own simulators: LocalApis' seed and profile,
    the simulators' default sizes), and the environment that reads them."""
    apis = LocalApis()
    with (
        FakeStoreSimulator(seed=apis.seed, profile=apis.profile) as fakestore,
        local_tinyerp_simulator() as tiny,
        LinnworksSimulator(seed=apis.seed) as linnworks,
    ):
        yield {
            "FAKESTORE_BASE_URL": fakestore.url,
            **tiny_env(tiny),
            **linnworks_environment(linnworks.proxy_url, linnworks.ca_file),
        }


@dataclass
class Synced:
    bq: Any  # google-cloud-bigquery client of the emulator
    reference: Path  # the baseline's DuckDB warehouse: the same APIs, synced and released there
    work: Path  # the runner's folder
    first: list[dict[str, Any]]  # the runner's summaries
    second: list[dict[str, Any]]
    rows_after_first: dict[str, int]  # raw_<source>.<stream> -> rows


def _runner_env(url: str, work: Path) -> dict[str, str]:
    """The runner on the emulator: the one switch, the project, the emulator's address; no key file.
    COMMERCE_WAREHOUSE_PATH only places the runner's private folder."""
    return {
        "COMMERCE_RAW_DESTINATION": "bigquery",
        "GCP_PROJECT": PROJECT,
        "BIGQUERY_LOCATION": LOCATION,
        "BIGQUERY_EMULATOR_HOST": url,
        "GOOGLE_APPLICATION_CREDENTIALS": "",
        "COMMERCE_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
    }


@pytest.fixture(scope="module")
def synced(baseline, simulators, bigquery_emulator, tmp_path_factory) -> Synced:
    """The baseline's APIs synced twice into the emulator by the runner."""
    work = tmp_path_factory.mktemp("runner")
    env = {**simulators, **_runner_env(bigquery_emulator, work)}
    bq = client(bigquery_emulator)
    first = sync(env, CONNECTIONS)
    rows_after_first = _counts(bq)
    second = sync(env, CONNECTIONS)
    return Synced(bq, baseline.pipeline.warehouse, work, first, second, rows_after_first)


def _by_stream(summary: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{c['namespace']}.{s['name']}": s for c in summary for s in c["streams"]}


def _streams() -> dict[str, list[str]]:
    return {load_connection(c).namespace: [s.name for s in load_connection(c).streams] for c in CONNECTIONS}


def _counts(bq: Any) -> dict[str, int]:
    return {
        f"{dataset}.{table}": _rows(bq, f"SELECT count(*) FROM `{PROJECT}.{dataset}.{table}`")[0][0]
        for dataset, tables in _streams().items()
        for table in tables
    }


def _rows(bq: Any, sql: str) -> list[tuple[Any, ...]]:
    return [tuple(row.values()) for row in bq.query(sql).result()]


def _declared() -> dict[str, dict[str, str]]:
    return {t.name: t.columns for t in raw_tables()}


# --- 1. the runner's syncs ------------------------------------------------------------------------


def test_given_bigquery_as_destination_when_synced_then_each_connection_has_its_raw_dataset(synced):
    bq = synced.bq
    datasets = {d.dataset_id for d in bq.list_datasets()}
    for dataset, tables in _streams().items():
        assert dataset in datasets
        found = {t.table_id for t in bq.list_tables(f"{PROJECT}.{dataset}")}
        assert set(tables) <= found, f"{dataset}: {sorted(found)}"
        assert "_airbyte_state" in found  # PyAirbyte's stream state, beside the tables
    # nothing went to DuckDB: the runner's folder holds only its private files
    assert not (synced.work / "warehouse.duckdb").exists()
    assert (synced.work / ".pyairbyte-cache" / "logs").is_dir()


def test_given_a_first_sync_when_counted_then_every_stream_has_the_rows_the_runner_reported(synced):
    first = _by_stream(synced.first)
    counts = synced.rows_after_first
    assert set(counts) == set(first)
    assert {name: s["records"] for name, s in first.items()} == counts
    assert counts["raw_fakestore.products"] == 20 and counts["raw_fakestore.carts"] == 7
    with duckdb.connect(str(synced.reference), read_only=True) as con:  # the baseline's one sync
        assert counts == {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in counts}
    assert all(n > 0 for n in counts.values()), counts


def test_given_the_synced_datasets_when_typed_then_the_layout_is_external_models(synced):
    """Every raw table SQLMesh reads has exactly the declared columns, typed as declared (types as a
    query reports them: the emulator's table metadata says STRING for a JSON column made by DDL)."""
    for name, columns in _declared().items():
        job = synced.bq.query(f"SELECT * FROM `{PROJECT}.{name}` LIMIT 0")
        found = {field.name: field.field_type for field in job.result().schema}
        assert found == {c: REPORTED[t] for c, t in columns.items()}, name


def test_given_key_columns_when_read_then_instants_decimals_and_json_are_what_the_api_served(synced):
    bq = synced.bq
    (price, rate, rating_type) = _rows(
        bq,
        "SELECT price, JSON_VALUE(rating, '$.rate'), JSON_TYPE(rating) "
        f"FROM `{PROJECT}.raw_fakestore.products` WHERE id = 1 LIMIT 1",
    )[0]
    assert price == Decimal("109.95")  # NUMERIC, exact
    assert (rate, rating_type) == ("3.9", "object")  # a JSON object, not a string of JSON
    (cart_date,) = _rows(bq, f"SELECT date FROM `{PROJECT}.raw_fakestore.carts` WHERE id = 4 LIMIT 1")[0]
    assert cart_date == datetime(2020, 1, 1, tzinfo=UTC)
    # TinyERP's order dates are midnight in Brasília (-03:00): the instant is 03:00 UTC
    hours = _rows(bq, f"SELECT DISTINCT EXTRACT(HOUR FROM data_pedido) FROM `{PROJECT}.raw_tinyerp.orders`")
    assert hours == [(3,)]
    (items,) = _rows(bq, f"SELECT JSON_TYPE(itens) FROM `{PROJECT}.raw_tinyerp.orders` LIMIT 1")[0]
    assert items == "array"


def _canonical(value: Any, bq_type: str) -> Any:
    """One value as comparable JSON, whichever warehouse it came from."""
    if value is None:
        return None
    if bq_type == "JSON":
        return json.loads(value) if isinstance(value, str) else value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value


def _source_rows(rows: list[tuple[Any, ...]], types: list[str]) -> Counter[str]:
    return Counter(
        json.dumps([_canonical(v, t) for v, t in zip(row, types, strict=True)], sort_keys=True)
        for row in rows
    )


@pytest.mark.parametrize("name", RAW_TABLES)
def test_given_the_baseline_s_apis_when_synced_to_bigquery_then_the_first_sync_s_rows_are_the_baseline_s(
    synced, name
):
    """Every source column, row for row (a multiset), against the baseline's DuckDB raw table: JSON
    columns hold the JSON itself, NUMERIC is exact, timestamps are the same instants. The columns
    saying when a read ran differ per sync."""
    declared = _declared()[name]
    columns = [c for c in declared if c not in PER_READ]
    types = [declared[c] for c in columns]
    with duckdb.connect(str(synced.reference), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        quoted = ", ".join(f'"{c}"' for c in columns)
        local_rows = con.execute(f"SELECT {quoted} FROM {name}").fetchall()
    remote = _rows(
        synced.bq,
        f"SELECT {', '.join(f'`{c}`' for c in columns)} FROM `{PROJECT}.{name}` "
        "WHERE JSON_VALUE(_airbyte_meta, '$.sync_id') = '1'",
    )
    assert len(remote) == len(local_rows) > 0
    assert _source_rows(remote, types) == _source_rows(local_rows, types)


def test_given_two_syncs_when_stamped_then_each_syncs_rows_carry_its_id(synced):
    assert {c["sync_id"] for c in synced.first} == {1}
    assert {c["sync_id"] for c in synced.second} == {2}
    second = _by_stream(synced.second)
    for name, rows in synced.rows_after_first.items():
        ids = dict(
            _rows(
                synced.bq,
                f"SELECT SAFE_CAST(JSON_VALUE(_airbyte_meta, '$.sync_id') AS INT64), count(*) "
                f"FROM `{PROJECT}.{name}` GROUP BY 1",
            )
        )
        assert ids == {k: v for k, v in {1: rows, 2: second[name]["records"]}.items() if v}, name


def test_given_stored_state_when_synced_again_then_incremental_streams_continue_from_it(synced):
    first, second = _by_stream(synced.first), _by_stream(synced.second)
    incremental = [name for name, s in first.items() if s["sync_mode"] == "incremental"]
    assert len(incremental) >= 5  # carts; orders, pos_sales, contacts; processed orders and details
    for name in incremental:
        assert first[name]["state"], name  # a cursor, stored in the dataset's _airbyte_state
        assert second[name]["records"] < first[name]["records"], name  # the lookback, not a backfill
    for name, stream in first.items():
        if stream["sync_mode"] == "full_refresh":  # read whole again, appended
            assert second[name]["records"] == stream["records"], name
    state_rows = _rows(synced.bq, f"SELECT stream_name FROM `{PROJECT}.raw_fakestore._airbyte_state`")
    assert {"carts", "products", "users"} <= {r[0] for r in state_rows}


# --- 2. the release on what the runner landed -----------------------------------------------------


@dataclass
class Released:
    summary: RunSummary
    env: dict[str, str]  # the environment that points the pipeline at the emulator
    marts: dict[str, Table]  # prod's marts right after the promotion


def _release(env: dict[str, str]) -> RunSummary:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        summary = RunSummary(run_id=new_run_id(), warehouse=label())
        summary.status = release(summary)
    return summary


# thelook's replica as BigQuery types it (the public set's INTEGER, FLOAT, STRING, TIMESTAMP)
_BIGQUERY_TYPES = {
    "BIGINT": "INTEGER",
    "DOUBLE": "FLOAT",
    "VARCHAR": "STRING",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
}


PUBLIC_THELOOK = "bigquery-public-data.thelook_ecommerce"


def _load_thelook(url: str, warehouse: Path) -> None:
    """The baseline's generated thelook, loaded into the emulator as Google's public data set
    (`bigquery-public-data.thelook_ecommerce`, another project): the BigQuery gateway reads it
    where it reads it in production."""
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    project = PUBLIC_THELOOK.split(".")[0]
    bq = bigquery.Client(project, AnonymousCredentials(), client_options=ClientOptions(api_endpoint=url))
    bq.create_dataset(PUBLIC_THELOOK, exists_ok=True)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        for (table,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'raw_thelook'"
        ).fetchall():
            columns = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'raw_thelook' AND table_name = ? ORDER BY ordinal_position",
                [table],
            ).fetchall()
            rows = con.execute(f"SELECT * FROM raw_thelook.{table}").fetchall()
            names = [name for name, _ in columns]
            data = "".join(json.dumps(dict(zip(names, row, strict=True)), default=str) + "\n" for row in rows)
            bq.load_table_from_file(
                io.BytesIO(data.encode()),
                f"{PUBLIC_THELOOK}.{table}",
                job_config=bigquery.LoadJobConfig(
                    source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
                    schema=[bigquery.SchemaField(name, _BIGQUERY_TYPES[kind]) for name, kind in columns],
                ),
            ).result()


@pytest.fixture(scope="module")
def released(synced, bigquery_emulator, tmp_path_factory) -> Released:
    """What the runner landed, and the baseline's thelook, released on the emulator by the
    pipeline itself."""
    runs = tmp_path_factory.mktemp("release")
    _load_thelook(bigquery_emulator, synced.reference)
    env = {
        **emulator_settings(bigquery_emulator, runs / "sqlmesh_state.duckdb"),
        "COMMERCE_WAREHOUSE_PATH": str(runs / "warehouse.duckdb"),  # the run's own files go beside it
        # the emulator has no GEOGRAPHY (DuckDB without its spatial extension): the copy keeps the
        # replica's WKT text, so ST_ASTEXT is the one thelook read this test does not prove
        "THELOOK_BIGQUERY_GEOGRAPHY": "0",
    }
    summary = _release(env)
    return Released(summary, env, {mart: bigquery_table(synced.bq, f"marts.{mart}") for mart in MARTS})


def _first_reads(bq: Any, connection: str) -> str:
    """The load a release must pin for `connection` when no record changed between reads: the
    newest first extraction of any record (by primary key) of its streams, as a loads string."""
    config = load_connection(connection)
    marks = [
        _rows(
            bq,
            "SELECT max(first_read) FROM (SELECT min(_airbyte_extracted_at) AS first_read "
            f"FROM `{PROJECT}.{config.namespace}.{stream.name}` "
            f"GROUP BY {', '.join(key.lower() for key in stream.primary_key)})",
        )[0][0]
        for stream in config.streams
    ]
    return max(marks).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _duckdb_thelook_load(warehouse: Path) -> dict[str, str]:
    """thelook's load as the baseline pinned it from its DuckDB replica (the same rows)."""
    from commerce_stack.transform.loads import thelook_load

    with duckdb.connect(str(warehouse), read_only=True) as con:
        load = thelook_load(con)
    return {load.source: load.loaded_through}


def test_given_the_runner_s_raw_layer_when_released_then_the_gate_passes_and_prod_serves_every_order(
    synced, released
):
    bq, summary = synced.bq, released.summary
    assert (summary.status, summary.failing_checks) == ("promoted", [])
    assert summary.warehouse == f"bigquery:{PROJECT}"
    assert summary.checks_total == summary.checks_passed > 300
    # each source pinned from the raw datasets: the first sync's records (the second re-read them)
    thelook = _duckdb_thelook_load(synced.reference)
    assert summary.loads == {connection: _first_reads(bq, connection) for connection in CONNECTIONS} | thelook
    served = {
        f"{dataset}.{table.table_id}"
        for dataset in ("staging", "marts", "reference")
        for table in bq.list_tables(f"{PROJECT}.{dataset}")
    }
    assert sorted(set(PROJECT_MODELS) - served) == []
    # every order the simulators served is in prod's marts.orders, once, as in the baseline's
    orders = dict(_rows(bq, f"SELECT source, count(*) FROM `{PROJECT}.marts.orders` GROUP BY 1"))
    distinct = {
        "fakestore": f"SELECT COUNT(DISTINCT id) FROM `{PROJECT}.raw_fakestore.carts`",
        "tinyerp": f"SELECT COUNT(DISTINCT id) FROM `{PROJECT}.raw_tinyerp.orders`",
        "linnworks": f"SELECT COUNT(DISTINCT pkorderid) FROM `{PROJECT}.raw_linnworks.processed_orders`",
    }
    distinct["thelook"] = (
        "SELECT COUNT(DISTINCT order_id) FROM `bigquery-public-data`.thelook_ecommerce.orders"
    )
    assert orders == {source: _rows(bq, sql)[0][0] for source, sql in distinct.items()}
    assert {s: n for s, n in orders.items() if s != "thelook"} == {
        "fakestore": 7,
        "tinyerp": 300,
        "linnworks": 200,
    }
    assert orders["thelook"] > 200
    # the history is in the emulator's dq dataset
    assert _rows(bq, "SELECT status, promoted, checks_total, blocking_failures FROM dq.gate_runs") == [
        ("promoted", True, summary.checks_total, 0)
    ]
    sources = dict(_rows(bq, "SELECT check_source, count(*) FROM dq.check_results GROUP BY 1"))
    # and the counts reconciled per stream and nested grain (quality/reconcile.py)
    assert set(sources) == {"great_expectations", "reconcile"}
    assert sum(sources.values()) == summary.checks_total and sources["reconcile"] >= 15


def test_the_run_records_what_it_billed_per_model_and_per_suite_and_reports_it(synced, released, tmp_path):
    """The emulator reports no bytes (None), so this proves the attribution, not the amounts:
    every model's jobs are found and named, and every suite the checkpoint ran is counted."""
    billed = released.summary.bytes_billed
    assert set(PROJECT_MODELS) <= set(billed["models"])
    assert set(billed["checks"]) == set(suite_files())
    assert billed["pipeline"] is None and set(billed["models"].values()) == {None}
    [(stored,)] = _rows(synced.bq, "SELECT bytes_billed FROM dq.gate_runs")
    assert stored == json.loads(json.dumps(billed))
    # the stewards' report, built from the emulator's dq dataset
    with pytest.MonkeyPatch.context() as patch:
        for name, value in released.env.items():
            patch.setenv(name, value)
        html = build_report(None, tmp_path / "report")
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    assert (report["warehouse"], report["latest_run"]["status"]) == (f"bigquery:{PROJECT}", "promoted")
    assert report["latest_run"]["bytes_billed"] == stored
    assert "BigQuery bytes billed by this run" in html.read_text()


@pytest.mark.parametrize("mart", MARTS)
def test_the_mart_on_the_emulator_equals_the_duckdb_build(synced, released, mart):
    """Row by row, every column; those saying when a load ran (LOAD_TIME) for presence only."""
    name = f"marts.{mart}"
    duck = duckdb_table(synced.reference, name)
    emulated = released.marts[mart]
    assert duck.rows, f"{name} is empty in the baseline: nothing to compare"
    assert duck.families == emulated.families
    assert differences(name, duck.masked(LOAD_TIME), emulated.masked(LOAD_TIME)) == []


def test_the_stock_read_s_day_on_the_emulator_is_its_instant_s_day_in_london(released):
    """snapshot_date, compared for presence above, is computed from snapshot_at on BigQuery too."""
    table = released.marts["inventory_snapshots"]
    columns = [name for name, _ in table.families]
    at, day = columns.index("snapshot_at"), columns.index("snapshot_date")
    assert table.rows
    wrong = [row for row in table.rows if row[day] != row[at].astimezone(ZoneInfo("Europe/London")).date()]
    assert wrong == []


# --- 3. a defect, blocked on the emulator ---------------------------------------------------------


def _inject_negative_quantity_cart(bq: Any) -> None:
    """A FakeStore cart with a line of -3 units, appended to the emulator's raw carts as the runner
    would land it (a new extraction, after everything the runner landed)."""
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


def test_a_defect_in_the_emulator_s_raw_layer_is_blocked_there_and_prod_keeps_its_marts(synced, released):
    """Last in this module: it changes the emulator's raw layer."""
    bq = synced.bq
    _inject_negative_quantity_cart(bq)
    summary = _release(released.env)

    assert summary.status == "blocked"
    assert summary.loads["fakestore"] == "2030-01-01 00:00:00.000000"
    assert any(
        check.startswith("quantity_positive(marts__candidate.order_lines") for check in summary.failing_checks
    ), summary.failing_checks
    for mart, table in released.marts.items():  # prod's views still show the promoted tables
        assert differences(f"marts.{mart}", table, bigquery_table(bq, f"marts.{mart}")) == []
    runs = _rows(bq, "SELECT status, promoted FROM dq.gate_runs ORDER BY started_at")
    assert runs == [("promoted", True), ("blocked", False)]
    failed = _rows(
        bq,
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
