"""``check``: CheckStream on ``products``."""

from __future__ import annotations

import socket
from unittest import TestCase

from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpMocker

from .config import ConfigBuilder
from .request_builder import FakeStoreRequestBuilder
from .response_builder import error_response, full_response
from .utils import check_output


def _connection_status(output):
    assert len(output.connection_status_messages) == 1, output.errors
    return output.connection_status_messages[0].connectionStatus


def _closed_local_port() -> int:
    """A loopback port nothing listens on (bound then released), so connecting is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestCheck(TestCase):
    @HttpMocker()
    def test_given_products_endpoint_answers_when_check_then_succeeded(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(FakeStoreRequestBuilder.products_endpoint().build(), full_response("products"))

        status = _connection_status(check_output(ConfigBuilder().build()))

        assert status.status == Status.SUCCEEDED

    @HttpMocker()
    def test_given_http_status_401_when_check_then_failed_with_credentials_hint(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(FakeStoreRequestBuilder.products_endpoint().build(), error_response(401, "no"))

        status = _connection_status(check_output(ConfigBuilder().build()))

        assert status.status == Status.FAILED
        assert "HTTP 401" in status.message and "base_url" in status.message

    def test_given_unreachable_base_url_when_check_then_failed_naming_host_and_reachability(self) -> None:
        port = _closed_local_port()

        status = _connection_status(
            check_output(ConfigBuilder().with_base_url(f"http://127.0.0.1:{port}").build())
        )

        assert status.status == Status.FAILED
        assert f"port={port}" in status.message
        assert "Connection refused" in status.message
        assert "Traceback" not in status.message

    def test_given_start_date_in_wrong_format_when_check_then_failed_without_any_request(self) -> None:
        # No HTTP mock: a request would fail differently. Spec validation rejects the config first.
        status = _connection_status(check_output(ConfigBuilder().with_start_date("01/01/2020").build()))

        assert status.status == Status.FAILED
        assert "Config validation error" in status.message and "01/01/2020" in status.message

    def test_given_base_url_without_scheme_when_check_then_failed(self) -> None:
        status = _connection_status(check_output(ConfigBuilder().with_base_url("fakestoreapi.com").build()))

        assert status.status == Status.FAILED
        assert "fakestoreapi.com" in status.message
