"""A clock that only moves when the connector sleeps: retry and pacing tests take no real time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

# 2026-02-02 12:00:00 in Brasília (UTC-3): the "now" of the tests unless a test says otherwise.
NOW = datetime(2026, 2, 2, 15, 0, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = NOW) -> None:
        self._lock = threading.Lock()
        self._start = start
        self._elapsed = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        with self._lock:
            return 1_000.0 + self._elapsed

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self._elapsed += max(0.0, seconds)

    @property
    def waits(self) -> list[float]:
        """Sleeps of a second or more: retries and backoff, without the pacer's even spacing of requests
        (60 / limit s x 1.005 at most between two starts: under a second at the limits these tests use)."""
        with self._lock:
            return [s for s in self.sleeps if s >= 1.0]

    @property
    def elapsed(self) -> float:
        with self._lock:
            return self._elapsed
