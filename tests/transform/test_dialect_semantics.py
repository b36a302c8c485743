"""BigQuery semantics of what the models use, checked on the value DuckDB gives after transpiling.

The models are BigQuery SQL; locally SQLMesh hands them to sqlglot (read BigQuery, write DuckDB)
and DuckDB runs the result. Each test below takes a construct the models use, transpiles it the
same way, runs it on an in-memory DuckDB and asserts the value BigQuery gives, stated from
BigQuery's documented semantics (GoogleSQL; the comments say which rule). The checked list with
what the models do about each is docs/tooling.md §4.1, which names these tests.

A strict xfail is DuckDB's own value for a construct whose meaning differs from BigQuery's: the
models no longer use that construct bare but a macro or spelling that gives BigQuery's value on both
engines, checked by the test next to it. The xfail fails loudly the day DuckDB or sqlglot agree
with BigQuery, so the list is then updated.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from sqlmesh.core.dialect import parse_one as parse_with_macros
from sqlmesh.core.macros import MacroEvaluator, normalize_macro_name

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC
# Session zones that are not UTC: behind it (Brasília), ahead of it (Tokyo), and with summer time.
OTHER_ZONES = ("America/Sao_Paulo", "Asia/Tokyo", "Europe/Berlin")


def to_duckdb(bigquery_sql: str) -> str:
    """What SQLMesh sends to DuckDB for this BigQuery SQL."""
    return sqlglot.transpile(bigquery_sql, read="bigquery", write="duckdb")[0]


def duckdb_rows(bigquery_sql: str, time_zone: str = "UTC") -> list[tuple[Any, ...]]:
    con = duckdb.connect()
    try:
        con.execute(f"SET TimeZone = '{time_zone}'")
        return con.execute(to_duckdb(bigquery_sql)).fetchall()
    finally:
        con.close()


def duckdb_value(bigquery_sql: str, time_zone: str = "UTC") -> Any:
    (row,) = duckdb_rows(bigquery_sql, time_zone)
    return row[0] if len(row) == 1 else row


def as_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


def bigquery_string(value: str) -> str:
    """A BigQuery string literal of any text (tabs, line breaks, no-break spaces included)."""
    return exp.Literal.string(value).sql("bigquery")


@pytest.fixture(scope="module")
def project() -> Iterator[Any]:
    """The SQLMesh project (column_map.project_context: no warehouse opened)."""
    from commerce_stack.transform.column_map import project_context

    with project_context() as ctx:
        yield ctx


@pytest.fixture(scope="module")
def expand_macros(project: Any) -> Any:
    """BigQuery SQL with the project's macros (macros/*.py) expanded, as SQLMesh renders a model."""
    macros = {normalize_macro_name(name): m.func for name, m in project._macros.items() if hasattr(m, "func")}

    def expand(bigquery_sql: str) -> str:
        evaluator = MacroEvaluator(dialect="bigquery")
        evaluator.macros.update(macros)
        return evaluator.transform(parse_with_macros(bigquery_sql, dialect="bigquery")).sql("bigquery")

    return expand


# --- time zones ------------------------------------------------------------------------------


@pytest.mark.parametrize("session", ["UTC", *OTHER_ZONES])
def test_local_day_of_an_instant_is_the_zones_day_in_any_session(session: str) -> None:
    # BigQuery: DATETIME(ts, zone) is the civil time of the instant in that zone, DATE() its day.
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (BST); 02:00 UTC on 1 June is still
    # 31 May in Brasília (UTC-3).
    london = "DATE(DATETIME(TIMESTAMP '2024-06-30 23:30:00+00', 'Europe/London'))"
    brasilia = "DATE(DATETIME(TIMESTAMP '2024-06-01 02:00:00+00', 'America/Sao_Paulo'))"
    assert duckdb_value(f"SELECT {london}, {brasilia}", session) == (
        dt.date(2024, 7, 1),
        dt.date(2024, 5, 31),
    )


