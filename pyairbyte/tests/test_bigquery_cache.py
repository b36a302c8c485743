"""The BigQuery cache's credentials, clients and loads, without a BigQuery: nothing here connects.
The end-to-end proof on the emulator is tests/bigquery/test_pipeline_on_emulator.py (root environment)."""

from __future__ import annotations

import json
from pathlib import Path

import google.oauth2.credentials
import pytest
from airbyte.shared.catalog_providers import CatalogProvider
from airbyte_protocol.models import ConfiguredAirbyteCatalog
from commerce_pyairbyte.bigquery_cache import (
    BigQueryWarehouseCache,
    WarehouseBigQuerySqlProcessor,
    bigquery_client,
    credentials,
)
from google.auth.credentials import AnonymousCredentials
from google.cloud import bigquery

EMULATOR = "http://127.0.0.1:9"  # never called


@pytest.fixture
def emulator(monkeypatch):
    monkeypatch.setenv("BIGQUERY_EMULATOR_HOST", EMULATOR)


def _cache(tmp_path: Path, **fields) -> BigQueryWarehouseCache:
    """The cache's settings only: constructing a cache creates its dataset, which needs a server."""
    return BigQueryWarehouseCache.model_construct(
        project_name="shop-prod", dataset_name="raw_shop", cache_dir=tmp_path / "files", **fields
    )


def test_given_an_emulator_when_a_client_is_made_then_it_is_anonymous_and_talks_to_the_emulator(emulator):
    client = bigquery_client("shop-prod", "EU")
    assert isinstance(client._credentials, AnonymousCredentials)
    assert client._connection.API_BASE_URL == EMULATOR
    assert (client.project, client.location) == ("shop-prod", "EU")


def test_given_an_emulator_when_a_key_file_is_also_set_then_the_emulator_wins(emulator, tmp_path):
    assert isinstance(credentials(str(tmp_path / "missing.json")), AnonymousCredentials)


def test_given_a_credentials_file_when_no_emulator_then_the_file_is_used(monkeypatch, tmp_path):
    monkeypatch.delenv("BIGQUERY_EMULATOR_HOST", raising=False)
    key = tmp_path / "user.json"  # any file google-auth reads; no token is fetched until a call
    key.write_text(
        json.dumps({"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"})
    )
    found = credentials(str(key))
    assert isinstance(found, google.oauth2.credentials.Credentials)
    assert found.refresh_token == "r"
    client = bigquery_client("shop-prod", "US", str(key))
    assert client._connection.API_BASE_URL == "https://bigquery.googleapis.com"


def test_given_the_cache_when_sqlalchemy_connects_then_it_uses_the_same_client(emulator, tmp_path):
    cache = _cache(tmp_path, dataset_location="EU", credentials_path=str(tmp_path / "key.json"))
    url = str(cache.get_sql_alchemy_url())
    assert url == "bigquery://shop-prod?user_supplied_client=true"  # no key file for the dialect
    arguments = cache.get_sql_alchemy_connect_args()
    assert isinstance(arguments["client"]._credentials, AnonymousCredentials)
    assert (arguments["client"].project, arguments["client"].location) == ("shop-prod", "EU")
    assert arguments["prefer_bqstorage_client"] is False  # an emulator has no Storage Read API
    vendor = cache.get_vendor_client()
    assert (vendor.project, vendor._connection.API_BASE_URL) == ("shop-prod", EMULATOR)


def test_given_real_bigquery_when_sqlalchemy_connects_then_large_results_may_use_the_storage_api(
    monkeypatch, tmp_path
):
    monkeypatch.delenv("BIGQUERY_EMULATOR_HOST", raising=False)
    monkeypatch.setattr(BigQueryWarehouseCache, "get_vendor_client", lambda self: "client")
    assert _cache(tmp_path).get_sql_alchemy_connect_args() == {
        "client": "client",
        "prefer_bqstorage_client": True,
    }


class _LoadRecorder:
    def __init__(self) -> None:
        self.loads: list[tuple[bytes, str, bigquery.LoadJobConfig]] = []

    def load_table_from_file(self, file_obj, destination, job_config):
        self.loads.append((file_obj.read(), destination, job_config))
        return self

    def result(self):
        return None


def test_given_record_files_when_loaded_then_the_load_takes_the_tables_own_schema(monkeypatch, tmp_path):
    """PyAirbyte 0.71 sends DDL type names (DECIMAL(38, 9)) as the load's schema; BigQuery refuses them."""
    recorder = _LoadRecorder()
    monkeypatch.setattr(BigQueryWarehouseCache, "get_vendor_client", lambda self: recorder)
    monkeypatch.setattr(WarehouseBigQuerySqlProcessor, "_ensure_schema_exists", lambda self: None)
    processor = WarehouseBigQuerySqlProcessor(
        sql_config=_cache(tmp_path),
        catalog_provider=CatalogProvider(ConfiguredAirbyteCatalog(streams=[])),
        temp_dir=tmp_path,
        temp_file_cleanup=True,
    )
    created = []
    monkeypatch.setattr(
        processor, "_create_table_for_loading", lambda stream, batch: created.append(stream) or "orders_tmp"
    )
    files = [tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"]
    for i, path in enumerate(files):
        path.write_bytes(b"part %d" % i)

    assert processor._write_files_to_new_table(files, "orders", "batch-1") == "orders_tmp"
    assert created == ["orders"]
    assert [(data, table) for data, table, _ in recorder.loads] == [
        (b"part 0", "shop-prod.raw_shop.orders_tmp"),
        (b"part 1", "shop-prod.raw_shop.orders_tmp"),
    ]
    for _, _, job_config in recorder.loads:
        assert job_config.schema is None
        assert job_config.source_format == bigquery.SourceFormat.NEWLINE_DELIMITED_JSON
