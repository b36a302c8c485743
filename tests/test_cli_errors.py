"""Bad input is one line, a non-zero exit and no traceback, for every `commerce-stack` command that
meets it: a malformed or invalid airbyte_config declaration (the file and the line or field), a
warehouse file that is not a DuckDB database or is truncated (the file and what to do), one that
another process holds (the file and the holder's pid), a SQLMesh project that does not load.

Each case runs the real CLI as a subprocess; no pipeline runs and no warehouse is built: the
commands stop before they need one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from support.pipeline_runs import copy_project

from commerce_stack.paths import ROOT

CLI = str(ROOT / ".venv" / "bin" / "commerce-stack")
WAREHOUSE_COMMANDS = [
    ["run", "--no-simulator"],
    ["gate"],
    ["loads"],
    ["report"],
    ["sqlmesh", "plan", "dev"],
    ["export", "--all", "--to", "/dev/null/never-written"],  # stops before it writes anything
]
TO_FIX = "restore it from a backup, or move it away so that the next `make run` builds a new warehouse"


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CLI, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def _assert_one_line(done: subprocess.CompletedProcess[str], line: str, status: int) -> None:
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    assert (done.returncode, done.stdout, done.stderr) == (status, "", f"error: {line}\n")


@pytest.fixture
def airbyte_config(tmp_path: Path) -> Path:
    """A copy of airbyte_config/ to break."""
    return Path(shutil.copytree(ROOT / "airbyte_config", tmp_path / "airbyte_config"))


@pytest.mark.parametrize("command", [["run", "--no-simulator"], ["gate"], ["loads"]], ids=lambda c: c[0])
def test_a_declaration_that_is_not_yaml_names_the_file_line_and_column(airbyte_config, tmp_path, command):
    declaration = airbyte_config / "connections" / "fakestore.yaml"
    declaration.write_text("name: fakestore\nsource: fakestore\n  destination: warehouse\n")
    done = _cli(
        *command,
        COMMERCE_AIRBYTE_CONFIG_DIR=str(airbyte_config),
        COMMERCE_WAREHOUSE_PATH=str(tmp_path / "warehouse.duckdb"),
    )
    line = f"{declaration} is not valid YAML: mapping values are not allowed here (line 3, column 14)"
    _assert_one_line(done, line, 2)


def test_an_invalid_declaration_names_the_file_and_the_field(airbyte_config, tmp_path):
    declaration = airbyte_config / "connections" / "fakestore.yaml"
    declaration.write_text(
        declaration.read_text().replace("sync_mode: full_refresh", "sync_mode: sometimes", 1)
    )
    done = _cli(
        "loads",
        COMMERCE_AIRBYTE_CONFIG_DIR=str(airbyte_config),
        COMMERCE_WAREHOUSE_PATH=str(tmp_path / "warehouse.duckdb"),
    )
    line = (
        "connections/fakestore.yaml: stream products: sync_mode must be one of "
        "['full_refresh', 'incremental']"
    )
    _assert_one_line(done, line, 2)


@pytest.mark.parametrize("command", WAREHOUSE_COMMANDS, ids=lambda c: c[0])
def test_a_warehouse_that_is_not_a_duckdb_file_names_it_and_what_to_do(tmp_path, command):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"not a database\n")
    done = _cli(*command, COMMERCE_WAREHOUSE_PATH=str(warehouse))
    _assert_one_line(done, f"the DuckDB file {warehouse} is not a DuckDB database: {TO_FIX}", 2)


def test_a_truncated_warehouse_names_it_and_what_to_do(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS n FROM range(1000)")
    with warehouse.open("r+b") as file:
        file.truncate(8192)  # DuckDB's headers, none of its blocks
    done = _cli("loads", COMMERCE_WAREHOUSE_PATH=str(warehouse))
    _assert_one_line(
        done, f"the DuckDB file {warehouse} is truncated (shorter than DuckDB wrote): {TO_FIX}", 2
    )


HOLDER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])  # a writer: DuckDB locks the file for it
print("HELD", flush=True)
sys.stdin.readline()  # until the test is done
"""


@pytest.fixture(scope="module")
def held(tmp_path_factory) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A warehouse file another process holds a write connection to."""
    warehouse = tmp_path_factory.mktemp("held") / "warehouse.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "HELD"
    yield warehouse, holder
    holder.communicate("done\n", timeout=30)


@pytest.mark.parametrize("command", WAREHOUSE_COMMANDS, ids=lambda c: c[0])
def test_a_warehouse_another_process_holds_names_it_and_its_pid(held, command):
    warehouse, holder = held
    done = _cli(*command, COMMERCE_WAREHOUSE_PATH=str(warehouse))
    program = os.path.realpath(sys.executable)  # DuckDB names the holder's executable
    line = (
        f"the DuckDB file {warehouse} is in use by another process (pid {holder.pid}, {program}): "
        "wait for it to finish, or stop it, then run again"
    )
    _assert_one_line(done, line, 1)


def test_docs_when_the_project_does_not_load_names_the_project_and_the_model(tmp_path):
    project = copy_project(tmp_path / "project", with_unit_tests=False)
    broken = project / "models" / "marts" / "broken.sql"
    broken.write_text("MODEL (name marts.broken);\n\nSELECT (1\n")
    done = _cli("docs", "--check", COMMERCE_PROJECT_DIR=str(project))
    line = (
        f"the SQLMesh project in {project} does not load: Failed to load model from file '{broken}': "
        "Expecting ). Line 3, Col: 9."
    )
    _assert_one_line(done, line, 2)
