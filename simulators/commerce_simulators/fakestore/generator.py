"""Scaled data in the reference shapes, deterministic from a seed.

Every profile starts with the reference records (products 1..20, users 1..10, carts 1..7) and appends
generated ones after them. Each entity family draws from its own `random.Random` seeded with a string
(string seeds hash with SHA-512, so they do not depend on PYTHONHASHSEED): the same seed and counts
give byte-identical records in every process, and products/users are prefix-stable (the first 2,000
products are the same whether 2,000 or 3,000 are asked for).

Carts are built straight to JSON bytes: at 100k+ carts that is several times faster than dicts plus
json.dumps, and the server only ever needs the bytes, the date and the user id.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, NamedTuple

from .data import (
    CATEGORIES,
    IMAGE_BASE,
    REFERENCE_CARTS,
    product_record,
    reference_products,
    reference_users,
    user_record,
)
from .jscompat import DAY_MS, days_from_civil, format_js_date

# name -> (products, users, carts)
PROFILES: dict[str, tuple[int, int, int]] = {
    "reference": (20, 10, 7),
    "large": (2_000, 20_000, 100_000),
}
REFERENCE_COUNTS = PROFILES["reference"]

# Generated carts fall on a midnight UTC between these days (inclusive), like the live carts (2020).
CART_FIRST_DAY = days_from_civil(2019, 1, 1)
CART_LAST_DAY = days_from_civil(2020, 12, 31)
# Carts added "between runs" never go past this day, whatever the wall clock says, so that they stay
# deterministic; REFERENCE_NOW_MS is the simulator's fixed "now" (also the JWT `iat`).
ADDED_CARTS_LAST_DAY = days_from_civil(2025, 12, 31)
REFERENCE_NOW_MS = days_from_civil(2026, 1, 1) * DAY_MS


class CartRow(NamedTuple):  # a NamedTuple: built 100k+ times, and a frozen dataclass is slower to build
    id: int
    user_id: int
    date_ms: int
    body: bytes


@dataclass(frozen=True)
class Dataset:
    seed: int
    profile: str
    products: list[dict[str, Any]]
    users: list[dict[str, Any]]
    carts: list[CartRow]

    @property
    def max_cart_id(self) -> int:
        return max(c.id for c in self.carts)

    @property
    def max_cart_day(self) -> int:
        return max(c.date_ms for c in self.carts) // DAY_MS


def cart_bytes(cid: int, user_id: int, date: str, lines: list[tuple[int, int]]) -> bytes:
    """A cart as the live API sends it: `id, userId, date, products, __v`, compact JSON."""
    # %-formatting: measurably faster than f-strings here, and this runs 100k+ times per start.
    products = ",".join(['{"productId":%d,"quantity":%d}' % line for line in lines])  # noqa: UP031
    text = '{"id":%d,"userId":%d,"date":"%s","products":[%s],"__v":0}' % (cid, user_id, date, products)  # noqa: UP031
    return text.encode()


def _rng(seed: int, family: str) -> random.Random:
    return random.Random(f"fakestore/{seed}/{family}")


# --- products -----------------------------------------------------------------------------------------

_TITLE_PARTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "men's clothing": (
        ("Mens", "Men's", "Levi's Men's", "Columbia Men's", "Carhartt Mens", "Hanes Men's", "Fjallraven -"),
        ("Casual", "Slim Fit", "Relaxed Fit", "Premium", "Quilted", "Lightweight", "Waterproof", "Cotton"),
        ("T-Shirt", "Jacket", "Hoodie", "Chino Pants", "Flannel Shirt", "Backpack", "Polo", "Windbreaker"),
    ),
    "jewelery": (
        ("Solid Gold", "Sterling Silver", "Rose Gold Plated", "White Gold Plated", "Stainless Steel", "18k"),
        ("Petite", "Princess", "Dragon", "Infinity", "Station Chain", "Micropave", "Double Flare", "Halo"),
        ("Ring", "Bracelet", "Pendant Necklace", "Stud Earrings", "Anklet", "Tunnel Plugs", "Cuff"),
    ),
    "electronics": (
        ("WD", "SanDisk", "Samsung", "Acer", "Silicon Power", "Seagate", "Crucial", "LG", "Kingston"),
        ("1TB", "2TB", "4TB", "256GB", "512GB", "27-Inch", "32-Inch", "21.5 inches", "49-Inch"),
        (
            "Portable External Hard Drive - USB 3.0",
            "Internal SSD - SATA III 6 Gb/s",
            "NVMe M.2 SSD",
            "Curved Gaming Monitor",
            "Full HD IPS Monitor",
            "Gaming Drive Works with Playstation 4",
            "USB-C Flash Drive",
            "Ultra-Thin Monitor (1920 x 1080)",
        ),
    ),
    "women's clothing": (
        ("Women's", "Womens", "BIYLACLESEN Women's", "MBJ Women's", "Opna Women's", "DANVOUY Womens"),
        (
            "Short Sleeve",
            "3-in-1",
            "Removable Hooded",
            "Striped",
            "Boat Neck",
            "Casual Cotton",
            "Faux Leather",
        ),
        ("T Shirt", "Snowboard Jacket", "Rain Jacket", "Moto Biker Jacket", "Blouse", "Cardigan", "Raincoat"),
    ),
}

_DESCRIPTION_SENTENCES = (
    "Colours may look slightly different on screen.",
    "Machine wash cold; tumble dry low.",
    "Hand wash only – do not bleach / do not tumble dry.",
    "It’s the one you’ll reach for every day.",
    "Returns & exchanges within 30 days of delivery.",
    "Compatible with Windows 10, 8.1 & 7; reformatting may be required for macOS.",
    "Read/write speeds of up to 560MB/s / 530MB/s.",
    "A 27” screen with slim bezels on three sides.",
    "Sold as a pair; hypoallergenic & nickel-free.",
    "Lightweight, breathable fabric that keeps you cool & dry.",
    "Check the size chart: if you're between sizes, order the larger one.",
    "Perfect for travel, hiking, climbing or the daily commute.",
    "Plug & play set-up in minutes, no drivers needed.",
    "Shell: 100% polyester; lining: polar fleece.",
    "3-year limited warranty; support by phone or e-mail.",
    "Gift-ready: arrives in a velvet box with a “thank you” card.",
)

_IMAGE_SUFFIXES = ("_AC_SX679_", "_AC_UX679_", "_AC_UY879_", "_AC_UL640_QL65_ML3_", "_AC_SY879_")
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _generated_products(seed: int, count: int) -> list[dict[str, Any]]:
    rng = _rng(seed, "products")
    out = []
    for pid in range(21, count + 1):
        category = rng.choice(CATEGORIES)
        brand, adjective, noun = (rng.choice(part) for part in _TITLE_PARTS[category])
        title = f"{brand} {adjective} {noun}"
        if rng.random() < 0.2:
            title += " "  # 5 of the 20 live titles end with a space
        if rng.random() < 0.3:  # integral prices are a real quirk (695, 168, 64 ...)
            price: float | int = rng.randint(5, 999)
        else:
            cents = rng.choice((0.99, 0.95, 0.49, 0.3, 0.85, rng.randint(1, 99) / 100))
            price = round(rng.randint(1, 999) + cents, 2)
        n_sentences = rng.choice((1, 2, 3, 3, 4, 6, 9))
        description = " ".join(rng.choices(_DESCRIPTION_SENTENCES, k=n_sentences))
        rate = round(rng.uniform(1.0, 5.0), 1)
        rate_value: float | int = int(rate) if rate.is_integer() else rate
        code = f"{rng.randint(41, 91)}{''.join(rng.choices(_ALNUM, k=7))}L"
        image = f"{IMAGE_BASE}{code}.{rng.choice(_IMAGE_SUFFIXES)}.jpg"
        out.append(
            product_record(pid, title, price, description, category, rate_value, rng.randint(0, 800), image)
        )
    return out


# --- users --------------------------------------------------------------------------------------------

_FIRST = (
    "john",
    "david",
    "kevin",
    "don",
    "derek",
    "miriam",
    "william",
    "kate",
    "jimmie",
    "anna",
    "maria",
    "james",
    "linda",
    "robert",
    "sofia",
    "omar",
    "li",
    "fatima",
    "lucas",
    "emma",
    "noah",
    "olivia",
    "mateo",
    "chloe",
    "yusuf",
    "hana",
    "ivan",
    "priya",
    "diego",
    "nina",
    "tom",
    "grace",
    "Sam",
    "Ella",
)
_LAST = (
    "doe",
    "morrison",
    "ryan",
    "romer",
    "powell",
    "russell",
    "snyder",
    "hopkins",
    "hale",
    "klein",
    "garcia",
    "smith",
    "nguyen",
    "müller",
    "o'brien",
    "kowalski",
    "rossi",
    "tanaka",
    "haddad",
    "silva",
    "johnson",
    "lee",
    "patel",
    "dubois",
    "novak",
    "Brown",
    "Evans",
    "García",
)
_CITIES = (
    "kilcoole",
    "Cullman",
    "San Antonio",
    "san Antonio",
    "el paso",
    "fresno",
    "mesa",
    "miami",
    "fort wayne",
    "Austin",
    "austin",
    "Portland",
    "boise",
    "Tucson",
    "St. Louis",
    "new york",
    "New York",
    "raleigh",
    "Omaha",
    "sacramento",
)
_STREETS = (
    "new road",
    "Lovers Ln",
    "Frances Ct",
    "Hunters Creek Dr",
    "adams St",
    "prospect st",
    "saddle st",
    "vally view ln",
    "avondale ave",
    "oak lawn ave",
    "Main St",
    "elm st",
    "Park Ave",
    "cedar ln",
    "Sunset Blvd",
    "lake view dr",
    "Maple Ave",
    "church rd",
)
_PASSWORD_CHARS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789$^_*#&@%"


def _generated_users(seed: int, count: int) -> list[dict[str, Any]]:
    rng = _rng(seed, "users")
    out: list[dict[str, Any]] = []
    prev_phone, prev_geo = "1-570-236-7033", ("-37.3159", "81.1496")
    for uid in range(11, count + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        if rng.random() < 0.03:  # users 1 and 2 share a phone and a geolocation: keep that quirk
            phone, (lat, long) = prev_phone, prev_geo
        else:
            phone = f"1-{rng.randint(100, 999)}-{rng.randint(0, 999):03d}-{rng.randint(0, 9999):04d}"
            places = rng.choice((4, 4, 4, 5, 6))
            lat = f"{rng.uniform(-90, 90):.{places}f}"
            long = f"{rng.uniform(-180, 180):.{places}f}"
        prev_phone, prev_geo = phone, (lat, long)
        handle = f"{first.lower()}_{last[0].lower()}{uid}"
        password = "".join(rng.choices(_PASSWORD_CHARS, k=rng.randint(6, 12)))
        out.append(
            user_record(
                uid,
                f"{first.lower()}{uid}@gmail.com",
                handle,
                password,
                first,
                last,
                rng.choice(_CITIES),
                rng.choice(_STREETS),
                rng.randint(1, 9999),
                f"{rng.randint(10000, 99999)}-{rng.randint(0, 9999):04d}",
                lat,
                long,
                phone,
            )
        )
    return out


# --- carts --------------------------------------------------------------------------------------------


def _cart_lines(rnd: Any, n_products: int) -> list[tuple[int, int]]:
    """1-5 distinct products, quantity 1-10; popular products (low ids) come up more often."""
    lines: dict[int, int] = {}
    for _ in range(1 + int(rnd() * 5)):
        pid = 1 + int(n_products * rnd() ** 1.4)
        lines.setdefault(pid, 1 + int(rnd() * 10))
    return list(lines.items())


def _reference_cart_rows() -> list[CartRow]:
    rows = []
    for cid, uid, day, lines in REFERENCE_CARTS:
        y, m, d = (int(x) for x in day.split("-"))
        date_ms = days_from_civil(y, m, d) * DAY_MS
        rows.append(CartRow(cid, uid, date_ms, cart_bytes(cid, uid, format_js_date(date_ms), lines)))
    return rows


def _generated_carts(seed: int, count: int, n_users: int, n_products: int) -> list[CartRow]:
    rnd = _rng(seed, "carts").random  # bound method: the hot loop below runs 100k+ times
    n_days = CART_LAST_DAY - CART_FIRST_DAY + 1
    day_iso = [format_js_date((CART_FIRST_DAY + i) * DAY_MS) for i in range(n_days)]
    rows = []
    for cid in range(8, count + 1):
        user_id = 1 + int(n_users * rnd() ** 1.3)
        day = int(n_days * rnd())
        body = cart_bytes(cid, user_id, day_iso[day], _cart_lines(rnd, n_products))
        rows.append(CartRow(cid, user_id, (CART_FIRST_DAY + day) * DAY_MS, body))
    return rows


def resolve_counts(
    profile: str, products: int | None = None, users: int | None = None, carts: int | None = None
) -> tuple[int, int, int]:
    try:
        base = PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown profile {profile!r}; expected one of {sorted(PROFILES)}") from None
    counts = (
        base[0] if products is None else products,
        base[1] if users is None else users,
        base[2] if carts is None else carts,
    )
    for name, n, minimum in zip(("products", "users", "carts"), counts, REFERENCE_COUNTS, strict=True):
        if n < minimum:
            raise ValueError(f"{name} must be >= {minimum}: the reference records are always kept")
    return counts


def build_dataset(
    seed: int = 42,
    profile: str = "reference",
    *,
    products: int | None = None,
    users: int | None = None,
    carts: int | None = None,
) -> Dataset:
    """The reference records plus generated ones up to the profile's (or the explicit) counts."""
    n_products, n_users, n_carts = resolve_counts(profile, products, users, carts)
    return Dataset(
        seed=seed,
        profile=profile,
        products=reference_products() + _generated_products(seed, n_products),
        users=reference_users() + _generated_users(seed, n_users),
        carts=_reference_cart_rows() + _generated_carts(seed, n_carts, n_users, n_products),
    )


