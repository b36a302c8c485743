"""Injected faults: the next N matching API requests answer an error of the tester's choosing.

A fault matches an endpoint name (`pedido.obter`; `.php` optional; "*" or null: any endpoint) and
is applied after the request passed the token check and the rate limiter (so it counts against the
budget, like any answered request). It can

- answer a Tiny error in the envelope (`codigo_erro`: "35", "99", or any code, even "6"), HTTP 200;
- answer a raw HTTP status with a body (`status`: 503, `body`, `headers`), like a gateway failure;
- delay the real answer (`delay_seconds`) or hold it until `release_held()` (`hold: true`), keeping
  the request in flight, which is how tests fill the concurrency cap deterministically;
- drop the connection without an answer (`close_connection`).

`times: null` keeps a fault until cleared. Faults never apply to /__admin routes.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

HOLD_TIMEOUT_SECONDS = 60.0


def endpoint_name(text: str) -> str:
    return text[:-4] if text.endswith(".php") else text


@dataclass
class Fault:
    endpoint: str | None = None  # None / "*": any endpoint
    codigo_erro: str | None = None
    message: str | None = None  # default: the code's standard message
    status: int | None = None  # a raw HTTP answer instead of the envelope
    body: Any = ""
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = 1
    delay_seconds: float = 0.0
    hold: bool = False
    close_connection: bool = False
    id: int = 0
    served: int = 0

    @classmethod
    def from_json(cls, spec: Any) -> Fault:
        if not isinstance(spec, dict):
            raise ValueError("a fault is a JSON object")
        known = {
            "endpoint",
            "codigo_erro",
            "message",
            "status",
            "body",
            "headers",
            "times",
            "delay_seconds",
            "hold",
            "close_connection",
        }
        unknown = set(spec) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(**spec)
        if fault.endpoint in ("*", ""):
            fault.endpoint = None
        if fault.endpoint is not None:
            if not isinstance(fault.endpoint, str):
                raise ValueError("endpoint must be a string such as 'pedido.obter'")
            fault.endpoint = endpoint_name(fault.endpoint)
        if fault.codigo_erro is not None:
            fault.codigo_erro = str(fault.codigo_erro)
            if not fault.codigo_erro.isdigit():
                raise ValueError("codigo_erro must be a number such as 35")
        if fault.codigo_erro is not None and fault.status is not None:
            raise ValueError("give codigo_erro or status, not both")
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
        return fault

    def matches(self, endpoint: str) -> bool:
        return self.endpoint is None or self.endpoint == endpoint

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultBook:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1
        self._holds: list[threading.Event] = []
        self.served = 0

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            fault.id, self._next_id = self._next_id, self._next_id + 1
            self._faults.append(fault)
        return fault

    def clear(self) -> int:
        with self._lock:
            count, self._faults = len(self._faults), []
        self.release_held()
        return count

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, endpoint: str) -> Fault | None:
        """Consume one use of the first fault matching this endpoint, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(endpoint):
                    fault.served += 1
                    self.served += 1
                    if fault.times is not None and fault.served >= fault.times:
                        self._faults.remove(fault)
                    return fault
        return None

    def wait_released(self) -> None:
        """Block the calling request until `release_held` (or a safety timeout)."""
        event = threading.Event()
        with self._lock:
            self._holds.append(event)
        try:
            event.wait(HOLD_TIMEOUT_SECONDS)
        finally:
            with self._lock:
                if event in self._holds:
                    self._holds.remove(event)

    @property
    def held(self) -> int:
        with self._lock:
            return len(self._holds)

    def release_held(self) -> int:
        with self._lock:
            holds, self._holds = self._holds, []
        for event in holds:
            event.set()
        return len(holds)
