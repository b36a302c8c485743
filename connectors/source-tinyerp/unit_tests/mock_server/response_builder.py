"""TinyERP answers built from ``unit_tests/resource/http/response/<name>.json``.

Every answer is HTTP 200 with the ``retorno`` envelope and the ``x-limit-api`` header. List answers
wrap each row (``pedidos: [{"pedido": {...}}]``) and carry ``pagina`` / ``numero_paginas`` as strings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from airbyte_cdk.test.mock_http import HttpResponse
from airbyte_cdk.test.mock_http.response_builder import (
    NestedPath,
    PaginationStrategy,
    RecordBuilder,
    create_record_builder,
    create_response_builder,
    find_template,
)

PLAN_LIMIT = 120  # x-limit-api of every mocked answer unless a test says otherwise

# list template -> (list key, wrapper key)
_LISTS = {
    "orders_search": ("pedidos", "pedido"),
    "products_search": ("produtos", "produto"),
    "contacts_search": ("contatos", "contato"),
    "invoices_search": ("notas_fiscais", "nota_fiscal"),
}


def _headers(limit: int | None) -> dict[str, str]:
    return {"x-limit-api": str(limit)} if limit is not None else {}


class _TinyPage(PaginationStrategy):
    def __init__(self, page: int, page_count: int) -> None:
        self._page, self._page_count = page, page_count

    def update(self, response: dict[str, Any]) -> None:
        response["retorno"]["pagina"] = str(self._page)
        response["retorno"]["numero_paginas"] = str(self._page_count)


def a_row(template: str) -> RecordBuilder:
    """One wrapped list row (``{"pedido": {...}}``) from a list template."""
    list_key, wrapper = _LISTS[template]
    return create_record_builder(
        find_template(template, __file__),
        NestedPath(["retorno", list_key]),
        record_id_path=NestedPath([wrapper, "id"]),
    )


def a_listed_order(order_id: int, data_pedido: str = "20/01/2026") -> RecordBuilder:
    return (
        a_row("orders_search")
        .with_id(str(order_id))
        .with_field(NestedPath(["pedido", "data_pedido"]), data_pedido)
    )


def a_listed_product(product_id: int) -> RecordBuilder:
    return a_row("products_search").with_id(str(product_id))


def a_contact(contact_id: int, **fields: str) -> RecordBuilder:
    row = a_row("contacts_search").with_id(str(contact_id))
    for key, value in fields.items():
        row.with_field(NestedPath(["contato", key]), value)
    return row


def an_invoice(invoice_id: int, data_emissao: str = "21/01/2026") -> RecordBuilder:
    return (
        a_row("invoices_search")
        .with_id(str(invoice_id))
        .with_field(NestedPath(["nota_fiscal", "data_emissao"]), data_emissao)
    )


def list_page(
    template: str,
    rows: Iterable[RecordBuilder],
    page: int = 1,
    page_count: int = 1,
    limit: int | None = PLAN_LIMIT,
) -> HttpResponse:
    """One page of a list endpoint (``pagina`` / ``numero_paginas`` as strings)."""
    list_key, _ = _LISTS[template]
    builder = create_response_builder(
        find_template(template, __file__), NestedPath(["retorno", list_key]), _TinyPage(page, page_count)
    ).with_pagination()
    for row in rows:
        builder.with_record(row)
    built = builder.build()
    return HttpResponse(built.body, 200, _headers(limit))


def orders_page(
    order_ids: Iterable[int],
    page: int = 1,
    page_count: int = 1,
    data_pedido: str = "20/01/2026",
    **kwargs: Any,
) -> HttpResponse:
    rows = [a_listed_order(order_id, data_pedido) for order_id in order_ids]
    return list_page("orders_search", rows, page, page_count, **kwargs)


def detail(
    template: str, key: str, record_id: int | str, limit: int | None = PLAN_LIMIT, **fields: Any
) -> HttpResponse:
    """A detail answer (``retorno.<key>``) with its id and some fields replaced."""
    body = find_template(template, __file__)
    body["retorno"][key].update({"id": str(record_id), **fields})
    return HttpResponse(json.dumps(body), 200, _headers(limit))


def order_detail(order_id: int | str, **fields: Any) -> HttpResponse:
    return detail("order", "pedido", order_id, **fields)


def pos_sale_detail(order_id: int | str, **fields: Any) -> HttpResponse:
    return detail("pos_sale", "pedido", order_id, **fields)


def product_detail(product_id: int | str, **fields: Any) -> HttpResponse:
    return detail("product", "produto", product_id, **fields)


def info_response(limit: int | None = PLAN_LIMIT) -> HttpResponse:
    return HttpResponse(json.dumps(find_template("info", __file__)), 200, _headers(limit))


def error_response(code: str, message: str = "erro", limit: int | None = PLAN_LIMIT) -> HttpResponse:
    """An error envelope: HTTP 200, ``status`` "Erro", ``codigo_erro`` as a string."""
    body = find_template("error", __file__)
    body["retorno"].update({"codigo_erro": code, "erros": [{"erro": message}]})
    return HttpResponse(json.dumps(body), 200, _headers(limit))


EMPTY = "A consulta não retornou registros"
RATE_LIMITED = "API Bloqueada - Excedido o número de acessos a API, aguarde alguns minutos e tente novamente"


def no_records() -> HttpResponse:
    return error_response("20", EMPTY)


def past_last_page() -> HttpResponse:
    return error_response("23", "A página que você está tentando obter não existe")


def http_response(status: int, body: str = "", headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(body, status, headers or {})
