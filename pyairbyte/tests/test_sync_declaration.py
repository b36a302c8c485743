"""The runner checks each connection file against the real connector's discovered catalog."""

from __future__ import annotations

from dataclasses import replace

import airbyte as ab
import pytest
from commerce_pyairbyte.sync import SyncError, _check_declaration

from commerce_stack.airbyte_config import StreamConfig, connection_names, load_connection, type_by_spec


def _discovered(name: str):
    """The connection as declared, and what its connector discovers (these connectors' catalogs
    do not depend on the configuration's values, so the declared defaults serve)."""
    connection = load_connection(name)
    source = ab.get_source(
        connection.source.connector_name,
        local_executable=connection.source.executable,
        install_if_missing=False,
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TINYERP_API_TOKEN", "not-used-by-discover")
        for name in ("LINNWORKS_APPLICATION_ID", "LINNWORKS_APPLICATION_SECRET", "LINNWORKS_TOKEN"):
            env.setenv(name, "not-used-by-discover")
        configuration = connection.source.configuration
    source.set_config(type_by_spec(configuration, source.config_spec, name))
    return connection, source.discovered_catalog


@pytest.fixture(scope="module")
def fakestore():
    return _discovered("fakestore")


@pytest.mark.parametrize("name", ["fakestore", "linnworks", "tinyerp"])
def test_given_the_repository_connections_when_checked_against_their_connectors_then_they_agree(name):
    assert name in connection_names()
    connection, catalog = _discovered(name)
    assert _check_declaration(connection.streams, catalog, name) is None
    assert {s.name for s in connection.streams} <= {s.name for s in catalog.streams}


def _carts(connection) -> StreamConfig:
    return next(s for s in connection.streams if s.name == "carts")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": "orders"}, "connection fakestore: stream orders is not offered by the connector"),
        ({"cursor_field": "updated_at"}, r"cursor_field 'updated_at' differs from the connector's .'date'."),
        ({"primary_key": ["cart_id"]}, r"primary_key \['cart_id'\] differs from the connector's ..'id'.."),
    ],
)
def test_given_a_declaration_the_connector_contradicts_when_checking_then_the_error_says_what(
    fakestore, change, message
):
    connection, catalog = fakestore
    with pytest.raises(SyncError, match=message):
        _check_declaration([replace(_carts(connection), **change)], catalog, "fakestore")


def test_given_incremental_on_a_full_refresh_only_stream_when_checking_then_it_is_refused(fakestore):
    connection, catalog = fakestore
    products = next(s for s in connection.streams if s.name == "products")
    incremental = replace(products, sync_mode="incremental", cursor_field="id")
    with pytest.raises(SyncError, match="stream products: sync_mode incremental not supported"):
        _check_declaration([incremental], catalog, "fakestore")
