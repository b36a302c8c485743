"""airbyte_config/: the declared connection, and clear errors for bad declarations."""

from pathlib import Path

import pytest

from commerce_stack.ingest.airbyte_config import (
    AirbyteConfigError,
    connection_names,
    interpolate,
    load_connection,
)


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


def test_given_an_unset_variable_without_default_when_interpolating_then_the_error_names_it(monkeypatch):
    monkeypatch.delenv("TINYERP_API_TOKEN", raising=False)
    with pytest.raises(AirbyteConfigError, match="TINYERP_API_TOKEN is not set"):
        interpolate({"api_token": "${TINYERP_API_TOKEN}"}, "sources/tinyerp.yaml")


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
