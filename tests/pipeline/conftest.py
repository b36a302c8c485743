"""The pipeline runs the end-to-end modules share: built once per session, then copied."""

import pytest
from support.pipeline_runs import Baseline, build_history, first_run


@pytest.fixture(scope="session")
def baseline(tmp_path_factory) -> Baseline:
    """One clean run of the whole pipeline on the reference data; never changed afterwards."""
    return first_run(tmp_path_factory.mktemp("first"))


@pytest.fixture(scope="session")
def history(baseline, tmp_path_factory):
    """The baseline continued: new data, nothing new, a failing suite (see support.pipeline_runs)."""
    return build_history(baseline, tmp_path_factory.mktemp("e2e"))
