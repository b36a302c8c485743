"""Settings for every test process, and the one pipeline run several test areas read."""

import os

import pytest

# SQLMesh loads projects in forked workers; a test process that has already run Great
# Expectations (threads, gRPC) can crash in such a fork. One process: no fork, same results.
os.environ.setdefault("MAX_FORK_WORKERS", "1")


@pytest.fixture(scope="session")
def baseline(tmp_path_factory):
    """One clean run of the whole pipeline on the reference data, promoted; never changed
    afterwards (tests copy it). Shared by the end-to-end tests and the BigQuery emulator's build."""
    from support.pipeline_runs import first_run

    return first_run(tmp_path_factory.mktemp("first"))
