"""Helpers for the TinyERP simulator tests: Tiny calls, envelopes, scans (HTTP in ..support)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

from commerce_simulators.tinyerp import ManualClock, TinyErpSimulator

from ..support import HttpResult, request

TOKEN = "sim-token"
DATE = re.compile(r"\d{2}/\d{2}/\d{4}")
DATETIME = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}")
MONEY = re.compile(r"-?\d+\.\d{2}")


class Reply(HttpResult):
    @property
    def retorno(self) -> dict[str, Any]:
        return self.json()["retorno"]

    @property
    def code(self) -> str | None:
        """codigo_erro of an error envelope, None for an OK one."""
        r = self.retorno
        return None if r["status"] == "OK" else r["codigo_erro"]


def http(
    method: str,
    url: str,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10,
) -> Reply:
    return request(method, url, data, headers, timeout, Reply)


def call(
    sim: TinyErpSimulator,
    endpoint: str,
    *,
    token: str | None = TOKEN,
    formato: str | None = "json",
    form: dict[str, Any] | None = None,
    suffix: str = ".php",
    **params: Any,
) -> Reply:
    """GET `<endpoint>.php?token=..&formato=json&params`, or a form POST when `form` is given."""
    query: dict[str, Any] = {}
    if token is not None:
        query["token"] = token
    if formato is not None:
        query["formato"] = formato
    query.update(params)
    url = f"{sim.url}/{endpoint}{suffix}"
    if form is None:
        return http("GET", f"{url}?{urlencode(query)}" if query else url)
    return http(
        "POST",
        f"{url}?{urlencode(query)}" if query else url,
        urlencode(form).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )


def ok(reply: Reply) -> dict[str, Any]:
    assert reply.status == 200, reply.body[:300]
    retorno = reply.retorno
    assert retorno["status"] == "OK" and retorno["status_processamento"] == "3", retorno
    return retorno


def admin(sim: TinyErpSimulator, path: str, method: str = "GET", body: Any = None) -> Reply:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"} if data is not None else {}
    return http(method, f"{sim.admin_url}{path}", data, headers)


def rows(retorno: dict[str, Any], list_key: str, row_key: str) -> list[dict[str, Any]]:
    return [wrapped[row_key] for wrapped in retorno[list_key]]


def scan(
    sim: TinyErpSimulator, endpoint: str, list_key: str, row_key: str, **params: Any
) -> list[dict[str, Any]]:
    """Every page of a search, until pagina == numero_paginas (or code 20)."""
    out: list[dict[str, Any]] = []
    page = 1
    while True:
        reply = call(sim, endpoint, pagina=page, **params)
        if reply.code == "20":
            return out
        retorno = ok(reply)
        out += rows(retorno, list_key, row_key)
        if page >= int(retorno["numero_paginas"]):
            return out
        page += 1


def assert_strings(value: Any, path: str = "retorno") -> None:
    """Every scalar in the payload is a string (docs/tinyerp_api.md §1.2)."""
    if isinstance(value, dict):
        for k, v in value.items():
            assert_strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            assert_strings(v, f"{path}[{i}]")
    else:
        assert isinstance(value, str), f"{path} is {type(value).__name__}: {value!r}"


def manual_sim(**kwargs: Any) -> TinyErpSimulator:
    """A simulator on a manual clock, unlimited unless the test asks for limits."""
    kwargs.setdefault("requests_per_minute", 0)
    kwargs.setdefault("clock", ManualClock())
    return TinyErpSimulator(**kwargs)
