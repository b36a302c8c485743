"""Injected faults: make the next N matching API requests fail (or stall) in a chosen way.

A fault matches on a path prefix (and optionally a method). The first active fault that matches a
request is consumed; faults never apply to /__admin routes. `times: null` keeps a fault until cleared.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from .jscompat import js_dumps


@dataclass
class Fault:
    path_prefix: str = "/"
    method: str | None = None  # None: any method
    status: int | None = None  # None: after the delay, serve the real response ("slow" fault)
    body: Any = ""  # a string is sent as-is; any other JSON value as JSON
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = 1  # None: until cleared
    delay_seconds: float = 0.0
    close_connection: bool = False  # drop the connection without a response
    id: int = 0
    served: int = 0

    @classmethod
    def from_json(cls, spec: Any) -> Fault:
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        known = {
            "path_prefix",
            "method",
            "status",
            "body",
            "headers",
            "times",
            "delay_seconds",
            "close_connection",
        }
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(**spec)
        if not isinstance(fault.path_prefix, str) or not fault.path_prefix.startswith("/"):
            raise ValueError("path_prefix must be a string starting with '/'")
        if fault.status is not None and not (isinstance(fault.status, int) and 100 <= fault.status <= 599):
            raise ValueError("status must be an HTTP status code")
        if fault.times is not None and (not isinstance(fault.times, int) or fault.times < 1):
            raise ValueError("times must be a positive integer or null")
        if not isinstance(fault.headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in fault.headers.items()
        ):
            raise ValueError("headers must map strings to strings")
        if not isinstance(fault.delay_seconds, int | float) or fault.delay_seconds < 0:
            raise ValueError("delay_seconds must be a non-negative number")
        if fault.method is not None:
            fault.method = str(fault.method).upper()
        return fault

    def body_bytes(self) -> tuple[bytes, str]:
        """The body and its default content type."""
        if isinstance(self.body, str):
            return self.body.encode(), "text/plain; charset=utf-8"
        return js_dumps(self.body), "application/json; charset=utf-8"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1
        self.served = 0

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id, self._next_id = self._next_id, self._next_id + 1
            self._faults.append(fault)
        return fault

    def clear(self) -> int:
        with self._lock:
            count, self._faults = len(self._faults), []
        return count

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault matching this request, if any."""
        with self._lock:
            for fault in self._faults:
                if path.startswith(fault.path_prefix) and fault.method in (None, method):
                    fault.served += 1
                    self.served += 1
                    if fault.times is not None and fault.served >= fault.times:
                        self._faults.remove(fault)
                    return fault
        return None
