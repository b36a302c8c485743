"""Order k, generated on demand from the seed, k and its processed time, and its two shapes: the
SearchProcessedOrders row and the GetOrdersById details.

Amount rules (minor units, exact; see README.md):
    line:  Cost = Quantity x PricePerUnit (ex tax, before discount)
           Tax = round((Cost - Discount) x TaxRate / 100),  CostIncTax = Cost - Discount + Tax
    order: Subtotal = sum(Cost), TotalDiscount = sum(Discount)
           postage tax = round(PostageCostExTax x TaxRate / 100), PostageCost = PostageCostExTax + it
           Tax = sum(line Tax) + postage tax
           TotalCharge = Subtotal - TotalDiscount + PostageCostExTax + Tax = sum(CostIncTax) + PostageCost
Prices are the stock item's GBP price converted at the order's ConversionRate (GBP = amount x rate).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from .generator import FIRST_ORDER_NUMBER, Dataset
from .model import (
    CHANNELS,
    CURRENCIES,
    FIRST_NAMES,
    HOUR_MS,
    LAST_NAMES,
    MAIL_DOMAINS,
    PAID,
    REFUND_REASONS,
    RESEND,
    RETURN,
    UNPAID,
    fmt_ms,
    guid,
    money,
)

_CHANNEL_WEIGHTS = [c[2] for c in CHANNELS]


@dataclass
class Line:
    item: int  # stock item index
    quantity: int
    price: int  # PricePerUnit
    unit_cost: int  # in the order's currency
    discount: int
    tax: int

    @property
    def cost(self) -> int:
        return self.quantity * self.price

    @property
    def cost_inc_tax(self) -> int:
        return self.cost - self.discount + self.tax


@dataclass
class Order:
    k: int
    id: str
    number: int
    source: str
    subsource: str
    currency: str
    rate: int  # ConversionRate x 10,000
    tax_rate: int
    received: int
    processed: int
    paid: int | None
    cancelled: int | None
    status: int
    name: str
    email: str
    country: str
    postcode: str
    reference: str
    secondary: str
    lines: list[Line]
    postage_ex: int
    postage_tax: int
    refunds: list[tuple[int, int, int, str, int]]  # (line index, quantity, amount, reason, when)

    @property
    def subtotal(self) -> int:
        return sum(line.cost for line in self.lines)

    @property
    def discount(self) -> int:
        return sum(line.discount for line in self.lines)

    @property
    def tax(self) -> int:
        return sum(line.tax for line in self.lines) + self.postage_tax

    @property
    def total(self) -> int:
        return self.subtotal - self.discount + self.postage_ex + self.tax

    @property
    def profit(self) -> int:
        """Net sales ex tax and postage minus the cost of the goods, in the order's currency."""
        return self.subtotal - self.discount - sum(line.quantity * line.unit_cost for line in self.lines)


