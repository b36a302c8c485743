"""``spec`` and ``discover``: what the platform and PyAirbyte see of the connector."""

from __future__ import annotations

import re
from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import discover
from source_fakestore.run import create_source

from .config import ConfigBuilder


def _spec() -> dict:
    return create_source().spec(logger=None).connectionSpecification  # type: ignore[arg-type]


def _catalog_streams() -> dict:
    config = ConfigBuilder().build()
    output = discover(create_source(config=config), config)
    return {stream.name: stream for stream in output.catalog.catalog.streams}


class TestSpec(TestCase):
    def test_given_spec_when_read_then_every_property_is_documented_and_ordered(self) -> None:
        properties = _spec()["properties"]

        assert list(properties) == [
            "base_url",
            "start_date",
            "window_size_days",
            "lookback_days",
            "retry_wait_factor",
        ]
        assert [p["order"] for p in properties.values()] == [0, 1, 2, 3, 4]
        assert [n for n, p in properties.items() if p.get("airbyte_hidden")] == ["retry_wait_factor"]
        for name, prop in properties.items():
            assert {"title", "description", "examples", "default"} <= prop.keys(), name
        assert properties["base_url"]["default"] == "https://fakestoreapi.com"

    def test_given_start_date_pattern_when_matching_then_dates_and_utc_datetimes_accepted(self) -> None:
        pattern = re.compile(_spec()["properties"]["start_date"]["pattern"])

        for accepted in ["2019-01-01", "2019-01-01T00:00:00Z", "2020-03-02T00:00:00.000Z"]:
            assert pattern.match(accepted), accepted
        for rejected in ["01/01/2019", "2019-1-1", "2019-01-01T00:00:00+02:00", "yesterday"]:
            assert not pattern.match(rejected), rejected


class TestDiscover(TestCase):
    def test_given_config_when_discover_then_three_streams_with_id_primary_keys(self) -> None:
        streams = _catalog_streams()

        assert sorted(streams) == ["carts", "products", "users"]
        assert all(s.source_defined_primary_key == [["id"]] for s in streams.values())

    def test_given_config_when_discover_then_only_carts_is_incremental_on_date(self) -> None:
        streams = _catalog_streams()

        assert streams["carts"].supported_sync_modes == [SyncMode.full_refresh, SyncMode.incremental]
        assert streams["carts"].default_cursor_field == ["date"]
        assert streams["carts"].source_defined_cursor is True
        assert streams["products"].supported_sync_modes == [SyncMode.full_refresh]
        assert streams["users"].supported_sync_modes == [SyncMode.full_refresh]

    def test_given_config_when_discover_then_price_is_number_and_password_is_not_in_schema(self) -> None:
        streams = _catalog_streams()

        products = streams["products"].json_schema["properties"]
        assert products["price"]["type"] == ["null", "number"]
        assert products["rating"]["properties"]["rate"]["type"] == ["null", "number"]
        users = streams["users"].json_schema["properties"]
        assert "password" not in users
        assert users["address"]["properties"]["geolocation"]["properties"]["lat"]["type"] == [
            "null",
            "string",
        ]
        carts = streams["carts"].json_schema["properties"]
        assert carts["date"]["format"] == "date-time"
