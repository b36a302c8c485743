"""The ``orders`` stream: ``pedidos.pesquisa`` windows + ``pedido.obter`` for every listed order.

The tests run at 2026-02-02 12:00 Brasília time (``clock.NOW``) with ``start_date`` 2026-01-20 and
7-day windows, so a first sync lists 20/01-26/01 and 27/01-02/02.
"""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.test.mock_http import HttpMocker, HttpRequest
from airbyte_cdk.test.state_builder import StateBuilder

from .clock import FakeClock
from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import (
    a_listed_order,
    error_response,
    list_page,
    no_records,
    order_detail,
    orders_page,
    past_last_page,
)
from .utils import final_state, ids, log_messages, read_output, records, states, stream_error

_STREAM = "orders"
_SCAN_STARTED_AT = "2026-02-02T12:00:00-03:00"
_FIRST_WINDOW = ("20/01/2026", "26/01/2026")
_SECOND_WINDOW = ("27/01/2026", "02/02/2026")


def _search(window: tuple[str, str], page: int = 1) -> TinyRequestBuilder:
    return TinyRequestBuilder.orders_search().with_created_window(*window).with_page(page)


def _mock_details(http_mocker: HttpMocker, order_ids: list[int]) -> dict[int, HttpRequest]:
    """One ``pedido.obter`` mock per order; returns the requests, for ``assert_number_of_calls``."""
    requests = {order_id: TinyRequestBuilder.order_detail(order_id).build() for order_id in order_ids}
    for order_id, request in requests.items():
        http_mocker.get(request, order_detail(order_id))
    return requests


def _config() -> ConfigBuilder:
    return ConfigBuilder()


