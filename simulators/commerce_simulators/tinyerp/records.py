"""The API's record shapes (docs/tinyerp_api.md §2), built from the model. Every value is a string: ids, money
("39.95", "." decimal), quantities ("2.00"), dates ("dd/mm/yyyy", "dd/mm/yyyy hh:mm:ss"), with ""
for an empty value, as production payloads show them (docs/tinyerp_api.md §1.2, §1.6).
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from functools import cache
from typing import Any

from . import catalog
from .clock import fmt_date, fmt_datetime
from .generator import access_key, cpf
from .model import Contact, NotaFiscal, Order, Product


def php_json(value: Any) -> bytes:
    """What PHP's json_encode writes by default: \\uXXXX for non-ASCII and an escaped "/"."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def kg(grams: int) -> str:
    return f"{grams // 1000}.{grams % 1000 // 10:02d}"


def date_or_empty(ts: int) -> str:
    return fmt_date(ts) if ts else ""


def seller(index: int) -> tuple[str, str]:
    return catalog.SELLERS[index] if index >= 0 else ("", "")


def situacao_label(order: Order) -> str:
    variants = catalog.LABEL_VARIANTS.get(order.state)
    return variants[order.variant % len(variants)] if variants else catalog.SITUACOES[order.state]


def tracking_url(code: str) -> str:
    return f"https://rastreamento.correios.com.br/app/index.php?objeto={code}" if code else ""


class Lookup:
    """What the record builders need from the store."""

    products: Mapping[int, Product]
    contacts: Mapping[int, Contact]
    orders_ever: Mapping[int, Order]  # live and deleted orders (an invoice outlives its order)


_CONSUMIDOR = {"nome": "Consumidor Final", "tipo_pessoa": "F"}
_CLIENTE_KEYS = (
    "codigo",
    "nome",
    "nome_fantasia",
    "tipo_pessoa",
    "cpf_cnpj",
    "ie",
    "rg",
    "endereco",
    "numero",
    "complemento",
    "bairro",
    "cep",
    "cidade",
    "uf",
    "fone",
    "email",
)
_PDV_ADDRESS_KEYS = (
    "nome",
    "tipo",
    "cpfCnpj",
    "endereco",
    "enderecoNro",
    "complemento",
    "bairro",
    "cidade",
    "uf",
    "cep",
    "fone",
)


def _cliente(contact: Contact | None) -> dict[str, str]:
    if contact is None:
        c = dict.fromkeys(_CLIENTE_KEYS, "")
        c.update(_CONSUMIDOR, cidade=catalog.ACCOUNT["cidade"], uf=catalog.ACCOUNT["uf"])
        return c
    return {
        "codigo": contact.codigo,
        "nome": contact.nome,
        "nome_fantasia": contact.fantasia,
        "tipo_pessoa": contact.tipo_pessoa,
        "cpf_cnpj": contact.cpf_cnpj,
        "ie": contact.ie,
        "rg": "",
        "endereco": contact.endereco,
        "numero": contact.numero,
        "complemento": contact.complemento,
        "bairro": contact.bairro,
        "cep": contact.cep,
        "cidade": contact.cidade,
        "uf": contact.uf,
        "fone": contact.fone or contact.celular,
        "email": contact.email,
    }


# --- pedidos ------------------------------------------------------------------------------------------


def order_summary(order: Order, db: Lookup) -> dict[str, str]:
    contact = db.contacts.get(order.contact_id)
    sid, sname = seller(order.seller)
    return {
        "id": str(order.id),
        "numero": str(order.numero),
        "numero_ecommerce": order.ecommerce_numero,
        "data_pedido": fmt_date(order.created),
        "data_prevista": date_or_empty(order.prevista),
        "nome": contact.nome if contact else _CONSUMIDOR["nome"],
        "valor": money(order.total),
        "id_vendedor": sid,
        "nome_vendedor": sname,
        "situacao": situacao_label(order),
        "codigo_rastreamento": order.tracking,
        "url_rastreamento": tracking_url(order.tracking),
    }


def _installments(order: Order) -> list[tuple[int, int]]:
    """(days after the order, cents) of each installment; the last one takes the rounding."""
    n, total = order.parcelas, order.total
    if n == 1:
        return [(30 if order.pagamento in ("credito", "boleto") and not order.is_pdv else 0, total)]
    each = total // n
    return [(30 * (i + 1), each if i < n - 1 else total - each * (n - 1)) for i in range(n)]


def _shipping(order: Order) -> tuple[str, str, str]:
    """(nome_transportador, forma_envio, forma_frete)"""
    if order.channel == "pdv":
        return "", "", ""
    if order.channel == "meli":
        return "Mercado Envios", "Mercado Envios", "Mercado Envios Flex" if order.id % 3 == 0 else "Normal"
    if order.channel == "manual":
        return "Transportadora Planalto", "Transportadora", "Rodoviário"
    return "Correios", "Correios", "SEDEX" if order.id % 4 == 0 else "PAC"


