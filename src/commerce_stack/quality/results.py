# ruff: noqa: E501 (the agreed DDL, verbatim)
"""The data-quality history in the warehouse: schema `dq`, append-only, kept across runs.

`dq.gate_runs` has one row per gate run, `dq.check_results` one per check per run (failing-row
samples and reproduce SQL included), `dq.table_snapshots` the size and freshness of each
validated table per run, `dq.quarantine` the records that could not be typed, and
`dq.stream_counts` each stream's counts from connector to staging per run, `dq.exports` what
each `commerce-stack export` wrote and from which promoted version. The steward
report reads them through `quality/report/records.py`; the e-mail digest (`quality/alerts.py`)
reads the report.
"""

from __future__ import annotations

from typing import Any

DQ_DDL: str = """
CREATE SCHEMA IF NOT EXISTS dq;

CREATE TABLE IF NOT EXISTS dq.gate_runs (
  run_id VARCHAR,            -- e.g. 20261122T001853Z
  environment VARCHAR,       -- the validated SQLMesh environment, e.g. candidate
  started_at TIMESTAMP, finished_at TIMESTAMP,   -- UTC
  status VARCHAR,            -- promoted | blocked | failed
  promoted BOOLEAN,
  checks_total INTEGER, blocking_failures INTEGER, warnings INTEGER,
  loads JSON,                -- {"fakestore": "2026-11-22 00:18:50.123000"}: each source's data is current through this UTC time
  data_docs VARCHAR,         -- path to GX Data Docs index.html for this run (may be NULL)
  message VARCHAR            -- one line: why blocked/failed, NULL if promoted
);

CREATE TABLE IF NOT EXISTS dq.table_snapshots (   -- one row per validated table per run
  run_id VARCHAR, table_name VARCHAR,   -- model name without env suffix, e.g. marts.orders
  owner VARCHAR, row_count BIGINT, current_through TIMESTAMP  -- newest load timestamp in the table (NULL if none)
);

CREATE TABLE IF NOT EXISTS dq.check_results (
  run_id VARCHAR, run_at TIMESTAMP, environment VARCHAR,
  check_id VARCHAR,          -- stable across runs (suite + expectation id, or 'sqlmesh_audit:<model>:<audit>')
  check_name VARCHAR,        -- human label e.g. expect_column_values_to_be_unique(marts.orders.order_key)
  check_source VARCHAR,      -- great_expectations | sqlmesh_audit
  table_name VARCHAR, column_name VARCHAR, owner VARCHAR,
  severity VARCHAR,          -- block | warn
  success BOOLEAN,
  observed_value VARCHAR, unexpected_count BIGINT, unexpected_percent DOUBLE,
  failing_samples JSON,      -- list of up to 20 row objects
  reproduce_sql VARCHAR,     -- runnable SQL that returns the failing rows
  description VARCHAR        -- plain sentence: what is wrong when it fails
);

CREATE TABLE IF NOT EXISTS dq.quarantine (        -- records that could not be typed, kept with the reason
  source VARCHAR, stream VARCHAR, quarantined_at TIMESTAMP, reason VARCHAR, record JSON,
  record_id VARCHAR                                -- id of the (enclosing) source record
);
CREATE TABLE IF NOT EXISTS dq.stream_counts (     -- counts reconciled per stream and run (quality/reconcile.py)
  run_id VARCHAR, environment VARCHAR, connection VARCHAR,
  stream VARCHAR,            -- the raw stream, or stream.field at a nested grain (carts.products)
  emitted BIGINT,            -- records the connector sent in this run's sync; NULL: not synced this run, or a nested grain
  landed BIGINT,             -- rows they left in the raw table (append: rows added); NULL as emitted
  keys_landed BIGINT,        -- distinct keys in raw up to the pinned load, at the stream's grain
  staged BIGINT,             -- rows of its staging model; NULL: the stream has no staging model
  quarantined BIGINT,        -- keys held in its quarantine model
  status VARCHAR,            -- ok | mismatch | not-staged
  checked_at TIMESTAMP       -- UTC
);
CREATE TABLE IF NOT EXISTS dq.exports (           -- one row per mart per export (commerce-stack export)
  export_id VARCHAR,         -- e.g. 20261122T001853Z: the export's folder under its target
  exported_at TIMESTAMP,     -- UTC
  target VARCHAR,            -- the folder, s3://bucket/prefix or md:database (never a credential)
  format VARCHAR,            -- parquet | csv | motherduck
  mart VARCHAR,              -- e.g. marts.orders, read through prod's view
  row_count BIGINT,          -- rows written
  location VARCHAR,          -- the file's path or URI, or the MotherDuck table
  manifest VARCHAR,          -- the export's _export.json (NULL for MotherDuck)
  gate_run_id VARCHAR,       -- the dq.gate_runs run that validated and promoted what was written
  prod_plan VARCHAR,         -- SQLMesh's plan id behind prod (promoted.json's prod_plan)
  loads JSON,                -- the promoted loads: {"fakestore": "2026-11-22 00:18:50.123000"}
  snapshot_table VARCHAR     -- the versioned table prod's view read, e.g. sqlmesh__marts.marts__orders__123
);

-- added after the first release: a history created before it gains the column, rows keep NULL
ALTER TABLE dq.quarantine ADD COLUMN IF NOT EXISTS record_id VARCHAR;
-- on BigQuery, what the run billed: {"models": {model: bytes}, "checks": {suite: bytes}, "pipeline": bytes}
-- (a value is null where no job reported its bytes); NULL on DuckDB and in runs before this column
ALTER TABLE dq.gate_runs ADD COLUMN IF NOT EXISTS bytes_billed JSON;
-- a run whose sync failed (status failed, nothing released): the connection that failed; its line is
-- the message. NULL for every other run, and in runs before this column
ALTER TABLE dq.gate_runs ADD COLUMN IF NOT EXISTS failed_connection VARCHAR;
"""


def ensure_dq_schema(con: Any) -> None:
    """Create schema `dq` and its tables if missing (idempotent; never alters existing history)."""
    con.execute(DQ_DDL)
