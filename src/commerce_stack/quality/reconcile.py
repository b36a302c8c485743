"""Counts reconcile, per stream and run: nothing is lost between the connector and staging.

Two equalities, checked by the gate (a blocking check per stream) and kept in `dq.stream_counts`:

1. connector -> raw, for the streams synced in this run: the records the connector emitted
   (PyAirbyte's tally of its RECORD messages) = the rows they left in the raw table (the runner's
   SYNC_SUMMARY). Appended and replaced streams: equal; merged (append_dedup) ones: a key read
   again replaces its row, so landed <= emitted.
2. raw -> staging, on the environment the gate validates: rows staged + records quarantined =
   distinct keys landed in raw up to the pinned load (what staging reads: the latest version of
   each key extracted at or before `loaded_through_<source>`).

Each stream reconciles at its own grain (`GRAINS`):

- a top-level stream at its primary key: its staging model has one row per key, and its source's
  quarantine model (`stg_<source>__quarantine`, column `stream`) one row per record held back;
- a nested array at its line grain: FakeStore's `carts.products` per (cart, productId), since
  stg_fakestore__cart_lines sums a product listed twice in a cart into one line (its quarantine
  keeps lines); TinyERP's `orders.itens` and Linnworks' `processed_order_details.items` per array
  element (one line each, numbered), a TinyERP order that could not be typed holding its lines in
  quarantine with it;
- a stream without a staging model (TinyERP invoices) is counted, not checked (`not-staged`);
  Linnworks' stock levels (every read kept, not the latest version) and POS sale items (counted
  on the sale) have no line model to reconcile.

The SQL is written once in BigQuery's dialect, like the models, whose JSON functions it reads
the raw arrays with, and transpiled for DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlglot

from commerce_stack.airbyte_config import load_connection
from commerce_stack.environments import schema_in
from commerce_stack.quality.gate import CheckResult
from commerce_stack.transform.loads import NOTHING_LOADED
from commerce_stack.warehouse import Connection, on_bigquery, query_native, tables

OWNER = "data_engineering"  # the staging models' owner
CHECK = "counts_reconcile"


@dataclass(frozen=True)
class Lines:
    """A nested array of a raw stream, reconciled at its line grain."""

    field: str  # the raw JSON array column: products, itens, items
    # JSON path of the value that keys a line within its record when staging merges the lines
    # sharing it; None: every element is a line
    distinct_by: str | None = None
    # the quarantine keeps the parent record whole, lines included (else it keeps lines)
    quarantined_with_parent: bool = False


@dataclass(frozen=True)
class Grain:
    connection: str
    stream: str  # the raw stream
    model: str | None  # its staging model (schema staging); None: not staged
    # the model's key column, and the raw expression it comes from when not the primary key, for
    # the query that names the unaccounted keys (evidence, not the verdict)
    key: str | tuple[str, str] | None = None
    quarantine_stream: str | None = None  # `stream` in stg_<connection>__quarantine
    lines: Lines | None = None
    # the column a deletion record sets (Airbyte's _ab_cdc_deleted_at): staging reads the versions
    # without it (@latest_loaded's tombstone), so the keys are counted the same way
    tombstone: str | None = None

    @property
    def name(self) -> str:
        """The stream, or stream.field at a nested grain: carts.products."""
        return f"{self.stream}.{self.lines.field}" if self.lines else self.stream


def _guid(column: str, raw: str) -> tuple[str, str]:
    """A Linnworks model's key: the GUID (lower case) of a record keyed in raw by an int id."""
    return column, f"LOWER(TRIM({raw}))"


