"""The ``products`` stream: ``produtos.pesquisa`` (active and inactive) + ``produto.obter``."""

from __future__ import annotations

from unittest import TestCase

from airbyte_cdk.test.mock_http import HttpMocker

from .config import ConfigBuilder
from .request_builder import TinyRequestBuilder
from .response_builder import a_listed_product, error_response, list_page, no_records, product_detail
from .utils import ids, read_output, records

_STREAM = "products"


def _search(page: int = 1):
    return TinyRequestBuilder.products_search().with_page(page).build()


def _page(product_ids, page: int = 1, page_count: int = 1):
    return list_page("products_search", [a_listed_product(i) for i in product_ids], page, page_count)


class TestProductsFullRefresh(TestCase):
    @HttpMocker()
    def test_given_product_when_read_then_detail_typed_and_variations_unwrapped(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), _page([512300101]))
        http_mocker.get(TinyRequestBuilder.product_detail(512300101).build(), product_detail(512300101))

        product = records(read_output(ConfigBuilder(), _STREAM))[0]

        assert product["id"] == 512300101
        assert product["data_criacao"] == "2024-05-14T09:12:44-03:00"
        assert (product["preco"], product["preco_custo"], product["peso_bruto"]) == (39.95, 21.4, 0.27)
        assert product["valor_ipi_fixo"] == 0.0  # a bare JSON number in the answer
        assert product["gtin"] == "0789000000011"
        assert product["variacoes"] == [
            {"id": 512300102, "codigo": "CAF-250-M", "preco": 41.0, "grade": {"Moagem": "Média"}}
        ]
        assert product["imagens_externas"] == [{"url": "https://example.com/cafe.jpg"}]
        assert product["categoria"] == "Mercearia >> Cafés"
        assert product.get("idProdutoPai") is None and product["dias_preparacao"] == 0
        assert product["_coercion_errors"] == []

    @HttpMocker()
    def test_given_two_pages_when_read_then_every_product_once(self, http_mocker: HttpMocker) -> None:
        first, second = list(range(1, 101)), [101]
        http_mocker.get(_search(1), _page(first, 1, 2))
        http_mocker.get(_search(2), _page(second, 2, 2))
        for product_id in first + second:
            http_mocker.get(TinyRequestBuilder.product_detail(product_id).build(), product_detail(product_id))

        output = read_output(ConfigBuilder(), _STREAM)

        assert ids(output) == first + second

    @HttpMocker()
    def test_given_product_deleted_between_list_and_detail_when_read_then_skipped(
        self, http_mocker: HttpMocker
    ) -> None:
        http_mocker.get(_search(), _page([1, 2]))
        http_mocker.get(
            TinyRequestBuilder.product_detail(1).build(), error_response("32", "Registro não localizado")
        )
        http_mocker.get(TinyRequestBuilder.product_detail(2).build(), product_detail(2))

        output = read_output(ConfigBuilder(), _STREAM)

        assert ids(output) == [2] and output.errors == []

    @HttpMocker()
    def test_given_no_product_when_read_then_no_record(self, http_mocker: HttpMocker) -> None:
        http_mocker.get(_search(), no_records())

        output = read_output(ConfigBuilder(), _STREAM)

        assert output.records == [] and output.errors == []
