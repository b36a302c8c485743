"""PyAirbyte's DuckDB cache, landing `timestamp_with_timezone` fields as instants and committing
each stream's records and state as the connector checkpoints.

Checkpoints. PyAirbyte keeps a stream's records in files and its state in memory until the stream
ends; a sync killed mid-stream then loses the stream's whole progress, and the next sync starts
that stream's backfill over. An Airbyte destination commits at every state message instead. Here a
state message commits the stream's records read so far and then the state (at most one commit per
`CHECKPOINT_SECONDS` per stream, so a connector that checkpoints every window does not make a
commit of every window), so an interrupted sync resumes from its last commit. Records committed
without their state (a kill between the two) are read again next time; raw is append-only and
staging keeps one row per key, so that is a re-read, not a duplicate.

PyAirbyte types a `format: date-time` field as SQLAlchemy `TIMESTAMP(timezone=True)`, which the
DuckDB dialect spells `TIMESTAMP`; loading `"2025-10-01T00:00:00-03:00"` into a `TIMESTAMP`
column drops the offset (DuckDB keeps the wall-clock time, 00:00, not the instant, 03:00 UTC).
Airbyte's BigQuery destination lands the same field as a BigQuery `TIMESTAMP`, an instant. Here
those columns are `TIMESTAMP WITH TIME ZONE`, DuckDB's instant type (what SQLMesh transpiles a
BigQuery `TIMESTAMP` to), so both warehouses hold the same moments.

Runs in the PyAirbyte environment only.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

import sqlalchemy
from airbyte._processors.sql.duckdb import DuckDBSqlProcessor
from airbyte.caches import DuckDBCache
from airbyte.types import SQLTypeConverter
from airbyte_protocol.models import AirbyteMessage, AirbyteStateType, Type

CHECKPOINT_SECONDS = 5.0


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


class InstantDuckDBSqlProcessor(DuckDBSqlProcessor):
    type_converter_class = InstantTypeConverter

    def process_airbyte_messages(  # type: ignore[misc]  # @final upstream; we only wrap the input
        self, messages: Iterable[AirbyteMessage], *, progress_tracker: Any, **kwargs: Any
    ) -> None:
        write_strategy = kwargs.get("write_strategy")
        last_commit: dict[str, float] = {}

        def committing(source: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
            for message in source:
                yield message  # the processor files the state as pending before this resumes
                if message.type is not Type.STATE or message.state.type != AirbyteStateType.STREAM:
                    continue
                stream = message.state.stream.stream_descriptor.name
                now = time.monotonic()
                if now - last_commit.get(stream, 0.0) >= CHECKPOINT_SECONDS:
                    last_commit[stream] = now
                    self.write_stream_data(
                        stream, write_strategy=write_strategy, progress_tracker=progress_tracker
                    )

        super().process_airbyte_messages(committing(messages), progress_tracker=progress_tracker, **kwargs)


class WarehouseCache(DuckDBCache):
    """The warehouse file as PyAirbyte's cache, with instants kept as instants."""

    _sql_processor_class: ClassVar[type[DuckDBSqlProcessor]] = InstantDuckDBSqlProcessor
