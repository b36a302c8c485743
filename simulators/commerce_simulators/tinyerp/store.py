"""The account's mutable state, its indexes, and the changes the admin routes make.

Orders are kept sorted the way `pedidos.pesquisa` lists them: by order date (`data_pedido`, a day),
then by `numero`. Every change bumps `version`; search results are cached per (filters, version), so
the pages of one scan cost one search, and a change between two page requests is visible on the next
page, with a new `numero_paginas` (docs/tinyerp_api.md §1.5: pages drift during long scans).

All reads and writes happen under one lock; the API renders while holding it (rendering a page from
the cached rows takes microseconds).

Copy-on-write: the store starts out sharing the data set's (pristine) order and contact objects and
clones one only before changing it, so a 50k-order store is ready, and reset, in milliseconds.
"""

from __future__ import annotations

import random
import threading
from bisect import bisect_left, bisect_right, insort
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from . import catalog, records
from .clock import Clock, fmt_datetime, local_day
from .generator import Dataset, OrderFactory, make_contact
from .model import Contact, NotaFiscal, Order, Product

_CACHE_SIZE = 64


class Store(records.Lookup):
    def __init__(self, dataset: Dataset, clock: Clock) -> None:
        self.dataset = dataset
        self.clock = clock
        self.lock = threading.RLock()
        self.products: dict[int, Product] = {p.id: p for p in dataset.products}
        self.product_list = sorted(dataset.products, key=lambda p: p.id)
        self.reset()

    # --- state ----------------------------------------------------------------------------------------

    def reset(self) -> None:
        with self.lock:
            ds = self.dataset
            self.seq = ds.sequences.copy()
            self.contacts: dict[int, Contact] = dict(ds.contacts_by_id)
            self.contact_list = list(ds.contacts)  # ascending id (= creation order)
            self.orders: dict[int, Order] = dict(ds.orders_by_id)
            self.orders_ever: dict[int, Order] = dict(self.orders)
            self.deleted: set[int] = set()
            self.delete_when_listed: set[int] = set()  # deleted right after a listing shows them
            self.order_keys = list(ds.order_keys)
            self.notas = list(ds.notas)  # never changed in place: sorted by emission, new ones appended
            self._owned: set[int] = set()  # ids of the orders and contacts this store has cloned
            self.factory = OrderFactory(
                ds.products, [c.created for c in ds.contacts], [c.id for c in ds.contacts]
            )
            self.version = 0
            self.advance_steps = 0
            self.inserted_orders = 0
            self.created_orders = 0
            self.updated_orders = 0
            self._cache: OrderedDict[Hashable, tuple[int, list[Any]]] = OrderedDict()

    def counts(self) -> dict[str, int]:
        with self.lock:
            return {
                "orders": len(self.orders),
                "deleted_orders": len(self.deleted),
                "deletions_pending": len(self.delete_when_listed),
                "products": len(self.products),
                "contacts": len(self.contacts),
                "notas_fiscais": len(self.notas),
                "vendedores": len(catalog.SELLERS),
            }

    def cached(self, key: Hashable, compute: Callable[[], list[Any]]) -> list[Any]:
        """A search result for this version of the data (call with the lock held)."""
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.version:
            self._cache.move_to_end(key)
            return hit[1]
        result = compute()
        self._cache[key] = (self.version, result)
        self._cache.move_to_end(key)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return result

    def ordered_orders(self, first_day: int | None = None, last_day: int | None = None) -> list[Order]:
        """Live orders in listing order, optionally only those dated first_day..last_day (inclusive)."""
        keys = self.order_keys
        lo = 0 if first_day is None else bisect_left(keys, (first_day,))
        hi = len(keys) if last_day is None else bisect_right(keys, (last_day, float("inf")))
        orders = self.orders
        return [orders[k[2]] for k in keys[lo:hi]]

    def summary_json(self, order: Order) -> bytes:
        body = order.summary_json
        if body is None:
            body = order.summary_json = records.php_json(records.order_summary(order, self))
        return body

    # --- changes --------------------------------------------------------------------------------------

    def _own_order(self, order: Order) -> Order:
        """This store's private copy of `order`, to change (copy-on-write)."""
        if order.id in self._owned:
            return order
        mine = order.clone()
        self._owned.add(order.id)
        self.orders[order.id] = self.orders_ever[order.id] = mine
        return mine

    def _own_contact(self, contact: Contact) -> Contact:
        if contact.id in self._owned:
            return contact
        mine = contact.clone()
        self._owned.add(contact.id)
        self.contacts[contact.id] = mine
        index = bisect_left(self.contact_list, contact.id, key=lambda c: c.id)
        self.contact_list[index] = mine
        return mine

    def _add_order(self, order: Order) -> None:
        self._owned.add(order.id)
        self.orders[order.id] = order
        self.orders_ever[order.id] = order
        insort(self.order_keys, (local_day(order.created), order.numero, order.id))

    def _add_nota(self, nf: NotaFiscal | None) -> None:
        if nf is not None:
            insort(self.notas, nf, key=_nota_key)

    def _new_contact(self, rng: random.Random, ts: int) -> Contact:
        self.seq.contact_id += 1 + rng.randrange(13)
        self.seq.contact_seq += 1
        contact = make_contact(rng, self.seq.contact_id, self.seq.contact_seq, ts)
        contact.updated = ts
        contact.situacao = "Ativo"
        self._owned.add(contact.id)
        self.contacts[contact.id] = contact
        self.contact_list.append(contact)
        self.factory.contacts_created.append(ts)
        self.factory.contact_ids.append(contact.id)
        return contact

    def advance(self, orders: int, new: int | None = None, contacts: int | None = None) -> dict[str, Any]:
        """Time passes: `orders` open orders move one step along their lifecycle, `new` orders arrive
        (default orders // 2), `contacts` customers change their details (default orders // 10). All
        of it happens at the clock's "now", which becomes their data_atualizacao. Deterministic: the
        same data, the same sequence of calls and the same clock give the same result."""
        if orders < 0 or (new is not None and new < 0) or (contacts is not None and contacts < 0):
            raise ValueError("counts must be >= 0")
        new = orders // 2 if new is None else new
        contacts = orders // 10 if contacts is None else contacts
        now = int(self.clock.now())
        with self.lock:
            self.advance_steps += 1
            rng = random.Random(f"tinyerp:{self.dataset.seed}:advance:{self.advance_steps}")
            eligible = [o for o in self.orders.values() if self.factory.next_step(_Peek(), o) is not None]
            picked = sorted(rng.sample(eligible, min(orders, len(eligible))), key=lambda o: o.id)
            updated = []
            for order in picked:
                order = self._own_order(order)
                step = self.factory.next_step(rng, order)
                if step is None:  # pragma: no cover - eligible orders always have a next step
                    continue
                self._add_nota(self.factory.apply(rng, self.seq, order, step[0], now))
                updated.append({"id": str(order.id), "situacao": order.state})
            created = [str(o.id) for o in self._create_orders(rng, new, now, now)]
            changed_contacts = []
            for contact in rng.sample(self.contact_list, min(contacts, len(self.contact_list))):
                contact = self._own_contact(contact)
                contact.email = contact.email.replace("@", f".{self.advance_steps}@", 1)
                contact.celular = contact.celular[:-4] + f"{rng.randrange(10000):04d}"
                contact.updated = now
                changed_contacts.append(str(contact.id))
            self.updated_orders += len(updated)
            self.version += 1
            return {
                "step": self.advance_steps,
                "at": fmt_datetime(now),
                "updated": updated,
                "created": created,
                "contacts_updated": sorted(changed_contacts),
            }

    def _create_orders(self, rng: random.Random, count: int, ts: int, updated: int) -> list[Order]:
        """`count` new orders dated `ts` (seconds apart, the last at `ts`), changed at `updated`."""
        out = []
        for k in range(count):
            created = min(ts - (count - 1 - k), updated)
            contact_id = None
            if rng.random() < 0.2:  # a first-time customer, registered when the order is typed in
                contact_id = self._new_contact(rng, updated).id
            order = self.factory.new_order(rng, self.seq, created, contact_id=contact_id)
            if order.is_pdv:
                self._add_nota(self.factory.apply(rng, self.seq, order, "faturado", created))
            order.updated = max(updated, created)
            self._add_order(order)
            out.append(order)
        self.created_orders += count
        return out

    def insert_orders(self, count: int, day: int | None = None) -> list[Order]:
        """Orders typed in late with an old order date (e.g. imported from a marketplace): they sort
        before the newer orders of every listing, so every later page shifts by `count` rows.
        `day` (a day number) defaults to the earliest order date on file. data_atualizacao = now."""
        if count < 0:
            raise ValueError("count must be >= 0")
        now = int(self.clock.now())
        with self.lock:
            if day is None:
                day = self.order_keys[0][0] if self.order_keys else self.dataset.first_day
            self.inserted_orders += count
            rng = random.Random(f"tinyerp:{self.dataset.seed}:insert:{self.inserted_orders}")
            ts = day * 86400 + 3 * 3600 + 12 * 3600 + count  # around noon that day
            out = self._create_orders(rng, count, ts, now)
            self.version += 1
            return out

    def delete_order(self, order_id: int) -> bool:
        """A hard delete at the source: gone from every listing, pedido.obter answers 32."""
        with self.lock:
            self.delete_when_listed.discard(order_id)
            order = self.orders.pop(order_id, None)
            if order is None:
                return False
            self.deleted.add(order_id)
            key = (local_day(order.created), order.numero, order.id)
            i = bisect_left(self.order_keys, key)
            del self.order_keys[i]
            self.version += 1
            return True

    def delete_after_listing(self, order_id: int) -> bool:
        """Deletes the order as soon as a pedidos.pesquisa page lists it: a client then reads its
        detail after it is gone (code 32), the way a deletion in Tiny races a sync."""
        with self.lock:
            if order_id not in self.orders:
                return False
            self.delete_when_listed.add(order_id)
            return True

    def listed(self, orders: list[Order]) -> None:
        """A pedidos.pesquisa page was rendered with `orders`: carry out the deletions waiting for it."""
        for order in orders:
            if order.id in self.delete_when_listed:
                self.delete_when_listed.discard(order.id)
                self.delete_order(order.id)


class _Peek:
    """A stand-in RNG for asking "is there a next step?" without drawing from the real one."""

    @staticmethod
    def random() -> float:
        return 0.5


def _nota_key(nf: NotaFiscal) -> tuple[int, int]:
    return (local_day(nf.emissao), nf.id)
