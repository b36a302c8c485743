"""The TinyERP simulator for every integration test: started once per session on a free port, its
data, faults, limits and request log reset before each test that asks for ``simulator``.

Its budget is set far above what a test needs (``--requests-per-minute 100000``), so no test waits on
the wall clock; pacing and the rate-limit backoff are covered by the unit tests on a fake clock.
Nothing is skipped: if the simulator cannot start, the tests fail.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from harness import admin

from commerce_simulators.launch import launch

STARTUP_TIMEOUT_S = 30


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    """The simulator's API root (``http://127.0.0.1:<port>/api2``) on a free port, default data set."""
    rpm = ("--requests-per-minute", "100000")
    with launch("tinyerp", *rpm, python=sys.executable, timeout=STARTUP_TIMEOUT_S) as url:
        yield url


@pytest.fixture
def simulator(simulator_url: str) -> Iterator[str]:
    """The simulator, back to its starting data, faults, limits and request log before each test."""
    admin(simulator_url, "POST", "reset")
    yield simulator_url
