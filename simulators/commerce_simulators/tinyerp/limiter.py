"""The account's API limits (docs/tinyerp_api.md §1.4, §6.2.5).

- Minute budget: a **sliding 60-second window** per account. A request is admitted when fewer than
  `requests_per_minute` requests were admitted in the last 60 s, i.e. with timestamps t such that
  now - 60 < t <= now; a request admitted at t stops counting at t + 60 exactly. Otherwise it answers
  code 6. A client that never sends more than N requests in any 60 s never sees code 6, so steady
  pacing at N/60 per second, or bursts of N followed by a 60 s pause, both finish N requests a minute.
- Concurrency: at most `concurrency` requests in flight (admitted and not yet fully answered);
  one more answers code 11. Default: a quarter of the minute budget (60/min -> 15), as
  docs/tinyerp_api.md §1.4 reads the official limits page.
- What counts: every admitted request with the valid token, whatever it answers (OK, 20, 23, 32, an
  injected fault...). Requests refused with 6 or 11 do not count and do not extend the block, and
  requests without a valid token (codes 1/2) belong to no account and count nowhere.
  `block_seconds` > 0 adds a penalty instead: after a code 6 every request answers 6 for that long.
- A minute budget of 0 (or less) disables the budget; a concurrency of 0 disables the cap.

The clock is injected (see clock.py), so tests move time instead of sleeping.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from .clock import Clock

WINDOW_SECONDS = 60.0
RATE_LIMITED = "6"
TOO_MANY_CONCURRENT = "11"


def default_concurrency(requests_per_minute: int) -> int:
    return max(1, requests_per_minute // 4) if requests_per_minute > 0 else 0


class RateLimiter:
    def __init__(
        self,
        clock: Clock,
        requests_per_minute: int = 60,
        concurrency: int | None = None,
        *,
        block_seconds: float = 0.0,
    ) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self.configure(requests_per_minute, concurrency, block_seconds=block_seconds)
        self.reset()

    def configure(
        self,
        requests_per_minute: int | None = None,
        concurrency: int | None = None,
        *,
        block_seconds: float | None = None,
    ) -> None:
        """Change the limits (None keeps a value; concurrency None on first call: rpm // 4)."""
        with self._lock:
            if requests_per_minute is not None:
                self.requests_per_minute = int(requests_per_minute)
            if concurrency is not None:
                self.concurrency = int(concurrency)
            elif not hasattr(self, "concurrency"):
                self.concurrency = default_concurrency(self.requests_per_minute)
            if block_seconds is not None:
                if block_seconds < 0:
                    raise ValueError("block_seconds must be >= 0")
                self.block_seconds = float(block_seconds)

    def reset(self) -> None:
        with self._lock:
            self._admitted: deque[float] = deque()
            self._blocked_until = 0.0
            self.in_flight = 0
            self.max_in_flight = 0
            self.answered_6 = 0
            self.answered_11 = 0
            self.admitted_total = 0

    def _expire(self, now: float) -> None:
        edge = now - WINDOW_SECONDS
        window = self._admitted
        while window and window[0] <= edge:
            window.popleft()

    def acquire(self) -> str | None:
        """Admit a request (None) or say which code refuses it ("6" or "11")."""
        now = self.clock.now()
        with self._lock:
            self._expire(now)
            rpm = self.requests_per_minute
            if rpm > 0 and (now < self._blocked_until or len(self._admitted) >= rpm):
                self.answered_6 += 1
                if self.block_seconds and now >= self._blocked_until:
                    self._blocked_until = now + self.block_seconds
                return RATE_LIMITED
            if self.concurrency > 0 and self.in_flight >= self.concurrency:
                self.answered_11 += 1
                return TOO_MANY_CONCURRENT
            if rpm > 0:
                self._admitted.append(now)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.admitted_total += 1
            return None

    def release(self) -> None:
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)

    def header_value(self) -> str | None:
        """The `x-limit-api` header: the per-minute budget (omitted when unlimited)."""
        return str(self.requests_per_minute) if self.requests_per_minute > 0 else None

    def snapshot(self) -> dict[str, Any]:
        now = self.clock.now()
        with self._lock:
            self._expire(now)
            rpm = self.requests_per_minute
            used = len(self._admitted)
            full = rpm > 0 and used >= rpm
            return {
                "requests_per_minute": rpm,
                "concurrency": self.concurrency,
                "window_seconds": WINDOW_SECONDS,
                "block_seconds": self.block_seconds,
                "in_window": used,
                "remaining": max(0, rpm - used) if rpm > 0 else None,
                # when the next request would be admitted again (0: now)
                "reset_in_seconds": round(
                    max(
                        self._blocked_until - now,
                        (self._admitted[used - rpm] + WINDOW_SECONDS - now) if full else 0.0,
                        0.0,
                    ),
                    3,
                ),
                "in_flight": self.in_flight,
                "max_in_flight": self.max_in_flight,
                "admitted": self.admitted_total,
                "answered_6": self.answered_6,
                "answered_11": self.answered_11,
            }
