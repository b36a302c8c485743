"""Linnworks' vocabulary: channels, currencies, order statuses, and the wire formats of dates, GUIDs and
money that every answer shares.

Everything inside the simulator is an integer: times are epoch milliseconds (UTC), money is minor units
(pence, cents), so that order totals add up exactly; values become floats only when written.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

# The generated history ends here (exclusive); `advance` moves the data clock on from it.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HISTORY_END_MS = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000
HOUR_MS = 3_600_000

# GeneralInfo.Status (Linnworks' OrderStatus enum)
UNPAID, PAID, RETURN, PENDING, RESEND = 0, 1, 2, 3, 4

DEFAULT_LOCATION_ID = "00000000-0000-0000-0000-000000000000"  # Linnworks' "Default" is the nil GUID


# (Source, SubSource, weight, ((currency, weight), ...)): a UK seller on marketplaces and its web shop.
CHANNELS: tuple[tuple[str, str, int, tuple[tuple[str, int], ...]], ...] = (
    ("AMAZON", "amazon.co.uk", 30, (("GBP", 1),)),
    ("AMAZON", "amazon.de", 12, (("EUR", 1),)),
    ("AMAZON", "amazon.com", 8, (("USD", 1),)),
    ("EBAY", "EBAY0", 20, (("GBP", 1),)),
    ("SHOPIFY", "shop", 22, (("GBP", 70), ("EUR", 15), ("USD", 15))),
    ("DIRECT", "DIRECT", 8, (("GBP", 1),)),
)


class Currency:
    """What an order in this currency looks like: rate to GBP, tax, customers' countries, postage."""

    def __init__(
        self,
        code: str,
        rate: tuple[int, int],  # ConversionRate range to GBP, in 1/10,000
        tax_rate: int,  # percent, on items and postage
        countries: tuple[str, ...],
        postage: tuple[int, ...],  # ex-tax postage choices, minor units
    ) -> None:
        self.code, self.rate, self.tax_rate = code, rate, tax_rate
        self.countries, self.postage = countries, postage


CURRENCIES = {
    "GBP": Currency("GBP", (10_000, 10_000), 20, ("United Kingdom",), (0, 0, 295, 399, 499)),
    # amazon.de and the shop's EU customers: German VAT; prices are converted from GBP at the rate.
    "EUR": Currency(
        "EUR", (8_420, 8_780), 19, ("Germany", "France", "Ireland", "Netherlands"), (0, 450, 590)
    ),
    # US orders: no sales tax collected by the seller.
    "USD": Currency("USD", (7_380, 7_960), 0, ("United States",), (0, 599, 899)),
}

FIRST_NAMES = (
    "Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Noah", "Mia", "Jack", "Ivy", "Leo", "Freya",
    "Lena", "Jonas", "Camille", "Lucas", "Aoife", "Sean", "Emma", "Liam", "Sophie", "Daan", "Ethan",
    "Olivia",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Walker", "Müller", "Schmidt",
    "Dubois", "Moreau", "Murphy", "Kelly", "de Vries", "Jansen", "Johnson", "Miller", "Davis", "Garcia",
)  # fmt: skip
MAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.co.uk", "icloud.com", "web.de", "orange.fr")
REFUND_REASONS = ("Damaged in transit", "Not as described", "Changed mind", "Late delivery")


# --- wire formats ----------------------------------------------------------------------------------------


def guid(*parts: object) -> str:
    """A version-4-shaped GUID derived from `parts` (deterministic, lower case as Linnworks writes it)."""
    h = hashlib.md5(":".join(map(str, parts)).encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) % 4]}{h[17:20]}-{h[20:32]}"


def fmt_ms(ms: int | None) -> str | None:
    """`YYYY-MM-DDTHH:MM:SS.fffZ`: sortable as text; None stays null."""
    if ms is None:
        return None
    seconds, frac = divmod(ms, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{frac:03d}Z"


def parse_datetime_ms(text: Any) -> int:
    """An ISO 8601 date-time (`2024-01-01T00:00:00+00:00`, `...Z`, fractions; no zone = UTC) in epoch
    milliseconds; ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"not a date: {text!r}")
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(milliseconds=1)  # integer arithmetic: no float rounding


def money(minor: int) -> float:
    return minor / 100


def dumps(value: Any) -> bytes:
    """Compact JSON, as the API (Newtonsoft) writes it."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


def gtin13(body12: str) -> str:
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - s % 10) % 10)
