"""Fixtures for the FakeStore simulator tests: real HTTP (urllib) against servers on 127.0.0.1:0."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from commerce_simulators.fakestore import FakeStoreSimulator

from ..support import HttpResult, request


def http(
    method: str,
    url: str,
    body: Any = None,
    *,
    raw: bytes | None = None,
    content_type: str = "application/json",
    timeout: float = 10,
) -> HttpResult:
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    headers = {"Content-Type": content_type} if data is not None else {}
    return request(method, url, data, headers, timeout)


Client = Callable[..., HttpResult]


def _client(sim: FakeStoreSimulator) -> Client:
    def call(path: str, method: str = "GET", body: Any = None, **kwargs: Any) -> HttpResult:
        return http(method, sim.url + path, body, **kwargs)

    return call


@pytest.fixture(scope="session")
def reference_sim() -> Iterator[FakeStoreSimulator]:
    """One shared reference server, for read-only tests (never mutate it: use `sim` instead)."""
    with FakeStoreSimulator(seed=42, profile="reference") as sim:
        yield sim


@pytest.fixture
def get(reference_sim: FakeStoreSimulator) -> Client:
    """`get(path)` (or `get(path, "POST", body)`) against the shared reference server."""
    return _client(reference_sim)


@pytest.fixture
def sim() -> Iterator[FakeStoreSimulator]:
    """A private reference server for tests that add carts, faults or records."""
    with FakeStoreSimulator(seed=42, profile="reference") as simulator:
        yield simulator


@pytest.fixture
def call(sim: FakeStoreSimulator) -> Client:
    return _client(sim)


@pytest.fixture
def client_for() -> Callable[[FakeStoreSimulator], Client]:
    return _client
