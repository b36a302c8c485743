"""The simulated account's records, kept as compact Python objects (money in cents, quantities in
hundredths, times in epoch seconds). `records.py` turns them into the API's string-typed shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(slots=True)
class Product:
    id: int
    codigo: str
    nome: str
    unidade: str
    preco: int  # cents
    preco_promocional: int
    preco_custo: int
    preco_custo_medio: int
    gtin: str
    tipo_variacao: str  # N normal, P parent (not sold itself), V variation
    situacao: str  # A ativo, I inativo
    created: int
    categoria: str
    ncm: str
    peso_gramas: int
    marca: str
    localizacao: str
    saldo: int  # stock, hundredths
    reservado: int
    parent_id: int = 0
    grade: tuple[str, str] | None = None  # (attribute, value) of a variation
    variation_ids: tuple[int, ...] = ()


@dataclass(slots=True)
class Contact:
    id: int
    codigo: str
    nome: str
    fantasia: str
    tipo_pessoa: str  # F / J
    cpf_cnpj: str
    ie: str
    endereco: str
    numero: str
    complemento: str
    bairro: str
    cep: str
    cidade: str
    uf: str
    fone: str
    celular: str
    email: str
    situacao: str  # Ativo / Excluido
    seller: int  # index into SELLERS, -1 none
    created: int
    updated: int  # hidden: what dataMinimaAtualizacao filters on

    def clone(self) -> Contact:
        return replace(self)


# (product id, quantity in hundredths, unit price after the item discount in cents, item discount %)
Item = tuple[int, int, int, int]


@dataclass(slots=True)
class Order:
    id: int
    numero: int
    created: int
    updated: int  # hidden: what dataAtualizacao filters on (never sent; docs/tinyerp_api.md §6.1)
    state: str  # a key of catalog.SITUACOES
    variant: int  # which label spelling this order shows (catalog.LABEL_VARIANTS)
    channel: str  # pdv | loja | meli | manual
    contact_id: int  # 0: "Consumidor Final"
    seller: int  # index into SELLERS, -1 none
    items: tuple[Item, ...]
    item_base: int  # PDV item ids are item_base + position
    frete: int
    desconto_raw: str  # as typed: "0.00", "5.00", "5,00" or "10%"
    desconto: int  # cents
    pagamento: str  # a key of catalog.PAYMENTS
    parcelas: int
    ecommerce_numero: str
    canal_numero: str
    prevista: int  # 0: none
    marker: int  # index into catalog.MARKERS, -1 none
    obs: str
    faturado_ts: int = 0
    envio_ts: int = 0
    entrega_ts: int = 0
    tracking: str = ""
    nf_id: int = 0
    # the summary row's JSON, built on first use and dropped on every change
    summary_json: bytes | None = field(default=None, compare=False)

    @property
    def total_produtos(self) -> int:
        return sum((qty * unit + 50) // 100 for _, qty, unit, _ in self.items)

    @property
    def total(self) -> int:
        return self.total_produtos - self.desconto + self.frete

    @property
    def is_pdv(self) -> bool:
        return self.channel == "pdv"

    @property
    def ships(self) -> bool:
        return self.channel != "pdv"

    def clone(self) -> Order:
        return replace(self, summary_json=None)

    def touch(self) -> None:
        self.summary_json = None


@dataclass(slots=True)
class NotaFiscal:
    id: int
    numero: int
    serie: str
    modelo: str  # 55 NF-e, 65 NFC-e
    order_id: int
    emissao: int
    situacao: str  # catalog.NF_SITUACOES
    code: int  # the random part (cNF) of the access key, which records.py computes on demand

    def clone(self) -> NotaFiscal:
        return replace(self)
