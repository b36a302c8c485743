"""The runner refuses a connection whose declaration disagrees with the connector's catalog."""

from types import SimpleNamespace

import pytest

from commerce_stack.airbyte_config import StreamConfig
from commerce_pyairbyte.sync import SyncError, _check_declaration


def _catalog(**streams):
    return SimpleNamespace(
        discovered_catalog=SimpleNamespace(
            streams=[SimpleNamespace(name=name, **fields) for name, fields in streams.items()]
        )
    )


CARTS = {
    "supported_sync_modes": ["full_refresh", "incremental"],
    "default_cursor_field": ["date"],
    "source_defined_primary_key": [["id"]],
}


def test_given_a_matching_declaration_when_checking_then_it_passes():
    _check_declaration(
        [StreamConfig("carts", "incremental", "append", ["id"], "date")], _catalog(carts=CARTS), "c"
    )


@pytest.mark.parametrize(
    ("stream", "message"),
    [
        (StreamConfig("orders", "incremental", "append", ["id"], "date"), "stream orders is not offered"),
        (
            StreamConfig("carts", "incremental", "append", ["id"], "updated_at"),
            "cursor_field 'updated_at' differs",
        ),
        (
            StreamConfig("carts", "incremental", "append", ["cart_id"], "date"),
            r"primary_key \['cart_id'\] differs",
        ),
    ],
)
def test_given_a_declaration_the_connector_contradicts_when_checking_then_the_error_says_what(
    stream, message
):
    with pytest.raises(SyncError, match=message):
        _check_declaration([stream], _catalog(carts=CARTS), "c")


def test_given_incremental_on_a_full_refresh_only_stream_when_checking_then_it_is_refused():
    products = {**CARTS, "supported_sync_modes": ["full_refresh"], "default_cursor_field": None}
    with pytest.raises(SyncError, match="sync_mode incremental not supported"):
        _check_declaration(
            [StreamConfig("products", "incremental", "append", ["id"], "x")], _catalog(products=products), "c"
        )
