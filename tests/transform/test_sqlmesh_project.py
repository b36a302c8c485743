"""The SQLMesh project as a whole: unit tests, lint, format, rendering for both engines, and one
end-to-end plan of the FakeStore models into a small real DuckDB warehouse.

Every Context points COMMERCE_WAREHOUSE_PATH at a temporary ``warehouse.duckdb`` (the file stem is
the catalog name the models are qualified with), never at the pipeline's data/warehouse.duckdb.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlglot
import yaml
from sqlglot import exp
from sqlmesh import Context
from support import raw_linnworks, raw_tinyerp
from support.raw_fakestore import ADDRESS, META, RAW_DDL

from commerce_stack.sources.thelook import catalog as thelook

ROOT = Path(__file__).resolve().parents[2]

FAKESTORE_MODELS = {
    "staging.stg_fakestore__products",
    "staging.stg_fakestore__users",
    "staging.stg_fakestore__carts",
    "staging.stg_fakestore__cart_lines",
    "marts.products",
    "marts.customers",
    "marts.orders",
    "marts.order_lines",
    "marts.channels",
    "marts.daily_sales",
    "marts.exchange_rates",
}


def _isolate_environment(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    """Point the duckdb gateway at ``warehouse`` and keep the developer's shell out of the config."""
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(warehouse))
    for name in (
        "LOADED_THROUGH_FAKESTORE",
        "LOADED_THROUGH_TINYERP",
        "LOADED_THROUGH_LINNWORKS",
        "LINNWORKS_BASE_CURRENCY",
        "SQLMESH_ENABLE_BIGQUERY",
        "SQLMESH_GATEWAY",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Context]:
    """One Context for the read-only checks; the config reads the environment when it loads."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate_environment(monkeypatch, tmp_path_factory.mktemp("project") / "warehouse.duckdb")
        context = Context(paths=str(ROOT), gateway="duckdb")
        try:
            yield context
        finally:
            context.close()


def _sql_model_names(context: Context) -> list[str]:
    """Every model SQLMesh builds (external models are declarations, not queries)."""
    return sorted(model.name for model in context.models.values() if not model.kind.is_external)


def test_fakestore_models_are_loaded(ctx: Context) -> None:
    assert set(_sql_model_names(ctx)) >= FAKESTORE_MODELS


def test_unit_tests_pass(ctx: Context) -> None:
    result = ctx.test()

    problems = [f"{test}: {trace}" for test, trace in result.failures + result.errors]
    assert result.wasSuccessful(), "\n".join(problems)
    # every test case of tests/models/ ran, and every model has its own test file
    files = sorted((ROOT / "tests" / "models").rglob("test_*.yaml"))
    cases = sum(len(yaml.safe_load(path.read_text())) for path in files)
    assert result.testsRun == cases
    tested = {path.stem.removeprefix("test_") for path in files}
    assert {name.split(".")[-1] for name in _sql_model_names(ctx)} <= tested


def test_lint_has_no_errors(ctx: Context) -> None:
    ctx.lint_models(raise_on_error=True)


def test_files_are_in_canonical_format(ctx: Context) -> None:
    assert ctx.format(check=True), "run `sqlmesh format`"


@pytest.mark.parametrize("dialect", ["bigquery", "duckdb"])
def test_every_model_renders(ctx: Context, dialect: str) -> None:
    for name in _sql_model_names(ctx):
        rendered = ctx.render(name)
        reparsed = sqlglot.parse_one(rendered.sql(dialect=dialect), read=dialect)
        # The generated SQL parses back in the target dialect to the same query: the same columns
        # from the same tables; in BigQuery, the production dialect, the very same text (sqlglot
        # respells DuckDB's, e.g. JSON_VALUE as ->>, and DuckDB runs it in the plan tests below).
        assert reparsed.named_selects == rendered.named_selects, name
        tables = {t.sql() for t in rendered.find_all(exp.Table)}
        assert {t.sql() for t in reparsed.find_all(exp.Table)} == tables, name
        if dialect == "bigquery":
            assert reparsed.sql(dialect=dialect, comments=False) == rendered.sql(
                dialect=dialect, comments=False
            )


# --- pinned loads ----------------------------------------------------------------------------

SOURCES = ("fakestore", "tinyerp", "linnworks")


def _versions(warehouse: Path, loads: dict[str, str]) -> dict[str, tuple[str, str, set[str]]]:
    """Per SQL model, with each source pinned to ``loads[source]``: the hash of its own query and
    variables, its snapshot fingerprint (which also covers its parents) and the models upstream."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate_environment(monkeypatch, warehouse)
        for source, loaded_through in loads.items():
            monkeypatch.setenv(f"LOADED_THROUGH_{source.upper()}", loaded_through)
        context = Context(paths=str(ROOT), gateway="duckdb")
        try:
            versions = {}
            for name in _sql_model_names(context):
                model = context.get_model(name)
                upstream = {context.models[fqn].name for fqn in context.dag.upstream(model.fqn)}
                fingerprint = context.get_snapshot(name).fingerprint.to_identifier()
                versions[name] = (model.data_hash, fingerprint, upstream)
            return versions
        finally:
            context.close()


