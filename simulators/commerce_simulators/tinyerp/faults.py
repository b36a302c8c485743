"""TinyERP faults: the shared switches (core/faults.py), matched on an endpoint name (`pedido.obter`;
`.php` optional; "*" or null: any endpoint) and applied after the request passed the token check and
the rate limiter (so it counts against the budget, like any answered request). Besides the shared
raw `status` answer (a string body is sent as text/html), delay and dropped connection, a fault can

- answer a Tiny error in the envelope (`codigo_erro`: "35", "99", or any code, even "6"), HTTP 200;
- hold the real answer until `release_held()` (`hold: true`), keeping the request in flight, which is
  how tests fill the concurrency cap deterministically.

    {"endpoint": "pedido.obter", "codigo_erro": "35", "times": 2}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import Fault as CoreFault
from ..core import FaultSpecError
from .records import php_json


def endpoint_name(text: str) -> str:
    return text[:-4] if text.endswith(".php") else text


@dataclass
class Fault(CoreFault):
    endpoint: str | None = None  # None / "*": any endpoint
    codigo_erro: str | None = None
    message: str | None = None  # default: the code's standard message
    hold: bool = False

    FIELDS: ClassVar[tuple[str, ...]] = (
        *("endpoint", "codigo_erro", "message", "status", "body", "headers", "times", "delay_seconds"),
        *("hold", "close_connection"),
    )
    TEXT_TYPE: ClassVar[str] = "text/html; charset=utf-8"

    def check(self) -> None:
        if self.endpoint in ("*", ""):
            self.endpoint = None
        if self.endpoint is not None:
            if not isinstance(self.endpoint, str):
                raise FaultSpecError("endpoint must be a string such as 'pedido.obter'")
            self.endpoint = endpoint_name(self.endpoint)
        if self.codigo_erro is not None:
            self.codigo_erro = str(self.codigo_erro)
            if not self.codigo_erro.isdigit():
                raise FaultSpecError("codigo_erro must be a number such as 35")
        if self.codigo_erro is not None and self.status is not None:
            raise FaultSpecError("give codigo_erro or status, not both")

    def matches(self, endpoint: str) -> bool:
        return self.endpoint is None or self.endpoint == endpoint

    def dump_json(self, value: Any) -> bytes:
        return php_json(value)
