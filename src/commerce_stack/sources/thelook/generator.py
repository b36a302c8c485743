"""A replica of thelook_ecommerce, written into `raw_thelook` of the DuckDB warehouse, a day at a time.

Each run adds the days ended since the last one generated (the first adds `HISTORY_DAYS`), never
today or later: the days keep arriving between runs. A day is a function of (seed, day) alone, so the same
days are the same rows whatever the runs that made them. The rules (docs/thelook.md §3): users
sign up, orders of 1-4 units pick a user who signed up before, each unit is one order item priced
at its product's retail price and one inventory item sold at the order's time (received up to 20
hours before, so some arrive in the previous day's partition: late rows), more units are received
and stay unsold; an order's status is final when it is written, its timestamps filled as far as the
status reached; web sessions are a purchase funnel ending at each order, a cancel session for each
cancelled order and anonymous browsing (NULL user_id).

Numbers are drawn with numpy, per table and day at once; strings (e-mails, URIs, session ids,
WKT points) are made by DuckDB in the INSERT. Timestamps are whole seconds since the epoch turned
into instants by `to_timestamp`, which no session time zone changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from commerce_stack.sources.thelook import catalog as c
from commerce_stack.sources.thelook.catalog import DEFAULT_SCALE

HISTORY_DAYS = 60  # what the first run generates
PUBLIC_ORDERS = 100_000  # the public set, in round numbers: scale 1.0 gives that many in the history
PUBLIC_PRODUCTS = 29_120
USERS_PER_ORDER = 1.0
GHOST_SESSIONS_PER_ORDER = 4.0  # anonymous browsing: ~22 events per order, as the public set's ratio
UNSOLD_PER_SOLD = 1.7  # ~37% of the units received are sold
DAY = 86_400
ID_BLOCK = 1_000_000  # ids are <yyyymmdd> * ID_BLOCK + n: unique without reading the table


@dataclass
class Generated:
    days: list[date] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    note: str | None = None  # why fewer days than asked were added


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _day_key(day: date) -> int:
    return int(day.strftime("%Y%m%d")) * ID_BLOCK


def _choice(rng: np.random.Generator, n: int, weights: tuple[float, ...]) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def last_day(con: duckdb.DuckDBPyConnection) -> date | None:
    """The last day generated: the UTC day of the newest order (None before the first run)."""
    row = con.execute(f"SELECT max(epoch(created_at)) FROM {c.SCHEMA}.orders").fetchone()
    if not row or row[0] is None:
        return None
    return datetime.fromtimestamp(float(row[0]), UTC).date()


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, select: str) -> int:
    """INSERT INTO raw_thelook.<table> <select>: a query of the frame, named `f`."""
    if frame.empty:
        return 0
    con.register("f", frame)
    try:
        con.execute(f"INSERT INTO {c.SCHEMA}.{table} {select}")
    finally:
        con.unregister("f")
    return len(frame)


def _ts(column: str) -> str:
    """Whole epoch seconds to an instant (NULL stays NULL)."""
    return f"to_timestamp({column})"


def _reference_data(con: duckdb.DuckDBPyConnection, scale: float, seed: int) -> None:
    """The distribution centres and the catalogue, once (the public set's do not grow)."""
    if not con.execute(f"SELECT count(*) FROM {c.SCHEMA}.distribution_centers").fetchone()[0]:  # type: ignore[index]
        con.executemany(
            f"INSERT INTO {c.SCHEMA}.distribution_centers VALUES (?, ?, ?, ?, ?)",
            [(i, name, lat, lon, f"POINT({lon} {lat})") for i, name, lat, lon in c.DISTRIBUTION_CENTERS],
        )
    if con.execute(f"SELECT count(*) FROM {c.SCHEMA}.products").fetchone()[0]:  # type: ignore[index]
        return
    rng = np.random.default_rng([seed, 0])
    n = max(60, round(PUBLIC_PRODUCTS * scale))
    retail = np.round(np.exp(rng.normal(3.6, 0.7, n)).clip(1.5, 999), 2)
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            # FLOAT columns of the public set carry single-precision noise: 49.99 is 49.9900016784668
            "retail_price": retail.astype(np.float32).astype(np.float64),
            "cost": retail * rng.uniform(0.3, 0.6, n),  # long decimals, as the public set's
            "category": np.array(c.CATEGORIES)[rng.integers(0, len(c.CATEGORIES), n)],
            "department": np.array(c.DEPARTMENTS)[rng.integers(0, 2, n)],
            "adjective": np.array(c.ADJECTIVES)[rng.integers(0, len(c.ADJECTIVES), n)],
            # some of the public set's products have an empty brand: one in 40 here
            "brand": np.where(
                np.arange(1, n + 1) % 40 == 0, "", np.array(c.BRANDS)[rng.integers(0, len(c.BRANDS), n)]
            ),
            "dc": rng.integers(1, len(c.DISTRIBUTION_CENTERS) + 1, n),
        }
    )
    _insert(
        con,
        "products",
        frame,
        "SELECT id, cost, category,"
        " concat_ws(' ', nullif(brand, ''), adjective, department || '''s', category),"
        " brand, retail_price, department, upper(md5(CAST(id AS VARCHAR))), dc FROM f",
    )


