"""The runner's tests use the real connectors from their own environments (`make setup`)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")


@pytest.fixture(autouse=True)
def private_airbyte_folders(tmp_path, monkeypatch):
    """PyAirbyte's temporary configuration files and logs stay in the test's own folder."""
    monkeypatch.setenv("AIRBYTE_TEMP_DIR", str(tmp_path / "airbyte-tmp"))
    monkeypatch.setenv("AIRBYTE_LOGGING_ROOT", str(tmp_path / "airbyte-logs"))
