"""`commerce-stack export`: the marts prod serves, as files for people and tools outside the warehouse.

    commerce-stack export (--mart NAME ... | --all) --to PATH | s3://bucket/prefix | md:database
                          [--format parquet | csv]

Only promoted data leaves: the marts are read through prod's views, and only when prod is what
the last promotion recorded (`promoted.json`, SQLMesh's prod plan and the promoting gate run in
`dq.gate_runs` agree). Each export gets its own folder, `<target>/<export id>/`, holding one file
per mart and `_export.json` (written last: a folder without it is incomplete), and one row per
mart in `dq.exports`; both say which promoted version was written. A local folder appears whole
(written as `<export id>.partial`, then renamed).

S3-compatible buckets are written by DuckDB's httpfs extension, loaded from its PyPI wheel (never
downloaded), with the standard AWS variables. MotherDuck gets one table per mart when
`MOTHERDUCK_TOKEN` is set; without it the export is skipped, with the reason, before anything
is contacted. The warehouse is opened read-only; the run lock is held for the whole export.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb

from commerce_stack.errors import one_line
from commerce_stack.pipeline import PipelineError
from commerce_stack.pipeline.summary import MART_SCHEMA
from commerce_stack.secret_forms import SecretMask

FORMATS = ("parquet", "csv")
MANIFEST = "_export.json"
_VIEW_SOURCE = re.compile(r"\bFROM\s+(?:\"?\w+\"?\.)?(\"?\w+\"?\.\"?\w+\"?)\s*;?\s*$", re.IGNORECASE)


class ExportSettingsError(ValueError):
    """The export cannot start as asked (a mart, a target, a missing setting): exit 2."""


class ExportFailed(PipelineError):
    """The export could not finish (nothing promoted, a server refused or unreachable): exit 1."""


@dataclass(frozen=True)
class PromotedVersion:
    """What prod serves, as the pipeline recorded it when the gate let it through."""

    gate_run_id: str  # the run of dq.gate_runs that validated and promoted it
    prod_plan: str  # SQLMesh's id of the plan that made prod what it is
    loads: dict[str, str]  # source -> raw data current through (UTC)
    project: str  # digest of the SQLMesh project it was built with


@dataclass
class ExportedMart:
    mart: str  # marts.orders
    rows: int
    location: str  # the file's path or URI, or the MotherDuck table
    snapshot_table: str | None  # the versioned table behind prod's view (SQLMesh's snapshot)
    columns: dict[str, str] = field(default_factory=dict)  # name -> DuckDB type, in order


@dataclass
class Export:
    export_id: str
    exported_at: datetime  # UTC
    target: str  # as given, resolved: never a credential
    format: str
    version: PromotedVersion
    marts: list[ExportedMart] = field(default_factory=list)
    manifest: str | None = None  # where _export.json was written (files only)


# ---------------------------------------------------------------------------------------- targets


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _write_text(con: duckdb.DuckDBPyConnection, uri: str, text: str) -> None:
    """A text file written by DuckDB, so that it reaches whatever DuckDB writes to (a bucket
    included): one CSV value with no quoting, delimited by a character JSON never leaves raw."""
    con.execute(
        f"COPY (SELECT ? AS text) TO {_literal(uri)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '', "
        "DELIMITER '\x1f')",
        [text],
    )


class FileTarget:
    """A folder: each export in its own sub-folder, written as `.partial` and renamed when whole."""

    def __init__(self, given: str) -> None:
        self.root = Path(given).expanduser().resolve()
        self.label = str(self.root)

    def open(self, con: duckdb.DuckDBPyConnection, export_id: str) -> str:
        """Prepare the connection and the place; the folder the files go to while exporting."""
        partial = self.root / f"{export_id}.partial"
        try:
            partial.mkdir(parents=True)
        except OSError as error:
            raise ExportSettingsError(f"cannot write to {self.root}: {error.strerror or error}") from None
        return str(partial)

    def final(self, export_id: str) -> str:
        return str(self.root / export_id)

    def taken(self, export_id: str) -> bool:
        return (self.root / export_id).exists() or (self.root / f"{export_id}.partial").exists()

    def publish(self, export_id: str) -> None:
        (self.root / f"{export_id}.partial").rename(self.root / export_id)

    def discard(self, export_id: str) -> None:
        shutil.rmtree(self.root / f"{export_id}.partial", ignore_errors=True)

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except duckdb.Error as error:  # a full disk, a folder removed meanwhile
            raise ExportFailed(f"could not write to {self.root}: {one_line(str(error))}") from None


def httpfs_path() -> Path:
    """DuckDB's httpfs extension as the `duckdb-extension-httpfs` wheel ships it, for this DuckDB."""
    from importlib.resources import files

    shipped = files("duckdb_extension_httpfs") / "extensions" / f"v{duckdb.__version__}"
    return Path(str(shipped / "httpfs.duckdb_extension"))