@pytest.mark.parametrize("session", OTHER_ZONES)
def test_utc_day_of_an_instant_is_the_utc_day_in_any_session(session: str) -> None:
    # BigQuery: DATE(ts) is the UTC day, and so is DATE(DATETIME(ts, 'UTC')), the form the marts
    # use for FakeStore carts (a cart's midnight UTC). On DuckDB a plain DATE(ts) is a cast that
    # uses the session's zone: the day before in Brasília.
    instant = "TIMESTAMP '2020-03-02 00:00:00+00'"
    assert duckdb_value(f"SELECT DATE(DATETIME({instant}, 'UTC'))", session) == dt.date(2020, 3, 2)
    if session == "America/Sao_Paulo":
        assert duckdb_value(f"SELECT DATE({instant})", session) == dt.date(2020, 3, 1)


@pytest.mark.parametrize("session", ["UTC", *OTHER_ZONES])
def test_iso_timestamp_with_an_offset_is_an_instant_in_any_session(session: str) -> None:
    # BigQuery: a timestamp string with Z or an offset names that instant. Linnworks' dates
    # (SAFE_CAST(JSON_VALUE(...) AS TIMESTAMP)) and the TinyERP connector's output carry one.
    value = duckdb_value("SELECT SAFE_CAST('2025-07-14T23:30:00Z' AS TIMESTAMP)", session)
    assert as_utc(value) == dt.datetime(2025, 7, 14, 23, 30, tzinfo=UTC)


def test_timestamp_of_a_string_without_zone_is_utc_in_a_utc_session() -> None:
    # BigQuery: TIMESTAMP(string) without a zone reads the string as UTC. The pinned load
    # (@latest_loaded, stg_linnworks__stock_levels) is such a string.
    value = duckdb_value("SELECT TIMESTAMP('2026-11-20 12:00:00')")
    assert as_utc(value) == dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("session", OTHER_ZONES)
def test_timestamp_of_a_string_with_the_utc_zone_is_utc_in_any_session(session: str) -> None:
    # The session-proof spelling of the same instant: TIMESTAMP(string, 'UTC').
    value = duckdb_value("SELECT TIMESTAMP('2026-11-20 12:00:00', 'UTC')", session)
    assert as_utc(value) == dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.xfail(
    strict=True,
    reason="DuckDB reads TIMESTAMP('…') in the session zone. The models no longer rely on it: the "
    "pin is read as TIMESTAMP(pin, 'UTC') in macros/loads.py and stg_linnworks__stock_levels "
    "(docs/tooling.md §2, §4.1)",
)
def test_timestamp_of_a_string_without_zone_is_utc_in_any_session() -> None:
    value = duckdb_value("SELECT TIMESTAMP('2026-11-20 12:00:00')", "America/Sao_Paulo")
    assert as_utc(value) == dt.datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("session", OTHER_ZONES)
def test_the_pinned_load_ends_at_the_pin_in_utc_in_any_session(session: str, expand_macros: Any) -> None:
    # @latest_loaded with the pin 12:00 UTC: a version extracted at 12:00:00 UTC is in the load,
    # one a microsecond later is not. Read in the session's zone, the pin would take key 1's later
    # version in Brasília (15:00 UTC) and nothing in Tokyo (03:00 UTC).
    raw = (
        "SELECT * FROM UNNEST(["
        "STRUCT(1 AS id, TIMESTAMP '2026-11-20 12:00:00+00' AS _airbyte_extracted_at,"
        " 'a' AS _airbyte_raw_id),"
        " STRUCT(1, TIMESTAMP '2026-11-20 12:00:00.000001+00', 'b'),"
        " STRUCT(2, TIMESTAMP '2026-11-20 11:59:59.999999+00', 'c')])"
    )
    query = expand_macros(
        f"WITH raw AS ({raw}) SELECT id, _airbyte_raw_id"
        " FROM @latest_loaded(raw, id, '2026-11-20 12:00:00.000000') ORDER BY id"
    )
    assert "TIMESTAMP('2026-11-20 12:00:00.000000', 'UTC')" in query
    assert duckdb_rows(query, session) == [(1, "a"), (2, "c")]