class TestOrdersFullRefresh(TestCase):
    @HttpMocker()
    def test_given_two_windows_when_read_then_each_listed_order_is_read_in_detail_once(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101, 102]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), orders_page([103]))
        details = _mock_details(http_mocker, [101, 102, 103])

        output = read_output(_config(), _STREAM)

        assert ids(output) == [101, 102, 103]
        for request in details.values():
            http_mocker.assert_number_of_calls(request, 1)

    @HttpMocker()
    def test_given_order_detail_when_read_then_strings_are_typed_and_wrappers_unwrapped(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        _mock_details(http_mocker, [101])

        order = records(read_output(_config(), _STREAM))[0]

        assert order["id"] == 101 and order["numero"] == 17602
        assert order["total_pedido"] == 149.9 and order["valor_frete"] == 15.0
        assert order["data_pedido"] == "2026-01-20T00:00:00-03:00"
        assert order["data_faturamento"] == "2026-01-21T00:00:00-03:00"
        # "" is no value, not an error (the CDK's serializer leaves top-level nulls out of the record).
        assert order.get("data_prevista") is None
        assert order["itens"][0] == {
            "id_produto": 512300101,
            "codigo": "CAF-250",
            "descricao": "Café 250g",
            "unidade": "UN",
            "quantidade": 2.0,
            "valor_unitario": 39.95,
            "informacao_adicional": "",
        }
        assert order["parcelas"][0]["data"] == "2026-02-19T00:00:00-03:00"
        assert order["parcelas"][0]["dias"] == 30
        assert order["marcadores"] == [{"id": 1022, "descricao": "Presente", "cor": "#8E24AA"}]
        assert order["ecommerce"]["id"] == 10231
        assert order["id_nota_fiscal"] == 884100207
        assert order["_scan_started_at"] == _SCAN_STARTED_AT
        assert order["_coercion_errors"] == []

    @HttpMocker()
    def test_given_percent_and_amount_discounts_when_read_then_raw_kept_and_parsed(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101, 102]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        http_mocker.get(TinyRequestBuilder.order_detail(101).build(), order_detail(101, valor_desconto="10%"))
        http_mocker.get(
            TinyRequestBuilder.order_detail(102).build(), order_detail(102, valor_desconto="5,00")
        )

        first, second = records(read_output(_config(), _STREAM))

        assert (first["valor_desconto"], first["valor_desconto_tipo"]) == ("10%", "percentual")
        assert (first["valor_desconto_percentual"], first.get("valor_desconto_valor")) == (10.0, None)
        assert (second["valor_desconto"], second["valor_desconto_tipo"]) == ("5,00", "valor")
        assert (second["valor_desconto_valor"], second.get("valor_desconto_percentual")) == (5.0, None)

    @HttpMocker()
    def test_given_unreadable_values_when_read_then_null_and_raw_value_in_coercion_errors(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        http_mocker.get(
            TinyRequestBuilder.order_detail(101).build(),
            order_detail(101, total_pedido="cento e dez", data_entrega="31/02/2026", valor_desconto="muito"),
        )

        order = records(read_output(_config(), _STREAM))[0]

        assert order.get("total_pedido") is None and order.get("data_entrega") is None
        assert order["valor_desconto"] == "muito" and order.get("valor_desconto_tipo") is None
        assert order["_coercion_errors"] == [
            {"field": "valor_desconto", "value": "muito", "expected": "discount (amount or percent)"},
            {"field": "data_entrega", "value": "31/02/2026", "expected": "date (dd/mm/yyyy)"},
            {"field": "total_pedido", "value": "cento e dez", "expected": "number"},
        ]

    @HttpMocker()
    def test_given_dates_from_the_daylight_saving_era_when_read_then_offset_of_that_date(
        self, http_mocker: HttpMocker
    ) -> None:
        # Brasília kept DST until 2019: -02:00 in summer. 04/11/2018 began at 00:00-03:00 (the clock
        # jumped to 01:00-02:00), 17/02/2019 at 00:00-02:00... then 23:00-03:00 repeated.
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        http_mocker.get(
            TinyRequestBuilder.order_detail(101).build(),
            order_detail(101, data_prevista="04/11/2018", data_envio="01/01/2019", data_entrega="15/07/2018"),
        )

        order = records(read_output(_config(), _STREAM))[0]

        assert order["data_prevista"] == "2018-11-04T00:00:00-03:00"
        assert order["data_envio"] == "2019-01-01T00:00:00-02:00"
        assert order["data_entrega"] == "2018-07-15T00:00:00-03:00"


class TestOrdersPagination(TestCase):
    @HttpMocker()
    def test_given_full_first_page_when_read_then_next_page_read_and_list_verified_once(
        self, http_mocker: HttpMocker
    ) -> None:
        first, second = list(range(1, 101)), [101, 102]
        page_1, page_2 = _search(_FIRST_WINDOW, 1).build(), _search(_FIRST_WINDOW, 2).build()
        http_mocker.get(page_1, orders_page(first, 1, 2))
        http_mocker.get(page_2, orders_page(second, 2, 2))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        _mock_details(http_mocker, first + second)

        output = read_output(_config(), _STREAM)

        assert ids(output) == first + second
        # A list read in two requests is read again to prove nothing moved between them.
        http_mocker.assert_number_of_calls(page_1, 2)
        http_mocker.assert_number_of_calls(page_2, 2)

    @HttpMocker()
    def test_given_page_count_grows_mid_scan_when_read_then_no_order_lost_or_duplicated(
        self, http_mocker: HttpMocker
    ) -> None:
        # Page 1 says 2 pages. Before page 2 is read, two orders enter the window ahead of the
        # cursor: page 2 now starts with the last two orders of the old page 1 and there are 3 pages.
        page_1, page_2, page_3 = (_search(_FIRST_WINDOW, n).build() for n in (1, 2, 3))
        http_mocker.get(
            page_1, [orders_page(range(1, 101), 1, 2), orders_page([500, 501, *range(1, 99)], 1, 3)]
        )
        http_mocker.get(page_2, orders_page(range(99, 199), 2, 3))
        http_mocker.get(page_3, orders_page(range(199, 203), 3, 3))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        details = _mock_details(http_mocker, [*range(1, 203), 500, 501])

        output = read_output(_config(), _STREAM)

        assert sorted(ids(output)) == sorted([*range(1, 203), 500, 501])
        # Orders 99 and 100 were listed twice (pages 1 and 2): read and emitted once.
        for request in details.values():
            http_mocker.assert_number_of_calls(request, 1)

    @HttpMocker()
    def test_given_page_count_shrinks_mid_scan_when_read_then_order_pulled_back_is_read_on_verification(
        self, http_mocker: HttpMocker
    ) -> None:
        # Page 1 lists 1..100 of 2 pages. Order 7 is deleted before page 2 is read: order 101 moves
        # onto page 1 and page 2 no longer exists (code 23). The verification pass finds 101.
        page_1, page_2 = _search(_FIRST_WINDOW, 1).build(), _search(_FIRST_WINDOW, 2).build()
        after_delete = [i for i in range(1, 102) if i != 7]
        http_mocker.get(page_1, [orders_page(range(1, 101), 1, 2), orders_page(after_delete, 1, 1)])
        http_mocker.get(page_2, past_last_page())
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        _mock_details(http_mocker, list(range(1, 102)))

        output = read_output(_config(), _STREAM)

        assert sorted(ids(output)) == list(range(1, 102))
        http_mocker.assert_number_of_calls(page_1, 2)

    @HttpMocker()
    def test_given_empty_window_when_read_then_no_record_and_no_error(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), no_records())
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())

        output = read_output(_config(), _STREAM)

        assert output.records == [] and output.errors == []


