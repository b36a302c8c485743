"""Typing rules of the models: a value is typed alike on BigQuery and DuckDB, and one that
cannot be typed is never silently turned into NULL where a quarantine keeps the record instead."""

from sqlglot import exp, parse_one
from sqlmesh import macro

# The text BigQuery's SAFE_CAST(s AS INT64) reads as a decimal integer: a sign, digits, ASCII
# white space around them. DuckDB's TRY_CAST also reads '1.5' (as 2), '1e3' and '1_000' (as 1000),
# so the cast is taken only for such text. Hexadecimal ('0x1F'), which BigQuery alone reads, is
# not an integer here either: NULL on both.
INTEGER_TEXT = r"^[\t\n\v\f\r ]*[+-]?[0-9]+[\t\n\v\f\r ]*$"


def _safe_int64_sql(value: str) -> str:
    return f"CASE WHEN REGEXP_CONTAINS({value}, r'{INTEGER_TEXT}') THEN SAFE_CAST({value} AS INT64) END"


@macro()
def safe_int64(evaluator, value: exp.Expression):
    """SAFE_CAST(value AS INT64) with BigQuery's meaning on both engines: the integer when the text
    is a decimal integer, else NULL (never a rounded '1.5')."""
    return parse_one(_safe_int64_sql(value.sql("bigquery")), read="bigquery")


@macro()
def json_integer_problem(evaluator, json_value: exp.Expression, path: exp.Expression, label: exp.Expression):
    """NULL when JSON_VALUE(json_value, path) is an integer (@safe_int64), else why not
    ('quantity is missing')."""
    value = f"JSON_VALUE({json_value.sql('bigquery')}, {path.sql('bigquery')})"
    name = label.this if isinstance(label, exp.Literal) else label.sql("bigquery")
    return parse_one(
        f"CASE WHEN {value} IS NULL THEN '{name} is missing' "
        f"WHEN {_safe_int64_sql(value)} IS NULL THEN '{name} is not an integer' END",
        read="bigquery",
    )