class AddedCarts:
    """The carts that appear "between runs": one deterministic sequence per (seed, base data set).

    Cart k of the sequence depends only on k, so adding 10 then 15 yields exactly the carts that adding
    25 at once does. Ids continue after the base data's max id; dates start the day after the base
    data's last cart day, 1-5 carts a day, at midnight UTC, and stop moving at ADDED_CARTS_LAST_DAY
    (after some 5,000-6,500 added carts, the rest pile up on that day).
    Users and products are drawn from the base data set, so added carts always reference real records.
    """

    def __init__(self, dataset: Dataset) -> None:
        self._next_id = dataset.max_cart_id + 1
        self._day = dataset.max_cart_day + 1
        self._n_users = len(dataset.users)
        self._n_products = len(dataset.products)
        self._carts_rnd = _rng(dataset.seed, "added-carts").random
        self._days_rng = _rng(dataset.seed, "added-cart-days")
        self._left_today = 1 + self._days_rng.randrange(5)
        self.taken = 0

    def take(self, count: int) -> list[CartRow]:
        rows = []
        for _ in range(count):
            if self._left_today == 0:
                self._day = min(self._day + 1, ADDED_CARTS_LAST_DAY)
                self._left_today = 1 + self._days_rng.randrange(5)
            self._left_today -= 1
            cid, day = self._next_id, min(self._day, ADDED_CARTS_LAST_DAY)
            user_id = 1 + int(self._n_users * self._carts_rnd())
            lines = _cart_lines(self._carts_rnd, self._n_products)
            date_ms = day * DAY_MS
            body = cart_bytes(cid, user_id, format_js_date(date_ms), lines)
            rows.append(CartRow(cid, user_id, date_ms, body))
            self._next_id += 1
        self.taken += count
        return rows
