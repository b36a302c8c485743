"""The summary a run prints ends the log of a scheduled `commerce-stack gate` (after an Airbyte
instance's sync): it names the load of each source the run pinned, on either gateway."""

from __future__ import annotations

from commerce_stack.pipeline.summary import RunSummary, print_summary


def test_given_pinned_loads_when_the_summary_is_printed_then_each_source_and_its_mark_are_named(capsys):
    summary = RunSummary(run_id="20270101T060000Z", warehouse="bigquery:my-shop", status="promoted")
    summary.loads = {"fakestore": "2027-01-01 05:00:12.000000", "tinyerp": "2027-01-01 05:59:58.123456"}
    print_summary(summary)
    out = capsys.readouterr().out
    assert (
        "loads pinned (raw data read, per source):\n"
        "  fakestore                                through 2027-01-01 05:00:12.000000 UTC\n"
        "  tinyerp                                  through 2027-01-01 05:59:58.123456 UTC\n"
        "rows per mart (prod):\n"
    ) in out


def test_given_a_run_that_pinned_nothing_when_printed_then_no_loads_line(capsys):
    print_summary(RunSummary(run_id="20270101T060000Z", warehouse="data/warehouse.duckdb", status="failed"))
    assert "loads pinned" not in capsys.readouterr().out
