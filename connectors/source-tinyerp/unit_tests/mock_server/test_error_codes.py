"""How every ``codigo_erro`` (always inside an HTTP 200) and every HTTP failure is handled.

Read through the ``orders`` stream, with ``start_date`` = today so that one list call is made
(``pedidos.pesquisa`` for 02/02/2026) and one detail call per listed order. The fake clock records
every wait: nothing sleeps for real.
"""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker

from .clock import FakeClock
from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import (
    RATE_LIMITED,
    error_response,
    http_response,
    no_records,
    order_detail,
    orders_page,
)
from .utils import ids, log_messages, read_output, stream_error

_STREAM = "orders"
_TODAY = ("02/02/2026", "02/02/2026")


def _config() -> ConfigBuilder:
    return ConfigBuilder().with_start_date("2026-02-02")


def _search():
    return TinyRequestBuilder.orders_search().with_created_window(*_TODAY).build()


def _page(order_ids, page: int = 1, page_count: int = 1):
    return orders_page(order_ids, page, page_count, data_pedido="02/02/2026")


def _detail(order_id: int = 101):
    return TinyRequestBuilder.order_detail(order_id).build()


class TestEmptyAndEndOfList(TestCase):
    @HttpMocker()
    def test_given_code_20_when_listing_then_no_record_and_no_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search(), no_records())

        output = read_output(_config(), _STREAM, SyncMode.incremental)

        assert output.records == [] and output.errors == []

    @HttpMocker()
    def test_given_code_23_on_a_later_page_when_listing_then_pagination_stops(
        self, http_mocker: HttpMocker
    ) -> None:
        page_2 = TinyRequestBuilder.orders_search().with_created_window(*_TODAY).with_page(2).build()
        http_mocker.get(_search(), [_page(range(1, 101), 1, 2), _page(range(1, 101), 1, 1)])
        http_mocker.get(page_2, error_response("23", "A página que você está tentando obter não existe"))
        for order_id in range(1, 101):
            http_mocker.get(_detail(order_id), order_detail(order_id))

        output = read_output(_config(), _STREAM)

        assert ids(output) == list(range(1, 101)) and output.errors == []


class TestRateLimits(TestCase):
    @HttpMocker()
    def test_given_code_6_when_reading_then_wait_for_next_minute_window_and_retry(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), _page([101]))
        http_mocker.get(_detail(), [error_response("6", RATE_LIMITED), order_detail(101)])
        clock = FakeClock()  # 12:00:00 sharp: the next window starts in 60 s (+1 s margin)

        output = read_output(_config(), _STREAM, clock=clock)

        assert ids(output) == [101]
        # Paced 0.5 s after the list call, then held until 1 s past the next minute (12:01:01).
        assert len(clock.waits) == 1 and abs(clock.elapsed - 61.0) < 1e-6
        assert any(
            "codigo_erro 6" in m and "Retrying pedido.obter (id=101) in 60 s" in m
            for m in log_messages(output)
        )

    @HttpMocker()
    def test_given_code_11_when_reading_then_wait_for_next_minute_window_and_retry(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _search(), [error_response("11", "API Bloqueada - muitos acessos concorrentes"), _page([101])]
        )
        http_mocker.get(_detail(), order_detail(101))
        clock = FakeClock()

        output = read_output(_config(), _STREAM, clock=clock)

        assert ids(output) == [101] and clock.waits == [61.0]

    @HttpMocker()
    def test_given_code_6_repeatedly_when_reading_then_backoff_grows_to_5_minutes_then_transient_error(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), error_response("6", RATE_LIMITED))
        clock = FakeClock()

        output = read_output(_config(), _STREAM, clock=clock, expecting_exception=True)

        # 12:00:00 -> 12:01:01 (next window + 1 s), then 60 s to 12:02:01, then 2, 4, 5, 5, 5 minutes.
        assert clock.waits == [61.0, 60.0, 120.0, 240.0, 300.0, 300.0, 300.0]
        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.transient_error
        assert "after 8 attempts" in error.message and "same token's quota" in error.message


class TestRetriedCodes(TestCase):
    @HttpMocker()
    def test_given_code_35_when_reading_then_retry_after_30_seconds(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search(), [error_response("35", "Ocorreu um erro inesperado"), _page([101])])
        http_mocker.get(_detail(), order_detail(101))
        clock = FakeClock()

        output = read_output(_config(), _STREAM, clock=clock)

        assert ids(output) == [101] and clock.waits == [30.0]

    @HttpMocker()
    def test_given_code_99_twice_when_reading_then_retry_after_1_then_2_minutes(
        self, http_mocker: HttpMocker
    ) -> None:
        maintenance = error_response("99", "Sistema em manutenção")
        http_mocker.get(_search(), _page([101]))
        http_mocker.get(_detail(), [maintenance, maintenance, order_detail(101)])
        clock = FakeClock()

        output = read_output(_config(), _STREAM, clock=clock)

        assert ids(output) == [101] and clock.waits == [60.0, 120.0]

    @HttpMocker()
    def test_given_http_503_then_200_when_reading_then_retried(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search(), [http_response(503, "Service Unavailable"), _page([101])])
        http_mocker.get(_detail(), order_detail(101))
        clock = FakeClock()

        output = read_output(_config(), _STREAM, clock=clock)

        assert ids(output) == [101] and clock.waits == [2.0]

    @HttpMocker()
    def test_given_http_429_with_retry_after_when_reading_then_waits_what_the_server_asks(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), [http_response(429, "", {"Retry-After": "42"}), _page([101])])
        http_mocker.get(_detail(), order_detail(101))
        clock = FakeClock()

        read_output(_config(), _STREAM, clock=clock)

        assert clock.waits == [42.0]


class TestFailures(TestCase):
    @HttpMocker()
    def test_given_code_2_when_reading_then_config_error_naming_the_token(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), error_response("2", "token invalido"))

        output = read_output(_config(), _STREAM, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.config_error
        assert "api_token" in error.message and "codigo_erro 2" in error.message

    @HttpMocker()
    def test_given_code_5_when_reading_then_config_error_about_api_access(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), error_response("5", "API bloqueada ou sem acesso"))

        output = read_output(_config(), _STREAM, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.config_error and "codigo_erro 5" in error.message

    @HttpMocker()
    def test_given_code_8_when_reading_then_config_error_account_blocked(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), error_response("8", "Empresa bloqueada"))

        output = read_output(_config(), _STREAM, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.config_error and "empresa bloqueada" in error.message

    @HttpMocker()
    def test_given_unknown_code_when_reading_then_system_error_quoting_the_api(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), error_response("31", "Data inicial inválida"))

        output = read_output(_config(), _STREAM, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.system_error
        assert "codigo_erro 31" in error.message and "Data inicial inválida" in error.message
        assert "pedidos.pesquisa" in error.message

    @HttpMocker()
    def test_given_http_404_when_reading_then_config_error_about_base_url(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), http_response(404, "<html>Not Found</html>"))

        output = read_output(_config(), _STREAM, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.config_error and "base_url" in error.message

    @HttpMocker()
    def test_given_a_body_that_is_not_json_when_reading_then_system_error(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), http_response(200, "<retorno><status>OK</status></retorno>"))

        output = read_output(_config(), _STREAM, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.system_error and "not JSON" in error.message

    @HttpMocker()
    def test_given_any_failure_when_reported_then_the_token_never_appears(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), http_response(500, "boom"))

        output = read_output(_config(), _STREAM, clock=FakeClock(), expecting_exception=True)

        assert "test-api-token" not in str([m.trace.error for m in output.errors]) + str(log_messages(output))
