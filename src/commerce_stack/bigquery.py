"""BigQuery as the pipeline's warehouse: credentials, clients, and a connection for our own SQL.

Credentials, in this order (the runner's raw layer, the gate and the history use the same):
1. `BIGQUERY_EMULATOR_HOST` set (`http://host:port`, scheme required): anonymous credentials.
   google-cloud-bigquery sends every REST call to that address when the variable is set, but it
   still looks for Google credentials; an emulator checks none. Google's client libraries skip
   authentication for their own emulators (Pub/Sub, Datastore, Firestore): we do the same.
2. A key file (`GOOGLE_APPLICATION_CREDENTIALS`, or the path given): a service account's key or
   any credentials file google-auth reads.
3. Application Default Credentials (`gcloud auth application-default login`, a VM's account).

`BigQueryConnection` runs the pipeline's own SQL (clock checks, evidence, the `dq` history, the
report's reads). That SQL is written once, in DuckDB's dialect with `?` parameters, because the
embedded warehouse is where every test runs it; here sqlglot (the transpiler SQLMesh itself uses)
writes each statement in BigQuery's dialect, and the parameters are bound positionally, typed by
their Python values. Every job carries the same `maximum_bytes_billed` cap as SQLMesh's, and the
bytes it billed are added up (`bytes_billed`) for the run summary.

Imported lazily: nothing here is loaded, and no Google library is needed, on the DuckDB path.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import google.auth
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

if TYPE_CHECKING:
    from google.auth.credentials import Credentials

EMULATOR_HOST_VARIABLE = "BIGQUERY_EMULATOR_HOST"  # google-cloud-bigquery's own variable
SCOPES = ["https://www.googleapis.com/auth/bigquery"]
DEFAULT_MAXIMUM_BYTES_BILLED = 10_000_000_000  # config.yaml's default for SQLMesh's jobs
MAX_PARAMETERS_PER_QUERY = 10_000  # BigQuery's limit on query parameters
JOB_LABELS = {"commerce_stack": "pipeline"}  # groups our own jobs in INFORMATION_SCHEMA.JOBS


def emulator_host() -> str | None:
    """The emulator's address when one is configured (google-cloud-bigquery reads the same variable)."""
    return os.environ.get(EMULATOR_HOST_VARIABLE) or None


def credentials(credentials_path: str | None) -> Credentials:
    """Anonymous for an emulator, else the key file, else Application Default Credentials."""
    if emulator_host():
        return AnonymousCredentials()
    if credentials_path:
        found, _ = google.auth.load_credentials_from_file(credentials_path, scopes=SCOPES)
    else:
        found, _ = google.auth.default(scopes=SCOPES)
    return found


def bigquery_client(project: str, location: str, credentials_path: str | None = None) -> bigquery.Client:
    """A client of `project`; jobs run in `location`. With `BIGQUERY_EMULATOR_HOST` set, the client
    library itself sends its calls there."""
    return bigquery.Client(project=project, location=location, credentials=credentials(credentials_path))


def project() -> str:
    """The warehouse's project, as config.yaml's BigQuery gateway reads it (`GCP_PROJECT`)."""
    name = os.environ.get("GCP_PROJECT", "").strip()
    if not name:
        from commerce_stack.warehouse import WarehouseSettingsError

        raise WarehouseSettingsError("GCP_PROJECT is not set: name the BigQuery project of the warehouse")
    return name


def maximum_bytes_billed() -> int:
    raw = os.environ.get("BIGQUERY_MAXIMUM_BYTES_BILLED", "") or str(DEFAULT_MAXIMUM_BYTES_BILLED)
    try:
        return int(raw)
    except ValueError:
        from commerce_stack.warehouse import WarehouseSettingsError

        raise WarehouseSettingsError(
            f"BIGQUERY_MAXIMUM_BYTES_BILLED must be a whole number of bytes, not {raw!r}"
        ) from None


