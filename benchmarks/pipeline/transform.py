"""Row 4's floor: the SQL SQLMesh would run, run directly in DuckDB.

Every model of the project is rendered by SQLMesh itself (`Context.render(name).sql("duckdb")`)
with the loads pinned as the measured run pinned them (`LOADED_THROUGH_<SOURCE>`, from its summary's
`loads`), then run as `CREATE TABLE <model> AS <query>` in the DAG's order on a new DuckDB file that
holds a copy of the run's raw schemas (the data its candidate plan started from). Only the DuckDB
work is timed (open, create every table, close); loading the project and rendering are reported
beside it. The tables' row counts are compared with the ones the plan built (prod's views after the
promotion point at them).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from commerce_stack.transform.loads import SourceLoad

from .measure import ROOT


@dataclass
class DirectBuild:
    seconds: float
    render_seconds: float
    models: int
    mismatches: list[str] = field(default_factory=list)  # models whose row count differs from the plan's


def _copy_raw(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with duckdb.connect(str(target)) as con:
        con.execute(f"ATTACH '{source}' AS src (READ_ONLY)")
        tables = con.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = 'src' AND schema_name LIKE 'raw\\_%' ESCAPE '\\'"
        ).fetchall()
        for schema, table in tables:
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM src."{schema}"."{table}"')
        con.execute("DETACH src")


def _rendered(warehouse: Path, loads: dict[str, str]) -> list[tuple[str, str]]:
    """(model, DuckDB query) in dependency order, rendered with the run's loads pinned."""
    from sqlmesh import Context

    pinned = {SourceLoad(source, through).env_var: through for source, through in loads.items()}
    saved = {k: os.environ.get(k) for k in [*pinned, "COMMERCE_WAREHOUSE_PATH"]}
    os.environ.update(pinned, COMMERCE_WAREHOUSE_PATH=str(warehouse))
    try:
        ctx = Context(paths=str(ROOT), gateway="duckdb")
        try:
            names = [n for n in ctx.dag.sorted if n in ctx.models and not ctx.models[n].kind.is_external]
            return [(name, ctx.render(name).sql(dialect="duckdb")) for name in names]
        finally:
            ctx.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else -1


def direct_build(run_warehouse: Path, loads: dict[str, str], folder: Path) -> DirectBuild:
    """`folder`/warehouse.duckdb (the stem is the catalog name the rendered SQL uses)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "warehouse.duckdb"
    _copy_raw(run_warehouse, target)
    started = time.perf_counter()
    models = _rendered(target, loads)
    render_seconds = time.perf_counter() - started

    started = time.perf_counter()
    with duckdb.connect(str(target)) as con:
        for name, query in models:
            con.execute(f"CREATE SCHEMA IF NOT EXISTS {name.rsplit('.', 1)[0]}")
            con.execute(f"CREATE TABLE {name} AS {query}")
    result = DirectBuild(time.perf_counter() - started, render_seconds, len(models))

    counts: list[dict[str, int]] = []
    for database in (target, run_warehouse):  # prod's views in the run's warehouse: the plan's tables
        with duckdb.connect(str(database), read_only=True) as con:
            counts.append({n: _count(con, n.split(".", 1)[1]) for n, _ in models})
    ours, theirs = counts
    result.mismatches = [f"{n}: {ours[n]} vs {theirs[n]}" for n, _ in models if ours[n] != theirs[n]]
    return result
