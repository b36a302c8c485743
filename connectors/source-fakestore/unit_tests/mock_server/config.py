"""Connector configs for the tests, with obviously fake values."""

from __future__ import annotations

from typing import Any

BASE_URL = "https://fakestore.test.example.com"
START_DATE = "2020-01-01T00:00:00Z"


class ConfigBuilder:
    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "base_url": BASE_URL,
            "start_date": START_DATE,
            "window_size_days": 30,
            "lookback_days": 3,
        }

    def with_base_url(self, base_url: str) -> ConfigBuilder:
        self._config["base_url"] = base_url
        return self

    def with_start_date(self, start_date: str) -> ConfigBuilder:
        self._config["start_date"] = start_date
        return self

    def with_window_size_days(self, days: int) -> ConfigBuilder:
        self._config["window_size_days"] = days
        return self

    def with_lookback_days(self, days: int) -> ConfigBuilder:
        self._config["lookback_days"] = days
        return self

    def without(self, key: str) -> ConfigBuilder:
        self._config.pop(key, None)
        return self

    def build(self) -> dict[str, Any]:
        return dict(self._config)
