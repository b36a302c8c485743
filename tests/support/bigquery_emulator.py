"""The local BigQuery emulator (bigquery_emulator/, its own environment) for tests of the BigQuery
path: start it, talk to it, point SQLMesh at it, compare a table on both engines.

    with running_emulator(tmp_path / "bq") as url, rest_only_reads():
        for name, value in emulator_settings(url, tmp_path / "state.duckdb").items():
            monkeypatch.setenv(name, value)      # config.yaml's BigQuery gateway, at the emulator
        sync({"COMMERCE_RAW_DESTINATION": "bigquery", ...})  # the runner fills raw_<source>
        release(summary)                         # the pipeline's plan, gate and promotion there
        differences(name, duckdb_table(warehouse, name), bigquery_table(client(url), name))

The emulator executes BigQuery SQL through sqlglot and DuckDB: what passes here proves the client,
the DDL, the loads and SQLMesh's BigQuery path, not BigQuery's own semantics
(bigquery_emulator/README.md).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from collections import Counter
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import duckdb
import yaml

from commerce_stack.paths import ROOT

EMULATOR_DIR = ROOT / "bigquery_emulator"
EMULATOR_PYTHON = EMULATOR_DIR / ".venv" / "bin" / "python"
READY_PREFIX = "BIGQUERY_EMULATOR_URL="
PROJECT = "test"  # the emulator's project: any id works, requests name it
LOCATION = "US"
GATEWAY = "bigquery"  # config.yaml's production gateway, pointed at the emulator
START_TIMEOUT_SECONDS = 60
STOP_SECONDS = 10
_STDERR_TAIL_LINES = 40


class EmulatorStartError(RuntimeError):
    """The emulator exited, printed something else or stayed silent instead of its ready line."""


def _tail(path: Path) -> str:
    lines = path.read_text(errors="replace").splitlines()[-_STDERR_TAIL_LINES:] if path.exists() else []
    return "\n".join(lines) or "(nothing)"


def _first_line(stdout: IO[str], timeout: float) -> str | None:
    """The first stdout line ("" when the process exited first), None if none came in time."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        return None


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    try:
        process.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_emulator(data_dir: Path, *args: str, timeout: float = START_TIMEOUT_SECONDS) -> Iterator[str]:
    """Start `python -m commerce_bqemu --port 0 --data-dir DATA_DIR` in the emulator's environment
    and yield its URL (http://127.0.0.1:<port>); stop it (SIGTERM, then SIGKILL after 10 s) at the
    end. Its stderr goes to DATA_DIR/emulator.log. EmulatorStartError, with the command, the exit
    code and the last lines of that log, when no ready line came within `timeout` seconds."""
    if not EMULATOR_PYTHON.exists():
        raise EmulatorStartError(
            f"no emulator environment at {EMULATOR_PYTHON}: run `make setup` "
            "(.tools/bin/uv sync --locked --project bigquery_emulator)"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "emulator.log"
    command = [
        str(EMULATOR_PYTHON),
        "-m",
        "commerce_bqemu",
        "--port",
        "0",
        "--data-dir",
        str(data_dir),
        *args,
    ]
    with log.open("w") as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    assert process.stdout is not None
    try:
        line = _first_line(process.stdout, timeout)
        url = (line or "").strip().removeprefix(READY_PREFIX)
        if not line or url == line.strip() or not url.startswith("http://"):
            if line is not None:  # it printed something else or exited: let it finish saying why
                with suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=2)
            _stop(process)
            reason = {None: f"no ready line within {timeout:g} s", "": "it exited before its ready line"}.get(
                line, f"its first stdout line is not {READY_PREFIX}<url>: {line!r}"
            )
            raise EmulatorStartError(
                f"the BigQuery emulator did not start: {reason} (exit code {process.returncode}); "
                f"command: {' '.join(command)}; the end of {log}:\n{_tail(log)}"
            )
        yield url
    finally:
        _stop(process)
        process.stdout.close()


def client(url: str) -> Any:
    """A google-cloud-bigquery client of the emulator at `url`, without credentials."""
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    return bigquery.Client(
        project=PROJECT, credentials=AnonymousCredentials(), client_options=ClientOptions(api_endpoint=url)
    )


# --- the client's side -----------------------------------------------------------------------------

STORAGE_API_FIX_VERSION = "3.47.0"  # google-cloud-bigquery, as pinned in the root pyproject.toml


