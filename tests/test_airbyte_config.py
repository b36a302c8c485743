"""airbyte_config/: the declared connection, and clear errors for bad declarations."""

from pathlib import Path

import pytest

from commerce_stack.airbyte_config import (
    AirbyteConfigError,
    BigQueryTarget,
    connection_names,
    interpolate,
    load_connection,
    load_destination,
    load_source,
    type_by_spec,
)
from commerce_stack.paths import ROOT


def test_given_the_repository_when_loading_fakestore_then_streams_modes_and_keys_are_declared(monkeypatch):
    monkeypatch.setenv("FAKESTORE_BASE_URL", "http://127.0.0.1:1234")
    connection = load_connection("fakestore")

    assert connection.namespace == "raw_fakestore"
    assert connection.source.configuration["base_url"] == "http://127.0.0.1:1234"
    assert connection.source.executable.name == "source-fakestore"
    streams = {s.name: s for s in connection.streams}
    assert set(streams) == {"products", "users", "carts"}
    assert streams["carts"].sync_mode == "incremental"
    assert streams["carts"].cursor_field == "date"
    assert streams["products"].sync_mode == "full_refresh"
    assert all(s.primary_key == ["id"] for s in streams.values())
    assert all(s.destination_sync_mode == "append" for s in streams.values())
    assert "fakestore" in connection_names()


def test_given_no_base_url_in_environment_when_loading_then_the_real_api_is_the_default(monkeypatch):
    monkeypatch.delenv("FAKESTORE_BASE_URL", raising=False)
    assert load_connection("fakestore").source.configuration["base_url"] == "https://fakestoreapi.com"


def test_given_the_repository_when_loading_tinyerp_then_the_token_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TINYERP_API_TOKEN", "t0ken")
    monkeypatch.delenv("TINYERP_BASE_URL", raising=False)
    monkeypatch.delenv("TINYERP_REQUESTS_PER_MINUTE", raising=False)
    connection = load_connection("tinyerp")

    assert connection.namespace == "raw_tinyerp"
    configuration = connection.source.configuration
    assert configuration["api_token"] == "t0ken"
    assert configuration["base_url"] == "https://api.tiny.com.br/api2"
    assert configuration["requests_per_minute"] == ""  # unset: the plan's x-limit-api header decides
    streams = {s.name: s for s in connection.streams}
    assert set(streams) == {"orders", "pos_sales", "products", "contacts", "invoices"}
    assert streams["products"].sync_mode == "full_refresh"
    assert {streams[n].cursor_field for n in ("orders", "pos_sales", "contacts")} == {"_scan_started_at"}
    assert all(s.destination_sync_mode == "append" for s in streams.values())
    assert connection_names() == ["fakestore", "linnworks", "tinyerp"]


def test_given_no_token_when_loading_tinyerp_then_streams_load_and_only_the_configuration_fails(monkeypatch):
    # Pinning loads lists connections and streams; it must not need the API token.
    monkeypatch.delenv("TINYERP_API_TOKEN", raising=False)
    connection = load_connection("tinyerp")
    assert [s.name for s in connection.streams][0] == "orders"
    with pytest.raises(AirbyteConfigError, match="TINYERP_API_TOKEN is not set"):
        _ = connection.source.configuration


def test_given_an_unset_variable_without_default_when_interpolating_then_the_error_names_it(monkeypatch):
    monkeypatch.delenv("TINYERP_API_TOKEN", raising=False)
    with pytest.raises(AirbyteConfigError, match="TINYERP_API_TOKEN is not set"):
        interpolate({"api_token": "${TINYERP_API_TOKEN}"}, "sources/tinyerp.yaml")


def test_given_a_token_read_from_a_file_when_interpolating_then_its_trailing_newline_is_dropped(monkeypatch):
    monkeypatch.setenv("TINYERP_API_TOKEN", " AUD+IT/PR=OBE%41&x\r\n")
    assert interpolate({"api_token": "${TINYERP_API_TOKEN}"}, "sources/tinyerp.yaml") == {
        "api_token": " AUD+IT/PR=OBE%41&x"  # only the line break: a space may be part of a secret
    }


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_given_an_incremental_stream_without_cursor_when_loading_then_it_is_rejected(tmp_path):
    _write(tmp_path, "sources/s.yaml", "name: s\nconnector: {name: source-s, local_path: connectors/s}\n")
    _write(
        tmp_path,
        "connections/c.yaml",
        "name: c\nsource: s\nnamespace: raw_s\nstreams:\n"
        "  - {name: orders, sync_mode: incremental, destination_sync_mode: append}\n",
    )
    with pytest.raises(AirbyteConfigError, match="stream orders: an incremental stream needs a cursor_field"):
        load_connection("c", config_dir=tmp_path)


