"""Validate a SQLMesh environment with the Great Expectations suites of `expectations/`.

Each suite is named after the model it checks (`marts.orders`); in a dev environment the
model is read through SQLMesh's view `marts__<env>.orders`, which is exactly the physical table
that promotion will put behind `marts.orders`. Expectation `severity` decides the gate:
`critical` blocks promotion, `warning` and `info` are reported only. `meta.owner` names who acts.

The reviewed suites stay in `expectations/`; GX runs in a working copy beside the warehouse
(runs_dir()/gx) so that run-time datasources, checkpoints, results and Data Docs never churn
committed files.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from commerce_stack.paths import EXPECTATIONS_DIR, runs_dir, warehouse_path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

BLOCKING_SEVERITIES = {"critical"}


@dataclass
class CheckResult:
    suite: str
    table: str
    expectation: str
    column: str | None
    severity: str  # "block" or "warn"
    owner: str
    success: bool
    observed_value: Any = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None

    @property
    def label(self) -> str:
        target = f"{self.table}.{self.column}" if self.column else self.table
        return f"{self.expectation}({target})"


@dataclass
class GateResult:
    environment: str
    checks: list[CheckResult] = field(default_factory=list)
    data_docs: Path | None = None

    @property
    def blocking_failures(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "block"]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.success and c.severity == "warn"]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and not self.blocking_failures


def expectations_dir() -> Path:
    """The reviewed suites; COMMERCE_EXPECTATIONS_DIR points elsewhere (tests inject suites)."""
    return Path(os.environ.get("COMMERCE_EXPECTATIONS_DIR", EXPECTATIONS_DIR))


def _working_context_dir() -> Path:
    work = runs_dir() / "gx"
    source = expectations_dir()
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "great_expectations.yml", work / "great_expectations.yml")
    shutil.rmtree(work / "expectations", ignore_errors=True)
    shutil.copytree(source / "expectations", work / "expectations")
    return work


def _schema_in(environment: str, schema: str) -> str:
    return schema if environment == "prod" else f"{schema}__{environment}"


def _check(suite_name: str, table: str, outcome: Any) -> CheckResult:
    config = outcome.expectation_config
    result = outcome.result or {}
    severity = str(getattr(config, "severity", "critical")).split(".")[-1].lower()
    meta = config.meta or {}
    return CheckResult(
        suite=suite_name,
        table=table,
        expectation=config.type,
        column=config.kwargs.get("column"),
        severity="block" if severity in BLOCKING_SEVERITIES else "warn",
        owner=str(meta.get("owner", "unowned")),
        success=bool(outcome.success),
        observed_value=result.get("observed_value"),
        unexpected_count=result.get("unexpected_count"),
        unexpected_percent=result.get("unexpected_percent"),
    )


def run_gate(environment: str) -> GateResult:
    """Run every suite against `environment`; the caller decides what a failure stops.

    GX runs in a child process: its SQLAlchemy engines keep read-only DuckDB connections that
    would stop this process from opening the warehouse read-write for the promotion.
    """
    completed = subprocess.run(
        [sys.executable, "-m", "commerce_stack.quality.gate", environment],
        capture_output=True,  # GX draws progress bars on stderr: shown only if something failed
        text=True,
        check=False,
    )
    payload = next(
        (line.split("=", 1)[1] for line in completed.stdout.splitlines() if line.startswith("GATE_RESULT=")),
        None,
    )
    if completed.returncode != 0 or payload is None:
        print(completed.stderr[-5000:], file=sys.stderr)
        raise RuntimeError(f"the Great Expectations checkpoint could not run (exit {completed.returncode})")
    data = json.loads(payload)
    return GateResult(
        environment=data["environment"],
        checks=[CheckResult(**check) for check in data["checks"]],
        data_docs=Path(data["data_docs"]) if data["data_docs"] else None,
    )


def _run_checkpoint(environment: str) -> GateResult:
    import great_expectations as gx
    from great_expectations.checkpoint import UpdateDataDocsAction

    from commerce_stack.quality import gx_duckdb

    gx_duckdb.install()
    context = gx.get_context(mode="file", context_root_dir=str(_working_context_dir()))
    datasource = context.data_sources.add_or_update_sql(
        name="warehouse",
        connection_string=gx_duckdb.connection_string(str(warehouse_path())),
        kwargs=gx_duckdb.engine_kwargs(),
    )
    definitions = []
    tables: dict[str, str] = {}
    for suite in sorted(context.suites.all(), key=lambda s: s.name):
        schema, _, table = suite.name.partition(".")
        env_schema = _schema_in(environment, schema)
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
            actions=[UpdateDataDocsAction(name="update_data_docs")],
            result_format={"result_format": "SUMMARY"},
        )
    )
    run = checkpoint.run()
    gate = GateResult(environment=environment)
    for validation in run.run_results.values():
        suite_name = validation.suite_name
        for outcome in validation.results:
            gate.checks.append(_check(suite_name, tables[suite_name], outcome))
    docs = context.get_docs_sites_urls()
    if docs:
        gate.data_docs = Path(docs[0]["site_url"].removeprefix("file://"))
    return gate


if __name__ == "__main__":
    result = _run_checkpoint(sys.argv[1])
    payload = {**asdict(result), "data_docs": str(result.data_docs) if result.data_docs else None}
    print("GATE_RESULT=" + json.dumps(payload, default=str), flush=True)
