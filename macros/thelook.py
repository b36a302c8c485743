"""Where thelook_ecommerce is read: in place on BigQuery, the generator's replica on DuckDB.

The one place that maps thelook's tables per gateway (docs/thelook.md §1): every stg_thelook__
model names its table through `@thelook_table(<table>)`, so SQLMesh fingerprints the models per
gateway and the external models (external_models.yaml) declare both spellings.
"""

from sqlglot import exp
from sqlmesh import macro


@macro()
def thelook_table(evaluator, table: exp.Expression):
    """`<table>` of the dataset the variable thelook_dataset names (config.yaml): raw_thelook, the
    generator's replica, on the embedded DuckDB; the public data set on BigQuery (its gateway's
    own value). Unit tests set it to raw_thelook, so one test reads the same input on both."""
    name, dataset = table.name, evaluator.var("thelook_dataset")
    if "." in dataset:  # another project's dataset: quoted, as `bigquery-public-data` must be
        project, dataset = dataset.split(".")
        return exp.table_(name, db=dataset, catalog=project, quoted=True)
    return exp.table_(name, db=dataset)


@macro()
def thelook_wkt(evaluator, geography: exp.Expression):
    """A location as WKT text: ST_ASTEXT where thelook stores GEOGRAPHY (the public data set: the
    variable thelook_geography, set by the BigQuery gateway); the replica already stores WKT (DuckDB
    has no GEOGRAPHY without its spatial extension), and so do the unit tests' inputs."""
    if evaluator.var("thelook_geography", False):
        return exp.Anonymous(this="ST_ASTEXT", expressions=[geography])
    return exp.cast(geography, "TEXT")
