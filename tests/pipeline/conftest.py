"""The pipeline runs the end-to-end modules share: built once per `make test`, then copied."""

import pytest
from support.once import made_once
from support.pipeline_runs import Pipeline, build_history, copy_workdir, linnworks_later

# `baseline` (the first run, promoted) is in tests/conftest.py: the BigQuery emulator's build reads it too.
LIVE = ("pipeline", "linnworks_later")  # remade by each worker: a worker's environment, a simulator


@pytest.fixture(scope="session")
def history(baseline, tmp_path_factory):
    """The baseline continued: new data, nothing new, a failing suite (see support.pipeline_runs)."""

    def make(folder):
        return {key: value for key, value in build_history(baseline, folder).items() if key not in LIVE}

    folder, runs = made_once(tmp_path_factory, "history", make)
    runs["linnworks_later"], _ = linnworks_later()  # the same seed and hours: the same simulator
    # each worker its own copy: tests plan into it while the other worker's read theirs
    return {**runs, "pipeline": Pipeline(copy_workdir(folder, tmp_path_factory.mktemp("history")))}
