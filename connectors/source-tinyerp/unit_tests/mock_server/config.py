"""Connector configs for the tests, with obviously fake values."""

from __future__ import annotations

from typing import Any

API_TOKEN = "test-api-token"
BASE_URL = "https://tiny.test.example.com/api2"
START_DATE = "2026-01-20"


class ConfigBuilder:
    def __init__(self) -> None:
        self._config: dict[str, Any] = {
            "api_token": API_TOKEN,
            "start_date": START_DATE,
            "base_url": BASE_URL,
            "lookback_minutes": 120,
            "window_days": 7,
            "invoices_lookback_days": 7,
            # One request at a time: the order of calls (and of the fake clock) is deterministic.
            "max_concurrent_requests": 1,
        }

    def with_api_token(self, token: str) -> ConfigBuilder:
        self._config["api_token"] = token
        return self

    def with_start_date(self, start_date: str) -> ConfigBuilder:
        self._config["start_date"] = start_date
        return self

    def with_base_url(self, base_url: str) -> ConfigBuilder:
        self._config["base_url"] = base_url
        return self

    def with_window_days(self, days: int) -> ConfigBuilder:
        self._config["window_days"] = days
        return self

    def with_lookback_minutes(self, minutes: int) -> ConfigBuilder:
        self._config["lookback_minutes"] = minutes
        return self

    def with_invoices_lookback_days(self, days: int) -> ConfigBuilder:
        self._config["invoices_lookback_days"] = days
        return self

    def with_requests_per_minute(self, limit: int) -> ConfigBuilder:
        self._config["requests_per_minute"] = limit
        return self

    def with_max_concurrent_requests(self, workers: int) -> ConfigBuilder:
        self._config["max_concurrent_requests"] = workers
        return self

    def without(self, key: str) -> ConfigBuilder:
        self._config.pop(key, None)
        return self

    def build(self) -> dict[str, Any]:
        return dict(self._config)
