"""Behaviour of the ``carts`` stream (GET /carts, incremental on ``date`` with startdate/enddate windows).

The API filters ``date >= startdate AND date < enddate``: the end is EXCLUSIVE. The connector asks
for whole UTC days and sends ``enddate`` = window end + 1 day, so one window's ``enddate`` is the
next window's ``startdate`` and a cart dated exactly on a boundary is read exactly once.
"""

from __future__ import annotations

import json
from datetime import date
from unittest import TestCase
from urllib.parse import parse_qs, urlparse

import freezegun
import pytest
import requests_mock
from airbyte_cdk.models import AirbyteStateBlob, FailureType, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from .config import BASE_URL, ConfigBuilder
from .request_builder import FakeStoreRequestBuilder
from .response_builder import a_cart, a_response, error_response, records_response, template_records
from .utils import read_output, stream_error

_STREAM_NAME = "carts"
_NOW = "2020-03-15T12:00:00Z"
_START_DATE = "2020-01-01T00:00:00Z"
_NO_STATE = None


def _carts_request(startdate: str, enddate: str):
    return FakeStoreRequestBuilder.carts_endpoint().with_window(startdate, enddate).build()


def _carts_in_window(startdate: str, enddate: str) -> list[dict]:
    """What the real API answers: reference carts with ``startdate <= date < enddate``."""
    return [cart for cart in template_records(_STREAM_NAME) if startdate <= cart["date"][:10] < enddate]


def _config() -> ConfigBuilder:
    return ConfigBuilder().with_start_date(_START_DATE).with_window_size_days(30).with_lookback_days(3)


def _ids(output) -> list[int]:
    return sorted(r.record.data["id"] for r in output.records)


@freezegun.freeze_time(_NOW)
class TestCartsFullRefresh(TestCase):
    @HttpMocker()
    def test_given_reference_carts_when_full_refresh_then_all_7_carts_read_once(
        self, http_mocker: HttpMocker
    ) -> None:
        for startdate, enddate in [
            ("2020-01-01", "2020-01-31"),
            ("2020-01-31", "2020-03-01"),
            ("2020-03-01", "2020-03-16"),
        ]:
            http_mocker.get(
                _carts_request(startdate, enddate), records_response(_carts_in_window(startdate, enddate))
            )

        output = read_output(_config(), _STREAM_NAME, SyncMode.full_refresh)

        assert _ids(output) == [1, 2, 3, 4, 5, 6, 7]
        assert output.records[0].record.data["products"][0].keys() == {"productId", "quantity"}


