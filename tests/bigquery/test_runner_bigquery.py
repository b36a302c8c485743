"""The local runner's BigQuery path, on the emulator: `COMMERCE_RAW_DESTINATION=bigquery` makes
`commerce_pyairbyte.sync` land the FakeStore, TinyERP and Linnworks simulators in the raw_<source>
datasets of a BigQuery project (PyAirbyte's BigQuery cache), with the raw layout SQLMesh reads
(external_models.yaml: column names and types) and the same rows as the DuckDB path; sync ids are
stamped and the stream state is kept in BigQuery, so the next sync continues from it. Then the
pipeline's release runs on what the runner landed (loads pinned there, candidate planned, Great
Expectations, promotion): the whole BigQuery path, sync to prod, in one chain.

The emulator (bigquery_emulator/) executes through sqlglot and DuckDB: this proves the client, the
credentials, the DDL, the loads and the runner's bookkeeping SQL, not BigQuery's own type checks
(pyairbyte/README.md says what differs).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from support.bigquery_emulator import emulator_settings, raw_tables
from support.pipeline_runs import tiny_env

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.linnworks import LinnworksSimulator
from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_stack.airbyte_config import load_connection
from commerce_stack.pipeline.ingest import sync
from commerce_stack.pipeline.local_apis import TINYERP_LOCAL_REQUESTS_PER_MINUTE, linnworks_environment
from commerce_stack.pipeline.release import release
from commerce_stack.pipeline.summary import RunSummary, new_run_id
from commerce_stack.transform.loads import NOTHING_LOADED
from commerce_stack.warehouse import label

pytestmark = pytest.mark.bigquery

CONNECTIONS = ["fakestore", "tinyerp", "linnworks"]
# The runner's own project in the session's emulator: other tests load raw_<source> datasets of the
# emulator's default project, and the runner appends; a project of its own keeps both apart.
PROJECT = "runner"
AIRBYTE_COLUMNS = {"_airbyte_raw_id", "_airbyte_extracted_at", "_airbyte_meta"}
PER_READ = AIRBYTE_COLUMNS | {"_scan_started_at"}  # when the read ran (TinyERP's cursor): per sync
# external_models.yaml's BigQuery spelling -> the type BigQuery reports in a query's schema. The
# emulator keeps no NUMERIC precision and scale (PyAirbyte's DDL says DECIMAL(38, 9)).
REPORTED = {
    "STRING": "STRING",
    "INT64": "INTEGER",
    "BOOL": "BOOLEAN",
    "TIMESTAMP": "TIMESTAMP",
    "JSON": "JSON",
}
REPORTED["NUMERIC(38, 9)"] = "NUMERIC"


@pytest.fixture(scope="module")
def simulators():
    """Small, seeded simulators of the three APIs, and the environment that reads them."""
    with (
        FakeStoreSimulator(seed=42) as fakestore,
        TinyErpSimulator(seed=42, orders=60, requests_per_minute=TINYERP_LOCAL_REQUESTS_PER_MINUTE) as tiny,
        LinnworksSimulator(seed=42, orders=40, items=12) as linnworks,
    ):
        yield {
            "FAKESTORE_BASE_URL": fakestore.url,
            **tiny_env(tiny),
            **linnworks_environment(linnworks.proxy_url, linnworks.ca_file),
        }


def client(url: str) -> Any:
    """A client of the runner's project in the emulator at `url`, without credentials."""
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    return bigquery.Client(
        project=PROJECT, credentials=AnonymousCredentials(), client_options=ClientOptions(api_endpoint=url)
    )


def _bigquery_env(url: str, work: Path) -> dict[str, str]:
    """The runner on the emulator: the one switch, the project, the emulator's address; no key file.
    COMMERCE_WAREHOUSE_PATH only places the runner's private folder."""
    return {
        "COMMERCE_RAW_DESTINATION": "bigquery",
        "GCP_PROJECT": PROJECT,
        "BIGQUERY_LOCATION": "US",
        "BIGQUERY_EMULATOR_HOST": url,
        "GOOGLE_APPLICATION_CREDENTIALS": "",
        "COMMERCE_WAREHOUSE_PATH": str(work / "warehouse.duckdb"),
    }


