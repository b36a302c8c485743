"""Typing TinyERP's strings: the stream's JSON schema says what each field is, this module makes it so.

The API sends nearly everything as a string (ids, money, quantities, ``dd/mm/yyyy`` dates), sometimes
a bare number, ``""`` for "no value", and PHP's ``[]`` for an empty object. :class:`Coercer` walks a
record along its stream's schema:

* ``integer`` / ``number``: ``"149.90"``, ``"5,00"``, ``"1.234,56"`` and bare numbers become numbers;
* ``string`` with ``format: date-time``: ``dd/mm/yyyy`` and ``dd/mm/yyyy hh:mm[:ss]`` (Brasília time,
  ``America/Sao_Paulo``, daylight saving time included for dates before 2019) become ISO-8601 with the
  offset, e.g. ``2026-02-02T00:00:00-03:00``;
* ``string``: bare numbers become strings (GTINs, CEPs and codes keep their leading zeros);
* ``""`` (and ``[]`` where an object is expected) becomes ``null``, without complaint.

A value that cannot be read is set to ``null`` and recorded, raw, in the record's
``_coercion_errors`` list as ``{"field": "itens[1].quantidade", "value": "abc", "expected": "number"}``;
nothing is dropped silently. Fields the schema does not list pass through unchanged.

List elements wrapped in a one-key object (``itens: [{"item": {...}}]``) are unwrapped first.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, MutableMapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

SAO_PAULO = ZoneInfo("America/Sao_Paulo")
COERCION_ERRORS_FIELD = "_coercion_errors"

# The keys TinyERP wraps list elements in: {"itens": [{"item": {...}}]}.
WRAPPER_KEYS = frozenset(
    {
        "item",
        "parcela",
        "marcador",
        "variacao",
        "anexo",
        "imagem_externa",
        "pedido",
        "produto",
        "contato",
        "nota_fiscal",
        "deposito",
        "vendedor",
        "registro",
        "kit",
    }
)

_TINY_DATETIME = re.compile(
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_ISO_DATETIME = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:[ T](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_COMMA_DECIMAL = re.compile(r"[+-]?\d+,\d+")
_BRAZILIAN_DECIMAL = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")


class CoercionError(ValueError):
    pass


# -- scalars -----------------------------------------------------------------------------------------------
def parse_tiny_datetime(text: str) -> datetime:
    """``dd/mm/yyyy[ hh:mm[:ss]]`` (or ``yyyy-mm-dd[ hh:mm[:ss]]``) in Brasília time -> aware datetime.

    A wall-clock time that does not exist (the hour skipped when daylight saving time started, e.g.
    midnight of 04/11/2018) or exists twice (the hour repeated when it ended) resolves with ``fold=0``:
    the offset in force before the change. ``04/11/2018`` is therefore ``2018-11-04T00:00:00-03:00``,
    the very instant that day began.
    """
    stripped = text.strip()
    match = _TINY_DATETIME.fullmatch(stripped) or _ISO_DATETIME.fullmatch(stripped)
    if not match:
        raise CoercionError(f"not a dd/mm/yyyy date: {text!r}")
    parts = match.groupdict()
    try:
        return datetime(
            int(parts["y"]),
            int(parts["m"]),
            int(parts["d"]),
            int(parts["H"] or 0),
            int(parts["M"] or 0),
            int(parts["S"] or 0),
            tzinfo=SAO_PAULO,
        )
    except ValueError as error:  # 00/00/0000, 31/02/2026, 25:00
        raise CoercionError(f"not a calendar date: {text!r}") from error


def to_iso_timestamp(text: str) -> str:
    return parse_tiny_datetime(text).isoformat()


def format_tiny_date(day: date) -> str:
    """The API's filter format for dates: ``dd/mm/yyyy``."""
    return day.strftime("%d/%m/%Y")


def format_tiny_datetime(moment: datetime) -> str:
    """The API's filter format for date-times: ``dd/mm/yyyy hh:mm:ss`` in Brasília time."""
    return moment.astimezone(SAO_PAULO).strftime("%d/%m/%Y %H:%M:%S")


def parse_decimal(value: Any) -> Decimal:
    """``149.90``, ``"149.90"``, ``"5,00"``, ``"1.234,56"`` -> Decimal."""
    if isinstance(value, bool):
        raise CoercionError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = str(value).strip()
    if _PLAIN_DECIMAL.fullmatch(text):
        return Decimal(text)
    if _COMMA_DECIMAL.fullmatch(text):
        return Decimal(text.replace(",", "."))
    if _BRAZILIAN_DECIMAL.fullmatch(text):
        return Decimal(text.replace(".", "").replace(",", "."))
    raise CoercionError(f"not a number: {value!r}")


def parse_number(value: Any) -> float:
    return float(parse_decimal(value))


def parse_integer(value: Any) -> int:
    try:
        number = parse_decimal(value)
    except CoercionError:
        raise CoercionError(f"not an integer: {value!r}") from None
    if number != number.to_integral_value():
        raise CoercionError(f"not an integer: {value!r}")
    return int(number)


