"""A secret in every form it can take on its way through the pipeline, to mask it or look for it.

A token travels as itself, without the newline a file gave it, percent-encoded in a URL (`quote`,
`quote_plus`, upper- or lower-case hex), base64 in a header, escaped in JSON, in a Python repr or
in HTML. Masking only the raw string misses a token with `+`, `/`, `=`, `%` or `&` in every other
form. The local runner masks what it prints and logs with `SecretMask`; the tests look for every
form with `SecretMask.found_in`. Standard library only: every environment imports it.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "****"
_PERCENT_ESCAPE = re.compile(r"%[0-9A-F]{2}")
_SHORTEST = 4  # shorter values (a flag, a port) would mask ordinary words, and guess little


def _percent_forms(value: str) -> set[str]:
    encoded = {quote(value, safe=""), quote(value), quote_plus(value), quote_plus(value, safe="/")}
    return encoded | {_PERCENT_ESCAPE.sub(lambda m: m.group().lower(), e) for e in encoded}


def _base64_forms(value: str) -> set[str]:
    raw = value.encode()
    encoded = {base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()}
    return encoded | {e.rstrip("=") for e in encoded}


def base64_cores(value: str) -> set[str]:
    """The base64 characters that depend on `value` alone wherever it sits in the encoded bytes
    (`user:secret` in an HTTP Basic header): one run per offset modulo 3, both alphabets."""
    raw, cores = value.encode(), set()
    for offset in range(3):
        for encode in (base64.b64encode, base64.urlsafe_b64encode):
            text = encode(bytes(offset) + raw).decode()
            whole_groups = text[4 if offset else 0 : (len(text) // 4 - 1) * 4]
            if len(whole_groups) >= 2 * _SHORTEST:
                cores.add(whole_groups)
    return cores


def _escaped_forms(value: str) -> set[str]:
    return {
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        repr(value)[1:-1],
        html.escape(value),
        html.escape(value, quote=False),
    }


def forms(secret: str) -> set[str]:
    """Every form of `secret` and of `secret` without surrounding whitespace (a token read from a
    file ends with a newline); empty forms are left out."""
    found: set[str] = set()
    for value in {secret, secret.strip()}:
        if len(value) >= _SHORTEST:
            found |= {value} | _percent_forms(value) | _base64_forms(value) | _escaped_forms(value)
    return {form for form in found if len(form) >= _SHORTEST}


class SecretMask:
    """Secrets to replace by `MASK` in text and bytes, in every form. Values can be added while it
    is in use (a connection's secrets are known once its spec is): the set is replaced whole."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms: tuple[str, ...] = ()
        self._bytes: tuple[bytes, ...] = ()
        self._cores: set[str] = set()
        self._core_pattern: re.Pattern[str] | None = None
        self._core_bytes: re.Pattern[bytes] | None = None
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        every, cores = set(self._forms), set(self._cores)
        for secret in secrets:
            if isinstance(secret, str) and len(secret.strip()) >= _SHORTEST:
                every |= forms(secret)
                cores |= base64_cores(secret) | base64_cores(secret.strip())
        # longest first: a form inside a longer one must not leave the rest of the longer one behind
        ordered = tuple(sorted(every, key=lambda f: (-len(f), f)))
        self._forms, self._bytes, self._cores = ordered, tuple(f.encode() for f in ordered), cores
        if cores:
            # a base64 core takes its boundary groups along: they carry a secret byte or two too
            alternatives = "|".join(re.escape(c) for c in sorted(cores, key=len, reverse=True))
            pattern = f"[A-Za-z0-9+/_-]{{0,4}}(?:{alternatives})[A-Za-z0-9+/_=-]{{0,4}}"
            self._core_pattern = re.compile(pattern)
            self._core_bytes = re.compile(pattern.encode())

    @property
    def forms(self) -> tuple[str, ...]:
        return self._forms

    def __bool__(self) -> bool:
        return bool(self._forms)

    def mask(self, text: str) -> str:
        if self._core_pattern is not None:
            text = self._core_pattern.sub(MASK, text)
        for form in self._forms:
            if form in text:
                text = text.replace(form, MASK)
        return text

    def mask_bytes(self, data: bytes) -> bytes:
        if self._core_bytes is not None:
            data = self._core_bytes.sub(MASK.encode(), data)
        for form in self._bytes:
            if form in data:
                data = data.replace(form, MASK.encode())
        return data

    def found_in(self, data: str | bytes) -> list[str]:
        """The forms present in `data` (a test's scan: where a secret leaked, and how)."""
        text = data.decode("latin-1") if isinstance(data, bytes) else data
        return [f for f in (*self._forms, *sorted(self._cores)) if f in text]
