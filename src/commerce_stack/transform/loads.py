"""Pin each source's raw data to a load: the `loaded_through_<source>` SQLMesh variables.

Raw tables are append-only (every sync appends what it read, re-reads included). Staging models
read `_airbyte_extracted_at <= @loaded_through_<source>` and keep the latest version per key.
The high-water mark is the extraction time of the newest row that *changed* its key's content
(columns starting with `_` are about the extraction, not the record: Airbyte's `_airbyte_*`, a
connector's `_scan_started_at`, FakeStore's `__v`; they are left out of the comparison),
so a sync that only re-reads known records (a lookback window, a full refresh of an unchanged
catalogue) leaves it, the model fingerprints and prod untouched, while any new or changed record
moves it and makes SQLMesh build new model versions, which the gate validates before promotion.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from commerce_stack.airbyte_config import ConnectionConfig, connection_names, load_connection
from commerce_stack.warehouse import Connection, columns, connect, exists, query_native, tables

NOTHING_LOADED = "1970-01-01 00:00:00"
THELOOK = "thelook"  # not an Airbyte connection: generated into raw_thelook, or read in place (BigQuery)


@dataclass(frozen=True)
class SourceLoad:
    source: str
    loaded_through: str  # 'YYYY-MM-DD HH:MM:SS.ffffff' UTC, as SQLMesh variables want strings

    @property
    def variable(self) -> str:
        return f"loaded_through_{self.source}"

    @property
    def env_var(self) -> str:
        return self.variable.upper()


def _quote(identifier: str, *, bigquery: bool = False) -> str:
    mark = "`" if bigquery else '"'
    return mark + identifier.replace(mark, mark * 2) + mark


def _table_high_water_mark(
    con: Connection, schema: str, table: str, primary_key: list[str]
) -> datetime | None:
    names = [name for name in columns(con, schema, table) if not name.startswith("_")]
    if not names:
        return None
    # Written in each engine's own SQL (the rest of the query reads the same in both): BigQuery's
    # JSON cannot be cast to text, and no DuckDB spelling transpiles to its TO_JSON_STRING.
    bigquery = not isinstance(con, duckdb.DuckDBPyConnection)
    quoted = [_quote(c, bigquery=bigquery) for c in names]
    if bigquery:
        content = f"TO_HEX(MD5(TO_JSON_STRING(STRUCT({', '.join(f'{q} AS {q}' for q in quoted)}))))"
    else:
        content = f"md5(CAST(to_json(struct_pack({', '.join(f'{q} := {q}' for q in quoted)})) AS VARCHAR))"
    key = ", ".join(_quote(k.lower(), bigquery=bigquery) for k in primary_key) or content
    query = f"""
        SELECT max(_airbyte_extracted_at) FROM (
            SELECT _airbyte_extracted_at, {content} AS content,
                   lag({content}) OVER (PARTITION BY {key}
                                        ORDER BY _airbyte_extracted_at, _airbyte_raw_id) AS previous
            FROM {_quote(schema, bigquery=bigquery)}.{_quote(table, bigquery=bigquery)}
        ) WHERE previous IS DISTINCT FROM content
    """
    row = query_native(con, query).fetchone()
    mark: datetime | None = row[0] if row else None
    return mark


def source_load(con: Connection, connection: ConnectionConfig) -> SourceLoad:
    """The high-water mark over every stream table of one connection's namespace."""
    existing = set(tables(con, connection.namespace))
    marks = [
        _table_high_water_mark(con, connection.namespace, stream.name, stream.primary_key)
        for stream in connection.streams
        if stream.name in existing
    ]
    found = [m for m in marks if m is not None]
    through = max(found).strftime("%Y-%m-%d %H:%M:%S.%f") if found else NOTHING_LOADED
    return SourceLoad(source=connection.name, loaded_through=through)


def thelook_load(con: Connection) -> SourceLoad:
    """thelook's mark: the newest `created_at` of its five dated tables. Its rows never change once
    written, so the newest row is the load; the staging views read up to it (loaded_through_thelook),
    so an event after a day's last order is not left for the next run."""
    dated = ("orders", "order_items", "inventory_items", "users", "events")
    if isinstance(con, duckdb.DuckDBPyConnection):
        if not set(dated) <= set(tables(con, "raw_thelook")):
            return SourceLoad(THELOOK, NOTHING_LOADED)
        newest = " UNION ALL ".join(f"SELECT max(created_at) AS newest FROM raw_thelook.{t}" for t in dated)
        query = f"SELECT max(epoch(newest)) FROM ({newest})"
    else:
        dataset = os.environ.get("THELOOK_BIGQUERY_DATASET", "bigquery-public-data.thelook_ecommerce")
        project, name = dataset.split(".")
        newest = " UNION ALL ".join(
            f"SELECT MAX(created_at) AS newest FROM `{project}`.`{name}`.{t}" for t in dated
        )
        query = f"SELECT UNIX_MICROS(MAX(newest)) / 1e6 FROM ({newest})"
    row = query_native(con, query).fetchone()
    if not row or row[0] is None:
        return SourceLoad(THELOOK, NOTHING_LOADED)
    through = datetime.fromtimestamp(float(row[0]), UTC).replace(tzinfo=None)
    return SourceLoad(THELOOK, through.strftime("%Y-%m-%d %H:%M:%S.%f"))


def current_loads() -> list[SourceLoad]:
    """The high-water mark of every active connection, and thelook's, read from the warehouse."""
    connections = [load_connection(name) for name in connection_names()]
    if not exists():
        return [SourceLoad(c.name, NOTHING_LOADED) for c in connections] + [
            SourceLoad(THELOOK, NOTHING_LOADED)
        ]
    with connect() as con:
        return [source_load(con, c) for c in connections] + [thelook_load(con)]
