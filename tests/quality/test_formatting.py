"""The wording the report and the digest share: one definition, the same sentences in both."""

from __future__ import annotations

import json

import pytest
from support.dq_history import write_history

from commerce_stack.quality import report, samples
from commerce_stack.quality.alerts import digest_body
from commerce_stack.quality.formatting import (
    BLOCKED_NOTE,
    PROMOTED_NOTE,
    percent,
    plural,
    promotion_note,
    when,
)


def test_when_is_a_utc_instant_for_people():
    assert when("2026-11-22T00:18:53Z") == "2026-11-22 00:18:53 UTC"
    assert when(None) == "—" and when("") == "—"
    assert when(None, missing="-") == "-"


def test_promotion_notes():
    assert promotion_note(True) == PROMOTED_NOTE == "Promoted to prod."
    assert promotion_note(False) == BLOCKED_NOTE == "Not promoted: prod still serves the previous version."


@pytest.mark.parametrize(
    ("count", "word", "text"),
    [
        (0, "warning", "0 warnings"),
        (1, "warning", "1 warning"),
        (2, "row", "2 rows"),
        (1342, "row", "1,342 rows"),
    ],
)
def test_plural(count, word, text):
    assert plural(count, word) == text


def test_percent():
    assert (percent(1.71), percent(5), percent(0.0)) == ("1.71%", "5.00%", "0.00%")
    assert percent(None) == "—" and percent(None, missing="-") == "-"


def test_one_sample_limit():
    assert report.SAMPLE_LIMIT is samples.SAMPLE_LIMIT == 20
    assert samples.fetch_samples.__defaults__ == (samples.SAMPLE_LIMIT,)


def test_the_report_and_the_digest_say_the_same(tmp_path):
    index = report.build_report(write_history(tmp_path / "warehouse.duckdb"), tmp_path / "report")
    facts = json.loads(index.with_name("report.json").read_text())
    run = facts["latest_run"]
    page, body = index.read_text(), digest_body(facts)
    sentence = f"started {when(run['started_at'])}, finished {when(run['finished_at'])}. {BLOCKED_NOTE}"
    assert sentence in page
    assert sentence.replace("started", "Started") in body
    assert PROMOTED_NOTE not in page and PROMOTED_NOTE not in body
