"""TinyERP simulator: contatos.pesquisa (with dataMinimaAtualizacao), contato.obter, vendedores.pesquisa,
info (docs/tinyerp_api.md §2.9, §2.11)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from commerce_simulators.tinyerp import ManualClock, TinyErpSimulator

from .support import DATETIME, assert_strings, call, manual_sim, ok, rows, scan

ROW_KEYS = [
    "id",
    "codigo",
    "nome",
    "tipo_pessoa",
    "fantasia",
    "cpf_cnpj",
    "endereco",
    "numero",
    "complemento",
    "bairro",
    "cep",
    "cidade",
    "uf",
    "email",
    "situacao",
    "id_vendedor",
    "nome_vendedor",
    "data_criacao",
]


@pytest.fixture(scope="module")
def tiny() -> Iterator[TinyErpSimulator]:
    with manual_sim() as sim:
        yield sim


def test_contatos_pesquisa_pages(tiny):
    page1, page2 = ok(call(tiny, "contatos.pesquisa")), ok(call(tiny, "contatos.pesquisa", pagina=2))
    assert (page1["numero_paginas"], len(page1["contatos"]), len(page2["contatos"])) == ("2", 100, 50)
    contacts = rows(page1, "contatos", "contato") + rows(page2, "contatos", "contato")
    assert all(list(c) == ROW_KEYS for c in contacts)
    assert len({c["id"] for c in contacts}) == 150
    assert {c["tipo_pessoa"] for c in contacts} == {"F", "J"}
    assert {c["situacao"] for c in contacts} <= {"Ativo", "Excluido"}
    for c in contacts:
        assert DATETIME.fullmatch(c["data_criacao"])
        pattern = (
            r"\d{3}\.\d{3}\.\d{3}-\d{2}" if c["tipo_pessoa"] == "F" else r"\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}"
        )
        assert re.fullmatch(pattern, c["cpf_cnpj"])
    assert call(tiny, "contatos.pesquisa", pagina=3).code == "23"


def test_contatos_filters(tiny):
    contacts = scan(tiny, "contatos.pesquisa", "contatos", "contato")
    some = contacts[17]
    assert scan(tiny, "contatos.pesquisa", "contatos", "contato", cpf_cnpj=some["cpf_cnpj"]) == [some]
    first_name = some["nome"].split()[0]
    assert some in scan(tiny, "contatos.pesquisa", "contatos", "contato", pesquisa=first_name.upper())
    active = scan(tiny, "contatos.pesquisa", "contatos", "contato", situacao="Ativo")
    assert active == [c for c in contacts if c["situacao"] == "Ativo"]


def test_data_minima_atualizacao_is_inclusive_and_follows_changes():
    clock = ManualClock()
    with manual_sim(clock=clock) as sim:
        contacts = scan(sim, "contatos.pesquisa", "contatos", "contato")
        assert call(sim, "contatos.pesquisa", dataMinimaAtualizacao="01/01/2026 00:00:00").code == "20"
        recent = scan(sim, "contatos.pesquisa", "contatos", "contato", dataMinimaAtualizacao="01/12/2025")
        assert 0 < len(recent) < len(contacts)
        clock.advance(7200)  # 02/01/2026 11:00:00
        result = sim.advance(20, new=0, contacts=6)
        changed = scan(
            sim, "contatos.pesquisa", "contatos", "contato", dataMinimaAtualizacao="02/01/2026 11:00:00"
        )
        assert sorted(c["id"] for c in changed) == result["contacts_updated"] and len(changed) == 6
        assert call(sim, "contatos.pesquisa", dataMinimaAtualizacao="02/01/2026 11:00:01").code == "20"
        assert call(sim, "contatos.pesquisa", dataMinimaAtualizacao="2026-01-02").code == "31"
        created = scan(sim, "contatos.pesquisa", "contatos", "contato", dataCriacao="01/12/2025 00:00:00")
        months = {(c["data_criacao"][6:10], c["data_criacao"][3:5]) for c in created}
        assert created and months <= {("2025", "12"), ("2026", "01")}


def test_contato_obter(tiny):
    contact = rows(ok(call(tiny, "contatos.pesquisa")), "contatos", "contato")[3]
    detail = ok(call(tiny, "contato.obter", id=contact["id"]))["contato"]
    assert_strings(detail)
    for key in ("id", "nome", "cpf_cnpj", "cidade", "uf", "email", "situacao", "data_criacao"):
        assert detail[key] == contact[key]
    assert call(tiny, "contato.obter", id="12").code == "32"


def test_vendedores_and_info(tiny):
    sellers = rows(ok(call(tiny, "vendedores.pesquisa")), "vendedores", "vendedor")
    assert len(sellers) == 5 and all(s["id"].isdigit() and s["situacao"] == "A" for s in sellers)
    listed = {o["id_vendedor"] for o in scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")} - {""}
    assert listed <= {s["id"] for s in sellers}
    conta = ok(call(tiny, "info"))["conta"]
    assert conta["cnpj_cpf"] == "12.345.678/0001-95" and conta["razao_social"]
