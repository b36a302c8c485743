"""Behaviour of the ``users`` stream (GET /users, full refresh, password removed)."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import FailureType
from airbyte_cdk.test.mock_http import HttpMocker

from .config import ConfigBuilder
from .request_builder import FakeStoreRequestBuilder
from .response_builder import error_response, full_response, template_records
from .utils import read_output, stream_error

_STREAM_NAME = "users"


def _users_request():
    return FakeStoreRequestBuilder.users_endpoint().build()


class TestUsersFullRefresh(TestCase):
    @HttpMocker()
    def test_given_reference_users_when_read_then_return_all_10_users(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_users_request(), full_response(_STREAM_NAME))

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 10
        assert sorted(r.record.data["id"] for r in output.records) == list(range(1, 11))

    @HttpMocker()
    def test_given_api_returns_plaintext_password_when_read_then_password_never_emitted(
        self, http_mocker: HttpMocker
    ) -> None:
        assert all("password" in user for user in template_records(_STREAM_NAME)), (
            "template must carry passwords"
        )
        http_mocker.get(_users_request(), full_response(_STREAM_NAME))

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 10
        assert all("password" not in r.record.data for r in output.records)
        # Nothing else is dropped.
        assert set(output.records[0].record.data) == {
            "address",
            "id",
            "email",
            "username",
            "name",
            "phone",
            "__v",
        }

    @HttpMocker()
    def test_given_reference_users_when_read_then_nested_types_are_kept_as_sent(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_users_request(), full_response(_STREAM_NAME))

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        john = next(r.record.data for r in output.records if r.record.data["id"] == 1)
        assert john["address"]["geolocation"] == {"lat": "-37.3159", "long": "81.1496"}  # strings, not floats
        assert john["address"]["number"] == 7682
        assert john["address"]["zipcode"] == "12926-3874"
        assert john["name"] == {"firstname": "john", "lastname": "doe"}

    @HttpMocker()
    def test_given_http_status_401_when_read_then_config_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_users_request(), error_response(401, "username or password is incorrect"))

        output = read_output(ConfigBuilder(), _STREAM_NAME, expecting_exception=True)

        assert output.records == []
        error = stream_error(output, _STREAM_NAME)
        assert error.failure_type == FailureType.config_error
        assert "HTTP 401" in error.message

    @HttpMocker()
    def test_given_http_status_503_once_when_read_then_retry_and_succeed(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_users_request(), [error_response(503, "unavailable"), full_response(_STREAM_NAME)])

        output = read_output(ConfigBuilder(), _STREAM_NAME)

        assert len(output.records) == 10
        assert output.errors == []
