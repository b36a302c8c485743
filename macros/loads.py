"""How every staging model reads a raw table: only what the pinned load covers, latest version of
each key (DECISIONLOG: "Raw tables are an append-only log", "Write-audit-publish through pinned
loads")."""

from sqlglot import exp, parse_one
from sqlmesh import macro


@macro()
def latest_loaded(
    evaluator,
    table: exp.Expression,
    key: exp.Expression,
    loaded_through: exp.Expression,
    tombstone: exp.Expression | None = None,
):
    """The rows of the raw `table` extracted at or before `loaded_through`, one per `key`: its latest
    extraction (ties, one extraction appending a key twice, go to the greater _airbyte_raw_id).
    With `tombstone` (a column a connector sets on a deletion record, Airbyte's _ab_cdc_deleted_at):
    the latest extraction that is not one, i.e. the last version the record had.

    Used in FROM: `FROM @latest_loaded(raw_fakestore.carts, id, @loaded_through_fakestore)`.
    `loaded_through` must be the source's variable itself, not a source name the macro would turn
    into one: SQLMesh fingerprints a model on the variables its query names, so a new load of that
    source makes new versions of exactly that source's models."""
    if not (isinstance(loaded_through, exp.Literal) and loaded_through.is_string):
        raise ValueError(
            f"@latest_loaded needs the pinned load as a variable (@loaded_through_<source>), "
            f"got {loaded_through.sql('bigquery')}"
        )
    t, k, pin = (e.sql("bigquery") for e in (table, key, loaded_through))
    versions = "" if tombstone is None else f" AND {tombstone.sql('bigquery')} IS NULL"
    # The pin is a UTC time without a zone: named, since DuckDB reads TIMESTAMP('…') in the session's.
    return parse_one(
        f"(SELECT * FROM {t} WHERE _airbyte_extracted_at <= TIMESTAMP({pin}, 'UTC'){versions} "
        f"QUALIFY ROW_NUMBER() OVER (PARTITION BY {k} ORDER BY _airbyte_extracted_at DESC, "
        "_airbyte_raw_id DESC) = 1)",
        read="bigquery",
    )
