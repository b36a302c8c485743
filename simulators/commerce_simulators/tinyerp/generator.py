"""The generated account, deterministic from a seed.

Each family (products, contacts, orders) draws from its own `random.Random` seeded with a string
(string seeds hash with SHA-512, so results do not depend on PYTHONHASHSEED): the same seed and counts
give byte-identical responses in every process.

Orders are created over `days` days ending 31/12/2025 23:59:59 (Sao Paulo) and walked through the
order lifecycle (aberto -> aprovado -> preparando_envio -> faturado -> pronto_envio -> enviado ->
entregue, some cancelled or not delivered) until that moment; counter (PDV) sales are invoiced at once
and stay "Faturado". Invoices (notas fiscais) are issued when an order reaches "faturado".

`OrderFactory` is also what the store uses later (advance, inserted orders), with the counters in
`Sequences`, so new records continue the generated ones.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TypeVar

from . import catalog
from .clock import DATA_END, fmt_date, local_day
from .model import Contact, Item, NotaFiscal, Order, Product

DEFAULT_ORDERS = 300
DEFAULT_PRODUCTS = 80
DEFAULT_CONTACTS = 150
MAX_DAYS = 730

_HOURS = [8, 9, 9, 10, 10, 10, 11, 11, 11, 12, 12, 13, 14, 14, 15, 15, 16, 16, 17, 17, 18, 18, 19, 19, 20, 21]
_ITEMS = (1, 1, 1, 2, 2, 3, 4)
_PDV_ITEMS = (1, 2, 2, 3, 3, 4, 5)
_KG_QTY = (15, 25, 30, 50, 75, 100, 120)  # hundredths of a kilo
_UN_QTY = (100, 100, 100, 100, 200, 200, 300, 600)
T = TypeVar("T")
_OBS = ("",) * 8 + (
    "Entregar após as 14h",
    "Embalar para presente",
    "Cliente retira no balcão",
    "Confirmar endereço por telefone",
)


def _below(rng: random.Random, n: int) -> int:
    """A uniform int in [0, n): `random()` based, several times faster than `randrange` (hot loops)."""
    return int(rng.random() * n)


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def default_days(orders: int) -> int:
    """About three months for the default profile, longer for big accounts (at most two years)."""
    return max(92, min(MAX_DAYS, math.ceil(orders / 50)))


def default_products(orders: int) -> int:
    return max(DEFAULT_PRODUCTS, min(2_000, orders // 25))


def default_contacts(orders: int) -> int:
    return max(DEFAULT_CONTACTS, orders // 3)


# --- document numbers ---------------------------------------------------------------------------------


def cpf(rng: random.Random) -> str:
    digits = [_below(rng, 10) for _ in range(9)]
    for n in (10, 11):
        s = sum(d * w for d, w in zip(digits, range(n, 1, -1), strict=False)) % 11
        digits.append(0 if s < 2 else 11 - s)
    t = "".join(map(str, digits))
    return f"{t[:3]}.{t[3:6]}.{t[6:9]}-{t[9:]}"


def cnpj(rng: random.Random) -> str:
    digits = [_below(rng, 10) for _ in range(8)] + [0, 0, 0, 1]
    for weights in ((5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2), (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)):
        s = sum(d * w for d, w in zip(digits, weights, strict=False)) % 11
        digits.append(0 if s < 2 else 11 - s)
    t = "".join(map(str, digits))
    return f"{t[:2]}.{t[2:5]}.{t[5:8]}/{t[8:12]}-{t[12:]}"


def gtin13(body12: str) -> str:
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - s % 10) % 10)


def access_key(emissao: int, modelo: str, serie: str, numero: int, code: int) -> str:
    """A 44-digit chave de acesso with a valid mod-11 check digit."""
    d = fmt_date(emissao)
    body = (
        f"{catalog.ACCOUNT_UF_CODE}{d[8:10]}{d[3:5]}{catalog.ACCOUNT_CNPJ_DIGITS}{modelo}"
        f"{int(serie):03d}{numero:09d}1{code:08d}"
    )
    total, weight = 0, 2
    for c in reversed(body):
        total += int(c) * weight
        weight = 2 if weight == 9 else weight + 1
    dv = 11 - total % 11
    return body + str(0 if dv >= 10 else dv)


# --- products -----------------------------------------------------------------------------------------


def build_products(seed: int, count: int, first_day_ts: int) -> list[Product]:
    rng = random.Random(f"tinyerp:{seed}:products")
    out: list[Product] = []
    next_id = 512_300_100
    n_parents = max(1, count // 40)
    parents_at = {int(i * count / n_parents) + 3 for i in range(n_parents)}
    names: set[str] = set()
    seq = 0
    while len(out) < count:
        next_id += rng.randint(1, 9)
        created = first_day_ts - rng.randint(20, 500) * 86400 + rng.randrange(8 * 3600, 19 * 3600)
        seq += 1
        if len(out) in parents_at and count - len(out) >= 4:
            name, attr, values = catalog.VARIATION_TEMPLATES[len(out) % len(catalog.VARIATION_TEMPLATES)]
            price = rng.randrange(39, 129) * 100 + 90
            codigo = f"VAR-{seq:04d}"
            parent = _product(
                rng,
                next_id,
                codigo,
                name,
                "UN",
                price,
                created,
                "Utilidades >> Vestuário",
                "6109.10.00",
                300,
                "",
                tipo="P",
            )
            out.append(parent)
            ids = []
            for v in values:
                next_id += rng.randint(1, 3)
                child = _product(
                    rng,
                    next_id,
                    f"{codigo}-{v[:3].upper()}",
                    f"{name} {v}",
                    "UN",
                    price,
                    created,
                    parent.categoria,
                    parent.ncm,
                    300,
                    "",
                    tipo="V",
                )
                child.parent_id, child.grade = parent.id, (attr, v)
                ids.append(child.id)
                out.append(child)
            parent.variation_ids = tuple(ids)
            parent.saldo = parent.reservado = 0
            parent.gtin = ""  # a parent is not sold itself; its variations carry the GTINs
            continue
        cat, unit, bases, (lo, hi), grams, ncm, sizes = rng.choice(catalog.PRODUCT_TEMPLATES)
        base = rng.choice(bases)
        qualifier = rng.choice(catalog.QUALIFIERS)
        size = rng.choice(sizes)
        brand = rng.choice(catalog.BRANDS)
        name = " ".join(p for p in (base, qualifier, size) if p)
        if brand:
            name += f" - {brand}"
        while name in names:
            name += f" {rng.randint(2, 99)}"
        names.add(name)
        prefix = (cat.split(" >> ")[1][0] + base[:2]).upper().translate(_ASCII)
        price = rng.randrange(lo // 100 * 100, hi, 100) + 90  # R$ xx,90
        product = _product(
            rng, next_id, f"{prefix}-{seq:04d}", name, unit, price, created, cat, ncm, grams, brand
        )
        out.append(product)
    return out[:count]


def _product(
    rng: random.Random,
    pid: int,
    codigo: str,
    nome: str,
    unit: str,
    price: int,
    created: int,
    cat: str,
    ncm: str,
    grams: int,
    brand: str,
    *,
    tipo: str = "N",
) -> Product:
    cost = price * rng.randint(45, 65) // 100
    return Product(
        id=pid,
        codigo=codigo,
        nome=nome,
        unidade=unit,
        preco=price,
        preco_promocional=(price * 90 // 100 // 10 * 10 + 9) if rng.random() < 0.12 else 0,
        preco_custo=cost,
        preco_custo_medio=cost - rng.randint(0, cost // 20),
        gtin="" if unit == "KG" and rng.random() < 0.5 else gtin13(f"789{rng.randrange(10**9):09d}"),
        tipo_variacao=tipo,
        situacao="I" if rng.random() < 0.05 else "A",
        created=created,
        categoria=cat,
        ncm=ncm,
        peso_gramas=grams,
        marca=brand,
        localizacao=f"{rng.choice('ABCD')}-{rng.randint(1, 12):02d}" if rng.random() < 0.4 else "",
        saldo=rng.randint(0, 240) * 100 if unit == "UN" else rng.randint(0, 4000) * 10,
        reservado=rng.choice((0, 0, 0, 100, 200)),
    )


# --- contacts -----------------------------------------------------------------------------------------


def build_contacts(seed: int, count: int, first_day_ts: int) -> list[Contact]:
    """Sorted by creation (ids grow with it); the first 40% exist before the first order."""
    rng = random.Random(f"tinyerp:{seed}:contacts")
    early = int(count * 0.4)
    span = DATA_END - first_day_ts
    created = sorted(
        [first_day_ts - (1 + _below(rng, 700)) * 86400 + _below(rng, 86400) for _ in range(early)]
        + [first_day_ts + _below(rng, span) for _ in range(count - early)]
    )
    out = []
    next_id = 708_490_000
    for i, ts in enumerate(created):
        next_id += 1 + _below(rng, 13)
        out.append(make_contact(rng, next_id, i + 1, ts))
    return out


def make_contact(rng: random.Random, cid: int, seq: int, created: int) -> Contact:
    city, uf, cep, area = _pick(rng, catalog.CITIES)
    first, last = _pick(rng, catalog.FIRST_NAMES), _pick(rng, catalog.LAST_NAMES)
    company = rng.random() < 0.15
    if company:
        fantasia = f"{_pick(rng, catalog.COMPANY_WORDS)} {_pick(rng, catalog.COMPANY_NAMES)}"
        nome = f"{fantasia} {_pick(rng, ('Ltda', 'ME', 'EIRELI', 'S.A.'))}"
        doc, ie = cnpj(rng), str(10**8 + _below(rng, 9 * 10**8))
        email_user = fantasia.lower().replace(" ", "")
    else:
        nome = f"{first} {_pick(rng, catalog.LAST_NAMES)} {last}" if rng.random() < 0.4 else f"{first} {last}"
        fantasia, doc, ie = "", cpf(rng), ""
        email_user = f"{first}.{last}{1 + _below(rng, 99)}".lower()
    email_user = email_user.translate(_ASCII)
    updated = created if rng.random() < 0.6 else min(DATA_END, created + (1 + _below(rng, 200)) * 86400)
    return Contact(
        id=cid,
        codigo=f"C{seq:05d}" if company or rng.random() < 0.3 else "",
        nome=nome,
        fantasia=fantasia,
        tipo_pessoa="J" if company else "F",
        cpf_cnpj=doc,
        ie=ie,
        endereco=_pick(rng, catalog.STREETS),
        numero=str(1 + _below(rng, 2500)),
        complemento=_pick(rng, ("", "", "", "Apto 101", "Casa 2", "Bloco B", "Sala 305")),
        bairro=_pick(rng, catalog.BAIRROS),
        cep=f"{cep}{_below(rng, 1000):03d}-{_below(rng, 1000):03d}",
        cidade=city,
        uf=uf,
        fone=f"({area}) 3{100 + _below(rng, 900)}-{_below(rng, 10000):04d}" if company else "",
        celular=f"({area}) 9{1000 + _below(rng, 9000)}-{_below(rng, 10000):04d}",
        email=f"{email_user}@{_pick(rng, catalog.EMAIL_DOMAINS)}",
        situacao="Excluido" if rng.random() < 0.03 else "Ativo",
        seller=_below(rng, len(catalog.SELLERS)) if company and rng.random() < 0.7 else -1,
        created=created,
        updated=updated,
    )


_ASCII = str.maketrans("áàâãéêíóôõúçÁÉÍÓÚÇ", "aaaaeeiooouc" + "aeiouc")


# --- orders -------------------------------------------------------------------------------------------


@dataclass
class Sequences:
    """Counters that new records continue from (copied on reset)."""

    order_id: int = 884_100_000
    numero: int = 10_000
    item_id: int = 990_000_000
    nf_id: int = 884_900_000
    nf_numero_55: int = 4_000
    nf_numero_65: int = 20_000
    contact_id: int = 0
    contact_seq: int = 0
    loja: int = 100_200
    meli: int = 2_000_004_100_000

    def copy(self) -> Sequences:
        return replace(self)


class OrderFactory:
    """Builds orders from products and contacts; transitions them through the lifecycle."""

    def __init__(self, products: list[Product], contacts_created: list[int], contact_ids: list[int]) -> None:
        self.products = {p.id: p for p in products}
        self.sellable = [p for p in products if p.tipo_variacao != "P"]
        self.contacts_created = contacts_created  # ascending, parallel to contact_ids
        self.contact_ids = contact_ids

    def new_order(
        self,
        rng: random.Random,
        seq: Sequences,
        ts: int,
        *,
        channel: str | None = None,
        contact_id: int | None = None,
    ) -> Order:
        rand = rng.random  # the hot loop of a 50k-order build: random() is much cheaper than randrange()
        seq.order_id += 1 + int(rand() * 37)
        seq.numero += 1
        r = rand()
        if channel is None:
            channel = "pdv" if r < 0.45 else "loja" if r < 0.70 else "meli" if r < 0.85 else "manual"
        pdv = channel == "pdv"
        if contact_id is None:
            known = bisect_right(self.contacts_created, ts)
            walk_in = (pdv and rand() < 0.7) or known == 0
            contact_id = 0 if walk_in else self.contact_ids[int(rand() * known)]
        sellable = self.sellable
        n_items = min((_PDV_ITEMS if pdv else _ITEMS)[int(rand() * 7)], len(sellable))
        picked: list[Product] = []
        while len(picked) < n_items:
            p = sellable[int(rand() * len(sellable))]
            if p not in picked:
                picked.append(p)
        items: list[Item] = []
        base_total = 0
        for p in picked:
            qty = _KG_QTY[int(rand() * 7)] if p.unidade == "KG" else _UN_QTY[int(rand() * 8)]
            price = p.preco_promocional if p.preco_promocional and rand() < 0.5 else p.preco
            disc = (5 if rand() < 0.5 else 10) if pdv and rand() < 0.12 else 0
            unit = (price * (100 - disc) + 50) // 100
            items.append((p.id, qty, unit, disc))
            base_total += (qty * unit + 50) // 100
        r = rand()
        if r < 0.70:
            raw, desconto = "0.00", 0
        elif r < 0.92:
            desconto = min(500 * (1 + int(rand() * 4)), base_total // 4 // 100 * 100)
            raw = f"{desconto // 100}.00" if r < 0.85 else f"{desconto // 100},00"
        else:
            pct = (5, 10, 15)[int(rand() * 3)]
            raw, desconto = f"{pct}%", (base_total * pct + 50) // 100
        if pdv:
            frete = 0
        elif channel == "manual":
            frete = 0 if rand() < 0.5 else 2500
        else:
            frete = 0 if rand() < 0.3 else 1290 + 100 * int(rand() * 27)
        pay = _pick_payment(rng, channel)
        if pay == "credito" and not pdv:
            parcelas = (1, 1, 2, 3)[int(rand() * 4)]
        else:
            parcelas = 1 + int(rand() * 3) if pay == "boleto" and channel == "manual" else 1
        seller = int(rand() * 3) if pdv else int(rand() * len(catalog.SELLERS)) if channel == "manual" else -1
        ecommerce_numero = canal = ""
        if channel == "loja":
            seq.loja += 1
            ecommerce_numero = f"LV-{seq.loja}"
        elif channel == "meli":
            seq.meli += 1 + int(rand() * 500)
            ecommerce_numero = f"ML-{seq.loja + seq.numero}"
            canal = str(seq.meli)
        order = Order(
            seq.order_id,  # id
            seq.numero,  # numero
            ts,  # created
            ts,  # updated
            "aberto",  # state
            int(rand() * 4),  # variant
            channel,
            contact_id,
            seller,
            tuple(items),
            seq.item_id + 1,  # item_base
            frete,
            raw,  # desconto_raw
            desconto,
            pay,  # pagamento
            parcelas,
            ecommerce_numero,
            canal,  # canal_numero
            ts + (5 + int(rand() * 8)) * 86400 if channel in ("loja", "meli") else 0,  # prevista
            int(rand() * len(catalog.MARKERS)) if rand() < 0.08 else -1,  # marker
            _OBS[int(rand() * len(_OBS))],  # obs
        )
        seq.item_id += len(items)
        return order

    @staticmethod
    def next_step(rng: random.Random, order: Order) -> tuple[str, int] | None:
        """The order's next situation and how long after the last change it happens (None: final)."""
        state = order.state
        if state in catalog.FINAL_STATES or (order.is_pdv and state == "faturado"):
            return None
        if state == "aberto":
            if rng.random() < 0.06:
                return "cancelado", 3600 + _below(rng, 2 * 86400)
            return "aprovado", 600 + _below(rng, 86400)
        if state == "enviado":
            return ("nao_entregue" if rng.random() < 0.03 else "entregue"), (2 + _below(rng, 7)) * 86400
        delay = {
            "aprovado": (3600, 86400),
            "preparando_envio": (3600, 2 * 86400),
            "faturado": (1800, 86400),
            "pronto_envio": (3600, 86400),
        }[state]
        lo, hi = delay
        return catalog.NEXT_STATE[state], lo + _below(rng, hi - lo)

    def apply(
        self, rng: random.Random, seq: Sequences, order: Order, state: str, ts: int
    ) -> NotaFiscal | None:
        """Move `order` to `state` at `ts`; returns the invoice issued by reaching "faturado", if any."""
        order.state = state
        order.updated = ts
        order.touch()
        nf = None
        if state == "faturado":
            order.faturado_ts = ts
            if not order.is_pdv or rng.random() < 0.8:
                nf = self.issue_nf(rng, seq, order, ts)
        elif state == "enviado":
            order.envio_ts = ts
            order.tracking = f"{_pick(rng, ('QB', 'OY', 'NL', 'PM'))}{10**8 + _below(rng, 9 * 10**8)}BR"
        elif state in ("entregue", "nao_entregue"):
            order.entrega_ts = ts
        return nf

    def issue_nf(self, rng: random.Random, seq: Sequences, order: Order, ts: int) -> NotaFiscal:
        seq.nf_id += 1 + _below(rng, 29)
        if order.is_pdv:
            seq.nf_numero_65 += 1
            modelo, serie, numero = "65", "2", seq.nf_numero_65
        else:
            seq.nf_numero_55 += 1
            modelo, serie, numero = "55", "1", seq.nf_numero_55
        nf = NotaFiscal(
            id=seq.nf_id,
            numero=numero,
            serie=serie,
            modelo=modelo,
            order_id=order.id,
            emissao=ts,
            situacao="7" if rng.random() < 0.08 else "6",
            code=_below(rng, 10**8),
        )
        order.nf_id = nf.id
        return nf