@pytest.mark.parametrize("source", SOURCES)
def test_a_new_load_versions_exactly_its_source_models(tmp_path: Path, source: str) -> None:
    # Write-audit-publish rests on this (DECISIONLOG): SQLMesh must see the variable as used by
    # every staging model of the source (a data change, not metadata), and by no other model.
    pinned = dict.fromkeys(SOURCES, "2026-11-20 12:00:00")
    before = _versions(tmp_path / "warehouse.duckdb", pinned)
    after = _versions(tmp_path / "warehouse.duckdb", {**pinned, source: "2026-11-21 12:00:00"})

    own = {name for name in before if name.startswith(f"staging.stg_{source}__")}
    downstream = {name for name, (_, _, upstream) in before.items() if upstream & own}
    assert own, source
    assert {name for name in before if before[name][0] != after[name][0]} == own
    assert {name for name in before if before[name][1] != after[name][1]} == own | downstream


# --- end to end ------------------------------------------------------------------------------

PIN = "2026-11-21 12:00:00"


PRODUCTS = [
    # id, title, price, rating, raw id, extracted at
    (1, "Foldsack Backpack", "109.95", '{"rate":3.9,"count":120}', "p1", "2026-11-20 10:00:00"),
    (5, "Naga Bracelet ", "695", '{"rate":4.6,"count":400}', "p2", "2026-11-20 10:00:00"),
    (1, "Foldsack Backpack", "109.95", '{"rate":3.9,"count":121}', "p3", "2026-11-21 10:00:00"),
    (5, "Naga Bracelet ", "695", '{"rate":4.6,"count":401}', "p4", "2026-11-21 10:00:00"),
    # extracted after the pinned load: must not be seen
    (1, "Price change after the pin", "1", '{"rate":1,"count":1}', "p5", "2026-11-22 10:00:00"),
]

USERS = [
    # id, email, raw id, extracted at
    (1, " John@Gmail.com ", "u1", "2026-11-20 10:00:00"),
    (2, "morrison@gmail.com", "u2", "2026-11-20 10:00:00"),
    (1, " John@Gmail.com ", "u3", "2026-11-21 10:00:00"),
]

CARTS = [
    # id, user id, date, products, raw id, extracted at
    (
        1,
        1,
        "2020-03-02",
        '[{"productId":1,"quantity":4},{"productId":5,"quantity":1}]',
        "c1",
        "2026-11-20 10:00:00",
    ),
    # re-extracted within the lookback, now with product 1 listed twice (4 + 2 = 6 units)
    (
        1,
        1,
        "2020-03-02",
        '[{"productId":1,"quantity":4},{"productId":5,"quantity":1},{"productId":1,"quantity":2}]',
        "c2",
        "2026-11-21 10:00:00",
    ),
    (2, 2, "2020-01-02", "[]", "c3", "2026-11-21 10:00:00"),
    # a cart first extracted after the pinned load
    (3, 2, "2020-03-05", '[{"productId":5,"quantity":9}]', "c4", "2026-11-22 10:00:00"),
]


