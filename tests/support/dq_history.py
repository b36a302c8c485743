# ruff: noqa: E501 (tables of test data, one record a line)
"""A realistic `dq` history in a DuckDB file, for the report and alert tests.

Environment `candidate` (the pipeline's), one day apart, plus one `dev` run that must not count:

    R1 20261118T001500Z  promoted  every check passes
    R2 20261119T001500Z  blocked   products.price out of range (block), customers.email (warn)
    R3 20261120T001500Z  failed    the sync failed: no checks, no snapshots
    R4 20261121T001500Z  blocked   orders.order_key duplicated (block), customers.email (warn)
    D1 20261121T093000Z  blocked   environment dev: the order-total audit (block)
    R5 20261122T001853Z  blocked   LATEST: order_key duplicated again (RECURRING since R4),
                                   the order-total audit (NEW here: dev does not count),
                                   products.price again (NEW: it passed in R4; first failed in R2),
                                   customers.email (RECURRING since R2: R3 evaluated nothing),
                                   customers.phone (NEW warning)

Samples carry quotes, <, & and JSON nulls; one check stores 23 samples (the report shows 20).
The quarantine holds rows for carts, users and products, before and after R4 finished.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from commerce_stack.quality.results import ensure_dq_schema

ENV = "candidate"
R1, R2, R3, R4, R5 = (
    "20261118T001500Z",
    "20261119T001500Z",
    "20261120T001500Z",
    "20261121T001500Z",
    "20261122T001853Z",
)
D1 = "20261121T093000Z"
LATEST = R5

ORDERS_UNIQUE = "marts.orders:c8cf4b30-fdc0-4b7f-8bdf-7f35bbdf6a7d"
ORDERS_NOT_NULL = "marts.orders:00aa077e-fc1d-4f1e-b7d9-d19928f424fd"
ORDERS_ROWS = "marts.orders:3428e9bd-c006-4b19-9c9a-654c040cdfcd"
ORDER_TOTAL_AUDIT = "sqlmesh_audit:marts.orders:assert_order_total_equals_sum_of_lines"
LINES_QUANTITY = "marts.order_lines:5d1c2a0e-1f7e-4c55-9a43-0b5e8f1f6a21"
PRODUCTS_PRICE = "marts.products:9e0b7c44-2a51-4d0e-8f3c-6b7d2e1a9c10"
PRODUCTS_UNIQUE = "marts.products:1f2e3d4c-5b6a-4789-8a7b-6c5d4e3f2a1b"
CUSTOMERS_UNIQUE = "marts.customers:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
CUSTOMERS_EMAIL = "marts.customers:0c9b8a7f-6e5d-4c3b-a291-8f7e6d5c4b3a"
CUSTOMERS_PHONE = "marts.customers:2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"

OWNERS = {
    "marts.orders": "analytics_engineering",
    "marts.order_lines": "analytics_engineering",
    "marts.products": "merchandising",
    "marts.customers": "customer_data_steward",
}

# check_id -> (source, table, column, severity, label, reproduce SQL, description)
CHECKS: dict[str, tuple[str, str, str | None, str, str, str | None, str]] = {
    ORDERS_ROWS: (
        "great_expectations", "marts.orders", None, "block",
        "expect_table_row_count_to_be_between(marts.orders)",
        "SELECT COUNT(*) AS row_count FROM marts__candidate.orders",
        "An empty mart means the load or the model lost everything.",
    ),
    ORDERS_NOT_NULL: (
        "great_expectations", "marts.orders", "order_key", "block",
        "expect_column_values_to_not_be_null(marts.orders.order_key)",
        "SELECT * FROM marts__candidate.orders WHERE order_key IS NULL",
        "Every order needs a key.",
    ),
    ORDERS_UNIQUE: (
        "great_expectations", "marts.orders", "order_key", "block",
        "expect_column_values_to_be_unique(marts.orders.order_key)",
        "SELECT * FROM marts__candidate.orders WHERE order_key IN (SELECT order_key FROM "
        "marts__candidate.orders GROUP BY order_key HAVING COUNT(*) > 1) ORDER BY order_key",
        "The same order appears more than once, so order counts and revenue are overstated.",
    ),
    ORDER_TOTAL_AUDIT: (
        "sqlmesh_audit", "marts.orders", None, "block",
        "assert_order_total_equals_sum_of_lines(marts.orders)",
        "SELECT o.order_key, o.total_amount, SUM(l.line_amount) AS lines_total\n"
        "FROM marts__candidate.orders AS o JOIN marts__candidate.order_lines AS l USING (order_key)\n"
        "GROUP BY 1, 2 HAVING o.total_amount <> SUM(l.line_amount)",
        "An order's total differs from the sum of its lines.",
    ),
    LINES_QUANTITY: (
        "great_expectations", "marts.order_lines", "quantity", "block",
        "expect_column_values_to_be_between(marts.order_lines.quantity)",
        "SELECT * FROM marts__candidate.order_lines WHERE quantity < 1",
        "An order line must order at least one item.",
    ),
    PRODUCTS_PRICE: (
        "great_expectations", "marts.products", "price", "block",
        "expect_column_values_to_be_between(marts.products.price)",
        "SELECT * FROM marts__candidate.products WHERE price < 0 OR price > 10000",
        "A product price is negative or implausibly high.",
    ),
    PRODUCTS_UNIQUE: (
        "great_expectations", "marts.products", "product_key", "block",
        "expect_column_values_to_be_unique(marts.products.product_key)",
        "SELECT * FROM marts__candidate.products WHERE product_key IN (SELECT product_key FROM "
        "marts__candidate.products GROUP BY product_key HAVING COUNT(*) > 1)",
        "The same product appears more than once.",
    ),
    CUSTOMERS_UNIQUE: (
        "great_expectations", "marts.customers", "customer_key", "block",
        "expect_column_values_to_be_unique(marts.customers.customer_key)",
        "SELECT * FROM marts__candidate.customers WHERE customer_key IN (SELECT customer_key FROM "
        "marts__candidate.customers GROUP BY customer_key HAVING COUNT(*) > 1)",
        "The same customer appears more than once.",
    ),
    CUSTOMERS_EMAIL: (
        "great_expectations", "marts.customers", "email", "warn",
        "expect_column_values_to_match_regex(marts.customers.email)",
        "SELECT * FROM marts__candidate.customers WHERE email IS NOT NULL AND NOT "
        "regexp_matches(email, '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$')",
        "Some customer e-mail addresses are not valid addresses; mailings to them bounce.",
    ),
    CUSTOMERS_PHONE: (
        "great_expectations", "marts.customers", "phone", "warn",
        "expect_column_values_to_not_be_null(marts.customers.phone)",
        "SELECT * FROM marts__candidate.customers WHERE phone IS NULL",
        "Some customers have no phone number.",
    ),
}  # fmt: skip

EVIL_EMAIL = '<script>alert("pwned")</script>@x.com'
EVIL_NAME = 'O\'Brien & "Sons" <b>Ltd</b>'


def _dup_orders(count: int) -> list[dict[str, Any]]:
    return [
        {
            "order_key": f"fakestore:{7 + i // 2}",
            "customer_key": f"fakestore:{3 + i % 5}",
            "order_date": f"2020-03-{1 + i // 2:02d}",
            "total_amount": round(119.5 + i, 2),
            "currency": "USD",
        }
        for i in range(count)
    ]


# (run, check_id) -> (observed_value, unexpected_count, unexpected_percent, samples)
FAILURES: dict[tuple[str, str], tuple[str | None, int | None, float | None, list[dict[str, Any]]]] = {
    (R2, PRODUCTS_PRICE): (None, 1, 5.0, [{"product_key": "fakestore:21", "title": "Mens Casual Slim Fit", "price": -15.99}]),
    (R2, CUSTOMERS_EMAIL): (None, 2, 0.4, [{"customer_key": "fakestore:11", "email": "kevin@gmail", "name": "kevin ryan"}]),
    (R4, ORDERS_UNIQUE): (None, 4, 0.31, _dup_orders(4)),
    (R4, CUSTOMERS_EMAIL): (None, 2, 0.39, [{"customer_key": "fakestore:11", "email": "kevin@gmail", "name": "kevin ryan"}]),
    (D1, ORDER_TOTAL_AUDIT): (None, 1, None, [{"order_key": "fakestore:3", "total_amount": 10.0, "lines_total": 9.0}]),
    (R5, ORDERS_UNIQUE): (None, 23, 1.71, _dup_orders(23)),
    (R5, ORDER_TOTAL_AUDIT): (None, 2, None, [
        {"order_key": "fakestore:12", "total_amount": 80.0, "lines_total": 78.5},
        {"order_key": "fakestore:15", "total_amount": 42.0, "lines_total": 40.0},
    ]),
    (R5, PRODUCTS_PRICE): (None, 1, 5.0, [{"product_key": "fakestore:21", "title": "Mens Casual Slim Fit", "price": -15.99}]),
    (R5, CUSTOMERS_EMAIL): (None, 3, 0.58, [
        {"customer_key": "fakestore:11", "email": "kevin@gmail", "name": "kevin ryan"},
        {"customer_key": "fakestore:42", "email": EVIL_EMAIL, "name": EVIL_NAME},
        {"customer_key": "fakestore:43", "email": "a&b@c", "name": None},
    ]),
    (R5, CUSTOMERS_PHONE): (None, 4, 0.77, [
        {"customer_key": f"fakestore:{n}", "email": f"user{n}@example.com", "phone": None} for n in (50, 51, 52, 53)
    ]),
}  # fmt: skip

# run -> rows per table (absent: the table was not measured in that run)
ROW_COUNTS: dict[str, dict[str, int]] = {
    R1: {"marts.orders": 1200, "marts.order_lines": 3410, "marts.products": 20, "marts.customers": 500},
    R2: {"marts.orders": 1250, "marts.order_lines": 3560, "marts.products": 20, "marts.customers": 510},
    R4: {"marts.orders": 1290, "marts.order_lines": 3672, "marts.products": 20, "marts.customers": 515},
    D1: {"marts.orders": 1290, "marts.order_lines": 3672, "marts.products": 20, "marts.customers": 515},
    R5: {"marts.orders": 1342, "marts.order_lines": 3801, "marts.products": 20, "marts.customers": 520},
}

MESSAGES = {
    R2: "1 blocking check failed: expect_column_values_to_be_between(marts.products.price)",
    R3: "the Airbyte sync failed (see the messages above); prod was not touched",
    R4: "1 blocking check failed: expect_column_values_to_be_unique(marts.orders.order_key)",
    D1: "1 blocking check failed: assert_order_total_equals_sum_of_lines(marts.orders)",
    R5: "3 blocking checks failed; prod still serves run 20261118T001500Z",
}

QUARANTINE = [
    ("fakestore", "products", "2026-11-18 00:14:58", "price is not a number: '<b>12</b> & up'", {"id": 5, "price": "<b>12</b> & up"}),
    ("fakestore", "carts", "2026-11-19 00:14:40", "date is not ISO-8601: '2020-13-45'", {"id": 3, "date": "2020-13-45"}),
    ("fakestore", "carts", "2026-11-22 00:18:40", "date is not ISO-8601: '2020-13-45'", {"id": 31, "date": "2020-13-45"}),
    ("fakestore", "carts", "2026-11-22 00:18:41", "date is not ISO-8601: '2020-13-45'", {"id": 32, "date": "2020-13-45"}),
    ("fakestore", "carts", "2026-11-22 00:18:42", "quantity is not an integer: 'two'", {"id": 33, "products": [{"productId": 1, "quantity": "two"}]}),
    ("fakestore", "users", "2026-11-22 00:18:43", "address.geolocation.lat is not a number: 'N/A'", {"id": 44, "address": {"geolocation": {"lat": "N/A"}}}),
]  # fmt: skip
# expected per (source, stream): (total, since the previous candidate run R4 finished)
QUARANTINE_COUNTS = {
    ("fakestore", "carts"): (4, 3),
    ("fakestore", "users"): (1, 1),
    ("fakestore", "products"): (1, 0),
}


def _time(run_id: str) -> datetime:
    return datetime.strptime(run_id, "%Y%m%dT%H%M%SZ")


def _run_status(run_id: str) -> str:
    return {R1: "promoted", R3: "failed"}.get(run_id, "blocked")


def write_history(warehouse: Path, *, with_quarantine: bool = True) -> Path:
    """Create the dq tables in `warehouse` and fill them with the history above."""
    with duckdb.connect(str(warehouse)) as con:
        ensure_dq_schema(con)
        for run_id in (R1, R2, R3, R4, D1, R5):
            environment = "dev" if run_id == D1 else ENV
            started = _time(run_id)
            status = _run_status(run_id)
            checks = [] if status == "failed" else list(CHECKS)
            failures = {cid: FAILURES[(run_id, cid)] for cid in checks if (run_id, cid) in FAILURES}
            blocking = sum(1 for cid in failures if CHECKS[cid][3] == "block")
            warnings = sum(1 for cid in failures if CHECKS[cid][3] == "warn")
            load = (started - timedelta(seconds=3, microseconds=-123000)).strftime("%Y-%m-%d %H:%M:%S.%f")
            con.execute(
                "INSERT INTO dq.gate_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                [
                    run_id, environment, started, started + timedelta(minutes=2, seconds=7), status,
                    status == "promoted", len(checks), blocking, warnings, json.dumps({"fakestore": load}),
                    None if status == "failed" else f"/srv/dq/{run_id}/gx/data_docs/local_site/index.html",
                    MESSAGES.get(run_id),
                ],
            )  # fmt: skip
            for cid in checks:
                source, table, column, severity, label, sql, description = CHECKS[cid]
                observed, count, percent, samples = failures.get(cid, (None, 0, 0.0, None))
                if cid == ORDERS_ROWS:
                    observed = str(ROW_COUNTS[run_id]["marts.orders"])
                con.execute(
                    "INSERT INTO dq.check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        run_id, started, environment, cid, label, source, table, column, OWNERS[table],
                        severity, cid not in failures, observed, count, percent,
                        None if samples is None else json.dumps(samples), sql, description,
                    ],
                )  # fmt: skip
            for table, rows in ROW_COUNTS.get(run_id, {}).items():
                # products carries no load timestamp: the report falls back to the source's load
                through = None if table == "marts.products" else started - timedelta(seconds=3)
                con.execute(
                    "INSERT INTO dq.table_snapshots VALUES (?, ?, ?, ?, ?)",
                    [run_id, table, OWNERS[table], rows, through],
                )
        if with_quarantine:
            con.executemany(
                "INSERT INTO dq.quarantine (source, stream, quarantined_at, reason, record) VALUES (?, ?, ?, ?, ?)",
                [[s, t, at, reason, json.dumps(record)] for s, t, at, reason, record in QUARANTINE],
            )
    return warehouse


CLEAN = "20261123T001500Z"


def write_clean_history(warehouse: Path) -> Path:
    """One promoted run where every check passed, and an empty quarantine."""
    with duckdb.connect(str(warehouse)) as con:
        ensure_dq_schema(con)
        started = _time(CLEAN)
        con.execute(
            "INSERT INTO dq.gate_runs VALUES (?, ?, ?, ?, 'promoted', TRUE, ?, 0, 0, ?, NULL, NULL, NULL, NULL)",
            [
                CLEAN,
                ENV,
                started,
                started + timedelta(minutes=2),
                len(CHECKS),
                json.dumps({"fakestore": str(started)}),
            ],
        )
        for cid, (source, table, column, severity, label, sql, description) in CHECKS.items():
            con.execute(
                "INSERT INTO dq.check_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, TRUE, NULL, 0, 0.0, NULL, ?, ?)",
                [
                    CLEAN,
                    started,
                    ENV,
                    cid,
                    label,
                    source,
                    table,
                    column,
                    OWNERS[table],
                    severity,
                    sql,
                    description,
                ],
            )
        for table, rows in ROW_COUNTS[R1].items():
            con.execute(
                "INSERT INTO dq.table_snapshots VALUES (?, ?, ?, ?, ?)",
                [CLEAN, table, OWNERS[table], rows, started],
            )
    return warehouse


def write_empty_schema(warehouse: Path) -> Path:
    """The dq tables exist (quarantine included) but no run was recorded yet."""
    with duckdb.connect(str(warehouse)) as con:
        ensure_dq_schema(con)
    return warehouse