DELETED = "_ab_cdc_deleted_at"
ORDER_GUID = _guid("order_id", "orderid")
LOCATION = _guid("location_id", "stocklocationid")
CART_LINES = Lines("products", "$.productId")
LINES_KEPT_WITH_ORDER = Lines("itens", quarantined_with_parent=True)
GRAINS = (
    Grain("fakestore", "products", "stg_fakestore__products", "product_id"),
    Grain("fakestore", "users", "stg_fakestore__users", "user_id"),
    Grain("fakestore", "carts", "stg_fakestore__carts", "cart_id"),
    Grain("fakestore", "carts", "stg_fakestore__cart_lines", None, "carts.products", CART_LINES),
    Grain("tinyerp", "orders", "stg_tinyerp__orders", "order_id", "orders", tombstone=DELETED),
    Grain("tinyerp", "orders", "stg_tinyerp__order_lines", None, "orders", LINES_KEPT_WITH_ORDER, DELETED),
    Grain("tinyerp", "pos_sales", "stg_tinyerp__pos_sales", "pos_sale_id", "pos_sales"),
    Grain("tinyerp", "products", "stg_tinyerp__products", "product_id", "products"),
    Grain("tinyerp", "contacts", "stg_tinyerp__contacts", "contact_id", "contacts"),
    Grain("tinyerp", "invoices", None),
    Grain("linnworks", "stock_locations", "stg_linnworks__stock_locations", LOCATION),
    Grain("linnworks", "stock_location_details", "stg_linnworks__stock_location_details", LOCATION),
    Grain("linnworks", "stock_items", "stg_linnworks__stock_items", _guid("stock_item_id", "stockitemid")),
    Grain("linnworks", "processed_orders", "stg_linnworks__processed_orders", _guid("order_id", "pkorderid")),
    Grain("linnworks", "processed_order_details", "stg_linnworks__order_details", ORDER_GUID),
    Grain("linnworks", "processed_order_details", "stg_linnworks__order_lines", None, None, Lines("items")),
)  # fmt: skip


@dataclass
class StreamCount:
    """One row of dq.stream_counts."""

    connection: str
    stream: str
    emitted: int | None
    landed: int | None
    keys_landed: int
    staged: int | None
    quarantined: int
    merged: bool = False  # written append_dedup: a key read again replaces its row

    @property
    def sync_ok(self) -> bool:
        if self.emitted is None or self.landed is None:
            return True
        return self.landed <= self.emitted if self.merged else self.landed == self.emitted

    @property
    def staging_ok(self) -> bool:
        return self.staged is None or self.staged + self.quarantined == self.keys_landed

    @property
    def status(self) -> str:
        if not (self.sync_ok and self.staging_ok):
            return "mismatch"
        return "ok" if self.staged is not None else "not-staged"

    def text(self) -> str:
        """emitted 7, landed 7, keys 7, staged 7, quarantined 0 (what was counted)."""
        parts = [("emitted", self.emitted), ("landed", self.landed), ("keys", self.keys_landed)]
        if self.staged is not None:
            parts += [("staged", self.staged), ("quarantined", self.quarantined)]
        return ", ".join(f"{name} {value}" for name, value in parts if value is not None)


