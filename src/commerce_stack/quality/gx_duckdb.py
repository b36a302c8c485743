"""The one workaround that makes Great Expectations 1.24 validate DuckDB tables in SQL.

GX has no DuckDB data source; `add_sql` with duckdb-engine works except that GX returns the
CursorResult after `with engine.connect()` has exited, and duckdb-engine's rows are gone by then
(IndexError in resolve_metric_bundle; GX issues #10738, #11579). GX keeps a connection open only
for the dialects in `_PERSISTED_CONNECTION_DIALECTS`. We buffer DuckDB results before the
connection closes; every other dialect (BigQuery in production) keeps GX's own code path.

`tests/quality/test_gx_duckdb_workaround.py` fails once upstream fixes the defect, so this
module can be deleted then. The other half is the `sqlalchemy==2.0.44` pin in pyproject.toml:
later releases reflect `pg_catalog.pg_collation`, which DuckDB 1.4 lacks, and GX then loses
the schema of every column check.
"""

from __future__ import annotations

from typing import Any

from great_expectations.execution_engine import sqlalchemy_execution_engine as _engine

_original_execute_query = _engine.SqlAlchemyExecutionEngine.execute_query
_PATCH_MARK = "_commerce_stack_duckdb_buffered"


def _buffered_execute_query(self: Any, query: Any) -> Any:
    if self.engine.dialect.name != "duckdb":
        return _original_execute_query(self, query)
    with self.get_connection() as connection:
        result = self._execute_query_with_recovery(connection, query)
        # freeze() copies the rows while the connection is still open; calling it gives a
        # fresh result that reads from that copy.
        return result.freeze()() if getattr(result, "returns_rows", False) else result


def install() -> None:
    """Idempotent: patch SqlAlchemyExecutionEngine.execute_query for DuckDB only."""
    if getattr(_engine.SqlAlchemyExecutionEngine.execute_query, _PATCH_MARK, False):
        return
    setattr(_buffered_execute_query, _PATCH_MARK, True)
    _engine.SqlAlchemyExecutionEngine.execute_query = _buffered_execute_query  # type: ignore[method-assign]


def uninstall() -> None:
    _engine.SqlAlchemyExecutionEngine.execute_query = _original_execute_query  # type: ignore[method-assign]


def connection_string(path: str) -> str:
    return f"duckdb:///{path}"


def engine_kwargs() -> dict[str, Any]:
    # read_only: never take the writer lock SQLMesh and PyAirbyte need.
    return {"connect_args": {"read_only": True}}