# --- casts and NUMERIC -------------------------------------------------------------------------


def test_safe_cast_to_int64_agrees_on_integers_and_words() -> None:
    # BigQuery: a STRING casts to INT64 when it is a decimal integer (sign and surrounding spaces
    # allowed); SAFE_CAST gives NULL otherwise.
    assert duckdb_value(
        "SELECT SAFE_CAST('1447' AS INT64), SAFE_CAST(' -7 ' AS INT64), SAFE_CAST('S/N' AS INT64),"
        " SAFE_CAST('12A' AS INT64), SAFE_CAST('' AS INT64)"
    ) == (1447, -7, None, None, None)


@pytest.mark.xfail(
    strict=True,
    reason="DuckDB's TRY_CAST rounds '1.5' to 2 and reads '1e3' and '1_000' as 1000. The models no "
    "longer rely on it: they cast text to INT64 with @safe_int64 (macros/quarantine.py), which "
    "@json_integer_problem uses too (docs/tooling.md §4.1)",
)
def test_safe_cast_of_a_non_integer_string_to_int64_is_null() -> None:
    assert duckdb_value(
        "SELECT SAFE_CAST('1.5' AS INT64), SAFE_CAST('1e3' AS INT64), SAFE_CAST('1_000' AS INT64)"
    ) == (None, None, None)


def test_safe_int64_of_the_models_is_bigquery_s_value(expand_macros: Any) -> None:
    # @safe_int64: BigQuery's SAFE_CAST(s AS INT64) on both engines (JSON integers, house numbers).
    # BigQuery reads a sign, digits and ASCII white space around them; out of range is NULL.
    # Hexadecimal, which BigQuery's SAFE_CAST alone reads, is NULL on both too.
    expected = {
        "1.5": None,
        "1.500": None,
        "12.5": None,
        "12.0": None,
        "1e3": None,
        "1_000": None,
        "1 000": None,
        "0x1F": None,
        "12A": None,
        "S/N": None,
        "": None,
        " ": None,
        "- 7": None,
        "\u00a012": None,
        "9223372036854775808": None,
        "1500": 1500,
        "0042": 42,
        "+3": 3,
        "-3": -3,
        " 7 ": 7,
        "\t-7\r\n": -7,
        "\v12\f": 12,
        "-9223372036854775808": -9223372036854775808,
    }
    values = ", ".join(bigquery_string(v) for v in expected)
    rows = duckdb_rows(expand_macros(f"SELECT s, @safe_int64(s) FROM UNNEST([{values}]) AS s"))
    assert dict(rows) == expected


def test_json_integer_problem_flags_what_bigquery_does_not_cast(expand_macros: Any) -> None:
    # The FakeStore cart lines and their quarantine: a quantity of 1.5 is not an integer (on
    # DuckDB a bare SAFE_CAST would count it as 2 where BigQuery quarantines the line).
    expected = {
        '{"quantity": 2}': None,
        '{"quantity": "3"}': None,
        '{"quantity": 1.5}': "quantity is not an integer",
        '{"quantity": "1e3"}': "quantity is not an integer",
        '{"quantity": "two"}': "quantity is not an integer",
        '{"quantity": null}': "quantity is missing",
        "{}": "quantity is missing",
    }
    values = ", ".join(bigquery_string(v) for v in expected)
    rows = duckdb_rows(
        expand_macros(
            f"SELECT line, @json_integer_problem(line, '$.quantity', 'quantity')"
            f" FROM UNNEST([{values}]) AS line"
        )
    )
    assert dict(rows) == expected


