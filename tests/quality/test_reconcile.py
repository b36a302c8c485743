"""The reconciliation's verdicts on given counts (the counting itself runs on the baseline's
warehouse: tests/pipeline/test_stream_counts.py and test_gate_defects.py)."""

from __future__ import annotations

from commerce_stack.quality.reconcile import StreamCount, reconcile_checks


def _check(count: StreamCount):
    [check] = reconcile_checks([(count, "SELECT 1")])
    return check


def test_a_record_emitted_but_not_landed_blocks_with_the_counts():
    check = _check(StreamCount("fakestore", "carts", 7, 6, 7, 7, 0))
    assert (check.success, check.severity, check.unexpected_count) == (False, "block", 1)
    assert check.observed_value == "emitted 7, landed 6, keys 7, staged 7, quarantined 0"
    assert check.label == "counts_reconcile(raw_fakestore.carts)"
    assert check.reproduce_sql is None  # raw and staging agree: no key to name


def test_a_key_neither_staged_nor_quarantined_blocks_and_keeps_the_query_naming_it():
    check = _check(StreamCount("tinyerp", "orders.itens", None, None, 687, 685, 1))
    assert (check.success, check.unexpected_count, check.column) == (False, 1, "itens")
    assert check.reproduce_sql == "SELECT 1"
    assert check.label == "counts_reconcile(raw_tinyerp.orders.itens)"


def test_quarantined_records_count_as_accounted_for():
    assert _check(StreamCount("fakestore", "carts.products", None, None, 16, 15, 1)).success


def test_a_merged_stream_may_land_fewer_rows_than_it_emitted_never_more():
    assert StreamCount("x", "s", 5, 3, 3, 3, 0, merged=True).status == "ok"
    assert StreamCount("x", "s", 5, 6, 6, 6, 0, merged=True).status == "mismatch"
    assert StreamCount("x", "s", 5, 3, 3, 3, 0).status == "mismatch"  # appended: every record lands


def test_a_stream_without_staging_model_is_checked_only_when_synced():
    unsynced = StreamCount("tinyerp", "invoices", None, None, 256, None, 0)
    assert unsynced.status == "not-staged" and reconcile_checks([(unsynced, "")]) == []
    synced = _check(StreamCount("tinyerp", "invoices", 256, 256, 256, None, 0))
    assert synced.success and synced.observed_value == "emitted 256, landed 256, keys 256"
