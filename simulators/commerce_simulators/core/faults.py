"""Fault switches: make the next N matching API requests fail, stall or hang up.

A simulator subclasses `Fault` with what a fault matches on (a path prefix, an endpoint...) and any
answer of its own; the switches every simulator shares are here:

- `status` (+ `body`, `headers`): a raw HTTP answer instead of the real one (a string body is sent
  as-is, any other JSON value as JSON); without a status the real answer follows the delay;
- `delay_seconds`: wait before answering;
- `close_connection`: drop the connection without an answer;
- `times`: how many requests it applies to (`null`: until cleared).

The first active fault that matches a request is consumed. Faults never apply to /__admin routes.
`FaultBook` also holds requests until released, for simulators whose faults can `hold`.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

from .http import JSON_TYPE, Response

HOLD_TIMEOUT_SECONDS = 60.0


class FaultSpecError(ValueError):
    """A fault spec that cannot be applied; the message says which field and why."""


@dataclass
class Fault:
    status: int | None = None
    body: Any = ""
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = 1
    delay_seconds: float = 0.0
    close_connection: bool = False
    id: int = 0
    served: int = 0

    # The fields a spec may give, in the order `to_json` lists them (then id and served).
    FIELDS: ClassVar[tuple[str, ...]] = (
        "status",
        "body",
        "headers",
        "times",
        "delay_seconds",
        "close_connection",
    )
    TEXT_TYPE: ClassVar[str] = "text/plain; charset=utf-8"  # of a string body

    @classmethod
    def from_json(cls, spec: Any) -> Fault:
        """A validated fault (FaultSpecError, a ValueError, when the spec is not one)."""
        if not isinstance(spec, dict):
            raise FaultSpecError("a fault is a JSON object")
        unknown = set(spec) - set(cls.FIELDS)
        if unknown:
            raise FaultSpecError(f"unknown fault fields: {sorted(unknown)}")
        fault = cls(**spec)
        fault.check()
        if fault.status is not None and not (isinstance(fault.status, int) and 100 <= fault.status <= 599):
            raise FaultSpecError("status must be an HTTP status code")
        if fault.times is not None and (not isinstance(fault.times, int) or fault.times < 1):
            raise FaultSpecError("times must be a positive integer or null")
        if not isinstance(fault.headers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in fault.headers.items()
        ):
            raise FaultSpecError("headers must map strings to strings")
        if not isinstance(fault.delay_seconds, int | float) or fault.delay_seconds < 0:
            raise FaultSpecError("delay_seconds must be a non-negative number")
        return fault

    def check(self) -> None:
        """Validate and normalise the simulator's own fields (runs before the shared checks)."""

    def matches(self, *request: Any) -> bool:
        """Whether the fault applies to a request (the simulator says what describes one)."""
        raise NotImplementedError

    def dump_json(self, value: Any) -> bytes:
        """A non-string body, in the simulator's JSON dialect."""
        raise NotImplementedError

    def answer(self) -> Response | None:
        """The raw HTTP answer of a `status` fault (None: serve the real answer)."""
        if self.status is None:
            return None
        if isinstance(self.body, str):
            body, ctype = self.body.encode(), self.TEXT_TYPE
        else:
            body, ctype = self.dump_json(self.body), JSON_TYPE
        return Response(self.status, body, ctype, headers=list(self.headers.items()))

    def to_json(self) -> dict[str, Any]:
        values = asdict(self)
        return {name: values[name] for name in (*self.FIELDS, "id", "served")}


@dataclass
class PathFault(Fault):
    """A fault matched on a path prefix and optionally a method (None: any method):

    {"path_prefix": "/carts", "status": 429, "times": 2, "headers": {"Retry-After": "1"}}
    """

    path_prefix: str = "/"
    method: str | None = None

    FIELDS: ClassVar[tuple[str, ...]] = ("path_prefix", "method", *Fault.FIELDS)
    IGNORE_CASE: ClassVar[bool] = False  # True for APIs whose routes are case-insensitive

    def check(self) -> None:
        if not isinstance(self.path_prefix, str) or not self.path_prefix.startswith("/"):
            raise FaultSpecError("path_prefix must be a string starting with '/'")
        if self.method is not None:
            self.method = str(self.method).upper()

    def matches(self, method: str, path: str) -> bool:
        prefix = self.path_prefix
        if self.IGNORE_CASE:
            path, prefix = path.lower(), prefix.lower()
        return path.startswith(prefix) and self.method in (None, method)


class FaultBook:
    """The active faults of one simulator, and the requests held by `hold` faults."""

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
        """Remove every fault (and release held requests); returns how many faults there were."""
        with self._lock:
            count, self._faults = len(self._faults), []
        self.release_held()
        return count

    def active(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def take(self, *request: Any) -> Fault | None:
        """Consume one use of the first fault matching this request, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(*request):
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