class _Sql:
    """The queries of one grain in one environment, BigQuery's dialect."""

    def __init__(self, grain: Grain, environment: str, loaded_through: str) -> None:
        connection = load_connection(grain.connection)
        declared = next(s for s in connection.streams if s.name == grain.stream)
        self.grain = grain
        self.raw = f"{connection.namespace}.{grain.stream}"
        if len(declared.primary_key) != 1:  # every stream today; a compound key needs its own SQL
            raise ValueError(f"{self.raw}: reconcile counts single-column primary keys only")
        self.key = declared.primary_key[0].lower()  # PyAirbyte lower-cases column names
        self.merged = declared.destination_sync_mode == "append_dedup"
        staging = schema_in(environment, "staging")
        self.model = f"{staging}.{grain.model}"
        self.quarantine = f"{staging}.stg_{grain.connection}__quarantine"
        # the rows staging reads: extracted up to the pin, a UTC time without a zone (macros/loads.py)
        # (every table and subquery is aliased: the BigQuery emulator expands `*` only through one)
        pin = f"TIMESTAMP('{loaded_through}', 'UTC')"
        self.pinned = f"FROM {self.raw} AS raw_rows WHERE _airbyte_extracted_at <= {pin}"
        if grain.tombstone:
            self.pinned += f" AND {grain.tombstone} IS NULL"

    def _latest(self) -> str:
        """The latest version of each key, as @latest_loaded (in one SELECT: BigQuery's QUALIFY
        wants a WHERE beside it)."""
        return (
            f"(SELECT * {self.pinned} QUALIFY ROW_NUMBER() OVER (PARTITION BY {self.key} "
            "ORDER BY _airbyte_extracted_at DESC, _airbyte_raw_id DESC) = 1)"
        )

    def _elements(self) -> str:
        assert self.grain.lines is not None
        return f"COALESCE(SUM(ARRAY_LENGTH(JSON_QUERY_ARRAY({self.grain.lines.field}, '$'))), 0)"

    def _quarantined_ids(self) -> str:
        return f"SELECT record_id {self._held()}"

    def _held(self) -> str:
        return f"FROM {self.quarantine} AS held WHERE stream = '{self.grain.quarantine_stream}'"

    def keys(self) -> str:
        lines = self.grain.lines
        if lines is None:
            return f"SELECT COUNT(DISTINCT {self.key}) {self.pinned}"
        if lines.distinct_by is None:
            return f"SELECT {self._elements()} FROM {self._latest()} AS latest"
        return (
            f"SELECT COUNT(DISTINCT CONCAT(CAST(r.{self.key} AS STRING), ':', "
            f"COALESCE(JSON_VALUE(line, '{lines.distinct_by}'), ''))) FROM {self._latest()} AS r "
            f"CROSS JOIN UNNEST(JSON_QUERY_ARRAY(r.{lines.field}, '$')) AS line"
        )

    def staged(self) -> str:
        return f"SELECT COUNT(*) FROM {self.model} AS staged_rows"

    def quarantined(self) -> str | None:
        lines, stream = self.grain.lines, self.grain.quarantine_stream
        if stream is None:
            return None
        if lines is None:
            return f"SELECT COUNT(DISTINCT record_id) {self._held()}"
        if lines.quarantined_with_parent:
            held = f"CAST({self.key} AS STRING) IN ({self._quarantined_ids()})"
            return f"SELECT {self._elements()} FROM {self._latest()} AS latest WHERE {held}"
        path = lines.distinct_by or "$"
        return (
            f"SELECT COUNT(DISTINCT CONCAT(record_id, ':', COALESCE(JSON_VALUE(record, '{path}'), ''))) "
            f"{self._held()}"
        )

    def counts(self) -> str:
        """One row: keys_landed, staged, quarantined."""
        staged = f"({self.staged()})" if self.grain.model else "NULL"
        quarantined = f"({q})" if (q := self.quarantined()) else "0"
        return f"SELECT ({self.keys()}) AS keys_landed, {staged} AS staged, {quarantined} AS quarantined"

    def unaccounted(self) -> str:
        """The keys that break the equality, for stewards: landed but neither staged nor
        quarantined, staged but not landed, or both staged and quarantined. At a line grain,
        the counts themselves."""
        if self.grain.key is None or self.grain.lines is not None:
            return self.counts()
        key, raw_key = self.grain.key if isinstance(self.grain.key, tuple) else (self.grain.key, self.key)
        landed = f"SELECT DISTINCT CAST({raw_key} AS STRING) AS k {self.pinned}"
        staged = f"SELECT CAST({key} AS STRING) AS k FROM {self.model} AS staged_rows"
        held = f"SELECT record_id AS k {self._held()}"
        problems = [
            ("landed, neither staged nor quarantined", f"{landed} EXCEPT DISTINCT {staged}"),
            ("staged, not landed", f"{staged} EXCEPT DISTINCT {landed}"),
        ]
        if self.grain.quarantine_stream:
            problems[0] = (problems[0][0], f"{problems[0][1]} EXCEPT DISTINCT {held}")
            problems.append(("both staged and quarantined", f"{staged} INTERSECT DISTINCT {held}"))
        select = "SELECT '{}' AS problem, k AS {} FROM ({}) AS unaccounted"
        selects = [select.format(why, key, sql) for why, sql in problems]
        return " UNION ALL ".join(selects)


