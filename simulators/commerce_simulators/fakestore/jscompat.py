"""The JavaScript semantics the real API inherits from Node, Express and Mongoose.

FakeStore is an Express app: query values go through `Number()`, dates through `new Date()`, responses
through `JSON.stringify`. Clients see those rules (e.g. `limit=abc` means "everything", an integral
price serialises as `695`), so the simulator reproduces them instead of using Python's.
"""

from __future__ import annotations

import json
import math
import re
from email.utils import parsedate_tz
from typing import Any

__all__ = [
    "days_from_civil",
    "format_js_date",
    "js_dumps",
    "js_number",
    "js_parse_int",
    "limit_value",
    "parse_js_date",
    "query_value",
]

DAY_MS = 86_400_000
# JS time values are limited to +-8.64e15 ms (ECMA-262 "TimeClip").
_MAX_TIME_MS = 8_640_000_000_000_000
# What String.prototype.trim() strips (WhiteSpace + LineTerminator), unlike Python's str.strip().
_JS_SPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)

_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RADIX = re.compile(r"0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")


def query_value(query: dict[str, list[str]], name: str) -> str | None:
    """One query parameter as Express hands it to the controller.

    A repeated parameter becomes an array in Express; the controllers then coerce it to a string, and
    `Array.prototype.toString` joins with commas (so `limit=1&limit=2` is `Number("1,2")`, i.e. NaN).
    """
    values = query.get(name)
    if values is None:
        return None
    return ",".join(values)


def js_number(text: str | None) -> float:
    """`Number(text)`: NaN for junk, 0 for blank, hex/octal/binary literals, Infinity."""
    if text is None:
        return math.nan  # Number(undefined)
    s = text.strip(_JS_SPACE)
    if not s:
        return 0.0
    if _DECIMAL.fullmatch(s):
        return float(s)
    if _RADIX.fullmatch(s):
        return float(int(s, 0))
    if s in ("Infinity", "+Infinity"):
        return math.inf
    if s == "-Infinity":
        return -math.inf
    return math.nan


def js_parse_int(text: str) -> int | None:
    """`parseInt(text)` (radix 10/16 auto); None stands for NaN (which JSON.stringify writes as null)."""
    m = re.match(r"([+-]?)(0[xX][0-9a-fA-F]+|\d+)", text.lstrip(_JS_SPACE))
    if not m:
        return None
    sign = -1 if m.group(1) == "-" else 1
    digits = m.group(2)
    return sign * (int(digits, 16) if digits[:2].lower() == "0x" else int(digits))


def limit_value(raw: str | None) -> int:
    """`Number(req.query.limit) || 0` as Mongo applies it; 0 means "no limit".

    Mongo reads a negative limit as "that many, in one batch", so `limit=-3` returns 3 records; a
    fractional limit is truncated (UNCONFIRMED against the live site, which never documents either).
    """
    n = js_number(raw)
    if math.isnan(n) or math.isinf(n) or n == 0:
        return 0
    return abs(int(n))


# --- dates --------------------------------------------------------------------------------------------