def test_given_an_unknown_sync_mode_when_loading_then_it_is_rejected(tmp_path):
    _write(tmp_path, "sources/s.yaml", "name: s\nconnector: {name: source-s, local_path: connectors/s}\n")
    _write(
        tmp_path,
        "connections/c.yaml",
        "name: c\nsource: s\nnamespace: raw_s\nstreams:\n"
        "  - {name: orders, sync_mode: cdc, destination_sync_mode: append}\n",
    )
    with pytest.raises(AirbyteConfigError, match="sync_mode must be one of"):
        load_connection("c", config_dir=tmp_path)


SPEC = {
    "properties": {
        "api_token": {"type": "string"},
        "requests_per_minute": {"type": "integer"},
        "ratio": {"type": "number"},
        "verbose": {"type": "boolean"},
    }
}


def test_given_environment_strings_when_typed_by_the_spec_then_numbers_are_numbers_and_empty_is_unset():
    typed = type_by_spec(
        {"api_token": "0123", "requests_per_minute": "60", "ratio": "0.5", "verbose": "True", "x": ""},
        SPEC,
        "sources/shop.yaml",
    )
    assert typed == {"api_token": "0123", "requests_per_minute": 60, "ratio": 0.5, "verbose": True}


def test_given_a_non_number_for_an_integer_setting_when_typed_then_the_error_names_the_key():
    with pytest.raises(AirbyteConfigError, match=r"sources/shop.yaml: requests_per_minute must be integer"):
        type_by_spec({"requests_per_minute": "sixty"}, SPEC, "sources/shop.yaml")


def test_given_the_repository_when_loading_a_connection_then_its_destination_and_images_are_declared(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(tmp_path / "warehouse.duckdb"))
    connection = load_connection("tinyerp")
    assert connection.destination.name == "warehouse"
    assert connection.destination.local_type == "duckdb"
    assert connection.destination.local_path == tmp_path / "warehouse.duckdb"
    assert connection.destination.production_type == "bigquery"
    assert connection.destination.production_image == "airbyte/destination-bigquery"
    assert connection.source.docker_image == "commerce-stack/source-tinyerp:0.1.0"
    monkeypatch.delenv("COMMERCE_WAREHOUSE_PATH")
    assert load_destination("warehouse").local_path == ROOT / "data" / "warehouse.duckdb"


def test_given_a_connection_to_an_undeclared_destination_when_loading_then_the_error_names_the_file(tmp_path):
    _write(tmp_path, "sources/shop.yaml", "name: shop\nconnector: {name: source-shop, local_path: x}\n")
    _write(
        tmp_path,
        "connections/shop.yaml",
        "name: shop\nsource: shop\ndestination: lake\nnamespace: raw_shop\n"
        "streams: [{name: orders, sync_mode: full_refresh, destination_sync_mode: append}]\n",
    )
    with pytest.raises(AirbyteConfigError, match="destinations/lake.yaml does not exist"):
        load_connection("shop", tmp_path)


def test_given_a_declaration_that_is_not_yaml_when_loading_then_one_clear_line_names_it(tmp_path):
    _write(tmp_path, "connections/shop.yaml", "name: shop\nstreams: [unclosed\n")
    with pytest.raises(AirbyteConfigError, match=r"connections/shop.yaml is not valid YAML"):
        load_connection("shop", tmp_path)


