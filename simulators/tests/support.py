"""Helpers shared by the simulator tests: real HTTP (urllib) against servers on 127.0.0.1:0."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any, TypeVar


@dataclass
class HttpResult:
    status: int
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


R = TypeVar("R", bound=HttpResult)


def request(
    method: str,
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
    result: type[R] = HttpResult,  # type: ignore[assignment]
) -> R:
    """One request; an HTTP error status is a result like any other."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return result(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return result(error.code, error.headers, error.read())