def order_detail(order: Order, db: Lookup) -> dict[str, Any]:
    contact = db.contacts.get(order.contact_id)
    sid, sname = seller(order.seller)
    cliente = _cliente(contact)
    transportador, forma_envio, forma_frete = _shipping(order)
    meio = {"loja": "Pagar.me", "meli": "Mercado Pago"}.get(order.channel, "")
    parcelas = [
        {
            "parcela": {
                "dias": str(days),
                "data": fmt_date(order.created + days * 86400),
                "valor": money(value),
                "obs": "",
                "forma_pagamento": order.pagamento,
                "meio_pagamento": meio,
            }
        }
        for days, value in _installments(order)
    ]
    ecommerce_id, ecommerce_name = catalog.ECOMMERCES.get(order.channel, ("", ""))
    detail: dict[str, Any] = {
        "id": str(order.id),
        "numero": str(order.numero),
        "numero_ecommerce": order.ecommerce_numero,
        "data_pedido": fmt_date(order.created),
        "data_prevista": date_or_empty(order.prevista),
        "data_faturamento": date_or_empty(order.faturado_ts),
        "data_envio": date_or_empty(order.envio_ts),
        "data_entrega": date_or_empty(order.entrega_ts),
        "id_lista_preco": "",
        "descricao_lista_preco": "",
        "cliente": cliente,
    }
    if order.ships:
        detail["endereco_entrega"] = {
            "tipo_pessoa": cliente["tipo_pessoa"],
            "cpf_cnpj": cliente["cpf_cnpj"],
            "endereco": cliente["endereco"],
            "numero": cliente["numero"],
            "complemento": cliente["complemento"],
            "bairro": cliente["bairro"],
            "cep": cliente["cep"],
            "cidade": cliente["cidade"],
            "uf": cliente["uf"],
            "fone": cliente["fone"],
            "nome_destinatario": cliente["nome"],
            "ie": cliente["ie"],
        }
    items = []
    for pid, qty, unit, _disc in order.items:
        p = db.products[pid]
        items.append(
            {
                "item": {
                    "id_produto": str(pid),
                    "codigo": p.codigo,
                    "descricao": p.nome,
                    "unidade": p.unidade,
                    "quantidade": money(qty),
                    "valor_unitario": money(unit),
                    "informacao_adicional": "",
                }
            }
        )
    marker = catalog.MARKERS[order.marker] if order.marker >= 0 else None
    detail.update(
        {
            "itens": items,
            "parcelas": parcelas,
            "marcadores": [{"marcador": dict(zip(("id", "descricao", "cor"), marker, strict=True))}]
            if marker
            else [],
            "condicao_pagamento": " ".join(p["parcela"]["dias"] for p in parcelas)
            if order.parcelas > 1
            else "",
            "forma_pagamento": order.pagamento,
            "meio_pagamento": meio,
            "nome_transportador": transportador,
            "frete_por_conta": "R",
            "valor_frete": money(order.frete),
            "valor_desconto": order.desconto_raw,
            "outras_despesas": "0.00",
            "total_produtos": money(order.total_produtos),
            "total_pedido": money(order.total),
            "numero_ordem_compra": f"OC-{order.numero}" if order.channel == "manual" else "",
            "deposito": "Geral",
            "forma_envio": forma_envio,
            "forma_frete": forma_frete,
            "situacao": situacao_label(order),
            "obs": order.obs,
            "obs_interna": "",
            "id_vendedor": sid,
            "nome_vendedor": sname,
            "codigo_rastreamento": order.tracking,
            "url_rastreamento": tracking_url(order.tracking),
            "id_nota_fiscal": str(order.nf_id),
            "ecommerce": {
                "id": ecommerce_id,
                "numeroPedidoEcommerce": order.ecommerce_numero,
                "numeroPedidoCanalVenda": order.canal_numero,
                "nomeEcommerce": ecommerce_name,
            },
        }
    )
    return detail


