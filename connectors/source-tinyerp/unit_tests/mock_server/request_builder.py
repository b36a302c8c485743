"""One request builder per TinyERP endpoint: ``<base_url>/<endpoint>.php?token=...&formato=JSON&...``."""

from __future__ import annotations

from airbyte_cdk.test.mock_http import HttpRequest
from airbyte_cdk.test.mock_http.request import ANY_QUERY_PARAMS

from .config import API_TOKEN, BASE_URL


class TinyRequestBuilder:
    @classmethod
    def info(cls) -> TinyRequestBuilder:
        return cls("info")

    @classmethod
    def orders_search(cls) -> TinyRequestBuilder:
        """``pedidos.pesquisa`` as the connector sends it: ``sort=ASC``, page 1 unless ``with_page``."""
        return cls("pedidos.pesquisa").with_param("sort", "ASC").with_page(1)

    @classmethod
    def order_detail(cls, order_id: int | str) -> TinyRequestBuilder:
        return cls("pedido.obter").with_param("id", str(order_id))

    @classmethod
    def pos_sale_detail(cls, order_id: int | str) -> TinyRequestBuilder:
        """``pdv.pedido.obter``: the PDV endpoints take no ``formato``."""
        return cls("pdv.pedido.obter", json_format=False).with_param("id", str(order_id))

    @classmethod
    def products_search(cls) -> TinyRequestBuilder:
        return cls("produtos.pesquisa").with_param("pesquisa", "").with_page(1)

    @classmethod
    def product_detail(cls, product_id: int | str) -> TinyRequestBuilder:
        return cls("produto.obter").with_param("id", str(product_id))

    @classmethod
    def contacts_search(cls) -> TinyRequestBuilder:
        return cls("contatos.pesquisa").with_param("pesquisa", "").with_page(1)

    @classmethod
    def invoices_search(cls) -> TinyRequestBuilder:
        return cls("notas.fiscais.pesquisa").with_page(1)

    def __init__(self, endpoint: str, json_format: bool = True, base_url: str = BASE_URL) -> None:
        self._url = f"{base_url}/{endpoint}.php"
        self._params: dict[str, str] = {"token": API_TOKEN}
        if json_format:
            self._params["formato"] = "JSON"
        self._any_params = False

    def with_param(self, key: str, value: str) -> TinyRequestBuilder:
        self._params[key] = value
        return self

    def with_token(self, token: str) -> TinyRequestBuilder:
        return self.with_param("token", token)

    def with_page(self, page: int) -> TinyRequestBuilder:
        return self.with_param("pagina", str(page))

    def with_created_window(self, first_day: str, last_day: str) -> TinyRequestBuilder:
        """``dd/mm/yyyy`` days, inclusive (``dataInicial`` / ``dataFinal``)."""
        return self.with_param("dataInicial", first_day).with_param("dataFinal", last_day)

    def with_updated_since(self, moment: str) -> TinyRequestBuilder:
        """``dd/mm/yyyy hh:mm:ss`` in Brasília time (``dataAtualizacao``)."""
        return self.with_param("dataAtualizacao", moment)

    def with_minimum_update(self, moment: str) -> TinyRequestBuilder:
        """``dd/mm/yyyy hh:mm:ss`` in Brasília time (``dataMinimaAtualizacao``, contacts)."""
        return self.with_param("dataMinimaAtualizacao", moment)

    def with_any_params(self) -> TinyRequestBuilder:
        self._any_params = True
        return self

    def build(self) -> HttpRequest:
        if self._any_params:
            return HttpRequest(url=self._url, query_params=ANY_QUERY_PARAMS)
        return HttpRequest(url=self._url, query_params=dict(self._params))