def _load_raw(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(RAW_DDL)
        con.execute(raw_tinyerp.RAW_DDL)  # empty: these tests are about the FakeStore rows
        con.execute(raw_linnworks.RAW_DDL)
        con.execute(thelook.DDL)  # empty too
        con.executemany(
            "INSERT INTO raw_fakestore.products VALUES (?, ?, CAST(? AS DECIMAL(38, 9)), 'A description.',"
            " 'jewelery', 'https://fakestoreapi.com/img/x.jpg', CAST(? AS JSON), ?, CAST(? AS TIMESTAMP),"
            f" '{META}')",
            PRODUCTS,
        )
        con.executemany(
            f"INSERT INTO raw_fakestore.users VALUES ('{ADDRESS}', ?, ?, 'user', "
            """'{"firstname":"john","lastname":"doe"}', '1-570-236-7033', 0, ?, CAST(? AS TIMESTAMP),"""
            f" '{META}')",
            USERS,
        )
        con.executemany(
            "INSERT INTO raw_fakestore.carts VALUES (?, ?, CAST(? AS TIMESTAMP), CAST(? AS JSON), 0, ?,"
            f" CAST(? AS TIMESTAMP), '{META}')",
            CARTS,
        )


@pytest.fixture(scope="module")
def planned_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Raw FakeStore tables with re-extracted duplicates, planned into prod up to PIN."""
    warehouse = tmp_path_factory.mktemp("e2e") / "warehouse.duckdb"
    _load_raw(warehouse)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _isolate_environment(monkeypatch, warehouse)
        monkeypatch.setenv("LOADED_THROUGH_FAKESTORE", PIN)
        context = Context(paths=str(ROOT), gateway="duckdb")
        try:
            context.plan("prod", auto_apply=True, no_prompts=True)
        finally:
            context.close()  # DuckDB allows one writer: release the file before reading it
    return warehouse


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_plan_builds_orders_from_the_pinned_load(planned_warehouse: Path) -> None:
    rows = _rows(
        planned_warehouse,
        "SELECT order_key, customer_key, order_date::VARCHAR, line_count, item_quantity, items_amount,"
        " discount_amount, shipping_amount, order_total FROM marts.orders ORDER BY order_key",
    )

    zero = Decimal("0.00")
    assert rows == [
        # items: 6 x 109.95 + 1 x 695.00; no discount or shipping
        (
            "fakestore:1",
            "fakestore:1",
            "2020-03-02",
            2,
            7,
            Decimal("1354.70"),
            zero,
            zero,
            Decimal("1354.70"),
        ),
        # a cart without lines is still an order, with zero amounts
        ("fakestore:2", "fakestore:2", "2020-01-02", 0, 0, zero, zero, zero, zero),
    ]


def test_plan_builds_order_lines_priced_at_list_price(planned_warehouse: Path) -> None:
    rows = _rows(
        planned_warehouse,
        "SELECT order_line_key, product_key, quantity, unit_price, line_amount FROM marts.order_lines"
        " ORDER BY order_line_key",
    )

    assert rows == [
        ("fakestore:1:1", "fakestore:1", 6, Decimal("109.95"), Decimal("659.70")),
        ("fakestore:1:2", "fakestore:5", 1, Decimal("695.00"), Decimal("695.00")),
    ]


def test_plan_deduplicates_every_grain(planned_warehouse: Path) -> None:
    for table, key in [
        ("marts.products", "product_key"),
        ("marts.customers", "customer_key"),
        ("marts.orders", "order_key"),
        ("marts.order_lines", "order_line_key"),
    ]:
        [(rows, keys)] = _rows(planned_warehouse, f"SELECT COUNT(*), COUNT(DISTINCT {key}) FROM {table}")
        assert rows == keys == 2, table


def test_plan_stores_every_amount_with_two_decimals(planned_warehouse: Path) -> None:
    # Guards the trap where a CAST(... AS NUMERIC(18, 2)) silently becomes DuckDB's DECIMAL(18, 3).
    decimals = _rows(
        planned_warehouse,
        "SELECT table_schema || '.' || table_name || '.' || column_name, data_type"
        " FROM information_schema.columns"
        " WHERE table_schema IN ('staging', 'marts') AND data_type LIKE 'DECIMAL%'",
    )
    staged_prices = _rows(
        planned_warehouse, "SELECT price FROM staging.stg_fakestore__products ORDER BY product_id"
    )

    money = [
        "staging.stg_fakestore__products.price",
        "marts.products.unit_price",
        "marts.order_lines.unit_price",
        "marts.order_lines.line_amount",
        "marts.orders.items_amount",
        "marts.orders.discount_amount",
        "marts.orders.shipping_amount",
        "marts.orders.order_total",
        "marts.orders.tax_amount",
        "marts.orders.refunded_amount",
        "marts.orders.net_amount",
        "marts.orders.order_total_reporting",
        "marts.orders.net_amount_reporting",
        "marts.order_lines.discount_amount",
        "marts.order_lines.tax_amount",
        "marts.products.unit_cost",
        "marts.daily_sales.gross_amount",
        "marts.daily_sales.net_amount",
        "marts.daily_sales.gross_amount_reporting",
        "marts.daily_sales.net_amount_reporting",
        "marts.inventory_snapshots.stock_value",
        "marts.inventory_snapshots.stock_value_reporting",
    ]
    # exchange rates keep 9 decimals (marts.orders names a variable: its CASTs lose precision on DuckDB)
    rates = ["marts.exchange_rates.rate_to_reporting", "marts.orders.fx_rate_to_reporting"]
    assert {column: dict(decimals).get(column) for column in money} == dict.fromkeys(money, "DECIMAL(18,2)")
    assert {column: dict(decimals).get(column) for column in rates} == dict.fromkeys(rates, "DECIMAL(18,9)")
    assert staged_prices == [(Decimal("109.95"),), (Decimal("695.00"),)]


def test_plan_cleans_products_and_customers(planned_warehouse: Path) -> None:
    products = _rows(
        planned_warehouse,
        "SELECT product_key, product_name, unit_price, rating_count FROM marts.products ORDER BY 1",
    )
    customers = _rows(
        planned_warehouse, "SELECT customer_key, email, latitude FROM marts.customers ORDER BY 1"
    )

    assert products == [
        ("fakestore:1", "Foldsack Backpack", Decimal("109.95"), 121),
        ("fakestore:5", "Naga Bracelet", Decimal("695.00"), 401),
    ]
    assert customers == [
        ("fakestore:1", "john@gmail.com", -37.3159),
        ("fakestore:2", "morrison@gmail.com", -37.3159),
    ]
