"""The checks that depend on the clock, for tables the checkpoint does not validate again.

A table whose version prod already serves (nothing new in it, its suite unchanged) passed every
check of its suite when it was promoted, and it has not changed since; only the clock can make it
fail now: its data grows older than the freshness SLA. Those freshness checks run here, as the
very query the gate gives Great Expectations (`runtime_checks` in gate.py), straight on the warehouse,
without paying for a checkpoint (a GX process, its context and Data Docs). Their results keep the
checkpoint's check ids, so history and the report see one check across runs, and say where they
ran (`check_source` = freshness).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from commerce_stack.environments import relation
from commerce_stack.quality.gate import BLOCKING_SEVERITIES, CheckResult, runtime_checks, suite_files
from commerce_stack.quality.samples import failing_rows_sql, fetch_samples
from commerce_stack.warehouse import Connection, native_sql, query_native


def freshness_checks(
    con: Connection, environment: str, suites: Collection[str], now: datetime
) -> list[CheckResult]:
    """Run the freshness checks declared by `suites` against their tables in `environment`."""
    results = []
    for name, suite in suite_files().items():
        if name not in suites:
            continue
        table = relation(environment, name)
        for check in runtime_checks(suite, now, previous={}):
            if check["meta"]["check"] != "fresh":
                continue
            query = failing_rows_sql(check["type"], check["kwargs"], table)
            assert query is not None  # freshness is an unexpected-rows query
            sql = native_sql(query)
            offending = query_native(con, sql).fetchall()
            failed = bool(offending)
            results.append(
                CheckResult(
                    check_id=f"{name}:{check['id']}",
                    suite=name,
                    table=table,
                    expectation=check["type"],
                    column=None,
                    severity="block" if check["severity"] in BLOCKING_SEVERITIES else "warn",
                    owner=check["meta"]["owner"],
                    success=not failed,
                    description=check["meta"]["description"],
                    observed_value=len(offending),
                    unexpected_count=len(offending),
                    reproduce_sql=sql if failed else None,
                    failing_samples=fetch_samples(con, sql) if failed else [],
                    short_name="fresh",
                    check_source="freshness",  # run here, not by the checkpoint: see the docstring
                )
            )
    return results
