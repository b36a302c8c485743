"""One pipeline history for every end-to-end test module (it takes a few minutes to build)."""

import pytest
from pipeline_history import build_history


@pytest.fixture(scope="session")
def history(tmp_path_factory):
    return build_history(tmp_path_factory.mktemp("e2e"))
