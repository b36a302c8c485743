"""Shared pytest set-up for the TinyERP connector's offline tests."""

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

import pytest


@pytest.fixture(autouse=True)
def no_real_sleep() -> Iterator[MagicMock]:
    """The connector waits through its injected clock (``FakeClock`` in tests). A real ``time.sleep``
    would mean a wait escaped the clock: fail instead of slowing the suite down."""
    with patch(
        "time.sleep", side_effect=AssertionError("time.sleep called: a wait bypassed the clock")
    ) as sleep:
        yield sleep
