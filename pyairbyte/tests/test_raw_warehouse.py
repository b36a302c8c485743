"""The runner's bookkeeping (row counts, sync ids, stream states) over the warehouse abstraction,
on a DuckDB file; the same functions on BigQuery run in tests/bigquery/test_pipeline_on_emulator.py."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from commerce_pyairbyte.raw_warehouse import BigQueryRawWarehouse, DuckDbRawWarehouse
from commerce_pyairbyte.sync import SyncError, _row_counts, _stamp_sync, _stream_states, raw_warehouse

from commerce_stack.airbyte_config import BigQueryTarget, load_destination


def _warehouse(tmp_path: Path) -> DuckDbRawWarehouse:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA raw_shop")
        con.execute("CREATE TABLE raw_shop.orders (id BIGINT, _airbyte_meta JSON)")
        con.execute("""INSERT INTO raw_shop.orders VALUES (1, '{"sync_id": 4}'), (2, '{}'), (3, NULL)""")
        con.execute("CREATE TABLE raw_shop.lines (id BIGINT, _airbyte_meta JSON)")
        con.execute("""INSERT INTO raw_shop.lines VALUES (1, '{"sync_id": 2, "changes": []}'), (2, '{}')""")
        con.execute("CREATE TABLE raw_shop._airbyte_state (stream_name VARCHAR, state_json VARCHAR)")
        state = {"type": "STREAM", "stream": {"stream_state": {"date": "2020-03-02"}}}
        con.execute("INSERT INTO raw_shop._airbyte_state VALUES ('orders', ?)", [json.dumps(state)])
    return DuckDbRawWarehouse(path)


def test_given_unstamped_rows_when_a_sync_is_stamped_then_they_get_the_next_id_of_the_connection(tmp_path):
    warehouse = _warehouse(tmp_path)
    assert _stamp_sync(warehouse, "raw_shop", ["orders", "lines", "not_created_yet"]) == 5
    rows = warehouse.rows("SELECT id, _airbyte_meta FROM raw_shop.orders ORDER BY id")
    stamped = [(i, json.loads(m)) for i, m in rows]
    assert stamped == [(1, {"sync_id": 4}), (2, {"sync_id": 5}), (3, {"sync_id": 5})]
    rows = warehouse.rows("SELECT _airbyte_meta FROM raw_shop.lines ORDER BY id")
    assert [json.loads(m) for (m,) in rows] == [{"sync_id": 2, "changes": []}, {"sync_id": 5}]


def test_given_a_new_warehouse_when_asked_then_nothing_is_created(tmp_path):
    warehouse = DuckDbRawWarehouse(tmp_path / "new.duckdb")
    assert _row_counts(warehouse, "raw_shop", ["orders"]) == {}
    assert _stream_states(warehouse, "raw_shop") == {}
    assert _stamp_sync(warehouse, "raw_shop", ["orders"]) == 1
    assert not (tmp_path / "new.duckdb").exists()


def test_given_tables_and_state_when_counted_then_streams_and_their_states_are_read(tmp_path):
    warehouse = _warehouse(tmp_path)
    assert _row_counts(warehouse, "raw_shop", ["orders", "lines", "missing"]) == {"orders": 3, "lines": 2}
    assert _stream_states(warehouse, "raw_shop") == {"orders": {"date": "2020-03-02"}}


def test_given_the_bigquery_warehouse_when_it_writes_sql_then_it_is_bigquery_sql():
    warehouse = BigQueryRawWarehouse("shop-prod", "US", None, Path("/tmp"))
    assert warehouse.table("raw_shop", "orders") == "`shop-prod`.`raw_shop`.`orders`"
    assert warehouse.json_int("m", "sync_id") == "SAFE_CAST(JSON_VALUE(m, '$.sync_id') AS INT64)"
    assert warehouse.json_with("m", "sync_id", 3) == "JSON_SET(COALESCE(m, JSON '{}'), '$.sync_id', 3)"
    assert warehouse.label == "bigquery:shop-prod"


def test_given_the_destination_when_the_warehouse_is_chosen_then_local_type_decides(monkeypatch, tmp_path):
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(tmp_path / "w.duckdb"))
    monkeypatch.delenv("COMMERCE_RAW_DESTINATION", raising=False)
    destination = load_destination("warehouse")
    chosen = raw_warehouse(destination)
    assert isinstance(chosen, DuckDbRawWarehouse) and chosen.path == tmp_path / "w.duckdb"
    assert raw_warehouse(destination, tmp_path / "other.duckdb").path == tmp_path / "other.duckdb"

    on_bigquery = type(destination)(
        **{**destination.__dict__, "local_type": "bigquery", "bigquery": BigQueryTarget("p", "EU", None)}
    )
    chosen = raw_warehouse(on_bigquery)
    assert isinstance(chosen, BigQueryRawWarehouse)
    assert (chosen.project, chosen.location, chosen.work_dir) == ("p", "EU", tmp_path)
    with pytest.raises(SyncError, match="--warehouse names a DuckDB file, but the destination's local.type"):
        raw_warehouse(on_bigquery, tmp_path / "other.duckdb")
