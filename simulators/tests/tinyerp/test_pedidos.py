"""TinyERP simulator: pedidos.pesquisa, pedido.obter, pdv.pedido.obter, and orders that change, vanish
or shift pages while a client reads them (docs/tinyerp_api.md §1.5, §2.1-2.3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from commerce_simulators.tinyerp import ManualClock, TinyErpSimulator

from .support import DATE, MONEY, assert_strings, call, manual_sim, ok, rows, scan

SUMMARY_KEYS = [
    "id",
    "numero",
    "numero_ecommerce",
    "data_pedido",
    "data_prevista",
    "nome",
    "valor",
    "id_vendedor",
    "nome_vendedor",
    "situacao",
    "codigo_rastreamento",
    "url_rastreamento",
]


@pytest.fixture(scope="module")
def tiny() -> Iterator[TinyErpSimulator]:
    """Read-only: never change its data (use `fresh`)."""
    with manual_sim() as sim:
        yield sim


@pytest.fixture
def fresh() -> Iterator[TinyErpSimulator]:
    with manual_sim() as sim:
        yield sim


def _day(text: str) -> date:
    d, m, y = map(int, text.split("/"))
    return date(y, m, d)


def _br(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _cents(text: str) -> int:
    whole, frac = text.split(".")
    return int(whole) * 100 + int(frac)


# --- pedidos.pesquisa ---------------------------------------------------------------------------------


def test_pages_of_100_in_order_date_order(tiny):
    pages = [ok(call(tiny, "pedidos.pesquisa", pagina=p)) for p in (1, 2, 3)]
    assert [(r["pagina"], r["numero_paginas"]) for r in pages] == [("1", "3"), ("2", "3"), ("3", "3")]
    listed = [o for r in pages for o in rows(r, "pedidos", "pedido")]
    assert [len(rows(r, "pedidos", "pedido")) for r in pages] == [100, 100, 100]
    assert len({o["id"] for o in listed}) == 300
    assert all(list(o) == SUMMARY_KEYS for o in listed)
    keys = [(_day(o["data_pedido"]), int(o["numero"])) for o in listed]
    assert keys == sorted(keys)
    assert [int(o["numero"]) for o in listed] == list(range(10_001, 10_301))  # generated in date order
    assert all(DATE.fullmatch(o["data_pedido"]) and MONEY.fullmatch(o["valor"]) for o in listed)
    desc = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", sort="DESC")
    assert desc == listed[::-1]


def test_page_past_the_end_empty_result_and_junk_page(tiny):
    past = call(tiny, "pedidos.pesquisa", pagina=4)
    assert past.status == 200 and past.code == "23"
    assert past.retorno["status_processamento"] == "2" and "página" in past.retorno["erros"][0]["erro"]
    empty = call(tiny, "pedidos.pesquisa", dataInicial="01/01/2020", dataFinal="31/01/2020")
    assert empty.json() == {
        "retorno": {
            "status_processamento": "2",
            "status": "Erro",
            "codigo_erro": "20",
            "erros": [{"erro": "A consulta não retornou registros"}],
        }
    }
    assert call(tiny, "pedidos.pesquisa", dataFinal="31/01/2020", pagina=7).code == "20"
    first = call(tiny, "pedidos.pesquisa").body
    assert call(tiny, "pedidos.pesquisa", pagina="0").body == first
    assert call(tiny, "pedidos.pesquisa", pagina="abc").body == first


def test_order_date_window_is_inclusive(tiny):
    everything = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")
    day = _day(everything[150]["data_pedido"])
    window = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", dataInicial=_br(day), dataFinal=_br(day))
    assert window == [o for o in everything if _day(o["data_pedido"]) == day] and window
    week = scan(
        tiny,
        "pedidos.pesquisa",
        "pedidos",
        "pedido",
        dataInicial=_br(day - timedelta(days=3)),
        dataFinal=_br(day + timedelta(days=3)),
    )
    assert week == [o for o in everything if abs((_day(o["data_pedido"]) - day).days) <= 3]
    since = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", dataInicial=_br(day))
    assert since == [o for o in everything if _day(o["data_pedido"]) >= day]


def test_bad_dates_answer_a_validation_error(tiny):
    for params in ({"dataInicial": "2025-10-01"}, {"dataAtualizacao": "31/02/2025 10:00:00"}):
        reply = call(tiny, "pedidos.pesquisa", **params)
        assert reply.code == "31" and "formato esperado" in reply.retorno["erros"][0]["erro"]


def test_situacao_filter_accepts_codes_and_labels(tiny):
    everything = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")
    labels = {o["situacao"] for o in everything}
    assert {"Entregue", "Cancelado"} <= labels and labels & {"Faturado", "Atendido", "Faturado (atendido)"}
    invoiced = [o for o in everything if o["situacao"] in ("Faturado", "Atendido", "Faturado (atendido)")]
    for value in ("faturado", "Faturado", "Atendido", "faturado (atendido)", "1"):
        assert scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", situacao=value) == invoiced
    delivered = [o for o in everything if o["situacao"] == "Entregue"]
    assert scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", situacao="entregue") == delivered
    assert call(tiny, "pedidos.pesquisa", situacao="inexistente").code == "20"


def test_other_filters(tiny):
    everything = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")
    one = everything[42]
    assert rows(ok(call(tiny, "pedidos.pesquisa", numero=one["numero"])), "pedidos", "pedido") == [one]
    walk_ins = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", cliente="consumidor")
    assert walk_ins == [o for o in everything if o["nome"] == "Consumidor Final"]
    seller = next(o for o in everything if o["id_vendedor"])
    by_seller = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido", idVendedor=seller["id_vendedor"])
    assert by_seller == [o for o in everything if o["id_vendedor"] == seller["id_vendedor"]]
    shop = next(o for o in everything if o["numero_ecommerce"])
    assert rows(
        ok(call(tiny, "pedidos.pesquisa", numeroEcommerce=shop["numero_ecommerce"])), "pedidos", "pedido"
    ) == [shop]


def test_too_many_records_answers_21():
    with manual_sim(max_results=120) as sim:
        wide = call(sim, "pedidos.pesquisa", dataInicial="01/01/2025", dataFinal="31/12/2025")
        assert wide.code == "21" and wide.retorno["status_processamento"] == "2"
        assert call(sim, "pedidos.pesquisa").code == "21"  # no filter: the whole account
        narrow = ok(call(sim, "pedidos.pesquisa", dataInicial="01/10/2025", dataFinal="31/10/2025"))
        assert int(narrow["numero_paginas"]) == 1
        assert call(sim, "contatos.pesquisa").code is None  # the cap applies to pedidos and notas only


# --- pedido.obter -------------------------------------------------------------------------------------


def test_pedido_obter_full_order(tiny):
    listed = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")
    details = [ok(call(tiny, "pedido.obter", id=o["id"]))["pedido"] for o in listed[:60]]
    discounts = set()
    for summary, order in zip(listed, details, strict=False):
        assert_strings(order)
        for key in ("id", "numero", "numero_ecommerce", "data_pedido", "situacao", "nome_vendedor"):
            assert order[key] == summary[key]
        assert order["cliente"]["nome"] == summary["nome"] and order["total_pedido"] == summary["valor"]
        assert order["itens"] and all(list(i) == ["item"] for i in order["itens"])
        for item in (i["item"] for i in order["itens"]):
            assert {"codigo", "descricao", "unidade", "quantidade", "valor_unitario", "id_produto"} <= set(
                item
            )
            assert MONEY.fullmatch(item["quantidade"]) and MONEY.fullmatch(item["valor_unitario"])
        items_total = sum(
            (_cents(i["item"]["quantidade"]) * _cents(i["item"]["valor_unitario"]) + 50) // 100
            for i in order["itens"]
        )
        assert items_total == _cents(order["total_produtos"])
        raw = order["valor_desconto"]
        discounts.add("%" if raw.endswith("%") else "," if "," in raw else ".")
        if raw.endswith("%"):
            discount = (_cents(order["total_produtos"]) * int(raw[:-1]) + 50) // 100
        else:
            discount = _cents(raw.replace(",", "."))
        expected = _cents(order["total_produtos"]) - discount + _cents(order["valor_frete"])
        assert _cents(order["total_pedido"]) == expected
        parcelas = [p["parcela"] for p in order["parcelas"]]
        assert sum(_cents(p["valor"]) for p in parcelas) == _cents(order["total_pedido"])
        assert all(DATE.fullmatch(p["data"]) for p in parcelas)
        assert re.fullmatch(r"\d+", order["id_nota_fiscal"])
        assert set(order["ecommerce"]) == {
            "id",
            "numeroPedidoEcommerce",
            "numeroPedidoCanalVenda",
            "nomeEcommerce",
        }
    assert discounts == {"%", ",", "."}  # "10%", "5,00" and "5.00" styles all occur


def test_pedido_obter_unknown_missing_and_junk_ids(tiny):
    assert call(tiny, "pedido.obter", id="999").code == "32"
    assert call(tiny, "pedido.obter", id="abc").code == "32"
    missing = call(tiny, "pedido.obter")
    assert missing.code == "10" and "id" in missing.retorno["erros"][0]["erro"]


# --- pdv.pedido.obter ---------------------------------------------------------------------------------


def test_pdv_pedido_obter_same_ids_pos_shape(tiny):
    listed = scan(tiny, "pedidos.pesquisa", "pedidos", "pedido")
    pdv, other = [], []
    for o in listed[:80]:
        reply = call(tiny, "pdv.pedido.obter", formato=None, id=o["id"])
        (pdv if reply.code is None else other).append((o, reply))
    assert pdv and other and all(r.code == "32" for _, r in other)
    gtins = discounts = 0
    for summary, reply in pdv:
        sale = ok(reply)["pedido"]
        assert_strings(sale)
        assert (sale["id"], sale["numero"], sale["data"]) == (
            summary["id"],
            summary["numero"],
            summary["data_pedido"],
        )
        assert sale["totalVenda"] == summary["valor"]
        assert set(sale["contato"]) >= {"nome", "cpfCnpj", "indIEDest"}
        for item in sale["itens"]:  # unwrapped
            assert {"id", "idProduto", "gtin", "desconto", "valor", "quantidade", "ncm"} <= set(item)
            gtins += bool(item["gtin"])
            discounts += item["desconto"] != "0"
        assert all(set(p) == {"formaPagamento", "dataVencimento", "valor", "tPag"} for p in sale["parcelas"])
        # the order-level discount is the raw value as typed, like pedido.obter's valor_desconto
        assert sale["desconto"] == ok(call(tiny, "pedido.obter", id=sale["id"]))["pedido"]["valor_desconto"]
    assert gtins and discounts


# --- changes between runs and during scans ------------------------------------------------------------


def test_advance_changes_situacao_and_data_atualizacao(fresh):
    clock = fresh.clock
    assert isinstance(clock, ManualClock)
    before = {o["id"]: o for o in scan(fresh, "pedidos.pesquisa", "pedidos", "pedido")}
    clock.advance(3600)
    result = fresh.advance(10, new=4)
    moved = {u["id"] for u in result["updated"]}
    assert len(moved) == 10 and len(result["created"]) == 4 and result["at"] == "02/01/2026 10:00:00"
    after = {o["id"]: o for o in scan(fresh, "pedidos.pesquisa", "pedidos", "pedido")}
    assert set(after) == set(before) | set(result["created"])
    assert all(after[i]["situacao"] != before[i]["situacao"] for i in moved)
    assert all(after[i] == before[i] for i in before if i not in moved)
    new_orders = [after[i] for i in result["created"]]
    assert all(o["data_pedido"] == "02/01/2026" for o in new_orders)
    # dataAtualizacao is an inclusive lower bound on the last change, to the second
    changed = scan(fresh, "pedidos.pesquisa", "pedidos", "pedido", dataAtualizacao="02/01/2026 10:00:00")
    assert {o["id"] for o in changed} == moved | set(result["created"])
    assert call(fresh, "pedidos.pesquisa", dataAtualizacao="02/01/2026 10:00:01").code == "20"
    assert len(scan(fresh, "pedidos.pesquisa", "pedidos", "pedido", dataAtualizacao="01/01/2025")) == 304
    # combined with the order-date window: AND
    both = scan(
        fresh,
        "pedidos.pesquisa",
        "pedidos",
        "pedido",
        dataAtualizacao="02/01/2026 10:00:00",
        dataInicial="02/01/2026",
    )
    assert {o["id"] for o in both} == set(result["created"])


def test_advance_is_deterministic():
    with manual_sim() as a, manual_sim() as b:
        assert a.advance(25) == b.advance(25)
        assert a.advance(5, new=1) == b.advance(5, new=1)
        assert scan(a, "pedidos.pesquisa", "pedidos", "pedido") == scan(
            b, "pedidos.pesquisa", "pedidos", "pedido"
        )
        ids = [u["id"] for u in a.advance(3)["updated"]]
        b.advance(3)
        for i in ids:
            assert call(a, "pedido.obter", id=i).body == call(b, "pedido.obter", id=i).body


def test_order_deleted_between_list_and_detail(fresh):
    page1 = rows(ok(call(fresh, "pedidos.pesquisa")), "pedidos", "pedido")
    victim = page1[10]["id"]
    assert fresh.delete_order(victim) and not fresh.delete_order(victim)
    assert call(fresh, "pedido.obter", id=victim).code == "32"
    assert call(fresh, "pdv.pedido.obter", formato=None, id=victim).code == "32"
    again = scan(fresh, "pedidos.pesquisa", "pedidos", "pedido")
    assert len(again) == 299 and victim not in {o["id"] for o in again}
    # the rows after it moved up one place: a client already past page 1 skips the old row 101
    page2 = rows(ok(call(fresh, "pedidos.pesquisa", pagina=2)), "pedidos", "pedido")
    assert page2[0] == again[100]
    assert fresh.stats()["deleted_orders"] == 1


def test_order_deleted_when_listed_is_listed_once_then_gone(fresh):
    from .support import admin

    page2 = rows(ok(call(fresh, "pedidos.pesquisa", pagina=2)), "pedidos", "pedido")
    victim = page2[5]["id"]
    waiting = admin(fresh, f"/delete?id={victim}&when=listed", "POST")
    assert waiting.status == 200 and waiting.json()["deleted"] == {victim: True}
    assert admin(fresh, "/delete?id=1&when=listed", "POST").status == 404
    assert admin(fresh, f"/delete?id={victim}&when=later", "POST").status == 400
    # not listed yet: still there
    assert call(fresh, "pedido.obter", id=victim).code is None
    assert call(fresh, "pedidos.pesquisa", pagina=1).code is None
    assert fresh.stats()["deletions_pending"] == 1 and fresh.stats()["deleted_orders"] == 0
    # the page that lists it still shows it; the detail call after it answers 32
    listed = rows(ok(call(fresh, "pedidos.pesquisa", pagina=2)), "pedidos", "pedido")
    assert listed == page2
    assert call(fresh, "pedido.obter", id=victim).code == "32"
    stats = fresh.stats()
    assert (stats["deletions_pending"], stats["deleted_orders"], stats["orders"]) == (0, 1, 299)
    assert victim not in {o["id"] for o in scan(fresh, "pedidos.pesquisa", "pedidos", "pedido")}
    fresh.reset()
    assert fresh.stats()["deletions_pending"] == 0 and fresh.stats()["orders"] == 300


def test_inserted_orders_shift_pages_and_numero_paginas(fresh):
    page1 = ok(call(fresh, "pedidos.pesquisa"))
    assert page1["numero_paginas"] == "3"
    first_rows = rows(page1, "pedidos", "pedido")
    created = fresh.insert_orders(5)
    page2 = ok(call(fresh, "pedidos.pesquisa", pagina=2))
    assert page2["numero_paginas"] == "4"  # 305 orders now
    # the last five rows of page 1 come again at the top of page 2
    assert rows(page2, "pedidos", "pedido")[:5] == first_rows[-5:]
    listed = scan(fresh, "pedidos.pesquisa", "pedidos", "pedido")
    assert len(listed) == 305 and set(created) <= {o["id"] for o in listed}
    assert all(o["data_pedido"] == first_rows[0]["data_pedido"] for o in listed if o["id"] in created)


def test_drift_mode_changes_numero_paginas_during_a_scan(fresh):
    original = {o["id"] for o in scan(fresh, "pedidos.pesquisa", "pedidos", "pedido")}
    fresh.set_drift(40)
    seen, targets, page, received = {}, [], 1, 0
    while True:
        retorno = ok(call(fresh, "pedidos.pesquisa", pagina=page))
        targets.append(int(retorno["numero_paginas"]))
        for o in rows(retorno, "pedidos", "pedido"):
            seen[o["id"]] = o
            received += 1
        if page >= targets[-1]:
            break
        page += 1
    assert targets[0] == 3 and max(targets) > 3
    assert fresh.stats()["orders"] > 300
    # rows inserted before the cursor push older rows forward: seen twice, never lost
    assert original <= set(seen)
    assert received > len(seen)


def test_admin_routes_for_orders(fresh):
    from .support import admin

    result = admin(fresh, "/advance?orders=4&new=2", "POST").json()
    assert len(result["updated"]) == 4 and len(result["created"]) == 2
    inserted = admin(fresh, "/insert?orders=3&data_pedido=15/10/2025", "POST").json()["created"]
    assert len(inserted) == 3
    day = rows(
        ok(call(fresh, "pedidos.pesquisa", dataInicial="15/10/2025", dataFinal="15/10/2025")),
        "pedidos",
        "pedido",
    )
    assert [o["id"] for o in day[-3:]] == inserted
    gone = admin(fresh, f"/delete?id={inserted[0]},{inserted[1]}", "POST")
    assert gone.status == 200 and gone.json()["deleted"] == {inserted[0]: True, inserted[1]: True}
    assert admin(fresh, "/delete?id=1", "POST").status == 404
    assert call(fresh, "pedido.obter", id=inserted[0]).code == "32"
    assert admin(fresh, "/drift?orders=2", "POST").json() == {"drift": 2}
    stats = fresh.stats()
    assert stats["orders"] == 300 + 2 + 3 - 2 and stats["deleted_orders"] == 2 and stats["drift"] == 2
