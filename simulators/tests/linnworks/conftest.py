"""Fixtures for the Linnworks simulator tests: servers on 127.0.0.1:0 in this process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from commerce_simulators.linnworks import LinnworksSimulator

from .support import session


@pytest.fixture(scope="session")
def shared_sim() -> Iterator[LinnworksSimulator]:
    """One default server (seed 42) for read-only tests: never advance, fault or reset it."""
    with LinnworksSimulator(seed=42) as sim:
        yield sim


@pytest.fixture(scope="session")
def token(shared_sim: LinnworksSimulator) -> str:
    return session(shared_sim)


@pytest.fixture
def sim() -> Iterator[LinnworksSimulator]:
    """A private default server for tests that change it."""
    with LinnworksSimulator(seed=42) as simulator:
        yield simulator
