"""Validate a SQLMesh environment with the Great Expectations suites of `expectations/`.

Each suite is named after the model it checks (`marts.orders`); in a dev environment the
model is read through SQLMesh's view `marts__<env>.orders`, which is exactly the physical table
that promotion will put behind `marts.orders`. Expectation `severity` decides the gate:
`critical` blocks promotion, `warning` and `info` are reported only. `meta.owner` names who acts.

Suites refer to other tables through schema tokens (`__MARTS__.orders`), replaced here by the
environment's schema. Two checks are made at run time from a suite's `meta`, because they depend
on the clock and on history: `freshness` (newest load no older than the SLA) and `volume` (row
count not below a ratio of the last promoted run's).

The reviewed suites stay in `expectations/`; GX runs in a working copy beside the warehouse
(runs_dir()/gx) so that run-time datasources, checkpoints, results and Data Docs never churn
committed files.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from commerce_stack.environments import PROD, schema_in
from commerce_stack.paths import EXPECTATIONS_DIR, runs_dir
from commerce_stack.warehouse import connect, exists, tables

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

BLOCKING_SEVERITIES = {"critical"}
SCHEMAS = ("marts", "staging")
_RUNTIME_CHECK_NAMESPACE = uuid.UUID("6f1c0f5e-2b4e-4a57-9a8e-2f3c7f0d5a11")


@dataclass
class CheckResult:
    check_id: str  # stable across runs: suite + expectation id
    suite: str
    table: str  # the table validated, in the environment (marts__candidate.orders)
    expectation: str
    column: str | None
    severity: str  # "block" or "warn"
    owner: str
    success: bool
    description: str | None = None
    observed_value: Any = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    reproduce_sql: str | None = None
    failing_samples: list[dict[str, Any]] = field(default_factory=list)
    check_source: str = "great_expectations"
    short_name: str | None = None  # the suite's meta.check, e.g. order_exists

    @property
    def model(self) -> str:
        """The model name without the environment suffix (marts.orders)."""
        return self.suite

    @property
    def label(self) -> str:
        target = f"{self.table}.{self.column}" if self.column else self.table
        return f"{self.short_name or self.expectation}({target})"


@dataclass
class GateResult:
    environment: str
    checks: list[CheckResult] = field(default_factory=list)
    data_docs: Path | None = None
    # on BigQuery: suite -> bytes its checks' queries billed (None: no job reported its bytes)
    bytes_per_suite: dict[str, int | None] = field(default_factory=dict)


def failing(checks: list[CheckResult], severity: str) -> list[CheckResult]:
    """The checks that failed at `severity`: "block" (they stop a promotion) or "warn"."""
    return [c for c in checks if not c.success and c.severity == severity]


def expectations_dir() -> Path:
    """The reviewed suites; COMMERCE_EXPECTATIONS_DIR points elsewhere (tests inject suites)."""
    return Path(os.environ.get("COMMERCE_EXPECTATIONS_DIR", EXPECTATIONS_DIR))


def suite_files(directory: Path | None = None) -> dict[str, dict[str, Any]]:
    """Suite name -> suite JSON, as reviewed in expectations/."""
    root = (directory or expectations_dir()) / "expectations"
    suites = {}
    for path in sorted(root.rglob("*.json")):
        suite = json.loads(path.read_text())
        suites[suite["name"]] = suite
    return suites


_REFERENCE = re.compile(r"__(MARTS|STAGING)__\.(\w+)")


def suites_to_validate(
    suites: dict[str, dict[str, Any]], changed_models: set[str], changed_suites: set[str]
) -> set[str]:
    """The suites a checkpoint must run: those whose table changed, whose checks read a table
    that changed (`__MARTS__.orders` in a query), or that changed themselves. The others would
    validate exactly what they validated when prod was promoted."""
    selected = set()
    for name, suite in suites.items():
        referenced = {f"{s.lower()}.{t}" for s, t in _REFERENCE.findall(json.dumps(suite))}
        if name in changed_suites or name in changed_models or referenced & changed_models:
            selected.add(name)
    return selected


def _runtime_id(suite: str, kind: str) -> str:
    return str(uuid.uuid5(_RUNTIME_CHECK_NAMESPACE, f"{suite}:{kind}"))


def previous_promoted_counts() -> dict[str, int]:
    """Row counts of the last promoted run, per model, from the results history (dq schema)."""
    if not exists():
        return {}
    with connect() as con:
        if not {"gate_runs", "table_snapshots"} <= set(tables(con, "dq")):
            return {}
        rows = con.execute(
            """
            SELECT s.table_name, s.row_count FROM dq.table_snapshots AS s
            WHERE s.run_id = (
                SELECT run_id FROM dq.gate_runs WHERE promoted ORDER BY finished_at DESC LIMIT 1
            )
            """
        ).fetchall()
    return dict(rows)


def runtime_checks(
    suite: dict[str, Any], now: datetime, previous: dict[str, int], since: date | None = None
) -> list[dict[str, Any]]:
    """Freshness and volume expectations declared in a suite's meta, made concrete for this run.
    `since`: the candidate rebuilt only the days from then on (thelook's new days, forward-only);
    a suite whose volume names its `day_column` compares those days with prod's
    (`previous`: prod's rows in those days, `prod_rows_since`)."""
    meta, name, checks = suite.get("meta") or {}, suite["name"], []
    owner = meta.get("owner", "unowned")
    freshness = meta.get("freshness")
    if freshness:
        column, hours = freshness["column"], float(freshness["max_age_hours"])
        cutoff = (now - timedelta(hours=hours)).strftime("%Y-%m-%d %H:%M:%S")
        checks.append(
            {
                "id": _runtime_id(name, "freshness"),
                "type": "unexpected_rows_expectation",
                "kwargs": {
                    "unexpected_rows_query": (
                        f"SELECT MAX({column}) AS newest_{column} FROM {{batch}} "
                        f"HAVING MAX({column}) < TIMESTAMP '{cutoff}'"
                    )
                },
                "severity": freshness.get("severity", "critical"),
                "meta": {
                    "check": "fresh",
                    "owner": freshness.get("owner", owner),
                    "description": f"The newest {column} is older than the {hours:g}-hour freshness SLA.",
                },
            }
        )
    volume = meta.get("volume")
    if volume and name in previous:
        ratio, day_column = float(volume["min_ratio_to_previous"]), volume.get("day_column")
        floor = math.ceil(previous[name] * ratio)
        kwargs: dict[str, Any]
        if since is not None and day_column:
            # a forward-only candidate holds only the days it rebuilt: compared with prod's same days
            check_type, kwargs = (
                "unexpected_rows_expectation",
                {
                    "unexpected_rows_query": f"SELECT count(*) AS rows_since FROM {{batch}}"
                    f" WHERE {day_column} >= DATE '{since}' HAVING count(*) < {floor}"
                },
            )
            compared = f"Rows from {since} on fell below {ratio:.0%} of prod's rows in those days"
        else:
            check_type, kwargs = "expect_table_row_count_to_be_between", {"min_value": floor}
            compared = f"Row count fell below {ratio:.0%} of the last promoted run"
        checks.append(
            {
                "id": _runtime_id(name, "volume"),
                "type": check_type,
                "kwargs": kwargs,
                "severity": volume.get("severity", "critical"),
                "meta": {
                    "check": "volume_vs_last_promoted",
                    "owner": volume.get("owner", owner),
                    "description": f"{compared} ({previous[name]} rows).",
                },
            }
        )
    return checks


def prod_rows_since(suites: dict[str, dict[str, Any]], since: date) -> dict[str, int]:
    """Prod's rows from `since` on, per suite whose volume names its day column."""
    counts = {}
    with connect() as con:
        for name, suite in suites.items():
            column = ((suite.get("meta") or {}).get("volume") or {}).get("day_column")
            if column:
                schema, _, table = name.partition(".")
                table_name = f"{schema_in(PROD, schema)}.{table}"
                sql = f"SELECT count(*) FROM {table_name} WHERE {column} >= DATE '{since}'"
                (counts[name],) = con.execute(sql).fetchone() or (0,)
    return counts


def prepare_working_context(
    environment: str, now: datetime, suites: Collection[str] | None, since: date | None = None
) -> Path:
    """The working GX context: the selected suites (all when `suites` is None), resolved for
    `environment`, with this run's freshness and volume checks added (`since`: runtime_checks)."""
    work = runs_dir() / "gx"
    source = expectations_dir()
    work.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source / "great_expectations.yml", work / "great_expectations.yml")
    # this run's suites, checkpoint and validation definitions only: the last run's may name
    # suites this run does not validate (results and Data Docs under uncommitted/ are kept)
    for stale in ("expectations", "checkpoints", "validation_definitions"):
        shutil.rmtree(work / stale, ignore_errors=True)
    previous = previous_promoted_counts()
    selected = {n: x for n, x in suite_files(source).items() if suites is None or n in suites}
    if since is not None:
        previous |= prod_rows_since(selected, since)
    for name, suite in selected.items():
        text = json.dumps(suite)
        for schema in SCHEMAS:
            text = text.replace(f"__{schema.upper()}__", schema_in(environment, schema))
        resolved = json.loads(text)
        resolved["expectations"] += runtime_checks(suite, now, previous, since)
        schema, _, table = name.partition(".")
        target = work / "expectations" / schema / f"{table}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(resolved, indent=2))
    return work


class Checkpoint:
    """The Great Expectations checkpoint, in a child process started ahead of time.

    GX runs in a child process: its SQLAlchemy engines keep read-only DuckDB connections that
    would stop this process from opening the warehouse read-write for the promotion. Importing GX
    takes seconds, so the pipeline starts the child while SQLMesh plans (the child only imports
    until it is told what to validate; it opens the warehouse after the plan has closed it).
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "commerce_stack.quality.checkpoint"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,  # GX draws progress bars on stderr: shown only if something failed
            text=True,
        )

    def __enter__(self) -> Checkpoint:
        return self

    def __exit__(self, *_: object) -> None:
        if self.process.poll() is None:  # never told to run: let it go
            self.process.communicate("")

    def run(
        self, environment: str, suites: Collection[str] | None = None, since: date | None = None
    ) -> GateResult:
        """Validate `environment` with the suites (every suite when None); the caller decides
        what a failure stops. `since`: runtime_checks."""
        order = json.dumps(
            {
                "environment": environment,
                "suites": None if suites is None else sorted(suites),
                "since": since.isoformat() if since else None,
            }
        )
        stdout, stderr = self.process.communicate(order + "\n")
        payload = next(
            (line.split("=", 1)[1] for line in stdout.splitlines() if line.startswith("GATE_RESULT=")), None
        )
        if self.process.returncode != 0 or payload is None:
            print(stderr[-5000:], file=sys.stderr)
            raise RuntimeError(
                f"the Great Expectations checkpoint could not run (exit {self.process.returncode})"
            )
        data = json.loads(payload)
        return GateResult(
            environment=data["environment"],
            checks=[CheckResult(**check) for check in data["checks"]],
            data_docs=Path(data["data_docs"]) if data["data_docs"] else None,
            bytes_per_suite=data.get("bytes_per_suite") or {},
        )
