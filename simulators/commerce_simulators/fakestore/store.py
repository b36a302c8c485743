"""In-memory records, pre-serialised, with the indexes the routes need.

Every record is kept as the exact JSON bytes the API sends, so a request only slices lists and joins
bytes. Readers take an immutable snapshot per request; writers (admin routes) rebuild the snapshot of
one kind under a lock and swap it in, so a request never sees a half-applied change.

Carts are indexed by date (sorted, bisected for startdate/enddate) and by user. A cart whose `date`
is missing or not a parseable string (possible through `upsert`) is served by /carts/<id> but never
matches a date range: Mongo's `$gte`/`$lt` on a Date only match Dates, and every list route filters
on dates.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from .generator import AddedCarts, CartRow, Dataset
from .jscompat import js_dumps, parse_js_date

KINDS = ("products", "users", "carts")
_MISSING = object()


def as_int(value: Any) -> int | None:
    """An integer-valued JSON number as int, anything else (bools, strings, fractions) as None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _bson_rank(value: Any) -> tuple[int, Any]:
    """Mongo's cross-type order (null < numbers < strings < the rest), for `distinct` results."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, js_dumps(value))


@dataclass(frozen=True)
class _Table:
    bodies: dict[int, bytes]
    ids: list[int]  # ascending


@dataclass(frozen=True)
class _UserTable(_Table):
    logins: frozenset[tuple[Any, Any]]  # (username, password) pairs, for POST /auth/login


@dataclass(frozen=True)
class _ProductTable(_Table):
    by_category: dict[str, list[int]]
    categories_body: bytes


@dataclass(frozen=True)
class _CartTable(_Table):
    dates: list[int]  # ascending date (ms) of every dated cart ...
    date_ids: list[int]  # ... and the cart id at the same position
    dated_ids: list[int]  # ids of dated carts, ascending: the answer for an all-covering range
    date_of: dict[int, int | None]
    by_user: dict[int, list[int]] = field(default_factory=dict)


class Store:
    def __init__(self, dataset: Dataset, *, new_carts: int = 0) -> None:
        """`new_carts`: added carts that are part of the starting state (and of every `reset`)."""
        self.dataset = dataset
        self.initial_new_carts = new_carts
        self._lock = threading.Lock()
        # Serialised once; the generator already writes integral numbers as ints, so no JS walk.
        self._base_bodies = {
            "products": {r["id"]: js_dumps(r, js_numbers=False) for r in dataset.products},
            "users": {r["id"]: js_dumps(r, js_numbers=False) for r in dataset.users},
            "carts": {c.id: c.body for c in dataset.carts},
        }
        self.reset()

    # --- mutation (admin) -----------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the starting state: no upserted or deleted records, only the initial added carts."""
        with self._lock:
            self._added = AddedCarts(self.dataset)
            self._bodies = {kind: dict(bodies) for kind, bodies in self._base_bodies.items()}
            self._category: dict[int, Any] = {r["id"]: r["category"] for r in self.dataset.products}
            self._login: dict[int, tuple[Any, Any]] = {
                r["id"]: (r["username"], r["password"]) for r in self.dataset.users
            }
            self._cart_meta: dict[int, tuple[int | None, int | None]] = {
                c.id: (c.date_ms, c.user_id) for c in self.dataset.carts
            }
            for kind in KINDS:
                self._rebuild(kind)
        if self.initial_new_carts:
            self.add_carts(self.initial_new_carts)

    def add_carts(self, count: int) -> list[CartRow]:
        """Append the next `count` carts of the deterministic added-carts sequence.

        Their ids continue the generated data's (not an upserted record's), so that the sequence stays
        the same whatever a test upserted; an added cart replaces an upserted one with the same id.
        """
        if count < 0:
            raise ValueError("count must be >= 0")
        with self._lock:
            rows = self._added.take(count)
            for row in rows:
                self._bodies["carts"][row.id] = row.body
                self._cart_meta[row.id] = (row.date_ms, row.user_id)
            if rows and not self._append_carts(rows):
                self._rebuild("carts")
            return rows

    def upsert(self, kind: str, record: Any, key: int | None = None) -> tuple[int, bool]:
        """Store `record` as-is (any JSON value) under `key` (default: its `id`). Returns (key, created)."""
        kind = _kind(kind)
        if key is None:
            key = as_int(record.get("id")) if isinstance(record, dict) else None
            if key is None:
                raise ValueError("record has no integer 'id'; pass the key explicitly as 'id'")
        body = js_dumps(record)
        fields = record if isinstance(record, dict) else {}
        with self._lock:
            created = key not in self._bodies[kind]
            self._bodies[kind][key] = body
            if kind == "products":
                self._category[key] = fields.get("category", _MISSING)
            elif kind == "users":
                self._login[key] = (fields.get("username"), fields.get("password"))
            else:
                date = fields.get("date")
                date_ms = parse_js_date(date) if isinstance(date, str) else None
                self._cart_meta[key] = (date_ms, as_int(fields.get("userId")))
            self._rebuild(kind)
        return key, created

    def delete(self, kind: str, key: int) -> bool:
        kind = _kind(kind)
        with self._lock:
            if self._bodies[kind].pop(key, None) is None:
                return False
            indexes: dict[str, dict[int, Any]] = {
                "products": self._category,
                "users": self._login,
                "carts": self._cart_meta,
            }
            indexes[kind].pop(key, None)
            self._rebuild(kind)
            return True

    def _rebuild(self, kind: str) -> None:
        bodies = dict(self._bodies[kind])  # a private copy: older snapshots may still be in use
        ids = sorted(bodies)
        if kind == "products":
            by_category: dict[str, list[int]] = {}
            distinct: dict[str, Any] = {}
            for pid in ids:
                cat = self._category[pid]
                if cat is _MISSING:
                    continue
                distinct.setdefault(js_dumps(cat).decode(), cat)
                if isinstance(cat, str):
                    by_category.setdefault(cat, []).append(pid)
            categories = sorted(distinct.values(), key=_bson_rank)
            self._products = _ProductTable(bodies, ids, by_category, js_dumps(categories))
        elif kind == "users":
            logins = frozenset(
                pair for pair in self._login.values() if isinstance(pair[0], str) and isinstance(pair[1], str)
            )
            self._users = _UserTable(bodies, ids, logins)
        else:
            meta = self._cart_meta
            date_of = {cid: d for cid, (d, _) in meta.items()}
            dated_ids = [cid for cid in ids if date_of[cid] is not None]
            # A stable sort of ascending ids by date: ties stay in id order, and an int key sorts
            # several times faster than (date, id) tuples.
            date_ids = sorted(dated_ids, key=date_of.__getitem__)
            by_user: dict[int, list[int]] = {}
            for cid in ids:
                user = meta[cid][1]
                if user is not None:
                    by_user.setdefault(user, []).append(cid)
            self._carts = _CartTable(
                bodies,
                ids,
                dates=[date_of[cid] for cid in date_ids],
                date_ids=date_ids,
                dated_ids=dated_ids,
                date_of=date_of,
                by_user=by_user,
            )

    def _append_carts(self, rows: list[CartRow]) -> bool:
        """Fast path for `add_carts`: new ids and dates sort after the current ones, so extend copies of
        the index lists instead of re-sorting 100k+ carts. False when that does not hold."""
        old = self._carts
        if any(row.id in old.bodies for row in rows):
            return False
        if old.ids and rows[0].id <= old.ids[-1]:
            return False
        if old.dates and rows[0].date_ms < old.dates[-1]:
            return False
        by_user = dict(old.by_user)
        for row in rows:
            by_user[row.user_id] = [*by_user.get(row.user_id, ()), row.id]
        new_ids = [row.id for row in rows]
        self._carts = _CartTable(
            bodies=old.bodies | {row.id: row.body for row in rows},
            ids=old.ids + new_ids,
            dates=old.dates + [row.date_ms for row in rows],
            date_ids=old.date_ids + new_ids,
            dated_ids=old.dated_ids + new_ids,
            date_of=old.date_of | {row.id: row.date_ms for row in rows},
            by_user=by_user,
        )
        return True

    # --- queries --------------------------------------------------------------------------------------

    def table(self, kind: str) -> _Table:
        return {"products": self._products, "users": self._users, "carts": self._carts}[_kind(kind)]

    def get(self, kind: str, key: int) -> bytes | None:
        return self.table(kind).bodies.get(key)

    def listing(self, kind: str, *, desc: bool = False, limit: int = 0) -> list[bytes]:
        """`find().sort({id}).limit()` over a whole collection."""
        table = self.table(kind)
        return _ordered(table.bodies, table.ids, desc, limit)

    def categories_body(self) -> bytes:
        return self._products.categories_body

    def in_category(self, category: str, *, desc: bool = False, limit: int = 0) -> list[bytes]:
        table = self._products
        return _ordered(table.bodies, table.by_category.get(category, []), desc, limit)

    def carts_between(self, start_ms: int, end_ms: int, *, desc: bool = False, limit: int = 0) -> list[bytes]:
        """Carts with start <= date < end (end exclusive, as `$lt`), sorted by id, limited."""
        table = self._carts
        lo = bisect_left(table.dates, start_ms)
        hi = bisect_left(table.dates, end_ms)
        if lo >= hi:
            return []
        # A range covering every dated cart (the default) needs no sort: reuse the ascending id list.
        ids = table.dated_ids if lo == 0 and hi == len(table.dates) else sorted(table.date_ids[lo:hi])
        return _ordered(table.bodies, ids, desc, limit)

    def carts_of_user(self, user_id: int, start_ms: int, end_ms: int) -> list[bytes]:
        """/carts/user/<id>: date range only (the real controller applies no sort and no limit)."""
        table = self._carts
        date_of = table.date_of
        return [
            table.bodies[cid]
            for cid in table.by_user.get(user_id, [])
            if (d := date_of[cid]) is not None and start_ms <= d < end_ms
        ]

    def counts(self) -> dict[str, int]:
        return {kind: len(self.table(kind).ids) for kind in KINDS} | {"added_carts": self._added.taken}

    def can_login(self, username: str, password: str) -> bool:
        """`User.findOne({username, password})` found someone."""
        return (username, password) in self._users.logins


def _ordered(bodies: dict[int, bytes], ids: list[int], desc: bool, limit: int) -> list[bytes]:
    if desc:
        ids = ids[::-1]
    if limit:
        ids = ids[:limit]
    return [bodies[i] for i in ids]


def _kind(kind: str) -> str:
    plural = kind if kind.endswith("s") else kind + "s"
    if plural not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
    return plural
