"""Which warehouse the pipeline works on, and what a wrong BigQuery setting says (no server needed:
the BigQuery path itself runs on the emulator in tests/bigquery)."""

from __future__ import annotations

import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from commerce_stack import warehouse
from commerce_stack.bigquery import _parameter, to_bigquery
from commerce_stack.paths import ROOT
from commerce_stack.pipeline import PipelineError
from commerce_stack.pipeline.ingest import raw_destination

SWITCHES = ("SQLMESH_GATEWAY", "SQLMESH_ENABLE_BIGQUERY", "COMMERCE_RAW_DESTINATION")


@pytest.fixture
def clean_env(monkeypatch):
    for name in (*SWITCHES, "GCP_PROJECT", "GOOGLE_APPLICATION_CREDENTIALS", "BIGQUERY_EMULATOR_HOST"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "duckdb"),
        ({"SQLMESH_ENABLE_BIGQUERY": "1"}, "bigquery"),
        ({"SQLMESH_ENABLE_BIGQUERY": "1", "SQLMESH_GATEWAY": "duckdb"}, "duckdb"),
        ({"SQLMESH_GATEWAY": "bigquery"}, "bigquery"),
    ],
)
def test_the_gateway_follows_config_yaml_s_rule(clean_env, settings, expected):
    for name, value in settings.items():
        clean_env.setenv(name, value)
    assert warehouse.gateway() == expected
    assert raw_destination() == {"COMMERCE_RAW_DESTINATION": expected}


def test_a_raw_destination_that_contradicts_the_gateway_is_one_line_naming_both(clean_env):
    clean_env.setenv("SQLMESH_ENABLE_BIGQUERY", "1")
    clean_env.setenv("COMMERCE_RAW_DESTINATION", "duckdb")
    with pytest.raises(PipelineError) as error:
        raw_destination()
    assert str(error.value) == (
        "COMMERCE_RAW_DESTINATION=duckdb but SQLMesh builds on bigquery (gateway bigquery): unset "
        "COMMERCE_RAW_DESTINATION or set it to bigquery, so the models read what the sync lands"
    )


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "error: GCP_PROJECT is not set: name the BigQuery project of the warehouse"),
        (
            {"GCP_PROJECT": "shop", "GOOGLE_APPLICATION_CREDENTIALS": "/nowhere/key.json"},
            "error: BigQuery warehouse: the key file GOOGLE_APPLICATION_CREDENTIALS names "
            "(/nowhere/key.json) is missing or unreadable (DefaultCredentialsError); unset "
            "SQLMESH_ENABLE_BIGQUERY for the local DuckDB warehouse",
        ),
    ],
)
def test_a_bigquery_setting_that_cannot_work_is_one_line_without_traceback(tmp_path, settings, expected):
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),  # no gcloud credentials of whoever runs the tests
        "SQLMESH_ENABLE_BIGQUERY": "1",
        "COMMERCE_WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        **settings,
    }
    completed = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "commerce-stack"), "loads"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (completed.returncode, completed.stdout, completed.stderr.strip()) == (2, "", expected)


def test_parameters_are_typed_by_their_python_values():
    typed = {
        repr(value): (parameter.type_ if hasattr(parameter, "type_") else parameter.array_type)
        for value in ("x", None, True, 7, 1.5, Decimal("1.50"), datetime(2026, 1, 1),
                      datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1), ["a", "b"])
        for parameter in [_parameter(value)]
    }  # fmt: skip
    assert list(typed.values()) == [
        "STRING", "STRING", "BOOL", "INT64", "FLOAT64", "NUMERIC", "DATETIME", "TIMESTAMP", "DATE", "STRING",
    ]  # fmt: skip


def test_the_pipeline_s_sql_is_written_in_bigquery_s_dialect():
    assert to_bigquery(
        'SELECT "a", count(*) FROM dq.gate_runs WHERE started_at <= CAST(? AS TIMESTAMP) GROUP BY 1; '
        "INSERT INTO dq.quarantine VALUES (json(?))"
    ) == [
        "SELECT `a`, COUNT(*) FROM dq.gate_runs WHERE started_at <= CAST(? AS DATETIME) GROUP BY 1",
        "INSERT INTO dq.quarantine VALUES (PARSE_JSON(?))",
    ]
