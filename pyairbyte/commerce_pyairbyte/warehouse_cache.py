"""PyAirbyte's DuckDB cache, landing `timestamp_with_timezone` fields as instants and committing
each stream's records and state as the connector checkpoints.

Checkpoints: see checkpoints.py (the same for the BigQuery cache).

PyAirbyte types a `format: date-time` field as SQLAlchemy `TIMESTAMP(timezone=True)`, which the
DuckDB dialect spells `TIMESTAMP`; loading `"2025-10-01T00:00:00-03:00"` into a `TIMESTAMP`
column drops the offset (DuckDB keeps the wall-clock time, 00:00, not the instant, 03:00 UTC).
Airbyte's BigQuery destination lands the same field as a BigQuery `TIMESTAMP`, an instant. Here
those columns are `TIMESTAMP WITH TIME ZONE`, DuckDB's instant type (what SQLMesh transpiles a
BigQuery `TIMESTAMP` to), so both warehouses hold the same moments.

Runs in the PyAirbyte environment only.
"""

from __future__ import annotations

from typing import Any, ClassVar

import sqlalchemy
from airbyte._processors.sql.duckdb import DuckDBSqlProcessor
from airbyte.caches import DuckDBCache
from airbyte.types import SQLTypeConverter

from commerce_pyairbyte.checkpoints import CheckpointingProcessor


class InstantTimestamp(sqlalchemy.types.UserDefinedType):
    """DuckDB's `TIMESTAMP WITH TIME ZONE` (an instant, stored in UTC)."""

    cache_ok = True

    def get_col_spec(self, **_: Any) -> str:
        return "TIMESTAMP WITH TIME ZONE"


class InstantTypeConverter(SQLTypeConverter):
    def to_sql_type(self, json_schema_property_def: dict[str, Any]) -> Any:  # type: ignore[override]
        sql_type = super().to_sql_type(json_schema_property_def)
        if isinstance(sql_type, sqlalchemy.types.TIMESTAMP) and sql_type.timezone:
            return InstantTimestamp()
        return sql_type


class InstantDuckDBSqlProcessor(CheckpointingProcessor, DuckDBSqlProcessor):
    type_converter_class = InstantTypeConverter


class WarehouseCache(DuckDBCache):
    """The warehouse file as PyAirbyte's cache, with instants kept as instants."""

    _sql_processor_class: ClassVar[type[DuckDBSqlProcessor]] = InstantDuckDBSqlProcessor
