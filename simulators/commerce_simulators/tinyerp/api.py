"""The api2 endpoints (docs/tinyerp_api.md §2): parameters, filters, pagination and their error codes.

Each handler takes the merged request parameters and returns an `Ok` payload or an `Err` code; the
server wraps it in the envelope. Token, rate limit and faults are handled before a handler runs.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from . import catalog, records
from .clock import local_day, parse_tiny_datetime, parse_tiny_day
from .envelope import Err, Ok, Raw
from .model import Contact, NotaFiscal, Order, Product
from .records import php_json
from .store import Store

DEFAULT_PAGE_SIZE = 100
DEFAULT_MAX_RESULTS = 10_000

Result = Ok | Err


def normalize(text: str) -> str:
    """Lower case without accents (filters are accent- and case-insensitive)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


# Accepted `situacao` filter values: the code, any label spelling, or the v3 number.
_SITUACAO_FILTER: dict[str, str] = {}
for _code, _label in catalog.SITUACOES.items():
    _SITUACAO_FILTER[_code] = _code
    _SITUACAO_FILTER[normalize(_label)] = _code
    _SITUACAO_FILTER[_code.replace("_", " ")] = _code
for _code, _labels in catalog.LABEL_VARIANTS.items():
    for _label in _labels:
        _SITUACAO_FILTER[normalize(_label)] = _code
_SITUACAO_FILTER.update(
    {
        "0": "aberto",
        "3": "aprovado",
        "4": "preparando_envio",
        "1": "faturado",
        "7": "pronto_envio",
        "5": "enviado",
        "6": "entregue",
        "2": "cancelado",
        "9": "nao_entregue",
    }
)


@dataclass(frozen=True)
class Endpoint:
    name: str
    handler: Callable[[TinyApi, dict[str, str]], Result]
    pdv: bool = False  # PDV endpoints take no `formato` and always answer JSON


