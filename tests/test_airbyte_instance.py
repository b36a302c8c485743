"""`commerce-stack airbyte`'s side in this environment: the server rules checked before anything is
sent (UTC crons, combined sync modes, `[["id"]]` keys, the connectors' own catalogs), the desired
state of the repository's connections, and one line for a rule a declaration breaks.

The apply itself (against a fake Airbyte API, in the SDK's environment) is tested in
`airbyte_platform/tests`.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commerce_stack.airbyte_config import AirbyteConfigError, StreamConfig, load_connection, load_source
from commerce_stack.airbyte_instance.catalogs import PLACEHOLDER, connector_facts, discovery_settings
from commerce_stack.airbyte_instance.command import secret_values
from commerce_stack.airbyte_instance.desired import _stream, desired_state
from commerce_stack.airbyte_instance.schedule import Schedule, utc_schedule
from commerce_stack.cli import main
from commerce_stack.paths import ROOT

WHERE = "connections/shop.yaml"
JANUARY = datetime(2027, 1, 1, tzinfo=UTC)
SECRETS = {
    "TINYERP_API_TOKEN": "AUD+IT/PR=OBE%41&tiny\n",
    "LINNWORKS_APPLICATION_SECRET": "lw-secret",
    "LINNWORKS_TOKEN": "lw-token",
    "BIGQUERY_CREDENTIALS_JSON": '{"type": "service_account"}',
}


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**SECRETS, "LINNWORKS_APPLICATION_ID": "lw-app", "GCP_PROJECT": "my-shop"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BIGQUERY_LOCATION", raising=False)


def _cron(expression: str, zone: str) -> Schedule:
    return utc_schedule({"type": "cron", "cron_expression": expression, "timezone": zone}, WHERE, JANUARY)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tinyerp", Schedule("cron", "0 0 * * * ?", "0 0 * * * ? America/Sao_Paulo -> 0 0 * * * ? UTC")),
        ("linnworks", Schedule("cron", "0 0 * * * ?", "0 0 * * * ? Europe/London -> 0 0 * * * ? UTC")),
        ("fakestore", Schedule("cron", "0 0 5 * * ?", None)),
    ],
)
def test_given_the_repository_schedules_when_converted_then_each_is_its_utc_cron(name, expected) -> None:
    assert utc_schedule(load_connection(name).schedule, f"connections/{name}.yaml") == expected


@pytest.mark.parametrize(
    ("expression", "zone", "expected"),
    [
        ("0 0 5 * * ?", "America/Sao_Paulo", "0 0 8 * * ?"),  # one offset all year: the hours move
        ("0 0 */6 * * ?", "America/Sao_Paulo", "0 0 3,9,15,21 * * ?"),
        ("0 0 * * * ?", "Asia/Kolkata", "0 30 * * * ?"),  # UTC+05:30: the minute moves
        ("0 15 22 * * ?", "America/Sao_Paulo", "0 15 1 * * ?"),  # the next UTC day, any day
        ("0 0 5 * * ?", "Etc/GMT-3", "0 0 2 * * ?"),
    ],
)
def test_given_a_cron_in_a_zone_when_exact_all_year_then_it_is_converted(expression, zone, expected) -> None:
    assert _cron(expression, zone) == Schedule("cron", expected, f"{expression} {zone} -> {expected} UTC")


@pytest.mark.parametrize(
    ("expression", "zone", "message"),
    [
        (
            "0 0 5 * * ?",
            "Europe/London",
            "connections/shop.yaml: schedule 0 0 5 * * ? in Europe/London is not one UTC cron on every day "
            "of the year (Europe/London is UTC+00:00 and UTC+01:00 by the season, and Airbyte stores crons "
            "in UTC): write 0 0 5 * * ? UTC or 0 0 4 * * ? UTC with timezone: UTC",
        ),
        (
            "0 0 22 * * MON",
            "America/Sao_Paulo",
            "connections/shop.yaml: schedule 0 0 22 * * MON in America/Sao_Paulo falls on another day in UTC "
            "than in America/Sao_Paulo (UTC-03:00), and its day fields would have to move with it: write the "
            "cron in UTC, with timezone: UTC",
        ),
        (
            "0 */15 * * * ?",
            "UTC",
            "connections/shop.yaml: schedule.cron_expression '0 */15 * * * ?' runs more often than hourly, "
            "which Airbyte refuses: give seconds and minutes one number each (hourly: 0 0 * * * ?)",
        ),
        (
            "*/30 0 * * * ?",
            "UTC",
            "connections/shop.yaml: schedule.cron_expression '*/30 0 * * * ?' runs more often than hourly, "
            "which Airbyte refuses: give seconds and minutes one number each (hourly: 0 0 * * * ?)",
        ),
        (
            "0 0 5 * *",
            "UTC",
            "connections/shop.yaml: schedule.cron_expression '0 0 5 * *' is not a Quartz cron (seconds "
            "minutes hours day-of-month month day-of-week [year])",
        ),
        (
            "0 0 5 * * ?",
            "Mars/Olympus",
            "connections/shop.yaml: schedule.timezone 'Mars/Olympus' is not a time zone",
        ),
    ],
)
def test_given_a_cron_airbyte_cannot_store_when_converted_then_one_line_says_what_to_write(
    expression, zone, message
) -> None:
    with pytest.raises(AirbyteConfigError) as refused:
        _cron(expression, zone)
    assert str(refused.value) == message


def _declared(sync_mode: str, destination_sync_mode: str, key: list[str]) -> StreamConfig:
    cursor = "updated_at" if sync_mode == "incremental" else None
    return StreamConfig("orders", sync_mode, destination_sync_mode, key, cursor)


@pytest.mark.parametrize(
    ("modes", "expected"),
    [
        (("full_refresh", "append"), "full_refresh_append"),
        (("full_refresh", "overwrite"), "full_refresh_overwrite"),
        (("incremental", "append"), "incremental_append"),
        (("incremental", "append_dedup"), "incremental_deduped_history"),
    ],
)
def test_given_our_two_modes_when_sent_then_they_are_the_api_combined_mode_and_keys_are_lists(
    modes, expected
):
    stream = _stream(_declared(*modes, ["id"]), WHERE)
    assert stream == {
        "name": "orders",
        "sync_mode": expected,
        "cursor_field": ["updated_at"] if modes[0] == "incremental" else None,
        "primary_key": [["id"]],
    }


def test_given_modes_airbyte_does_not_combine_when_checked_then_the_file_and_stream_are_named() -> None:
    with pytest.raises(
        AirbyteConfigError,
        match=r"^connections/shop.yaml: stream orders: sync_mode incremental "
        r"with destination_sync_mode overwrite is not a mode Airbyte offers \(full_refresh \+ append",
    ):
        _stream(_declared("incremental", "overwrite", ["id"]), WHERE)
    with pytest.raises(
        AirbyteConfigError, match="^connections/shop.yaml: stream orders: append_dedup needs a primary_key$"
    ):
        _stream(_declared("incremental", "append_dedup", []), WHERE)


def test_given_the_repository_when_its_desired_state_is_built_then_secrets_are_known_and_values_typed(
    environment,
) -> None:
    desired = desired_state()
    sources = {s["name"]: s for s in desired["sources"]}
    assert {name: s["secret_fields"] for name, s in sources.items()} == {
        "fakestore": [],
        "linnworks": ["application_secret", "token"],
        "tinyerp": ["api_token"],
    }
    assert sources["tinyerp"]["configuration"]["lookback_minutes"] == 120  # typed by the spec
    assert sources["tinyerp"]["configuration"]["api_token"] == "AUD+IT/PR=OBE%41&tiny"  # no newline
    assert sources["fakestore"]["definition"]["manifest"]["streams"][2] == {
        "$ref": "#/definitions/streams/carts"
    }
    assert sorted(secret_values(desired)) == sorted(v.strip() for v in SECRETS.values())
    (destination,) = desired["destinations"]
    assert destination["configuration"] == {
        "destinationType": "bigquery",
        "project_id": "my-shop",
        "dataset_location": "US",
        "dataset_id": "raw_airbyte",
        "credentials_json": '{"type": "service_account"}',
    }
    assert [c["namespace_format"] for c in desired["connections"]] == [
        "raw_fakestore",
        "raw_linnworks",
        "raw_tinyerp",
    ]


def test_given_a_connector_with_secrets_when_discovered_then_its_settings_file_holds_a_placeholder(
    environment,
):
    source = load_source("tinyerp")
    spec = connector_facts(source).spec
    settings = discovery_settings(source, spec)
    assert settings["api_token"] == PLACEHOLDER
    assert settings["window_days"] == 7


def _broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    copy = tmp_path / "airbyte_config"
    shutil.copytree(ROOT / "airbyte_config", copy)
    path = copy / "connections" / f"{name}.yaml"
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    return copy


@pytest.mark.parametrize(
    ("name", "old", "new", "line"),
    [
        (
            "fakestore",
            "cursor_field: date",
            "cursor_field: updated_at",
            "connections/fakestore.yaml: stream carts: cursor_field 'updated_at' differs from the "
            "connector's ['date']",
        ),
        (
            "linnworks",
            "primary_key: [nOrderId]",
            "primary_key: [pkOrderID]",
            "connections/linnworks.yaml: stream processed_orders: primary_key ['pkOrderID'] differs from the "
            "connector's [['nOrderId']]",
        ),
        (
            "tinyerp",
            'cron_expression: "0 0 * * * ?"',
            'cron_expression: "0 0 6 * * ?"\n  # moved to 06:00',
            None,  # Sao Paulo keeps one offset: converted, not refused
        ),
        (
            "linnworks",
            'cron_expression: "0 0 * * * ?"',
            'cron_expression: "0 30 6 * * ?"',
            "connections/linnworks.yaml: schedule 0 30 6 * * ? in Europe/London is not one UTC cron on every "
            "day of the year (Europe/London is UTC+00:00 and UTC+01:00 by the season, and Airbyte stores "
            "crons in UTC): write 0 30 6 * * ? UTC or 0 30 5 * * ? UTC with timezone: UTC",
        ),
    ],
)
def test_given_a_declaration_a_server_rule_refuses_when_planned_then_one_line_and_no_instance_contacted(
    environment, monkeypatch, capsys, tmp_path, name, old, new, line
) -> None:
    monkeypatch.setenv("COMMERCE_AIRBYTE_CONFIG_DIR", str(_broken_copy(tmp_path, name, old, new)))
    for variable in ("AIRBYTE_API_URL", "AIRBYTE_WORKSPACE_ID", "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    if line is None:
        (tinyerp,) = [c for c in desired_state(["tinyerp"])["connections"]]
        assert tinyerp["schedule"]["cron_expression"] == "0 0 9 * * ?"
        return
    assert main(["airbyte", "plan", "--connection", name]) == 2
    assert capsys.readouterr() == ("", f"error: {line}\n")


@pytest.mark.parametrize(
    ("connector", "message"),
    [
        (
            "{name: source-shop, local_path: x, instance_definition: helm}",
            "sources/shop.yaml: connector.instance_definition must be one of ['custom_docker', "
            "'declarative', 'stock'], got 'helm'",
        ),
        (
            "{name: source-shop, local_path: x, instance_definition: declarative}",
            "sources/shop.yaml: connector.manifest is required for a declarative definition",
        ),
        (
            "{name: source-shop, local_path: x, instance_definition: custom_docker, docker_image: shop}",
            "sources/shop.yaml: connector.docker_image must be <repository>:<tag> for a custom_docker "
            "definition",
        ),
    ],
)
def test_given_a_source_whose_instance_definition_is_incomplete_when_loaded_then_the_field_is_named(
    tmp_path, connector, message
) -> None:
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "shop.yaml").write_text(f"name: shop\nconnector: {connector}\n")
    with pytest.raises(AirbyteConfigError) as refused:
        load_source("shop", tmp_path)
    assert str(refused.value) == message


def test_given_no_instance_settings_when_applied_then_the_sdk_side_line_reaches_stderr_with_its_status(
    environment, monkeypatch, capsys
) -> None:
    for variable in ("AIRBYTE_API_URL", "AIRBYTE_WORKSPACE_ID", "AIRBYTE_CLIENT_ID", "AIRBYTE_CLIENT_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    assert main(["airbyte", "apply", "--dry-run"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "error: AIRBYTE_API_URL, AIRBYTE_WORKSPACE_ID, AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET are not set"
    )
    assert err.count("\n") == 1
