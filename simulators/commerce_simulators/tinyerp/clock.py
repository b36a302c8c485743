"""Clocks and TinyERP's date formats.

Everything inside the simulator is an epoch second (int or float). Tiny shows times in Brasília local
time (docs/tinyerp_api.md §1.1); America/Sao_Paulo has had no daylight saving time since 2019, so a
fixed UTC-3 offset gives the same strings as the tz database for every date the simulator produces
and keeps formatting free of the host's tzdata.

The clock drives both the rate limiter's window and the timestamps of changes made by `advance`.
`SystemClock` is the wall clock (the CLI); `ManualClock` only moves when told (tests advance it
instead of sleeping).
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol

SAO_PAULO = timezone(timedelta(hours=-3), "America/Sao_Paulo")
_OFFSET = 3 * 3600
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


class Clock(Protocol):
    def now(self) -> float:
        """Epoch seconds."""
        ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that stands still until `advance`/`set` move it (thread-safe)."""

    def __init__(self, start: float | datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._now = _epoch(start) if start is not None else DEFAULT_MANUAL_START

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a clock does not go back")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, when: float | datetime) -> None:
        with self._lock:
            self._now = _epoch(when)


def _epoch(when: float | datetime) -> float:
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError("use a timezone-aware datetime")
        return when.timestamp()
    return float(when)


def local_ts(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Epoch seconds of a Sao Paulo wall-clock time."""
    return int(datetime(year, month, day, hour, minute, second, tzinfo=SAO_PAULO).timestamp())


# The generated history ends here; ManualClock starts a little later by default.
DATA_END = local_ts(2026, 1, 1) - 1  # 31/12/2025 23:59:59
DEFAULT_MANUAL_START = float(local_ts(2026, 1, 2, 9, 0, 0))


def local_day(ts: float) -> int:
    """Days since 1970-01-01 of the Sao Paulo calendar date of `ts`."""
    return (int(ts) - _OFFSET) // 86400


_DAY_TEXT: dict[int, str] = {}


def day_text(day: int) -> str:
    """dd/mm/yyyy of a day number (cached: a few thousand distinct days at most)."""
    text = _DAY_TEXT.get(day)
    if text is None:
        d = date.fromordinal(day + _EPOCH_ORDINAL)
        text = _DAY_TEXT[day] = f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    return text


def fmt_date(ts: float) -> str:
    return day_text(local_day(ts))


def fmt_datetime(ts: float) -> str:
    t = int(ts) - _OFFSET
    s = t % 86400
    return f"{day_text(t // 86400)} {s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def iso_local(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(SAO_PAULO).isoformat()


_DATE_RE = re.compile(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*")


def parse_tiny_datetime(text: str) -> int | None:
    """`dd/mm/yyyy` (midnight) or `dd/mm/yyyy hh:mm[:ss]` in Sao Paulo time -> epoch seconds."""
    m = _DATE_RE.fullmatch(text)
    if not m:
        return None
    d, mo, y, h, mi, s = m.groups()
    try:
        return local_ts(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))
    except ValueError:
        return None


def parse_tiny_day(text: str) -> int | None:
    """A `dd/mm/yyyy` filter date (a time part, if any, is ignored) -> day number."""
    ts = parse_tiny_datetime(text)
    return None if ts is None else local_day(ts)
