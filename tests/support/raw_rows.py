"""Appending records to a raw table the way Airbyte lands them (shared by the raw_<source> layouts)."""

from __future__ import annotations

from typing import Any

import duckdb


def append_records(
    con: duckdb.DuckDBPyConnection,
    schema: str,
    samples: dict[str, list[dict[str, Any]]],
    extracted_at: str,
    meta: str,
    extra: dict[str, Any] | None = None,
) -> None:
    """Each table's records with Airbyte's columns (and `extra` columns) added; the columns a
    record leaves out are NULL, as when the connector omits a null field."""
    for table, records in samples.items():
        for number, record in enumerate(records, start=1):
            row = {
                **record,
                **(extra or {}),
                "_airbyte_raw_id": f"{table}-{number}",
                "_airbyte_extracted_at": extracted_at,
                "_airbyte_meta": meta,
            }
            con.execute(
                f"INSERT INTO {schema}.{table} BY NAME SELECT "
                + ", ".join(f"? AS {column}" for column in row),
                list(row.values()),
            )
