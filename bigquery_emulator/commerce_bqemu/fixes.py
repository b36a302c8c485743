"""Runtime fixes to bqemulator 1.4.0, applied in this process before the server starts.

Nothing in site-packages is edited: each fix replaces one private name of bqemulator 1.4.0 (pinned
in pyproject.toml for that reason). Each says what is wrong, why we need it fixed, and when to
delete it. `apply()` checks the version first, so an upgrade fails loudly instead of patching code
that may have moved; after an upgrade, try the emulator without each fix and delete those that are
no longer needed.

The speed-ups at the end change no result, only the CPU a query costs: sqlglot's parse and
bqemulator's translation, both pure functions of their input, are not repeated for the same input,
and a parser step no longer copies a whole derived table. They patch sqlglot 30.11.0 (checked).
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import threading
from collections import OrderedDict
from importlib.metadata import version
from pathlib import Path
from typing import Any

FIXED_VERSION = "1.4.0"
SQLGLOT_VERSION = "30.11.0"  # what bqemulator 1.4.0 gets in uv.lock; the speed-ups patch its parser
PARSED_STATEMENTS_KEPT = 64
TRANSLATIONS_KEPT = 512
GZIP_MAGIC = b"\x1f\x8b"

_applied = False


def accept_generic_media_type() -> None:
    """Defect: a multipart upload whose media part is `Content-Type: */*` is rejected with HTTP 400
    ("multipart upload's second part has unsupported Content-Type"). google-cloud-bigquery sends
    exactly `*/*` for every multipart load (`load_table_from_json`, `load_table_from_dataframe`,
    and `load_table_from_file` with a known size), and SQLMesh writes its state tables that way; real
    BigQuery accepts it.
    Delete when bqemulator > 1.4.0 accepts `*/*` uploads."""
    from bqemulator.api.routes import upload

    if "*/*" not in upload._PERMITTED_MEDIA_CONTENT_TYPES:
        upload._PERMITTED_MEDIA_CONTENT_TYPES = (*upload._PERMITTED_MEDIA_CONTENT_TYPES, "*/*")


# The views bqemulator 1.4.0 rewrites, by the prefix of its module-level pattern names.
_INFORMATION_SCHEMA_VIEWS = {
    "ROUTINES": "_ROUTINES",
    "MATERIALIZED_VIEWS": "_MV",
    "ROW_ACCESS_POLICIES": "_RAP",
    "SCHEMATA": "_SCHEMATA",
    "TABLES": "_TABLES",
    "COLUMNS": "_COLUMNS",
    "TABLE_OPTIONS": "_TABLE_OPTIONS",
    "VIEWS": "_VIEWS",
    "PARTITIONS": "_PARTITIONS",
}


def _information_schema_patterns(view: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """bqemulator's three patterns for one view, with an optional backtick before
    INFORMATION_SCHEMA (the only change)."""
    name = re.escape(view)
    part = r"`?(?P<{}>[A-Za-z0-9_\-]+)`?\s*\.\s*"
    tail = rf"`?INFORMATION_SCHEMA\s*\.\s*{name}`?"
    return (
        re.compile(part.format("project") + part.format("dataset") + tail, re.IGNORECASE),
        re.compile(part.format("dataset") + tail, re.IGNORECASE),
        re.compile(tail, re.IGNORECASE),
    )


def quoted_information_schema() -> None:
    """Defect: `` `project`.`dataset`.`INFORMATION_SCHEMA.COLUMNS` `` (how sqlglot, hence SQLMesh,
    quotes these views) is not matched by the INFORMATION_SCHEMA rewriter, whose patterns allow a
    backtick after the view name but not before INFORMATION_SCHEMA; the rewritten SQL keeps a stray
    backtick and the query fails (HTTP 400/500). SQLMesh reads TABLES and COLUMNS this way in every
    plan, to learn which tables exist and their clustering.
    Delete when bqemulator > 1.4.0 rewrites a backtick-quoted `INFORMATION_SCHEMA.<view>`."""
    from bqemulator.sql.rewriter import information_schema as module

    for view, prefix in _INFORMATION_SCHEMA_VIEWS.items():
        names = [f"{prefix}_PROJECT_DS", f"{prefix}_DS", f"{prefix}_BARE"]
        missing = [n for n in names if not hasattr(module, n)]
        if missing:
            raise RuntimeError(f"bqemulator's INFORMATION_SCHEMA rewriter has no {missing}: update fixes.py")
        for attribute, pattern in zip(names, _information_schema_patterns(view), strict=True):
            setattr(module, attribute, pattern)


def system_variable_set_is_a_no_op() -> None:
    """Defect: the script parser fails on `SET @@name = expr;` ("Expected identifier, got AT_AT").
    SQLMesh starts every BigQuery session with `SET @@query_label = "...";`, so every plan fails.
    A system variable only labels or tunes jobs (nothing the emulator records), so the statement
    is parsed and ignored.
    Delete when bqemulator > 1.4.0 supports `SET @@system_variable`."""
    from bqemulator.scripting.ast import SetStmt
    from bqemulator.scripting.interpreter import ScriptInterpreter
    from bqemulator.scripting.parser import Parser

    parse_set = Parser._parse_set
    exec_set = ScriptInterpreter._exec_set

    def _parse_set(self: Any) -> Any:
        cursor = self._cursor
        equals = cursor.peek(3)
        if cursor.peek(1).kind != "AT_AT" or (equals.kind, equals.value) != ("OP", "="):
            return parse_set(self)  # a script variable (or a form we do not know: its own error)
        cursor.advance()  # SET
        cursor.advance()  # @@
        name = cursor.advance().value
        cursor.advance()  # =
        expression = self._capture_expr_until((";",), stop_keywords=())
        self._consume_optional_semicolon()
        return SetStmt(targets=(f"@@{name}",), source_expr=expression)

    async def _exec_set(self: Any, stmt: Any) -> None:
        if all(target.startswith("@@") for target in stmt.targets):
            return
        await exec_set(self, stmt)

    Parser._parse_set = _parse_set  # type: ignore[method-assign]
    ScriptInterpreter._exec_set = _exec_set  # type: ignore[method-assign]


def gunzip_uploaded_media() -> None:
    """Defect: a load job's uploaded file is read as is, so gzip-compressed NDJSON or CSV fails
    ("Malformed JSON ... unexpected character"). Real BigQuery decompresses gzip load media, and
    PyAirbyte's BigQuery cache uploads `.jsonl.gz` files (the runner's BigQuery path).
    Delete when bqemulator > 1.4.0 loads gzip-compressed uploads."""
    from bqemulator.api.routes import upload

    run_load = upload._run_load

    async def _run_load(*, media_path: str, **kwargs: Any) -> Any:
        path = Path(media_path)
        with path.open("rb") as f:
            compressed = f.read(2) == GZIP_MAGIC
        if compressed:
            plain = path.with_name(path.name + ".plain")
            with gzip.open(path, "rb") as source, plain.open("wb") as target:
                shutil.copyfileobj(source, target)
            plain.replace(path)
        return await run_load(media_path=media_path, **kwargs)

    upload._run_load = _run_load


def variable_array_index_stays_one_based() -> None:
    """Defect: `array[ORDINAL(n)]` with a column `n` reads the next element when the query reads a
    table (so its column types are known) and one of bqemulator's own translation rules applies
    (one does to every JSON_QUERY_ARRAY). bqemulator re-parses sqlglot's DuckDB output (`arr[n]`,
    1-based), types it with the table schemas and generates it again; sqlglot makes an index
    0-based on parsing only when it is typed as an integer then (a literal), but 1-based again on
    generating whenever it is typed as an integer (now `n` too): `arr[n + 1]`. Our staging models
    number array elements this way (`JSON_QUERY_ARRAY(items, '$')[ORDINAL(line_number)]`): every
    order line read the next item, and the last line none. The fix marks each index the parser
    left as written (not integer-typed when parsed) as already 1-based, so generating leaves it.
    Not fixed: `array[OFFSET(n)]` with a column `n`, which sqlglot's own BigQuery-to-DuckDB
    translation makes `arr[n]` (one element too far) unless it knows `n` is an integer; our models
    use ORDINAL.
    Delete when bqemulator > 1.4.0 (or the sqlglot it pins) returns (1, 10), (2, 20) for
    `SELECT n, JSON_QUERY_ARRAY(j, '$')[ORDINAL(n)] FROM d.t CROSS JOIN UNNEST([1, 2]) AS n` over a
    table d.t whose JSON column j holds [10, 20] (then tests/bigquery pass without this fix)."""
    from bqemulator.sql.translator import SQLTranslator
    from sqlglot import exp

    annotate_tree = SQLTranslator._annotate_tree
    zero_based_kinds = (exp.DataType.Type.UNKNOWN, exp.DataType.Type.ARRAY)

    def _annotate_tree(tree: Any, schema: dict[str, Any]) -> Any:
        for bracket in tree.find_all(exp.Bracket):
            if bracket.args.get("offset") or bracket.args.get("json_access") or len(bracket.expressions) != 1:
                continue
            # The parser typed both sides (without schemas) and made the index 0-based (a new,
            # untyped expression) only for an integer index into an array or an unknown type.
            array, index = bracket.this, bracket.expressions[0]
            left_as_written = (array.type is not None and array.type.this not in zero_based_kinds) or (
                index.type is not None and index.type.this not in exp.DataType.INTEGER_TYPES
            )
            if left_as_written:
                bracket.set("offset", 1)  # DuckDB's own 1-based index: generate it as it is
        return annotate_tree(tree, schema)

    SQLTranslator._annotate_tree = staticmethod(_annotate_tree)  # type: ignore[method-assign]


def numeric_means_scale_nine() -> None:
    """Defect: `NUMERIC` without precision in SQL (a column of CREATE TABLE, a CAST, a SAFE_CAST) is
    translated to DuckDB's bare `DECIMAL`, which DuckDB reads as DECIMAL(18, 3): values are rounded
    to 3 decimals (0.7783 is stored as 0.778). In BigQuery NUMERIC is always NUMERIC(38, 9). Our
    tables got such columns: SQLMesh creates a seed's table with a bare NUMERIC (and casts to it),
    and bqemulator turns `CREATE TABLE t (r NUMERIC(18, 9)) AS SELECT CAST(r AS NUMERIC) ...` (how
    SQLMesh writes every model) into a CREATE TABLE AS SELECT that keeps only the bare casts, so
    exchange rates and every amount in the reporting currency lost their decimals. The fix makes
    the BigQuery parser read a NUMERIC (or DECIMAL) without parameters as NUMERIC(38, 9); BIGNUMERIC
    (wider than DuckDB's DECIMAL) is left as it is. A declared NUMERIC(P, S) column of such a
    CREATE TABLE is still not enforced (scale 9 instead of S): the models round to their scale.
    Delete when bqemulator > 1.4.0 stores `CAST('0.7783' AS NUMERIC)` as 0.778300000."""
    from sqlglot import exp
    from sqlglot.parsers.bigquery import BigQueryParser

    parse_types = BigQueryParser._parse_types

    def _parse_types(self: Any, *args: Any, **kwargs: Any) -> Any:
        parsed = parse_types(self, *args, **kwargs)
        if (
            isinstance(parsed, exp.DataType)
            and parsed.this == exp.DataType.Type.DECIMAL
            and not parsed.expressions
        ):
            parsed.set(
                "expressions",
                [
                    exp.DataTypeParam(this=exp.Literal.number(38)),
                    exp.DataTypeParam(this=exp.Literal.number(9)),
                ],
            )
        return parsed

    BigQueryParser._parse_types = _parse_types  # type: ignore[method-assign]


# --- speed-ups: the same results, less CPU ---------------------------------------------------------


def implicit_unnest_check_copies_no_derived_table() -> None:
    """Cost: sqlglot's BigQuery parser, after each SELECT with a FROM, copies the whole FROM
    source to learn its name (`_implicit_unnests_to_explicit`, which turns `FROM t, t.arr` into
    an UNNEST). When that source is a derived table, that is the whole subquery, at every level
    of nesting: quadratic in the depth. bqemulator expands every `INFORMATION_SCHEMA.<view>` into
    an inline `(SELECT * FROM (VALUES <a row per column of the dataset>) AS v(...))`, so each
    SELECT around it copied all those rows; SQLMesh reads TABLES and COLUMNS before every table
    it builds, and each such query cost seconds (more than half of it in these copies).
    The speed-up gives the same answer without the big copy: with no joins the name is never
    used (nothing to do); for a derived table it copies only the alias into an empty node of the
    same kind (its name is its alias: `this` is no identifier), which normalises the same way.
    Delete when sqlglot no longer copies the FROM source there (bqemulator > 1.4.0 may pin one)."""
    from sqlglot import exp
    from sqlglot.parser import Parser

    implicit_unnests_to_explicit = Parser._implicit_unnests_to_explicit
    base = exp.Expression

    def _named_by_alias_only(source: Any) -> bool:
        kind = type(source)
        return (
            not isinstance(source, exp.Table)
            and all(getattr(kind, name) is getattr(base, name) for name in ("name", "alias", "alias_or_name"))
            and source.name == ""
        )

    def _implicit_unnests(self: Any, this: Any) -> Any:
        if not this.args.get("joins"):
            return this  # the loop over joins is all it does
        from_ = this.args["from_"]
        source = from_.this
        if not _named_by_alias_only(source):
            return implicit_unnests_to_explicit(self, this)
        alias = source.args.get("alias")
        shell = type(source)(alias=alias.copy() if isinstance(alias, exp.Expression) else alias)
        from_.args["this"] = shell  # only read (copied) by the original; restored below
        try:
            return implicit_unnests_to_explicit(self, this)
        finally:
            from_.args["this"] = source

    Parser._implicit_unnests_to_explicit = _implicit_unnests  # type: ignore[method-assign]


def parse_each_statement_once() -> None:
    """Cost: bqemulator parses the same SQL text again and again while it runs one query: the
    statement classifier, the DDL and DML detectors, the catalog sync, the row-access and schema
    passes, each pre-translation rewriter, the translation and the table-name rewriter each call
    sqlglot on it (some 20 parses per query, a few distinct texts). sqlglot's parse is a pure
    function of the text, the dialect and its options, so the parsed trees of the last
    PARSED_STATEMENTS_KEPT texts are kept and each call gets its own copy (callers modify the
    trees they get; a copy costs a fraction of a parse). Only calls without parser options are
    kept, and only successful parses (an error is raised again, each time). Delete when
    bqemulator parses each statement once (> 1.4.0)."""
    from sqlglot.dialects.dialect import Dialect

    parse = Dialect.parse
    kept: OrderedDict[tuple[Any, ...], list[Any]] = OrderedDict()
    lock = threading.Lock()

    def _parse(self: Any, sql: str, **opts: Any) -> list[Any]:
        if opts or not isinstance(sql, str):
            return parse(self, sql, **opts)
        try:
            settings = tuple(sorted(self.settings.items()))
            key = (type(self), self.version, self.normalization_strategy, settings, sql)
            hash(key)
        except TypeError:  # a setting that cannot be a key
            return parse(self, sql)
        with lock:
            trees = kept.get(key)
            if trees is not None:
                kept.move_to_end(key)
        if trees is None:
            trees = parse(self, sql)
            with lock:
                kept[key] = trees
                while len(kept) > PARSED_STATEMENTS_KEPT:
                    kept.popitem(last=False)
        return [None if tree is None else tree.copy() for tree in trees]

    Dialect.parse = _parse  # type: ignore[method-assign]


def translate_each_statement_once() -> None:
    """Cost: SQLMesh and the runner send many statements again and again (`SET @@query_label`,
    the runner's state and stream bookkeeping, the `dq` tables' DDL, the same checks in both
    releases): a third of the module's queries repeat one before them, and bqemulator translates
    each again (its rewriters, sqlglot's transpile, its rules over the typed tree). Its
    translation is a pure function of the SQL, the table schemas it is typed with and the
    caller: the DuckDB SQL of the last TRANSLATIONS_KEPT (SQL, schemas, caller) is kept. Only
    successful translations are kept (an error is made again each time). Catalog lookups and
    every other step of a query still run each time.
    Delete when bqemulator keeps its translations (> 1.4.0)."""
    from bqemulator.domain.result import Ok
    from bqemulator.sql.translator import SQLTranslator

    translate = SQLTranslator.translate
    kept: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
    lock = threading.Lock()

    def _translate(
        self: Any, bq_sql: str, *, schema: dict[str, Any] | None = None, caller: Any = None, **kwargs: Any
    ) -> Any:
        if kwargs:
            return translate(self, bq_sql, schema=schema, caller=caller, **kwargs)
        try:
            # in the schemas' own order: a star expands to the columns in that order
            key = (type(self), bq_sql, json.dumps(schema), repr(caller))
        except (TypeError, ValueError):  # schemas that are not plain JSON: not kept
            return translate(self, bq_sql, schema=schema, caller=caller)
        with lock:
            result = kept.get(key)
            if result is not None:
                kept.move_to_end(key)
                return result
        result = translate(self, bq_sql, schema=schema, caller=caller)
        if isinstance(result, Ok):
            with lock:
                kept[key] = result
                while len(kept) > TRANSLATIONS_KEPT:
                    kept.popitem(last=False)
        return result

    SQLTranslator.translate = _translate  # type: ignore[method-assign]


def request_bookkeeping_in_one_layer() -> None:
    """Cost: every HTTP request passes three Starlette `BaseHTTPMiddleware` layers of bqemulator
    (correlation id, access log, metrics), and each such layer runs the rest of the request in a
    task of its own with streams between them: about 0.4 ms of CPU per request, and a pipeline
    module sends some 5,400 (a `tables.get` costs 0.9 ms with them, 0.4 ms without).
    The speed-up does the same three things in one plain ASGI layer, where the first of them was:
    the correlation id from the same request headers (else a new one), bound for logging while
    the request runs and sent back as `x-correlation-id`; the same `http.request` log line
    (method, path, status, milliseconds until the response starts, client); the same Prometheus
    counter and latency histogram by method, route template and status class. The gzip layer
    (already plain ASGI) stays outermost.
    Delete when bqemulator's middleware is plain ASGI (> 1.4.0)."""
    import time
    import uuid

    from bqemulator import server
    from bqemulator.api import middleware
    from bqemulator.observability.logging_ import bind_correlation_id, clear_correlation_id
    from starlette.datastructures import Headers, MutableHeaders
    from starlette.middleware import Middleware

    replaced = (
        middleware.CorrelationIdMiddleware,
        middleware.AccessLogMiddleware,
        middleware.MetricsMiddleware,
    )
    log = middleware._log

    class RequestBookkeeping:
        def __init__(self, app: Any, metrics: Any) -> None:
            self.app, self.metrics = app, metrics

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            headers = Headers(scope=scope)
            found = next((headers[n] for n in middleware._CORRELATION_HEADERS if headers.get(n)), None)
            cid = found.split("/", 1)[0] if found else uuid.uuid4().hex
            started = time.perf_counter()
            answered: dict[str, Any] = {}

            async def send_with_id(message: Any) -> None:
                if message["type"] == "http.response.start":
                    answered["status"] = message["status"]
                    answered["seconds"] = time.perf_counter() - started
                    MutableHeaders(scope=message)["x-correlation-id"] = cid
                await send(message)

            bind_correlation_id(cid)
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                clear_correlation_id()
            if "status" not in answered:
                return
            method, status, seconds = scope["method"], answered["status"], answered["seconds"]
            route = scope.get("route")
            path = scope.get("path", "")
            client = scope.get("client")
            log.info(
                "http.request",
                method=method,
                path=path,
                status=status,
                elapsed_ms=round(seconds * 1000.0, 2),
                client=client[0] if client else None,
            )
            template = str(route.path) if route is not None and hasattr(route, "path") else path
            self.metrics.rest_requests_total.labels(
                method=method, route=template, status=f"{status // 100}xx"
            ).inc()
            self.metrics.rest_request_latency_seconds.labels(method=method, route=template).observe(seconds)

    create_app = server.create_app

    def _create_app(context: Any) -> Any:
        app = create_app(context)
        kinds = [entry.cls for entry in app.user_middleware]
        if sorted(kinds.index(kind) for kind in replaced) != [1, 2, 3] or len(kinds) != 4:
            raise RuntimeError(f"bqemulator's middleware is not what fixes.py replaces: {kinds}")
        app.user_middleware[1:4] = [Middleware(RequestBookkeeping, metrics=context.metrics)]
        return app

    server.create_app = _create_app


def apply(*, speed_ups: bool = True) -> None:
    """Apply every fix once, and the speed-ups unless `speed_ups=False` (to compare results with
    and without them: tests/bigquery/test_emulator_support.py); refuse another bqemulator (the
    fixes patch its internals) or sqlglot version (the speed-ups patch its parser)."""
    global _applied
    if _applied:
        return
    found = version("bqemulator")
    if found != FIXED_VERSION:
        raise RuntimeError(
            f"commerce_bqemu.fixes patch bqemulator {FIXED_VERSION}, found {found}: check each fix "
            "against the new version (delete those it makes unnecessary) and update FIXED_VERSION"
        )
    accept_generic_media_type()
    quoted_information_schema()
    system_variable_set_is_a_no_op()
    gunzip_uploaded_media()
    variable_array_index_stays_one_based()
    numeric_means_scale_nine()
    if speed_ups:
        found = version("sqlglot")
        if found != SQLGLOT_VERSION:
            raise RuntimeError(
                f"commerce_bqemu.fixes speed up sqlglot {SQLGLOT_VERSION}, found {found}: check "
                "implicit_unnest_check_copies_no_derived_table and parse_each_statement_once against it"
            )
        implicit_unnest_check_copies_no_derived_table()
        parse_each_statement_once()
        translate_each_statement_once()
        request_bookkeeping_in_one_layer()
    _applied = True
