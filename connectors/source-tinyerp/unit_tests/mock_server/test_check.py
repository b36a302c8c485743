"""``check``: one ``info.php`` call proves the token, the plan's API access and the base URL."""

from __future__ import annotations

import socket
from unittest import TestCase

from airbyte_cdk.models import Status
from airbyte_cdk.test.mock_http import HttpMocker

from .clock import FakeClock
from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import RATE_LIMITED, error_response, http_response, info_response
from .utils import check_output


def _status(output):
    assert len(output.connection_status_messages) == 1, output.errors
    return output.connection_status_messages[0].connectionStatus


def _closed_local_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestCheck(TestCase):
    @HttpMocker()
    def test_given_valid_token_when_check_then_succeeded(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(TinyRequestBuilder.info().build(), info_response())

        assert _status(check_output(ConfigBuilder().build())).status == Status.SUCCEEDED

    @HttpMocker()
    def test_given_invalid_token_when_check_then_failed_naming_the_token(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            TinyRequestBuilder.info().with_token("wrong-token").build(), error_response("2", "token invalido")
        )

        status = _status(check_output(ConfigBuilder().with_api_token("wrong-token").build()))

        assert status.status == Status.FAILED
        assert status.message.startswith("TinyERP rejected the API token (codigo_erro 2")
        assert "`api_token`" in status.message and "token invalido" in status.message
        assert "wrong-token" not in status.message

    @HttpMocker()
    def test_given_empty_token_when_check_then_code_1_says_to_set_the_token(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            TinyRequestBuilder.info().with_token("").build(), error_response("1", "token não informado")
        )

        status = _status(check_output(ConfigBuilder().with_api_token("").build()))

        assert status.status == Status.FAILED
        assert "received no API token" in status.message and "api_token" in status.message

    @HttpMocker()
    def test_given_plan_without_api_when_check_then_failed_explaining_code_5(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(TinyRequestBuilder.info().build(), error_response("5", "API bloqueada ou sem acesso"))

        status = _status(check_output(ConfigBuilder().build()))

        assert status.status == Status.FAILED and "codigo_erro 5" in status.message

    @HttpMocker()
    def test_given_rate_limited_once_when_check_then_waits_and_succeeds(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            TinyRequestBuilder.info().build(), [error_response("6", RATE_LIMITED), info_response()]
        )
        clock = FakeClock()

        assert _status(check_output(ConfigBuilder().build(), clock)).status == Status.SUCCEEDED
        assert clock.waits == [61.0]

    @HttpMocker()
    def test_given_wrong_base_url_path_when_check_then_failed_naming_base_url(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(TinyRequestBuilder.info().build(), http_response(404, "<html>404</html>"))

        status = _status(check_output(ConfigBuilder().build()))

        assert status.status == Status.FAILED and "base_url" in status.message

    def test_given_unreachable_host_when_check_then_failed_quickly_without_the_token(self) -> None:
        port = _closed_local_port()
        clock = FakeClock()

        status = _status(
            check_output(ConfigBuilder().with_base_url(f"http://127.0.0.1:{port}/api2").build(), clock)
        )

        assert status.status == Status.FAILED
        assert status.message == (
            f"TinyERP at 127.0.0.1:{port} is unreachable: connection refused (2 attempts, info). Check "
            "base_url (TINYERP_BASE_URL) and that the host is up and reachable from here."
        )
        assert clock.waits == [2.0]

    def test_given_start_date_in_brazilian_format_when_check_then_config_validation_error(self) -> None:
        status = _status(check_output(ConfigBuilder().with_start_date("20/01/2026").build()))

        assert status.status == Status.FAILED
        assert "Config validation error" in status.message and "20/01/2026" in status.message

    def test_given_no_token_in_config_when_check_then_config_validation_error(self) -> None:
        status = _status(check_output(ConfigBuilder().without("api_token").build()))

        assert status.status == Status.FAILED and "api_token" in status.message