def test_numeric_casts_and_round_go_half_away_from_zero() -> None:
    # BigQuery: a value cast to NUMERIC(P, S) rounds to S decimals half away from zero, and
    # ROUND(NUMERIC, n) rounds half away from zero. The marts round money with both.
    assert duckdb_value(
        "SELECT CAST('12.345' AS NUMERIC(18, 2)), CAST('-12.345' AS NUMERIC(18, 2)),"
        " SAFE_CAST('12.344999' AS NUMERIC(18, 2)), ROUND(CAST('2.345' AS NUMERIC), 2),"
        " ROUND(CAST('-0.005' AS NUMERIC(18, 3)), 2)"
    ) == (Decimal("12.35"), Decimal("-12.35"), Decimal("12.34"), Decimal("2.35"), Decimal("-0.01"))


def test_bare_numeric_keeps_three_decimals_on_duckdb() -> None:
    # BigQuery: NUMERIC is NUMERIC(38, 9). sqlglot writes DECIMAL, which DuckDB reads as
    # DECIMAL(18, 3): why the models always give precision and scale.
    assert duckdb_value("SELECT CAST('1.23456789' AS NUMERIC)") == Decimal("1.235")


def _seed_rates() -> dict[str, dict[str, Decimal]]:
    by_date: dict[str, dict[str, Decimal]] = {}
    with (ROOT / "seeds" / "exchange_rates.csv").open() as f:
        for row in csv.DictReader(f):
            by_date.setdefault(row["rate_date"], {})[row["currency_code"]] = Decimal(row["units_per_usd"])
    return by_date


def _bigquery_quotient(dividend: Decimal, divisor: Decimal) -> Decimal:
    # BigQuery: NUMERIC / NUMERIC is the exact quotient rounded to NUMERIC's 9 decimals, half away
    # from zero (all rates are positive, so half up).
    return (dividend / divisor).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)


def test_numeric_division_of_the_shipped_rates_matches_bigquery() -> None:
    # marts.exchange_rates divides two NUMERIC(18, 6) rates. DuckDB divides decimals as doubles;
    # rounded to 9 decimals, every pair of the shipped seed gives BigQuery's exact quotient.
    pairs = [
        (date, reporting, currency, rates[reporting], rates[currency])
        for date, rates in _seed_rates().items()
        for reporting in rates
        for currency in rates
    ]
    assert len(pairs) > 1000
    values = ", ".join(
        f"STRUCT('{d}|{r}|{c}' AS k, CAST('{a}' AS NUMERIC(18, 6)) AS a, CAST('{b}' AS NUMERIC(18, 6)) AS b)"
        for d, r, c, a, b in pairs
    )
    rows = duckdb_rows(f"SELECT k, SAFE_CAST(ROUND(a / b, 9) AS NUMERIC(18, 9)) FROM UNNEST([{values}])")
    expected = {f"{d}|{r}|{c}": _bigquery_quotient(a, b) for d, r, c, a, b in pairs}
    assert dict(rows) == expected


def test_numeric_products_round_to_nine_decimals_as_bigquery() -> None:
    # marts.orders: ROUND(conversion rate x rate to reporting, 9), then amounts x rate to the
    # cent. DuckDB multiplies decimals exactly, as BigQuery does before rounding.
    assert duckdb_value(
        "SELECT ROUND(CAST('1.234567' AS NUMERIC(18, 6)) * CAST('0.123456789' AS NUMERIC(18, 9)), 9),"
        " ROUND(CAST('19.99' AS NUMERIC(18, 2)) * CAST('1.172495625' AS NUMERIC(18, 9)), 2)"
    ) == (Decimal("0.152415678"), Decimal("23.44"))


def test_integer_division_is_float_division() -> None:
    # BigQuery: INT64 / INT64 is FLOAT64 division; DuckDB's / too (its // divides integers).
    # No model divides integers today; this keeps the fact checked.
    assert duckdb_value("SELECT 7 / 2, 6 / 3") == (3.5, 2.0)


# --- strings ---------------------------------------------------------------------------------


