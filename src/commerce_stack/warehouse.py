"""The warehouse the pipeline reads and writes besides SQLMesh: the embedded DuckDB file (default)
or BigQuery (production), chosen by the same switch as config.yaml's default gateway.

    SQLMESH_GATEWAY=<name>, else `bigquery` when SQLMESH_ENABLE_BIGQUERY is set, else `duckdb`

`connect()` gives a DuckDB connection or a `commerce_stack.bigquery.BigQueryConnection`; both run
the pipeline's own SQL (written in DuckDB's dialect; BigQuery's connection transpiles it) with
`execute(sql, params).fetchall()`. Schema listings differ per engine: use `tables()` and `columns()`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import duckdb

from commerce_stack.paths import ROOT, warehouse_path

if TYPE_CHECKING:
    from commerce_stack.bigquery import BigQueryConnection

    Connection: TypeAlias = "duckdb.DuckDBPyConnection | BigQueryConnection"
else:
    Connection = Any

DUCKDB, BIGQUERY = "duckdb", "bigquery"


class WarehouseSettingsError(ValueError):
    """The warehouse cannot be reached as configured: one line naming the setting to fix."""


def gateway() -> str:
    """The SQLMesh gateway, and so the warehouse, this process works on (config.yaml's rule)."""
    chosen = os.environ.get("SQLMESH_GATEWAY", "").strip()
    if chosen:
        return chosen
    return BIGQUERY if os.environ.get("SQLMESH_ENABLE_BIGQUERY", "") else DUCKDB


def on_bigquery() -> bool:
    return gateway() == BIGQUERY


def exists() -> bool:
    """Whether there is a warehouse to read yet (a BigQuery project always is)."""
    return on_bigquery() or warehouse_path().exists()


def label() -> str:
    """The warehouse, for people: the DuckDB file, or bigquery:<project>."""
    return f"bigquery:{os.environ.get('GCP_PROJECT', '')}" if on_bigquery() else str(warehouse_path())


def state_path() -> Path:
    """The DuckDB file holding SQLMesh's state: the warehouse itself, or the BigQuery gateway's
    state connection (`SQLMESH_BIGQUERY_STATE_PATH`, config.yaml)."""
    if not on_bigquery():
        return warehouse_path()
    path = Path(os.environ.get("SQLMESH_BIGQUERY_STATE_PATH", "data/bigquery_state.duckdb"))
    return path if path.is_absolute() else ROOT / path


def connect(*, read_only: bool = True) -> Connection:
    """A connection to the warehouse; DuckDB's `read_only` leaves the writer lock to others."""
    if on_bigquery():
        from commerce_stack.bigquery import BigQueryConnection

        return BigQueryConnection()
    return duckdb.connect(str(warehouse_path()), read_only=read_only)


def check_file() -> None:
    """Open and close the DuckDB warehouse, if there is one, so that a file another process holds,
    or one that is not a DuckDB database, stops a command before it starts anything (DuckDB's
    error names the file, and the holder's pid; `commerce_stack.errors` says it in one line)."""
    if not on_bigquery() and warehouse_path().exists():
        duckdb.connect(str(warehouse_path()), read_only=True).close()


def native_sql(sql: str) -> str:
    """One statement of the pipeline's DuckDB SQL in the warehouse's own dialect: what stewards
    are shown as reproduce SQL, runnable where the data is."""
    if not on_bigquery():
        return sql
    from commerce_stack.bigquery import to_bigquery

    return ";\n".join(to_bigquery(sql))


def query_native(con: Connection, sql: str) -> Any:
    """Run SQL already in the warehouse's dialect (`native_sql`); returns the cursor."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        return con.execute(sql)
    return con.execute(sql, dialect="bigquery")


def errors() -> tuple[type[BaseException], ...]:
    """What a failed query raises on either engine."""
    if on_bigquery():
        from google.api_core.exceptions import GoogleAPIError

        return (duckdb.Error, GoogleAPIError)
    return (duckdb.Error,)


def tables(con: Connection, schema: str) -> list[str]:
    """The tables and views of `schema`, sorted (none when it does not exist)."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1"
        return [name for (name,) in con.execute(sql, [schema]).fetchall()]
    return con.tables(schema)


def columns(con: Connection, schema: str, table: str) -> list[str]:
    """The columns of `schema.table`, in order."""
    if isinstance(con, duckdb.DuckDBPyConnection):
        sql = (
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position"
        )
        return [name for (name,) in con.execute(sql, [schema, table]).fetchall()]
    return con.columns(schema, table)


def scalar(con: Connection, sql: str, parameters: list[Any] | None = None) -> Any:
    """The first value of a query that returns one row (an aggregate, a count)."""
    row = con.execute(sql, parameters).fetchone()
    if row is None:
        raise LookupError(f"the query returned no row: {sql}")
    return row[0]


def row_counts(schema: str, path: Path | None = None) -> dict[str, int]:
    """Rows per table of `schema`: in the DuckDB file `path`, or in this process's warehouse."""
    with duckdb.connect(str(path), read_only=True) if path else connect() as con:
        return {t: scalar(con, f'SELECT count(*) FROM "{schema}"."{t}"') for t in tables(con, schema)}


def fingerprints(schema: str, path: Path | None = None) -> dict[str, str]:
    """An order-independent digest of every row of every table or view in `schema` of a DuckDB
    warehouse. Two equal fingerprints mean byte-for-byte equal contents (as DuckDB renders each row).
    """
    with duckdb.connect(str(path or warehouse_path()), read_only=True) as con:
        return {
            t: scalar(
                con,
                f"SELECT count(*) || ':' || coalesce(md5(string_agg(CAST(r AS VARCHAR), '\\n' "
                f'ORDER BY CAST(r AS VARCHAR))), \'\') FROM "{schema}"."{t}" AS r',
            )
            for t in tables(con, schema)
        }