def _by_stream(summary: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {f"{c['namespace']}.{s['name']}": s for c in summary for s in c["streams"]}


@pytest.fixture(scope="module")
def synced(simulators, bigquery_emulator, tmp_path_factory):
    """The same simulators synced into a DuckDB file (the reference) and twice into the emulator."""
    reference = tmp_path_factory.mktemp("duckdb") / "warehouse.duckdb"
    duckdb_env = {"COMMERCE_RAW_DESTINATION": "duckdb", "COMMERCE_WAREHOUSE_PATH": str(reference)}
    sync({**simulators, **duckdb_env}, CONNECTIONS)
    work = tmp_path_factory.mktemp("runner")
    env = {**simulators, **_bigquery_env(bigquery_emulator, work)}
    first = sync(env, CONNECTIONS)
    rows_after_first = _counts(client(bigquery_emulator))
    second = sync(env, CONNECTIONS)
    return {
        "reference": reference,
        "work": work,
        "first": first,
        "second": second,
        "rows_after_first": rows_after_first,
        "bq": client(bigquery_emulator),
    }


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


def test_given_bigquery_as_destination_when_synced_then_each_connection_has_its_raw_dataset(synced):
    bq = synced["bq"]
    datasets = {d.dataset_id for d in bq.list_datasets()}
    for dataset, tables in _streams().items():
        assert dataset in datasets
        found = {t.table_id for t in bq.list_tables(f"{PROJECT}.{dataset}")}
        assert set(tables) <= found, f"{dataset}: {sorted(found)}"
        assert "_airbyte_state" in found  # PyAirbyte's stream state, beside the tables
    # nothing went to DuckDB: the runner's folder holds only its private files
    assert not (synced["work"] / "warehouse.duckdb").exists()
    assert (synced["work"] / ".pyairbyte-cache" / "logs").is_dir()


def test_given_a_first_sync_when_counted_then_every_stream_has_the_rows_the_runner_reported(synced):
    first = _by_stream(synced["first"])
    counts = synced["rows_after_first"]
    assert set(counts) == set(first)
    assert {name: s["records"] for name, s in first.items()} == counts
    assert counts["raw_fakestore.products"] == 20 and counts["raw_fakestore.carts"] == 7
    assert all(n > 0 for n in counts.values()), counts


def _declared() -> dict[str, dict[str, str]]:
    return {t.name: t.columns for t in raw_tables()}


def test_given_the_synced_datasets_when_typed_then_the_layout_is_external_models(synced):
    """Every raw table SQLMesh reads has exactly the declared columns, typed as declared (types as a
    query reports them: the emulator's table metadata says STRING for a JSON column made by DDL)."""
    bq = synced["bq"]
    for name, columns in _declared().items():
        job = bq.query(f"SELECT * FROM `{PROJECT}.{name}` LIMIT 0")
        job.result()
        found = {field.name: field.field_type for field in job.result().schema}
        assert found == {c: REPORTED[t] for c, t in columns.items()}, name


def test_given_key_columns_when_read_then_instants_decimals_and_json_are_what_the_api_served(synced):
    bq = synced["bq"]
    (price, rate, rating_type) = _rows(
        bq,
        "SELECT price, JSON_VALUE(rating, '$.rate'), JSON_TYPE(rating) "
        f"FROM `{PROJECT}.raw_fakestore.products` WHERE id = 1",
    )[0]
    assert price == Decimal("109.95")  # NUMERIC, exact
    assert (rate, rating_type) == ("3.9", "object")  # a JSON object, not a string of JSON
    (cart_date,) = _rows(bq, f"SELECT date FROM `{PROJECT}.raw_fakestore.carts` WHERE id = 4")[0]
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


def test_given_the_same_simulators_when_synced_to_duckdb_and_bigquery_then_the_rows_are_equal(synced):
    """Every source column of every raw table, row for row, against the first sync to BigQuery
    (the columns saying when a read ran differ per sync)."""
    bq = synced["bq"]
    with duckdb.connect(str(synced["reference"]), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        for name, declared in _declared().items():
            columns = [c for c in declared if c not in PER_READ]
            types = [declared[c] for c in columns]
            quoted = ", ".join(f'"{c}"' for c in columns)
            local = con.execute(f"SELECT {quoted} FROM {name}").fetchall()
            remote = _rows(
                bq,
                f"SELECT {', '.join(f'`{c}`' for c in columns)} FROM `{PROJECT}.{name}` "
                "WHERE JSON_VALUE(_airbyte_meta, '$.sync_id') = '1'",
            )
            assert len(remote) == len(local), name
            assert _source_rows(remote, types) == _source_rows(local, types), name


def test_given_two_syncs_when_stamped_then_each_syncs_rows_carry_its_id(synced):
    bq = synced["bq"]
    assert {c["sync_id"] for c in synced["first"]} == {1}
    assert {c["sync_id"] for c in synced["second"]} == {2}
    first = synced["rows_after_first"]
    second = _by_stream(synced["second"])
    for name, rows in first.items():
        ids = dict(
            _rows(
                bq,
                f"SELECT SAFE_CAST(JSON_VALUE(_airbyte_meta, '$.sync_id') AS INT64), count(*) "
                f"FROM `{PROJECT}.{name}` GROUP BY 1",
            )
        )
        assert ids == {k: v for k, v in {1: rows, 2: second[name]["records"]}.items() if v}, name


def test_given_stored_state_when_synced_again_then_incremental_streams_continue_from_it(synced):
    first, second = _by_stream(synced["first"]), _by_stream(synced["second"])
    incremental = [name for name, s in first.items() if s["sync_mode"] == "incremental"]
    assert len(incremental) >= 5  # carts; orders, pos_sales, contacts; processed orders and details
    for name in incremental:
        assert first[name]["state"], name  # a cursor, stored in the dataset's _airbyte_state
        assert second[name]["records"] < first[name]["records"], name  # the lookback, not a backfill
    for name, stream in first.items():
        if stream["sync_mode"] == "full_refresh":  # read whole again, appended
            assert second[name]["records"] == stream["records"], name
    state_rows = _rows(synced["bq"], f"SELECT stream_name FROM `{PROJECT}.raw_fakestore._airbyte_state`")
    assert {"carts", "products", "users"} <= {r[0] for r in state_rows}


@pytest.fixture(scope="module")
def released(synced, bigquery_emulator, tmp_path_factory) -> RunSummary:
    """What the runner landed, released on the emulator by the pipeline itself: loads pinned from
    the raw datasets, the candidate planned, Great Expectations, promotion, history in `dq`."""
    runs = tmp_path_factory.mktemp("runner_release")
    env = {
        **emulator_settings(bigquery_emulator, runs / "sqlmesh_state.duckdb"),
        "GCP_PROJECT": PROJECT,
        "COMMERCE_WAREHOUSE_PATH": str(runs / "warehouse.duckdb"),  # the run's own files go beside it
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        summary = RunSummary(run_id=new_run_id(), warehouse=label())
        summary.status = release(summary)
    return summary


def test_given_the_runner_s_raw_layer_when_released_then_the_gate_passes_and_prod_serves_every_order(
    synced, released
):
    bq = synced["bq"]
    assert (released.status, released.failing_checks, released.warehouse) == (
        "promoted",
        [],
        f"bigquery:{PROJECT}",
    )
    assert released.checks_total == released.checks_passed > 300
    # each source is pinned to a load of the runner's, read from the raw datasets
    assert sorted(released.loads) == sorted(CONNECTIONS)
    assert NOTHING_LOADED not in released.loads.values()
    # every order the simulators served is in prod's marts.orders, once
    orders = dict(_rows(bq, f"SELECT source, count(*) FROM `{PROJECT}.marts.orders` GROUP BY 1"))
    distinct = {
        "fakestore": f"SELECT COUNT(DISTINCT id) FROM `{PROJECT}.raw_fakestore.carts`",
        "tinyerp": f"SELECT COUNT(DISTINCT id) FROM `{PROJECT}.raw_tinyerp.orders`",
        "linnworks": f"SELECT COUNT(DISTINCT pkorderid) FROM `{PROJECT}.raw_linnworks.processed_orders`",
    }
    assert orders == {source: _rows(bq, sql)[0][0] for source, sql in distinct.items()}
    assert orders == {"fakestore": 7, "tinyerp": 60, "linnworks": 40}
    assert _rows(bq, f"SELECT status, promoted FROM `{PROJECT}.dq.gate_runs`") == [("promoted", True)]
