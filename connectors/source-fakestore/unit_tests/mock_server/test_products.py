"""Behaviour of the ``products`` stream (GET /products, full refresh, no pagination)."""

from __future__ import annotations

from unittest import TestCase
from unittest.mock import patch

from airbyte_cdk.models import FailureType
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.mock_http.response_builder import FieldPath

from .config import ConfigBuilder
from .request_builder import FakeStoreRequestBuilder
from .response_builder import a_record, a_response, error_response, full_response
from .utils import read_output, stream_error

_STREAM_NAME = "products"


def _products_request():
    return FakeStoreRequestBuilder.products_endpoint().build()


class TestProductsFullRefresh(TestCase):
    @HttpMocker()
    def test_given_reference_catalogue_when_read_then_return_all_20_products(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_products_request(), full_response(_STREAM_NAME))

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 20
        assert sorted(r.record.data["id"] for r in output.records) == list(range(1, 21))
        assert output.records[0].record.data["rating"] == {"rate": 3.9, "count": 120}

    @HttpMocker()
    def test_given_integral_price_when_read_then_price_stays_a_json_number(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _products_request(),
            a_response(_STREAM_NAME)
            .with_record(a_record(_STREAM_NAME).with_id(5).with_field(FieldPath("price"), 695))
            .build(),
        )

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 1
        assert output.records[0].record.data["price"] == 695
        assert output.errors == []

    @HttpMocker()
    def test_given_product_without_rating_when_read_then_record_is_emitted(
        self, http_mocker: HttpMocker
    ) -> None:
        product = a_record(_STREAM_NAME).build()
        del product["rating"]
        http_mocker.get(_products_request(), a_response(_STREAM_NAME).with_record(_Fixed(product)).build())

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert [r.record.data.get("rating", "absent") for r in output.records] == ["absent"]

    @HttpMocker()
    def test_given_empty_body_when_read_then_no_record_and_no_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_products_request(), error_response(200, ""))

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert output.records == []
        assert output.errors == []

    @HttpMocker()
    def test_given_base_url_with_trailing_slash_when_read_then_request_path_has_single_slash(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_products_request(), full_response(_STREAM_NAME))

        output = read_output(
            ConfigBuilder().with_base_url("https://fakestore.test.example.com/"), _STREAM_NAME
        )

        assert len(output.records) == 20

    @HttpMocker()
    def test_given_base_url_with_path_prefix_when_read_then_prefix_kept(
        self, http_mocker: HttpMocker
    ) -> None:
        prefixed = "https://fakestore.test.example.com/api/v1"
        http_mocker.get(
            FakeStoreRequestBuilder.products_endpoint(prefixed).build(), full_response(_STREAM_NAME)
        )

        output = read_output(ConfigBuilder().with_base_url(prefixed + "/"), _STREAM_NAME)

        assert len(output.records) == 20

    @HttpMocker()
    def test_given_http_status_401_when_read_then_config_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_products_request(), error_response(401, "username or password is incorrect"))

        output = read_output(ConfigBuilder(), _STREAM_NAME, expecting_exception=True)

        assert output.records == []
        error = stream_error(output, _STREAM_NAME)
        assert error.failure_type == FailureType.config_error
        assert "HTTP 401" in error.message and "base_url" in error.message

    @HttpMocker()
    def test_given_http_status_403_when_read_then_config_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_products_request(), error_response(403, "Forbidden"))

        output = read_output(ConfigBuilder(), _STREAM_NAME, expecting_exception=True)

        error = stream_error(output, _STREAM_NAME)
        assert error.failure_type == FailureType.config_error
        assert "HTTP 403" in error.message

    @HttpMocker()
    def test_given_http_status_404_when_read_then_fail_naming_the_url(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_products_request(), error_response(404, "Cannot GET /products"))

        output = read_output(ConfigBuilder(), _STREAM_NAME, expecting_exception=True)

        assert output.records == []
        error = stream_error(output, _STREAM_NAME)
        assert error.failure_type == FailureType.config_error
        assert "404" in error.message and "fakestore.test.example.com/products" in error.message

    @HttpMocker()
    def test_given_http_status_429_with_retry_after_when_read_then_wait_and_retry(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _products_request(),
            [error_response(429, "Too Many Requests", {"Retry-After": "7"}), full_response(_STREAM_NAME)],
        )

        with patch("time.sleep") as sleep:
            output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 20
        assert output.errors == []
        # The server's Retry-After wins over the exponential backoff; the CDK adds one second.
        assert [c.args[0] for c in sleep.call_args_list if c.args[0]] == [8]

    @HttpMocker()
    def test_given_http_status_500_once_when_read_then_retry_and_succeed(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_products_request(), [error_response(500, "boom"), full_response(_STREAM_NAME)])

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 20
        assert output.errors == []

    @HttpMocker()
    def test_given_http_status_500_persistently_when_read_then_fail_after_retries(
        self, http_mocker: HttpMocker
    ) -> None:
        request = _products_request()
        http_mocker.get(request, [error_response(500, "boom")] * 5)

        output = read_output(ConfigBuilder(), _STREAM_NAME, expecting_exception=True)

        assert output.records == []
        assert output.errors, "a persistent 500 must fail the stream"
        http_mocker.assert_number_of_calls(request, 5)  # 1 try + max_retries (4)
        assert stream_error(output, _STREAM_NAME).failure_type == FailureType.transient_error


class _Fixed:
    """Adapter so a hand-edited record dict can be passed to ``HttpResponseBuilder.with_record``."""

    def __init__(self, record: dict) -> None:
        self._record = record

    def build(self) -> dict:
        return self._record