def pdv_detail(order: Order, db: Lookup) -> dict[str, Any]:
    contact = db.contacts.get(order.contact_id)
    c = _cliente(contact)
    pay_label, tpag = catalog.PAYMENTS[order.pagamento]
    net = gross = 0
    items = []
    for pos, (pid, qty, unit, disc) in enumerate(order.items):
        p = db.products[pid]
        net += p.peso_gramas * qty // 100
        gross += (p.peso_gramas * 108 // 100) * qty // 100
        items.append(
            {
                "id": str(order.item_base + pos),
                "idProduto": str(pid),
                "descricao": p.nome,
                "codigo": p.codigo,
                "valor": money(unit),
                "quantidade": money(qty),
                "desconto": str(disc),
                "pesoLiquido": kg(p.peso_gramas),
                "pesoBruto": kg(p.peso_gramas * 108 // 100),
                "unidade": p.unidade,
                "tipo": "P",
                "ncm": p.ncm.replace(".", ""),
                "origem": "0",
                "cest": "",
                "gtin": p.gtin,
                "gtinTributavel": p.gtin,
            }
        )
    parcelas = []
    for days, value in _installments(order):
        due = days or (30 if order.pagamento == "credito" else 0)  # card sales settle in 30 days
        parcelas.append(
            {
                "formaPagamento": pay_label,
                "dataVencimento": fmt_date(order.created + due * 86400),
                "valor": money(value),
                "tPag": tpag,
            }
        )
    empty_address = dict.fromkeys(_PDV_ADDRESS_KEYS, "")
    return {
        "id": str(order.id),
        "numero": str(order.numero),
        "data": fmt_date(order.created),
        "frete": money(order.frete),
        "desconto": order.desconto_raw,
        "valorICMSSubst": "0.00",
        "valorIPI": "0.00",
        "totalProdutos": money(order.total_produtos),
        "totalVenda": money(order.total),
        "fretePorConta": "R",
        "pesoLiquido": kg(net),
        "pesoBruto": kg(gross),
        "observacoes": order.obs,
        "formaPagamento": pay_label,
        "situacao": situacao_label(order),
        "contato": {
            "nome": c["nome"],
            "fantasia": c["nome_fantasia"],
            "codigo": c["codigo"],
            "tipo": c["tipo_pessoa"],
            "cpfCnpj": c["cpf_cnpj"],
            "endereco": c["endereco"],
            "enderecoNro": c["numero"],
            "complemento": c["complemento"],
            "bairro": c["bairro"],
            "cidade": c["cidade"] if contact else "",
            "uf": c["uf"] if contact else "",
            "cep": c["cep"],
            "fone": contact.fone if contact else "",
            "celular": contact.celular if contact else "",
            "email": c["email"],
            "inscricaoEstadual": c["ie"],
            "indIEDest": "1" if c["ie"] else "9",
        },
        "enderecoEntrega": empty_address,
        "itens": items,
        "parcelas": parcelas,
    }


# --- produtos -----------------------------------------------------------------------------------------


def product_row(p: Product) -> dict[str, str]:
    return {
        "id": str(p.id),
        "codigo": p.codigo,
        "nome": p.nome,
        "preco": money(p.preco),
        "preco_promocional": money(p.preco_promocional),
        "preco_custo": money(p.preco_custo),
        "preco_custo_medio": money(p.preco_custo_medio),
        "unidade": p.unidade,
        "gtin": p.gtin,
        "tipoVariacao": p.tipo_variacao,
        "localizacao": p.localizacao,
        "situacao": p.situacao,
        "data_criacao": fmt_datetime(p.created),
    }


def product_detail(p: Product, db: Lookup) -> dict[str, Any]:
    variacoes = []
    for vid in p.variation_ids:
        v = db.products[vid]
        attr, value = v.grade or ("", "")
        variacoes.append(
            {
                "variacao": {
                    "id": str(v.id),
                    "codigo": v.codigo,
                    "preco": money(v.preco),
                    "grade": {attr: value},
                }
            }
        )
    return {
        "id": str(p.id),
        "data_criacao": fmt_datetime(p.created),
        "nome": p.nome,
        "codigo": p.codigo,
        "unidade": p.unidade,
        "preco": money(p.preco),
        "preco_promocional": money(p.preco_promocional),
        "ncm": p.ncm,
        "origem": "0",
        "gtin": p.gtin,
        "gtin_embalagem": "",
        "localizacao": p.localizacao,
        "peso_liquido": kg(p.peso_gramas),
        "peso_bruto": kg(p.peso_gramas * 108 // 100),
        "estoque_minimo": "0.00",
        "estoque_maximo": "0.00",
        "id_fornecedor": "0",
        "nome_fornecedor": "",
        "codigo_fornecedor": "",
        "codigo_pelo_fornecedor": "",
        "unidade_por_caixa": "",
        "preco_custo": money(p.preco_custo),
        "preco_custo_medio": money(p.preco_custo_medio),
        "situacao": p.situacao,
        "tipo": "P",
        "classe_ipi": "",
        "valor_ipi_fixo": "0.00",
        "cod_lista_servicos": "",
        "descricao_complementar": "",
        "obs": "",
        "garantia": "",
        "cest": "",
        "tipoVariacao": p.tipo_variacao,
        "variacoes": variacoes,
        "idProdutoPai": str(p.parent_id) if p.parent_id else "",
        "sob_encomenda": "N",
        "dias_preparacao": "0",
        "marca": p.marca,
        "tipoEmbalagem": "2",
        "alturaEmbalagem": "0.00",
        "comprimentoEmbalagem": "0.00",
        "larguraEmbalagem": "0.00",
        "diametroEmbalagem": "0.00",
        "qtd_volumes": "1",
        "categoria": p.categoria,
        "anexos": [],
        "imagens_externas": [],
        "classe_produto": "V" if p.tipo_variacao == "P" else "S",
        "seo_title": "",
        "seo_keywords": "",
        "link_video": "",
        "seo_description": "",
        "slug": "",
    }


def product_stock(p: Product) -> dict[str, Any]:
    return {
        "id": str(p.id),
        "nome": p.nome,
        "codigo": p.codigo,
        "unidade": p.unidade,
        "saldo": money(p.saldo),
        "saldoReservado": money(p.reservado),
        "depositos": [
            {
                "deposito": {
                    "nome": "Geral",
                    "desconsiderar": "N",
                    "saldo": money(p.saldo),
                    "empresa": catalog.ACCOUNT["fantasia"],
                }
            }
        ],
    }


# --- contatos / vendedores ----------------------------------------------------------------------------


def contact_row(c: Contact) -> dict[str, str]:
    sid, sname = seller(c.seller)
    return {
        "id": str(c.id),
        "codigo": c.codigo,
        "nome": c.nome,
        "tipo_pessoa": c.tipo_pessoa,
        "fantasia": c.fantasia,
        "cpf_cnpj": c.cpf_cnpj,
        "endereco": c.endereco,
        "numero": c.numero,
        "complemento": c.complemento,
        "bairro": c.bairro,
        "cep": c.cep,
        "cidade": c.cidade,
        "uf": c.uf,
        "email": c.email,
        "situacao": c.situacao,
        "id_vendedor": sid,
        "nome_vendedor": sname,
        "data_criacao": fmt_datetime(c.created),
    }


def contact_detail(c: Contact) -> dict[str, Any]:
    row = contact_row(c)
    sid, sname = row.pop("id_vendedor"), row.pop("nome_vendedor")
    created = row.pop("data_criacao")
    situacao = row.pop("situacao")
    row.update(
        {
            "ie": c.ie,
            "rg": "",
            "pais": "",
            "fone": c.fone,
            "celular": c.celular,
            "email_nfe": c.email,
            "site": "",
            "situacao": situacao,
            "obs": "",
            "id_vendedor": sid,
            "nome_vendedor": sname,
            "tipos_contato": [{"tipo": "Cliente"}],
            "data_criacao": created,
        }
    )
    return row


@cache
def seller_row(index: int) -> dict[str, str]:
    sid, name = catalog.SELLERS[index]
    rng = random.Random(f"tinyerp:seller:{sid}")
    first = name.split()[0].lower().translate(str.maketrans("áéíóú", "aeiou"))
    return {
        "id": sid,
        "codigo": f"V{index + 1:02d}",
        "nome": name,
        "tipo_pessoa": "F",
        "fantasia": "",
        "cpf_cnpj": cpf(rng),
        "email": f"{first}@emporio-simulado.example",
        "situacao": "A",
    }


# --- notas fiscais ------------------------------------------------------------------------------------


def nota_row(nf: NotaFiscal, db: Lookup) -> dict[str, Any]:
    order = db.orders_ever.get(nf.order_id)
    contact = db.contacts.get(order.contact_id) if order else None
    c = _cliente(contact)
    sid, sname = seller(order.seller) if order else ("", "")
    return {
        "id": str(nf.id),
        "tipo": "S",
        "serie": nf.serie,
        "numero": f"{nf.numero:06d}",
        "numero_ecommerce": order.ecommerce_numero if order else "",
        "data_emissao": fmt_date(nf.emissao),
        "cliente": {
            k: c[k]
            for k in (
                "nome",
                "tipo_pessoa",
                "cpf_cnpj",
                "ie",
                "endereco",
                "numero",
                "complemento",
                "bairro",
                "cep",
                "cidade",
                "uf",
                "fone",
                "email",
            )
        },
        "valor": money(order.total) if order else "0.00",
        "valor_produtos": money(order.total_produtos) if order else "0.00",
        "valor_frete": money(order.frete) if order else "0.00",
        "id_vendedor": sid,
        "nome_vendedor": sname,
        "situacao": nf.situacao,
        "descricao_situacao": catalog.NF_SITUACOES[nf.situacao],
        "chave_acesso": access_key(nf.emissao, nf.modelo, nf.serie, nf.numero, nf.code),
        "id_forma_envio": "",
        "codigo_rastreamento": order.tracking if order else "",
        "url_rastreamento": tracking_url(order.tracking) if order else "",
    }


def account_info() -> dict[str, str]:
    return dict(catalog.ACCOUNT)
