"""One fluent request builder per FakeStore endpoint."""

from __future__ import annotations

from airbyte_cdk.test.mock_http import HttpRequest
from airbyte_cdk.test.mock_http.request import ANY_QUERY_PARAMS

from .config import BASE_URL


class FakeStoreRequestBuilder:
    @classmethod
    def products_endpoint(cls, base_url: str = BASE_URL) -> FakeStoreRequestBuilder:
        return cls("products", base_url)

    @classmethod
    def users_endpoint(cls, base_url: str = BASE_URL) -> FakeStoreRequestBuilder:
        return cls("users", base_url)

    @classmethod
    def carts_endpoint(cls, base_url: str = BASE_URL) -> FakeStoreRequestBuilder:
        return cls("carts", base_url)

    def __init__(self, resource: str, base_url: str) -> None:
        self._url = f"{base_url.rstrip('/')}/{resource}"
        self._query_params: dict[str, str] = {}
        self._any_query_params = False

    def with_startdate(self, day: str) -> FakeStoreRequestBuilder:
        """``day`` as sent to the API: ``YYYY-MM-DD`` (inclusive lower bound)."""
        self._query_params["startdate"] = day
        return self

    def with_enddate(self, day: str) -> FakeStoreRequestBuilder:
        """``day`` as sent to the API: ``YYYY-MM-DD`` (EXCLUSIVE upper bound)."""
        self._query_params["enddate"] = day
        return self

    def with_window(self, startdate: str, enddate: str) -> FakeStoreRequestBuilder:
        return self.with_startdate(startdate).with_enddate(enddate)

    def with_any_query_params(self) -> FakeStoreRequestBuilder:
        self._any_query_params = True
        return self

    def build(self) -> HttpRequest:
        if self._any_query_params:
            return HttpRequest(url=self._url, query_params=ANY_QUERY_PARAMS)
        return HttpRequest(url=self._url, query_params=self._query_params or None)