def test_given_the_repository_when_loading_linnworks_then_the_stock_connector_and_its_proxy_are_declared(
    monkeypatch,
):
    for name in ("LINNWORKS_HTTPS_PROXY", "LINNWORKS_CA_BUNDLE", "LINNWORKS_NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    connection = load_connection("linnworks")
    source = connection.source
    assert source.local_path == ROOT / "connectors" / "stock" / "source-linnworks"
    assert source.docker_image == "airbyte/source-linnworks:0.1.66"
    # the real API: no proxy, no CA of ours; NO_PROXY keeps local addresses direct either way
    assert source.environment == {"NO_PROXY": "127.0.0.1,localhost"}
    monkeypatch.setenv("LINNWORKS_HTTPS_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("LINNWORKS_CA_BUNDLE", "/tmp/ca.pem")
    assert source.environment == {
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
        "REQUESTS_CA_BUNDLE": "/tmp/ca.pem",
    }
    assert source.variables_of(["application_secret", "token"]) == [
        "LINNWORKS_APPLICATION_SECRET",
        "LINNWORKS_TOKEN",
    ]
    streams = {s.name: (s.sync_mode, s.cursor_field, s.primary_key) for s in connection.streams}
    assert streams == {
        "stock_locations": ("full_refresh", None, ["StockLocationIntId"]),
        "stock_location_details": ("full_refresh", None, ["StockLocationIntId"]),
        "stock_items": ("full_refresh", None, ["StockItemIntId"]),
        "processed_orders": ("incremental", "dProcessedOn", ["nOrderId"]),
        "processed_order_details": ("incremental", "ProcessedDateTime", ["NumOrderId"]),
    }
    assert connection.namespace == "raw_linnworks"


def test_given_a_local_environment_that_is_not_a_mapping_when_loading_then_the_error_names_it(tmp_path):
    _write(
        tmp_path,
        "sources/shop.yaml",
        "name: shop\nconnector: {name: s, local_path: x, local_environment: [A]}\n",
    )
    with pytest.raises(
        AirbyteConfigError, match=r"sources/shop.yaml: connector: 'local_environment' must map"
    ):
        load_source("shop", tmp_path)


# --- the local runner's destination: DuckDB or BigQuery, by one variable ---------------------------


def _bigquery_settings(monkeypatch, **values: str) -> None:
    for name in (
        "COMMERCE_RAW_DESTINATION",
        "GCP_PROJECT",
        "BIGQUERY_LOCATION",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_given_no_switch_when_loading_the_destination_then_the_runner_writes_duckdb(monkeypatch):
    _bigquery_settings(monkeypatch)  # and no Google variable is needed
    destination = load_destination("warehouse")
    assert destination.local_type == "duckdb"
    assert destination.bigquery is None


def test_given_bigquery_when_loading_the_destination_then_project_location_and_adc_are_read(monkeypatch):
    _bigquery_settings(monkeypatch, COMMERCE_RAW_DESTINATION="bigquery", GCP_PROJECT="shop-prod")
    destination = load_destination("warehouse")
    assert destination.local_type == "bigquery"
    assert destination.bigquery == BigQueryTarget(project="shop-prod", location="US", credentials_path=None)


def test_given_a_key_file_when_loading_bigquery_then_the_runner_uses_it(monkeypatch, tmp_path):
    key = tmp_path / "service-account.json"
    key.write_text("{}")
    _bigquery_settings(
        monkeypatch,
        COMMERCE_RAW_DESTINATION="bigquery",
        GCP_PROJECT="shop-prod",
        BIGQUERY_LOCATION="EU",
        GOOGLE_APPLICATION_CREDENTIALS=str(key),
    )
    assert load_destination("warehouse").bigquery == BigQueryTarget("shop-prod", "EU", key)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"COMMERCE_RAW_DESTINATION": "bq"},
            r"^destinations/warehouse.yaml: local.type must be one of \['bigquery', 'duckdb'\], got 'bq' "
            r"\(from COMMERCE_RAW_DESTINATION\)$",
        ),
        (
            {"COMMERCE_RAW_DESTINATION": "bigquery"},
            r"^destinations/warehouse.yaml: local.bigquery.project: "
            r"environment variable GCP_PROJECT is not set$",
        ),
        (
            {"COMMERCE_RAW_DESTINATION": "bigquery", "GCP_PROJECT": ""},
            r"^destinations/warehouse.yaml: local.bigquery: 'project' is required \(from GCP_PROJECT\)$",
        ),
        (
            {
                "COMMERCE_RAW_DESTINATION": "bigquery",
                "GCP_PROJECT": "p",
                "GOOGLE_APPLICATION_CREDENTIALS": "/no/key",
            },
            r"^destinations/warehouse.yaml: local.bigquery: credentials file /no/key does not exist "
            r"\(from GOOGLE_APPLICATION_CREDENTIALS\)$",
        ),
    ],
)
def test_given_a_wrong_bigquery_setting_when_loading_then_one_line_names_it(monkeypatch, values, message):
    _bigquery_settings(monkeypatch, **values)
    with pytest.raises(AirbyteConfigError, match=message):
        load_destination("warehouse")


def test_given_the_production_destination_when_loaded_then_connections_land_in_their_namespaces(monkeypatch):
    _bigquery_settings(monkeypatch)
    assert load_destination("warehouse").production_namespace_definition == "customformat"
    # the datasets both paths write: each connection's namespace
    assert {load_connection(name).namespace for name in connection_names()} == {
        "raw_fakestore",
        "raw_linnworks",
        "raw_tinyerp",
    }


def test_given_another_namespace_definition_when_loading_then_it_is_refused(tmp_path):
    _write(
        tmp_path,
        "destinations/lake.yaml",
        "name: lake\nlocal: {type: duckdb, path: x.duckdb}\n"
        "production: {type: bigquery, namespace_definition: destination}\n",
    )
    with pytest.raises(AirbyteConfigError, match="production.namespace_definition must be customformat"):
        load_destination("lake", tmp_path)
