"""``spec`` and ``discover``: what the platform and PyAirbyte see of the connector."""

from __future__ import annotations

import re
from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.entrypoint_wrapper import discover
from source_tinyerp.run import create_source

from .config import ConfigBuilder


def _spec() -> dict:
    return create_source().spec(logger=None).connectionSpecification  # type: ignore[arg-type]


def _streams() -> dict:
    config = ConfigBuilder().build()
    output = discover(create_source(), config)
    return {stream.name: stream for stream in output.catalog.catalog.streams}


class TestSpec(TestCase):
    def test_given_spec_when_read_then_properties_ordered_documented_and_token_secret(self) -> None:
        spec = _spec()
        properties = spec["properties"]

        assert list(properties) == [
            "api_token",
            "start_date",
            "base_url",
            "requests_per_minute",
            "lookback_minutes",
            "window_days",
            "invoices_lookback_days",
            "max_concurrent_requests",
            "read_timeout_seconds",
            "retry_wait_factor",
        ]
        assert [p["order"] for p in properties.values()] == list(range(10))
        hidden = [name for name, p in properties.items() if p.get("airbyte_hidden")]
        assert hidden == ["read_timeout_seconds", "retry_wait_factor"]
        assert all({"title", "description", "examples"} <= p.keys() for p in properties.values())
        assert properties["api_token"]["airbyte_secret"] is True
        assert spec["required"] == ["api_token", "start_date"]
        assert properties["base_url"]["default"] == "https://api.tiny.com.br/api2"
        assert "default" not in properties["requests_per_minute"]  # the plan's x-limit-api decides

    def test_given_start_date_pattern_when_matching_then_only_iso_days(self) -> None:
        pattern = re.compile(_spec()["properties"]["start_date"]["pattern"])

        assert pattern.match("2024-01-01")
        for rejected in ("01/01/2024", "2024-1-1", "yesterday"):
            assert not pattern.match(rejected), rejected


class TestDiscover(TestCase):
    def test_given_config_when_discover_then_five_streams_keyed_on_id(self) -> None:
        streams = _streams()

        assert list(streams) == ["orders", "pos_sales", "products", "contacts", "invoices"]
        assert all(s.source_defined_primary_key == [["id"]] for s in streams.values())

    def test_given_config_when_discover_then_sync_modes_and_cursors(self) -> None:
        streams = _streams()

        for name in ("orders", "pos_sales", "contacts"):
            assert streams[name].supported_sync_modes == [SyncMode.full_refresh, SyncMode.incremental]
            assert streams[name].default_cursor_field == ["_scan_started_at"]
        assert streams["invoices"].default_cursor_field == ["data_emissao"]
        assert streams["products"].supported_sync_modes == [SyncMode.full_refresh]

    def test_given_config_when_discover_then_typed_schemas(self) -> None:
        streams = _streams()

        orders = streams["orders"].json_schema["properties"]
        assert orders["total_pedido"]["type"] == ["null", "number"]
        assert orders["data_pedido"]["format"] == "date-time"
        assert orders["data_pedido"]["airbyte_type"] == "timestamp_with_timezone"
        assert orders["itens"]["items"]["properties"]["quantidade"]["type"] == ["null", "number"]
        assert set(orders["_coercion_errors"]["items"]["properties"]) == {"field", "value", "expected"}
        pos_items = streams["pos_sales"].json_schema["properties"]["itens"]["items"]["properties"]
        assert pos_items["gtin"]["type"] == ["null", "string"]
        assert pos_items["desconto_percentual"]["type"] == ["null", "number"]
