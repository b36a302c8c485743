"""TinyERP simulator: transport, envelope, tokens, formats (docs/tinyerp_api.md §1.1-1.3)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from commerce_simulators.tinyerp import TinyErpSimulator

from .support import DATE, DATETIME, TOKEN, assert_strings, call, http, manual_sim, ok, rows


@pytest.fixture(scope="module")
def tiny() -> Iterator[TinyErpSimulator]:
    with manual_sim(requests_per_minute=100_000) as sim:
        yield sim


def _first_order_ids(sim: TinyErpSimulator) -> list[str]:
    return [r["id"] for r in rows(ok(call(sim, "pedidos.pesquisa")), "pedidos", "pedido")]


def test_every_endpoint_answers_the_string_typed_envelope(tiny):
    order_ids = _first_order_ids(tiny)
    pdv_id = next(i for i in order_ids if call(tiny, "pdv.pedido.obter", formato=None, id=i).code is None)
    products = rows(ok(call(tiny, "produtos.pesquisa")), "produtos", "produto")
    contacts = rows(ok(call(tiny, "contatos.pesquisa")), "contatos", "contato")
    calls = [
        ("pedidos.pesquisa", {}),
        ("pedido.obter", {"id": order_ids[0]}),
        ("pdv.pedido.obter", {"id": pdv_id}),
        ("produtos.pesquisa", {}),
        ("produto.obter", {"id": products[0]["id"]}),
        ("produto.obter.estoque", {"id": products[0]["id"]}),
        ("contatos.pesquisa", {}),
        ("contato.obter", {"id": contacts[0]["id"]}),
        ("vendedores.pesquisa", {}),
        ("notas.fiscais.pesquisa", {}),
        ("info", {}),
    ]
    for endpoint, params in calls:
        reply = call(tiny, endpoint, **params)
        assert reply.status == 200
        assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
        retorno = ok(reply)
        assert list(retorno)[:2] == ["status_processamento", "status"]
        assert_strings(retorno)
    listing = ok(call(tiny, "pedidos.pesquisa"))
    assert list(listing)[:5] == ["status_processamento", "status", "pagina", "numero_paginas", "pedidos"]
    assert (listing["pagina"], listing["numero_paginas"]) == ("1", "3")


def test_dates_are_brazilian_and_money_has_a_dot(tiny):
    order = rows(ok(call(tiny, "pedidos.pesquisa")), "pedidos", "pedido")[0]
    assert DATE.fullmatch(order["data_pedido"])
    assert order["valor"].count(".") == 1 and "," not in order["valor"]
    product = rows(ok(call(tiny, "produtos.pesquisa")), "produtos", "produto")[0]
    assert DATETIME.fullmatch(product["data_criacao"])


def test_json_is_written_like_phps_json_encode(tiny):
    body = call(tiny, "pedidos.pesquisa").body
    assert b"\\/" in body  # "01\/10\/2025"
    assert b"\\u00" in body  # accents as \u escapes
    assert all(b < 128 for b in body)


def test_token_missing_and_wrong():
    with manual_sim(token="s3cret", requests_per_minute=60) as sim:
        missing = call(sim, "pedidos.pesquisa", token=None)
        wrong = call(sim, "pedidos.pesquisa", token=TOKEN)
        assert missing.status == wrong.status == 200
        assert missing.json() == {
            "retorno": {
                "status_processamento": "1",
                "status": "Erro",
                "codigo_erro": "1",
                "erros": [{"erro": "token não informado"}],
            }
        }
        assert wrong.retorno["codigo_erro"] == "2" and wrong.retorno["status_processamento"] == "1"
        assert wrong.retorno["erros"] == [{"erro": "token invalido"}]
        assert call(sim, "pedidos.pesquisa", token="s3cret").code is None
        assert call(sim, "pdv.pedido.obter", token="", formato=None, id="1").code == "1"
        log = sim.requests()
        assert [e["token"] for e in log] == ["missing", "invalid", "valid", "missing"]
        assert all("token" not in e["params"] for e in log)
        assert sim.limiter.snapshot()["in_window"] == 1  # only the valid token's request counts


def test_get_query_and_post_form_are_merged(tiny):
    order_id = _first_order_ids(tiny)[0]
    by_get = call(tiny, "pedido.obter", id=order_id)
    by_post = call(
        tiny,
        "pedido.obter",
        token=None,
        formato=None,
        form={"token": TOKEN, "formato": "JSON", "id": order_id},
    )
    split = call(tiny, "pedido.obter", formato=None, form={"formato": "json", "id": order_id})
    assert by_get.body == by_post.body == split.body
    # the form body wins over the query string (PHP's $_REQUEST order)
    other = _first_order_ids(tiny)[1]
    clash = call(tiny, "pedido.obter", id=order_id, form={"id": other})
    assert clash.retorno["pedido"]["id"] == other


def test_paths_with_and_without_php_suffix(tiny):
    assert call(tiny, "pedidos.pesquisa", suffix="").body == call(tiny, "pedidos.pesquisa").body
    assert call(tiny, "info", suffix="").retorno["conta"]["fantasia"] == "Empório Simulado"
    for path in ("/api2/pedidos.pesquisar.php", "/api2/", "/pedidos.pesquisa.php", "/api3/info.php"):
        reply = http("GET", f"{tiny.base_url}{path}?token={TOKEN}&formato=json")
        assert reply.status == 404 and b"Not Found" in reply.body
    assert tiny.stats()["not_found"] >= 4


def test_xml_when_formato_is_missing_and_json_for_pdv(tiny):
    reply = call(tiny, "pedidos.pesquisa", formato=None)
    assert reply.headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(reply.body)
    assert (
        root.tag == "retorno" and root.findtext("status") == "OK" and root.findtext("numero_paginas") == "3"
    )
    pedidos = root.find("pedidos")
    assert pedidos is not None and len(pedidos.findall("pedido")) == 100
    first = pedidos.find("pedido")
    assert first is not None and first.findtext("data_pedido") and "/" in first.findtext("data_pedido", "")
    error = ET.fromstring(call(tiny, "pedido.obter", formato="xml", id="1").body)
    assert error.findtext("codigo_erro") == "32" and error.find("erros/erro") is not None
    assert ET.fromstring(call(tiny, "info", formato=None, token=None).body).findtext("codigo_erro") == "1"
    # formato is case-insensitive; PDV ignores it and answers JSON
    assert call(tiny, "pedidos.pesquisa", formato="JSON").body == call(tiny, "pedidos.pesquisa").body
    pdv = call(tiny, "pdv.pedido.obter", formato=None, id="1")
    assert pdv.headers["Content-Type"].startswith("application/json") and pdv.code == "32"


def test_x_limit_api_header():
    with manual_sim(requests_per_minute=30) as limited, manual_sim(requests_per_minute=0) as unlimited:
        assert call(limited, "info").headers["x-limit-api"] == "30"
        assert call(limited, "info", token="nope").headers["x-limit-api"] == "30"
        assert call(unlimited, "info").headers["x-limit-api"] is None
