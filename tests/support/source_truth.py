"""What each simulator's own data says a day of sales was, computed without the pipeline: the truth
the marts must reconcile with, per source, day and currency.

Each source's day is the one its marts document: FakeStore's cart date in UTC, TinyERP's order day
(Brasília, as Tiny shows it), Linnworks' received date in London. A cancelled order counts as a
cancelled order only; its amounts are not sales.
"""

from __future__ import annotations

import json
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from commerce_simulators.fakestore import FakeStoreSimulator
from commerce_simulators.linnworks import LinnworksSimulator
from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_simulators.tinyerp.records import order_detail

LONDON = ZoneInfo("Europe/London")
CENT = Decimal("0.01")


@dataclass
class DaySales:
    orders: int = 0
    cancelled_orders: int = 0
    units: Decimal = Decimal(0)
    gross: Decimal = Decimal(0)
    discounts: Decimal = Decimal(0)
    refunds: Decimal = Decimal(0)
    order_keys: set[str] = field(default_factory=set)

    @property
    def net(self) -> Decimal:
        return self.gross - self.refunds

    def add(
        self,
        key: str,
        *,
        cancelled: bool,
        units: Decimal,
        gross: Decimal,
        discount: Decimal = Decimal(0),
        refunded: Decimal = Decimal(0),
    ) -> None:
        self.order_keys.add(key)
        if cancelled:
            self.cancelled_orders += 1
            return
        self.orders += 1
        self.units += units
        self.gross += gross
        self.discounts += discount
        self.refunds += refunded

    def figures(self) -> tuple:
        """orders, cancelled, units, gross, discounts, refunds, net: what daily_sales holds."""
        money = (self.gross, self.discounts, self.refunds, self.net)
        return (self.orders, self.cancelled_orders, self.units, *(m.quantize(CENT) for m in money))


Truth = dict[tuple[str, date, str], DaySales]  # (source, day, currency) -> sales


def _get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return json.load(answer)


def fakestore_truth(sim: FakeStoreSimulator, truth: Truth) -> None:
    """Every cart is a placed order; its lines are priced at the product's price (USD)."""
    prices = {p["id"]: Decimal(str(p["price"])) for p in _get(sim.url + "/products")}  # type: ignore[union-attr]
    for cart in _get(sim.url + "/carts"):  # type: ignore[union-attr]
        day = datetime.fromisoformat(cart["date"].replace("Z", "+00:00")).astimezone(UTC).date()
        units = sum(Decimal(line["quantity"]) for line in cart["products"])
        gross = sum(
            (Decimal(line["quantity"]) * prices[line["productId"]] for line in cart["products"]), Decimal(0)
        )
        truth.setdefault(("fakestore", day, "USD"), DaySales()).add(
            f"fakestore:{cart['id']}", cancelled=False, units=units, gross=gross
        )


def tinyerp_truth(sim: TinyErpSimulator, truth: Truth) -> None:
    """Each order as `pedido.obter` serves it (BRL; the day is Tiny's dd/mm/yyyy order day)."""
    store = sim.store
    for order in store.orders.values():
        detail = order_detail(order, store)
        day = datetime.strptime(detail["data_pedido"], "%d/%m/%Y").date()
        units = sum(Decimal(i["item"]["quantidade"]) for i in detail["itens"])
        truth.setdefault(("tinyerp", day, "BRL"), DaySales()).add(
            f"tinyerp:{detail['id']}",
            cancelled=detail["situacao"] == "Cancelado",
            units=units,
            gross=Decimal(detail["total_pedido"]),
            discount=Decimal(order.desconto) / 100,  # as computed; the API may show "10%" or "5,00"
        )


def linnworks_truth(sim: LinnworksSimulator, truth: Truth) -> None:
    """Each processed order the simulator holds (its own records, in the order's currency)."""
    store = sim.store
    for k in range(store.order_count):
        order = store.order(k)
        received = datetime.fromtimestamp(order.received / 1000, UTC)
        cents = Decimal(100)
        truth.setdefault(("linnworks", received.astimezone(LONDON).date(), order.currency), DaySales()).add(
            f"linnworks:{order.id}",
            cancelled=order.cancelled is not None,
            units=Decimal(sum(line.quantity for line in order.lines)),
            gross=order.total / cents,
            discount=order.discount / cents,
            refunded=sum(r[2] for r in order.refunds) / cents,
        )


def sales_truth(
    fakestore: FakeStoreSimulator, tinyerp: TinyErpSimulator, linnworks: LinnworksSimulator
) -> Truth:
    truth: Truth = defaultdict(DaySales)
    fakestore_truth(fakestore, truth)
    tinyerp_truth(tinyerp, truth)
    linnworks_truth(linnworks, truth)
    return dict(truth)