def _pick_payment(rng: random.Random, channel: str) -> str:
    r = rng.random()
    if channel == "pdv":
        return "credito" if r < 0.4 else "debito" if r < 0.65 else "pix" if r < 0.9 else "dinheiro"
    if channel == "loja":
        return "credito" if r < 0.55 else "pix" if r < 0.9 else "boleto"
    if channel == "meli":
        return "credito" if r < 0.7 else "pix"
    return "boleto" if r < 0.6 else "pix"


def order_times(rng: random.Random, count: int, first_day: int, days: int) -> list[int]:
    """`count` creation times over `days` days from day number `first_day`, in business hours."""
    base = first_day * 86400 + 3 * 3600  # local midnight of first_day, as epoch seconds
    out = [
        base + _below(rng, days) * 86400 + _pick(rng, _HOURS) * 3600 + _below(rng, 3600) for _ in range(count)
    ]
    out.sort()
    return out


# --- the data set -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """The generated account. Treat it as immutable: stores share its objects (copy-on-write)."""

    seed: int
    days: int
    first_day: int  # day number of the first order day
    products: list[Product]
    contacts: list[Contact]
    orders: list[Order]  # pristine; the store works on clones
    notas: list[NotaFiscal]
    sequences: Sequences

    @property
    def first_day_text(self) -> str:
        return fmt_date(self.first_day * 86400 + 3 * 3600)

    @cached_property
    def orders_by_id(self) -> dict[int, Order]:
        return {o.id: o for o in self.orders}

    @cached_property
    def contacts_by_id(self) -> dict[int, Contact]:
        return {c.id: c for c in self.contacts}

    @cached_property
    def order_keys(self) -> list[tuple[int, int, int]]:
        """(order day, numero, id), ascending: the listing order of pedidos.pesquisa."""
        return sorted((local_day(o.created), o.numero, o.id) for o in self.orders)


