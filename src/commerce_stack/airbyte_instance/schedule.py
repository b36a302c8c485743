"""A connection's schedule as the Airbyte public API stores it: a Quartz cron in UTC.

The API keeps every cron in UTC (it ignores any other zone and reads back `"<cron> UTC"`), and
refuses crons that run more often than hourly. Our connections declare a cron with the zone a
person thinks in (`timezone`), so the cron is converted here, and only where the conversion is
exact on every day of the year: a zone with one offset all year, or a schedule whose hours and days
do not move when the zone's offset does (hourly at a fixed minute, in a zone whose offsets differ
by whole hours). Anything else is refused with the UTC crons to write instead
(docs/airbyte_instance.md §3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commerce_stack.airbyte_config import AirbyteConfigError

SCHEDULE_TYPES = {"cron", "manual"}
_ANY = {"*", "?"}
_HOURS = range(24)


@dataclass(frozen=True)
class Schedule:
    """What the API is sent (`schedule_type`, `cron_expression` in UTC) and, for the plan, the
    conversion made (`note`), if any."""

    schedule_type: str
    cron_expression: str | None = None
    note: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {
            "schedule_type": self.schedule_type,
            "cron_expression": self.cron_expression,
            "note": self.note,
        }


def utc_schedule(declared: dict, where: str, now: datetime | None = None) -> Schedule:
    """The declared `schedule` (type, cron_expression, timezone) as the API stores it; `where`
    names the file in errors, `now` starts the year whose offsets are checked."""
    kind = declared.get("type", "manual")
    if kind not in SCHEDULE_TYPES:
        raise AirbyteConfigError(
            f"{where}: schedule.type must be one of {sorted(SCHEDULE_TYPES)}, got {kind!r}"
        )
    if kind == "manual":
        return Schedule("manual")
    expression = " ".join(str(declared.get("cron_expression") or "").split())
    fields = expression.split(" ")
    if len(fields) not in (6, 7):
        raise AirbyteConfigError(
            f"{where}: schedule.cron_expression {expression!r} is not a Quartz cron "
            "(seconds minutes hours day-of-month month day-of-week [year])"
        )
    seconds, minutes, hours, *days = fields
    if not (seconds.isdigit() and minutes.isdigit()):
        raise AirbyteConfigError(
            f"{where}: schedule.cron_expression {expression!r} runs more often than hourly, which Airbyte "
            "refuses: give seconds and minutes one number each (hourly: 0 0 * * * ?)"
        )
    zone_name = str(declared.get("timezone") or "UTC")
    try:
        zone = ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AirbyteConfigError(f"{where}: schedule.timezone {zone_name!r} is not a time zone") from None
    offsets = _offsets(zone, now or datetime.now(UTC))
    if offsets == {0}:
        note = None if zone_name == "UTC" else f"{expression} {zone_name} -> {expression} UTC"
        return Schedule("cron", expression, note)
    hour_set = _hours(hours, expression, where)
    days_restricted = any(field not in _ANY for field in days)
    converted = _convert(seconds, int(minutes), hour_set, days, offsets, days_restricted)
    if converted is None:
        why = _why_not(seconds, int(minutes), hour_set, days, offsets, days_restricted, zone_name)
        raise AirbyteConfigError(f"{where}: schedule {expression} in {zone_name} {why}")
    return Schedule("cron", converted, f"{expression} {zone_name} -> {converted} UTC")


def _why_not(
    seconds: str,
    minute: int,
    hours: set[int],
    days: list[str],
    offsets: set[int],
    days_restricted: bool,
    zone_name: str,
) -> str:
    """Why no one UTC cron fits, and what to write instead (with timezone: UTC)."""
    by_offset = {o: _convert(seconds, minute, hours, days, {o}, days_restricted) for o in sorted(offsets)}
    seasons = " and ".join(f"UTC{_offset_text(o)}" for o in sorted(offsets))
    if len(offsets) == 1:
        return (
            f"falls on another day in UTC than in {zone_name} ({seasons}), and its day fields would "
            "have to move with it: write the cron in UTC, with timezone: UTC"
        )
    instead = " or ".join(f"{cron} UTC" for cron in by_offset.values() if cron)
    write = (
        f"write {instead} with timezone: UTC"
        if None not in by_offset.values()
        else ("write the cron in UTC, with timezone: UTC")
    )
    return (
        f"is not one UTC cron on every day of the year ({zone_name} is {seasons} by the season, and "
        f"Airbyte stores crons in UTC): {write}"
    )


def _offsets(zone: ZoneInfo, start: datetime) -> set[int]:
    """The zone's UTC offsets (minutes) over the year from `start`, hour by hour."""
    found = set()
    for hour in range(0, 366 * 24):
        offset = (start + timedelta(hours=hour)).astimezone(zone).utcoffset()
        found.add(int(offset.total_seconds() // 60) if offset is not None else 0)
    return found


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _hours(field: str, expression: str, where: str) -> set[int]:
    """The hours a Quartz hours field names (`*`, `5`, `1,13`, `9-17`, `*/2`, `9-17/4`)."""
    found: set[int] = set()
    try:
        for part in field.split(","):
            span, _, step = part.partition("/")
            if span == "*":
                first, last = 0, 23
            elif "-" in span:
                first, last = (int(n) for n in span.split("-", 1))
            else:
                first = int(span)
                last = 23 if step else first
            found |= set(range(first, last + 1, int(step) if step else 1))
    except ValueError:
        found = {-1}
    if not found or not found <= set(_HOURS):
        raise AirbyteConfigError(
            f"{where}: schedule.cron_expression {expression!r} has an hours field Quartz reads as 0-23"
        )
    return found


def _convert(
    seconds: str, minute: int, hours: set[int], days: list[str], offsets: set[int], days_restricted: bool
) -> str | None:
    """The UTC cron that fires at the same instants under every offset of `offsets`, or None."""
    shifted: set[tuple[int, int, int]] = set()  # (hour, minute, day shift) in UTC
    for offset in offsets:
        for hour in hours:
            total = hour * 60 + minute - offset
            shifted.add(((total // 60) % 24, total % 60, total // (24 * 60)))
    minutes = {m for _, m, _ in shifted}
    if len(minutes) != 1:
        return None  # the offsets differ by a fraction of an hour: no one minute fits
    utc_hours = {h for h, _, _ in shifted}
    every_hour = hours == set(_HOURS)
    if len(offsets) > 1 and not every_hour:
        return None  # the hours move with the season
    if days_restricted and any(shift for _, _, shift in shifted):
        return None  # the instant falls on another UTC day than the local one
    hour_field = "*" if utc_hours == set(_HOURS) else ",".join(str(h) for h in sorted(utc_hours))
    return " ".join([seconds, str(minutes.pop()), hour_field, *days])
