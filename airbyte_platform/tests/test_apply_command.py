"""`commerce-stack airbyte apply [--dry-run]`, the whole command (the root project's CLI, its child in this
environment), against the fake Airbyte API on loopback, with the repository's `airbyte_config/`:
the plan of an empty instance, apply, re-apply (nothing changes), a schedule and a setting changed
in the UI (reported, left as they are), `--overwrite` (replaced); no secret printed or in a URL."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from conftest import COMMERCE_STACK, NOT_SECRET, SECRETS, cached_catalogs
from fake_airbyte import API_ROOT, FakeAirbyte, Logged

from commerce_stack.secret_forms import SecretMask

WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _writes(requests: list[Logged]) -> list[str]:
    """`POST /sources`, `PUT /sources/{id}`...: the writes, workspace and ids shown as placeholders."""
    found = []
    for request in requests:
        if request.method in WRITES:
            parts = request.url.split("?")[0].removeprefix(API_ROOT).split("/")
            shown = ["{id}" if len(part) == 36 and part.count("-") == 4 else part for part in parts]
            found.append(f"{request.method} {'/'.join(shown)}")
    return found


@dataclass
class Run:
    args: list[str]
    status: int
    stdout: str
    stderr: str
    requests: list[Logged]  # what the fake received during this run


@dataclass
class Lifecycle:
    fake: FakeAirbyte
    url: str
    runs: dict[str, Run]
    drifted: dict[str, dict]  # the two objects edited in the UI, as the UI left them
    after_drift_run: dict[str, dict]  # the same objects after `apply` without --overwrite


@pytest.fixture(scope="module")
def lifecycle() -> Iterator[Lifecycle]:
    fake = FakeAirbyte()
    fake.seed_stock_definition("Linnworks", "airbyte/source-linnworks", "0.1.66")
    environment = {
        **os.environ,
        **SECRETS,
        **NOT_SECRET,
        "AIRBYTE_WORKSPACE_ID": fake.workspace_id,
        "AIRBYTE_CLIENT_ID": fake.client_id,
        "AIRBYTE_CLIENT_SECRET": fake.client_secret,
    }
    with fake.serve() as url:
        environment["AIRBYTE_API_URL"] = url

        def run(name: str, *args: str) -> None:
            before = len(fake.requests)
            done = subprocess.run(
                [str(COMMERCE_STACK), "airbyte", *args],
                env=environment,
                capture_output=True,
                text=True,
                timeout=120,
            )
            runs[name] = Run(list(args), done.returncode, done.stdout, done.stderr, fake.requests[before:])

        runs: dict[str, Run] = {}
        run("plan", "apply", "--dry-run")
        fake.catalogs = cached_catalogs()  # the server checks connections against its sources' catalogs
        run("apply", "apply")
        run("reapply", "apply")
        # a person edits the instance in Airbyte's UI
        fake.edit_connection("tinyerp", schedule={"scheduleType": "cron", "cronExpression": "0 0 */2 * * ?"})
        fake.edit_source("fakestore", start_date="2024-06-01T00:00:00Z")
        drifted = _edited(fake)
        run("drift", "apply")
        after_drift_run = _edited(fake)
        run("overwrite", "apply", "--overwrite")
        yield Lifecycle(fake, url, runs, drifted, after_drift_run)


def _edited(fake: FakeAirbyte) -> dict[str, dict]:
    """Copies of the two objects the test edits in the UI."""
    return {
        "connection": json.loads(
            json.dumps(next(c for c in fake.connections.values() if c["name"] == "tinyerp"))
        ),
        "source": json.loads(json.dumps(next(s for s in fake.sources.values() if s["name"] == "fakestore"))),
    }


def _plan(lifecycle: Lifecycle, body: str) -> str:
    return f"Airbyte instance {lifecycle.url}, workspace {lifecycle.fake.workspace_id}\n{body}"


EMPTY_INSTANCE_PLAN = """\
+ source definition FakeStore (declarative manifest): create
      manifest: CDK 7.39.1, 3 streams
= source definition Linnworks (airbyte/source-linnworks, stock): found on the instance
+ source definition TinyERP (Olist Tiny) (commerce-stack/source-tinyerp, custom Docker image): create
      image: commerce-stack/source-tinyerp:0.1.0
+ source fakestore: create
      base_url: https://fakestoreapi.com
      start_date: 2019-01-01T00:00:00Z
+ source linnworks: create
      application_id: lw-app-id
      application_secret: ***
      token: ***
      start_date: 2024-01-01T00:00:00Z
+ source tinyerp: create
      api_token: ***
      start_date: 2025-01-01
      base_url: https://api.tiny.com.br/api2
      lookback_minutes: 120
      window_days: 7