class TestOrdersIncremental(TestCase):
    @HttpMocker()
    def test_given_no_state_when_read_then_state_checkpointed_per_window_and_final_state_is_scan_start(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), orders_page([102]))
        _mock_details(http_mocker, [101, 102])

        output = read_output(_config(), _STREAM, SyncMode.incremental)

        assert ids(output) == [101, 102]
        # recent: the newest orders listed, by creation day, for the next scan to re-list
        assert states(output) == [
            {
                "scan": {"started_at": _SCAN_STARTED_AT, "created_through": "2026-01-26"},
                "recent": {"2026-01-20": ["101"]},
            },
            {"updated_since": _SCAN_STARTED_AT, "recent": {"2026-01-20": ["101", "102"]}},
        ]
        assert final_state(output) == states(output)[-1]

    @HttpMocker()
    def test_given_state_when_read_then_one_list_call_on_update_time_minus_lookback(
        self, http_mocker: HttpMocker
    ) -> None:
        state = (
            StateBuilder().with_stream_state(_STREAM, {"updated_since": "2026-02-01T10:00:00-03:00"}).build()
        )
        # 120 minutes of lookback; no creation window once the first scan is complete.
        request = TinyRequestBuilder.orders_search().with_updated_since("01/02/2026 08:00:00").build()
        http_mocker.get(request, orders_page([101]))
        _mock_details(http_mocker, [101])

        output = read_output(_config(), _STREAM, SyncMode.incremental, state)

        http_mocker.assert_number_of_calls(request, 1)
        assert ids(output) == [101]
        assert final_state(output) == {"updated_since": _SCAN_STARTED_AT, "recent": {"2026-01-20": ["101"]}}

    @HttpMocker()
    def test_given_state_when_order_created_before_start_date_was_updated_then_it_is_not_read(
        self, http_mocker: HttpMocker
    ) -> None:
        state = (
            StateBuilder().with_stream_state(_STREAM, {"updated_since": "2026-02-01T10:00:00-03:00"}).build()
        )
        request = TinyRequestBuilder.orders_search().with_updated_since("01/02/2026 08:00:00").build()
        old, recent = a_listed_order(90, "19/01/2026"), a_listed_order(101, "20/01/2026")
        http_mocker.get(request, list_page("orders_search", [old, recent]))
        _mock_details(http_mocker, [101])  # no mock for 90: a detail call would fail the test

        output = read_output(_config(), _STREAM, SyncMode.incremental, state)

        assert ids(output) == [101]

    @HttpMocker()
    def test_given_interrupted_backfill_when_read_then_resumes_after_last_window_with_same_scan_start(
        self, http_mocker: HttpMocker
    ) -> None:
        started = "2026-02-01T09:30:00-03:00"
        state = (
            StateBuilder()
            .with_stream_state(_STREAM, {"scan": {"started_at": started, "created_through": "2026-01-26"}})
            .build()
        )
        # The resumed scan ends on the day it started (01/02), not today.
        http_mocker.get(_search(("27/01/2026", "01/02/2026")).build(), orders_page([103]))
        _mock_details(http_mocker, [103])

        output = read_output(_config(), _STREAM, SyncMode.incremental, state)

        assert ids(output) == [103]
        assert records(output)[0]["_scan_started_at"] == started
        assert final_state(output) == {"updated_since": started, "recent": {"2026-01-20": ["103"]}}

    @HttpMocker()
    def test_given_state_in_year_2100_when_read_then_no_request_and_state_kept(
        self, http_mocker: HttpMocker
    ) -> None:
        future = {"updated_since": "2100-01-01T00:00:00-03:00"}
        state = StateBuilder().with_stream_state(_STREAM, future).build()

        output = read_output(_config(), _STREAM, SyncMode.incremental, state)

        assert output.records == [] and output.errors == []
        assert final_state(output) == future


