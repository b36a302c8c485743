"""The SQL that returns a failed check's offending rows: shown to stewards as "reproduce" SQL and
run (with a LIMIT) to keep up to 20 failing-row samples with every result.

Written for the expectation types our suites use; an unknown type simply has no samples.
"""

from __future__ import annotations

import json
from typing import Any

SAMPLE_LIMIT = 20


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _between(column: str, kwargs: dict[str, Any]) -> str | None:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    outside = []
    if low is not None:
        outside.append(f"{column} {'<=' if kwargs.get('strict_min') else '<'} {_literal(low)}")
    if high is not None:
        outside.append(f"{column} {'>=' if kwargs.get('strict_max') else '>'} {_literal(high)}")
    return " OR ".join(outside) or None


def failing_rows_sql(expectation_type: str, kwargs: dict[str, Any], table: str) -> str | None:
    """A query over `table` (schema-qualified) returning the rows that break the expectation."""
    column = kwargs.get("column")
    if expectation_type == "unexpected_rows_expectation":
        return str(kwargs["unexpected_rows_query"]).replace("{batch}", table)
    if expectation_type == "expect_column_values_to_not_be_null":
        return f"SELECT * FROM {table} WHERE {column} IS NULL"
    if expectation_type == "expect_column_values_to_be_unique":
        return (
            f"SELECT * FROM {table} WHERE {column} IN "
            f"(SELECT {column} FROM {table} GROUP BY {column} HAVING COUNT(*) > 1) ORDER BY {column}"
        )
    if expectation_type == "expect_compound_columns_to_be_unique":
        columns = list(kwargs["column_list"])
        keys = ", ".join(columns)
        on = " AND ".join(f"t.{c} = d.{c}" for c in columns)
        return (
            f"SELECT t.* FROM {table} AS t JOIN (SELECT {keys} FROM {table} GROUP BY {keys} "
            f"HAVING COUNT(*) > 1) AS d ON {on} ORDER BY {', '.join('t.' + c for c in columns)}"
        )
    if expectation_type == "expect_column_values_to_be_between":
        condition = _between(str(column), kwargs)
        return f"SELECT * FROM {table} WHERE {condition}" if condition else None
    if expectation_type == "expect_column_values_to_be_in_set":
        values = ", ".join(_literal(v) for v in kwargs["value_set"])
        return f"SELECT * FROM {table} WHERE {column} IS NOT NULL AND {column} NOT IN ({values})"
    if expectation_type == "expect_column_values_to_match_regex":
        pattern = _literal(kwargs["regex"])  # regexp_matches is DuckDB's; BigQuery's is REGEXP_CONTAINS
        return f"SELECT * FROM {table} WHERE {column} IS NOT NULL AND NOT regexp_matches({column}, {pattern})"
    if expectation_type == "expect_table_row_count_to_be_between":
        return f"SELECT COUNT(*) AS row_count FROM {table}"
    return None


def fetch_samples(con: Any, sql: str, limit: int = SAMPLE_LIMIT) -> list[dict[str, Any]]:
    """Up to `limit` rows as JSON-ready dicts (values that JSON cannot hold become strings).
    `sql` is in the warehouse's own dialect (`warehouse.native_sql`), as stewards see it."""
    from commerce_stack.warehouse import query_native

    cursor = query_native(con, f"SELECT * FROM ({sql}) AS failing LIMIT {int(limit)}")
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.loads(json.dumps(rows, default=str))