+ destination warehouse: create
      dataset_id: raw_airbyte
      dataset_location: EU
      project_id: my-shop
      cdc_deletion_mode: Hard delete
      credentials_json: ***
      destinationType: bigquery
      disable_type_dedupe: false
+ connection fakestore: create
      source fakestore -> destination warehouse, namespace raw_fakestore (custom_format)
      schedule: cron 0 0 5 * * ? UTC, status active
      stream products: full_refresh_append, primary key [["id"]]
      stream users: full_refresh_append, primary key [["id"]]
      stream carts: incremental_append, cursor ["date"], primary key [["id"]]
+ connection linnworks: create
      source linnworks -> destination warehouse, namespace raw_linnworks (custom_format)
      schedule: cron 0 0 * * * ? UTC, status active
      stream stock_locations: full_refresh_append, primary key [["StockLocationIntId"]]
      stream stock_location_details: full_refresh_append, primary key [["StockLocationIntId"]]
      stream stock_items: full_refresh_append, primary key [["StockItemIntId"]]
      stream processed_orders: incremental_append, cursor ["dProcessedOn"], primary key [["nOrderId"]]
{order_details}
      note: schedule converted to UTC: 0 0 * * * ? Europe/London -> 0 0 * * * ? UTC
+ connection tinyerp: create
      source tinyerp -> destination warehouse, namespace raw_tinyerp (custom_format)
      schedule: cron 0 0 * * * ? UTC, status active
      stream orders: incremental_append, cursor ["_scan_started_at"], primary key [["id"]]
      stream pos_sales: incremental_append, cursor ["_scan_started_at"], primary key [["id"]]
      stream products: full_refresh_append, primary key [["id"]]
      stream contacts: incremental_append, cursor ["_scan_started_at"], primary key [["id"]]
      stream invoices: incremental_append, cursor ["data_emissao"], primary key [["id"]]
      note: schedule converted to UTC: 0 0 * * * ? America/Sao_Paulo -> 0 0 * * * ? UTC
""".format(
    order_details='      stream processed_order_details: incremental_append, cursor ["ProcessedDateTime"], '
    'primary key [["NumOrderId"]]'
)


def test_given_an_empty_instance_when_planned_then_every_declared_object_is_shown_and_nothing_written(
    lifecycle: Lifecycle,
) -> None:
    run = lifecycle.runs["plan"]
    assert (run.status, run.stderr) == (0, "")
    assert run.stdout == _plan(lifecycle, EMPTY_INSTANCE_PLAN + "plan: 9 to create, 0 differ, 1 unchanged\n")
    assert _writes(run.requests) == ["POST /applications/token"]


def test_given_the_plan_when_applied_then_the_instance_holds_the_declarations(lifecycle: Lifecycle) -> None:
    run, fake = lifecycle.runs["apply"], lifecycle.fake
    assert (run.status, run.stderr) == (0, "")
    assert run.stdout.startswith(_plan(lifecycle, EMPTY_INSTANCE_PLAN))
    assert run.stdout.endswith("apply: created 9, replaced 0, left as they are 0, unchanged 1\n")
    assert _writes(run.requests) == [
        "POST /applications/token",
        "POST /workspaces/{id}/definitions/declarative_sources",
        "POST /workspaces/{id}/definitions/sources",
        *["POST /sources"] * 3,
        "POST /destinations",
        *["POST /connections"] * 3,
    ]
    sources = {s["name"]: s for s in fake.sources.values()}
    # the token as Airbyte must store it: the value, without the newline the variable carried
    assert sources["tinyerp"]["configuration"] == {
        "api_token": "AUD+IT/PR=OBE%41&tiny",
        "start_date": "2025-01-01",
        "base_url": "https://api.tiny.com.br/api2",
        "lookback_minutes": 120,
        "window_days": 7,
    }
    definitions = {d["id"]: d for d in fake.definitions.values()}
    assert definitions[sources["linnworks"]["definitionId"]]["dockerRepository"] == "airbyte/source-linnworks"
    assert definitions[sources["tinyerp"]["definitionId"]] | {"id": ""} == {
        "id": "",
        "name": "TinyERP (Olist Tiny)",
        "dockerRepository": "commerce-stack/source-tinyerp",
        "dockerImageTag": "0.1.0",
        "documentationUrl": "https://tiny.com.br/api-docs/api",
    }
    (manifest,) = fake.declarative.values()
    assert (manifest["name"], manifest["manifest"]["version"], sources["fakestore"]["definitionId"]) == (
        "FakeStore",
        "7.39.1",
        manifest["id"],
    )
    connection = next(c for c in fake.connections.values() if c["name"] == "tinyerp")
    assert connection["sourceId"] == sources["tinyerp"]["sourceId"]
    assert (connection["namespaceDefinition"], connection["namespaceFormat"]) == (
        "custom_format",
        "raw_tinyerp",
    )
    assert connection["schedule"] == {"scheduleType": "cron", "cronExpression": "0 0 * * * ?"}
    assert connection["configurations"]["streams"][0] == {
        "name": "orders",
        "syncMode": "incremental_append",
        "cursorField": ["_scan_started_at"],
        "primaryKey": [["id"]],
    }
    (destination,) = fake.destinations.values()
    assert destination["configuration"]["credentials_json"] == SECRETS["BIGQUERY_CREDENTIALS_JSON"]


def test_given_an_applied_instance_when_applied_again_then_nothing_changes(lifecycle: Lifecycle) -> None:
    run = lifecycle.runs["reapply"]
    assert (run.status, run.stderr) == (0, "")
    assert _writes(run.requests) == ["POST /applications/token"]
    assert run.stdout.endswith("apply: created 0, replaced 0, left as they are 0, unchanged 10\n")
    assert "+ " not in run.stdout and "~ " not in run.stdout


DRIFT = """\
~ source fakestore: differs from airbyte_config/: left as it is (--overwrite replaces it)
      start_date: instance 2024-06-01T00:00:00Z -> declared 2019-01-01T00:00:00Z
