"""Typing TinyERP's strings (``source_tinyerp.coercion``): dates, numbers, discounts, wrappers."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from source_tinyerp.coercion import (
    SAO_PAULO,
    Coercer,
    CoercionError,
    format_tiny_date,
    format_tiny_datetime,
    parse_discount,
    parse_number,
    to_iso_timestamp,
    unwrap_lists,
)


@pytest.mark.parametrize(
    ("tiny", "iso"),
    [
        ("02/02/2026", "2026-02-02T00:00:00-03:00"),
        ("02/02/2026 15:31:07", "2026-02-02T15:31:07-03:00"),
        ("2/2/2026 9:05", "2026-02-02T09:05:00-03:00"),
        ("2026-02-02 15:31:07", "2026-02-02T15:31:07-03:00"),
        # Daylight saving time (abolished in 2019): summer dates are -02:00.
        ("15/01/2018 10:00:00", "2018-01-15T10:00:00-02:00"),
        ("16/02/2019 22:59:59", "2019-02-16T22:59:59-02:00"),
        ("17/02/2019 00:00:00", "2019-02-17T00:00:00-03:00"),
        # 04/11/2018 00:00 never happened (clocks jumped to 01:00 -02:00): the instant the day began.
        ("04/11/2018", "2018-11-04T00:00:00-03:00"),
        ("04/11/2018 01:00:00", "2018-11-04T01:00:00-02:00"),
        # 16/02/2019 23:30 happened twice: the first one (still -02:00) is taken.
        ("16/02/2019 23:30:00", "2019-02-16T23:30:00-02:00"),
    ],
)
def test_given_tiny_date_when_converted_then_iso_with_sao_paulo_offset(tiny: str, iso: str) -> None:
    assert to_iso_timestamp(tiny) == iso


@pytest.mark.parametrize("bad", ["00/00/0000", "31/02/2026", "2026/02/02", "ontem", "02/02/2026 25:00:00"])
def test_given_not_a_date_when_converted_then_coercion_error(bad: str) -> None:
    with pytest.raises(CoercionError):
        to_iso_timestamp(bad)


def test_given_filter_values_when_formatted_then_tiny_formats_in_brasilia_time() -> None:
    assert format_tiny_date(date(2026, 1, 5)) == "05/01/2026"
    assert format_tiny_datetime(datetime.fromisoformat("2026-02-02T15:00:00+00:00")) == "02/02/2026 12:00:00"
    assert format_tiny_datetime(datetime(2018, 12, 1, 12, 0, tzinfo=SAO_PAULO)) == "01/12/2018 12:00:00"


@pytest.mark.parametrize(
    ("raw", "number"),
    [("149.90", 149.9), ("5,00", 5.0), ("1.234,56", 1234.56), ("-0.50", -0.5), (120, 120.0), ("0", 0.0)],
)
def test_given_tiny_number_when_parsed_then_float(raw: object, number: float) -> None:
    assert parse_number(raw) == number


@pytest.mark.parametrize(
    ("raw", "bare", "parsed"),
    [
        ("10%", "valor", {"tipo": "percentual", "valor": None, "percentual": 10.0}),
        ("2,5 %", "valor", {"tipo": "percentual", "valor": None, "percentual": 2.5}),
        ("5,00", "valor", {"tipo": "valor", "valor": 5.0, "percentual": None}),
        ("5.00", "valor", {"tipo": "valor", "valor": 5.0, "percentual": None}),
        ("10", "percentual", {"tipo": "percentual", "valor": None, "percentual": 10.0}),
        ("", "valor", {"tipo": None, "valor": None, "percentual": None}),
    ],
)
def test_given_discount_as_typed_when_parsed_then_percent_or_amount(
    raw: str, bare: str, parsed: dict
) -> None:
    assert parse_discount(raw, bare) == parsed


def test_given_wrapped_lists_when_unwrapped_then_elements_are_the_objects() -> None:
    wrapped = {
        "itens": [{"item": {"id": "1"}}],
        "marcadores": [{"marcador": {"id": "2"}}],
        "tags": [{"x": 1}],
    }

    assert unwrap_lists(wrapped) == {"itens": [{"id": "1"}], "marcadores": [{"id": "2"}], "tags": [{"x": 1}]}


def test_given_php_empty_object_and_unknown_fields_when_coerced_then_null_and_passed_through() -> None:
    schema = {
        "type": "object",
        "properties": {
            "ecommerce": {"type": ["null", "object"], "properties": {"id": {"type": ["null", "integer"]}}},
            "quantidade": {"type": ["null", "number"]},
        },
    }

    record = Coercer(schema).coerce({"ecommerce": [], "quantidade": "", "novo_campo": "7"})

    assert record == {"ecommerce": None, "quantidade": None, "novo_campo": "7", "_coercion_errors": []}
