"""Helpers for tests/quality/test_suites.py: a small FakeStore warehouse built by the real SQLMesh
models, and a runner that validates it with the reviewed suites the way the gate does.

The suites name other tables through schema tokens (`__MARTS__.orders`, `__STAGING__.stg_...`)
because the gate validates an environment (`marts__candidate`, ...), not prod. `resolve_schema_tokens`
is the substitution the gate applies before GX runs; here the warehouse is prod-shaped, so
`__MARTS__` becomes `marts`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

from commerce_stack.paths import ROOT
from commerce_stack.quality.gate import expectations_dir
from commerce_stack.sources.thelook.generator import generate
from support import raw_linnworks, raw_tinyerp
from support.raw_fakestore import ADDRESS, META, RAW_DDL

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

SUITES_DIR = expectations_dir() / "expectations"  # COMMERCE_EXPECTATIONS_DIR, as for the gate
MODELS_DIR = ROOT / "models"
SCHEMAS = ("marts", "reference", "staging")

# --- the warehouse ------------------------------------------------------------------------------

PIN = "2026-11-21 12:00:00"
EXTRACTED = "2026-11-21 10:00:00"


# Good rows only. What the models make of them (asserted in test_suites.py):
#   orders fakestore:1 (2 lines, product 1 listed twice), :2 (no lines), :3 (1 line), :4 (2 lines)
PRODUCTS = [
    (1, "Foldsack Backpack", "109.95", '{"rate":3.9,"count":120}'),
    (2, "Mens Casual Slim Fit", "15.99", '{"rate":2.1,"count":430}'),
    (5, "Naga Bracelet", "695", '{"rate":4.6,"count":400}'),
]
USERS = [(1, "John@Gmail.com "), (2, "morrison@gmail.com"), (3, "kevin@gmail.com")]
CARTS = [
    # product 1 listed twice: one line of 6 units
    (
        1,
        1,
        "2020-03-02",
        '[{"productId":1,"quantity":4},{"productId":5,"quantity":1},{"productId":1,"quantity":2}]',
    ),
    (2, 2, "2020-01-02", "[]"),
    (3, 2, "2020-03-05", '[{"productId":2,"quantity":3}]'),
    (4, 3, "2020-03-07", '[{"productId":1,"quantity":1},{"productId":2,"quantity":2}]'),
]


def _load_raw(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(RAW_DDL)
        con.execute(raw_tinyerp.RAW_DDL)
        raw_tinyerp.insert_sample_records(con, EXTRACTED)  # one consistent record per stream
        con.execute(raw_linnworks.RAW_DDL)
        raw_linnworks.insert_sample_records(con, EXTRACTED)  # one consistent record per stream
        # thelook: ten days of its generator at a small scale (~30 orders, ~700 events)
        generate(con, scale=0.002, days=10)
        con.executemany(
            "INSERT INTO raw_fakestore.products VALUES (?, ?, CAST(? AS DECIMAL(38, 9)), 'A description.',"
            " 'jewelery', 'https://fakestoreapi.com/img/x.jpg', CAST(? AS JSON), 'p' || CAST(? AS VARCHAR),"
            f" TIMESTAMP '{EXTRACTED}', '{META}')",
            [(*row, row[0]) for row in PRODUCTS],
        )
        con.executemany(
            f"INSERT INTO raw_fakestore.users VALUES ('{ADDRESS}', ?, ?, 'user', "
            """'{"firstname":"john","lastname":"doe"}', '1-570-236-7033', 0, 'u' || CAST(? AS VARCHAR),"""
            f" TIMESTAMP '{EXTRACTED}', '{META}')",
            [(*row, row[0]) for row in USERS],
        )
        con.executemany(
            "INSERT INTO raw_fakestore.carts VALUES (?, ?, CAST(? AS TIMESTAMP), CAST(? AS JSON), 0,"
            f" 'c' || CAST(? AS VARCHAR), TIMESTAMP '{EXTRACTED}', '{META}')",
            [(*row, row[0]) for row in CARTS],
        )


def build_with_sqlmesh(directory: Path) -> Path:
    """Raw FakeStore tables planned into prod by the project's models: `marts.*` and `staging.*`
    are then SQLMesh's views over its physical tables, as in a real warehouse."""
    from sqlmesh import Context

    directory.mkdir(parents=True, exist_ok=True)
    warehouse = directory / "warehouse.duckdb"  # the file stem is the catalog the models use
    _load_raw(warehouse)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(warehouse))
        monkeypatch.setenv("LOADED_THROUGH_FAKESTORE", PIN)
        monkeypatch.setenv("LOADED_THROUGH_TINYERP", PIN)
        monkeypatch.setenv("LOADED_THROUGH_LINNWORKS", PIN)
        for name in ("SQLMESH_ENABLE_BIGQUERY", "SQLMESH_GATEWAY"):
            monkeypatch.delenv(name, raising=False)
        context = Context(paths=str(ROOT), gateway="duckdb")
        try:
            context.plan("prod", auto_apply=True, no_prompts=True)
        finally:
            context.close()  # DuckDB has one writer: release the file before anyone reads it
    return warehouse


