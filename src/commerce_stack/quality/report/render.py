"""The report as one static HTML page, rendered from the Jinja2 templates in `templates/`: inline
CSS and SVG, no script, no external asset, so that it renders offline and as an e-mail attachment.

Autoescaping is on for every template. Values are escaped as `html.escape` does (`&quot;`,
`&#x27;`), the entities the report has always used, before Jinja2's own escaping sees them.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from commerce_stack.quality.formatting import (
    NO_VALUE,
    percent,
    plural,
    promotion_note,
    run_outcome,
    sync_failure_note,
    when,
)
from commerce_stack.quality.report.charts import failures_chart, row_count_chart
from commerce_stack.quality.report.facts import FailingCheck, Report

TEMPLATES = Path(__file__).with_name("templates")
STATUS_WORD = {"block": "BLOCK", "warn": "WARN", "ok": "OK", "not-validated": "NOT VALIDATED"}


class _Escaped(str):
    """Text already escaped: Jinja2's autoescaping leaves what has `__html__` as it is."""

    def __html__(self) -> str:
        return self


def _escape(value: Any) -> Any:
    """Jinja2's `finalize`: None prints as nothing; text is escaped like html.escape(quote=True)."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):  # a macro's output: markup already
        return value
    return _Escaped(html.escape(str(value), quote=True))


def number(value: Any) -> str:
    """1342 -> '1,342'; 1.5 -> '1.50'; None -> '—'."""
    if value is None:
        return NO_VALUE
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def size(value: Any) -> str:
    """Bytes for people: 1536 -> '1.5 KiB'; None (not reported) -> '—'."""
    if not isinstance(value, int):
        return NO_VALUE
    for unit, factor in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= factor:
            return f"{value / factor:,.1f} {unit}"
    return f"{value:,} B"


def signed(value: int | None) -> str:
    """A change in row count, '(+52)', or nothing."""
    return "" if value is None else f"({'+' if value >= 0 else ''}{value:,})"


def status_word(status: str) -> str:
    """A table's or a check's status as its badge says it: 'not-validated' -> 'NOT VALIDATED'."""
    return STATUS_WORD.get(status, status)


def json_text(value: Any) -> str:
    """A sample value that is itself a JSON object or list, as JSON."""
    return json.dumps(value, ensure_ascii=False)


def link(path: str) -> str:
    """A local path as a file:// address; anything else as written."""
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else path


def unexpected(check: FailingCheck) -> str:
    """'23 rows (1.71% of the table)'."""
    count, share = check.unexpected_count, check.unexpected_percent
    if count is None and share is None:
        return NO_VALUE
    text = NO_VALUE if count is None else plural(count, "row")
    return text if share is None else f"{text} ({percent(share)} of the table)"


def samples_caption(check: FailingCheck) -> str:
    """'20 sample rows of 23 unexpected'."""
    shown = len(check.samples)
    caption = f"{shown} sample row{'s' if shown != 1 else ''}"
    total, stored = check.unexpected_count, check.samples_stored or shown
    if total is not None and total > shown:
        return f"{caption} of {total:,} unexpected"
    return f"{caption} of {stored:,} kept" if stored > shown else caption


def sample_columns(samples: list[dict[str, Any]]) -> list[str]:
    """Every column of the sample rows, in order of appearance."""
    columns: list[str] = []
    for row in samples:
        columns.extend(k for k in row if k not in columns)
    return columns


def recurrence_text(check: FailingCheck) -> str:
    """Since when the check fails, beside its NEW or RECURRING badge."""
    if check.recurrence == "recurring":
        return (
            f"failing since run {check.first_seen_run_id} ({when(check.first_seen_at)}), "
            f"{check.streak_runs} runs in a row"
        )
    text = f"first seen in this run ({when(check.first_seen_at)})"
    if check.failed_runs > 1:
        text += (
            f"; it failed before, first in run {check.first_failed_ever_run_id} "
            f"({when(check.first_failed_ever_at)}), {check.failed_runs} failing runs in all"
        )
    return text


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_escape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({f.__name__: f for f in (when, number, size, signed, link, status_word, json_text)})
    env.globals.update(
        {
            f.__name__: f
            for f in (promotion_note, run_outcome, sync_failure_note, unexpected, samples_caption)
            + (sample_columns, recurrence_text)
            + (failures_chart, row_count_chart)
        }
    )
    return env


_ENV = _environment()


def render_html(report: Report) -> str:
    """The whole page."""
    return _ENV.get_template("report.html.j2").render(report=report, run=report.latest_run)
