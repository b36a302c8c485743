"""The emulator's test support on its own (no baseline needed): the comparison finds what differs
and only that, and a start that fails says why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest
from support.bigquery_emulator import EmulatorStartError, Table, differences, duckdb_table, running_emulator

pytestmark = pytest.mark.bigquery

COLUMNS = [
    ("order_key", "STRING", "VARCHAR"),
    ("amount", "NUMERIC", "DECIMAL(18,2)"),
    ("ordered_at", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"),
]


def _table(*rows: tuple) -> Table:
    return Table(COLUMNS, list(rows))


def test_given_the_same_values_in_other_scales_and_order_then_nothing_differs():
    duck = _table(("a", Decimal("1.50"), datetime(2026, 1, 1, 3, tzinfo=UTC)), ("b", None, None))
    emulated = _table(("b", None, None), ("a", Decimal("1.500000000"), datetime(2026, 1, 1, 3, tzinfo=UTC)))
    assert differences("marts.t", duck, emulated) == []


def test_given_a_duckdb_table_then_instants_are_read_in_utc_json_as_canonical_text_and_decimals_exact(
    tmp_path,
):
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute("CREATE TABLE marts.t (k VARCHAR, ts TIMESTAMPTZ, j JSON, n DECIMAL(18, 2), d TIMESTAMP)")
        con.execute(
            "INSERT INTO marts.t VALUES ('a', '2026-01-01 00:00:00-03', '{\"b\": 1, \"a\": [1.5]}', 1.50, "
            "'2026-01-01 03:00:00')"
        )
    table = duckdb_table(path, "marts.t")
    assert table.families == [
        ("k", "STRING"),
        ("ts", "TIMESTAMP"),
        ("j", "JSON"),
        ("n", "NUMERIC"),
        ("d", "DATETIME"),
    ]
    instant = datetime(2026, 1, 1, 3, tzinfo=UTC)
    assert table.rows == [("a", instant, '{"a": [1.5], "b": 1}', Decimal("1.5"), datetime(2026, 1, 1, 3))]
    assert duckdb_table(path, "marts.t", columns=["d"], naive_timestamps_are_utc=True).rows == [(instant,)]


def test_given_a_changed_value_then_the_row_is_named_by_its_key_with_both_values():
    duck = _table(("a", Decimal("1.34"), None), ("b", Decimal("2"), None))
    emulated = _table(("a", Decimal("1.342"), None), ("b", Decimal("2"), None))
    found = differences("marts.t", duck, emulated)
    assert found[0] == (
        "marts.t: 2 rows on DuckDB, 2 on the emulator; 1 DuckDB rows are not on the emulator, "
        "1 emulator rows are not on DuckDB"
    )
    assert found[1] == (
        "marts.t.amount: 1 rows differ, e.g. order_key='a': "
        "Decimal('1.34') (DuckDB) vs Decimal('1.342') (emulator)"
    )


def test_given_a_null_a_missing_row_and_another_type_then_each_is_reported():
    duck = Table(
        [("day", "DATE", "DATE"), ("n", "INT64", "BIGINT")], [(date(2026, 1, 1), 1), (date(2026, 1, 2), 2)]
    )
    emulated = Table([("day", "DATE", "DATE"), ("n", "FLOAT64", "FLOAT")], [(date(2026, 1, 1), None)])
    found = differences("marts.t", duck, emulated)
    assert "marts.t.n: type BIGINT on DuckDB, FLOAT on the emulator" in found
    assert any(
        line.startswith("marts.t.n: 1 rows differ, e.g. day=datetime.date(2026, 1, 1): 1 (DuckDB) vs NULL")
        for line in found
    )
    assert any(line.startswith("marts.t: 1 rows only on DuckDB") for line in found)


def test_given_other_columns_then_only_the_columns_are_reported():
    emulated = Table([("key", "STRING", "STRING")], [("a",)])
    assert differences("marts.t", _table(), emulated) == [
        "marts.t: columns differ: DuckDB ['order_key', 'amount', 'ordered_at'], emulator ['key']"
    ]


def test_given_an_emulator_that_cannot_start_then_the_error_has_its_command_and_its_own_words(tmp_path):
    with pytest.raises(EmulatorStartError) as failure, running_emulator(tmp_path / "bq", "--no-such-option"):
        pass
    message = str(failure.value)
    assert "the BigQuery emulator did not start: it exited before its ready line (exit code 2)" in message
    assert "--no-such-option" in message.splitlines()[-1]  # argparse's own complaint, from its log


def test_given_masked_columns_then_only_whether_they_hold_a_value_is_compared():
    duck = _table(("a", Decimal("1"), datetime(2026, 1, 1, tzinfo=UTC)), ("b", Decimal("2"), None))
    later = _table(("a", Decimal("1"), datetime(2026, 1, 2, tzinfo=UTC)), ("b", Decimal("2"), None))
    missing = _table(("a", Decimal("1"), None), ("b", Decimal("2"), None))
    masked = {"ordered_at"}
    assert differences("marts.t", duck, later) != []
    assert differences("marts.t", duck.masked(masked), later.masked(masked)) == []
    assert differences("marts.t", duck.masked(masked), missing.masked(masked))[1] == (
        "marts.t.ordered_at: 1 rows differ, e.g. order_key='a': True (DuckDB) vs False (emulator)"
    )
