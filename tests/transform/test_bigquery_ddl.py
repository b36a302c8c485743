"""What SQLMesh would send to BigQuery, captured offline: the fact marts' CREATE TABLE statements
with their partitioning and clustering, and the cap and labels every query job carries.

The project is loaded through config.yaml's own ``bigquery`` gateway (SQLMESH_ENABLE_BIGQUERY=1,
nothing else: the single switch), with Application Default Credentials read from a throwaway
service-account key file made here (a fresh RSA key, for a project that does not exist). Loading
and building a BigQuery client fetch nothing from Google, and the test proves it: every socket
connection fails while the project loads and the models are evaluated. SQLMesh's own snapshot
evaluator then builds each mart with the gateway's real BigQuery engine adapter, whose client's
``query`` records the SQL and job configuration instead of sending them (an empty answer to every
query: no table exists yet). The local DuckDB warehouse is never opened.
"""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import pandas as pd
import pytest
import sqlglot
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlglot import exp

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "offline-project"
PLAN_ID = "offline-plan"
MAXIMUM_BYTES_BILLED = 10_000_000_000  # config.yaml's default

# The design (docs/tooling.md §3.3): exactly these fragments in each fact mart's CREATE statement.
FACT_MARTS = {
    "orders": ("PARTITION BY `order_date`", "CLUSTER BY `source`, `channel_key`, `order_status`"),
    "order_lines": ("PARTITION BY `order_date`", "CLUSTER BY `product_key`"),
    "inventory_snapshots": (
        "PARTITION BY `snapshot_date`",
        "CLUSTER BY `is_current`, `product_key`, `location_key`",
    ),
    "daily_sales": ("PARTITION BY `order_date`", "CLUSTER BY `source`, `channel_key`"),
}
# The dimensions are small and read whole: neither partitioned nor clustered.
DIMENSION_MARTS = ("channels", "customers", "exchange_rates", "locations", "products")


@dataclass
class Job:
    sql: str
    config: Any  # google.cloud.bigquery.QueryJobConfig


def _write_service_account_key(path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": PROJECT,
                "private_key_id": "offline",
                "private_key": pem,
                "client_email": f"sqlmesh@{PROJECT}.iam.gserviceaccount.com",
                "client_id": "0",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )


def _no_network(self: socket.socket, address: Any) -> None:
    raise AssertionError(f"a connection to {address} was attempted: loading must stay offline")


@pytest.fixture(scope="module")
def bigquery_jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[Job]]]:
    """Per mart, the jobs SQLMesh's evaluator sends to BigQuery to build it in a plan."""
    from sqlmesh import Context
    from sqlmesh.core.engine_adapter.bigquery import BigQueryEngineAdapter
    from sqlmesh.core.snapshot import SnapshotChangeCategory
    from sqlmesh.utils import CorrelationId

    tmp = tmp_path_factory.mktemp("bigquery")
    key_file = tmp / "service-account.json"
    _write_service_account_key(key_file)
    warehouse = tmp / "warehouse.duckdb"
    names = set(re.findall(r"env_var\(\s*['\"](\w+)['\"]", (ROOT / "config.yaml").read_text()))
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in names:  # the developer's shell stays out of the config
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("SQLMESH_ENABLE_BIGQUERY", "1")
        monkeypatch.setenv("GCP_PROJECT", PROJECT)
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
        monkeypatch.setenv("SQLMESH_BIGQUERY_STATE_PATH", str(tmp / "state.duckdb"))
        monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(warehouse))
        monkeypatch.setattr(socket.socket, "connect", _no_network)

        context = Context(paths=str(ROOT))  # no gateway named: the switch alone selects BigQuery
        try:
            adapter = context.engine_adapter
            assert isinstance(adapter, BigQueryEngineAdapter)
            assert adapter.client.project == PROJECT

            jobs: list[Job] = []

            def query(query: str, job_config: Any = None, **_: Any) -> Any:
                jobs.append(Job(query, job_config))
                job = mock.MagicMock()
                job.result.return_value = mock.MagicMock(total_rows=0)
                job._query_results = mock.MagicMock(total_rows=0, num_dml_affected_rows=None)
                job.to_dataframe.return_value = pd.DataFrame()  # no table exists yet
                return job

            monkeypatch.setattr(adapter.client, "query", query)
            snapshots = {snapshot.name: snapshot for snapshot in context.snapshots.values()}
            for snapshot in snapshots.values():
                snapshot.categorize_as(SnapshotChangeCategory.BREAKING)
            evaluator = context.snapshot_evaluator.set_correlation_id(CorrelationId.from_plan_id(PLAN_ID))
            by_mart: dict[str, list[Job]] = {}
            for mart in (*FACT_MARTS, *DIMENSION_MARTS):
                jobs.clear()
                evaluator.evaluate(
                    snapshots[f'"{PROJECT}"."marts"."{mart}"'],
                    start="2019-01-01",
                    end="2026-01-01",
                    execution_time="2026-01-02",
                    snapshots=snapshots,
                    target_table_exists=False,
                )
                by_mart[mart] = list(jobs)
        finally:
            context.close()
    assert not warehouse.exists(), "the DuckDB warehouse was opened"
    yield by_mart


