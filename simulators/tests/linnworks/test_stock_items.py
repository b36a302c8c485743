"""GetStockItemsFull: items, stock levels per location, paging of 200, parameter checks."""

from __future__ import annotations

from commerce_simulators.linnworks import LinnworksSimulator

from .support import STOCK_QUERY, post, session, stock_page


def test_first_item_exactly(shared_sim: LinnworksSimulator, token: str):
    first = stock_page(shared_sim, token, 1).json()[0]
    levels = first.pop("StockLevels")
    assert first == {
        "StockItemId": "1afcb778-ba4c-4ab7-8b88-3bdf6d8189d0",
        "StockItemIntId": 1,
        "ItemNumber": "MUG-SAG-0001",
        "ItemTitle": "Stoneware Mug - Sage",
        "BarcodeNumber": "5005460000008",
        "PurchasePrice": 4.17,
        "RetailPrice": 7.99,
        "TaxRate": 20,
        "IsCompositeParent": False,
        "IsVariationParent": False,
        "CreationDate": "2025-02-05T10:34:44.358Z",
    }
    assert levels[0] == {
        "Location": {"StockLocationId": "00000000-0000-0000-0000-000000000000", "LocationName": "Default"},
        "StockLevel": 141,
        "Available": 141,
        "InOrders": 0,
        "Due": 0,
        "MinimumLevel": 10,
        "UnitCost": 4.17,
        "StockValue": 587.97,
        "LastUpdateDate": "2025-12-14T15:38:06.442Z",
    }
    assert [lv["Location"]["LocationName"] for lv in levels] == ["Default", "Amazon FBA UK", "Brighton Shop"]


def test_every_item_is_consistent(shared_sim: LinnworksSimulator, token: str):
    items = stock_page(shared_sim, token, 1).json()
    assert len(items) == 150 and [i["StockItemIntId"] for i in items] == list(range(1, 151))
    assert len({i["ItemNumber"] for i in items}) == len({i["BarcodeNumber"] for i in items}) == 150
    for item in items:
        assert item["RetailPrice"] > item["PurchasePrice"] > 0 and len(item["BarcodeNumber"]) == 13
        for lv in item["StockLevels"]:
            assert lv["Available"] == lv["StockLevel"] - lv["InOrders"] >= 0
            assert lv["StockValue"] == round(lv["StockLevel"] * item["PurchasePrice"], 2)


def test_pages_of_200_until_a_short_page(shared_sim: LinnworksSimulator, token: str):
    assert len(stock_page(shared_sim, token, 1).json()) == 150
    assert stock_page(shared_sim, token, 2).json() == []
    pages = [stock_page(shared_sim, token, n, per_page=50).json() for n in (1, 2, 3, 4)]
    assert [len(p) for p in pages] == [50, 50, 50, 0]
    whole = stock_page(shared_sim, token, 1).json()
    assert [i["StockItemId"] for p in pages for i in p] == [i["StockItemId"] for i in whole]


def test_the_connector_loop_over_more_than_200_items():
    with LinnworksSimulator(items=450) as sim:
        token = session(sim)
        sizes, page = [], 1
        while True:  # the connector pages while it gets exactly entriesPerPage items
            sizes.append(len(stock_page(sim, token, page).json()))
            if sizes[-1] < 200:
                break
            page += 1
        assert sizes == [200, 200, 50]


def test_levels_only_when_asked_and_keyword_search(shared_sim: LinnworksSimulator, token: str):
    path = "/api/Stock/GetStockItemsFull?entriesPerPage=200&pageNumber=1"
    bare = post(shared_sim, path, session=token).json()
    assert len(bare) == 150 and "StockLevels" not in bare[0]
    found = post(shared_sim, f"{path}&keyWord=mug-sag&searchTypes=[0]", session=token).json()
    assert [i["ItemNumber"] for i in found] == ["MUG-SAG-0001"]


def test_bad_parameters_answer_400(shared_sim: LinnworksSimulator, token: str):
    base = "/api/Stock/GetStockItemsFull?"
    for query in (
        f"entriesPerPage=0&pageNumber=1&{STOCK_QUERY}",
        f"entriesPerPage=201&pageNumber=1&{STOCK_QUERY}",
        f"entriesPerPage=200&pageNumber=0&{STOCK_QUERY}",
        f"entriesPerPage=200&pageNumber=x&{STOCK_QUERY}",
        "entriesPerPage=200&pageNumber=1&dataRequirements=[9]",
        "entriesPerPage=200&pageNumber=1&searchTypes=0",
        "entriesPerPage=200&pageNumber=1&loadCompositeParents=maybe",
    ):
        reply = post(shared_sim, base + query, session=token)
        assert reply.status == 400 and reply.json()["Code"] is None and reply.json()["Message"], query