def warehouse_client() -> bigquery.Client:
    """The client of the warehouse config.yaml's gateway names (project, location, credentials);
    WarehouseSettingsError, one line, when no credentials can be had."""
    from google.auth.exceptions import DefaultCredentialsError

    key_file = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or None
    try:
        return bigquery_client(project(), os.environ.get("BIGQUERY_LOCATION", "") or "US", key_file)
    except DefaultCredentialsError as error:  # its text is not repeated: it may quote the file
        from commerce_stack.warehouse import WarehouseSettingsError

        problem = (
            f"the key file GOOGLE_APPLICATION_CREDENTIALS names ({key_file}) is missing or unreadable"
            if key_file
            else "no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS to a key file or run "
            "`gcloud auth application-default login`"
        )
        raise WarehouseSettingsError(
            f"BigQuery warehouse: {problem} ({type(error).__name__}); "
            "unset SQLMESH_ENABLE_BIGQUERY for the local DuckDB warehouse"
        ) from None


# --- our SQL on BigQuery --------------------------------------------------------------------------


def _parameter(value: Any) -> bigquery.ScalarQueryParameter | bigquery.ArrayQueryParameter:
    """A positional parameter typed by its Python value (NULL travels as a STRING: cast it in SQL)."""
    if isinstance(value, list | tuple):
        kinds = {_scalar_type(v) for v in value if v is not None} or {"STRING"}
        return bigquery.ArrayQueryParameter(None, kinds.pop() if len(kinds) == 1 else "STRING", list(value))
    return bigquery.ScalarQueryParameter(None, _scalar_type(value), value)


def _scalar_type(value: Any) -> str:
    if value is None or isinstance(value, str):
        return "STRING"
    if isinstance(value, bool):  # before int: a bool is an int in Python
        return "BOOL"
    if isinstance(value, int):
        return "INT64"
    if isinstance(value, float):
        return "FLOAT64"
    if isinstance(value, Decimal):
        return "NUMERIC"
    if isinstance(value, datetime):  # naive = UTC wall time, as DuckDB TIMESTAMP (BigQuery DATETIME)
        return "TIMESTAMP" if value.tzinfo else "DATETIME"
    if isinstance(value, date):
        return "DATE"
    raise TypeError(f"no BigQuery parameter type for {type(value).__name__}")


def to_bigquery(sql: str) -> list[str]:
    """DuckDB SQL (one or more statements) as BigQuery SQL, one string per statement."""
    import sqlglot

    return [s for s in sqlglot.transpile(sql, read="duckdb", write="bigquery") if s.strip()]


