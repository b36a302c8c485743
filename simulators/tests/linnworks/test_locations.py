"""GetStockLocations and GetLocation (with the connector's `pkStockLocationId ` spelling)."""

from __future__ import annotations

from commerce_simulators.linnworks import LinnworksSimulator

from .support import post

DEFAULT_ID = "00000000-0000-0000-0000-000000000000"
FBA_ID = "2bb26748-aab0-47ad-9d66-852ffda9ae05"  # seed 42
SHOP_ID = "5f428c5c-210f-453b-9494-a9b3fbe74fde"


def _loc(guid: str, n: int, name: str, fc: bool, tag: str) -> dict:
    return {
        "StockLocationId": guid,
        "StockLocationIntId": n,
        "LocationName": name,
        "IsFulfillmentCenter": fc,
        "LocationTag": tag,
        "BinRack": "",
        "IsWarehouseManaged": False,
    }


def test_stock_locations(shared_sim: LinnworksSimulator, token: str):
    reply = post(shared_sim, "/api/Inventory/GetStockLocations", session=token)
    assert reply.status == 200
    assert reply.json() == [
        _loc(DEFAULT_ID, 1, "Default", False, ""),
        _loc(FBA_ID, 2, "Amazon FBA UK", True, "FBA"),
        _loc(SHOP_ID, 3, "Brighton Shop", False, "SHOP"),
    ]


def test_get_location_with_either_parameter_spelling(shared_sim: LinnworksSimulator, token: str):
    connector = post(shared_sim, f"/api/Locations/GetLocation?pkStockLocationId+={FBA_ID}", session=token)
    plain = post(shared_sim, "/api/Locations/GetLocation", {"pkStockLocationId": FBA_ID}, session=token)
    assert connector.status == plain.status == 200 and connector.body == plain.body
    assert connector.json() == {
        "StockLocationId": FBA_ID,
        "StockLocationIntId": 2,
        "LocationName": "Amazon FBA UK",
        "IsFulfillmentCenter": True,
        "LocationTag": "FBA",
        "Address1": "Amazon BHX4, Plot 1",
        "Address2": "",
        "City": "Coventry",
        "County": "West Midlands",
        "Country": "United Kingdom",
        "ZipCode": "CV6 4QG",
        "IsNotTrackable": False,
        "IsWarehouseManaged": False,
        "CountInOrderUntilAcknowledgement": True,
        "FulfilmentCenterDeductStockWhenProcessed": True,
    }
    default = post(shared_sim, f"/api/locations/getlocation?pkStockLocationId%20={DEFAULT_ID}", session=token)
    assert default.json()["LocationName"] == "Default"  # routes are case-insensitive


def test_unknown_location_method_and_route(shared_sim: LinnworksSimulator, token: str):
    unknown = post(shared_sim, "/api/Locations/GetLocation?pkStockLocationId=abc", session=token)
    assert (unknown.status, unknown.json()) == (400, {"Code": None, "Message": "Location 'abc' not found"})
    get = post(shared_sim, "/api/Inventory/GetStockLocations", session=token, method="GET")
    assert get.status == 405 and get.headers["Allow"] == "POST"
    missing = post(shared_sim, "/api/Inventory/Nope", session=token)
    assert missing.status == 404 and "No HTTP resource" in missing.json()["Message"]