def build_order(ds: Dataset, k: int, processed: int) -> Order:
    rng = random.Random(f"linnworks:{ds.seed}:order:{k}")
    source, subsource, _, currencies = rng.choices(CHANNELS, _CHANNEL_WEIGHTS)[0]
    code = rng.choices([c for c, _ in currencies], [w for _, w in currencies])[0]
    cur = CURRENCIES[code]
    rate = rng.randint(*cur.rate)
    n_lines = rng.choices((1, 2, 3, 4), (60, 25, 10, 5))[0]
    lines = []
    for item in rng.sample(range(len(ds.items)), n_lines):
        stock = ds.items[item]
        quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
        price = stock.retail * 10_000 // rate  # GBP -> order currency, rounded down
        discount = price * quantity // 10 if rng.random() < 0.12 else 0
        tax = round((quantity * price - discount) * cur.tax_rate / 100)
        lines.append(Line(item, quantity, price, stock.purchase * 10_000 // rate, discount, tax))
    postage_ex = rng.choice(cur.postage)
    received = processed - rng.randrange(2 * HOUR_MS, 72 * HOUR_MS)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    roll = rng.random()
    status, paid, cancelled = PAID, received + rng.randrange(0, 1_800_000), None
    if roll < 0.03:
        status, paid = UNPAID, None
        cancelled = max(received, processed - rng.randrange(0, HOUR_MS))
    elif roll < 0.04:
        status = RESEND
    order = Order(
        k=k,
        id=ds.guids[k] if k < len(ds.guids) else guid("linnworks", ds.seed, "order", k),
        number=FIRST_ORDER_NUMBER + k,
        source=source,
        subsource=subsource,
        currency=code,
        rate=rate,
        tax_rate=cur.tax_rate,
        received=received,
        processed=processed,
        paid=paid,
        cancelled=cancelled,
        status=status,
        name=f"{first} {last}",
        email=f"{first}.{last.replace(' ', '')}{rng.randrange(100)}@{rng.choice(MAIL_DOMAINS)}".lower(),
        country=rng.choice(cur.countries),
        postcode=_postcode(rng, code),
        reference=_reference(rng, source, k),
        secondary=f"{rng.randrange(10**11, 10**12)}" if source == "EBAY" else "",
        lines=lines,
        postage_ex=postage_ex,
        postage_tax=round(postage_ex * cur.tax_rate / 100),
        refunds=[],
    )
    if status == PAID and rng.random() < 0.07:  # returned line (RETURN) or a goodwill partial refund
        j = rng.randrange(n_lines)
        when = processed + rng.randrange(2, 20) * 24 * HOUR_MS
        reason = rng.choice(REFUND_REASONS)
        if rng.random() < 0.6:
            order.status = RETURN
            order.refunds.append((j, lines[j].quantity, lines[j].cost_inc_tax, reason, when))
        else:
            order.refunds.append((j, 0, max(1, order.total * rng.randrange(10, 31) // 100), reason, when))
    return order


def _postcode(rng: random.Random, currency: str) -> str:
    if currency == "GBP":
        letters = "ABCDEFGHJKLMNPRSTUWXY"
        area = rng.choice(("M", "B", "LS", "BN", "SW", "EH", "CF", "BS", "NG", "L"))
        return f"{area}{rng.randrange(1, 20)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
    return f"{rng.randrange(10_000, 99_999):05d}"


def _reference(rng: random.Random, source: str, k: int) -> str:
    if source == "AMAZON":
        return f"{rng.randrange(202, 208)}-{rng.randrange(10**7):07d}-{rng.randrange(10**7):07d}"
    if source == "EBAY":
        return f"{rng.randrange(10, 28)}-{rng.randrange(10**5):05d}-{rng.randrange(10**5):05d}"
    if source == "SHOPIFY":
        return f"#{5000 + k}"
    return f"PO-{rng.randrange(10**5):05d}"


# --- shapes ----------------------------------------------------------------------------------------------


def search_row(o: Order) -> dict[str, Any]:
    return {
        "pkOrderID": o.id,
        "nOrderId": o.number,
        "dReceivedDate": fmt_ms(o.received),
        "dProcessedOn": fmt_ms(o.processed),
        "dPaidOn": fmt_ms(o.paid),
        "dCancelledOn": fmt_ms(o.cancelled),
        "Source": o.source,
        "SubSource": o.subsource,
        "cCurrency": o.currency,
        "fTotalCharge": money(o.total),
        "Subtotal": money(o.subtotal),
        "fTax": money(o.tax),
        "fPostageCost": money(o.postage_ex + o.postage_tax),
        "PostageCostExTax": money(o.postage_ex),
        "TotalDiscount": money(o.discount),
        "ProfitMargin": money(o.profit),
        "CountryTaxRate": o.tax_rate,
        "cFullName": o.name,
        "cEmailAddress": o.email,
        "cCountry": o.country,
        "cPostCode": o.postcode,
        "ReferenceNum": o.reference,
        "SecondaryReference": o.secondary,
        "nStatus": o.status,
        "HoldOrCancel": o.cancelled is not None,
    }


def details(ds: Dataset, o: Order) -> dict[str, Any]:
    items = []
    for j, line in enumerate(o.lines):
        stock = ds.items[line.item]
        items.append(
            {
                "ItemId": guid("linnworks", ds.seed, "line", o.k, j),
                "StockItemId": stock.id,
                "StockItemIntId": stock.int_id,
                "SKU": stock.sku,
                "ItemTitle": stock.title,
                "BarcodeNumber": stock.barcode,
                "Quantity": line.quantity,
                "PricePerUnit": money(line.price),
                "UnitCost": money(line.unit_cost),
                "Cost": money(line.cost),
                "CostIncTax": money(line.cost_inc_tax),
                "Tax": money(line.tax),
                "TaxRate": o.tax_rate,
                "Discount": money(line.discount),
                "ItemSource": o.source,
                "RowId": guid("linnworks", ds.seed, "row", o.k, j),
            }
        )
    refunds = [
        {
            "pkRefundRowId": guid("linnworks", ds.seed, "refund", o.k, n),
            "SKU": ds.items[o.lines[j].item].sku,
            "ItemTitle": ds.items[o.lines[j].item].title,
            "IsItem": quantity > 0,
            "Quantity": quantity,
            "Amount": money(amount),
            "Reason": reason,
            "Actioned": True,
            "ActionDate": fmt_ms(when),
        }
        for n, (j, quantity, amount, reason, when) in enumerate(o.refunds)
    ]
    return {
        "OrderId": o.id,
        "NumOrderId": o.number,
        "Processed": True,
        "ProcessedDateTime": fmt_ms(o.processed),
        "PaidDateTime": fmt_ms(o.paid),
        "GeneralInfo": {
            "Status": o.status,
            "Marker": 0,
            "HoldOrCancel": o.cancelled is not None,
            "ReferenceNum": o.reference,
            "SecondaryReference": o.secondary,
            "ReceivedDate": fmt_ms(o.received),
            "Source": o.source,
            "SubSource": o.subsource,
            "NumItems": sum(line.quantity for line in o.lines),
        },
        "TotalsInfo": {
            "Subtotal": money(o.subtotal),
            "PostageCost": money(o.postage_ex + o.postage_tax),
            "PostageCostExTax": money(o.postage_ex),
            "Tax": money(o.tax),
            "TotalCharge": money(o.total),
            "TotalDiscount": money(o.discount),
            "ProfitMargin": money(o.profit),
            "CountryTaxRate": o.tax_rate,
            "Currency": o.currency,
            "ConversionRate": o.rate / 10_000,
            "TotalRefunded": money(sum(r[2] for r in o.refunds)),
        },
        "CustomerInfo": {
            "Address": {
                "FullName": o.name,
                "EmailAddress": o.email,
                "Country": o.country,
                "PostCode": o.postcode,
            }
        },
        "CancelledDateTime": fmt_ms(o.cancelled),
        "Items": items,
        "Refunds": refunds,
    }
