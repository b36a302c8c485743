"""Where each model column comes from, read off the models by SQLMesh's column lineage, and the
docs/columns.md page made of it (`commerce-stack docs`; `--check` in `make lint` keeps it current).

A staging column maps to the raw fields (Airbyte stream = raw table) it is computed from; SQLMesh's
lineage stops at a field, so the JSON path inside it is recovered from the JSON functions and
UNNESTs on the way (`raw_fakestore.carts.products[].productId`). A mart column maps to the columns
of the models it reads (one hop). A value computed from no field (a literal, a row number) is
`derived:` its expression.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlglot import exp
from sqlglot.lineage import Node

from commerce_stack.paths import project_dir

# BigQuery's JSON_VALUE/JSON_EXTRACT_SCALAR, JSON_QUERY/JSON_EXTRACT, JSON_QUERY_ARRAY and
# JSON_VALUE_ARRAY, as sqlglot parses them (the path is their `expression`, an exp.JSONPath).
JSON_EXTRACTS = (exp.JSONExtractScalar, exp.JSONExtract, exp.JSONExtractArray, exp.JSONValueArray)
LAYERS = ("staging", "marts")


@dataclass(frozen=True)
class ColumnMap:
    model: str  # schema.table
    column: str
    sources: tuple[str, ...]  # e.g. raw_fakestore.carts.products[].productId, staging.stg_x.col
    derived: str | None  # the expression of a value computed from no field, e.g. 'fakestore'
    description: str


@contextmanager
def project_context() -> Iterator[Any]:
    """The SQLMesh project, loaded without a warehouse and without the shell's settings.

    Every variable config.yaml reads is unset (so a pinned load or LINNWORKS_BASE_CURRENCY in the
    shell cannot change the page) except the warehouse path, pointed at a file in a temporary
    folder: loading and lineage never open it, and its stem keeps the catalog name `warehouse`."""
    from commerce_stack.transform.project import load_project

    config = project_dir() / "config.yaml"  # a missing one is SQLMesh's to report
    text = config.read_text() if config.is_file() else ""
    names = set(re.findall(r"env_var\(\s*['\"](\w+)['\"]", text))
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["COMMERCE_WAREHOUSE_PATH"] = os.path.join(tmp, "warehouse.duckdb")
        try:
            ctx = load_project("duckdb")
            try:
                yield ctx
            finally:
                ctx.close()
        finally:
            os.environ.pop("COMMERCE_WAREHOUSE_PATH", None)
            os.environ.update(saved)


def _unwrap(expression: exp.Expr) -> exp.Expr:
    while isinstance(expression, exp.Alias | exp.Cast):  # TryCast is a Cast
        expression = expression.this
    return expression


def _leaf(node: Node) -> str:
    table = node.expression
    assert isinstance(table, exp.Table)
    return f"{table.db}.{table.name}.{exp.to_column(node.name).name}"


def _output_name(node: Node) -> tuple[str, str | None]:
    """The column `node` gives its parent, and its table alias when the name says it (a union's
    branch nodes are named by their position, so only the alias identifies them)."""
    expression = node.expression
    if isinstance(expression, exp.Table):
        return exp.to_column(node.name).name, None
    name = expression.alias_or_name if isinstance(expression, exp.Alias) else expression.name
    table, _, column = node.name.rpartition(".")
    return name, (table if table and column == name else None)


def _uses(node: Node, child: Node) -> set[tuple[str, bool]]:
    """How `node` uses `child`'s column, once per mention: the JSON path it adds (JSON functions
    applied to the column, then `[]` when that array is unnested or subscripted), and whether only
    its position or length is used (an index into an array), after which no path applies."""
    # An UNNEST alias's node is the bare identifier: the UNNEST it names is the node's source.
    scope = node.source if isinstance(node.expression, exp.Identifier) else node.expression
    name, table = _output_name(child)
    uses = set()
    for column in scope.find_all(exp.Column):
        if column.name != name or (table and column.table != table):
            continue
        path = ""
        current: exp.Expr = column
        while isinstance(current.parent, JSON_EXTRACTS) and current.arg_key == "this":
            json_path = current.parent.expression
            path += json_path.sql("bigquery").strip("'").removeprefix("$") if json_path else ""
            current = current.parent
        parent = current.parent
        if isinstance(parent, exp.Unnest | exp.Explode) or (
            isinstance(parent, exp.Bracket) and current.arg_key == "this"
        ):
            path, current = path + "[]", parent
        positional = False
        while current is not scope and current.parent is not None:
            parent = current.parent
            positional |= isinstance(parent, exp.Unnest | exp.Explode | exp.ArraySize) or (
                isinstance(parent, exp.Bracket) and current.arg_key == "expressions"
            )
            current = parent
        uses.add((path, positional))
    return uses or {("", False)}


def _sources(node: Node) -> set[tuple[str, bool]]:
    """The fields `node`'s value is computed from, with their JSON path, each with whether only
    its position is used (GENERATE_ARRAY(1, ARRAY_LENGTH(...)) numbering an array's elements)."""
    if not node.downstream:
        return {(_leaf(node), False)} if isinstance(node.expression, exp.Table) else set()
    return {
        (source if sealed else source + path, sealed or positional)
        for child in node.downstream
        for source, sealed in _sources(child)
        for path, positional in _uses(node, child)
    }


def _definitions(node: Node) -> list[Node]:
    """The nodes that compute the column: past renames and casts, into every branch of a union."""
    if isinstance(_unwrap(node.expression), exp.Column) and node.downstream:
        return [d for child in node.downstream for d in _definitions(child)]
    return [node]


def _valueless(node: Node) -> bool:
    """A literal, or a function of no column's value such as ROW_NUMBER() OVER (...)."""
    if isinstance(node.expression, exp.Table):
        return False
    expression = _unwrap(node.expression)
    if isinstance(expression, exp.Window):
        return not any(expression.this.find_all(exp.Column))
    return not node.downstream


def _written_out(node: Node) -> exp.Expr:
    """`node`'s expression with a column computed from nothing but a function written out in its
    place (COALESCE(line_totals.line_count, 0) -> COALESCE(COUNT(*), 0)); a column of literals,
    one per union branch, keeps its name."""
    expression = _unwrap(node.expression).copy()
    names = [_output_name(child) for child in node.downstream]
    for child, (name, table) in zip(node.downstream, names, strict=True):
        definitions = _definitions(child)
        if names.count((name, table)) > 1 or len(definitions) != 1 or _sources(definitions[0]):
            continue
        if isinstance(_unwrap(definitions[0].expression), exp.Literal | exp.Null):
            continue
        for column in list(expression.find_all(exp.Column)):
            if column.name == name and (not table or column.table == table):
                column.replace(_written_out(definitions[0]))
    return expression


def _short(expression: exp.Expr) -> str:
    """The expression as written, without the table qualifiers and quotes qualification added."""
    for column in expression.find_all(exp.Column):
        column.set("table", None)
    for identifier in expression.find_all(exp.Identifier):
        identifier.set("quoted", False)
    text = expression.sql("bigquery", comments=False)
    return text if len(text) <= 120 else text[:119] + "…"


def _relative_sources(sources: set[str]) -> tuple[str, ...]:
    """Drop a field whose more precise path is listed too: `products` beside `products[].id`
    (an array unnested by position and by value, as in the quarantines)."""
    return tuple(
        sorted(
            s for s in sources if not any(o != s and o.startswith(s) and o[len(s)] in ".[" for o in sources)
        )
    )


def column_map(ctx: Any, model_name: str, column: str) -> ColumnMap:
    from sqlmesh.core.lineage import lineage

    model = ctx.get_model(model_name)
    root = lineage(exp.column(column, quoted=True), model, trim_selects=False)
    definitions, sources = _definitions(root), {source for source, _ in _sources(root)}
    derived = None
    if not sources or all(_valueless(d) for d in definitions):
        derived = ", ".join(dict.fromkeys(_short(_written_out(d)) for d in definitions))
    table = exp.to_table(model.name)
    return ColumnMap(
        model=f"{table.db}.{table.name}",
        column=column,
        sources=() if derived is not None else _relative_sources(sources),
        derived=derived,
        description=model.column_descriptions.get(column, ""),
    )


def models(ctx: Any, layer: str) -> list[Any]:
    """The SQL models of one schema (staging or marts), by name."""
    found = [m for m in ctx.models.values() if m.is_sql and exp.to_table(m.name).db == layer]
    return sorted(found, key=lambda m: m.name)


def model_columns(ctx: Any, model: Any) -> list[ColumnMap]:
    return [column_map(ctx, model.name, c) for c in model.render_query_or_raise().named_selects]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(rows: list[ColumnMap]) -> list[str]:
    lines = ["| column | from | description |", "|---|---|---|"]
    for row in rows:
        origin = (
            f"derived: `{row.derived}`"
            if row.derived is not None
            else "<br>".join(f"`{s}`" for s in row.sources)
        )
        lines.append(f"| {row.column} | {_cell(origin)} | {_cell(row.description)} |")
    return lines


HEADER = """\
# Columns and where they come from

Generated from the SQLMesh models by `commerce-stack docs` (SQLMesh's column lineage): do not edit.
Regenerate with `make docs` after changing a model; `make lint` fails while this page differs
from the models.

- Staging: `from` is the raw table (the Airbyte stream, `raw_<source>.<stream>`) and its field; a
  JSON path follows the field where the value is extracted from JSON: `.Key` is a key (keys inside
  JSON keep the API's case), `[]` every element of an array.
- Marts: `from` is the columns of the models the mart reads (one hop; a mart read by another mart
  is listed with its own columns below).
- `derived:` a value computed from no field: a literal, a row number.
"""


def render(ctx: Any) -> str:
    lines = [HEADER, "## Staging"]
    staging = models(ctx, "staging")
    # stg_<source>__<entity> reads raw_<source>
    for source in sorted({exp.to_table(m.name).name.split("__")[0].removeprefix("stg_") for m in staging}):
        lines += ["", f"### raw_{source}"]
        for model in staging:
            if exp.to_table(model.name).name.startswith(f"stg_{source}__"):
                lines += ["", f"#### {model.name}", "", *_table(model_columns(ctx, model))]
    lines += ["", "## Marts"]
    for model in models(ctx, "marts"):
        lines += ["", f"### {model.name}", "", *_table(model_columns(ctx, model))]
    return "\n".join(lines) + "\n"


def columns_markdown() -> str:
    """docs/columns.md as the models give it now."""
    with project_context() as ctx:
        return render(ctx)
