"""thelook_ecommerce: Google's public synthetic web shop (docs/thelook.md).

On BigQuery the models read `bigquery-public-data.thelook_ecommerce` where it is; on the embedded
DuckDB default `generator` writes a replica of its seven tables into `raw_thelook`, a few days more
at every run.
"""
