"""TinyERP simulator: notas.fiscais.pesquisa (docs/tinyerp_api.md §2.10)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from commerce_simulators.tinyerp import TinyErpSimulator

from .support import DATE, assert_strings, call, manual_sim, ok, rows, scan


@pytest.fixture(scope="module")
def tiny() -> Iterator[TinyErpSimulator]:
    with manual_sim() as sim:
        yield sim


def _day(text: str) -> date:
    d, m, y = map(int, text.split("/"))
    return date(y, m, d)


def _key_ok(key: str) -> bool:
    total, weight = 0, 2
    for c in reversed(key[:43]):
        total += int(c) * weight
        weight = 2 if weight == 9 else weight + 1
    dv = 11 - total % 11
    return len(key) == 44 and int(key[43]) == (0 if dv >= 10 else dv)


def test_notas_rows_follow_their_orders(tiny):
    notas = scan(tiny, "notas.fiscais.pesquisa", "notas_fiscais", "nota_fiscal")
    assert len(notas) > 200 and len({n["id"] for n in notas}) == len(notas)
    days = [_day(n["data_emissao"]) for n in notas]
    assert days == sorted(days)
    for n in notas:
        assert_strings(n)
        assert DATE.fullmatch(n["data_emissao"]) and len(n["numero"]) == 6 and _key_ok(n["chave_acesso"])
        assert n["chave_acesso"][20:22] == ("65" if n["serie"] == "2" else "55")
        assert (n["situacao"], n["descricao_situacao"]) in {("6", "Autorizada"), ("7", "Emitida DANFE")}
    orders = {o["id"]: o for o in scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")}
    by_nf = {}
    for order_id in list(orders)[:40]:
        detail = ok(call(tiny, "pedido.obter", id=order_id))["pedido"]
        if detail["id_nota_fiscal"] != "0":
            by_nf[detail["id_nota_fiscal"]] = detail
    assert by_nf
    for n in notas:
        if n["id"] in by_nf:
            order = by_nf.pop(n["id"])
            assert n["valor"] == order["total_pedido"] and n["data_emissao"] == order["data_faturamento"]
            assert n["cliente"]["nome"] == order["cliente"]["nome"]
    assert not by_nf


def test_notas_filters(tiny):
    notas = scan(tiny, "notas.fiscais.pesquisa", "notas_fiscais", "nota_fiscal")
    day = notas[100]["data_emissao"]
    window = scan(
        tiny, "notas.fiscais.pesquisa", "notas_fiscais", "nota_fiscal", dataInicial=day, dataFinal=day
    )
    assert window == [n for n in notas if n["data_emissao"] == day]
    assert rows(
        ok(call(tiny, "notas.fiscais.pesquisa", numero=int(notas[7]["numero"]))),
        "notas_fiscais",
        "nota_fiscal",
    ) == [notas[7]]
    assert scan(tiny, "notas.fiscais.pesquisa", "notas_fiscais", "nota_fiscal", situacao="7") == [
        n for n in notas if n["situacao"] == "7"
    ]
    assert call(tiny, "notas.fiscais.pesquisa", tipoNota="E").code == "20"
    assert call(tiny, "notas.fiscais.pesquisa", dataInicial="01/01/2021", dataFinal="31/01/2021").code == "20"


def test_invoicing_issues_notas_and_cap():
    with manual_sim(max_results=50) as sim:
        assert call(sim, "notas.fiscais.pesquisa").code == "21"
        before = sim.stats()["notas_fiscais"]
        for _ in range(6):
            sim.advance(40, new=0, contacts=0)
        assert sim.stats()["notas_fiscais"] > before
        fresh = scan(sim, "notas.fiscais.pesquisa", "notas_fiscais", "nota_fiscal", dataInicial="02/01/2026")
        assert fresh and all(n["data_emissao"] == "02/01/2026" for n in fresh)
