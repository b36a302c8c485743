"""Shared pytest set-up for the FakeStore connector's offline tests."""

from collections.abc import Iterator
from unittest.mock import MagicMock, patch

import pytest


@pytest.fixture(autouse=True)
def instant_retries() -> Iterator[MagicMock]:
    """Make every retry wait instant.

    The CDK waits through ``time.sleep`` (the ``backoff`` library and the Retry-After handler), so
    patching it keeps the retry tests fast. Tests that assert on the waits patch it themselves.
    """
    with patch("time.sleep") as sleep:
        yield sleep
