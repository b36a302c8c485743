"""Keep a connector's secrets out of what the pipeline writes: a failed sync's message goes to the
terminal, the `dq` history, the stewards' report and the digest mail.

A secret can reach an error message as written, percent-encoded (a token in a URL's query, as
TinyERP's API takes it), JSON- or repr-escaped, or in base64; every such form is replaced.
Used by both environments (the PyAirbyte runner masks its own failure line).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "****"
_SHORTEST = 4  # shorter values (a flag, a port) would mask ordinary words, and guess little


def _base64_cores(raw: bytes) -> set[str]:
    """The base64 characters that depend on `raw` alone, wherever it sits in the encoded bytes
    (`user:secret` in an HTTP Basic header): one run per offset modulo 3."""
    cores = {base64.b64encode(raw).decode().rstrip("=")}  # the secret encoded alone
    for offset in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(bytes(offset) + raw).decode()
            whole_groups = text[4 if offset else 0 : (len(text) // 4 - 1) * 4]
            if len(whole_groups) >= 2 * _SHORTEST:
                cores.add(whole_groups)
    return cores


def _forms(secret: str) -> set[str]:
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        repr(secret)[1:-1],
    }
    return {form for form in forms if len(form) >= _SHORTEST}


def mask(text: str, secrets: Iterable[str]) -> str:
    """`text` with every form of every secret replaced by ****, longest first. A base64 form takes
    the characters of its boundary groups with it: they carry a secret byte or two too."""
    values = [str(secret) for secret in secrets if secret]
    cores = {core for value in values for core in _base64_cores(value.encode())}
    forms = {form for value in values for form in _forms(value)} - cores
    for core in sorted(cores, key=len, reverse=True):
        text = re.sub(f"[A-Za-z0-9+/_-]{{0,4}}{re.escape(core)}[A-Za-z0-9+/_=-]{{0,4}}", MASK, text)
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


def secret_values(configuration: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The configuration's values that the connector's spec marks `airbyte_secret` (top level)."""
    properties = spec.get("properties", {})
    return [
        str(value)
        for key, value in configuration.items()
        if properties.get(key, {}).get("airbyte_secret") and value not in (None, "")
    ]
