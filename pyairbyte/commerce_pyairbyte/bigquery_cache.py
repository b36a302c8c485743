"""PyAirbyte's BigQuery cache as the runner's raw destination on BigQuery: one dataset per
connection (its namespace, `raw_<source>`), committing at each state message (checkpoints.py).

Credentials: `commerce_stack.bigquery.credentials` (an emulator: anonymous; else the key file;
else Application Default Credentials), the same for the runner, the gate and the history.

PyAirbyte's own `BigQueryConfig` builds two clients from credentials it finds itself: a
`bigquery.Client` (`get_vendor_client()`: loads, table lookups) and SQLAlchemy's
(`bigquery://project`: DDL, DML, the state tables). Both are built here from the one client of
`bigquery_client()`, the SQLAlchemy dialect receiving it as its DB-API connection's client
(sqlalchemy-bigquery's `user_supplied_client`); no library is patched.

The vendor client also gets the cache's project (PyAirbyte's takes the credentials' own, which an
anonymous credential has not, and a key file's project need not be the warehouse's).

Runs in the PyAirbyte environment only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from airbyte._processors.sql.bigquery import BigQuerySqlProcessor
from airbyte.caches import BigQueryCache
from airbyte.secrets.base import SecretString
from google.cloud import bigquery
from sqlalchemy.engine import make_url

from commerce_pyairbyte.checkpoints import CheckpointingProcessor
from commerce_stack.bigquery import bigquery_client, credentials, emulator_host

__all__ = ["BigQueryWarehouseCache", "bigquery_client", "credentials", "emulator_host"]


class WarehouseBigQuerySqlProcessor(CheckpointingProcessor, BigQuerySqlProcessor):
    """PyAirbyte's BigQuery processor, committing at each state message, loading with a schema
    BigQuery accepts."""

    def _write_files_to_new_table(self, files: list[Path], stream_name: str, batch_id: str) -> str:
        """PyAirbyte's, except that the load job takes the new table's own schema. PyAirbyte 0.71
        gives the load job its DDL type names as field types, `DECIMAL(38, 9)` included, which
        BigQuery's API refuses ("Invalid value for type: DECIMAL(38, 9) is not a valid value",
        PyAirbyte issue #573), so every stream with a number would fail; the emulator accepts it.
        The table was just created by PyAirbyte's DDL (`DECIMAL(38, 9)`, i.e. NUMERIC(38, 9), `JSON`,
        `TIMESTAMP`...), and a load into an existing table without a schema uses the table's."""
        temp_table_name = self._create_table_for_loading(stream_name, batch_id)
        config = self.sql_config
        table_id = f"{config.project_name}.{config.dataset_name}.{temp_table_name}"
        client = config.get_vendor_client()
        job_config = bigquery.LoadJobConfig(source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON)
        for file_path in files:
            with file_path.open("rb") as source_file:
                client.load_table_from_file(source_file, table_id, job_config=job_config).result()
        return temp_table_name


class BigQueryWarehouseCache(BigQueryCache):
    """A raw dataset of the BigQuery warehouse as PyAirbyte's cache."""

    _sql_processor_class: ClassVar[type[BigQuerySqlProcessor]] = WarehouseBigQuerySqlProcessor

    def get_vendor_client(self) -> bigquery.Client:
        return bigquery_client(self.project_name, self.dataset_location, self.credentials_path)

    def get_sql_alchemy_url(self) -> SecretString:
        # The dialect takes its client from connect_args instead of building one (sqlalchemy-bigquery).
        url = make_url(str(super().get_sql_alchemy_url()))
        url = url.difference_update_query(["credentials_path"]).update_query_dict(
            {"user_supplied_client": "true"}
        )
        return SecretString(url.render_as_string(hide_password=False))

    def get_sql_alchemy_connect_args(self) -> dict[str, Any]:
        # An emulator serves no Storage Read API; google-cloud-bigquery would otherwise fetch large
        # results through bigquerystorage.googleapis.com, which does not follow the REST endpoint.
        return {"client": self.get_vendor_client(), "prefer_bqstorage_client": not emulator_host()}
