"""thelook end to end: the facts reconcile, per day, with the generator's own rows in raw_thelook
(plain SQL on the raw tables, not the models), every web event is in fct_user_activity once with its
step in its session, and a run that brings one new day rebuilds only the facts' days from prod's
last thelook day on, in the candidate's own tables and then, after the gate, in prod's (no new versions); a
defect in such a day blocks the run and leaves prod as it was.

Two warehouses: the session's baseline (60 generated days) and a copy of it after one more run that
adds one day (`--connection thelook`: the generator and the release, no Airbyte sync).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest
from support.pipeline_runs import Pipeline, Run, copy_workdir

FACTS = [
    "marts.fct_order_headers",
    "marts.fct_order_items",
    "marts.fct_orders",
    "marts.fct_inventory_movements",
    "marts.fct_user_activity",
]
UTC_DAY = "CAST({0} AT TIME ZONE 'UTC' AS DATE)"


@pytest.fixture(scope="module")
def one_day_later(baseline, tmp_path_factory) -> tuple[Pipeline, Run]:
    pipeline = Pipeline(copy_workdir(baseline.workdir, tmp_path_factory.mktemp("thelook")))
    return pipeline, pipeline.run("--connection", "thelook")


@pytest.fixture(scope="module", params=["baseline", "one_day_later"])
def warehouse(request, baseline, one_day_later) -> Pipeline:
    return baseline.pipeline if request.param == "baseline" else one_day_later[0]


def test_the_order_facts_reconcile_per_day_with_the_generators_rows(warehouse: Pipeline) -> None:
    raw = warehouse.query(
        f"""
        SELECT {UTC_DAY.format("o.created_at")} AS day, count(DISTINCT o.order_id),
               count(i.id), sum(CAST(round(i.sale_price, 2) AS DECIMAL(18, 2))),
               sum(CAST(round(i.sale_price, 2) AS DECIMAL(18, 2)))
                 FILTER (WHERE o.status NOT IN ('Cancelled', 'Returned'))
        FROM raw_thelook.orders AS o JOIN raw_thelook.order_items AS i ON i.order_id = o.order_id
        GROUP BY 1 ORDER BY 1
        """
    )
    facts = warehouse.query(
        """
        SELECT order_date, count(*), sum(item_quantity), sum(order_total), sum(net_amount)
        FROM marts.fct_order_headers WHERE source = 'thelook' GROUP BY 1 ORDER BY 1
        """
    )
    assert len(raw) >= 60
    assert [(d, n, Decimal(u), r, k or Decimal(0)) for d, n, u, r, k in raw] == facts
    items = warehouse.query(
        "SELECT order_date, count(*), sum(quantity), sum(line_amount) FROM marts.fct_order_items"
        " WHERE source = 'thelook' GROUP BY 1 ORDER BY 1"
    )
    assert [(d, u, Decimal(u), r) for d, _, u, r, _ in raw] == items
    wide = warehouse.query(
        "SELECT order_date, count(DISTINCT order_key), count(*), sum(line_amount) FROM marts.fct_orders"
        " WHERE source = 'thelook' GROUP BY 1 ORDER BY 1"
    )
    assert [(d, n, u, r) for d, n, u, r, _ in raw] == wide


def test_every_event_is_in_user_activity_once_with_its_step(warehouse: Pipeline) -> None:
    (raw_events,) = warehouse.query("SELECT count(*) FROM raw_thelook.events")[0]
    (anonymous,) = warehouse.query("SELECT count(*) FROM raw_thelook.events WHERE user_id IS NULL")[0]
    assert anonymous > 0
    found = warehouse.query(
        f"""
        SELECT count(*), count(DISTINCT a.event_key), count(*) FILTER (WHERE a.is_anonymous),
               count(*) FILTER (WHERE a.step_in_session <> e.sequence_number
                                   OR a.event_date <> {UTC_DAY.format("e.created_at")}
                                   OR a.session_id <> 'thelook:' || e.session_id)
        FROM marts.fct_user_activity AS a
        FULL JOIN raw_thelook.events AS e ON a.event_key = 'thelook:' || e.id
        """
    )
    assert found == [(raw_events, raw_events, anonymous, 0)]


def test_inventory_movements_are_the_units_received_sold_and_returned(warehouse: Pipeline) -> None:
    raw = warehouse.query(
        f"""
        SELECT day, sum(change) FROM (
          SELECT {UTC_DAY.format("created_at")} AS day, 1 AS change FROM raw_thelook.inventory_items
          UNION ALL SELECT {UTC_DAY.format("sold_at")}, -1 FROM raw_thelook.inventory_items
                    WHERE sold_at IS NOT NULL
          UNION ALL SELECT {UTC_DAY.format("returned_at")}, 1 FROM raw_thelook.order_items
                    WHERE status = 'Returned'
        ) GROUP BY 1 ORDER BY 1
        """
    )
    facts = warehouse.query(
        "SELECT movement_date, sum(quantity_change) FROM marts.fct_inventory_movements"
        " WHERE source = 'thelook' GROUP BY 1 ORDER BY 1"
    )
    # a return is dated when it happens, which can be after the run: SQLMesh's calendar ends on
    # the last whole day before the run, so those returns join the fact on a later run
    (ran,) = warehouse.query("SELECT max(started_at)::DATE FROM dq.gate_runs WHERE promoted")[0]
    assert facts == [(d, int(n)) for d, n in raw if d < ran]


def _prod_table(pipeline: Pipeline, model: str) -> str:
    """The versioned table behind prod's view of `model` (schema.table)."""
    schema, table = model.split(".")
    (sql,) = pipeline.query(
        "SELECT sql FROM duckdb_views() WHERE schema_name = ? AND view_name = ?", [schema, table]
    )[0]
    return sql.split("FROM")[-1].strip().rstrip(";")


