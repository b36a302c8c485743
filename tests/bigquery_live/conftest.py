"""The live BigQuery tests run only when asked for: `make test-bigquery-live`, i.e. `-m bigquery_live`.

`make test` collects tests/ as a whole; without this, it would also collect the live test (which
then skips for want of credentials). Here the live tests are deselected unless the marker
expression names them."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "bigquery_live" in (config.getoption("markexpr") or ""):
        return
    live = [item for item in items if item.get_closest_marker("bigquery_live")]
    if live:
        config.hook.pytest_deselected(items=live)
        items[:] = [item for item in items if not item.get_closest_marker("bigquery_live")]
