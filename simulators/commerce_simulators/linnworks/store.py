"""The simulator's mutable state over the data set: orders processed so far (the data set's plus those
`advance` added), current stock levels and the data clock.

The data clock starts where the generated history ends (2026-01-01T00:00:00Z) and only `advance` moves
it: new orders are processed after it, so a second sync sees them, whatever the wall clock says.
"""

from __future__ import annotations

import bisect
import random
import threading
from typing import Any

from .generator import FIRST_ORDER_NUMBER, Dataset
from .model import HISTORY_END_MS, HOUR_MS, fmt_ms, guid, money
from .orders import Order, build_order


class Store:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        ds = self.dataset
        with self.lock:
            self.times = list(ds.times)
            self.added: dict[str, int] = {}  # pkOrderID -> k of orders added by `advance`
            self.levels = [[list(row) for row in item] for item in ds.levels]
            self.now = HISTORY_END_MS
            self.advance_steps = 0

    # --- orders ----------------------------------------------------------------------------------------

    @property
    def order_count(self) -> int:
        return len(self.times)

    def order(self, k: int) -> Order:
        return build_order(self.dataset, k, self.times[k])

    def order_index(self, order_id: str) -> int | None:
        k = self.dataset.index.get(order_id.lower())
        return k if k is not None else self.added.get(order_id.lower())

    def processed_between(self, start: int | None, end: int | None) -> range:
        """Order numbers k processed in [start, end] (both inclusive; None: unbounded), ascending."""
        with self.lock:
            lo = 0 if start is None else bisect.bisect_left(self.times, start)
            hi = len(self.times) if end is None else bisect.bisect_right(self.times, end)
        return range(lo, max(lo, hi))

    # --- stock -----------------------------------------------------------------------------------------

    def stock_item(self, index: int, with_levels: bool) -> dict[str, Any]:
        item = self.dataset.items[index]
        value: dict[str, Any] = {
            "StockItemId": item.id,
            "StockItemIntId": item.int_id,
            "ItemNumber": item.sku,
            "ItemTitle": item.title,
            "BarcodeNumber": item.barcode,
            "PurchasePrice": money(item.purchase),
            "RetailPrice": money(item.retail),
            "TaxRate": 20,
            "IsCompositeParent": False,
            "IsVariationParent": False,
            "CreationDate": fmt_ms(item.created_ms),
        }
        if with_levels:
            value["StockLevels"] = [self._level(item.purchase, loc, row) for loc, row in self._rows(index)]
        return value

    def _rows(self, index: int) -> list[tuple[dict[str, Any], list[int]]]:
        with self.lock:
            rows = [list(row) for row in self.levels[index]]
        return list(zip(self.dataset.locations, rows, strict=True))

    @staticmethod
    def _level(unit_cost: int, loc: dict[str, Any], row: list[int]) -> dict[str, Any]:
        level, in_orders, due, minimum, updated = row
        return {
            "Location": {"StockLocationId": loc["StockLocationId"], "LocationName": loc["LocationName"]},
            "StockLevel": level,
            "Available": level - in_orders,
            "InOrders": in_orders,
            "Due": due,
            "MinimumLevel": minimum,
            "UnitCost": money(unit_cost),
            "StockValue": money(level * unit_cost),
            "LastUpdateDate": fmt_ms(updated),
        }

    # --- time moves on ---------------------------------------------------------------------------------

    def advance(self, hours: float, orders: int | None = None) -> dict[str, Any]:
        """Move the data clock on by `hours`; `orders` new orders (default: the history's average rate)
        are processed in (old now, new now], the goods they sold leave the Default location (the
        fulfilment centre for Amazon orders of FBA items), and Default items below their minimum level
        receive what is due. Deterministic for the same data and calls."""
        if not hours > 0:
            raise ValueError("hours must be > 0")
        span = int(hours * HOUR_MS)
        ds = self.dataset
        if orders is None:
            orders = max(1, round(ds.orders / ds.days * hours / 24))
        if orders < 0:
            raise ValueError("orders must be >= 0")
        with self.lock:
            before, first = self.now, len(self.times)
            step = self.advance_steps = self.advance_steps + 1
            rng = random.Random(f"linnworks:{ds.seed}:advance:{step}:{first}")
            new_times = sorted(before + 1 + int(rng.random() * span) for _ in range(orders))
            self.times.extend(new_times)  # all after `before`: the list stays sorted
            self.now = before + span
            for k in range(first, first + orders):
                self.added[guid("linnworks", ds.seed, "order", k)] = k
        changed: dict[int, None] = {}
        new_orders = [build_order(ds, k, self.times[k]) for k in range(first, first + orders)]
        with self.lock:
            for order in new_orders:
                if order.cancelled is not None:
                    continue
                for line in order.lines:
                    fba = order.source == "AMAZON" and ds.items[line.item].fba
                    row = self.levels[line.item][1 if fba else 0]
                    row[0], row[4] = max(0, row[0] - line.quantity), order.processed
                    row[1] = min(row[1], row[0])
                    changed[line.item] = None
            for i, item in enumerate(self.levels):
                row = item[0]
                if row[2] and row[0] < row[3]:  # the purchase order arrives
                    row[0], row[2], row[4] = row[0] + row[2], 0, self.now
                    changed[i] = None
        return {
            "from": fmt_ms(before),
            "to": fmt_ms(self.now),
            "new_orders": [
                {"pkOrderID": o.id, "nOrderId": o.number, "dProcessedOn": fmt_ms(o.processed)}
                for o in new_orders
            ],
            "stock_items_changed": [ds.items[i].sku for i in sorted(changed)],
        }

    def counts(self) -> dict[str, Any]:
        return {
            "locations": len(self.dataset.locations),
            "stock_items": len(self.dataset.items),
            "orders": self.order_count,
            "first_order_number": FIRST_ORDER_NUMBER,
            "data_now": fmt_ms(self.now),
        }