def native(sql: str) -> str:
    """A query of this module (BigQuery's dialect) in the warehouse's own."""
    return sql if on_bigquery() else sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]


def count_streams(
    con: Connection, environment: str, loads: dict[str, str], synced: dict[str, dict[str, int]]
) -> list[tuple[StreamCount, str]]:
    """Each grain's counts in `environment` (with `synced`, this run's sync summary per
    raw_<source>.<stream>), and the SQL that shows what breaks its equality. Grains whose raw
    table or staging model does not exist yet are left out; one query for all of them."""
    listed: dict[str, set[str]] = {}  # schema -> its tables, listed once

    def exists(schema: str, table: str) -> bool:
        return table in listed.setdefault(schema, set(tables(con, schema)))

    staging = schema_in(environment, "staging")
    found: list[tuple[Grain, _Sql]] = []
    for grain in GRAINS:
        sql = _Sql(grain, environment, loads.get(grain.connection, NOTHING_LOADED))
        needed = [grain.model] if grain.model else []
        if grain.quarantine_stream:
            needed.append(f"stg_{grain.connection}__quarantine")
        if exists(*sql.raw.split(".")) and all(exists(staging, model) for model in needed):
            found.append((grain, sql))
    if not found:
        return []
    rows = query_native(con, native(" UNION ALL ".join(s.counts() for _, s in found))).fetchall()
    counts = []
    for (grain, sql), (keys, staged, quarantined) in zip(found, rows, strict=True):
        sync = synced.get(sql.raw, {}) if grain.lines is None else {}
        count = StreamCount(
            grain.connection, grain.name, sync.get("emitted"), sync.get("landed"),
            int(keys), None if staged is None else int(staged), int(quarantined), sql.merged,
        )  # fmt: skip
        counts.append((count, native(sql.unaccounted())))
    return counts


def reconcile_checks(counted: list[tuple[StreamCount, str]]) -> list[CheckResult]:
    """A blocking check per staged stream (and per stream synced this run): a record lost
    between the connector and raw, or between raw and staging, is a blocking defect."""
    checks = []
    for count, unaccounted in counted:
        if count.status == "not-staged" and count.emitted is None:
            continue  # nothing to compare: not synced this run, no staging model
        raw = f"raw_{count.connection}.{count.stream.partition('.')[0]}"
        nested = count.stream.partition(".")[2] or None
        failed = count.status == "mismatch"
        missing = 0 if count.sync_ok else abs((count.emitted or 0) - (count.landed or 0))
        if count.staged is not None:
            missing += abs(count.keys_landed - count.staged - count.quarantined)
        checks.append(
            CheckResult(
                check_id=f"{CHECK}:{count.connection}.{count.stream}",
                suite=raw,
                table=raw,
                expectation=CHECK,
                column=nested,
                severity="block",
                owner=OWNER,
                success=not failed,
                description=(
                    "Records were lost or added between the connector and staging: the connector's "
                    "records must all land in raw, and every key landed (latest version, up to the "
                    "pinned load) must be staged or quarantined, once."
                ),
                observed_value=count.text(),
                unexpected_count=missing,
                reproduce_sql=unaccounted if failed and not count.staging_ok else None,
                check_source="reconcile",
                short_name=CHECK,
            )
        )
    return checks


def record_stream_counts(
    con: Connection, run_id: str, environment: str, counts: list[StreamCount], at: datetime
) -> None:
    """Append the run's counts to dq.stream_counts (the DDL: quality/results.py)."""
    if counts:
        con.executemany(
            "INSERT INTO dq.stream_counts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                [run_id, environment, c.connection, c.stream, c.emitted, c.landed, c.keys_landed,
                 c.staged, c.quarantined, c.status, at]
                for c in counts
            ],
        )  # fmt: skip


def reconcile(
    con: Connection, environment: str, loads: dict[str, str], synced: dict[str, dict[str, Any]]
) -> tuple[list[StreamCount], list[CheckResult]]:
    """The counts of every stream in `environment`, and the gate's checks on them."""
    counted = count_streams(con, environment, loads, synced)
    return [c for c, _ in counted], reconcile_checks(counted)
