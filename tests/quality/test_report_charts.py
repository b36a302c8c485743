"""The geometry of the report's two charts."""

from __future__ import annotations

import pytest

from commerce_stack.quality.report.charts import failures_chart, row_count_chart, run_label
from commerce_stack.quality.report.facts import HistoryRun, RowCountPoint


def _run(run_id: str, status: str, blocking: int, warnings: int) -> HistoryRun:
    return HistoryRun(run_id, None, None, status, status == "promoted", 10, blocking, warnings, None)


def test_run_label():
    assert run_label("20261122T001853Z") == "11-22 00:18"
    assert run_label("manual-run-0000042") == "un-0000042"  # not a timestamp: its last 10 characters


def test_failing_checks_are_stacked_per_run():
    chart = failures_chart(
        [_run("20261118T001500Z", "promoted", 0, 0), _run("20261120T001500Z", "failed", 0, 0),
         _run("20261122T001853Z", "blocked", 3, 2)]
    )  # fmt: skip
    base = chart.frame.base
    assert [t.text for t in chart.ticks] == ["0", "2", "4", "6"]  # 5 failing at most: steps of 2
    clean, failed, blocked = chart.bars
    assert (clean.all_passed, clean.failed, clean.segments) == (True, False, [])
    assert (failed.all_passed, failed.failed) == (False, True)
    assert [s.kind for s in blocked.segments] == ["blocking", "warnings"]
    blocking, warnings = blocked.segments
    assert blocking.y + blocking.height == pytest.approx(base)
    assert warnings.y + warnings.height == pytest.approx(blocking.y)
    assert blocking.height == round(3 / 6 * chart.frame.plot_height, 1)
    assert (blocked.date, blocked.clock) == ("11-22", "00:18")
    assert blocked.tip == "20261122T001853Z BLOCKED: 3 blocking, 2 warnings"


def test_row_counts_are_a_line_broken_where_nothing_was_measured():
    points = [RowCountPoint("20261118T001500Z", 1200), RowCountPoint("20261119T001500Z", 1250),
              RowCountPoint("20261120T001500Z", None), RowCountPoint("20261121T001500Z", 1342)]  # fmt: skip
    chart = row_count_chart("marts.orders", points, 3)
    assert (chart.title_id, chart.label) == ("rows-3", "Row count of marts.orders over the last 4 runs")
    assert len(chart.lines) == 2 and len(chart.points) == 3
    assert chart.gaps == [(chart.points[1], chart.points[2])]
    assert [label.text for label in chart.y_labels] == ["1,342", "1,200"]
    assert chart.points[0].y == chart.frame.base and chart.points[-1].y == chart.frame.top
    assert (chart.first, chart.last) == ("11-18 00:15", "11-21 00:15: 1,342")
    assert chart.points[-1].text == "20261121T001500Z: 1,342 rows"


def test_row_counts_that_never_change_or_were_never_measured():
    flat = row_count_chart("marts.products", [RowCountPoint("20261118T001500Z", 20)] * 2, 0)
    assert [label.text for label in flat.y_labels] == ["20"] and flat.lines and not flat.gaps
    unmeasured = row_count_chart("marts.products", [RowCountPoint("20261118T001500Z", None)], 0)
    assert unmeasured.points == [] and unmeasured.lines == [] and unmeasured.y_labels == []
    assert unmeasured.last == "" and unmeasured.first == "11-18 00:15"
