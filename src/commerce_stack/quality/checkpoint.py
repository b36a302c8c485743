"""The Great Expectations checkpoint, as the gate's child process runs it.

    python -m commerce_stack.quality.checkpoint   < {"environment": "candidate", "suites": [...]}

The process imports GX first, then reads one JSON line on stdin naming the environment and the
suites to validate (all when `suites` is null; nothing at all on an empty line), runs them in the
working GX context beside the warehouse and prints `GATE_RESULT=<json>` (see gate.Checkpoint).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Collection
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import great_expectations as gx
from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from commerce_stack.environments import schema_in
from commerce_stack.paths import warehouse_path
from commerce_stack.pipeline.stops import stop_point
from commerce_stack.quality import gx_bigquery, gx_duckdb
from commerce_stack.quality.gate import (
    BLOCKING_SEVERITIES,
    CheckResult,
    GateResult,
    prepare_working_context,
)
from commerce_stack.quality.samples import failing_rows_sql
from commerce_stack.warehouse import native_sql, on_bigquery


def _check(suite_name: str, table: str, outcome: Any) -> CheckResult:
    config = outcome.expectation_config
    result = outcome.result or {}
    severity = str(getattr(config, "severity", "critical")).split(".")[-1].lower()
    meta = config.meta or {}
    kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
    return CheckResult(
        check_id=f"{suite_name}:{config.id}",
        suite=suite_name,
        table=table,
        expectation=config.type,
        column=kwargs.get("column")
        or (", ".join(kwargs["column_list"]) if "column_list" in kwargs else None),
        severity="block" if severity in BLOCKING_SEVERITIES else "warn",
        owner=str(meta.get("owner", "unowned")),
        success=bool(outcome.success),
        description=meta.get("description") or config.notes,
        observed_value=result.get("observed_value"),
        # SQL checks report only the offending row count, as their observed value
        unexpected_count=result.get(
            "unexpected_count",
            result.get("observed_value") if config.type == "unexpected_rows_expectation" else None,
        ),
        unexpected_percent=result.get("unexpected_percent"),
        reproduce_sql=None if outcome.success else _native(failing_rows_sql(config.type, kwargs, table)),
        short_name=meta.get("check"),
    )


def _native(sql: str | None) -> str | None:
    return None if sql is None else native_sql(sql)


def _datasource(context: Any) -> Any:
    """The warehouse as GX's SQL datasource: the DuckDB file (read-only) or BigQuery."""
    if on_bigquery():
        gx_bigquery.install()
        connection_string, kwargs = gx_bigquery.connection_string(), gx_bigquery.engine_kwargs()
    else:
        gx_duckdb.install()
        connection_string = gx_duckdb.connection_string(str(warehouse_path()))
        kwargs = gx_duckdb.engine_kwargs()
    return context.data_sources.add_or_update_sql(
        name="warehouse",
        connection_string=connection_string,
        kwargs=kwargs,
    )


def run_checkpoint(
    environment: str, suites: Collection[str] | None = None, since: date | None = None
) -> GateResult:
    now = datetime.now(UTC).replace(tzinfo=None)
    work = prepare_working_context(environment, now, suites, since)
    context = gx.get_context(mode="file", context_root_dir=str(work))
    datasource = _datasource(context)
    definitions = []
    tables: dict[str, str] = {}
    for suite in sorted(context.suites.all(), key=lambda s: s.name):
        schema, _, table = suite.name.partition(".")
        env_schema = schema_in(environment, schema)
        asset_name = f"{env_schema}.{table}"
        tables[suite.name] = asset_name
        if asset_name in {a.name for a in datasource.assets}:
            datasource.delete_asset(asset_name)
        asset = datasource.add_table_asset(name=asset_name, table_name=table, schema_name=env_schema)
        batch = asset.add_batch_definition_whole_table("whole_table")
        definitions.append(
            context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=f"{suite.name}__{environment}", data=batch, suite=suite)
            )
        )
    checkpoint = context.checkpoints.add_or_update(
        gx.Checkpoint(
            name=f"promotion_gate__{environment}",
            validation_definitions=definitions,
            result_format={"result_format": "BASIC"},
        )
    )
    run = checkpoint.run()
    stop_point("gx-validated")
    gate = GateResult(environment=environment)
    for validation in run.run_results.values():
        suite_name = validation.suite_name
        for outcome in validation.results:
            gate.checks.append(_check(suite_name, tables[suite_name], outcome))
    # Data Docs for this run's results in one build: GX's UpdateDataDocsAction rebuilds the site's
    # index once per validation (15 times a run), which cost more than the validations themselves.
    identifiers: list[Any] = list(run.run_results)
    identifiers += [ExpectationSuiteIdentifier(name=v.suite_name) for v in run.run_results.values()]
    context.build_data_docs(resource_identifiers=identifiers)
    gate.bytes_per_suite = dict(gx_bigquery.bytes_per_suite) if on_bigquery() else {}
    docs = context.get_docs_sites_urls()
    if docs and docs[0]["site_url"]:
        gate.data_docs = Path(docs[0]["site_url"].removeprefix("file://"))
    return gate


def main() -> int:
    order = sys.stdin.readline().strip()
    if not order:  # the pipeline did not need a checkpoint after all
        return 0
    request = json.loads(order)
    since = date.fromisoformat(request["since"]) if request.get("since") else None
    result = run_checkpoint(request["environment"], request["suites"], since)
    payload = {**asdict(result), "data_docs": str(result.data_docs) if result.data_docs else None}
    print("GATE_RESULT=" + json.dumps(payload, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
