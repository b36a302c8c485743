"""The pipeline runs the end-to-end modules share: built once per session, then copied."""

import pytest
from support.pipeline_runs import build_history

# `baseline` (the first run, promoted) is in tests/conftest.py: the BigQuery emulator's build reads it too.


@pytest.fixture(scope="session")
def history(baseline, tmp_path_factory):
    """The baseline continued: new data, nothing new, a failing suite (see support.pipeline_runs)."""
    return build_history(baseline, tmp_path_factory.mktemp("e2e"))