def test_trim_removes_spaces() -> None:
    assert duckdb_value("SELECT TRIM('  United Kingdom  '), NULLIF(TRIM('   '), '')") == (
        "United Kingdom",
        None,
    )


@pytest.mark.xfail(
    strict=True,
    reason="DuckDB's TRIM removes only spaces; BigQuery's every Unicode white space (tabs, "
    "line breaks, no-break spaces). The models no longer rely on it: they trim with "
    "@trim_whitespace (macros/text.py), TRIM with an explicit set (docs/tooling.md §4.1)",
)
def test_trim_removes_unicode_white_space() -> None:
    assert duckdb_value("SELECT TRIM('\\tUnited Kingdom\\n'), TRIM('\u00a0GB\u00a0')") == (
        "United Kingdom",
        "GB",
    )


def test_trim_whitespace_of_the_models_is_bigquery_s_trim(expand_macros: Any) -> None:
    # @trim_whitespace: BigQuery's TRIM(s), which removes leading and trailing characters with
    # Unicode's White_Space property (and keeps those inside), on both engines. A zero-width space
    # or a byte-order mark is not white space: BigQuery keeps it too.
    expected = {
        "\tUnited Kingdom\n": "United Kingdom",
        "\u00a0GB\u00a0": "GB",
        " \r\n Casa \v\f": "Casa",
        "\u0085\u1680\u2000\u200aa\u2028\u2029\u202f\u205f\u3000": "a",
        "Rua\tdas Flores\u00a012": "Rua\tdas Flores\u00a012",
        "\u200bx\ufeff": "\u200bx\ufeff",
        "voilà": "voilà",
        " \t\n ": "",
    }
    values = ", ".join(bigquery_string(v) for v in expected)
    rows = duckdb_rows(expand_macros(f"SELECT s, @trim_whitespace(s) FROM UNNEST([{values}]) AS s"))
    assert dict(rows) == expected


def test_concat_with_a_null_is_null() -> None:
    # BigQuery: CONCAT returns NULL if any argument is NULL (a Linnworks order without an e-mail,
    # a TinyERP walk-in sale: no customer_key). sqlglot writes ||, which does the same.
    assert duckdb_value(
        "SELECT CONCAT('linnworks:', TO_HEX(MD5(CAST(NULL AS STRING)))),"
        " CONCAT('tinyerp:', CAST(NULL AS STRING)), CONCAT('a', ':', 'b')"
    ) == (None, None, "a:b")


def test_md5_hex_digest_is_lowercase_hex() -> None:
    # BigQuery: MD5 gives 16 bytes, TO_HEX lower-case hex (RFC 1321's digest of 'abc').
    assert duckdb_value("SELECT TO_HEX(MD5('abc'))") == "900150983cd24fb0d6963f7d28e17f72"


def test_split_and_safe_offset() -> None:
    # BigQuery: SPLIT('', d) is [''], SAFE_OFFSET(n) is 0-based and NULL out of range.
    assert duckdb_value(
        "SELECT SPLIT('Casa >> Cozinha', ' >> ')[SAFE_OFFSET(0)], SPLIT('Casa', ' >> ')[SAFE_OFFSET(0)],"
        " SPLIT('', ' >> ')[SAFE_OFFSET(0)], SPLIT('Casa', ' >> ')[SAFE_OFFSET(1)]"
    ) == ("Casa", "Casa", "", None)


def test_upper_and_like_work_on_characters() -> None:
    # BigQuery: UPPER maps Unicode letters; LIKE's _ is one character, not one byte.
    assert duckdb_value("SELECT UPPER('España'), 'ÉU' LIKE '__', 'GBR' LIKE '__'") == (
        "ESPAÑA",
        True,
        False,
    )


def test_regexp_replace_replaces_every_match() -> None:
    # BigQuery: REGEXP_REPLACE replaces every match (sqlglot adds DuckDB's 'g' flag).
    assert duckdb_value("SELECT REGEXP_REPLACE('123.456.789-09', '[^0-9]', '')") == "12345678909"