def _products(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(f"SELECT id, retail_price, cost FROM {c.SCHEMA}.products ORDER BY id").fetchdf()


class _Day:
    """One day's rows, drawn from its own random stream."""

    def __init__(self, day: date, seed: int, orders_per_day: float) -> None:
        self.day, self.t0, self.key = day, _epoch(day), _day_key(day)
        self.rng = np.random.default_rng([seed, day.toordinal()])
        self.orders_per_day = orders_per_day

    def users(self) -> pd.DataFrame:
        rng, n = self.rng, self.rng.poisson(self.orders_per_day * USERS_PER_ORDER)
        gender = rng.integers(0, 2, n)
        first = rng.integers(0, len(c.FIRST_NAMES["M"]), n)
        return pd.DataFrame(
            {
                "id": self.key + np.arange(1, n + 1),
                "first_name": np.where(
                    gender == 0, np.array(c.FIRST_NAMES["M"])[first], np.array(c.FIRST_NAMES["F"])[first]
                ),
                "last_name": np.array(c.LAST_NAMES)[rng.integers(0, len(c.LAST_NAMES), n)],
                "domain": np.array(c.EMAIL_DOMAINS)[rng.integers(0, len(c.EMAIL_DOMAINS), n)],
                "age": rng.integers(12, 71, n),
                "gender": np.array(c.GENDERS)[gender],
                "location": _choice(rng, n, tuple(float(loc[6]) for loc in c.LOCATIONS)),
                "street_number": rng.integers(1, 2000, n),
                "street": np.array(c.STREETS)[rng.integers(0, len(c.STREETS), n)],
                "traffic_source": np.array(c.USER_TRAFFIC_SOURCES)[_choice(rng, n, c.USER_TRAFFIC_WEIGHTS)],
                "created_at": self.t0 + np.sort(rng.integers(0, DAY, n)),
            }
        )

    def orders(self, pool: pd.DataFrame, products: pd.DataFrame) -> dict[str, pd.DataFrame]:
        """Orders, their items and the units they sold, placed by users of `pool` (every user,
        ordered by sign-up) who signed up before the order."""
        rng = self.rng
        times = self.t0 + np.sort(rng.integers(0, DAY, rng.poisson(self.orders_per_day)))
        signed_up = np.searchsorted(pool["created_at"].to_numpy(), times, side="left")
        times, signed_up = times[signed_up > 0], signed_up[signed_up > 0]
        n = len(times)
        who = (rng.random(n) * signed_up).astype(np.int64)
        status = _choice(rng, n, c.ORDER_STATUS_WEIGHTS)
        items = np.asarray(c.ITEMS_PER_ORDER)[_choice(rng, n, c.ITEMS_PER_ORDER_WEIGHTS)]
        # How far each order got: shipped within 3 days, delivered within 5 more, returned within 3.
        shipped = np.where(np.isin(status, (1, 2, 4)), times + rng.integers(3600, 3 * DAY, n), -1)
        delivered = np.where(np.isin(status, (2, 4)), shipped + rng.integers(3600, 5 * DAY, n), -1)
        returned = np.where(status == 4, delivered + rng.integers(3600, 3 * DAY, n), -1)
        orders = pd.DataFrame(
            {
                "order_id": self.key + np.arange(1, n + 1),
                "user_id": pool["id"].to_numpy()[who],
                "status": np.array(c.ORDER_STATUSES)[status],
                "gender": pool["gender"].to_numpy()[who],
                "created_at": times,
                "returned_at": returned,
                "shipped_at": shipped,
                "delivered_at": delivered,
                "num_of_item": items,
            }
        )
        # One row per unit: every column of its order repeated, a product, a sold inventory item.
        per_item = orders.loc[orders.index.repeat(orders["num_of_item"])].reset_index(drop=True)
        m = len(per_item)
        product = rng.integers(0, len(products), m)
        sold_ids = self.key + np.arange(1, m + 1)
        order_items = per_item.assign(
            id=self.key + np.arange(1, m + 1),
            product_id=products["id"].to_numpy()[product],
            inventory_item_id=sold_ids,
            sale_price=products["retail_price"].to_numpy()[product],
        )
        unsold = rng.poisson(UNSOLD_PER_SOLD * m) if m else 0
        stock = pd.DataFrame(
            {
                "id": self.key + np.arange(1, m + unsold + 1),
                "product_id": np.concatenate(
                    [
                        order_items["product_id"].to_numpy(),
                        products["id"].to_numpy()[rng.integers(0, len(products), unsold)],
                    ]
                ),
                # a sold unit was received up to 20 hours before its sale (maybe the day before)
                "created_at": np.concatenate(
                    [
                        per_item["created_at"].to_numpy() - rng.integers(60, 20 * 3600, m),
                        self.t0 + rng.integers(0, DAY, unsold),
                    ]
                ),
                "sold_at": np.concatenate([per_item["created_at"].to_numpy(), np.full(unsold, -1)]),
            }
        )
        return {"orders": orders, "order_items": order_items, "inventory_items": stock}

    def sessions(
        self, orders: pd.DataFrame, order_items: pd.DataFrame, products: pd.DataFrame
    ) -> pd.DataFrame:
        """Web events, one row each, with its session's attributes repeated."""
        rng = self.rng
        first_product = order_items.groupby("order_id", sort=True)["product_id"].first()
        n = len(orders)
        parts = []
        # Purchase funnels: a random subset of home, department, product, then cart and purchase,
        # 20-29 s apart, the purchase at the order's time (so a funnel can start the day before).
        funnel = np.hstack([rng.random((n, 3)) < 0.5, np.ones((n, 2), dtype=bool)])
        types = np.tile(np.arange(5), (n, 1))[funnel]
        session = np.repeat(np.arange(n), funnel.sum(axis=1))
        parts.append(
            self._session_events(
                session,
                types,
                end=orders["created_at"].to_numpy(),
                user=orders["user_id"].to_numpy(),
                product=first_product.reindex(orders["order_id"]).to_numpy(),
            )
        )
        # A cancelled order's session: its product, the cart, cancel, within the hour after it
        # (kept in its day: a day's rows are complete when it is written).
        cancelled = orders[orders["status"] == "Cancelled"]
        k = len(cancelled)
        ends = np.minimum(cancelled["created_at"].to_numpy() + rng.integers(600, 3600, k), self.t0 + DAY - 1)
        parts.append(
            self._session_events(
                np.repeat(np.arange(k), 3),
                np.tile(np.array([2, 3, 5]), k),
                end=ends,
                user=cancelled["user_id"].to_numpy(),
                product=first_product.reindex(cancelled["order_id"]).to_numpy(),
                offset=n,
            )
        )
        # Anonymous browsing: 3 to 6 pages, no user.
        g = rng.poisson(GHOST_SESSIONS_PER_ORDER * self.orders_per_day)
        lengths = rng.integers(3, 7, g)
        parts.append(
            self._session_events(
                np.repeat(np.arange(g), lengths),
                rng.integers(0, 4, lengths.sum()),
                end=self.t0 + rng.integers(600, DAY, g),
                user=np.full(g, -1),
                product=products["id"].to_numpy()[rng.integers(0, len(products), g)],
                offset=n + k,
            )
        )
        events = pd.concat(parts, ignore_index=True).sort_values(["created_at", "session", "seq"])
        return events.assign(id=self.key + np.arange(1, len(events) + 1))

    def _session_events(
        self,
        session: np.ndarray,
        types: np.ndarray,
        *,
        end: np.ndarray,
        user: np.ndarray,
        product: np.ndarray,
        offset: int = 0,
    ) -> pd.DataFrame:
        """Events of sessions numbered `offset + session`, in order within each: `types` per event,
        the last at its session's `end`, each 20-29 s after the one before."""
        rng, s = self.rng, len(end)
        gap = rng.integers(20, 30, len(session))
        after = pd.Series(gap[::-1]).groupby(session[::-1]).cumsum().to_numpy()[::-1] - gap
        seq = pd.Series(np.ones(len(session), dtype=np.int64)).groupby(session).cumsum().to_numpy()
        ids = rng.integers(0, 2**62, (s, 2))
        octets = rng.integers(1, 255, (s, 4))
        location = _choice(rng, s, tuple(float(loc[6]) for loc in c.LOCATIONS))
        return pd.DataFrame(
            {
                "session": offset + session,
                "seq": seq,
                "event_type": np.array(c.EVENT_TYPES)[types],
                "created_at": end[session] - after,
                "user_id": user[session],
                "product_id": product[session],
                "uuid_hi": ids[session, 0],
                "uuid_lo": ids[session, 1],
                **{f"ip_{part}": octets[session, i] for i, part in enumerate("abcd")},
                "location": location[session],
                "browser": np.array(c.BROWSERS)[_choice(rng, s, c.BROWSER_WEIGHTS)][session],
                "traffic_source": np.array(c.EVENT_TRAFFIC_SOURCES)[_choice(rng, s, c.EVENT_TRAFFIC_WEIGHTS)][
                    session
                ],
            }
        )


_LOCATIONS_SQL = (
    "(VALUES "
    + ", ".join(
        f"({i}, '{country}', '{state}', '{city}', '{postal}', {lat}, {lon})"
        for i, (country, state, city, postal, lat, lon, _) in enumerate(c.LOCATIONS)
    )
    + ") AS loc(i, country, state, city, postal_code, latitude, longitude)"
)


def _draw_day(
    day: _Day, products: pd.DataFrame, pool: pd.DataFrame
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """One day's frames, and the user pool grown by its sign-ups."""
    users = day.users()
    pool = pd.concat([pool, users[["id", "gender", "created_at"]]], ignore_index=True)
    made = day.orders(pool, products)
    made["users"] = users
    made["events"] = day.sessions(made["orders"], made["order_items"], products)
    return made, pool


def _write(con: duckdb.DuckDBPyConnection, frames: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Insert the days' frames, users first (events take their location from them)."""
    rows: dict[str, int] = {}
    rows["users"] = _insert(
        con,
        "users",
        frames["users"],
        "SELECT f.id, first_name, last_name, lower(first_name || '.' || last_name) || '@' || domain,"
        " age, gender,"
        " loc.state, street_number || ' ' || street, loc.postal_code, loc.city, loc.country,"
        f" loc.latitude, loc.longitude, traffic_source, {_ts('created_at')},"
        " 'POINT(' || loc.longitude || ' ' || loc.latitude || ')'"
        f" FROM f JOIN {_LOCATIONS_SQL} ON loc.i = f.location ORDER BY f.id",
    )
    never = "CASE WHEN {0} < 0 THEN NULL ELSE to_timestamp({0}) END"
    rows["orders"] = _insert(
        con,
        "orders",
        frames["orders"],
        f"SELECT order_id, user_id, status, gender, {_ts('created_at')}, {never.format('returned_at')},"
        f" {never.format('shipped_at')}, {never.format('delivered_at')}, num_of_item FROM f",
    )
    rows["order_items"] = _insert(
        con,
        "order_items",
        frames["order_items"],
        f"SELECT id, order_id, user_id, product_id, inventory_item_id, status, {_ts('created_at')},"
        f" {never.format('shipped_at')}, {never.format('delivered_at')}, {never.format('returned_at')},"
        " sale_price FROM f",
    )
    rows["inventory_items"] = _insert(
        con,
        "inventory_items",
        frames["inventory_items"],
        f"SELECT f.id, f.product_id, {_ts('f.created_at')}, {never.format('f.sold_at')}, p.cost, p.category,"
        " p.name, p.brand, p.retail_price, p.department, p.sku, p.distribution_center_id"
        f" FROM f JOIN {c.SCHEMA}.products AS p ON p.id = f.product_id ORDER BY f.id",
    )
    uri = (
        "CASE event_type WHEN 'product' THEN '/product/' || f.product_id"
        " WHEN 'department' THEN '/department/' || lower(p.department) || '/category/'"
        " || lower(replace(p.category, ' ', '')) || '/brand/' || lower(replace(p.brand, ' ', ''))"
        " ELSE '/' || event_type END"
    )
    # the text form of a UUID (8-4-4-4-12) from two random numbers
    session_id = (
        "regexp_replace(printf('%016x%016x', f.uuid_hi, f.uuid_lo),"
        " '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5')"
    )
    rows["events"] = _insert(
        con,
        "events",
        frames["events"],
        f"SELECT f.id, nullif(f.user_id, -1), f.seq, {session_id}, {_ts('f.created_at')},"
        " concat_ws('.', f.ip_a, f.ip_b, f.ip_c, f.ip_d), coalesce(u.city, loc.city),"
        " coalesce(u.state, loc.state),"
        f" coalesce(u.postal_code, loc.postal_code), f.browser, f.traffic_source, {uri}, f.event_type"
        f" FROM f JOIN {c.SCHEMA}.products AS p ON p.id = f.product_id"
        f" JOIN {_LOCATIONS_SQL} ON loc.i = f.location"
        f" LEFT JOIN {c.SCHEMA}.users AS u ON u.id = f.user_id ORDER BY f.id",
    )
    return rows


def generate(
    con: duckdb.DuckDBPyConnection,
    *,
    scale: float = DEFAULT_SCALE,
    days: int | None = None,
    seed: int = 42,
    today: date | None = None,
) -> Generated:
    """Add `days` days (default: `HISTORY_DAYS` into an empty raw_thelook, else every day that has
    ended since) after the last generated one, stopping before `today` (UTC): a day is written
    whole, once it is over."""
    con.execute(c.DDL)
    _reference_data(con, scale, seed)
    today = today or datetime.now(UTC).date()
    last = last_day(con)
    # the first run stops the day before yesterday, so the next run has a new day to add (a daily
    # run's, as the public set's arrive) and thelook's days share the other sources' calendar
    first = last + timedelta(days=1) if last else today - timedelta(days=HISTORY_DAYS + 1)
    available = max(0, (today - first).days)
    wanted = days if days is not None else (available if last else HISTORY_DAYS)
    out = Generated(rows=dict.fromkeys(c.TABLES, 0))
    if wanted > available:
        out.note = f"thelook: {wanted} day(s) asked, {available} before today ({today}) generated"
    products = _products(con)
    pool = con.execute(
        f"SELECT id, gender, CAST(epoch(created_at) AS BIGINT) AS created_at FROM {c.SCHEMA}.users"
        " ORDER BY created_at, id"
    ).fetchdf()
    orders_per_day = PUBLIC_ORDERS * scale / HISTORY_DAYS
    drawn: dict[str, list[pd.DataFrame]] = {}
    for offset in range(min(wanted, available)):
        day = first + timedelta(days=offset)
        frames, pool = _draw_day(_Day(day, seed, orders_per_day), products, pool)
        for table, frame in frames.items():
            drawn.setdefault(table, []).append(frame)
        out.days.append(day)
    if drawn:
        out.rows.update(_write(con, {t: pd.concat(f, ignore_index=True) for t, f in drawn.items()}))
    return out


def summary(generated: Generated) -> dict[str, Any]:
    """What a run's summary says about the generator."""
    return {
        "days": [d.isoformat() for d in generated.days],
        "rows": generated.rows,
        **({"note": generated.note} if generated.note else {}),
    }
