"""The report's two charts as geometry, which `templates/*.svg.j2` draw as inline SVG:

- failing checks per run: a stacked bar per run (blocking, then warnings), a thin green bar
  when every check passed, the word "failed" when the run evaluated nothing;
- rows per table: one line per table over the runs, dashed across runs that measured nothing.

Coordinates are rounded to 0.1 px; labels are final text (the templates escape them).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from commerce_stack.quality.report.facts import HistoryRun, RowCountPoint


def run_label(run_id: str) -> str:
    """'20261122T001853Z' -> '11-22 00:18' (the run id is the UTC start time)."""
    match = re.fullmatch(r"\d{4}(\d\d)(\d\d)T(\d\d)(\d\d)\d\dZ", run_id or "")
    return f"{match[1]}-{match[2]} {match[3]}:{match[4]}" if match else (run_id or "")[-10:]


@dataclass(frozen=True)
class Frame:
    """The SVG's size and the plot area inside it."""

    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> int:
        """The y of the horizontal axis."""
        return self.top + self.plot_height


@dataclass(frozen=True)
class Label:
    """A place on the chart and its words: text drawn there, or a data point's tooltip."""

    x: float
    y: float
    text: str


# ------------------------------------------------------------------------ failing checks per run


@dataclass(frozen=True)
class Segment:
    y: float
    height: float
    kind: str  # blocking | warnings


NOTHING_EVALUATED = ("failed", "interrupted")  # run statuses drawn as a grey word, not a bar


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    centre: float
    tip: str
    segments: list[Segment]
    failed: bool  # the run failed (or was interrupted) before it evaluated anything
    all_passed: bool
    date: str
    clock: str
    word: str = "failed"  # said on a failed bar: failed | interrupted


@dataclass(frozen=True)
class FailuresChart:
    frame: Frame
    label: str
    ticks: list[Label]  # gridlines: y and value
    bars: list[Bar]


def failures_chart(runs: list[HistoryRun]) -> FailuresChart:
    frame = Frame(760, 220, 44, 12, 16, 46)
    peak = max([r.blocking_failures + r.warnings for r in runs] + [1])
    step = max(1, math.ceil(peak / 4))
    top_value = step * math.ceil(peak / step)

    def y(value: float) -> float:
        return round(frame.base - value / top_value * frame.plot_height, 1)

    slot = frame.plot_width / max(len(runs), 1)
    width = min(34.0, slot * 0.7)
    bars = []
    for i, r in enumerate(runs):
        x = frame.left + slot * i + (slot - width) / 2
        segments, stacked = [], 0
        for count, kind in ((r.blocking_failures, "blocking"), (r.warnings, "warnings")):
            if count:
                segments.append(
                    Segment(y(stacked + count), round(count / top_value * frame.plot_height, 1), kind)
                )
                stacked += count
        date, _, clock = run_label(r.run_id).partition(" ")
        bars.append(
            Bar(
                x=round(x, 1),
                width=round(width, 1),
                centre=round(x + width / 2, 1),
                tip=f"{r.run_id} {r.status.upper()}: {r.blocking_failures} blocking, {r.warnings} warnings",
                segments=segments,
                failed=r.status in NOTHING_EVALUATED,
                all_passed=r.status not in NOTHING_EVALUATED and not segments,
                date=date,
                clock=clock,
                word=r.status,
            )
        )
    return FailuresChart(
        frame=frame,
        label=f"Failing checks per run over the last {len(runs)} runs: blocking in red, warnings in amber",
        ticks=[Label(frame.left, y(tick), str(tick)) for tick in range(0, top_value + 1, step)],
        bars=bars,
    )


# ------------------------------------------------------------------------------- rows per table


@dataclass(frozen=True)
class RowCountChart:
    frame: Frame
    name: str
    title_id: str
    label: str
    y_labels: list[Label]  # the largest and smallest count (one label when they are equal)
    lines: list[str]  # polyline points, one line per run of consecutive measurements
    gaps: list[tuple[Label, Label]]  # dashed: across runs that measured nothing
    points: list[Label]  # the measurements, with their tooltips
    first: str  # x-axis labels: the first run, the last run with its count
    last: str


def row_count_chart(name: str, points: list[RowCountPoint], index: int) -> RowCountChart:
    frame = Frame(360, 130, 62, 14, 26, 24)
    values = [p.row_count for p in points if p.row_count is not None]
    chart = RowCountChart(
        frame=frame,
        name=name,
        title_id=f"rows-{index}",
        label=f"Row count of {name} over the last {len(points)} runs",
        y_labels=[],
        lines=[],
        gaps=[],
        points=[],
        first=run_label(points[0].run_id) if points else "",
        last="",
    )
    if not values:
        return chart
    low, high = float(min(values)), float(max(values))
    if low == high:
        low, high = low - max(1, abs(low) * 0.05), high + max(1, abs(high) * 0.05)

    def at(i: int, value: int) -> Label:
        x = frame.left + (
            frame.plot_width * i / (len(points) - 1) if len(points) > 1 else frame.plot_width / 2
        )
        y = frame.top + frame.plot_height - (value - low) / (high - low) * frame.plot_height
        return Label(round(x, 1), round(y, 1), f"{points[i].run_id}: {value:,} rows")

    runs_of_points: list[list[Label]] = [[]]
    for i, point in enumerate(points):
        if point.row_count is None:
            if runs_of_points[-1]:
                runs_of_points.append([])
        else:
            runs_of_points[-1].append(at(i, point.row_count))
    drawn = [run for run in runs_of_points if run]
    y_labels = (
        [Label(frame.left - 6, round(drawn[0][0].y + 4, 1), f"{values[0]:,}")]
        if min(values) == max(values)
        else [
            Label(frame.left - 6, frame.top + 4, f"{max(values):,}"),
            Label(frame.left - 6, frame.base, f"{min(values):,}"),
        ]
    )
    last = points[-1].row_count
    return replace(
        chart,
        y_labels=y_labels,
        lines=[" ".join(f"{p.x},{p.y}" for p in run) for run in drawn],
        gaps=[(before[-1], after[0]) for before, after in zip(drawn, drawn[1:], strict=False)],
        points=[p for run in drawn for p in run],
        last=f"{run_label(points[-1].run_id)}: {'n/a' if last is None else f'{last:,}'}",
    )