def days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm, no range limits)."""
    year -= month <= 2
    era = year // 400
    yoe = year - era * 400
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def _civil_from_days(days: int) -> tuple[int, int, int]:
    days += 719468
    era = days // 146097
    doe = days - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (month <= 2), month, day


def format_js_date(ms: int) -> str:
    """`Date.prototype.toISOString()`, which is how Mongo dates reach the client: `...T00:00:00.000Z`."""
    days, rem = divmod(ms, DAY_MS)
    year, month, day = _civil_from_days(days)
    secs, millis = divmod(rem, 1000)
    hh, rest = divmod(secs, 3600)
    mm, ss = divmod(rest, 60)
    ystr = f"{year:04d}" if 0 <= year <= 9999 else f"{'+' if year > 0 else '-'}{abs(year):06d}"
    return f"{ystr}-{month:02d}-{day:02d}T{hh:02d}:{mm:02d}:{ss:02d}.{millis:03d}Z"


# ECMA-262 date-time string format; V8 tries it first.
_ISO = re.compile(
    r"(?P<y>[+-]\d{6}|\d{4})(?:-(?P<mo>\d{2})(?:-(?P<d>\d{2}))?)?"
    r"(?:T(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d+))?)?)?"
    r"(?P<z>Z|[+-]\d{2}:\d{2})?"
)
# A subset of V8's legacy fallback parser: `1970-1-1`, `2020/3/1 10:00`, `2020-03-01 10:00:00+0000`.
_LEGACY = re.compile(
    r"(?P<y>\d{4})[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d+))?)?)?"
    r"\s*(?P<z>Z|UTC|GMT|[+-]\d{2}:?\d{2})?",
    re.IGNORECASE,
)


def _compose(g: dict[str, str | None]) -> int | None:
    year = int(g["y"] or 0)
    month = int(g["mo"] or 1)
    day = int(g["d"] or 1)
    hour, minute, sec = int(g["h"] or 0), int(g["mi"] or 0), int(g["s"] or 0)
    millis = int((g["f"] or "0")[:3].ljust(3, "0"))
    # V8 checks day against 1..31 only, then lets MakeDay overflow: 2019-02-31 is 2019-03-03.
    if not (1 <= month <= 12 and 1 <= day <= 31 and minute <= 59 and sec <= 59):
        return None
    if hour > 24 or (hour == 24 and (minute or sec or millis)):
        return None
    ms = (days_from_civil(year, month, 1) + day - 1) * DAY_MS
    ms += ((hour * 60 + minute) * 60 + sec) * 1000 + millis
    zone = g["z"]
    if zone and zone.upper() not in ("Z", "UTC", "GMT"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        offset_min = int(digits[:2]) * 60 + int(digits[2:])
        ms -= sign * offset_min * 60_000
    return ms if abs(ms) <= _MAX_TIME_MS else None


def parse_js_date(text: str) -> int | None:
    """`new Date(text).getTime()` in ms, or None for an Invalid Date.

    Without a zone, JS reads a bare ISO date as UTC but a date-time (or a legacy form like `1970-1-1`)
    as local time. The simulator's local time is UTC (the Node process behind fakestoreapi.com is
    assumed to run in UTC), so every zone-less form is read as UTC.
    """
    s = text.strip(_JS_SPACE)
    m = _ISO.fullmatch(s)
    if m and m.group("y") != "-000000":
        return _compose(m.groupdict())
    m = _LEGACY.fullmatch(s)
    if m:
        return _compose(m.groupdict())
    # RFC 2822 / toUTCString() forms: "Mon, 02 Mar 2020 00:00:00 GMT".
    parts = parsedate_tz(s)
    if parts is None:
        return None
    y, mo, d, h, mi, sec = parts[:6]
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000 + sec * 1000
    return ms - (parts[9] or 0) * 1000


# --- JSON ---------------------------------------------------------------------------------------------


def _js_values(obj: Any) -> Any:
    """Integral floats become ints: JSON.stringify writes 695, never 695.0 (the integral-price quirk)."""
    if isinstance(obj, float):
        if obj.is_integer() and abs(obj) < 1e21:
            return int(obj)
        return obj
    if isinstance(obj, dict):
        return {k: _js_values(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_js_values(v) for v in obj]
    return obj


def js_dumps(obj: Any, *, js_numbers: bool = True) -> bytes:
    """`JSON.stringify(obj)` as Express's `res.json` sends it: compact, UTF-8, non-ASCII unescaped.

    `js_numbers=False` skips the integral-float walk, for records built with ints where JS has them.
    """
    value = _js_values(obj) if js_numbers else obj
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: JSON.stringify escapes those, so do the same
        return json.dumps(value, separators=(",", ":"), allow_nan=False).encode("ascii")