def test_one_new_day_rebuilds_only_its_days_in_prods_own_tables(baseline, one_day_later) -> None:
    pipeline, run = one_day_later
    assert run.returncode == 0, run.output[-3000:]
    assert run.summary["status"] == "promoted"
    added = [date.fromisoformat(d) for d in run.summary["thelook"]["days"]]
    before = date.fromisoformat(baseline.run.summary["thelook"]["days"][-1])
    assert added == [before + timedelta(days=1)]
    assert f"thelook's new days only: forward-only from {before}" in run.output
    # the candidate built the facts' days from prod's last thelook day (late rows) to the new one
    evaluated = run.summary["evaluated"]
    for fact in FACTS:
        assert evaluated[fact] == {"first": before.isoformat(), "last": added[0].isoformat(), "intervals": 2}
    # the whole tables that read thelook are rebuilt (FULL: one query for those days); the other
    # sources' models not at all
    for model in ("marts.orders", "marts.order_lines", "marts.customers", "marts.channels"):
        assert evaluated[model]["first"] == before.isoformat(), model
    assert not [m for m in evaluated if "fakestore" in m or "tinyerp" in m or "linnworks" in m]
    # prod kept its fact tables (no new version, no rebuilt history): the same table, one more day
    for fact in FACTS:
        assert _prod_table(pipeline, fact) == _prod_table(baseline.pipeline, fact), fact
    assert f"building thelook's days from {before} in prod's tables" in run.output


def test_a_blocked_new_day_leaves_prod_as_it_was(baseline, tmp_path_factory) -> None:
    """A defect in thelook's new rows blocks the candidate; prod's views, its facts' tables and
    their rows stay as they were (the candidate's days were built in its own dev tables)."""
    pipeline = Pipeline(copy_workdir(baseline.workdir, tmp_path_factory.mktemp("thelook_blocked")))
    before = date.fromisoformat(baseline.run.summary["thelook"]["days"][-1])
    activity = "SELECT count(*), max(event_date) FROM marts.fct_user_activity"
    served = pipeline.query(activity)
    with duckdb.connect(str(pipeline.warehouse)) as con:
        con.execute(
            "INSERT INTO raw_thelook.events (id, user_id, sequence_number, session_id, created_at,"
            " ip_address, city, state, postal_code, browser, traffic_source, uri, event_type)"
            " VALUES (999999999999, NULL, 1, 'teleport-session', ?, '10.0.0.1', 'Nowhere', 'Nowhere',"
            " '00000', 'Chrome', 'Email', '/teleport', 'teleport')",
            [f"{before} 23:59:59+00"],
        )
    run = pipeline.run("--connection", "thelook", "--thelook-days", "0")
    assert run.summary["status"] == "blocked", run.output[-3000:]
    assert f"thelook's new days only: forward-only from {before}" in run.output
    assert "BLOCKING: event_type_known(marts__candidate.fct_user_activity.event_type)" in run.output
    assert "BLOCKING: event_type_known(staging__candidate.stg_thelook__events.event_type)" in run.output
    assert pipeline.query(activity) == served
    assert pipeline.query(
        "SELECT count(*) FROM marts.fct_user_activity WHERE event_key LIKE '%999999999999'"
    ) == [(0,)]
    assert pipeline.query(
        "SELECT count(*) FROM staging.stg_thelook__events WHERE event_type = 'teleport'"
    ) == [(0,)]
    for fact in FACTS:
        assert _prod_table(pipeline, fact) == _prod_table(baseline.pipeline, fact), fact
