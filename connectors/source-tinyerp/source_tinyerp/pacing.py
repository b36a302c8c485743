"""Request pacing: the account's per-minute budget and its concurrency limit, shared by every stream.

TinyERP counts calls per account in a 60-second window and answers ``codigo_erro`` 6 above the plan's
limit (the ``x-limit-api`` response header) and 11 above the concurrency limit (a quarter of the
per-minute limit). Both blocks cost a minute of the sync, so the connector paces itself to stay under
them instead of reacting to them.

The rule (a sliding-window log, conservative in both directions):

* A request occupies a slot from the moment it is sent until ``WINDOW_SECONDS`` after its response
  arrived. The server counts the request at some instant between those two moments, so any 60-second
  window the server looks at holds at most the requests that held a slot at the same time.
* A new request may start only while fewer than ``limit`` slots are occupied and fewer than
  ``concurrency`` requests are in flight.
* Requests are spread evenly: a request starts no earlier than ``60 / limit * (1 + SPACING_MARGIN)``
  seconds after the previous one started (the limit as known at that moment).

So the limit is never exceeded, whatever the server's window is (sliding or calendar minutes), and the
budget is spent evenly: a sync of N requests takes about N / limit minutes (the 61-second slot rule
adds at most 1 s a minute), without a burst of ``limit`` followed by a minute's wait.

The clock is injectable. Unit tests use a fake clock whose ``sleep`` only advances time.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Protocol

LOGGER = logging.getLogger("airbyte")

# The server's window, plus one second for clock granularity between client and server.
WINDOW_SECONDS = 61.0
# Used until the first response tells the plan's limit (x-limit-api), or when no response carries it:
# the lowest paid plan (docs/tinyerp_api.md §1.4; the discontinued plans allow 20).
FALLBACK_REQUESTS_PER_MINUTE = 30
# Even spacing between request starts is 60 / limit seconds stretched by this fraction, so that timer
# jitter never packs more than ``limit`` starts into 60 seconds.
SPACING_MARGIN = 0.005


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...

    def now(self) -> datetime:
        """Aware UTC wall-clock time."""
        ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)

    def now(self) -> datetime:
        return datetime.now(UTC)


def seconds_to_next_minute(now: datetime, margin: float = 1.0) -> float:
    """Seconds from ``now`` until ``margin`` seconds after the next wall-clock minute starts."""
    into_minute = now.second + now.microsecond / 1_000_000
    return 60.0 - into_minute + margin


class Pacer:
    """Grants permission to send a request; thread-safe; one instance per sync (shared by all streams).

    ``configured_limit`` is the user's ``requests_per_minute`` (``None``: use the plan's header value).
    The effective limit is the lower of the configured limit and the last ``x-limit-api`` seen.
    """

    def __init__(
        self,
        configured_limit: int | None = None,
        max_concurrency: int = 4,
        clock: Clock | None = None,
    ) -> None:
        self._clock = clock or SystemClock()
        self._configured_limit = configured_limit
        self._header_limit: int | None = None
        self._max_concurrency = max(1, max_concurrency)
        self._lock = threading.Condition()
        self._released: deque[float] = deque()  # monotonic end times of finished requests, ascending
        self._in_flight = 0
        self._blocked_until = 0.0  # monotonic; set after a rate-limit answer
        self._last_start: float | None = None  # monotonic start of the latest granted request
        self._limit_known = configured_limit is not None

    # -- limits ---------------------------------------------------------------------------------------
    @property
    def limit(self) -> int:
        candidates = [x for x in (self._configured_limit, self._header_limit) if x]
        return min(candidates) if candidates else FALLBACK_REQUESTS_PER_MINUTE

    @property
    def concurrency(self) -> int:
        """At most a quarter of the per-minute limit in flight (docs/tinyerp_api.md §1.4), and the
        configured cap."""
        if not self._limit_known:
            return 1  # until the first answer tells the plan, one request at a time
        return max(1, min(self._max_concurrency, self.limit // 4))

    @property
    def interval(self) -> float:
        """Minimum seconds between two request starts: the limit spread evenly over the minute."""
        return 60.0 / self.limit * (1.0 + SPACING_MARGIN)

    def observe_limit_header(self, value: str | None) -> None:
        """Record the plan's per-minute limit from an ``x-limit-api`` header (ignored if not a number)."""
        with self._lock:
            first_answer, self._limit_known = not self._limit_known, True
            try:
                limit = int(str(value).strip())
            except (TypeError, ValueError):
                if first_answer and self._header_limit is None and self._configured_limit is None:
                    LOGGER.warning(
                        f"TinyERP's first answer has no usable x-limit-api header ({value!r}): pacing at "
                        f"{self.limit} requests/minute. Set requests_per_minute to the plan's limit."
                    )
                self._lock.notify_all()
                return
            if limit > 0 and limit != self._header_limit:
                previous, self._header_limit = self._header_limit, limit
                change = f"changed from {previous} to {limit}" if previous else f"is {limit}"
                LOGGER.info(
                    f"TinyERP plan limit (x-limit-api) {change} requests/minute; pacing at {self.limit} per "
                    f"minute, {self.concurrency} in flight."
                )
            self._lock.notify_all()

    def reduce_concurrency(self) -> None:
        """After a concurrency block (code 11): halve the number of requests in flight."""
        with self._lock:
            self._max_concurrency = max(1, min(self._max_concurrency, self.concurrency) // 2)

    def block_for(self, seconds: float) -> None:
        """Hold every request (all streams, all threads) for ``seconds`` from now."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock.monotonic() + seconds)

    # -- slots ----------------------------------------------------------------------------------------
    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for a slot, hold it while the request runs, then keep it occupied for the window."""
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock.monotonic()
                while self._released and self._released[0] + WINDOW_SECONDS <= now:
                    self._released.popleft()
                if self._in_flight >= self.concurrency:
                    self._lock.wait()  # woken by a release
                    continue
                wait = self._blocked_until - now
                if wait <= 0 and self._in_flight + len(self._released) >= self.limit:
                    if not self._released:  # every slot is in flight: wait for a response
                        self._lock.wait()
                        continue
                    wait = self._released[0] + WINDOW_SECONDS - now
                if wait <= 0 and self._last_start is not None:
                    wait = self._last_start + self.interval - now  # even spacing of starts
                if wait <= 0:
                    self._in_flight += 1
                    self._last_start = now
                    return
            # Sleep outside the lock, then look again (another thread may have taken the slot).
            self._clock.sleep(math.ceil(wait * 1000) / 1000)

    def _release(self) -> None:
        with self._lock:
            self._in_flight -= 1
            self._released.append(self._clock.monotonic())
            self._lock.notify_all()