def parse_discount(raw: Any, bare: str = "valor") -> dict[str, Any]:
    """A discount as typed in Tiny: ``"10%"`` is a percentage, ``"5,00"`` / ``"5.00"`` an amount (BRL).

    ``bare`` says what a number without ``%`` is: ``"valor"`` (an amount; order-level discounts) or
    ``"percentual"`` (PDV item discounts, which the API sends as a bare percentage, e.g. ``"5"``).
    Returns ``{"tipo": "percentual"|"valor"|None, "valor": amount|None, "percentual": percent|None}``.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {"tipo": None, "valor": None, "percentual": None}
    text = str(raw).strip()
    is_percent = text.endswith("%")
    try:
        number = parse_number(text[:-1].strip() if is_percent else text)
    except CoercionError:
        raise CoercionError(f"not a discount: {raw!r}") from None
    if is_percent or bare == "percentual":
        return {"tipo": "percentual", "valor": None, "percentual": number}
    return {"tipo": "valor", "valor": number, "percentual": None}


# -- records -----------------------------------------------------------------------------------------------
def unwrap_lists(value: Any) -> Any:
    """``[{"item": {...}}, ...]`` -> ``[{...}, ...]``, at every depth."""
    if isinstance(value, Mapping):
        return {key: unwrap_lists(inner) for key, inner in value.items()}
    if isinstance(value, list):
        unwrapped = []
        for element in value:
            if (
                isinstance(element, Mapping)
                and len(element) == 1
                and next(iter(element)) in WRAPPER_KEYS
                and isinstance(next(iter(element.values())), Mapping)
            ):
                element = next(iter(element.values()))
            unwrapped.append(unwrap_lists(element))
        return unwrapped
    return value


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _raw(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class Coercer:
    """Types a record along a JSON schema (see the module docstring)."""

    def __init__(self, schema: Mapping[str, Any], discount_fields: Mapping[str, str] | None = None) -> None:
        self._schema = schema
        # Dotted path of each discount field (arrays implicit, e.g. "itens.desconto") -> what a bare
        # number means there ("valor" or "percentual", see parse_discount).
        self._discount_fields = dict(discount_fields or {})

    def coerce(self, record: Mapping[str, Any]) -> dict[str, Any]:
        errors: list[dict[str, str]] = []
        typed = unwrap_lists(dict(record))
        for dotted, bare in self._discount_fields.items():
            self._expand_discounts(typed, dotted.split("."), bare, "", errors)
        typed = self._walk(typed, self._schema, "", errors)
        typed[COERCION_ERRORS_FIELD] = errors
        return typed

    def _expand_discounts(
        self, node: Any, path: list[str], bare: str, where: str, errors: list[dict[str, str]]
    ) -> None:
        """Adds ``<field>_tipo``, ``<field>_valor`` and ``<field>_percentual`` next to each discount."""
        if isinstance(node, list):
            for index, element in enumerate(node):
                self._expand_discounts(element, path, bare, f"{where}[{index}]", errors)
            return
        if not isinstance(node, MutableMapping) or not path:
            return
        head, rest = path[0], path[1:]
        if rest:
            self._expand_discounts(node.get(head), rest, bare, f"{where}.{head}" if where else head, errors)
            return
        if head not in node:
            return
        raw = node[head]
        field = f"{where}.{head}" if where else head
        try:
            parsed = parse_discount(raw, bare)
        except CoercionError:
            errors.append({"field": field, "value": _raw(raw), "expected": "discount (amount or percent)"})
            parsed = {"tipo": None, "valor": None, "percentual": None}
        node[head] = None if raw is None else str(raw)  # the raw value, exactly as typed
        node[f"{head}_tipo"] = parsed["tipo"]
        node[f"{head}_valor"] = parsed["valor"]
        node[f"{head}_percentual"] = parsed["percentual"]

    def _walk(self, value: Any, schema: Mapping[str, Any], path: str, errors: list[dict[str, str]]) -> Any:
        types = _types(schema)
        if value is None:
            return None
        if "object" in types:
            if isinstance(value, Mapping):
                properties = schema.get("properties", {})
                return {
                    key: self._walk(inner, properties[key], f"{path}.{key}" if path else key, errors)
                    if key in properties
                    else inner
                    for key, inner in value.items()
                }
            if value in ("", []):  # PHP's json_encode writes an empty object as []
                return None
            return self._fail(value, "object", path, errors)
        if "array" in types:
            if isinstance(value, list):
                items = schema.get("items", {})
                return [self._walk(element, items, f"{path}[{i}]", errors) for i, element in enumerate(value)]
            if value == "" or value == {}:
                return []
            return self._fail(value, "array", path, errors)
        if isinstance(value, str) and not value.strip() and types & {"integer", "number", "boolean"}:
            return None
        try:
            if "integer" in types:
                return parse_integer(value)
            if "number" in types:
                return parse_number(value)
            if "string" in types and schema.get("format") == "date-time":
                if not str(value).strip():
                    return None
                return to_iso_timestamp(str(value))
            if "string" in types:
                if isinstance(value, Mapping | list):
                    return self._fail(value, "string", path, errors)
                return str(value) if not isinstance(value, bool) else ("true" if value else "false")
        except CoercionError:
            expected = (
                "date (dd/mm/yyyy)" if schema.get("format") == "date-time" else sorted(types - {"null"})[0]
            )
            return self._fail(value, expected, path, errors)
        return value

    @staticmethod
    def _fail(value: Any, expected: str, path: str, errors: list[dict[str, str]]) -> None:
        errors.append({"field": path, "value": _raw(value), "expected": expected})
        return None
