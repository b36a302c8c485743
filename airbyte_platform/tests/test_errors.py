"""`commerce_airbyte` in this process, the fake behind the SDK's client (httpx.MockTransport), on a
small desired state written here (the JSON contract `commerce-stack airbyte` sends): every failure
is one line on standard error that names what to fix, with the exit status of the root project."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from commerce_airbyte.__main__ import main
from fake_airbyte import FakeAirbyte

SECRET = "sek+ret/KEY=%41"
DESIRED: dict[str, Any] = {
    "sources": [
        {
            "name": "shop",
            "where": "sources/shop.yaml: configuration",
            "definition": {
                "kind": "declarative",
                "name": "Shop",
                "manifest": {"version": "7.39.1", "streams": []},
            },
            "configuration": {"base_url": "https://shop.test", "api_key": SECRET},
            "secret_fields": ["api_key"],
        }
    ],
    "destinations": [
        {
            "name": "warehouse",
            "where": "destinations/warehouse.yaml: production.configuration",
            "configuration": {
                "destinationType": "bigquery",
                "project_id": "my-shop",
                "dataset_location": "US",
                "dataset_id": "raw_airbyte",
            },
            "secret_fields": [],
        }
    ],
    "connections": [
        {
            "name": "shop",
            "where": "connections/shop.yaml",
            "source": "shop",
            "destination": "warehouse",
            "namespace_definition": "custom_format",
            "namespace_format": "raw_shop",
            "status": "active",
            "schedule": {"schedule_type": "cron", "cron_expression": "0 0 3 * * ?", "note": None},
            "streams": [
                {
                    "name": "orders",
                    "sync_mode": "full_refresh_append",
                    "cursor_field": None,
                    "primary_key": None,
                }
            ],
        }
    ],
}


def _run(
    capsys: pytest.CaptureFixture[str],
    fake: FakeAirbyte,
    desired: dict[str, Any] = DESIRED,
    command: str = "apply",
    client: httpx.Client | None = None,
    **environment: str,
) -> tuple[int, str, str]:
    environ = {
        "AIRBYTE_API_URL": "http://airbyte.test/api/public/v1",
        "AIRBYTE_WORKSPACE_ID": fake.workspace_id,
        "AIRBYTE_CLIENT_ID": fake.client_id,
        "AIRBYTE_CLIENT_SECRET": fake.client_secret,
        **environment,
    }
    status = main([command], io.StringIO(json.dumps(desired)), environ, client or fake.client())
    out, err = capsys.readouterr()
    return status, out, err


def test_given_no_instance_settings_when_run_then_one_line_names_every_missing_variable(capsys) -> None:
    status = main(
        ["plan"], io.StringIO(json.dumps(DESIRED)), {"AIRBYTE_API_URL": " "}, FakeAirbyte().client()
    )
    assert status == 2
    assert capsys.readouterr().err == (
        "error: AIRBYTE_API_URL, AIRBYTE_WORKSPACE_ID, AIRBYTE_CLIENT_ID, AIRBYTE_CLIENT_SECRET are not "
        "set: the Airbyte API's URL (…/api/public/v1; Cloud: https://api.airbyte.com/v1), the workspace id "
        "and an application's client id and secret (Settings > Applications) (docs/airbyte_instance.md §1)\n"
    )


def test_given_an_instance_that_does_not_answer_when_run_then_one_line_says_where_it_was_looked_for(
    capsys,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    status, out, err = _run(capsys, FakeAirbyte(), client=httpx.Client(transport=httpx.MockTransport(refuse)))
    assert (status, out) == (1, "")
    assert err == (
        "error: cannot reach the Airbyte API at http://airbyte.test/api/public/v1 (ConnectError: [Errno 111] "
        "Connection refused): check AIRBYTE_API_URL and that the instance is up\n"
    )


def test_given_a_wrong_client_secret_when_run_then_one_line_names_the_variables(capsys) -> None:
    status, out, err = _run(capsys, FakeAirbyte(), AIRBYTE_CLIENT_SECRET="not-it")
    assert (status, out) == (1, "")
    assert err == (
        "error: the Airbyte instance refused the application's credentials (Unexpected status code 401 from "
        "token endpoint): check AIRBYTE_CLIENT_ID and AIRBYTE_CLIENT_SECRET\n"
    )


def test_given_a_request_the_server_refuses_when_applied_then_the_line_names_the_object_and_the_reason(
    capsys,
) -> None:
    fake = FakeAirbyte()
    fake.catalogs[("manifest", "Shop")] = {
        "streams": [
            {
                "name": "orders",
                "supported_sync_modes": ["full_refresh"],
                "source_defined_primary_key": [["id"]],
            }
        ]
    }
    desired = json.loads(json.dumps(DESIRED))
    desired["connections"][0]["streams"][0]["primary_key"] = [["sku"]]  # the source says [["id"]]
    status, out, err = _run(capsys, fake, desired)
    assert status == 1
    assert err == (
        "error: connection shop: the Airbyte instance answered HTTP 400: stream orders: the primary key is "
        "defined by the source\n"
    )
    assert "created source shop" in out and "created destination warehouse" in out


def test_given_a_server_message_quoting_a_secret_when_refused_then_the_line_masks_it(capsys) -> None:
    fake = FakeAirbyte()

    def echoing(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/sources"):
            key = json.loads(request.content)["configuration"]["api_key"]
            return httpx.Response(400, json={"detail": f"api_key {key} was refused by https://shop.test"})
        return fake.handle(request)

    status, out, err = _run(capsys, fake, client=httpx.Client(transport=httpx.MockTransport(echoing)))
    assert status == 1
    assert (
        err
        == "error: source shop: the Airbyte instance answered HTTP 400: api_key *** was refused by https://shop.test\n"
    )
    assert SECRET not in out + err and "api_key: ***" in out


def test_given_a_body_the_sdk_models_refuse_when_planned_then_nothing_is_sent_and_the_file_is_named(
    capsys,
) -> None:
    fake = FakeAirbyte()
    desired = json.loads(json.dumps(DESIRED))
    desired["destinations"][0]["configuration"]["dataset_location"] = "moon-central1"
    status, out, err = _run(capsys, fake, desired)
    assert (status, out) == (2, "")
    assert err.startswith(
        "error: destinations/warehouse.yaml: production.configuration: dataset_location: "
        "Input should be 'EU', 'US',"
    )
    assert [r.method for r in fake.requests if r.method != "GET"] == ["POST"]  # the token only


def test_given_a_custom_source_when_created_then_its_settings_travel_as_written_and_nothing_is_logged(
    capsys,
) -> None:
    fake = FakeAirbyte()
    status, out, err = _run(capsys, fake, command="apply")
    assert (status, err) == (0, "")  # no pydantic warning quoting the configuration
    (source,) = fake.sources.values()
    assert source["configuration"] == {"base_url": "https://shop.test", "api_key": SECRET}
    assert out.endswith("apply: created 4, replaced 0, left as they are 0, unchanged 0\n")


def test_given_a_source_moved_to_another_definition_when_overwritten_then_one_line_says_to_recreate_it(
    capsys,
) -> None:
    fake = FakeAirbyte()
    assert _run(capsys, fake)[0] == 0
    other = fake.seed_stock_definition("Shop (old)", "example/source-shop", "1.0.0")
    (source,) = fake.sources.values()
    declared = source["definitionId"]
    source["definitionId"] = other  # as a person could have done by recreating it in the UI
    environ = {
        "AIRBYTE_API_URL": "http://airbyte.test/api/public/v1",
        "AIRBYTE_WORKSPACE_ID": fake.workspace_id,
        "AIRBYTE_CLIENT_ID": fake.client_id,
        "AIRBYTE_CLIENT_SECRET": fake.client_secret,
    }
    status = main(["apply", "--overwrite"], io.StringIO(json.dumps(DESIRED)), environ, fake.client())
    out, err = capsys.readouterr()
    assert (status, out) == (1, "")
    assert err == (
        f"error: source shop: definition: instance {other} -> declared {declared} (a source cannot change "
        "definition: delete it in the UI, then apply)\n"
    )
    assert source["definitionId"] == other
