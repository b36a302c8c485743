"""SQLMesh's names for a model in a virtual environment: prod reads `marts.orders`, the
environment `candidate` reads `marts__candidate.orders` (a view on the same kind of table)."""

from __future__ import annotations

PROD = "prod"


def schema_in(environment: str, schema: str) -> str:
    return schema if environment == PROD else f"{schema}__{environment}"


def relation(environment: str, model: str) -> str:
    """`marts.orders` as `environment` shows it, e.g. `marts__candidate.orders`."""
    schema, _, table = model.partition(".")
    return f"{schema_in(environment, schema)}.{table}"
