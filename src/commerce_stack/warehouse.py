"""Read-only looks into the DuckDB warehouse: row counts and content fingerprints per table."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from commerce_stack.paths import warehouse_path


def _tables(con: duckdb.DuckDBPyConnection, schema: str) -> list[str]:
    return [
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? ORDER BY 1", [schema]
        ).fetchall()
    ]


def scalar(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any] | None = None) -> Any:
    """The first value of a query that returns one row (an aggregate, a count)."""
    row = con.execute(sql, parameters).fetchone()
    if row is None:
        raise LookupError(f"the query returned no row: {sql}")
    return row[0]


def row_counts(schema: str, path: Path | None = None) -> dict[str, int]:
    with duckdb.connect(str(path or warehouse_path()), read_only=True) as con:
        return {t: scalar(con, f'SELECT count(*) FROM "{schema}"."{t}"') for t in _tables(con, schema)}


def fingerprints(schema: str, path: Path | None = None) -> dict[str, str]:
    """An order-independent digest of every row of every table or view in `schema`.

    Two equal fingerprints mean byte-for-byte equal contents (as DuckDB renders each row).
    """
    with duckdb.connect(str(path or warehouse_path()), read_only=True) as con:
        return {
            t: scalar(
                con,
                f"SELECT count(*) || ':' || coalesce(md5(string_agg(CAST(r AS VARCHAR), '\\n' "
                f'ORDER BY CAST(r AS VARCHAR))), \'\') FROM "{schema}"."{t}" AS r',
            )
            for t in _tables(con, schema)
        }
