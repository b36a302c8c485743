"""thelook end to end: the facts reconcile, per day, with the generator's own rows in raw_thelook
(plain SQL on the raw tables, not the models), every web event is in fct_user_activity once with its
step in its session, and a run that brings one new day builds only that day (and the models'
one-day lookback) of the incremental models, as SQLMesh's plan says.

Two warehouses: the session's baseline (60 generated days) and a copy of it after one more run that
adds one day (`--connection thelook`: the generator and the release, no Airbyte sync).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from support.pipeline_runs import Pipeline, Run, copy_workdir

INCREMENTAL = [
    "staging.stg_thelook__orders",
    "staging.stg_thelook__order_items",
    "staging.stg_thelook__inventory_items",
    "staging.stg_thelook__events",
    "staging.stg_thelook__users",
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
    assert facts == [(d, int(n)) for d, n in raw]


def test_one_new_day_builds_that_day_and_the_lookback_only(baseline, one_day_later) -> None:
    pipeline, run = one_day_later
    assert run.returncode == 0, run.output[-3000:]
    assert run.summary["status"] == "promoted"
    added = [date.fromisoformat(d) for d in run.summary["thelook"]["days"]]
    before = date.fromisoformat(baseline.run.summary["thelook"]["days"][-1])
    assert added == [before + timedelta(days=1)]
    new_day = added[0]
    evaluated = run.summary["evaluated"]
    # SQLMesh's calendar ends yesterday: a model with a lookback always rebuilds its last day too
    run_day = run.summary["run_id"][:8]
    yesterday = date(int(run_day[:4]), int(run_day[4:6]), int(run_day[6:])) - timedelta(days=1)
    for model in INCREMENTAL:
        # returns are dated when they happen, after the day that wrote them: that model's later
        # days are rebuilt too (docs/thelook.md §4)
        ahead = model == "marts.fct_inventory_movements"
        assert evaluated[model] == {
            "first": (new_day - timedelta(days=1)).isoformat(),
            "last": yesterday.isoformat(),
            "intervals": (yesterday - new_day).days + 2 if ahead else 3,
        }, model
    # the whole tables that read thelook are rebuilt once; the other sources' models not at all
    for model in ("marts.orders", "marts.order_lines", "marts.customers", "marts.channels"):
        assert evaluated[model]["intervals"] == 1, model
    assert not [m for m in evaluated if "fakestore" in m or "tinyerp" in m or "linnworks" in m]
    assert run.summary["changed_models"] == []  # no new versions: the same tables, one more day
