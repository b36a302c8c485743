"""`commerce-stack export` on a copy of the baseline's promoted warehouse: Parquet and CSV to a
folder and to a real S3-compatible server (moto's, on 127.0.0.1, one for the module), every file
read back and compared with the mart it came from, row for row and typed; `dq.exports` and
`_export.json` name the promoted version written; refusals and bad input are one line each.

The CLI runs as a user runs it (a subprocess); no pipeline runs here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
from moto.server import ThreadedMotoServer
from support.secret_scan import in_files, in_text, in_warehouse

from commerce_stack import export
from commerce_stack.paths import ROOT
from commerce_stack.pipeline.lock import run_lock
from commerce_stack.secret_forms import SecretMask

BUCKET = "shop"
KEY_ID = "AKIDEXPORT+TEST="  # S3 keys in forms that travel escaped: + / = % &
SECRET = "AUD+IT/PR=OBE%41&x\n"  # with the newline a file would give it
MANIFEST = "_export.json"
# what a user's shell might carry into a test: the tests set what they use
UNSET = ("AWS_", "MOTHERDUCK_TOKEN", "motherduck_token", "SQLMESH_GATEWAY", "SQLMESH_ENABLE_BIGQUERY")


def commerce_stack(warehouse: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(UNSET)}
    return subprocess.run(
        [sys.executable, "-m", "commerce_stack.cli", *args],
        cwd=ROOT,
        env={**clean, "COMMERCE_WAREHOUSE_PATH": str(warehouse), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def s3() -> Iterator[tuple[str, Any]]:
    """A real S3-compatible server on 127.0.0.1 (moto's), a bucket in it, and a client to read it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET.strip(),
        region_name="us-east-1",
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


def s3_env(endpoint: str) -> dict[str, str]:
    return {"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_ENDPOINT_URL": endpoint}


@pytest.fixture
def warehouse(baseline, tmp_path: Path) -> Path:
    """The baseline's promoted warehouse and its promotion record, copied (the name kept: its stem
    is the catalog prod's views name)."""
    copy = tmp_path / "wh"
    copy.mkdir()
    for name in ("warehouse.duckdb", "promoted.json"):
        shutil.copy2(baseline.workdir / name, copy / name)
    return copy / "warehouse.duckdb"


def prod_marts(warehouse: Path) -> list[str]:
    sql = "SELECT view_name FROM duckdb_views() WHERE schema_name = 'marts' ORDER BY 1"
    return [name for (name,) in query(warehouse, sql)]


def query(warehouse: Path, sql: str, parameters: list[Any] | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, parameters).fetchall()


def typed_rows(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    """(column names and types, every row in one order) of a relation or a file reader."""
    described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    rows = con.execute(f"SELECT * FROM {relation} ORDER BY ALL").fetchall()
    return [(name, kind) for name, kind, *_ in described], rows


def mart(warehouse: Path, name: str) -> tuple[list[tuple[str, str]], list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return typed_rows(con, f"marts.{name}")


def read_back(path: Path, columns: dict[str, str]) -> tuple[list[tuple[str, str]], list[tuple]]:
    """A file as a consumer reads it: Parquet as typed, CSV with the manifest's column types."""
    with duckdb.connect() as con:
        if path.suffix == ".parquet":
            return typed_rows(con, f"read_parquet('{path}')")
        types = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
        reader = f"read_csv('{path}', header = true, columns = {{{types}}}, allow_quoted_nulls = false)"
        return typed_rows(con, reader)


def exports(warehouse: Path) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute("SELECT * FROM dq.exports ORDER BY export_id, mart")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def promoted_version(warehouse: Path, baseline) -> dict[str, Any]:
    """What the baseline promoted, from its own records: the run, the promotion file."""
    record = json.loads((warehouse.parent / "promoted.json").read_text())
    (run_id,) = query(warehouse, "SELECT run_id FROM dq.gate_runs WHERE promoted")[0]
    assert run_id == baseline.run.summary["run_id"]
    return {"gate_run_id": run_id, "prod_plan": record["prod_plan"], "loads": record["loads"]}


def view_reads(warehouse: Path, name: str, table: str) -> bool:
    """Whether prod's view of mart `name` reads exactly `table` (SQLMesh's versioned table)."""
    sql = query(warehouse, "SELECT sql FROM duckdb_views() WHERE view_name = ?", [name])[0][0]
    return sql.endswith(f" FROM {warehouse.stem}.{table};")


def check_export(
    warehouse: Path, baseline, row_group: list[dict[str, Any]], folder: Path, target: str, file_format: str
) -> None:
    """One export's files (downloaded to `folder`), manifest and dq.exports rows, against prod."""
    names = sorted(row["mart"].removeprefix("marts.") for row in row_group)
    files = [MANIFEST, *(f"{name}.{file_format}" for name in names)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)
    export_id, version = row_group[0]["export_id"], promoted_version(warehouse, baseline)
    manifest = json.loads((folder / MANIFEST).read_text())
    assert {k: manifest[k] for k in ("export_id", "target", "format")} == {
        "export_id": export_id,
        "target": target,
        "format": file_format,
    }
    project = json.loads((warehouse.parent / "promoted.json").read_text())["project"]
    assert manifest["promoted"] == {**version, "project": project}
    assert [m["mart"] for m in manifest["marts"]] == [f"marts.{n}" for n in names]
    for row, entry, name in zip(row_group, manifest["marts"], names, strict=True):
        columns, rows = mart(warehouse, name)
        assert read_back(folder / f"{name}.{file_format}", entry["columns"]) == (columns, rows), name
        assert entry["columns"] == dict(columns)
        assert view_reads(warehouse, name, row["snapshot_table"])
        assert entry == {
            "mart": f"marts.{name}",
            "file": f"{name}.{file_format}",
            "rows": len(rows),
            "snapshot_table": row["snapshot_table"],
            "columns": entry["columns"],
        }
        assert row == {
            "export_id": export_id,
            "exported_at": row_group[0]["exported_at"],
            "target": target,
            "format": file_format,
            "mart": f"marts.{name}",
            "row_count": len(rows),
            "location": f"{target}/{export_id}/{name}.{file_format}",
            "manifest": f"{target}/{export_id}/{MANIFEST}",
            "gate_run_id": version["gate_run_id"],
            "prod_plan": version["prod_plan"],
            "loads": json.dumps(version["loads"], sort_keys=True, separators=(",", ":")),
            "snapshot_table": row["snapshot_table"],
        }
        assert rows, name  # the baseline's marts have rows: an empty file would prove little


def by_export(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["export_id"], []).append(row)
    return list(groups.values())


# ----------------------------------------------------------------------------------- the exports


def test_parquet_and_csv_in_a_folder_read_back_equal_to_the_marts(warehouse, baseline, tmp_path):
    # a candidate the gate has not passed shows one row of each mart: only prod's may be exported
    marts = prod_marts(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        for name in marts:
            con.execute(f"CREATE OR REPLACE VIEW marts__candidate.{name} AS FROM marts.{name} LIMIT 1")
    out = tmp_path / "exports"
    every = commerce_stack(warehouse, "export", "--all", "--to", str(out))
    two = ("--mart", "orders", "--mart", "marts.order_lines")  # a name with its schema or without
    some = commerce_stack(warehouse, "export", *two, "--to", str(out), "--format", "csv")
    assert (every.returncode, every.stderr, some.returncode, some.stderr) == (0, "", 0, "")

    parquet, csv = by_export(exports(warehouse))
    assert [row["mart"] for row in parquet] == [f"marts.{name}" for name in marts]
    assert [row["mart"] for row in csv] == ["marts.order_lines", "marts.orders"]
    assert sorted(p.name for p in out.iterdir()) == sorted([parquet[0]["export_id"], csv[0]["export_id"]])
    check_export(warehouse, baseline, parquet, out / parquet[0]["export_id"], str(out), "parquet")
    check_export(warehouse, baseline, csv, out / csv[0]["export_id"], str(out), "csv")
    assert every.stdout.splitlines()[-1] == (
        f"export {parquet[0]['export_id']}: {len(parquet)} mart(s) to {out} as parquet, promoted by gate "
        f"run {parquet[0]['gate_run_id']} (prod plan {parquet[0]['prod_plan']}); recorded in dq.exports, "
        f"manifest {parquet[0]['manifest']}"
    )


def test_parquet_and_csv_in_a_bucket_read_back_equal_to_the_marts_and_no_key_leaks(
    warehouse, baseline, s3, tmp_path
):
    endpoint, client = s3
    target = f"s3://{BUCKET}/exports/daily"
    env = s3_env(endpoint)
    done = [
        commerce_stack(warehouse, "export", "--all", "--to", f"{target}/", "--format", file_format, **env)
        for file_format in ("parquet", "csv")
    ]
    assert [(d.returncode, d.stderr) for d in done] == [(0, ""), (0, "")]

    groups = by_export(exports(warehouse))
    listed = client.list_objects_v2(Bucket=BUCKET, Prefix="exports/daily/")["Contents"]
    written = [row["location"] for rows in groups for row in rows] + [rows[0]["manifest"] for rows in groups]
    assert sorted(o["Key"] for o in listed) == sorted(uri.removeprefix(f"s3://{BUCKET}/") for uri in written)
    for rows, file_format in zip(groups, ("parquet", "csv"), strict=True):
        folder = tmp_path / rows[0]["export_id"]
        folder.mkdir()
        for obj in listed:
            if obj["Key"].startswith(f"exports/daily/{rows[0]['export_id']}/"):
                client.download_file(BUCKET, obj["Key"], str(folder / obj["Key"].rsplit("/", 1)[-1]))
        check_export(warehouse, baseline, rows, folder, target, file_format)

    mask = SecretMask([KEY_ID, SECRET])
    found = [finding for d in done for finding in in_text(mask, "output", d.stdout + d.stderr)]
    found += in_files(mask, tmp_path) + in_warehouse(mask, warehouse)
    assert found == []


def test_the_httpfs_extension_loads_from_its_wheel_without_a_download(tmp_path):
    with duckdb.connect(config={"extension_directory": str(tmp_path / "none-installed")}) as con:
        export.load_httpfs(con)
        loaded = con.execute(
            "SELECT loaded, installed FROM duckdb_extensions() WHERE extension_name = 'httpfs'"
        ).fetchall()
        autoinstall = con.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone()
    assert (loaded, autoinstall) == ([(True, False)], (False,))  # loaded from the wheel, nothing installed
    assert export.httpfs_path().parent.name == f"v{duckdb.__version__}"
    assert not (tmp_path / "none-installed").exists()


# ------------------------------------------------------------------------------------ refusals


def assert_refused(done: subprocess.CompletedProcess[str], line: str, status: int, warehouse: Path) -> None:
    """One line, the status, no traceback, nothing recorded."""
    assert (done.returncode, done.stdout, done.stderr) == (status, "", f"error: {line}\n")
    assert query(warehouse, "SELECT count(*) FROM dq.exports") == [(0,)]  # made by the baseline's run


def test_nothing_promoted_is_not_exported(warehouse, tmp_path):
    (warehouse.parent / "promoted.json").unlink()
    done = commerce_stack(warehouse, "export", "--all", "--to", str(tmp_path / "out"))
    line = (
        f"nothing was ever promoted on {warehouse}: only promoted data is exported; run `make run` "
        "until a run promotes, then export"
    )
    assert_refused(done, line, 1, warehouse)
    assert not (tmp_path / "out").exists()


def test_a_prod_changed_outside_the_pipeline_is_not_exported(warehouse, tmp_path):
    record = warehouse.parent / "promoted.json"
    promoted = json.loads(record.read_text())
    record.write_text(json.dumps({**promoted, "prod_plan": "an-older-plan"}))
    done = commerce_stack(warehouse, "export", "--all", "--to", str(tmp_path / "out"))
    line = (
        f"prod is not the version the last promotion recorded (SQLMesh's prod plan {promoted['prod_plan']}, "
        "promoted an-older-plan): run `make gate` to validate and record it, then export"
    )
    assert_refused(done, line, 1, warehouse)
    assert not (tmp_path / "out").exists()


def test_a_run_in_progress_stops_the_export(warehouse, tmp_path, monkeypatch):
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(warehouse))
    with run_lock() as lock:
        holder = lock.read_text()
        done = commerce_stack(warehouse, "export", "--all", "--to", str(tmp_path / "out"))
    line = (
        f"another pipeline run is in progress on this warehouse ({holder}); wait for it to finish, or "
        f"stop it, then run again (lock: {lock})"
    )
    assert_refused(done, line, 1, warehouse)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "args, env, line, status",
    [
        (
            ["--mart", "orders", "--mart", "refunds"],
            {},
            "no mart refunds in prod: choose among {marts} (or --all)",
            2,
        ),
        (["--all", "--to", "{file}/exports"], {}, "cannot write to {file}/exports: Not a directory", 2),
        (
            ["--all", "--to", f"s3://{BUCKET}/x"],
            {"AWS_SECRET_ACCESS_KEY": SECRET},
            f"export to s3://{BUCKET}/x: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set "
            "(and AWS_ENDPOINT_URL for an S3-compatible server)",
            2,
        ),
        (
            ["--all", "--to", f"s3://{BUCKET}/x"],
            {**s3_env("http://127.0.0.1:9")},  # the discard port: nothing listens
            f"export to s3://{BUCKET}/x failed: IO Error: Could not establish connection error for HTTP GET "
            "to '/shop/?encoding-type=url&list-type=2&prefix=x%2F'",
            1,
        ),
        (
            ["--all", "--to", "s3://no-such-bucket/x"],
            {"s3": "endpoint"},
            "export to s3://no-such-bucket/x failed: no bucket no-such-bucket at {endpoint} (HTTP 404)",
            1,
        ),
        (
            ["--all", "--to", "md:commerce"],
            {},
            "export to md:commerce skipped: MOTHERDUCK_TOKEN is not set (nothing was exported, nothing "
            "was contacted); set it to your MotherDuck token to export there",
            2,
        ),
        (
            ["--all", "--to", "gs://bucket/x"],
            {},
            "gs://bucket/x: export to a folder, s3://bucket/prefix or md:database",
            2,
        ),
        (
            ["--all", "--to", "{tmp}/out"],
            {"SQLMESH_GATEWAY": "bigquery"},
            "export reads the embedded DuckDB warehouse; prod on BigQuery (SQLMESH_GATEWAY=bigquery) is not "
            "exported by it: use BigQuery's EXPORT DATA to Cloud Storage",
            2,
        ),
    ],
    ids=[
        "unknown-mart",
        "unwritable-folder",
        "missing-credentials",
        "bucket-unreachable",
        "no-such-bucket",
        "motherduck-without-token",
        "unknown-target",
        "bigquery",
    ],
)
def test_bad_input_is_one_line(warehouse, tmp_path, s3, args, env, line, status):
    endpoint, _ = s3
    file = tmp_path / "a-file"
    file.write_text("not a folder")
    if env.pop("s3", None):
        env = s3_env(endpoint)
    args = [a.format(file=file, tmp=tmp_path) for a in args]
    if "--to" not in args:
        args += ["--to", str(tmp_path / "out")]
    done = commerce_stack(warehouse, "export", *args, **env)
    marts = ", ".join(prod_marts(warehouse))
    assert_refused(done, line.format(file=file, endpoint=endpoint, marts=marts), status, warehouse)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "wh"]  # nothing written
    assert in_text(SecretMask([KEY_ID, SECRET]), "output", done.stdout + done.stderr) == []
