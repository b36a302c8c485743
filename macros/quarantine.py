"""Typing rules shared by a staging model and its quarantine: a value that cannot be typed is
never silently turned into NULL; the record goes to the quarantine with the reason instead."""

from sqlglot import exp, parse_one
from sqlmesh import macro


@macro()
def json_integer_problem(evaluator, json_value: exp.Expression, path: exp.Expression, label: exp.Expression):
    """NULL when JSON_VALUE(json_value, path) is an integer, else why not ('quantity is missing')."""
    value = f"JSON_VALUE({json_value.sql('bigquery')}, {path.sql('bigquery')})"
    name = label.this if isinstance(label, exp.Literal) else label.sql("bigquery")
    return parse_one(
        f"CASE WHEN {value} IS NULL THEN '{name} is missing' "
        f"WHEN SAFE_CAST({value} AS INT64) IS NULL THEN '{name} is not an integer' END",
        read="bigquery",
    )