@contextmanager
def rest_only_reads() -> Iterator[None]:
    """While active, google-cloud-bigquery in this process reads query results through REST only,
    never through the BigQuery Storage Read API.

    Why: `RowIterator.to_dataframe()` (SQLMesh fetches query results that way, e.g. when it checks
    a changed model's schema) switches to the Storage Read API when the first page does not hold
    the whole result. The emulator answers `getQueryResults(maxResults=0)` with a page token and no
    rows, so the client switches, and its Storage client ignores the REST endpoint: it calls
    bigquerystorage.googleapis.com:443 and fails offline (and would read real BigQuery with real
    credentials). Pointing a Storage client at the emulator's gRPC port does not help either: the
    emulator does not serve the anonymous results tables of queries there. Uninstalling
    google-cloud-bigquery-storage would do it too, but the root environment must stay as locked.
    Scope: this process, until the block ends (the emulator fixture's session).
    Delete when the emulator serves query results through its Storage Read API (or returns the
    first page with the rows) and the client can be pointed there, or when SQLMesh reads results
    without `to_dataframe()`'s Storage API switch. `_should_use_bqstorage` is private to
    google-cloud-bigquery 3.47.0; another version fails here, to be checked again."""
    from google.cloud.bigquery import table

    found = version("google-cloud-bigquery")
    if found != STORAGE_API_FIX_VERSION:
        raise RuntimeError(
            f"rest_only_reads patches google-cloud-bigquery {STORAGE_API_FIX_VERSION}, found {found}: "
            "check RowIterator._should_use_bqstorage and update STORAGE_API_FIX_VERSION"
        )
    original = table.RowIterator._should_use_bqstorage
    table.RowIterator._should_use_bqstorage = lambda self, *args, **kwargs: False
    try:
        yield
    finally:
        table.RowIterator._should_use_bqstorage = original


# --- the raw layer --------------------------------------------------------------------------------

EXTERNAL_MODELS = ROOT / "external_models.yaml"


@dataclass(frozen=True)
class RawTable:
    name: str  # raw_<source>.<stream>
    columns: dict[str, str]  # column -> BigQuery type as external_models.yaml declares it


def raw_tables() -> list[RawTable]:
    """Every raw table Airbyte lands for the project, with the types it declares
    (external_models.yaml; thelook's are read where Google keeps them, never synced)."""
    return [
        RawTable(m["name"], m["columns"])
        for m in yaml.safe_load(EXTERNAL_MODELS.read_text())
        if "thelook" not in m["name"]
    ]


# --- SQLMesh --------------------------------------------------------------------------------------


def emulator_settings(url: str, state: Path) -> dict[str, str]:
    """The environment that turns config.yaml's BigQuery gateway on and points it at the emulator
    at `url`, with SQLMesh's state in the DuckDB file `state`: the variables the gateway reads
    (method oauth-secrets with a token: a token without expiry is never refreshed, so no Google
    endpoint is called), and BIGQUERY_EMULATOR_HOST, where google-cloud-bigquery then sends every
    request of a client made without an endpoint (SQLMesh's, and the pipeline's own, which then
    uses anonymous credentials; the scheme is required)."""
    return {
        "SQLMESH_ENABLE_BIGQUERY": "1",
        "SQLMESH_GATEWAY": GATEWAY,
        "GCP_PROJECT": PROJECT,
        "BIGQUERY_LOCATION": LOCATION,
        "BIGQUERY_AUTH_METHOD": "oauth-secrets",
        "BIGQUERY_OAUTH_TOKEN": "bigquery-emulator",  # any string: the emulator checks no credentials
        "SQLMESH_BIGQUERY_STATE_PATH": str(state),
        "BIGQUERY_EMULATOR_HOST": url,
    }


# --- comparing a table on both engines ------------------------------------------------------------

# Type families: a column's type on each engine, by what it holds (precision and scale aside).
_DUCKDB_FAMILIES = {
    "VARCHAR": "STRING",
    "BIGINT": "INT64",
    "INTEGER": "INT64",
    "HUGEINT": "INT64",
    "DOUBLE": "FLOAT64",
    "FLOAT": "FLOAT64",
    "BOOLEAN": "BOOL",
    "DATE": "DATE",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMP",
    "TIMESTAMP": "DATETIME",
    "JSON": "JSON",
}
_BIGQUERY_FAMILIES = {
    "STRING": "STRING",
    "INTEGER": "INT64",
    "INT64": "INT64",
    "NUMERIC": "NUMERIC",
    "BIGNUMERIC": "NUMERIC",
    "FLOAT": "FLOAT64",
    "FLOAT64": "FLOAT64",
    "BOOLEAN": "BOOL",
    "BOOL": "BOOL",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
    "DATETIME": "DATETIME",
    "JSON": "JSON",
}


def duckdb_family(data_type: str) -> str:
    return "NUMERIC" if data_type.startswith("DECIMAL") else _DUCKDB_FAMILIES.get(data_type, data_type)


def bigquery_family(field_type: str) -> str:
    return _BIGQUERY_FAMILIES.get(field_type.upper(), field_type.upper())


@dataclass
class Table:
    """A table's columns (name, type family, the engine's own type) and rows, as one engine serves it."""

    columns: list[tuple[str, str, str]]
    rows: list[tuple]

    @property
    def families(self) -> list[tuple[str, str]]:
        return [(name, family) for name, family, _ in self.columns]

    def masked(self, columns: Collection[str]) -> Table:
        """The same table with `columns` reduced to whether they hold a value (True) or NULL
        (False): for columns that differ by design between two builds, such as when a load ran."""
        hidden = [name in columns for name, _, _ in self.columns]
        rows = [
            tuple((value is not None) if h else value for value, h in zip(row, hidden, strict=True))
            for row in self.rows
        ]
        return Table(self.columns, rows)


