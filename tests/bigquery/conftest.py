"""The BigQuery emulator, one per test session (support.bigquery_emulator)."""

from collections.abc import Iterator

import pytest
from support.bigquery_emulator import rest_only_reads, running_emulator


@pytest.fixture(scope="session")
def bigquery_emulator(tmp_path_factory) -> Iterator[str]:
    """The emulator's URL; its data in memory, its scratch files in a temporary folder. While it
    runs, google-cloud-bigquery in this process reads query results through REST only (why:
    support.bigquery_emulator.rest_only_reads)."""
    with (
        running_emulator(tmp_path_factory.mktemp("bigquery_emulator"), "--in-memory") as url,
        rest_only_reads(),
    ):
        yield url
