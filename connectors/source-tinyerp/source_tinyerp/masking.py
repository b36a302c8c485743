"""The API token in every form it can take on its way out, registered with the CDK's secret filter.

The entrypoint registers the raw ``api_token`` of the config (it is an ``airbyte_secret``), but the
token also travels URL-encoded in the query string (``requests`` encodes it like ``quote_plus``), may
carry the newline of the file it was read from, and may surface JSON-escaped or base64-encoded in a
message. Every form is registered, so that the CDK's logger and trace messages mask it as ``****``,
and :func:`mask` scrubs the texts the client builds itself (exception texts, bodies).
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus

from airbyte_cdk.utils.airbyte_secrets_utils import add_to_secrets, filter_secrets

MASK = "****"


def token_forms(token: str) -> list[str]:
    """Every encoding of ``token`` (raw and stripped), longest first so that no form is half-masked."""
    forms: set[str] = set()
    for variant in {token, token.strip()}:
        if not variant:
            continue
        forms |= {
            variant,
            quote(variant),
            quote(variant, safe=""),
            quote_plus(variant),
            json.dumps(variant)[1:-1],
            repr(variant)[1:-1],
            base64.b64encode(variant.encode()).decode(),
            base64.urlsafe_b64encode(variant.encode()).decode(),
        }
    return sorted(forms, key=len, reverse=True)


def register_token(token: str) -> list[str]:
    """Register every form of ``token`` with the CDK's secret filter; returns the forms."""
    forms = token_forms(token)
    for form in forms:
        add_to_secrets(form)
    return forms


def mask(text: str, forms: list[str]) -> str:
    """``text`` without any of ``forms`` (nor any other registered secret)."""
    for form in forms:
        text = text.replace(form, MASK)
    return filter_secrets(text)
