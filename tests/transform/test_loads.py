"""Load pinning: the high-water mark moves only when a record is new or changed."""

from datetime import datetime

import duckdb
import pytest

from commerce_stack.airbyte_config import ConnectionConfig, SourceConfig, StreamConfig, load_destination
from commerce_stack.transform.loads import NOTHING_LOADED, source_load

CONNECTION = ConnectionConfig(
    name="shop",
    source=SourceConfig("shop", "source-shop", None, {}),  # type: ignore[arg-type]
    destination=load_destination("warehouse"),
    namespace="raw_shop",
    streams=[StreamConfig("orders", "incremental", "append", ["id"], "updated")],
    schedule={},
)


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("CREATE SCHEMA raw_shop")
    connection.execute(
        "CREATE TABLE raw_shop.orders (id BIGINT, status VARCHAR, lines JSON, "
        "_airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON)"
    )
    yield connection
    connection.close()


def _append(con, rows):
    con.executemany("INSERT INTO raw_shop.orders VALUES (?, ?, ?, ?, ?, '{}')", rows)


def test_given_no_raw_table_when_computing_the_load_then_nothing_is_loaded():
    with duckdb.connect() as empty:
        assert source_load(empty, CONNECTION).loaded_through == NOTHING_LOADED


def test_given_a_re_read_of_unchanged_records_when_computing_the_load_then_it_does_not_move(con):
    _append(
        con,
        [
            (1, "open", "[1]", "a", datetime(2026, 1, 1, 10)),
            (2, "open", "[2]", "b", datetime(2026, 1, 1, 10)),
        ],
    )
    first = source_load(con, CONNECTION).loaded_through
    _append(
        con,
        [
            (1, "open", "[1]", "c", datetime(2026, 1, 2, 10)),
            (2, "open", "[2]", "d", datetime(2026, 1, 2, 10)),
        ],
    )

    assert first == "2026-01-01 10:00:00.000000"
    assert source_load(con, CONNECTION).loaded_through == first


def test_given_a_changed_record_when_computing_the_load_then_it_moves_to_its_extraction(con):
    _append(con, [(1, "open", "[1]", "a", datetime(2026, 1, 1, 10))])
    _append(con, [(1, "paid", "[1]", "b", datetime(2026, 1, 3, 8))])
    assert source_load(con, CONNECTION).loaded_through == "2026-01-03 08:00:00.000000"


def test_given_a_record_that_reverts_when_computing_the_load_then_the_revert_counts_as_a_change(con):
    _append(con, [(1, "open", "[1]", "a", datetime(2026, 1, 1))])
    _append(con, [(1, "paid", "[1]", "b", datetime(2026, 1, 2))])
    _append(con, [(1, "open", "[1]", "c", datetime(2026, 1, 3))])
    assert source_load(con, CONNECTION).loaded_through == "2026-01-03 00:00:00.000000"


def test_given_a_change_only_in_a_json_column_when_computing_the_load_then_it_moves(con):
    _append(
        con, [(1, "open", "[1]", "a", datetime(2026, 1, 1)), (1, "open", "[1, 2]", "b", datetime(2026, 1, 5))]
    )
    assert source_load(con, CONNECTION).loaded_through == "2026-01-05 00:00:00.000000"


def test_given_a_re_read_that_differs_only_in_sync_metadata_when_computing_the_load_then_it_does_not_move():
    # A connector's own bookkeeping (TinyERP's _scan_started_at) changes on every re-read.
    with duckdb.connect() as con:
        con.execute("CREATE SCHEMA raw_shop")
        con.execute(
            "CREATE TABLE raw_shop.orders (id BIGINT, status VARCHAR, _scan_started_at TIMESTAMP, "
            "_airbyte_raw_id VARCHAR, _airbyte_extracted_at TIMESTAMP, _airbyte_meta JSON)"
        )
        insert = "INSERT INTO raw_shop.orders VALUES (?, ?, ?, ?, ?, '{}')"
        con.execute(insert, [1, "open", datetime(2026, 1, 1, 9), "a", datetime(2026, 1, 1, 10)])
        first = source_load(con, CONNECTION).loaded_through
        con.execute(insert, [1, "open", datetime(2026, 1, 2, 9), "b", datetime(2026, 1, 2, 10)])
        assert source_load(con, CONNECTION).loaded_through == first
        con.execute(insert, [1, "paid", datetime(2026, 1, 3, 9), "c", datetime(2026, 1, 3, 10)])
        assert source_load(con, CONNECTION).loaded_through == "2026-01-03 10:00:00.000000"
