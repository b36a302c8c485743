"""The ``contacts`` stream: ``contatos.pesquisa`` filtered on ``dataMinimaAtualizacao``."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import a_contact, error_response, list_page, no_records
from .utils import final_state, ids, read_output, records, stream_error

_STREAM = "contacts"
_SCAN_STARTED_AT = "2026-02-02T12:00:00-03:00"


def _search(since: str, page: int = 1):
    return TinyRequestBuilder.contacts_search().with_minimum_update(since).with_page(page).build()


class TestContactsIncremental(TestCase):
    @HttpMocker()
    def test_given_no_state_when_read_then_contacts_updated_since_start_date_and_exact_state(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _search("20/01/2026 00:00:00"),
            list_page("contacts_search", [a_contact(1), a_contact(2, data_criacao="03/03/2019 23:30:00")]),
        )

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental)

        first, second = records(output)
        assert ids(output) == [1, 2]
        assert first["data_criacao"] == "2025-01-10T18:02:11-03:00"
        assert second["data_criacao"] == "2019-03-03T23:30:00-03:00"
        assert first["cep"] == "70000-000" and first.get("id_vendedor") is None
        assert first["_scan_started_at"] == _SCAN_STARTED_AT
        assert final_state(output) == {"updated_since": _SCAN_STARTED_AT}

    @HttpMocker()
    def test_given_daylight_saving_time_creation_date_when_read_then_summer_offset(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _search("20/01/2026 00:00:00"),
            list_page("contacts_search", [a_contact(1, data_criacao="15/01/2018 10:00:00")]),
        )

        contact = records(read_output(ConfigBuilder(), _STREAM, SyncMode.incremental))[0]

        assert contact["data_criacao"] == "2018-01-15T10:00:00-02:00"

    @HttpMocker()
    def test_given_state_when_read_then_since_state_minus_lookback(self, http_mocker: HttpMocker) -> None:
        state = (
            StateBuilder().with_stream_state(_STREAM, {"updated_since": "2026-02-01T09:15:00-03:00"}).build()
        )
        http_mocker.get(_search("01/02/2026 07:15:00"), list_page("contacts_search", [a_contact(3)]))

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental, state)

        assert ids(output) == [3]
        assert final_state(output) == {"updated_since": _SCAN_STARTED_AT}

    @HttpMocker()
    def test_given_nothing_updated_when_read_then_state_still_advances(self, http_mocker: HttpMocker) -> None:
        state = (
            StateBuilder().with_stream_state(_STREAM, {"updated_since": "2026-02-01T09:15:00-03:00"}).build()
        )
        http_mocker.get(_search("01/02/2026 07:15:00"), no_records())

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental, state)

        assert output.records == []
        assert final_state(output) == {"updated_since": _SCAN_STARTED_AT}

    @HttpMocker()
    def test_given_state_in_year_2100_when_read_then_no_request_and_state_kept(
        self, http_mocker: HttpMocker
    ) -> None:
        future = {"updated_since": "2100-01-01T00:00:00-03:00"}

        output = read_output(
            ConfigBuilder(),
            _STREAM,
            SyncMode.incremental,
            StateBuilder().with_stream_state(_STREAM, future).build(),
        )

        assert output.records == [] and final_state(output) == future

    @HttpMocker()
    def test_given_code_21_when_read_then_config_error_suggesting_a_later_start_date(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _search("20/01/2026 00:00:00"), error_response("21", "A consulta retornou muitos registros")
        )

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental, expecting_exception=True)

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.config_error and "start_date" in error.message
