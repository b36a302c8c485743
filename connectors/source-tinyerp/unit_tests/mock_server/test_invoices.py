"""The ``invoices`` stream: ``notas.fiscais.pesquisa`` by issue-date windows."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import an_invoice, error_response, list_page, no_records
from .utils import final_state, ids, read_output, records, states

_STREAM = "invoices"


def _search(first_day: str, last_day: str):
    return TinyRequestBuilder.invoices_search().with_created_window(first_day, last_day).build()


class TestInvoicesIncremental(TestCase):
    @HttpMocker()
    def test_given_no_state_when_read_then_windows_from_start_date_and_state_per_window(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search("20/01/2026", "26/01/2026"), list_page("invoices_search", [an_invoice(1)]))
        http_mocker.get(
            _search("27/01/2026", "02/02/2026"), list_page("invoices_search", [an_invoice(2, "02/02/2026")])
        )

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental)

        assert ids(output) == [1, 2]
        invoice = records(output)[0]
        assert invoice["data_emissao"] == "2026-01-21T00:00:00-03:00"
        assert invoice["numero"] == "004512"  # an invoice number keeps its zeros
        assert invoice["valor"] == 149.9 and invoice["situacao"] == "6"
        assert invoice["chave_acesso"] == "53260112345678000195650010000045121000000017"
        assert states(output) == [{"issued_through": "2026-01-26"}, {"issued_through": "2026-02-02"}]

    @HttpMocker()
    def test_given_state_when_read_then_last_lookback_days_read_again(self, http_mocker: HttpMocker) -> None:
        state = StateBuilder().with_stream_state(_STREAM, {"issued_through": "2026-02-01"}).build()
        # 7 lookback days: 26/01..01/02 again, then up to today (02/02) in the same 7-day window.
        http_mocker.get(_search("26/01/2026", "01/02/2026"), list_page("invoices_search", [an_invoice(1)]))
        http_mocker.get(_search("02/02/2026", "02/02/2026"), no_records())

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental, state)

        assert ids(output) == [1]
        assert final_state(output) == {"issued_through": "2026-02-02"}

    @HttpMocker()
    def test_given_code_21_when_read_then_window_split(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search("20/01/2026", "26/01/2026"), error_response("21", "muitos registros"))
        http_mocker.get(_search("20/01/2026", "23/01/2026"), list_page("invoices_search", [an_invoice(1)]))
        http_mocker.get(_search("24/01/2026", "26/01/2026"), list_page("invoices_search", [an_invoice(2)]))
        http_mocker.get(_search("27/01/2026", "02/02/2026"), no_records())

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental)

        assert ids(output) == [1, 2]
        assert final_state(output) == {"issued_through": "2026-02-02"}

    @HttpMocker()
    def test_given_state_in_year_2100_when_read_then_no_request_and_state_kept(
        self, http_mocker: HttpMocker
    ) -> None:
        future = {"issued_through": "2100-01-01"}

        output = read_output(
            ConfigBuilder(),
            _STREAM,
            SyncMode.incremental,
            StateBuilder().with_stream_state(_STREAM, future).build(),
        )

        assert output.records == [] and final_state(output) == future