def _table_statements(jobs: list[Job]) -> list[tuple[str, exp.Create]]:
    """The CREATE TABLE statements among ``jobs``: the text sent, and as sqlglot parses it."""
    statements = [(job.sql, sqlglot.parse_one(job.sql, read="bigquery")) for job in jobs]
    return [(sql, s) for sql, s in statements if isinstance(s, exp.Create) and s.kind == "TABLE"]


def _properties(create: exp.Create) -> list[exp.Expr]:
    properties = create.args.get("properties")
    return list(properties.expressions) if properties else []


@pytest.mark.parametrize("mart", sorted(FACT_MARTS))
def test_fact_mart_ddl_is_partitioned_and_clustered(bigquery_jobs: dict[str, list[Job]], mart: str) -> None:
    partition, cluster = FACT_MARTS[mart]
    statements = _table_statements(bigquery_jobs[mart])
    # the full refresh: CREATE OR REPLACE TABLE ... AS SELECT, into the versioned physical table
    assert any(s.args.get("replace") and s.expression for _, s in statements), mart
    for sql, create in statements:
        assert f"`{PROJECT}`.`sqlmesh__marts`.`marts__{mart}__" in sql
        assert f") {partition} {cluster} " in sql, sql[:200]
        kinds = [type(p) for p in _properties(create)]
        assert kinds.count(exp.PartitionedByProperty) == 1
        assert kinds.count(exp.Cluster) == 1


@pytest.mark.parametrize("mart", DIMENSION_MARTS)
def test_dimension_mart_ddl_is_neither_partitioned_nor_clustered(
    bigquery_jobs: dict[str, list[Job]], mart: str
) -> None:
    statements = _table_statements(bigquery_jobs[mart])
    assert statements, mart
    for _, create in statements:  # (the text has PARTITION BY in window functions)
        kinds = {type(p) for p in _properties(create)}
        assert not kinds & {exp.PartitionedByProperty, exp.Cluster}


def test_every_query_job_is_capped_and_labelled_with_the_plan(
    bigquery_jobs: dict[str, list[Job]],
) -> None:
    for mart, jobs in bigquery_jobs.items():
        # SQLMesh opens a BigQuery session per model with one statement that reads no table; it
        # labels the session (so every job in it) with the plan id through @@query_label.
        session, *queries = jobs
        assert session.sql == f'SET @@query_label = "sqlmesh_plan:{PLAN_ID}";SELECT 1;', mart
        assert session.config.create_session
        assert queries, mart
        for job in queries:
            assert job.config.maximum_bytes_billed == MAXIMUM_BYTES_BILLED, job.sql[:120]
            assert job.config.labels == {"sqlmesh_plan": PLAN_ID}, job.sql[:120]
            assert not job.config.use_legacy_sql


