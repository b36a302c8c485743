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
    from support.once import made_once
    from support.pipeline_runs import Baseline, Pipeline, first_run

    folder, run = made_once(tmp_path_factory, "baseline", lambda folder: first_run(folder).run)
    return Baseline(Pipeline(folder), run)


# Test files in the order that keeps the workers busy. `make test` hands test files to its three
# workers in collection order (pytest-xdist, --dist loadscope --no-loadscope-reorder; three on two
# cores: a pipeline run often waits, on a subprocess, a simulator or a rate limit). The crash chain
# (from nothing) and the end-to-end history (which makes the baseline first) start at once; the
# third worker takes files that need no shared run until the baseline is ready for the emulator's
# chain and the gate's defects; the short files fill the gaps.
LONGEST_FIRST = (
    "tests/pipeline/test_crash_safety.py",
    "tests/pipeline/test_end_to_end.py",
    "tests/quality/test_suites.py",
    "tests/transform/test_sqlmesh_project.py",
    "tests/bigquery/test_pipeline_on_emulator.py",
    "tests/pipeline/test_gate_defects.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    # a stable sort: the other files keep their order
    items.sort(key=lambda item: rank.get(item.nodeid.partition("::")[0], len(rank)))
