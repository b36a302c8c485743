"""TinyERP rules used by more than one staging model."""

from sqlglot import exp, parse_one
from sqlmesh import macro


@macro()
def tiny_discount_amount(
    evaluator, kind: exp.Expression, amount: exp.Expression, percent: exp.Expression, base: exp.Expression
):
    """The discount in money, to the cent: `amount` when Tiny typed one ('5,00' -> kind 'valor'),
    `base` x `percent` % when it typed a percentage ('10%' -> 'percentual'), else 0.

    x 0.01 rather than / 100: DuckDB divides decimals as doubles, which can round a half cent the
    wrong way."""
    k, a, p, b = (e.sql("bigquery") for e in (kind, amount, percent, base))
    return parse_one(
        f"ROUND(COALESCE(CASE {k} WHEN 'valor' THEN {a} "
        f"WHEN 'percentual' THEN {b} * {p} * CAST('0.01' AS NUMERIC) END, 0), 2)",
        read="bigquery",
    )
