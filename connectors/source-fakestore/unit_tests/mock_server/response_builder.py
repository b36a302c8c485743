"""Responses built from the templates in ``unit_tests/resource/http/response/<stream>.json``.

Every FakeStore list endpoint answers a bare JSON array, hence ``RootPath``.
"""

from __future__ import annotations

import json
from typing import Any

from airbyte_cdk.test.mock_http import HttpResponse
from airbyte_cdk.test.mock_http.response_builder import (
    FieldPath,
    HttpResponseBuilder,
    RecordBuilder,
    RootPath,
    create_record_builder,
    create_response_builder,
    find_template,
)

_CURSOR_FIELDS = {"carts": "date"}


def template_records(stream: str) -> list[dict[str, Any]]:
    """The whole reference response of a stream (20 products, 10 users or 7 carts)."""
    return find_template(stream, __file__)  # type: ignore[return-value]  # list templates


def a_record(stream: str) -> RecordBuilder:
    cursor = _CURSOR_FIELDS.get(stream)
    return create_record_builder(
        find_template(stream, __file__),
        RootPath(),  # type: ignore[arg-type]
        record_id_path=FieldPath("id"),
        record_cursor_path=FieldPath(cursor) if cursor else None,
    )


def a_cart(cart_id: int, date: str) -> RecordBuilder:
    """A cart record dated ``date`` (ISO-8601 as the API sends it, e.g. 2020-03-02T00:00:00.000Z)."""
    return a_record("carts").with_id(cart_id).with_cursor(date)


def a_response(stream: str) -> HttpResponseBuilder:
    """An empty 200 response for ``stream``; add records with ``with_record``."""
    return create_response_builder(find_template(stream, __file__), RootPath())  # type: ignore[arg-type]


def full_response(stream: str) -> HttpResponse:
    """The full reference data set of ``stream`` as the live API returns it."""
    return HttpResponse(json.dumps(template_records(stream)), 200)


def records_response(records: list[dict[str, Any]]) -> HttpResponse:
    return HttpResponse(json.dumps(records), 200)


def error_response(status_code: int, body: str = "", headers: dict[str, str] | None = None) -> HttpResponse:
    return HttpResponse(body, status_code, headers or {})