class BigQueryConnection:
    """The part of DuckDB's connection API the pipeline's own SQL uses, on BigQuery:
    `execute(sql, params)` then `fetchall()` / `fetchone()` / `description`, `executemany`,
    `tables(schema)`, `columns(schema, table)`, `close()`."""

    def __init__(self, client: bigquery.Client | None = None) -> None:
        self.client = client or warehouse_client()
        self.bytes_billed: int | None = None  # None while no job reported its bytes (an emulator)
        self.jobs = 0
        self.description: list[tuple[str, ...]] | None = None
        self._rows: list[tuple[Any, ...]] = []

    def __enter__(self) -> BigQueryConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def _run(self, sql: str, parameters: Sequence[Any]) -> None:
        config = bigquery.QueryJobConfig(
            query_parameters=[_parameter(v) for v in parameters],
            maximum_bytes_billed=maximum_bytes_billed(),
            labels=JOB_LABELS,
        )
        job = self.client.query(sql, job_config=config)
        result = job.result()
        self.jobs += 1
        if job.total_bytes_billed is not None:
            self.bytes_billed = (self.bytes_billed or 0) + job.total_bytes_billed
        self.description = [(field.name,) for field in result.schema] if result.schema else None
        self._rows = [tuple(row.values()) for row in result]

    def execute(
        self, sql: str, parameters: Sequence[Any] | None = None, *, dialect: str = "duckdb"
    ) -> BigQueryConnection:
        """Run `sql` (DuckDB's dialect, transpiled; `dialect="bigquery"`: as written)."""
        statements = to_bigquery(sql) if dialect == "duckdb" else [sql]
        if len(statements) > 1 and parameters:
            raise ValueError("parameters need a single statement")
        for statement in statements:
            self._run(statement, parameters or [])
        return self

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> BigQueryConnection:
        """`INSERT ... VALUES (?, ...)` for many rows, as few multi-row INSERT jobs as BigQuery's
        parameter limit allows (a job per row would take minutes on BigQuery)."""
        head, separator, values = sql.rpartition("VALUES")
        if not separator or not rows:
            raise ValueError("executemany takes an INSERT ... VALUES (?, ...) and at least one row")
        per_job = max(1, MAX_PARAMETERS_PER_QUERY // max(1, len(rows[0])))
        for start in range(0, len(rows), per_job):
            chunk = rows[start : start + per_job]
            statement = f"{head}VALUES " + ", ".join([values.strip()] * len(chunk))
            self.execute(statement, [value for row in chunk for value in row])
        return self

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self._rows = self._rows, []
        return rows

    def fetchone(self) -> tuple[Any, ...] | None:
        return self._rows.pop(0) if self._rows else None

    def tables(self, schema: str) -> list[str]:
        """The tables and views of dataset `schema` (none when it does not exist)."""
        from google.api_core.exceptions import NotFound

        try:
            return sorted(t.table_id for t in self.client.list_tables(f"{self.client.project}.{schema}"))
        except NotFound:
            return []

    def columns(self, schema: str, table: str) -> list[str]:
        """The columns of `schema.table`, in order."""
        return [
            field.name for field in self.client.get_table(f"{self.client.project}.{schema}.{table}").schema
        ]


# --- what SQLMesh's jobs billed, per model --------------------------------------------------------

# A physical table: <schema>__<model>__<version>[__dev], e.g. staging__stg_fakestore__carts__123
PHYSICAL_TABLE = re.compile(r"\b(staging|marts|reference)__(\w+?)__(\d+)(?:__dev)?\b")
NO_MODEL = "(no model: sessions, schemas, metadata)"


@dataclass
class ModelBytes:
    build: int = 0  # CREATE / INSERT / MERGE: what building the model's table billed
    audits: int = 0  # SELECTs over the model's table: its audits and SQLMesh's own checks
    jobs: int = 0
    reported: bool = False  # whether any of its jobs reported its bytes (an emulator reports none)


def model_of(job: Any) -> str | None:
    """The model a job worked on: its DDL target table's name, else the first physical table in
    its SQL (an audit, a view over the table). SQLMesh labels jobs by plan, not by model."""
    target = getattr(job, "ddl_target_table", None) or getattr(job, "destination", None)
    for text in (getattr(target, "table_id", "") or "", getattr(job, "query", "") or ""):
        match = PHYSICAL_TABLE.search(text)
        if match:
            return f"{match[1]}.{match[2]}"
    return None


def bytes_per_model(jobs: list[Any]) -> dict[str, ModelBytes]:
    per_model: dict[str, ModelBytes] = {}
    for job in jobs:
        entry = per_model.setdefault(model_of(job) or NO_MODEL, ModelBytes())
        billed = job.total_bytes_billed
        entry.reported = entry.reported or billed is not None
        if job.statement_type == "SELECT":
            entry.audits += billed or 0
        else:
            entry.build += billed or 0
        entry.jobs += 1
    return per_model


def plan_jobs(client: bigquery.Client, since: datetime) -> list[Any]:
    """The query jobs this account ran since `since` (a plan's start): SQLMesh's builds and audits
    among them, attributed to models by `bytes_per_model`. The pipeline's account runs nothing else
    meanwhile; a minute of slack covers clock skew with Google's."""
    started = since.astimezone(UTC) - timedelta(minutes=1)
    return [job for job in client.list_jobs(min_creation_time=started) if isinstance(job, bigquery.QueryJob)]
