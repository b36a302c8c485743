"""The reviewed Great Expectations suites (expectations/expectations/{marts,staging}/*.json).

1. Every model has a suite whose metadata the gate and the data stewards rely on.
2. The SQL checks are written so they run on DuckDB and BigQuery.
3. The models' own output (planned by SQLMesh from good raw rows) passes every suite through GX.
4. One defect at a time fails exactly the checks meant to catch it, with the right severity and
   unexpected count, and nothing else.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
import support.suites as sf
from sqlglot import exp

SEVERITIES = {"critical", "warning"}
LOAD_TIMESTAMPS = ("loaded_at", "extracted_at")
# The ids the suites had before this review: the gate tells new failures from recurring ones by
# suite name + expectation id, so an unchanged check must keep its id.
ORIGINAL_IDS = {
    "marts.orders": {
        "3428e9bd-c006-4b19-9c9a-654c040cdfcd",
        "00aa077e-fc1d-4f1e-b7d9-d19928f424fd",
        "c8cf4b30-fdc0-4b7f-8bdf-7f35bbdf6a7d",
    },
    "marts.order_lines": {
        "dac956e2-d7c3-44c3-a6b1-a6d3e6ed022c",
        "8c6d1893-2c46-4996-b0f5-303b217c84b7",
        "bdef2c70-9367-434f-9fdf-361e4595e3f4",
    },
    "marts.products": {
        "f8ea74e3-3cbf-460c-8e4e-3e17f5bc4272",
        "185e26ec-ceea-42fc-a4ad-b84b5b59f06c",
        "14d4d709-455a-4b91-a667-1fabc63b0c18",
    },
    "marts.customers": {
        "2a15b6b1-4b14-481c-a274-b4f4fda4959b",
        "de93af6d-19c1-42ad-83d2-b8c1bfe76191",
        "a0b4050d-bf6c-46a8-bf8a-aefff2aebd63",
    },
}


@dataclass(frozen=True)
class Warehouse:
    built: Path  # SQLMesh's prod: views over its physical tables
    plain: Path  # the same rows as plain tables, copied per defect and mutated
    columns: dict[str, dict[str, str]]  # table -> column -> DuckDB type, read before GX opens files
    plain_columns: dict[str, dict[str, str]]
    orders: list[tuple]
    order_lines: list[tuple]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    built = sf.build_with_sqlmesh(tmp_path_factory.mktemp("built"))
    plain = sf.materialize(built, tmp_path_factory.mktemp("plain"))
    return Warehouse(
        built=built,
        plain=plain,
        columns={table: sf.columns(built, table) for table in sf.model_names()},
        plain_columns={table: sf.columns(plain, table) for table in sf.model_names()},
        orders=sf.rows(
            built,
            "SELECT order_key, customer_key, line_count, items_amount, order_total FROM marts.orders"
            " WHERE source <> 'thelook' ORDER BY 1",  # thelook's: tests/pipeline/test_thelook.py
        ),
        order_lines=sf.rows(
            built,
            "SELECT order_line_key, product_key, quantity, unit_price, line_amount FROM marts.order_lines"
            " WHERE source <> 'thelook' ORDER BY 1",
        ),
    )


def _expectations(name: str) -> list[dict]:
    return sf.load_suite(name)["expectations"]


def _queries() -> list[tuple[str, str, str]]:
    return [
        (name, e["meta"]["check"], e["kwargs"]["unexpected_rows_query"])
        for name in sf.suite_names()
        for e in _expectations(name)
        if e["type"] == "unexpected_rows_expectation"
    ]


# --- 1. metadata --------------------------------------------------------------------------------


def test_every_model_has_exactly_one_suite() -> None:
    assert sf.suite_names() == sf.model_names()


@pytest.mark.parametrize("name", sf.suite_names())
def test_suite_metadata_is_complete(name: str, warehouse: Warehouse) -> None:
    suite = sf.load_suite(name)
    meta = suite["meta"]
    columns = warehouse.columns[name]
    marts = name.startswith("marts.")

    assert suite["name"] == meta["model"] == name
    assert meta["owner"] == ("analytics_engineering" if marts else "data_engineering")
    assert meta["description"].strip() and meta["grain"].strip()
    load_timestamp = next((c for c in LOAD_TIMESTAMPS if c in columns), None)
    if load_timestamp and not name.endswith("__quarantine"):  # an empty quarantine is the good case
        assert meta["freshness"] == {"column": load_timestamp, "max_age_hours": 36}
    else:
        assert "freshness" not in meta
    if marts:
        volume = dict(meta["volume"])
        # a fact names the day it is built by: a thelook-only run compares those days (gate.py)
        day_column = volume.pop("day_column", None)
        assert volume == {"min_ratio_to_previous": 0.9}
        assert (day_column is not None) == name.startswith("marts.fct_")
        if day_column:
            assert day_column in columns

    checks = [e["meta"]["check"] for e in suite["expectations"]]
    assert len(checks) == len(set(checks)), "meta.check names a check within its suite"
    for e in suite["expectations"]:
        label = f"{name}:{e['meta']['check']}"
        assert e["severity"] in SEVERITIES, label
        assert e["meta"]["owner"], label
        assert re.fullmatch(r"[A-Z].+\.", e["meta"]["description"]), f"{label}: one plain sentence"
        uuid.UUID(e["id"])
        for column in [e["kwargs"].get("column"), *e["kwargs"].get("column_list", [])]:
            assert column is None or column in columns, f"{label}: no column {column}"
    assert ORIGINAL_IDS.get(name, set()) <= {e["id"] for e in suite["expectations"]}


@pytest.mark.parametrize("name", sf.suite_names())
def test_grain_is_unique_and_not_null_and_blocking(name: str) -> None:
    grain = [c.strip() for c in sf.load_suite(name)["meta"]["grain"].split(",")]
    blocking = {
        (e["type"], e["kwargs"].get("column") or tuple(e["kwargs"].get("column_list", [])))
        for e in _expectations(name)
        if e["severity"] == "critical"
    }

    for column in grain:
        assert ("expect_column_values_to_not_be_null", column) in blocking
    if len(grain) == 1:
        assert ("expect_column_values_to_be_unique", grain[0]) in blocking
    else:
        assert ("expect_compound_columns_to_be_unique", tuple(grain)) in blocking
    if not name.endswith("__quarantine"):  # an empty quarantine is the good case
        assert ("expect_table_row_count_to_be_between", ()) in blocking


def test_expectation_ids_are_unique_across_suites() -> None:
    ids = [e["id"] for name in sf.suite_names() for e in _expectations(name)]
    assert len(ids) == len(set(ids))


# --- 2. portable SQL ----------------------------------------------------------------------------


def _as_gx_renders(query: str, table: str) -> str:
    """GX 1.24 substitutes `{batch}` with `(SELECT * FROM <table> WHERE true)`, and appends
    `AS subselect` itself unless the query contains a JOIN (query_metric_provider.py)."""
    batch = f"(SELECT * FROM {table} WHERE true)"
    if not re.search(r"\bJOIN\b", query, re.IGNORECASE):
        batch += " AS subselect"
    return sf.resolve_schema_tokens(query, "candidate").format(batch=batch)


@pytest.mark.parametrize(("name", "check", "query"), _queries(), ids=[f"{n}:{c}" for n, c, _ in _queries()])
def test_sql_checks_are_portable(name: str, check: str, query: str) -> None:
    assert "{batch}" in query, "without {batch} GX would not validate the batch's table"
    assert "::" not in query, "DuckDB/Postgres cast syntax: use CAST(x AS type)"
    assert not re.search(r"\bJOIN\b", query, re.I) or "{batch} AS " in query, "a JOIN query aliases {batch}"
    assert re.search(r"\bJOIN\b", query, re.I) or "{batch} AS" not in query, (
        "GX already aliases {batch} AS subselect when the query has no JOIN"
    )
    for schema, table in re.findall(r"__([A-Z]+)__\.(\w+)", query):
        assert f"{schema.lower()}.{table}" in sf.model_names(), f"unknown table {schema}.{table}"
    assert not re.search(r"__[A-Z]+__", sf.resolve_schema_tokens(query)), "unknown schema token"

    table = name.replace(".", "__candidate.", 1)
    for dialect in ("bigquery", "duckdb"):
        tree = sqlglot.parse_one(_as_gx_renders(query, table), read=dialect)
        unknown = [f.sql(dialect) for f in tree.find_all(exp.Anonymous)]
        assert not unknown, f"{dialect} does not know these functions: {unknown}"


# --- 3. good rows pass --------------------------------------------------------------------------


def test_the_models_output_passes_every_suite(warehouse: Warehouse) -> None:
    # The rows the defect cases below edit (built from support.suites.CARTS by the real models).
    assert warehouse.orders == [
        ("fakestore:1", "fakestore:1", 2, Decimal("1354.70"), Decimal("1354.70")),
        ("fakestore:2", "fakestore:2", 0, Decimal("0.00"), Decimal("0.00")),
        ("fakestore:3", "fakestore:2", 1, Decimal("47.97"), Decimal("47.97")),
        ("fakestore:4", "fakestore:3", 2, Decimal("141.93"), Decimal("141.93")),
        # support.raw_linnworks' sample order: tax and postage on top of its line
        (
            "linnworks:fe27fc8a-b007-406f-8988-421f065471f9",
            "linnworks:d15cc958d02474143cce0339b2a8ec29",
            1,
            Decimal("15.98"),
            Decimal("23.97"),
        ),
        # support.raw_tinyerp's sample order: a discount and shipping, so total != items
        ("tinyerp:884100008", "tinyerp:708490398", 2, Decimal("188.23"), Decimal("182.31")),
    ]
    assert [row[0] for row in warehouse.order_lines] == [
        "fakestore:1:1",
        "fakestore:1:2",
        "fakestore:3:1",
        "fakestore:4:1",
        "fakestore:4:2",
        "linnworks:fe27fc8a-b007-406f-8988-421f065471f9:1",
        "tinyerp:884100008:1",
        "tinyerp:884100008:2",
    ]

    outcomes = sf.run_suites(warehouse.built, sf.suite_names())

    assert {o.suite for o in outcomes.values()} == set(sf.suite_names())
    assert {o.expectation_id for o in outcomes.values()} == {
        e["id"] for name in sf.suite_names() for e in _expectations(name)
    }, "GX must report the reviewed ids: the gate keys its history on them"
    failed = {key: (o.unexpected_count, o.raised, o.result) for key, o in outcomes.items() if not o.success}
    assert failed == {}


def test_the_mutable_copy_passes_every_suite(warehouse: Warehouse) -> None:
    """The baseline of the defect cases: same columns and types as the models, and all green."""
    assert warehouse.plain_columns == warehouse.columns

    outcomes = sf.run_suites(warehouse.plain, sf.suite_names())

    assert len(outcomes) == sum(len(_expectations(name)) for name in sf.suite_names())
    assert [key for key, o in outcomes.items() if not o.success] == []


# --- 4. one defect, exactly its checks ----------------------------------------------------------

CRIT, WARN = "critical", "warning"
ORDERS, LINES = "marts.orders", "marts.order_lines"
CART_LINES, STG_PRODUCTS = "staging.stg_fakestore__cart_lines", "staging.stg_fakestore__products"


@dataclass(frozen=True)
class Defect:
    id: str
    table: str
    sql: str
    failures: dict[tuple[str, str], tuple[str, int]]  # (suite, check) -> (severity, unexpected count)


DEFECTS = [
    Defect(
        "duplicate_order_key",
        ORDERS,
        "INSERT INTO marts.orders SELECT * FROM marts.orders WHERE order_key = 'fakestore:3'",
        {(ORDERS, "order_key_unique"): (CRIT, 2)},
    ),
    Defect(
        "duplicate_cart_product",
        CART_LINES,
        "INSERT INTO staging.stg_fakestore__cart_lines"
        " (cart_id, line_number, product_id, quantity, extracted_at)"
        " SELECT cart_id, line_number + 1, product_id, quantity, extracted_at"
        " FROM staging.stg_fakestore__cart_lines WHERE cart_id = 3",
        {(CART_LINES, "cart_product_unique"): (CRIT, 2)},
    ),
    Defect(
        "null_order_line_key",
        LINES,
        "UPDATE marts.order_lines SET order_line_key = NULL WHERE order_line_key = 'fakestore:3:1'",
        {(LINES, "order_line_key_not_null"): (CRIT, 1)},  # a NULL is not a duplicate
    ),
    Defect(  # the product's lines lose their product too: a warning on the cart lines
        "null_staged_product_id",
        STG_PRODUCTS,
        "UPDATE staging.stg_fakestore__products SET product_id = NULL WHERE product_id = 2",
        {(STG_PRODUCTS, "product_id_not_null"): (CRIT, 1), (CART_LINES, "product_exists"): (WARN, 2)},
    ),
    Defect(
        "orphan_order_line",
        ORDERS,
        "DELETE FROM marts.orders WHERE order_key = 'fakestore:3'",
        {(LINES, "order_exists"): (CRIT, 1)},
    ),
    Defect(
        "negative_staged_quantity",
        CART_LINES,
        "UPDATE staging.stg_fakestore__cart_lines SET quantity = -1 WHERE cart_id = 3",
        {(CART_LINES, "quantity_positive"): (CRIT, 1)},
    ),
    Defect(  # the line amount no longer is quantity x price either
        "negative_order_line_quantity",
        LINES,
        "UPDATE marts.order_lines SET quantity = -3 WHERE order_line_key = 'fakestore:3:1'",
        {(LINES, "quantity_positive"): (CRIT, 1), (LINES, "line_amount_reconciles"): (CRIT, 1)},
    ),
    Defect(
        "unknown_status",
        ORDERS,
        "UPDATE marts.orders SET order_status = 'pending' WHERE order_key = 'fakestore:1'",
        {(ORDERS, "order_status_known"): (CRIT, 1)},
    ),
    Defect(
        "bad_currency",
        ORDERS,
        "UPDATE marts.orders SET currency_code = 'usd' WHERE order_key = 'fakestore:1'",
        {(ORDERS, "currency_iso_4217"): (CRIT, 1)},
    ),
    Defect(
        "order_total_off",
        ORDERS,
        "UPDATE marts.orders SET order_total = order_total + 5 WHERE order_key = 'fakestore:1'",
        {(ORDERS, "order_total_reconciles"): (CRIT, 1)},
    ),
    Defect(  # the total still adds up; the items no longer match the lines
        "items_amount_off",
        ORDERS,
        "UPDATE marts.orders SET items_amount = items_amount + 5, order_total = order_total + 5"
        " WHERE order_key = 'fakestore:4'",
        {(ORDERS, "items_amount_reconciles"): (CRIT, 1)},
    ),
    Defect(
        "line_amount_off",
        LINES,
        "UPDATE marts.order_lines SET unit_price = unit_price + 1 WHERE order_line_key = 'fakestore:1:1'",
        {(LINES, "line_amount_reconciles"): (CRIT, 1)},
    ),
    Defect(
        "unknown_customer",
        ORDERS,
        "UPDATE marts.orders SET customer_key = 'fakestore:999' WHERE order_key = 'fakestore:3'",
        {(ORDERS, "customer_exists"): (WARN, 1)},
    ),
    Defect(
        "bad_email",
        "marts.customers",
        "UPDATE marts.customers SET email = 'john at gmail.com' WHERE customer_key = 'fakestore:1'",
        {("marts.customers", "email_format"): (WARN, 1)},
    ),
    Defect(  # control: the identities tolerate a cent of rounding
        "total_within_a_cent",
        ORDERS,
        "UPDATE marts.orders SET order_total = order_total + 0.01 WHERE order_key = 'fakestore:1'",
        {},
    ),
]


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.id)
def test_a_defect_fails_exactly_its_checks(defect: Defect, warehouse: Warehouse, tmp_path: Path) -> None:
    mutated = tmp_path / "warehouse.duckdb"
    shutil.copy(warehouse.plain, mutated)
    with duckdb.connect(str(mutated)) as con:
        [(changed,)] = con.execute(defect.sql).fetchall()
    assert changed == 1, "a defect case changes one row"

    outcomes = sf.run_suites(mutated, sf.suites_reading(defect.table))

    assert [(key, o.raised) for key, o in outcomes.items() if o.raised] == []
    failures = {key: (o.severity, o.unexpected_count) for key, o in outcomes.items() if not o.success}
    assert failures == defect.failures
