"""The seeded data set: stock locations, stock items with their starting stock levels, and processed
orders.

Orders are stored compactly (a sorted list of processed times and one GUID each); everything else
about order k is generated on demand from `random.Random(f"linnworks:{seed}:order:{k}")` and its
processed time, so 50,000 orders build in well under a second and order k never depends on how many
orders there are. Same seed and counts give byte-identical answers.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from .model import DAY_MS, DEFAULT_LOCATION_ID, HISTORY_END_MS, gtin13, guid

DEFAULT_ORDERS = 200
DEFAULT_ITEMS = 150
FIRST_ORDER_NUMBER = 100_001

# name, tag, fulfilment centre, address (Address1, City, County, Country, ZipCode)
LOCATIONS: tuple[tuple[str, str, bool, tuple[str, str, str, str, str]], ...] = (
    (
        "Default",
        "",
        False,
        ("Unit 4, Trafford Park Road", "Manchester", "Greater Manchester", "United Kingdom", "M17 1HG"),
    ),
    (
        "Amazon FBA UK",
        "FBA",
        True,
        ("Amazon BHX4, Plot 1", "Coventry", "West Midlands", "United Kingdom", "CV6 4QG"),
    ),
    (
        "Brighton Shop",
        "SHOP",
        False,
        ("12 Kensington Gardens", "Brighton", "East Sussex", "United Kingdom", "BN1 4AL"),
    ),
)

# (title, SKU code, purchase price range in pence): a homeware seller
PRODUCTS: tuple[tuple[str, str, tuple[int, int]], ...] = (
    ("Stoneware Mug", "MUG", (180, 420)),
    ("Linen Tea Towel", "TWL", (150, 380)),
    ("Soy Scented Candle", "CDL", (220, 700)),
    ("Cotton Cushion Cover", "CSH", (300, 900)),
    ("Glass Carafe", "CRF", (350, 950)),
    ("Bamboo Chopping Board", "BRD", (400, 1100)),
    ("Enamel Saucepan", "PAN", (800, 2200)),
    ("Wool Throw", "THR", (1500, 3500)),
    ("Terracotta Plant Pot", "POT", (250, 800)),
    ("Dotted Notebook A5", "NBK", (150, 350)),
    ("Ceramic Serving Bowl", "BWL", (450, 1300)),
    ("Waffle Bath Towel", "BTH", (600, 1500)),
    ("Beeswax Food Wraps", "WRP", (200, 500)),
    ("Oak Coaster Set", "CST", (300, 750)),
    ("Recycled Glass Vase", "VSE", (500, 1400)),
)
COLOURS = ("Sage", "Charcoal", "Oat", "Terracotta", "Navy", "Mustard", "Blush", "Ivory", "Forest", "Slate")


@dataclass(frozen=True)
class StockItem:
    index: int
    id: str  # StockItemId
    int_id: int  # StockItemIntId
    sku: str
    title: str
    barcode: str
    purchase: int  # pence
    retail: int  # pence, ex VAT (order lines are priced ex tax, see orders.py)
    created_ms: int
    fba: bool  # also stocked at the fulfilment centre


@dataclass
class Dataset:
    seed: int
    days: int
    start_ms: int  # first moment of the history
    locations: list[dict[str, Any]]  # GetLocation's objects, in StockLocationIntId order
    items: list[StockItem]
    # [item][location] -> [StockLevel, InOrders, Due, MinimumLevel, LastUpdate ms]: the starting levels
    levels: list[list[list[int]]]
    times: list[int]  # processed time (ms) of order k, ascending
    guids: list[str]  # pkOrderID of order k
    index: dict[str, int] = field(default_factory=dict)  # pkOrderID -> k

    @property
    def orders(self) -> int:
        return len(self.times)


def build_dataset(
    seed: int = 42, *, orders: int = DEFAULT_ORDERS, items: int = DEFAULT_ITEMS, days: int | None = None
) -> Dataset:
    if orders < 0:
        raise ValueError("orders must be >= 0")
    if items < 5:
        raise ValueError("items must be >= 5")
    days = days if days is not None else max(92, min(730, orders // 50))
    if days < 1:
        raise ValueError("days must be >= 1")
    start = HISTORY_END_MS - days * DAY_MS
    locations = _locations(seed)
    stock = _items(seed, items, start)
    levels = _levels(seed, stock, start)
    rng = random.Random(f"linnworks:{seed}:times")
    span = days * DAY_MS
    times = sorted(start + int(rng.random() * span) for _ in range(orders))
    guids = [guid("linnworks", seed, "order", k) for k in range(orders)]
    return Dataset(
        seed, days, start, locations, stock, levels, times, guids, {g: k for k, g in enumerate(guids)}
    )


def _locations(seed: int) -> list[dict[str, Any]]:
    out = []
    for n, (name, tag, fc, (address1, city, county, country, zipcode)) in enumerate(LOCATIONS):
        out.append(
            {
                "StockLocationId": DEFAULT_LOCATION_ID if n == 0 else guid("linnworks", seed, "location", n),
                "StockLocationIntId": n + 1,
                "LocationName": name,
                "IsFulfillmentCenter": fc,
                "LocationTag": tag,
                "Address1": address1,
                "Address2": "",
                "City": city,
                "County": county,
                "Country": country,
                "ZipCode": zipcode,
                "IsNotTrackable": False,
                "IsWarehouseManaged": False,
                "CountInOrderUntilAcknowledgement": fc,
                "FulfilmentCenterDeductStockWhenProcessed": fc,
            }
        )
    return out


def _items(seed: int, count: int, start: int) -> list[StockItem]:
    rng = random.Random(f"linnworks:{seed}:items")
    out = []
    for i in range(count):
        title, code, (low, high) = PRODUCTS[i % len(PRODUCTS)]
        colour = COLOURS[(i // len(PRODUCTS)) % len(COLOURS)]
        cycle = i // (len(PRODUCTS) * len(COLOURS))
        name = f"{title} - {colour}" + (f" (Set of {cycle + 1})" if cycle else "")
        purchase = rng.randrange(low, high + 1)
        # markup 1.8-3.0, rounded to the 49p/99p price points sellers use
        retail = max(99, (purchase * rng.randrange(180, 301) // 100) // 50 * 50 + 49)
        created = start - rng.randrange(30, 700) * DAY_MS + rng.randrange(DAY_MS)
        out.append(
            StockItem(
                i,
                guid("linnworks", seed, "item", i),
                i + 1,
                f"{code}-{colour[:3].upper()}-{i + 1:04d}",
                name,
                gtin13(f"50{rng.randrange(10_000):04d}{i:06d}"),
                purchase,
                retail,
                created,
                rng.random() < 0.4,
            )
        )
    return out


def _levels(seed: int, items: list[StockItem], start: int) -> list[list[list[int]]]:
    rng = random.Random(f"linnworks:{seed}:levels")
    out = []
    for item in items:
        rows = []
        for n in range(len(LOCATIONS)):
            if n == 1 and not item.fba:
                level, minimum = 0, 0
            else:
                level = rng.randrange((400, 200, 30)[n] + 1)
                minimum = (10, 0, 2)[n]
            in_orders = rng.randrange(min(level, 5) + 1)
            due = rng.choice((0, 0, 0, 24, 48, 96)) if n == 0 else 0
            updated = HISTORY_END_MS - rng.randrange(1, 30 * DAY_MS)
            rows.append([level, in_orders, due, minimum, max(updated, start)])
        out.append(rows)
    return out