@freezegun.freeze_time(_NOW)
class TestCartsIncremental(TestCase):
    @HttpMocker()
    def test_given_no_state_when_read_then_windows_tile_from_start_date_to_now(
        self, http_mocker: HttpMocker
    ) -> None:
        # 30-day windows from 2020-01-01. Each enddate (exclusive) is the next startdate; the last
        # window ends at "now" (2020-03-15T12:00Z), so its enddate is the next day.
        windows = [("2020-01-01", "2020-01-31"), ("2020-01-31", "2020-03-01"), ("2020-03-01", "2020-03-16")]
        requests = [_carts_request(s, e) for s, e in windows]
        for request, (startdate, enddate) in zip(requests, windows, strict=True):
            http_mocker.get(request, records_response(_carts_in_window(startdate, enddate)))

        output = read_output(_config(), _STREAM_NAME, SyncMode.incremental, _NO_STATE)

        for request in requests:
            http_mocker.assert_number_of_calls(request, 1)
        assert _ids(output) == [1, 2, 3, 4, 5, 6, 7]

    @HttpMocker()
    def test_given_cart_exactly_on_window_boundary_when_read_then_read_exactly_once(
        self, http_mocker: HttpMocker
    ) -> None:
        # 2020-03-01 is both the exclusive enddate of window 2 and the startdate of window 3. The
        # mock answers like the API (end exclusive), so the boundary carts come only from window 3.
        on_boundary = _carts_in_window("2020-03-01", "2020-03-02")
        assert {c["id"] for c in on_boundary} == {3, 5, 6, 7}
        http_mocker.get(_carts_request("2020-01-01", "2020-01-31"), records_response([]))
        http_mocker.get(_carts_request("2020-01-31", "2020-03-01"), records_response([]))
        http_mocker.get(_carts_request("2020-03-01", "2020-03-16"), records_response(on_boundary))

        output = read_output(_config(), _STREAM_NAME, SyncMode.incremental)

        assert _ids(output) == [3, 5, 6, 7]

    @HttpMocker()
    def test_given_no_state_when_read_then_final_state_is_latest_cart_date_in_record_format(
        self, http_mocker: HttpMocker
    ) -> None:
        for startdate, enddate in [
            ("2020-01-01", "2020-01-31"),
            ("2020-01-31", "2020-03-01"),
            ("2020-03-01", "2020-03-16"),
        ]:
            http_mocker.get(
                _carts_request(startdate, enddate), records_response(_carts_in_window(startdate, enddate))
            )

        output = read_output(_config(), _STREAM_NAME, SyncMode.incremental)

        assert len(output.records) == 7
        assert output.most_recent_state.stream_descriptor.name == _STREAM_NAME
        # Same format as the records' `date`: milliseconds and Z.
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-02T00:00:00.000Z")

    @HttpMocker()
    def test_given_prior_state_when_read_then_first_window_starts_at_state_minus_lookback(
        self, http_mocker: HttpMocker
    ) -> None:
        state = StateBuilder().with_stream_state(_STREAM_NAME, {"date": "2020-03-02T00:00:00.000Z"}).build()
        # state 2020-03-02 - lookback 3 days = 2020-02-28; one window up to now.
        request = _carts_request("2020-02-28", "2020-03-16")
        new_cart = a_cart(8, "2020-03-10T00:00:00.000Z")
        http_mocker.get(
            request,
            a_response(_STREAM_NAME)
            .with_record(a_cart(3, "2020-03-01T00:00:00.000Z"))
            .with_record(a_cart(1, "2020-03-02T00:00:00.000Z"))
            .with_record(new_cart)
            .build(),
        )

        output = read_output(_config(), _STREAM_NAME, SyncMode.incremental, state)

        http_mocker.assert_number_of_calls(request, 1)
        # Carts inside the lookback are re-emitted (the destination de-duplicates on id).
        assert _ids(output) == [1, 3, 8]
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-10T00:00:00.000Z")

    @HttpMocker()
    def test_given_prior_state_as_plain_date_when_read_then_parsed_and_rewritten_in_record_format(
        self, http_mocker: HttpMocker
    ) -> None:
        state = StateBuilder().with_stream_state(_STREAM_NAME, {"date": "2020-03-02"}).build()
        http_mocker.get(
            _carts_request("2020-02-28", "2020-03-16"),
            records_response(_carts_in_window("2020-02-28", "2020-03-16")),
        )

        output = read_output(_config(), _STREAM_NAME, SyncMode.incremental, state)

        assert _ids(output) == [1, 3, 5, 6, 7]
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-02T00:00:00.000Z")

    @HttpMocker()
    def test_given_prior_state_and_zero_lookback_when_read_then_first_window_starts_at_state(
        self, http_mocker: HttpMocker
    ) -> None:
        state = StateBuilder().with_stream_state(_STREAM_NAME, {"date": "2020-03-02T00:00:00.000Z"}).build()
        http_mocker.get(
            _carts_request("2020-03-02", "2020-03-16"),
            records_response(_carts_in_window("2020-03-02", "2020-03-16")),
        )

        output = read_output(_config().with_lookback_days(0), _STREAM_NAME, SyncMode.incremental, state)

        assert _ids(output) == [1]
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-02T00:00:00.000Z")

    @HttpMocker()
    def test_given_no_cart_since_start_date_when_read_then_state_is_start_date(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_carts_request("2020-03-05", "2020-03-16"), records_response([]))

        output = read_output(_config().with_start_date("2020-03-05"), _STREAM_NAME, SyncMode.incremental)

        assert output.records == []
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-05T00:00:00.000Z")

    @HttpMocker()
    def test_given_start_date_with_time_of_day_when_read_then_whole_first_day_requested(
        self, http_mocker: HttpMocker
    ) -> None:
        request = _carts_request("2020-03-05", "2020-03-16")
        http_mocker.get(request, records_response([]))

        output = read_output(
            _config().with_start_date("2020-03-05T10:30:00Z"), _STREAM_NAME, SyncMode.incremental
        )

        http_mocker.assert_number_of_calls(request, 1)
        assert output.errors == []

    @HttpMocker()
    def test_given_state_in_the_future_when_read_then_no_request_and_state_kept(
        self, http_mocker: HttpMocker
    ) -> None:
        # abnormal_state.json: no HTTP mock is registered, so any request would fail the test.
        state = StateBuilder().with_stream_state(_STREAM_NAME, {"date": "2100-01-01T00:00:00.000Z"}).build()

        output = read_output(_config(), _STREAM_NAME, SyncMode.incremental, state)

        assert output.records == []
        assert output.errors == []
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2100-01-01T00:00:00.000Z")

    @HttpMocker()
    def test_given_http_status_403_when_read_then_config_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_carts_request("2020-03-05", "2020-03-16"), error_response(403, "Forbidden"))

        output = read_output(
            _config().with_start_date("2020-03-05"),
            _STREAM_NAME,
            SyncMode.incremental,
            expecting_exception=True,
        )

        error = stream_error(output, _STREAM_NAME)
        assert error.failure_type == FailureType.config_error
        assert "HTTP 403" in error.message

    @HttpMocker()
    def test_given_http_status_429_then_200_when_read_then_window_retried(
        self, http_mocker: HttpMocker
    ) -> None:
        request = _carts_request("2020-03-01", "2020-03-16")
        http_mocker.get(
            request,
            [
                error_response(429, "Too Many Requests"),
                records_response(_carts_in_window("2020-03-01", "2020-03-16")),
            ],
        )

        output = read_output(_config().with_start_date("2020-03-01"), _STREAM_NAME, SyncMode.incremental)

        http_mocker.assert_number_of_calls(request, 2)
        assert _ids(output) == [1, 3, 5, 6, 7]
        assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-02T00:00:00.000Z")