def _normal(value: Any, family: str) -> Any:
    """A value both engines' clients can be compared on: instants in UTC, JSON as its canonical
    text (keys sorted), DATETIME naive; Decimals compare by value (1.50 == 1.500000000)."""
    if value is None:
        return None
    if family == "JSON":
        parsed = json.loads(value) if isinstance(value, str) else value
        return json.dumps(parsed, sort_keys=True, ensure_ascii=False)
    if family == "TIMESTAMP" and isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return value


def duckdb_table(
    warehouse: Path, name: str, *, columns: list[str] | None = None, naive_timestamps_are_utc: bool = False
) -> Table:
    """`name` (schema.table or view) of a DuckDB warehouse: its `columns` in that order (default:
    all, in the table's order). `naive_timestamps_are_utc`: read a TIMESTAMP without zone as a UTC
    instant (PyAirbyte's `_airbyte_extracted_at`)."""
    schema, table = name.split(".")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        types = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
        if columns is not None:
            by_name = dict(types)
            types = [(c, by_name[c]) for c in columns]
        selected = ", ".join(f'"{c}"' for c, _ in types)
        rows = con.execute(f"SELECT {selected} FROM {name}").fetchall()
    typed = []
    for column, data_type in types:
        family = duckdb_family(data_type)
        if naive_timestamps_are_utc and family == "DATETIME":
            family = "TIMESTAMP"
        typed.append((column, family, data_type))
    families = [family for _, family, _ in typed]
    return Table(typed, [tuple(_normal(v, f) for v, f in zip(row, families, strict=True)) for row in rows])


def bigquery_table(bq: Any, name: str) -> Table:
    """`name` (dataset.table or view) of the emulator's project, read through a query."""
    result = bq.query(f"SELECT * FROM `{PROJECT}.{name}`").result()
    columns = [(f.name, bigquery_family(f.field_type), f.field_type) for f in result.schema]
    families = [family for _, family, _ in columns]
    return Table(
        columns, [tuple(_normal(v, f) for v, f in zip(row.values(), families, strict=True)) for row in result]
    )


def _shown(value: Any) -> str:
    return "NULL" if value is None else repr(value)


def _key_width(*tables: Table) -> int:
    """How many leading columns identify a row in every table (all of them if none fewer do)."""
    width = len(tables[0].columns)
    for size in range(1, width + 1):
        if all(len({row[:size] for row in t.rows}) == len(t.rows) for t in tables):
            return size
    return width


def differences(name: str, duck: Table, emulated: Table, *, examples: int = 5) -> list[str]:
    """What differs between the DuckDB and the emulator's copies of one table, one line per kind of
    difference (empty when they are equal): columns, type families, then rows compared as
    multisets (order-independent). Rows that differ are paired by their key (the fewest leading
    columns that identify a row on both sides) and shown column by column."""
    found: list[str] = []
    columns = [c for c, _ in duck.families]
    if columns != [c for c, _ in emulated.families]:
        found.append(
            f"{name}: columns differ: DuckDB {columns}, emulator {[c for c, _ in emulated.families]}"
        )
        return found
    for (column, family, duck_type), (_, emulated_family, emulated_type) in zip(
        duck.columns, emulated.columns, strict=True
    ):
        if family != emulated_family:
            found.append(f"{name}.{column}: type {duck_type} on DuckDB, {emulated_type} on the emulator")
    only_duck = Counter(duck.rows) - Counter(emulated.rows)
    only_emulated = Counter(emulated.rows) - Counter(duck.rows)
    if not only_duck and not only_emulated:
        return found
    found.append(
        f"{name}: {len(duck.rows)} rows on DuckDB, {len(emulated.rows)} on the emulator; "
        f"{sum(only_duck.values())} DuckDB rows are not on the emulator, "
        f"{sum(only_emulated.values())} emulator rows are not on DuckDB"
    )
    width = _key_width(duck, emulated)
    key_columns = columns[:width]
    duck_by_key = {row[:width]: row for row in only_duck}
    emulated_by_key = {row[:width]: row for row in only_emulated}
    by_column: dict[str, list[str]] = {}
    for key, left_row in duck_by_key.items():
        if key not in emulated_by_key:
            continue
        shown_key = ", ".join(f"{c}={v!r}" for c, v in zip(key_columns, key, strict=True))
        for column, left, right in zip(columns, left_row, emulated_by_key[key], strict=True):
            if left != right:
                by_column.setdefault(column, []).append(
                    f"{shown_key}: {_shown(left)} (DuckDB) vs {_shown(right)} (emulator)"
                )
    for column, cases in by_column.items():
        found.append(f"{name}.{column}: {len(cases)} rows differ, e.g. " + "; ".join(cases[:examples]))
    for side, rows, other in (
        ("DuckDB", duck_by_key, emulated_by_key),
        ("the emulator", emulated_by_key, duck_by_key),
    ):
        unpaired = [dict(zip(columns, row, strict=True)) for key, row in rows.items() if key not in other]
        if unpaired:
            found.append(f"{name}: {len(unpaired)} rows only on {side}, e.g. {unpaired[:examples]}")
    return found
