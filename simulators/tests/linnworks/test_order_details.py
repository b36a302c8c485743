"""GetOrdersById: details of processed orders, their amounts, currencies, channels, refunds, cancellations."""

from __future__ import annotations

from collections import Counter

from commerce_simulators.linnworks import LinnworksSimulator

from .support import orders_by_id, post, search_all


def _cents(value: float) -> int:
    return round(value * 100)


def _all_details(sim: LinnworksSimulator, token: str) -> tuple[list[dict], list[dict]]:
    rows = search_all(sim, token)
    ids = [r["pkOrderID"] for r in rows]
    details = []
    for start in range(0, len(ids), 100):
        reply = orders_by_id(sim, token, ids[start : start + 100])
        assert reply.status == 200
        details += reply.json()
    return rows, details


def test_amounts_add_up_exactly(shared_sim: LinnworksSimulator, token: str):
    rows, details = _all_details(shared_sim, token)
    assert [d["OrderId"] for d in details] == [r["pkOrderID"] for r in rows]
    for row, d in zip(rows, details, strict=True):
        t, items = d["TotalsInfo"], d["Items"]
        subtotal, discount, tax = _cents(t["Subtotal"]), _cents(t["TotalDiscount"]), _cents(t["Tax"])
        postage, postage_ex = _cents(t["PostageCost"]), _cents(t["PostageCostExTax"])
        assert subtotal == sum(_cents(i["Cost"]) for i in items)
        assert discount == sum(_cents(i["Discount"]) for i in items)
        assert tax == sum(_cents(i["Tax"]) for i in items) + postage - postage_ex
        assert _cents(t["TotalCharge"]) == subtotal - discount + postage_ex + tax
        assert _cents(t["TotalCharge"]) == sum(_cents(i["CostIncTax"]) for i in items) + postage
        for i in items:
            assert _cents(i["Cost"]) == i["Quantity"] * _cents(i["PricePerUnit"])
            assert _cents(i["Tax"]) == round((_cents(i["Cost"]) - _cents(i["Discount"])) * i["TaxRate"] / 100)
        assert d["GeneralInfo"]["NumItems"] == sum(i["Quantity"] for i in items)
        # the search row and the details agree
        assert (row["fTotalCharge"], row["cCurrency"], row["nOrderId"]) == (
            t["TotalCharge"],
            t["Currency"],
            d["NumOrderId"],
        )
        assert row["dProcessedOn"] == d["ProcessedDateTime"] and row["Source"] == d["GeneralInfo"]["Source"]


def test_currencies_channels_statuses(shared_sim: LinnworksSimulator, token: str):
    _, details = _all_details(shared_sim, token)
    currencies = Counter(d["TotalsInfo"]["Currency"] for d in details)
    assert set(currencies) == {"GBP", "EUR", "USD"} and currencies["GBP"] > currencies["EUR"]
    for d in details:
        rate, currency = d["TotalsInfo"]["ConversionRate"], d["TotalsInfo"]["Currency"]
        assert {"GBP": rate == 1.0, "EUR": 0.842 <= rate <= 0.878, "USD": 0.738 <= rate <= 0.796}[currency]
    channels = {(d["GeneralInfo"]["Source"], d["GeneralInfo"]["SubSource"]) for d in details}
    assert channels == {
        ("AMAZON", "amazon.co.uk"),
        ("AMAZON", "amazon.de"),
        ("AMAZON", "amazon.com"),
        ("EBAY", "EBAY0"),
        ("SHOPIFY", "shop"),
        ("DIRECT", "DIRECT"),
    }
    statuses = Counter(d["GeneralInfo"]["Status"] for d in details)
    assert set(statuses) <= {0, 1, 2, 4} and statuses[1] > 150 and statuses[0] and statuses[2]


def test_cancellations_and_refunds(shared_sim: LinnworksSimulator, token: str):
    _, details = _all_details(shared_sim, token)
    cancelled = [d for d in details if d["CancelledDateTime"] is not None]
    assert cancelled and all(
        d["GeneralInfo"]["Status"] == 0 and d["PaidDateTime"] is None and d["GeneralInfo"]["HoldOrCancel"]
        for d in cancelled
    )
    refunded = [d for d in details if d["Refunds"]]
    assert refunded
    for d in details:
        total = sum(_cents(r["Amount"]) for r in d["Refunds"])
        assert _cents(d["TotalsInfo"]["TotalRefunded"]) == total <= _cents(d["TotalsInfo"]["TotalCharge"])
        if d["GeneralInfo"]["Status"] == 2:  # a returned line: refunded in full, tax included
            (refund,) = d["Refunds"]
            line = next(i for i in d["Items"] if i["SKU"] == refund["SKU"])
            assert refund["IsItem"] and refund["Quantity"] == line["Quantity"]
            assert refund["Amount"] == line["CostIncTax"]
            assert refund["ActionDate"] > d["ProcessedDateTime"]


def test_unknown_ids_are_left_out_and_limits(shared_sim: LinnworksSimulator, token: str):
    rows = search_all(shared_sim, token)
    ids = [rows[3]["pkOrderID"], "00000000-0000-0000-0000-000000000001", "junk", rows[1]["pkOrderID"].upper()]
    reply = orders_by_id(shared_sim, token, ids)
    assert [d["NumOrderId"] for d in reply.json()] == [100_004, 100_002]
    assert orders_by_id(shared_sim, token, []).json() == []
    too_many = orders_by_id(shared_sim, token, [rows[0]["pkOrderID"]] * 101)
    assert (too_many.status, too_many.json()["Message"]) == (400, "at most 100 order ids per request")
    bad = post(shared_sim, "/api/Orders/GetOrdersById", {"pkOrderIds": "guid"}, session=token)
    assert bad.status == 400
