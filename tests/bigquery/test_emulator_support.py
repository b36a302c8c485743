"""The emulator's test support on its own (no baseline needed): the comparison finds what differs
and only that, a start that fails says why, and the emulator's speed-ups change no parse and no
translation."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import pytest
from support.bigquery_emulator import (
    EMULATOR_DIR,
    EMULATOR_PYTHON,
    EmulatorStartError,
    Table,
    differences,
    duckdb_table,
    running_emulator,
)

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


# Statements of the kinds the pipeline sends, and the forms the speed-ups touch: derived tables
# with joins (an implicit UNNEST of a derived table's alias, in either case), an INFORMATION_SCHEMA
# read as bqemulator inlines it (a VALUES subquery joined to another), SQLMesh's CREATE TABLE with
# columns AS SELECT, a failing parse, a script.
INLINED_COLUMNS = (
    "(SELECT * FROM (VALUES ('test', 'ds', 't1', 'a', 1, NULL), ('test', 'ds', 't1', 'b', 2, 1)) "
    "AS v(table_catalog, table_schema, table_name, column_name, ordinal_position, "
    "clustering_ordinal_position))"
)
SPEED_UP_STATEMENTS = [
    "SELECT x FROM (SELECT [1, 2] AS arr) AS t, t.arr AS x",
    "SELECT x FROM (SELECT [1, 2] AS arr) AS T, t.arr AS x",
    "SELECT * FROM (VALUES (1, [2])) AS v(a, arr), v.arr",
    "SELECT * FROM (SELECT 1 AS a) AS l JOIN (SELECT 1 AS a) AS r USING (a)",
    "WITH c AS (SELECT [1] AS arr) SELECT * FROM c, c.arr AS e",
    "SELECT * FROM `test`.`d`.`t` AS t, t.items AS i",
    "SELECT * FROM `test`.`d`.`t`",
    "SELECT *, JSON_QUERY_ARRAY(items, '$')[ORDINAL(1)] AS first FROM `test`.`d`.`t`",
    "SELECT n, JSON_QUERY_ARRAY(items, '$')[ORDINAL(n)] FROM `test`.`d`.`t` CROSS JOIN UNNEST([1, 2]) AS n",
    f"WITH ci AS (SELECT table_name, STRING_AGG(column_name ORDER BY clustering_ordinal_position) AS k "
    f"FROM {INLINED_COLUMNS} AS c WHERE clustering_ordinal_position IS NOT NULL GROUP BY 1) "
    f"SELECT cols.table_name, ci.k FROM {INLINED_COLUMNS} AS cols LEFT JOIN ci USING (table_name) "
    "WHERE cols.table_name IN ('t1')",
    "CREATE OR REPLACE TABLE `test`.`d`.`m` (`id` INT64, `r` NUMERIC(18, 9)) AS "
    "SELECT CAST(id AS INT64) AS id, CAST(n AS NUMERIC) AS r FROM `test`.`d`.`t`",
    'SET @@query_label = "sqlmesh_plan:x";SELECT 1;',
    "SELECT FROM WHERE",
]
COLUMNS_OF_T = {"id": "BIGINT", "items": "JSON", "n": "BIGINT"}
SCHEMAS = [None, {"t": COLUMNS_OF_T}, {"t": dict(reversed(COLUMNS_OF_T.items()))}]
_COMPARE = """
import json, sys
from commerce_bqemu import fixes
fixes.apply(speed_ups=sys.argv[1] == "on")
import sqlglot
from bqemulator.sql.translator import SQLTranslator
statements, schemas = json.load(sys.stdin)
out = []
for sql in statements:
    for _ in range(2):  # the second time from what the speed-ups kept
        try:
            parsed = repr(sqlglot.parse_one(sql, read="bigquery"))
        except Exception as error:
            parsed = f"{type(error).__name__}: {error}"
        try:
            transpiled = sqlglot.transpile(sql, read="bigquery", write="duckdb")
        except Exception as error:
            transpiled = f"{type(error).__name__}: {error}"
        translated = [repr(SQLTranslator().translate(sql, schema=schema)) for schema in schemas]
        out.append([sql, parsed, transpiled, translated])
print(json.dumps(out))
"""


def _parsed_and_translated(speed_ups: bool) -> list:
    run = subprocess.run(
        [str(EMULATOR_PYTHON), "-c", _COMPARE, "on" if speed_ups else "off"],
        input=json.dumps([SPEED_UP_STATEMENTS, SCHEMAS]),
        capture_output=True,
        text=True,
        cwd=EMULATOR_DIR,
        check=True,
    )
    return json.loads(run.stdout.splitlines()[-1])


def test_the_emulator_s_speed_ups_change_no_parse_and_no_translation():
    """commerce_bqemu.fixes' speed-ups (a parse and a translation kept, a copy not made) give
    sqlglot's trees, its DuckDB SQL and bqemulator's translation exactly as without them, each
    statement twice (the second time from what was kept), with schemas in two column orders."""
    with_them, without = _parsed_and_translated(True), _parsed_and_translated(False)
    assert len(with_them) == 2 * len(SPEED_UP_STATEMENTS)
    for fast, plain in zip(with_them, without, strict=True):
        assert fast == plain, fast[0]
    # the corpus does reach the translator: an implicit UNNEST made explicit, one error kept as such
    assert "UNNEST(t.arr)" in with_them[0][2][0]
    assert with_them[-1][1].startswith("ParseError")


def test_the_emulator_s_requests_keep_their_correlation_id_and_metrics(tmp_path):
    """The one-layer request bookkeeping (commerce_bqemu.fixes.request_bookkeeping_in_one_layer)
    does what bqemulator's three middleware layers did: the caller's trace id is sent back (a new
    id when there is none) and every request is counted by its route template and status."""
    datasets = "/bigquery/v2/projects/test/datasets"
    with running_emulator(tmp_path / "bq", "--in-memory") as url:
        traced = urllib.request.Request(url + datasets, headers={"X-Cloud-Trace-Context": "abc123/456;o=1"})
        with urllib.request.urlopen(traced) as response:
            assert (response.status, response.headers["x-correlation-id"]) == (200, "abc123")
        with urllib.request.urlopen(url + datasets) as response:
            assert len(response.headers["x-correlation-id"]) == 32  # a new uuid4, as hex
        with urllib.request.urlopen(url + "/metrics") as response:
            metrics = response.read().decode()
    route = "/bigquery/v2/projects/{project_id}/datasets"
    assert f'rest_requests_total{{method="GET",route="{route}",status="2xx"}} 2.0' in metrics
