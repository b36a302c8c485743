"""TinyERP simulator: produtos.pesquisa, produto.obter, produto.obter.estoque
(docs/tinyerp_api.md §2.5, §2.6, §2.8)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from commerce_simulators.tinyerp import TinyErpSimulator

from .support import DATETIME, MONEY, assert_strings, call, manual_sim, ok, rows, scan

ROW_KEYS = [
    "id",
    "codigo",
    "nome",
    "preco",
    "preco_promocional",
    "preco_custo",
    "preco_custo_medio",
    "unidade",
    "gtin",
    "tipoVariacao",
    "localizacao",
    "situacao",
    "data_criacao",
]


@pytest.fixture(scope="module")
def tiny() -> Iterator[TinyErpSimulator]:
    with manual_sim() as sim:
        yield sim


def _gtin_ok(code: str) -> bool:
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(code[:12]))
    return len(code) == 13 and (10 - total % 10) % 10 == int(code[12])


def test_produtos_pesquisa_rows(tiny):
    retorno = ok(call(tiny, "produtos.pesquisa"))
    assert (retorno["pagina"], retorno["numero_paginas"]) == ("1", "1")
    products = rows(retorno, "produtos", "produto")
    assert all(list(p) == ROW_KEYS for p in products)
    assert [int(p["id"]) for p in products] == sorted(int(p["id"]) for p in products)
    # default situacao: A and I (80 generated, all A or I)
    assert len(products) == 80 and {p["situacao"] for p in products} <= {"A", "I"}
    assert {p["tipoVariacao"] for p in products} == {"N", "P", "V"}
    for p in products:
        assert MONEY.fullmatch(p["preco"]) and MONEY.fullmatch(p["preco_custo"])
        assert DATETIME.fullmatch(p["data_criacao"])
        assert p["gtin"] == "" or _gtin_ok(p["gtin"])
    assert call(tiny, "produtos.pesquisa", pagina=2).code == "23"


def test_produtos_pesquisa_filters(tiny):
    products = scan(tiny, "produtos.pesquisa", "produtos", "produto")
    cafe = scan(tiny, "produtos.pesquisa", "produtos", "produto", pesquisa="cafe")  # accent-insensitive
    assert cafe and cafe == [p for p in products if "café" in p["nome"].lower()]
    by_code = scan(tiny, "produtos.pesquisa", "produtos", "produto", pesquisa=products[5]["codigo"])
    assert products[5] in by_code
    gtin = next(p for p in products if p["gtin"])
    assert scan(tiny, "produtos.pesquisa", "produtos", "produto", gtin=gtin["gtin"]) == [gtin]
    inactive = scan(tiny, "produtos.pesquisa", "produtos", "produto", situacao="I")
    assert inactive == [p for p in products if p["situacao"] == "I"]
    assert call(tiny, "produtos.pesquisa", situacao="E").code == "20"
    assert call(tiny, "produtos.pesquisa", pesquisa="nada-disso").code == "20"


def test_produto_obter_and_variations(tiny):
    products = scan(tiny, "produtos.pesquisa", "produtos", "produto")
    for p in products[:20]:
        detail = ok(call(tiny, "produto.obter", id=p["id"]))["produto"]
        assert_strings(detail)
        for key in (
            "id",
            "codigo",
            "nome",
            "preco",
            "preco_custo",
            "unidade",
            "gtin",
            "situacao",
            "data_criacao",
        ):
            assert detail[key] == p[key]
        assert re.fullmatch(r"\S.* >> \S.*", detail["categoria"])
        assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", detail["ncm"])
    parent = next(p for p in products if p["tipoVariacao"] == "P")
    detail = ok(call(tiny, "produto.obter", id=parent["id"]))["produto"]
    variations = [v["variacao"] for v in detail["variacoes"]]
    assert len(variations) == 3 and detail["classe_produto"] == "V"
    child = ok(call(tiny, "produto.obter", id=variations[0]["id"]))["produto"]
    assert child["idProdutoPai"] == parent["id"] and child["tipoVariacao"] == "V"
    assert list(variations[0]["grade"].values())[0] in child["nome"]
    assert call(tiny, "produto.obter", id="1").code == "32"


def test_produto_obter_estoque(tiny):
    product = rows(ok(call(tiny, "produtos.pesquisa")), "produtos", "produto")[0]
    stock = ok(call(tiny, "produto.obter.estoque", id=product["id"]))["produto"]
    assert_strings(stock)
    assert (stock["id"], stock["codigo"]) == (product["id"], product["codigo"])
    assert MONEY.fullmatch(stock["saldo"])
    assert stock["depositos"][0]["deposito"]["saldo"] == stock["saldo"]
    assert call(tiny, "produto.obter.estoque", id="1").code == "32"
