"""FakeStore faults: the shared switches (core/faults.py) matched on a path prefix and optionally a
method. A string body is sent as text/plain, any other JSON value the way JSON.stringify writes it.

    {"path_prefix": "/carts", "status": 429, "times": 2, "headers": {"Retry-After": "1"}}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..core import Fault as CoreFault
from ..core import FaultSpecError
from .jscompat import js_dumps


@dataclass
class Fault(CoreFault):
    path_prefix: str = "/"
    method: str | None = None  # None: any method

    FIELDS: ClassVar[tuple[str, ...]] = ("path_prefix", "method", *CoreFault.FIELDS)

    def check(self) -> None:
        if not isinstance(self.path_prefix, str) or not self.path_prefix.startswith("/"):
            raise FaultSpecError("path_prefix must be a string starting with '/'")
        if self.method is not None:
            self.method = str(self.method).upper()

    def matches(self, method: str, path: str) -> bool:
        return path.startswith(self.path_prefix) and self.method in (None, method)

    def dump_json(self, value: Any) -> bytes:
        return js_dumps(value)