"""
SCHEDULE_DRIFT = """\
~ connection tinyerp: differs from airbyte_config/: left as it is (--overwrite replaces it)
      schedule.cronExpression: instance 0 0 */2 * * ? -> declared 0 0 * * * ?
      note: schedule converted to UTC: 0 0 * * * ? America/Sao_Paulo -> 0 0 * * * ? UTC
"""


def test_given_changes_made_in_the_ui_when_applied_then_they_are_reported_and_left_as_they_are(
    lifecycle: Lifecycle,
) -> None:
    run = lifecycle.runs["drift"]
    assert run.status == 1
    assert DRIFT in run.stdout and SCHEDULE_DRIFT in run.stdout
    assert run.stdout.endswith("apply: created 0, replaced 0, left as they are 2, unchanged 8\n")
    assert run.stderr == (
        "error: 2 object(s) on the instance differ from airbyte_config/ and were left as they are (source "
        "fakestore; connection tinyerp): see the differences above; `commerce-stack airbyte apply "
        "--overwrite` replaces them with the declarations\n"
    )
    assert _writes(run.requests) == ["POST /applications/token"]
    assert lifecycle.after_drift_run == lifecycle.drifted  # left as they were


def test_given_drift_when_applied_with_overwrite_then_the_declarations_replace_it(
    lifecycle: Lifecycle,
) -> None:
    run, fake = lifecycle.runs["overwrite"], lifecycle.fake
    assert (run.status, run.stderr) == (0, "")
    assert (
        DRIFT.replace("left as it is (--overwrite replaces it)", "replaced by the declaration") in run.stdout
    )
    assert (
        "replaced source fakestore by its declaration\nreplaced connection tinyerp by its declaration\n"
        in run.stdout
    )
    assert run.stdout.endswith("apply: created 0, replaced 2, left as they are 0, unchanged 8\n")
    assert _writes(run.requests) == [
        "POST /applications/token",
        "PUT /sources/{id}",
        "PATCH /connections/{id}",
    ]
    connection = next(c for c in fake.connections.values() if c["name"] == "tinyerp")
    assert lifecycle.drifted["connection"]["schedule"]["cronExpression"] == "0 0 */2 * * ?"
    assert connection["schedule"] == {"scheduleType": "cron", "cronExpression": "0 0 * * * ?"}
    source = next(s for s in fake.sources.values() if s["name"] == "fakestore")
    assert source["configuration"] == {
        "base_url": "https://fakestoreapi.com",
        "start_date": "2019-01-01T00:00:00Z",
    }


def test_given_every_run_then_no_secret_is_printed_or_in_a_url_and_each_reaches_only_its_object(
    lifecycle: Lifecycle,
) -> None:
    mask = SecretMask([*SECRETS.values(), lifecycle.fake.client_secret])
    for run in lifecycle.runs.values():
        assert mask.found_in(run.stdout + run.stderr) == [], run.args
    requests = lifecycle.fake.requests
    assert [r.url for r in requests if mask.found_in(r.url + r.authorization)] == []
    assert set(_writes([r for r in requests if mask.found_in(r.body)])) == {
        "POST /applications/token",  # the application's secret, to get a token
        "POST /sources",  # each source's own secrets (FakeStore's PUT has none)
        "POST /destinations",  # the service account key
    }
