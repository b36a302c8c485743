"""What a simulator served: a bounded log of API requests and counters, for tests and scripts
(`/__admin/requests`, `/__admin/stats`). Admin requests are counted apart and never logged."""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

REQUEST_LOG_SIZE = 10_000  # enough to see every window of a backfill, bounded for long runs


class RequestStats:
    def __init__(self, *, numbered: bool = False) -> None:
        """`numbered`: every logged entry gets a `seq` (1, 2, ... since the last reset)."""
        self._lock = threading.Lock()
        self._numbered = numbered
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.requests = 0
            self._counters: dict[str, int] = {}
            self._tallies: dict[str, dict[str, int]] = {}
            self.log: deque[dict[str, Any]] = deque(maxlen=REQUEST_LOG_SIZE)
            self._seq = 0

    def record(self, entry: dict[str, Any], **tallies: str) -> None:
        """Log one API request; each `tally=key` counts it under `key` in that tally."""
        with self._lock:
            if self._numbered:
                self._seq += 1
                entry["seq"] = self._seq
            self.requests += 1
            for name, key in tallies.items():
                tally = self._tallies.setdefault(name, {})
                tally[key] = tally.get(key, 0) + 1
            self.log.append(entry)

    def bump(self, counter: str) -> None:
        """Count something that is not a logged API request (admin requests, unknown paths...)."""
        with self._lock:
            self._counters[counter] = self._counters.get(counter, 0) + 1

    def count(self, counter: str) -> int:
        return self._counters.get(counter, 0)

    @property
    def admin_requests(self) -> int:
        return self.count("admin_requests")

    def tally(self, name: str) -> dict[str, int]:
        """One tally, sorted by key."""
        with self._lock:
            return dict(sorted(self._tallies.get(name, {}).items()))

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.log)

    def clear_log(self) -> None:
        with self._lock:
            self.log.clear()
