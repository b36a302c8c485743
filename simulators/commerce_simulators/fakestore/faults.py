"""FakeStore faults: the shared switches (core/faults.py) matched on a path prefix and optionally a
method (`PathFault`). A string body is sent as text/plain, any other JSON value the way
JSON.stringify writes it.

    {"path_prefix": "/carts", "status": 429, "times": 2, "headers": {"Retry-After": "1"}}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..core import PathFault
from .jscompat import js_dumps


@dataclass
class Fault(PathFault):
    def dump_json(self, value: Any) -> bytes:
        return js_dumps(value)
