"""A failed sync's line reaches the terminal, the `dq` history, the report and the mail: a connector
secret in it is masked in every form an error message can carry it (commerce_stack.secret_forms)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import quote, quote_plus, unquote, unquote_plus

import pytest

from commerce_stack.secret_forms import MASK, SecretMask

SECRET = "not+the/secret=="  # characters that URL-encoding, JSON and base64 all change
PIECES = {SECRET[i : i + 6] for i in range(len(SECRET) - 5)}


def _readings(text: str) -> list[str]:
    """Every way a reader could decode `text`: as is, URL-decoded, unescaped, and each run of
    base64 characters decoded from each of its characters on."""
    readings = [text, unquote(text), unquote_plus(text), text.replace("\\\\", "\\")]
    for run in re.findall(r"[A-Za-z0-9+/_-]{4,}", text):
        for start in range(len(run)):
            chunk = run[start:]
            chunk = chunk[: len(chunk) - len(chunk) % 4]
            for decode in (base64.b64decode, base64.urlsafe_b64decode):
                try:
                    readings.append(decode(chunk).decode("latin-1"))
                except (binascii.Error, ValueError):
                    continue
    return readings


@pytest.mark.parametrize(
    "carried",
    [
        SECRET,
        quote(SECRET, safe=""),
        quote_plus(SECRET),
        json.dumps(SECRET),
        repr("prefix\\" + SECRET),
        base64.b64encode(SECRET.encode()).decode(),
        base64.b64encode(b"user:" + SECRET.encode()).decode(),  # an HTTP Basic header
        base64.urlsafe_b64encode(b"ab" + SECRET.encode() + b"cd").decode(),
    ],
    ids=["as is", "quote", "quote_plus", "json", "repr", "base64", "basic auth", "urlsafe base64"],
)
def test_no_six_characters_of_a_secret_can_be_read_back_in_any_form(carried):
    text = f"connection tinyerp: check failed: GET /pedidos?token={carried}&formato=json: 401"
    assert any(piece in reading for reading in _readings(text) for piece in PIECES)  # readable before
    masked = SecretMask([SECRET]).mask(text)
    assert masked.startswith("connection tinyerp: check failed: GET /pedidos?token=")
    assert masked.endswith("&formato=json: 401") and MASK in masked
    assert not [piece for reading in _readings(masked) for piece in PIECES if piece in reading]


def test_text_without_a_secret_is_unchanged_and_short_values_are_not_secrets():
    text = "connection fakestore: check failed: HTTP 503 on http://127.0.0.1:8080/products"
    assert SecretMask(["s3cr3t-token", "80", ""]).mask(text) == text