def build_dataset(
    seed: int = 42,
    *,
    orders: int = DEFAULT_ORDERS,
    products: int | None = None,
    contacts: int | None = None,
    days: int | None = None,
) -> Dataset:
    if orders < 0:
        raise ValueError("orders must be >= 0")
    products = default_products(orders) if products is None else products
    contacts = default_contacts(orders) if contacts is None else contacts
    days = default_days(orders) if days is None else days
    if products < 5:
        raise ValueError("products must be >= 5")
    if contacts < 1:
        raise ValueError("contacts must be >= 1")
    if not 1 <= days <= 3650:
        raise ValueError("days must be between 1 and 3650")
    first_day = local_day(DATA_END) - days + 1
    first_ts = first_day * 86400 + 3 * 3600
    product_list = build_products(seed, products, first_ts)
    contact_list = build_contacts(seed, contacts, first_ts)
    seq = Sequences(contact_id=contact_list[-1].id, contact_seq=len(contact_list))
    factory = OrderFactory(product_list, [c.created for c in contact_list], [c.id for c in contact_list])
    rng = random.Random(f"tinyerp:{seed}:orders")
    order_list: list[Order] = []
    pending: list[tuple[int, Order]] = []  # invoices to issue, in emission order
    for ts in order_times(rng, orders, first_day, days):
        order = factory.new_order(rng, seq, ts)
        order_list.append(order)
        if order.is_pdv:
            t = ts + 5 + _below(rng, 86)
            order.state, order.updated, order.faturado_ts = "faturado", t, t
            if rng.random() < 0.8:
                pending.append((t, order))
            continue
        while (step := factory.next_step(rng, order)) is not None and order.updated + step[1] <= DATA_END:
            state, delay = step
            t = order.updated + delay
            if state == "faturado":
                order.state, order.updated, order.faturado_ts = state, t, t
                pending.append((t, order))
            else:
                factory.apply(rng, seq, order, state, t)
    # Invoice numbers follow emission time, not order creation.
    nf_rng = random.Random(f"tinyerp:{seed}:notas")
    pending.sort(key=lambda p: (p[0], p[1].id))
    notas = [factory.issue_nf(nf_rng, seq, order, t) for t, order in pending]
    return Dataset(seed, days, first_day, product_list, contact_list, order_list, notas, seq)