class TestOrdersGoneBetweenListAndDetail(TestCase):
    @HttpMocker()
    def test_given_order_deleted_after_listing_when_read_then_tombstone_counted_and_logged(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(_FIRST_WINDOW).build(), orders_page([101, 102, 103]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), orders_page([104]))
        _mock_details(http_mocker, [101, 103])
        for gone in (102, 104):
            http_mocker.get(
                TinyRequestBuilder.order_detail(gone).build(), error_response("32", "Registro não localizado")
            )

        output = read_output(_config(), _STREAM, SyncMode.incremental)

        assert ids(output) == [101, 102, 103, 104]
        tombstones = [r for r in records(output) if r["id"] in (102, 104)]
        assert [sorted(r) for r in tombstones] == [["_ab_cdc_deleted_at", "_scan_started_at", "id"]] * 2
        assert all(r["_scan_started_at"] == _SCAN_STARTED_AT for r in tombstones)
        assert all(r["_ab_cdc_deleted_at"] for r in tombstones)
        assert output.errors == []
        # the deleted orders leave the orders the next scan re-lists
        assert final_state(output) == {
            "updated_since": _SCAN_STARTED_AT,
            "recent": {"2026-01-20": ["101", "103"]},
        }
        logs = log_messages(output)
        assert (
            sum(
                "emitted as deleted 102: listed by the search, but pedido.obter answers codigo_erro 32" in m
                for m in logs
            )
            == 1
        )
        assert any(
            "emitted as deleted 1 listed records without a detail" in m and "2 so far this sync" in m
            for m in logs
        )


class TestOrdersTooManyRecords(TestCase):
    @HttpMocker()
    def test_given_code_21_for_a_window_when_read_then_window_split_in_halves(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _search(_FIRST_WINDOW).build(), error_response("21", "A consulta retornou muitos registros")
        )
        http_mocker.get(_search(("20/01/2026", "23/01/2026")).build(), orders_page([101]))
        http_mocker.get(_search(("24/01/2026", "26/01/2026")).build(), orders_page([102]))
        http_mocker.get(_search(_SECOND_WINDOW).build(), no_records())
        _mock_details(http_mocker, [101, 102])

        output = read_output(_config(), _STREAM, SyncMode.incremental)

        assert ids(output) == [101, 102]
        assert final_state(output) == {
            "updated_since": _SCAN_STARTED_AT,
            "recent": {"2026-01-20": ["101", "102"]},
        }

    @HttpMocker()
    def test_given_code_21_for_a_single_day_when_read_then_system_error_naming_the_day(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(
            _search(("20/01/2026", "20/01/2026")).build(),
            error_response("21", "A consulta retornou muitos registros"),
        )

        output = read_output(
            _config().with_start_date("2026-01-20").with_window_days(1),
            _STREAM,
            clock=FakeClock(),
            expecting_exception=True,
        )

        error = stream_error(output, _STREAM)
        assert error.failure_type == FailureType.system_error
        assert "20/01/2026" in error.message and "codigo_erro 21" in error.message