def test_bigquery_is_the_default_gateway_only_when_enabled(monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlmesh.core.config import Config
    from sqlmesh.core.config.loader import load_config_from_paths

    for name in ("SQLMESH_ENABLE_BIGQUERY", "SQLMESH_GATEWAY", "GCP_PROJECT"):
        monkeypatch.delenv(name, raising=False)

    def load() -> Config:
        return load_config_from_paths(Config, project_paths=[ROOT / "config.yaml"])

    local = load()
    assert local.default_gateway == "duckdb" and set(local.gateways) == {"duckdb"}

    monkeypatch.setenv("SQLMESH_ENABLE_BIGQUERY", "1")
    monkeypatch.setenv("GCP_PROJECT", PROJECT)
    production = load()
    assert production.default_gateway == "bigquery"
    connection = production.gateways["bigquery"].connection
    assert connection is not None
    assert (connection.project, connection.location) == (PROJECT, "US")
    assert connection.method == "oauth"  # Application Default Credentials
    assert connection.maximum_bytes_billed == MAXIMUM_BYTES_BILLED
    state = production.gateways["bigquery"].state_connection
    assert state is not None and state.type_ == "duckdb"

    monkeypatch.setenv("SQLMESH_GATEWAY", "duckdb")
    assert load().default_gateway == "duckdb"


# --- the live target's sandbox, rehearsed offline ----------------------------------------------


class _FakeJob:
    """What the sandbox code reads from a google.cloud.bigquery.QueryJob, for a job that billed
    1 MiB and answers every query with one row (0,): no table exists, every audit passes."""

    def __init__(self, query: str, job_config: Any) -> None:
        self.query = query
        self.maximum_bytes_billed = getattr(job_config, "maximum_bytes_billed", None)
        self.labels = dict(getattr(job_config, "labels", None) or {})
        statement = re.sub(r"^/\*.*?\*/\s*", "", query, flags=re.S).upper()
        self.statement_type = "SELECT" if statement.startswith(("SELECT", "WITH")) else "SCRIPT"
        target = re.search(
            r"CREATE (?:OR REPLACE )?(?:TABLE|VIEW)(?: IF NOT EXISTS)? `[^`]+`\.`([^`]+)`\.`([^`]+)`", query
        )
        self.ddl_target_table = mock.Mock(dataset_id=target[1], table_id=target[2]) if target else None
        self.destination = None
        self.total_bytes_billed = self.total_bytes_processed = 2**20
        self.session_info = mock.Mock(session_id="offline-session")
        self.num_dml_affected_rows = None
        self._query_results = mock.MagicMock(total_rows=1, num_dml_affected_rows=None, schema=[])
        self.project, self.location, self.job_id = PROJECT, "US", "offline-job"

    def result(self, *_: Any, **__: Any) -> Any:
        rows = mock.MagicMock(total_rows=1)
        rows.__iter__.return_value = iter([(0,)])
        return rows

    def to_dataframe(self, *_: Any, **__: Any) -> pd.DataFrame:
        return pd.DataFrame()

    def done(self, *_: Any, **__: Any) -> bool:
        return True


def test_the_live_sandbox_builds_only_its_own_datasets_and_deletes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code of `make test-bigquery-live` (tests/bigquery_live/sandbox.py), run against a fake
    BigQuery client: every table and view it creates is in a dataset named after the sandbox,
    never prod's, and exactly those datasets are deleted afterwards."""
    from bigquery_live import sandbox as sb
    from google.api_core.exceptions import NotFound
    from google.cloud import bigquery

    key_file = tmp_path / "service-account.json"
    _write_service_account_key(key_file)
    monkeypatch.setenv("GCP_PROJECT", PROJECT)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    assert sb.credentials_problem() is None

    sent: list[str] = []
    deleted: list[str] = []

    def query(self: Any, query: str, job_config: Any = None, **_: Any) -> _FakeJob:
        sent.append(query)
        return _FakeJob(query, job_config)

    def get_table(self: Any, table: Any = None, **kwargs: Any) -> Any:
        if table is None and kwargs.get("table") is None:  # the table a CTAS just made
            return mock.Mock(num_rows=0)
        raise NotFound("Not found: Table")

    def list_datasets(self: Any, project: Any = None, **_: Any) -> list[Any]:
        names = {m for q in sent for m in re.findall(rf"`{PROJECT}`\.`(\w+)`", q)}
        return [mock.Mock(dataset_id=name) for name in sorted(names)]

    loaded = mock.Mock(errors=None)
    loaded.result.return_value = loaded
    for name, fake in {
        "query": query,
        "get_table": get_table,
        "get_dataset": lambda self, ref, **_: mock.Mock(),
        "create_table": lambda self, *_, **__: None,
        "update_table": lambda self, *_, **__: None,
        "delete_table": lambda self, *_, **__: None,
        "load_table_from_dataframe": lambda self, *_, **__: loaded,
        "list_datasets": list_datasets,
        "delete_dataset": lambda self, ref, **_: deleted.append(ref),
    }.items():
        monkeypatch.setattr(bigquery.Client, name, fake)

    with sb.open_sandbox(tmp_path, monkeypatch) as sandbox:
        plan = sb.plan(sandbox)
        sb.check_jobs(sandbox, plan.plan_id)
        per_model = sb.bytes_per_model(sandbox.jobs)
        assert "marts.orders" in per_model and per_model["marts.orders"].audits > 0
        assert "total billed" in sb.report(per_model, "offline")

    created = {
        match[1]
        for q in sent
        for match in re.finditer(
            rf"CREATE (?:OR REPLACE )?(?:TABLE|VIEW|SCHEMA)(?: IF NOT EXISTS)? `{PROJECT}`\.`(\w+)`", q
        )
    }
    assert created and all(sandbox.name in dataset for dataset in created), created
    assert {f"{sandbox.name}__sqlmesh__marts", f"marts__{sandbox.name}"} <= created
    assert sorted(deleted) == sorted(f"{PROJECT}.{dataset}" for dataset in created)
    assert not (tmp_path / "warehouse.duckdb").exists()
