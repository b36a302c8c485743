"""Where thelook_ecommerce is read: in place on BigQuery, the generator's replica on DuckDB.

The one place that maps thelook's tables per gateway (docs/thelook.md §1): every stg_thelook__
model names its table through `@thelook_table(<table>)`, so SQLMesh fingerprints the models per
gateway and the external models (external_models.yaml) declare both spellings.
"""

from sqlglot import exp
from sqlmesh import macro


@macro()
def thelook_table(evaluator, table: exp.Expression):
    """`raw_thelook.<table>` on the embedded DuckDB (the generator's replica), the public data set's
    table on BigQuery: the variable thelook_dataset (config.yaml), the public data set unless set."""
    name = table.name
    if evaluator.gateway == "bigquery":
        project, dataset = evaluator.var("thelook_dataset").split(".")
        return exp.table_(name, db=dataset, catalog=project, quoted=True)
    return exp.table_(name, db="raw_thelook")


@macro()
def thelook_wkt(evaluator, geography: exp.Expression):
    """A GEOGRAPHY as WKT text: BigQuery's ST_ASTEXT; the replica already stores WKT (DuckDB has
    no GEOGRAPHY without its spatial extension)."""
    if evaluator.gateway == "bigquery":
        return exp.Anonymous(this="ST_ASTEXT", expressions=[geography])
    return exp.cast(geography, "TEXT")
