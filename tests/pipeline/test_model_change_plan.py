"""An analytics engineer's change shows in `sqlmesh plan` with its downstream impact.

The plan is built against the warehouse the end-to-end runs promoted, with the loads pinned as
the pipeline pins them, so the only difference from prod is the edited model.
"""

from __future__ import annotations

import pytest
from sqlmesh import Context
from sqlmesh.utils.errors import NoChangesPlanError
from support.pipeline_runs import copy_project

from commerce_stack.transform.project import pin_loads
from commerce_stack.transform.promotion import promoted_loads


@pytest.fixture
def project_copy(tmp_path, history, monkeypatch):
    monkeypatch.setenv("COMMERCE_WAREHOUSE_PATH", str(history["pipeline"].warehouse))
    for source in ("FAKESTORE", "TINYERP"):  # pin_loads sets them; restored afterwards
        monkeypatch.setenv(f"LOADED_THROUGH_{source}", "")
    return copy_project(tmp_path / "project", with_unit_tests=True)


def _plan(project) -> tuple[set[str], set[str]]:
    # raw is ahead of prod (the last run was blocked): plan against what prod serves
    pin_loads(promoted_loads())
    ctx = Context(paths=str(project), gateway="duckdb")
    try:
        plan = ctx.plan_builder("dev", skip_tests=True).build()  # the edit breaks a unit test on purpose
        direct = {s.name for s in plan.directly_modified}
        indirect = {s.name for ids in plan.indirectly_modified.values() for s in ids}
        return direct, indirect
    finally:
        ctx.close()


def _short(names: set[str]) -> set[str]:
    return {n.replace('"warehouse".', "").replace('"', "") for n in names}


def test_given_no_edit_when_planning_dev_then_nothing_differs_from_prod(project_copy):
    with pytest.raises(NoChangesPlanError, match="project files match the `prod` environment"):
        _plan(project_copy)


def test_given_an_edited_staging_model_when_planning_dev_then_its_marts_are_downstream(project_copy):
    model = project_copy / "models" / "staging" / "stg_fakestore__products.sql"
    text = model.read_text()
    assert "@trim_whitespace(title) AS title" in text
    edited = "UPPER(@trim_whitespace(title)) AS title"
    model.write_text(text.replace("@trim_whitespace(title) AS title", edited))

    direct, indirect = _plan(project_copy)

    assert _short(direct) == {"staging.stg_fakestore__products"}
    # products feed the lines, the lines the orders, the orders the daily sales; stock snapshots
    # name their products
    assert _short(indirect) == {
        "marts.products",
        "marts.order_lines",
        "marts.orders",
        "marts.daily_sales",
        "marts.inventory_snapshots",
        # and the order facts are built from the orders and their lines
        "marts.fct_order_headers",
        "marts.fct_order_items",
        "marts.fct_orders",
    }