# --- ordering, arrays, JSON, aggregates ------------------------------------------------------


def test_null_ordering_follows_bigquery() -> None:
    # BigQuery: NULLs sort first ascending and last descending. sqlglot adds NULLS FIRST to
    # ascending keys for DuckDB; descending is NULLS LAST on both. QUALIFY ROW_NUMBER() ... DESC
    # (the latest version of a key) therefore never picks a row whose time is NULL.
    assert duckdb_rows("SELECT x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x") == [(None,), (1,), (2,)]
    latest = duckdb_rows(
        "SELECT k FROM UNNEST([STRUCT('a' AS k, TIMESTAMP '2024-01-01 00:00:00+00' AS t),"
        " STRUCT('b' AS k, CAST(NULL AS TIMESTAMP) AS t)]) QUALIFY ROW_NUMBER() OVER (ORDER BY t DESC) = 1"
    )
    assert latest == [("a",)]


def test_generate_array_and_ordinal_number_elements_from_one() -> None:
    # BigQuery: GENERATE_ARRAY(1, n) is 1..n (empty for 0, NULL for NULL: no rows either way);
    # arr[ORDINAL(1)] is the first element. The models number array elements this way, never
    # with UNNEST ... WITH OFFSET (0-based on BigQuery, 1-based after sqlglot).
    assert duckdb_rows("SELECT n FROM UNNEST(GENERATE_ARRAY(1, 3)) AS n") == [(1,), (2,), (3,)]
    assert duckdb_rows("SELECT n FROM UNNEST(GENERATE_ARRAY(1, 0)) AS n") == []
    assert duckdb_rows("SELECT n FROM UNNEST(GENERATE_ARRAY(1, CAST(NULL AS INT64))) AS n") == []
    first = duckdb_value(
        "SELECT JSON_VALUE(JSON_QUERY_ARRAY('[{\"a\": 1}, {\"a\": 2}]', '$')[ORDINAL(2)], '$.a')"
    )
    assert first == "2"


def test_json_value_and_json_query_array() -> None:
    # BigQuery: JSON_VALUE gives a scalar as text and NULL for an object or null;
    # JSON_QUERY_ARRAY('[]') is an empty array. A number's text may be respelled ('1.50' as
    # '1.5' on DuckDB), so the models always cast it; the value is the same.
    assert duckdb_value(
        "SELECT SAFE_CAST(JSON_VALUE('{\"p\": 1.50}', '$.p') AS NUMERIC(38, 9)),"
        " JSON_VALUE('{\"p\": {\"q\": 1}}', '$.p'), JSON_VALUE('{\"p\": null}', '$.p'),"
        " JSON_VALUE('{\"p\": \"x\"}', '$.p'), ARRAY_LENGTH(JSON_QUERY_ARRAY('[]', '$')),"
        " ARRAY_LENGTH(JSON_QUERY_ARRAY('[1, 2]', '$'))"
    ) == (Decimal("1.5"), None, None, "x", 0, 2)


def test_countif_and_logical_or_skip_nulls() -> None:
    # BigQuery: COUNTIF counts TRUE only; LOGICAL_OR ignores NULLs and is NULL over no rows.
    assert duckdb_value("SELECT COUNTIF(b), LOGICAL_OR(b) FROM UNNEST([TRUE, FALSE, NULL]) AS b") == (1, True)
    assert duckdb_value("SELECT LOGICAL_OR(b) FROM UNNEST([FALSE, NULL]) AS b") is False


def test_greatest_and_least_with_a_null_are_null() -> None:
    # BigQuery: GREATEST and LEAST return NULL if any argument is NULL; DuckDB's own skip NULLs,
    # and sqlglot wraps them to give BigQuery's answer.
    assert duckdb_value(
        "SELECT GREATEST(DATE '2020-01-01', NULL), LEAST(DATE '2020-01-01', DATE '2019-01-01')"
    ) == (None, dt.date(2019, 1, 1))


