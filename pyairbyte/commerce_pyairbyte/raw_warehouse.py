"""Where the runner lands raw data: the DuckDB file or BigQuery, as the destination's `local.type` says.

A `RawWarehouse` gives the runner PyAirbyte's cache for one connection's dataset (schema) and the
few SQL pieces the runner's own bookkeeping needs: which tables exist, run a query, quote a table,
read and set a key of the `_airbyte_meta` JSON. The bookkeeping itself (row counts, sync ids, stream
states: sync.py) is written once over these pieces, so both warehouses get the same logic.

Runs in the PyAirbyte environment only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from airbyte.caches.base import CacheBase
    from google.cloud import bigquery


class RawWarehouse(ABC):
    """The raw layer of one warehouse: a dataset (schema) per connection."""

    label: str  # for messages, e.g. warehouse.duckdb or bigquery:my-project
    work_dir: Path  # the runner's private PyAirbyte folders go here (.pyairbyte-cache)

    @abstractmethod
    def cache(self, schema: str, cache_dir: Path) -> CacheBase:
        """PyAirbyte's cache writing the tables of `schema`; its files under `cache_dir`."""

    @abstractmethod
    def tables(self, schema: str) -> set[str]:
        """The tables of `schema`; none when the schema (or the warehouse) does not exist yet."""

    @abstractmethod
    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of a query."""

    @abstractmethod
    def execute(self, statements: list[str]) -> None:
        """Run statements, in order, as one unit of work where the warehouse allows it."""

    @abstractmethod
    def table(self, schema: str, name: str) -> str:
        """The quoted reference of a table."""

    @abstractmethod
    def json_int(self, column: str, key: str) -> str:
        """An expression: the integer at `key` of a JSON object column (NULL if absent)."""

    @abstractmethod
    def json_text(self, column: str, key: str) -> str:
        """An expression: the scalar at `key` of a JSON object column as text (NULL if absent)."""

    @abstractmethod
    def json_with(self, column: str, key: str, value: int) -> str:
        """An expression: the JSON object column (`{}` if NULL) with `key` set to `value`."""


class DuckDbRawWarehouse(RawWarehouse):
    """The embedded DuckDB file, schemas raw_<source>."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = path.name
        self.work_dir = path.parent

    def cache(self, schema: str, cache_dir: Path) -> CacheBase:
        from commerce_pyairbyte.warehouse_cache import WarehouseCache

        self.path.parent.mkdir(parents=True, exist_ok=True)
        return WarehouseCache(db_path=self.path, schema_name=schema, cache_dir=cache_dir)

    def tables(self, schema: str) -> set[str]:
        if not self.path.exists():  # reading never creates the file
            return set()
        sql = "SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
        with duckdb.connect(str(self.path), read_only=True) as con:
            return {name for (name,) in con.execute(sql, [schema]).fetchall()}

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(str(self.path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def execute(self, statements: list[str]) -> None:
        with duckdb.connect(str(self.path)) as con:
            con.begin()
            for statement in statements:
                con.execute(statement)
            con.commit()

    def table(self, schema: str, name: str) -> str:
        return f'"{schema}"."{name}"'

    def json_int(self, column: str, key: str) -> str:
        return f"TRY_CAST({column}->>'{key}' AS BIGINT)"

    def json_text(self, column: str, key: str) -> str:
        return f"{column}->>'{key}'"

    def json_with(self, column: str, key: str, value: int) -> str:
        return f"json_merge_patch(COALESCE({column}, '{{}}'), json_object('{key}', {int(value)}))"


class BigQueryRawWarehouse(RawWarehouse):
    """A BigQuery project, datasets raw_<source> (or the emulator at BIGQUERY_EMULATOR_HOST)."""

    def __init__(self, project: str, location: str, credentials_path: Path | None, work_dir: Path) -> None:
        self.project = project
        self.location = location
        self.credentials_path = str(credentials_path) if credentials_path else None
        self.label = f"bigquery:{project}"
        self.work_dir = work_dir
        self._client: bigquery.Client | None = None

    @property
    def client(self) -> bigquery.Client:
        if self._client is None:
            from commerce_pyairbyte.bigquery_cache import bigquery_client

            self._client = bigquery_client(self.project, self.location, self.credentials_path)
        return self._client

    def cache(self, schema: str, cache_dir: Path) -> CacheBase:
        from commerce_pyairbyte.bigquery_cache import BigQueryWarehouseCache

        return BigQueryWarehouseCache(
            project_name=self.project,
            dataset_name=schema,
            dataset_location=self.location,
            credentials_path=self.credentials_path,
            cache_dir=cache_dir,
        )

    def tables(self, schema: str) -> set[str]:
        from google.api_core.exceptions import NotFound

        try:
            return {t.table_id for t in self.client.list_tables(f"{self.project}.{schema}")}
        except NotFound:
            return set()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(row.values()) for row in self.client.query(sql).result()]

    def execute(self, statements: list[str]) -> None:
        # one job: a multi-statement script runs its statements in order
        self.client.query(";\n".join(statements)).result()

    def table(self, schema: str, name: str) -> str:
        return f"`{self.project}`.`{schema}`.`{name}`"

    def json_int(self, column: str, key: str) -> str:
        return f"SAFE_CAST(JSON_VALUE({column}, '$.{key}') AS INT64)"

    def json_text(self, column: str, key: str) -> str:
        return f"JSON_VALUE({column}, '$.{key}')"

    def json_with(self, column: str, key: str, value: int) -> str:
        return f"JSON_SET(COALESCE({column}, JSON '{{}}'), '$.{key}', {int(value)})"
