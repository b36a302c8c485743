"""SearchProcessedOrders: the connector's request, date windows with inclusive bounds, paging, sorting."""

from __future__ import annotations

import re

from commerce_simulators.linnworks import LinnworksSimulator

from .support import post, search, search_all

DATE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z")


def test_first_page_shape_and_first_row(shared_sim: LinnworksSimulator, token: str):
    reply = search(shared_sim, token)
    assert reply.status == 200
    body = reply.json()
    result = body["ProcessedOrders"]
    assert {k: v for k, v in result.items() if k != "Data"} == {
        "PageNumber": 1,
        "EntriesPerPage": 500,
        "TotalEntries": 200,
        "TotalPages": 1,
    }
    assert result["Data"][0] == {
        "pkOrderID": "fe27fc8a-b007-406f-8988-421f065471f9",
        "nOrderId": 100001,
        "dReceivedDate": "2025-09-28T20:53:23.340Z",
        "dProcessedOn": "2025-10-01T03:32:20.319Z",
        "dPaidOn": "2025-09-28T21:01:44.173Z",
        "dCancelledOn": None,
        "Source": "EBAY",
        "SubSource": "EBAY0",
        "cCurrency": "GBP",
        "fTotalCharge": 67.16,
        "Subtotal": 51.97,
        "fTax": 11.2,
        "fPostageCost": 4.79,
        "PostageCostExTax": 3.99,
        "TotalDiscount": 0.0,
        "ProfitMargin": 34.02,
        "CountryTaxRate": 20,
        "cFullName": "Leo Miller",
        "cEmailAddress": "leo.miller66@gmail.com",
        "cCountry": "United Kingdom",
        "cPostCode": "SW7 2GD",
        "ReferenceNum": "25-10416-64934",
        "SecondaryReference": "999155521645",
        "nStatus": 1,
        "HoldOrCancel": False,
    }


def test_rows_are_sorted_and_dated(shared_sim: LinnworksSimulator, token: str):
    rows = search_all(shared_sim, token)
    assert [r["nOrderId"] for r in rows] == list(range(100_001, 100_201))
    processed = [r["dProcessedOn"] for r in rows]
    assert processed == sorted(processed) and all(DATE.fullmatch(p) for p in processed)
    assert processed[0] >= "2025-10-01" and processed[-1] < "2026-01-01"
    for r in rows:
        assert r["dReceivedDate"] < r["dProcessedOn"] and DATE.fullmatch(r["dReceivedDate"])
        assert (r["dPaidOn"] is None) == (r["dCancelledOn"] is not None)


def test_both_bounds_are_inclusive(shared_sim: LinnworksSimulator, token: str):
    rows = search_all(shared_sim, token)
    t = rows[10]["dProcessedOn"]  # e.g. 2025-10-0xT..:..:..sssZ
    bound = t.replace("Z", "+00:00")
    exact = search_all(shared_sim, token, FromDate=bound, ToDate=bound)
    assert [r["nOrderId"] for r in exact] == [rows[10]["nOrderId"]]
    before = search_all(shared_sim, token, ToDate=bound)
    after = search_all(shared_sim, token, FromDate=bound)
    assert before[-1] == after[0] == rows[10]  # the boundary order is in both adjacent windows
    assert len(before) + len(after) == len(rows) + 1
    assert search_all(shared_sim, token, FromDate="2026-01-01T00:00:00Z", ToDate="2026-02-01T00:00:00Z") == []


def test_windows_cover_the_history_exactly_once(shared_sim: LinnworksSimulator, token: str):
    months = ["2025-10-01", "2025-11-01", "2025-12-01", "2026-01-01"]
    seen = []
    for start, end in zip(months, months[1:], strict=False):
        # the connector's windows: [start, end - 1 s], both inclusive
        last = {"2025-11-01": "2025-10-31", "2025-12-01": "2025-11-30", "2026-01-01": "2025-12-31"}[end]
        window = search_all(
            shared_sim, token, FromDate=f"{start}T00:00:00+00:00", ToDate=f"{last}T23:59:59+00:00"
        )
        assert all(start <= r["dProcessedOn"] < end for r in window)
        seen += [r["nOrderId"] for r in window]
    assert seen == list(range(100_001, 100_201))


def test_paging_past_the_end_and_descending(shared_sim: LinnworksSimulator, token: str):
    pages = [
        search(shared_sim, token, ResultsPerPage=60, PageNumber=n).json()["ProcessedOrders"]
        for n in (1, 4, 5)
    ]
    assert [(p["TotalPages"], p["TotalEntries"], len(p["Data"])) for p in pages] == [
        (4, 200, 60),
        (4, 200, 20),
        (4, 200, 0),
    ]
    desc = search(shared_sim, token, SearchSorting={"SortField": "dProcessedOn", "SortDirection": "DESC"})
    assert [r["nOrderId"] for r in desc.json()["ProcessedOrders"]["Data"]][:3] == [100_200, 100_199, 100_198]


def test_bad_requests_answer_400(shared_sim: LinnworksSimulator, token: str):
    path = "/api/ProcessedOrders/SearchProcessedOrders"
    assert post(shared_sim, path, {}, session=token).json() == {
        "Code": None,
        "Message": "request is required",
    }
    assert post(shared_sim, path, {"request": "{"}, session=token).status == 400
    for fields in (
        {"FromDate": "yesterday"},
        {"ResultsPerPage": 501},
        {"PageNumber": 0},
        {"DateField": "received"},
        {"SearchSorting": {"SortField": "fTotalCharge"}},
    ):
        reply = search(shared_sim, token, **fields)
        assert reply.status == 400 and reply.json()["Message"], fields