def load_httpfs(con: duckdb.DuckDBPyConnection) -> None:
    """Load httpfs from the wheel; DuckDB would otherwise download it on first use of s3://."""
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    try:
        path = httpfs_path()
    except ModuleNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise ExportSettingsError(
            f"DuckDB's httpfs extension for duckdb {duckdb.__version__} is not installed "
            "(package duckdb-extension-httpfs): run `make setup`"
        )
    con.execute(f"LOAD {_literal(str(path))}")


def _first_set(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


class S3Target:
    """`s3://bucket/prefix` on AWS or an S3-compatible server (`AWS_ENDPOINT_URL`); the manifest
    is written last, as S3 has no rename."""

    def __init__(self, given: str) -> None:
        parts = urlsplit(given)
        if not parts.netloc:
            raise ExportSettingsError(f"{given}: no bucket in the target; write s3://bucket/prefix")
        self.bucket = parts.netloc
        self.label = f"s3://{parts.netloc}/{parts.path.strip('/')}".rstrip("/")
        key_id, secret = _first_set("AWS_ACCESS_KEY_ID"), _first_set("AWS_SECRET_ACCESS_KEY")
        if not key_id or not secret:
            raise ExportSettingsError(
                f"export to {self.label}: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set "
                "(and AWS_ENDPOINT_URL for an S3-compatible server)"
            )
        self.session_token = _first_set("AWS_SESSION_TOKEN")
        self.key_id, self.secret = key_id, secret
        self.region = _first_set("AWS_REGION", "AWS_DEFAULT_REGION") or "us-east-1"
        self.endpoint = _first_set("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
        self.mask = SecretMask([secret, key_id, *([self.session_token] if self.session_token else [])])

    def _secret_sql(self) -> str:
        options = {"KEY_ID": self.key_id, "SECRET": self.secret, "REGION": self.region}
        if self.session_token:
            options["SESSION_TOKEN"] = self.session_token
        settings = ""
        if self.endpoint:  # S3-compatible servers are addressed by path, on the scheme given
            endpoint = urlsplit(self.endpoint if "//" in self.endpoint else f"//{self.endpoint}")
            options["ENDPOINT"], options["URL_STYLE"] = endpoint.netloc, "path"
            settings = f", USE_SSL {'false' if endpoint.scheme == 'http' else 'true'}"
        listed = ", ".join(f"{key} {_literal(value)}" for key, value in options.items())
        return f"CREATE OR REPLACE TEMPORARY SECRET export_s3 (TYPE s3, {listed}{settings})"

    def open(self, con: duckdb.DuckDBPyConnection, export_id: str) -> str:
        load_httpfs(con)
        con.execute(self._secret_sql())  # in memory only, for this connection
        # one listing first: a bucket that is missing, refused or unreachable stops the export here
        try:
            con.execute(f"SELECT count(*) FROM glob({_literal(self.label + '/*')})").fetchall()
        except duckdb.HTTPException as error:  # DuckDB's own words garble the URL: say it plainly
            server = self.endpoint or f"AWS S3 ({self.region})"
            reason = {
                404: f"no bucket {self.bucket} at {server} (HTTP 404)",
                403: f"{server} refused the keys in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for "
                f"bucket {self.bucket} (HTTP 403)",
            }.get(getattr(error, "status_code", 0))
            if reason is None:
                raise
            raise ExportFailed(f"export to {self.label} failed: {reason}") from None
        return self.final(export_id)

    def final(self, export_id: str) -> str:
        return f"{self.label}/{export_id}"

    def taken(self, export_id: str) -> bool:
        return False  # the recorded export ids are checked; a bucket is not listed for it

    def publish(self, export_id: str) -> None:
        """Nothing: the manifest, written last, is what says the folder is whole."""

    def discard(self, export_id: str) -> None:
        """Nothing: DuckDB does not delete objects; a folder without the manifest is incomplete."""

    @contextmanager
    def errors(self) -> Iterator[None]:
        try:
            yield
        except duckdb.Error as error:  # DuckDB's words name the URL, never the keys: masked anyway
            reason = self.mask.mask(one_line(str(error)))
            raise ExportFailed(f"export to {self.label} failed: {reason}") from None


class MotherDuckTarget:
    """`md:database`: one table per mart, replaced, in the database's `main` schema."""

    def __init__(self, given: str) -> None:
        self.database = given.removeprefix("md:").strip()
        if not re.fullmatch(r"[A-Za-z_][\w-]*", self.database):
            raise ExportSettingsError(f"{given}: write md:<database>, e.g. md:commerce")
        self.label = f"md:{self.database}"
        if not _first_set("MOTHERDUCK_TOKEN", "motherduck_token"):
            raise ExportSettingsError(
                f"export to {self.label} skipped: MOTHERDUCK_TOKEN is not set (nothing was exported, "
                "nothing was contacted); set it to your MotherDuck token to export there"
            )

    @contextmanager
    def errors(self) -> Iterator[None]:
        token = _first_set("MOTHERDUCK_TOKEN", "motherduck_token") or ""
        try:
            yield
        except duckdb.Error as error:
            reason = SecretMask([token]).mask(one_line(str(error)))
            raise ExportFailed(f"export to {self.label} failed: {reason}") from None

    def write(self, con: duckdb.DuckDBPyConnection, mart: str) -> tuple[int, str]:
        """The mart as a table (DuckDB's motherduck extension reads MOTHERDUCK_TOKEN itself: the
        token is in no statement)."""
        attached = con.execute("SELECT database_name FROM duckdb_databases()").fetchall()
        if (self.database,) not in attached:  # read-write: an ATTACH inherits the warehouse's read-only
            con.execute(f"ATTACH {_literal(self.label)} (READ_WRITE)")
        table = f'"{self.database}".main."{mart}"'
        con.execute(f'CREATE OR REPLACE TABLE {table} AS SELECT * FROM {MART_SCHEMA}."{mart}"')
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()
        return (rows[0] if rows else 0), f"{self.label}.main.{mart}"


Target = FileTarget | S3Target | MotherDuckTarget


def target_for(given: str) -> Target:
    """The target named on the command line, its settings checked (nothing contacted yet)."""
    if given.startswith("s3://"):
        return S3Target(given)
    if given.startswith("md:"):
        return MotherDuckTarget(given)
    if "://" in given:
        raise ExportSettingsError(f"{given}: export to a folder, s3://bucket/prefix or md:database")
    return FileTarget(given)


# ------------------------------------------------------------------------------ what prod serves


def promoted_version(con: duckdb.DuckDBPyConnection) -> PromotedVersion:
    """The promoted version prod serves, or ExportFailed when there is none the gate passed."""
    from commerce_stack.transform import promotion
    from commerce_stack.warehouse import label

    release = promotion.promoted()
    if release is None or release.prod_plan is None:
        raise ExportFailed(
            f"nothing was ever promoted on {label()}: only promoted data is exported; "
            "run `make run` until a run promotes, then export"
        )
    plan = promotion.prod_plan_id()
    if plan != release.prod_plan:
        raise ExportFailed(
            f"prod is not the version the last promotion recorded (SQLMesh's prod plan {plan}, "
            f"promoted {release.prod_plan}): run `make gate` to validate and record it, then export"
        )
    try:
        row = con.execute(
            "SELECT run_id, CAST(loads AS VARCHAR) FROM dq.gate_runs WHERE promoted "
            "ORDER BY started_at DESC, run_id DESC LIMIT 1"
        ).fetchone()
    except duckdb.CatalogException:  # no history at all
        row = None
    if row is None or json.loads(row[1] or "null") != release.loads:
        raise ExportFailed(
            "dq.gate_runs has no promoted run with the loads prod serves: the promotion cannot be "
            "traced to its gate run; run `make gate`, then export"
        )
    return PromotedVersion(row[0], release.prod_plan, release.loads, release.project)


def prod_marts(con: duckdb.DuckDBPyConnection) -> list[str]:
    from commerce_stack.warehouse import tables

    return tables(con, MART_SCHEMA)


def chosen_marts(con: duckdb.DuckDBPyConnection, names: list[str] | None) -> list[str]:
    """The marts asked for (`orders` or `marts.orders`), in prod's order; all when `names` is None."""
    available = prod_marts(con)
    if names is None:
        return available
    chosen = [name.removeprefix(f"{MART_SCHEMA}.") for name in names]
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise ExportSettingsError(
            f"no mart {', '.join(unknown)} in prod: choose among {', '.join(available)} (or --all)"
        )
    return [name for name in available if name in chosen]


def snapshot_table(con: duckdb.DuckDBPyConnection, mart: str) -> str | None:
    """The versioned table prod's view reads (`sqlmesh__marts.marts__orders__<fingerprint>`)."""
    row = con.execute(
        "SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ?", [MART_SCHEMA, mart]
    ).fetchone()
    found = _VIEW_SOURCE.search(row[0]) if row and row[0] else None
    return found.group(1).replace('"', "") if found else None


def mart_columns(con: duckdb.DuckDBPyConnection, mart: str) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [MART_SCHEMA, mart],
    ).fetchall()
    return dict(rows)


# ------------------------------------------------------------------------------------ the export


def _new_export_id(con: duckdb.DuckDBPyConnection, target: Target) -> str:
    """The UTC time to the second, `-2`, `-3`... after an export in the same second."""
    try:
        recorded = {export_id for (export_id,) in con.execute("SELECT export_id FROM dq.exports").fetchall()}
    except duckdb.CatalogException:  # a history from before exports
        recorded = set()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    export_id, n = stamp, 1
    while export_id in recorded or (isinstance(target, FileTarget) and target.taken(export_id)):
        n += 1
        export_id = f"{stamp}-{n}"
    return export_id


def _unwritten(con: duckdb.DuckDBPyConnection, mart: str) -> ExportedMart:
    """A mart about to be written: its version and columns (rows and location once written)."""
    return ExportedMart(f"{MART_SCHEMA}.{mart}", 0, "", snapshot_table(con, mart), mart_columns(con, mart))


def _copy_options(file_format: str) -> str:
    return "FORMAT parquet" if file_format == "parquet" else "FORMAT csv, HEADER true"


def manifest_text(export: Export) -> str:
    """`_export.json`: what was written, from which promoted version; the column types let a CSV
    reader type the values (DuckDB: `read_csv(file, columns=..., allow_quoted_nulls=false)`)."""
    document: dict[str, Any] = {
        "export_id": export.export_id,
        "exported_at": export.exported_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "target": export.target,
        "format": export.format,
        "promoted": asdict(export.version),
        "marts": [
            {
                "mart": mart.mart,
                "file": mart.location.rsplit("/", 1)[-1],
                "rows": mart.rows,
                "snapshot_table": mart.snapshot_table,
                "columns": mart.columns,
            }
            for mart in export.marts
        ],
    }
    return json.dumps(document, indent=2)


def _write_files(con: duckdb.DuckDBPyConnection, target: FileTarget | S3Target, export: Export) -> None:
    """Each mart to a file, then the manifest, then the folder published."""
    extension, final = export.format, target.final(export.export_id)
    with target.errors():
        folder = target.open(con, export.export_id)
        try:
            for mart in export.marts:
                name = mart.mart.removeprefix(f"{MART_SCHEMA}.")
                written = con.execute(
                    f'COPY (SELECT * FROM {MART_SCHEMA}."{name}") TO '
                    f"{_literal(f'{folder}/{name}.{extension}')} ({_copy_options(export.format)})"
                ).fetchone()
                mart.rows, mart.location = (written[0] if written else 0), f"{final}/{name}.{extension}"
                print(f"{mart.mart}: {mart.rows} rows -> {mart.location}", flush=True)
            _write_text(con, f"{folder}/{MANIFEST}", manifest_text(export))
            target.publish(export.export_id)
        except BaseException:
            target.discard(export.export_id)
            raise
    export.manifest = f"{final}/{MANIFEST}"


def _write_tables(con: duckdb.DuckDBPyConnection, target: MotherDuckTarget, export: Export) -> None:
    with target.errors():
        for mart in export.marts:
            mart.rows, mart.location = target.write(con, mart.mart.removeprefix(f"{MART_SCHEMA}."))
            print(f"{mart.mart}: {mart.rows} rows -> {mart.location}", flush=True)


def _record(export: Export) -> None:
    """One row per mart in dq.exports (a write: the caller holds the run lock)."""
    from commerce_stack.quality.results import ensure_dq_schema
    from commerce_stack.warehouse import connect

    version = export.version
    with connect(read_only=False) as con:
        ensure_dq_schema(con)
        con.executemany(
            "INSERT INTO dq.exports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, json(?), ?)",
            [
                [
                    export.export_id, export.exported_at, export.target, export.format, mart.mart,
                    mart.rows, mart.location, export.manifest, version.gate_run_id, version.prod_plan,
                    json.dumps(version.loads, sort_keys=True), mart.snapshot_table,
                ]
                for mart in export.marts
            ],
        )  # fmt: skip


def export(marts: list[str] | None, to: str, file_format: str = "parquet") -> Export:
    """Export `marts` (None: all) of the promoted prod to `to`; recorded in dq.exports."""
    from commerce_stack.pipeline.lock import run_lock
    from commerce_stack.warehouse import exists, label, on_bigquery, warehouse_path

    if file_format not in FORMATS:
        raise ExportSettingsError(f"unknown format {file_format}: choose {' or '.join(FORMATS)}")
    target = target_for(to)
    if on_bigquery():
        raise ExportSettingsError(
            "export reads the embedded DuckDB warehouse; prod on BigQuery (SQLMESH_GATEWAY=bigquery) "
            "is not exported by it: use BigQuery's EXPORT DATA to Cloud Storage"
        )
    if not exists():
        raise ExportFailed(f"no warehouse at {label()}: run the pipeline first")
    with run_lock():  # no run may promote (or write) while prod is read and the export recorded
        with duckdb.connect(str(warehouse_path()), read_only=True) as con:
            con.execute("SET TimeZone = 'UTC'")  # CSV timestamps in UTC whatever the machine's zone
            version = promoted_version(con)
            result = Export(
                _new_export_id(con, target),
                datetime.now(UTC).replace(tzinfo=None),
                target.label,
                "motherduck" if isinstance(target, MotherDuckTarget) else file_format,
                version,
                [_unwritten(con, name) for name in chosen_marts(con, marts)],
            )
            if isinstance(target, MotherDuckTarget):
                _write_tables(con, target, result)
            else:
                _write_files(con, target, result)
        _record(result)
    return result