def test_array_to_string_of_an_ordered_array_agg_skips_nulls() -> None:
    # BigQuery: ARRAY_TO_STRING without null_text leaves NULL elements out (stg_tinyerp__quarantine
    # joins a record's coercion errors this way).
    assert (
        duckdb_value(
            "SELECT ARRAY_TO_STRING(ARRAY_AGG(e ORDER BY e), '; ') FROM UNNEST(['b', NULL, 'a']) AS e"
        )
        == "a; b"
    )


# --- what the models avoid -------------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered_models(project: Any) -> dict[str, exp.Query]:
    """Every SQL model's query as SQLMesh renders it (macros expanded), in BigQuery SQL."""
    return {
        model.name: project.render(model.name)
        for model in project.models.values()
        if model.kind.is_materialized or model.kind.is_view
        if not model.kind.is_seed
    }


def test_models_avoid_the_constructs_sqlglot_turns_wrong(rendered_models: dict[str, exp.Query]) -> None:
    problems = []
    for name, query in rendered_models.items():
        for node in query.find_all(exp.Date):
            # DATE(ts, zone) becomes a session-dependent cast; DATE(ts) is the session's day.
            if node.args.get("zone") or not (isinstance(node.this, exp.Datetime) and node.this.expression):
                problems.append(f"{name}: {node.sql('bigquery')}")
        for node in query.find_all(exp.StrToTime):  # PARSE_TIMESTAMP: the zone is dropped
            if node.args.get("zone"):
                problems.append(f"{name}: {node.sql('bigquery')}")
        for node in query.find_all(exp.Unnest):  # WITH OFFSET: 1-based on DuckDB
            if node.args.get("offset"):
                problems.append(f"{name}: {node.sql('bigquery')}")
    assert not problems, problems
    assert "marts.orders" in rendered_models and "staging.stg_tinyerp__orders" in rendered_models


def test_timestamp_strings_in_models_name_their_zone(rendered_models: dict[str, exp.Query]) -> None:
    # TIMESTAMP('…') without a zone is read in DuckDB's session zone (the strict xfail above): the
    # pinned-load reads name UTC, and no model may read such a string without its zone.
    unzoned = {
        f"{name}: {node.sql('bigquery')}"
        for name, query in rendered_models.items()
        for node in query.find_all(exp.Timestamp)
        if isinstance(node.this, exp.Literal) and not node.args.get("zone")
    }
    assert unzoned == set()
    pinned = {
        name
        for name, query in rendered_models.items()
        for node in query.find_all(exp.Timestamp)
        if isinstance(node.this, exp.Literal) and node.args["zone"].name == "UTC"
    }
    # every staging model reads up to its source's pinned load, but thelook's two without a time
    timeless = {"staging.stg_thelook__products", "staging.stg_thelook__distribution_centers"}
    assert pinned == {n for n in rendered_models if n.startswith("staging.")} - timeless


def test_models_trim_and_cast_integers_as_bigquery_does(rendered_models: dict[str, exp.Query]) -> None:
    # A bare TRIM(s) removes only spaces on DuckDB, and a bare SAFE_CAST(s AS INT64) rounds '1.5'
    # (the strict xfails above): text is trimmed with @trim_whitespace (TRIM with a set) and cast
    # to INT64 with @safe_int64 (the cast only under REGEXP_CONTAINS), so a new one is noticed.
    problems = []
    for name, query in rendered_models.items():
        for node in query.find_all(exp.Trim):
            if not node.expression:
                problems.append(f"{name}: {node.sql('bigquery')}")
        for node in query.find_all(exp.TryCast):
            guarded = isinstance(node.parent, exp.If) and isinstance(node.parent.this, exp.RegexpLike)
            if node.to.is_type(exp.DataType.Type.BIGINT) and not guarded:
                problems.append(f"{name}: {node.sql('bigquery')}")
    assert not problems, problems