def materialize(built: Path, directory: Path) -> Path:
    """Copy every staging and marts relation of `built` into plain tables (same columns, same
    types) of `directory/warehouse.duckdb`, so that a test can UPDATE or DELETE single rows."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / "warehouse.duckdb"
    with duckdb.connect(str(built)) as con:
        con.execute(f"ATTACH '{target}' AS target")
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA target.{schema}")
            for (table,) in con.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_catalog = 'warehouse' AND table_schema = ? ORDER BY 1",
                [schema],
            ).fetchall():
                con.execute(f"CREATE TABLE target.{schema}.{table} AS SELECT * FROM {schema}.{table}")
        con.execute("DETACH target")
    return target


def columns(warehouse: Path, table: str) -> dict[str, str]:
    schema, _, name = table.partition(".")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [schema, name],
            ).fetchall()
        )


def rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


# --- the suites ---------------------------------------------------------------------------------


def model_names() -> list[str]:
    """`marts.orders`, `staging.stg_fakestore__carts`, ... from models/<schema>/<name>.sql."""
    return sorted(f"{path.parent.name}.{path.stem}" for path in MODELS_DIR.glob("*/*.sql"))


def suite_path(name: str) -> Path:
    schema, _, table = name.partition(".")
    return SUITES_DIR / schema / f"{table}.json"


def suite_names() -> list[str]:
    return sorted(f"{path.parent.name}.{path.stem}" for path in SUITES_DIR.glob("*/*.json"))


def load_suite(name: str) -> dict[str, Any]:
    return json.loads(suite_path(name).read_text())


def resolve_schema_tokens(text: str, environment: str = "prod") -> str:
    """`__MARTS__.orders` -> `marts.orders` (prod) or `marts__<env>.orders`: the substitution the
    gate makes in a suite's JSON text before GX reads it."""
    for schema in SCHEMAS:
        target = schema if environment == "prod" else f"{schema}__{environment}"
        text = text.replace(f"__{schema.upper()}__", target)
    return text


def referenced_tables(name: str) -> set[str]:
    """Tables other than its own that a suite's queries read, e.g. {"marts.order_lines"}."""
    text = suite_path(name).read_text()
    return {f"{schema.lower()}.{table}" for schema, table in re.findall(r"__([A-Z]+)__\.(\w+)", text)}


def suites_reading(table: str) -> list[str]:
    """The suites whose outcome can change when `table` changes: its own and those joining it."""
    return sorted(name for name in suite_names() if name == table or table in referenced_tables(name))


# --- running them -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    suite: str
    check: str  # meta.check, unique within a suite
    expectation_id: str
    type: str
    severity: str
    success: bool
    unexpected_count: int | None
    raised: str | None  # the exception message if GX could not compute the check
    result: dict[str, Any]


def _unexpected_count(expectation_type: str, result: dict[str, Any]) -> int | None:
    if expectation_type == "unexpected_rows_expectation":
        return result.get("observed_value")  # GX 1.24 reports the offending row count here
    return result.get("unexpected_count")


def run_suites(warehouse: Path, names: Iterable[str]) -> dict[tuple[str, str], Outcome]:
    """Validate `warehouse` with the named suites in one checkpoint, as the gate does."""
    import great_expectations as gx

    from commerce_stack.quality import gx_duckdb

    gx_duckdb.install()
    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_sql(
        name="warehouse",
        connection_string=gx_duckdb.connection_string(str(warehouse)),
        kwargs=gx_duckdb.engine_kwargs(),
    )
    definitions = []
    for name in names:
        schema, _, table = name.partition(".")
        config = json.loads(resolve_schema_tokens(suite_path(name).read_text()))
        # suites.add() gives every expectation a fresh id, whatever it carries; an update keeps
        # them. The gate's file context reads them from the JSON, so report the reviewed ids too.
        context.suites.add(gx.ExpectationSuite(name=config["name"]))
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=config["name"], meta=config["meta"], expectations=config["expectations"])
        )
        asset = source.add_table_asset(name=name, table_name=table, schema_name=schema)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(
                    name=name, data=asset.add_batch_definition_whole_table("whole_table"), suite=suite
                )
            )
        )
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(
            name="suites_under_test",
            validation_definitions=definitions,
            result_format={"result_format": "SUMMARY"},  # what the gate asks for
        )
    )
    # GX keeps its read-only DuckDB connections open afterwards, and DuckDB then refuses this process
    # another connection to the file with a different configuration: read files before GX does.
    run = checkpoint.run()
    outcomes: dict[tuple[str, str], Outcome] = {}
    for validation in run.run_results.values():
        for outcome in validation.results:
            config = outcome.expectation_config
            result = dict(outcome.result or {})
            info = outcome.exception_info or {}
            raised = [v.get("exception_message") for v in info.values() if isinstance(v, dict)]
            if info.get("raised_exception"):
                raised.append(info.get("exception_message"))
            key = (validation.suite_name, config.meta["check"])
            outcomes[key] = Outcome(
                suite=validation.suite_name,
                check=config.meta["check"],
                expectation_id=config.id,
                type=config.type,
                severity=str(config.severity.value if hasattr(config.severity, "value") else config.severity),
                success=bool(outcome.success),
                unexpected_count=_unexpected_count(config.type, result),
                raised="; ".join(str(m) for m in raised if m) or None,
                result=result,
            )
    return outcomes
