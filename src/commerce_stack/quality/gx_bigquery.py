"""Great Expectations on BigQuery: the gate's SQL datasource reads the warehouse through
sqlalchemy-bigquery, with the pipeline's own client (commerce_stack.bigquery: the emulator's
anonymous credentials, a key file or Application Default Credentials).

GX keeps a datasource's settings in its file context, so the engine's arguments must be plain
data; a client object is not. The client reaches the engine through a SQLAlchemy engine plugin
instead (`plugins=["commerce_bigquery_client"]`, SQLAlchemy's documented extension point): it hands
the dialect our client (sqlalchemy-bigquery's `user_supplied_client`) and adds up the bytes every
query billed, per validated table (the first environment table its SQL names). GX computes the
metrics of several expectations of a suite in one query, so bytes are known per suite (table), not
per expectation. Nothing is patched.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import plugins
from sqlalchemy.engine import URL, CreateEnginePlugin, Engine

from commerce_stack import bigquery

PLUGIN = "commerce_bigquery_client"
# a table of an environment's views as sqlalchemy-bigquery quotes it: `marts__candidate`.`orders`
_ENVIRONMENT_TABLE = re.compile(r"`?(staging|marts|reference)__\w+`?\.`?(\w+)`?")
# suite (schema.table) -> bytes its queries billed, None while no job reported bytes (an emulator)
bytes_per_suite: dict[str, int | None] = {}


class WarehouseClientPlugin(CreateEnginePlugin):
    """Gives a `bigquery://` engine the warehouse's client, and adds up the bytes its jobs billed."""

    def __init__(self, url: URL, kwargs: dict[str, Any]) -> None:
        super().__init__(url, kwargs)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("client", bigquery.warehouse_client())
        # An emulator serves no Storage Read API for query results: read them through REST.
        connect_args.setdefault("prefer_bqstorage_client", not bigquery.emulator_host())

    def update_url(self, url: URL) -> URL:
        return url.update_query_dict({"user_supplied_client": "true"})

    def engine_created(self, engine: Engine) -> None:
        event.listen(engine, "after_cursor_execute", _count_bytes)


def _count_bytes(_connection: Any, cursor: Any, statement: str, *_: Any) -> None:
    match = _ENVIRONMENT_TABLE.search(statement)
    suite = f"{match[1]}.{match[2]}" if match else "(no table)"
    billed = getattr(getattr(cursor, "query_job", None), "total_bytes_billed", None)
    known = bytes_per_suite.get(suite)
    bytes_per_suite[suite] = known if billed is None else (known or 0) + billed


def install() -> None:
    """Register the plugin (idempotent)."""
    plugins.register(PLUGIN, __name__, WarehouseClientPlugin.__name__)


def connection_string() -> str:
    return f"bigquery://{bigquery.project()}"


def engine_kwargs() -> dict[str, Any]:
    return {"plugins": [PLUGIN]}