# --- Window tiling against an API that applies the real filter to ANY window ------------------


def _fake_carts_api(received: list[tuple[str, str]]):
    """A /carts handler with the API's semantics: ``startdate <= date < enddate``."""

    def handler(request, context):
        query = parse_qs(urlparse(request.url).query)
        startdate, enddate = query["startdate"][0], query["enddate"][0]
        received.append((startdate, enddate))
        context.status_code = 200
        return json.dumps(_carts_in_window(startdate, enddate))

    return handler


@pytest.mark.parametrize("window_size_days", [1, 2, 7, 29, 30, 31, 60, 365])
@pytest.mark.parametrize("start_date", ["2019-12-25", "2020-01-01T00:00:00Z", "2020-01-01T23:59:59Z"])
@freezegun.freeze_time("2020-03-04T08:00:00Z")
def test_given_any_window_size_when_read_then_windows_are_contiguous_and_each_cart_read_once(
    window_size_days: int, start_date: str
) -> None:
    received: list[tuple[str, str]] = []
    with requests_mock.Mocker() as mocker:
        mocker.get(f"{BASE_URL}/carts", text=_fake_carts_api(received))
        output = read_output(
            ConfigBuilder().with_start_date(start_date).with_window_size_days(window_size_days),
            _STREAM_NAME,
            SyncMode.incremental,
        )

    received.sort()
    # Contiguous, non-overlapping windows covering [first day of start_date, tomorrow).
    assert received[0][0] == start_date[:10]
    assert received[-1][1] == "2020-03-05"
    for (_, previous_end), (next_start, _) in zip(received, received[1:], strict=False):
        assert previous_end == next_start
    days = [(date.fromisoformat(end) - date.fromisoformat(start)).days for start, end in received]
    assert all(d == window_size_days for d in days[:-1])
    # The last window runs to "now" and so reaches tomorrow: one extra day if the start is not midnight.
    assert 1 <= days[-1] <= window_size_days + 1
    # Every cart exactly once.
    assert _ids(output) == [1, 2, 3, 4, 5, 6, 7]
    assert output.most_recent_state.stream_state == AirbyteStateBlob(date="2020-03-02T00:00:00.000Z")
