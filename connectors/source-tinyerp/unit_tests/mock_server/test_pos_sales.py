"""The ``pos_sales`` stream: the same ``pedidos.pesquisa`` scan as ``orders``, read with
``pdv.pedido.obter`` (no ``formato``): GTINs, weights, and discounts as typed at the counter."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.models import SyncMode
from airbyte_cdk.test.mock_http import HttpMocker
from airbyte_cdk.test.state_builder import StateBuilder

from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import error_response, no_records, orders_page, pos_sale_detail
from .utils import final_state, ids, log_messages, read_output, records, states

_STREAM = "pos_sales"
_SCAN_STARTED_AT = "2026-02-02T12:00:00-03:00"


def _search(first_day: str, last_day: str):
    return TinyRequestBuilder.orders_search().with_created_window(first_day, last_day).build()


def _detail(order_id: int):
    return TinyRequestBuilder.pos_sale_detail(order_id).build()


class TestPosSalesFullRefresh(TestCase):
    @HttpMocker()
    def test_given_pos_sale_when_read_then_typed_with_gtin_kept_as_text(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search("20/01/2026", "26/01/2026"), orders_page([101]))
        http_mocker.get(_search("27/01/2026", "02/02/2026"), no_records())
        http_mocker.get(_detail(101), pos_sale_detail(101))

        sale = records(read_output(ConfigBuilder(), _STREAM))[0]

        assert sale["id"] == 101 and sale["numero"] == 17602
        assert sale["data"] == "2026-01-20T00:00:00-03:00"
        assert sale["totalVenda"] == 152.79 and sale["pesoBruto"] == 0.8
        item = sale["itens"][0]
        assert item["gtin"] == "0789000000011"  # a GTIN is text: its leading zero stays
        assert (item["id"], item["idProduto"], item["quantidade"], item["valor"]) == (
            990001,
            512300101,
            2.0,
            39.95,
        )
        assert sale["parcelas"] == [
            {
                "formaPagamento": "Cartão de crédito",
                "dataVencimento": "2026-02-19T00:00:00-03:00",
                "valor": 152.79,
                "tPag": "03",
            }
        ]
        assert sale["contato"]["indIEDest"] == "9"
        assert sale["_scan_started_at"] == _SCAN_STARTED_AT

    @HttpMocker()
    def test_given_discounts_as_typed_when_read_then_raw_kept_and_parsed(
        self, http_mocker: HttpMocker
    ) -> None:
        # Order discount "5,00" is an amount (comma decimal); "10%" a percentage. Item discounts are
        # bare percentages ("10" means 10 %), as the PDV sends them.
        http_mocker.get(_search("20/01/2026", "26/01/2026"), orders_page([101, 102]))
        http_mocker.get(_search("27/01/2026", "02/02/2026"), no_records())
        http_mocker.get(_detail(101), pos_sale_detail(101))
        http_mocker.get(_detail(102), pos_sale_detail(102, desconto="10%"))

        first, second = records(read_output(ConfigBuilder(), _STREAM))

        assert (first["desconto"], first["desconto_tipo"], first["desconto_valor"]) == ("5,00", "valor", 5.0)
        assert (second["desconto"], second["desconto_tipo"], second["desconto_percentual"]) == (
            "10%",
            "percentual",
            10.0,
        )
        discounted, plain = first["itens"]
        assert (discounted["desconto"], discounted["desconto_tipo"], discounted["desconto_percentual"]) == (
            "10",
            "percentual",
            10.0,
        )
        assert discounted["desconto_valor"] is None
        assert (plain["desconto"], plain["desconto_percentual"]) == ("0", 0.0)

    @HttpMocker()
    def test_given_order_that_is_not_a_pos_sale_when_read_then_code_32_skipped_and_counted(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search("20/01/2026", "26/01/2026"), orders_page([101, 102, 103]))
        http_mocker.get(_search("27/01/2026", "02/02/2026"), no_records())
        http_mocker.get(_detail(101), pos_sale_detail(101))
        http_mocker.get(_detail(102), error_response("32", "Registro não localizado"))
        http_mocker.get(_detail(103), error_response("32", "Registro não localizado"))

        output = read_output(ConfigBuilder(), _STREAM)

        assert ids(output) == [101] and output.errors == []
        assert any(
            "skipped 2 listed records without a detail (codigo_erro 32: not a POS (PDV) sale" in message
            for message in log_messages(output)
        )


class TestPosSalesIncremental(TestCase):
    @HttpMocker()
    def test_given_no_state_when_read_then_exact_final_state(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search("20/01/2026", "26/01/2026"), orders_page([101]))
        http_mocker.get(_search("27/01/2026", "02/02/2026"), no_records())
        http_mocker.get(_detail(101), pos_sale_detail(101))

        output = read_output(ConfigBuilder(), _STREAM, SyncMode.incremental)

        assert states(output)[0] == {
            "scan": {"started_at": _SCAN_STARTED_AT, "created_through": "2026-01-26"}
        }
        assert final_state(output) == {"updated_since": _SCAN_STARTED_AT}

    @HttpMocker()
    def test_given_state_when_read_then_updated_orders_since_state_minus_lookback(
        self, http_mocker: HttpMocker
    ) -> None:
        state = (
            StateBuilder().with_stream_state(_STREAM, {"updated_since": "2026-02-02T11:00:00-03:00"}).build()
        )
        search = TinyRequestBuilder.orders_search().with_updated_since("02/02/2026 10:30:00").build()
        http_mocker.get(search, orders_page([105]))
        http_mocker.get(_detail(105), pos_sale_detail(105))

        output = read_output(ConfigBuilder().with_lookback_minutes(30), _STREAM, SyncMode.incremental, state)

        assert ids(output) == [105]
        assert final_state(output) == {"updated_since": _SCAN_STARTED_AT}