class _BadParam(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.err = Err(code, message)


def _date_param(params: dict[str, str], name: str, *, with_time: bool) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    value = parse_tiny_datetime(raw) if with_time else parse_tiny_day(raw)
    if value is None:
        fmt = "dd/mm/yyyy hh:mm:ss" if with_time else "dd/mm/yyyy"
        raise _BadParam("31", f"Data inválida no parâmetro {name}: '{raw}' (formato esperado {fmt})")
    return value


def _id_param(params: dict[str, str]) -> int | None:
    raw = params.get("id", "").strip()
    if not raw:
        raise _BadParam("10", "Parâmetro não informado: id")
    return int(raw) if raw.isdigit() else None


def _page_number(params: dict[str, str]) -> int:
    raw = params.get("pagina", "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1  # PHP's (int) cast: junk means page 1


class TinyApi:
    def __init__(
        self,
        store: Store,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
        max_results: int = DEFAULT_MAX_RESULTS,
        drift: int = 0,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.store = store
        self.page_size = page_size
        self.max_results = max_results  # 0: no cap (code 21 never answered)
        self.drift = drift  # orders inserted before each pedidos.pesquisa page >= 2

    def handle(self, endpoint: Endpoint, params: dict[str, str]) -> Result:
        try:
            with self.store.lock:
                return endpoint.handler(self, params)
        except _BadParam as exc:
            return exc.err

    # --- shared ---------------------------------------------------------------------------------------

    def _paginate(
        self,
        params: dict[str, str],
        rows: Sequence[Any],
        list_key: str,
        row_key: str,
        row_json: Callable[[Any], bytes],
        *,
        capped: bool = False,
        served: Callable[[Sequence[Any]], None] | None = None,
    ) -> Result:
        if not rows:
            return Err("20")
        if capped and self.max_results and len(rows) > self.max_results:
            return Err(
                "21",
                f"A consulta retornou muitos registros ({len(rows)}; o limite é "
                f"{self.max_results}). Refine os filtros, por exemplo o período.",
            )
        pages = math.ceil(len(rows) / self.page_size)
        page = _page_number(params)
        if page > pages:
            return Err("23")
        chunk = rows[(page - 1) * self.page_size : page * self.page_size]
        opener = b'{"' + row_key.encode() + b'":'
        body = b"[" + b",".join(opener + row_json(r) + b"}" for r in chunk) + b"]"
        if served is not None:
            served(chunk)
        return Ok([("pagina", str(page)), ("numero_paginas", str(pages)), (list_key, Raw(body))])

    # --- pedidos --------------------------------------------------------------------------------------

    def _order_filters(self, params: dict[str, str]) -> tuple[Any, ...]:
        situacao = params.get("situacao", "").strip()
        return (
            _date_param(params, "dataInicial", with_time=False),
            _date_param(params, "dataFinal", with_time=False),
            _date_param(params, "dataAtualizacao", with_time=True),
            _SITUACAO_FILTER.get(normalize(situacao), "?") if situacao else None,
            params.get("numero", "").strip() or None,
            normalize(params.get("cliente", "")) or None,
            digits(params.get("cpf_cnpj", "")) or None,
            params.get("idVendedor", "").strip() or None,
            normalize(params.get("nomeVendedor", "")) or None,
            params.get("numeroEcommerce", "").strip() or None,
            params.get("sort", "").strip().upper() == "DESC",
        )

    def _search_orders(self, f: tuple[Any, ...]) -> list[Order]:
        first, last, updated, situacao, numero, cliente, doc, seller_id, seller_name, ecommerce, desc = f
        store = self.store

        def compute() -> list[Order]:
            rows = store.ordered_orders(first, last)
            if updated is not None:
                rows = [o for o in rows if o.updated >= updated]
            if situacao is not None:
                rows = [o for o in rows if o.state == situacao]
            if numero is not None:
                rows = [o for o in rows if str(o.numero) == numero]
            if ecommerce is not None:
                rows = [o for o in rows if o.ecommerce_numero == ecommerce]
            if cliente is not None or doc is not None:
                rows = [o for o in rows if self._client_matches(o, cliente, doc)]
            if seller_id is not None:
                rows = [o for o in rows if records.seller(o.seller)[0] == seller_id]
            elif seller_name is not None:
                rows = [o for o in rows if seller_name in normalize(records.seller(o.seller)[1])]
            if desc:
                rows.reverse()
            return rows

        return store.cached(("pedidos", *f), compute)

    def _client_matches(self, order: Order, name: str | None, doc: str | None) -> bool:
        contact = self.store.contacts.get(order.contact_id)
        if doc is not None and (contact is None or digits(contact.cpf_cnpj) != doc):
            return False
        return name is None or name in normalize(contact.nome if contact else "Consumidor Final")

    def pedidos_pesquisa(self, params: dict[str, str]) -> Result:
        filters = self._order_filters(params)
        rows = self._search_orders(filters)
        if self.drift and rows and _page_number(params) >= 2:
            self.store.insert_orders(self.drift, day=local_day(rows[0].created))
            rows = self._search_orders(filters)
        return self._paginate(
            params, rows, "pedidos", "pedido", self.store.summary_json, capped=True, served=self.store.listed
        )

    def _order(self, params: dict[str, str]) -> Order | None:
        order_id = _id_param(params)
        return None if order_id is None else self.store.orders.get(order_id)

    def pedido_obter(self, params: dict[str, str]) -> Result:
        order = self._order(params)
        if order is None:
            return Err("32")
        return Ok([("pedido", Raw(php_json(records.order_detail(order, self.store))))])

    def pdv_pedido_obter(self, params: dict[str, str]) -> Result:
        order = self._order(params)
        if order is None or not order.is_pdv:
            return Err("32")
        return Ok([("pedido", Raw(php_json(records.pdv_detail(order, self.store))))])

    # --- produtos -------------------------------------------------------------------------------------

    def produtos_pesquisa(self, params: dict[str, str]) -> Result:
        pesquisa = normalize(params.get("pesquisa", ""))
        situacao = params.get("situacao", "").strip().upper()
        gtin = params.get("gtin", "").strip()
        created = _date_param(params, "dataCriacao", with_time=True)

        def compute() -> list[Product]:
            allowed = {situacao} if situacao else {"A", "I"}
            return [
                p
                for p in self.store.product_list
                if p.situacao in allowed
                and (not pesquisa or pesquisa in normalize(p.nome) or pesquisa in normalize(p.codigo))
                and (not gtin or p.gtin == gtin)
                and (created is None or p.created >= created)
            ]

        rows = self.store.cached(("produtos", pesquisa, situacao, gtin, created), compute)
        return self._paginate(params, rows, "produtos", "produto", lambda p: php_json(records.product_row(p)))

    def _product(self, params: dict[str, str]) -> Product | None:
        product_id = _id_param(params)
        return None if product_id is None else self.store.products.get(product_id)

    def produto_obter(self, params: dict[str, str]) -> Result:
        product = self._product(params)
        if product is None:
            return Err("32")
        return Ok([("produto", Raw(php_json(records.product_detail(product, self.store))))])

    def produto_obter_estoque(self, params: dict[str, str]) -> Result:
        product = self._product(params)
        if product is None:
            return Err("32")
        return Ok([("produto", Raw(php_json(records.product_stock(product))))])

    # --- contatos / vendedores ------------------------------------------------------------------------

    def contatos_pesquisa(self, params: dict[str, str]) -> Result:
        pesquisa = normalize(params.get("pesquisa", ""))
        doc = digits(params.get("cpf_cnpj", ""))
        situacao = normalize(params.get("situacao", ""))
        seller_id = params.get("idVendedor", "").strip()
        seller_name = normalize(params.get("nomeVendedor", ""))
        created = _date_param(params, "dataCriacao", with_time=True)
        updated = _date_param(params, "dataMinimaAtualizacao", with_time=True)

        def keep(c: Contact) -> bool:
            if pesquisa and not any(pesquisa in normalize(v) for v in (c.nome, c.codigo, c.fantasia)):
                return False
            if doc and digits(c.cpf_cnpj) != doc:
                return False
            if situacao and normalize(c.situacao) != situacao:
                return False
            sid, sname = records.seller(c.seller)
            if seller_id and sid != seller_id:
                return False
            if not seller_id and seller_name and seller_name not in normalize(sname):
                return False
            return (created is None or c.created >= created) and (updated is None or c.updated >= updated)

        key = ("contatos", pesquisa, doc, situacao, seller_id, seller_name, created, updated)
        rows = self.store.cached(key, lambda: [c for c in self.store.contact_list if keep(c)])
        return self._paginate(params, rows, "contatos", "contato", lambda c: php_json(records.contact_row(c)))

    def contato_obter(self, params: dict[str, str]) -> Result:
        contact_id = _id_param(params)
        contact = None if contact_id is None else self.store.contacts.get(contact_id)
        if contact is None:
            return Err("32")
        return Ok([("contato", Raw(php_json(records.contact_detail(contact))))])

    def vendedores_pesquisa(self, params: dict[str, str]) -> Result:
        pesquisa = normalize(params.get("pesquisa", ""))
        situacao = params.get("situacao", "").strip().upper()
        rows = [
            i
            for i, (_, name) in enumerate(catalog.SELLERS)
            if (not pesquisa or pesquisa in normalize(name)) and (not situacao or situacao == "A")
        ]
        return self._paginate(
            params, rows, "vendedores", "vendedor", lambda i: php_json(records.seller_row(i))
        )

    def info(self, params: dict[str, str]) -> Result:
        return Ok([("conta", records.account_info())])

    # --- notas fiscais --------------------------------------------------------------------------------

    def notas_fiscais_pesquisa(self, params: dict[str, str]) -> Result:
        tipo = params.get("tipoNota", "").strip().upper()
        numero = params.get("numero", "").strip()
        cliente = normalize(params.get("cliente", ""))
        doc = digits(params.get("cpf_cnpj", ""))
        first = _date_param(params, "dataInicial", with_time=False)
        last = _date_param(params, "dataFinal", with_time=False)
        situacao = params.get("situacao", "").strip()
        ecommerce = params.get("numeroEcommerce", "").strip()
        seller_id = params.get("idVendedor", "").strip()
        seller_name = normalize(params.get("nomeVendedor", ""))
        store = self.store

        def keep(nf: NotaFiscal) -> bool:
            day = local_day(nf.emissao)
            if (first is not None and day < first) or (last is not None and day > last):
                return False
            if tipo and tipo != "S":
                return False
            if numero and (not numero.isdigit() or int(numero) != nf.numero):
                return False
            if situacao and situacao != nf.situacao:
                return False
            order = store.orders_ever.get(nf.order_id)
            if ecommerce and (order is None or order.ecommerce_numero != ecommerce):
                return False
            if seller_id or seller_name:
                sid, sname = records.seller(order.seller) if order else ("", "")
                if seller_id and sid != seller_id:
                    return False
                if not seller_id and seller_name not in normalize(sname):
                    return False
            if cliente or doc:
                contact = store.contacts.get(order.contact_id) if order else None
                if doc and (contact is None or digits(contact.cpf_cnpj) != doc):
                    return False
                if cliente and cliente not in normalize(contact.nome if contact else "Consumidor Final"):
                    return False
            return True

        key = ("notas", tipo, numero, cliente, doc, first, last, situacao, ecommerce, seller_id, seller_name)
        rows = store.cached(key, lambda: [nf for nf in store.notas if keep(nf)])
        return self._paginate(
            params,
            rows,
            "notas_fiscais",
            "nota_fiscal",
            lambda nf: php_json(records.nota_row(nf, store)),
            capped=True,
        )


ENDPOINTS: dict[str, Endpoint] = {
    e.name: e
    for e in (
        Endpoint("pedidos.pesquisa", TinyApi.pedidos_pesquisa),
        Endpoint("pedido.obter", TinyApi.pedido_obter),
        Endpoint("pdv.pedido.obter", TinyApi.pdv_pedido_obter, pdv=True),
        Endpoint("produtos.pesquisa", TinyApi.produtos_pesquisa),
        Endpoint("produto.obter", TinyApi.produto_obter),
        Endpoint("produto.obter.estoque", TinyApi.produto_obter_estoque),
        Endpoint("contatos.pesquisa", TinyApi.contatos_pesquisa),
        Endpoint("contato.obter", TinyApi.contato_obter),
        Endpoint("vendedores.pesquisa", TinyApi.vendedores_pesquisa),
        Endpoint("notas.fiscais.pesquisa", TinyApi.notas_fiscais_pesquisa),
        Endpoint("info", TinyApi.info),
    )
}
