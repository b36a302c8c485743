"""Local simulators for the sources a run does not read elsewhere.

A source whose base URL is set in the environment (`FAKESTORE_BASE_URL`, `TINYERP_BASE_URL`) is
read there: an external simulator, or the real API. Linnworks has no base URL (the stock
connector's auth host is fixed): it is read from the account whose `LINNWORKS_TOKEN` is set. The
others get a simulator of their API on a free port for the duration of the run; Linnworks' is also
the HTTPS proxy of its auth host, with a CA made for the run (docs/linnworks_api.md).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from commerce_simulators.launch import launch
from commerce_stack.pipeline.summary import step

# The local TinyERP plan: far above Tiny's real 30-120 requests/minute, so `make run` takes seconds;
# the connector still paces itself by the x-limit-api header the simulator sends
# (benchmarks/tinyerp_pacing.py measures it at the real plans' limits).
TINYERP_LOCAL_REQUESTS_PER_MINUTE = 6000
TINYERP_SIMULATOR_TOKEN = "sim-token"
# Before every record of the simulator's default data set (contacts are read from their last
# update on, and its oldest contact changed in November 2023); a month of orders per list call.
TINYERP_SIMULATOR_START_DATE = "2023-01-01"
TINYERP_SIMULATOR_WINDOW_DAYS = "30"
# The Linnworks simulator's credentials (its defaults) and the proxy settings the stock connector
# needs to reach it: only the auth call goes through the proxy, the rest to the plain-http Server.
LINNWORKS_SIMULATOR_CREDENTIALS = {
    "LINNWORKS_APPLICATION_ID": "sim-application-id",
    "LINNWORKS_APPLICATION_SECRET": "sim-application-secret",
    "LINNWORKS_TOKEN": "sim-installation-token",
}


@dataclass(frozen=True)
class LocalApis:
    """What the simulators serve: `make run`'s options."""

    profile: str = "reference"
    seed: int = 42
    new_carts: int = 0
    tinyerp_orders: int | None = None
    tinyerp_advance: int = 0
    linnworks_orders: int | None = None
    linnworks_advance: float = 0  # hours the simulator's clock moves on: new orders, stock moves


def fakestore_simulator(profile: str, seed: int, new_carts: int) -> AbstractContextManager[str]:
    """The FakeStore simulator on a free port, in this environment; yields its base URL."""
    return launch("fakestore", "--seed", str(seed), "--profile", profile, "--new-carts", str(new_carts))


def tinyerp_simulator(seed: int, orders: int | None, advance: int) -> AbstractContextManager[str]:
    """The TinyERP simulator on a free port, in this environment; yields its api2 base URL."""
    args = ["--seed", str(seed), "--advance", str(advance)]
    args += ["--requests-per-minute", str(TINYERP_LOCAL_REQUESTS_PER_MINUTE)]
    if orders is not None:
        args += ["--orders", str(orders)]
    return launch("tinyerp", *args)


def linnworks_environment(proxy_url: str, ca_file: Path | str) -> dict[str, str]:
    """What the sync needs to read a Linnworks simulator listening (and proxying) at `proxy_url`."""
    return {
        **LINNWORKS_SIMULATOR_CREDENTIALS,
        "LINNWORKS_HTTPS_PROXY": proxy_url,
        "LINNWORKS_CA_BUNDLE": str(ca_file),
    }


@contextmanager
def linnworks_simulator(seed: int, orders: int | None, advance: float) -> Iterator[dict[str, str]]:
    """The Linnworks simulator on a free port with its test CA in a private folder; yields the
    sync's environment for it."""
    tls_dir = Path(tempfile.mkdtemp(prefix="linnworks-simulator-"))
    args = ["--seed", str(seed), "--advance", str(advance), "--tls-dir", str(tls_dir)]
    if orders is not None:
        args += ["--orders", str(orders)]
    try:
        with launch("linnworks", *args) as url:
            yield linnworks_environment(url, tls_dir / "ca.pem")
    finally:
        shutil.rmtree(tls_dir, ignore_errors=True)


def start_simulators(stack: ExitStack, apis: LocalApis) -> dict[str, str]:
    """Start a simulator for every source not configured in the environment; returns the
    environment the sync needs to read them (closed with `stack`)."""
    env: dict[str, str] = {}
    if "FAKESTORE_BASE_URL" not in os.environ:
        step(f"FakeStore simulator (profile {apis.profile}, seed {apis.seed}, {apis.new_carts} new carts)")
        env["FAKESTORE_BASE_URL"] = stack.enter_context(
            fakestore_simulator(apis.profile, apis.seed, apis.new_carts)
        )
        print(f"listening on {env['FAKESTORE_BASE_URL']}")
    if "TINYERP_BASE_URL" not in os.environ:
        step(f"TinyERP simulator (seed {apis.seed}, {apis.tinyerp_advance} orders move on)")
        env["TINYERP_BASE_URL"] = stack.enter_context(
            tinyerp_simulator(apis.seed, apis.tinyerp_orders, apis.tinyerp_advance)
        )
        env["TINYERP_API_TOKEN"] = TINYERP_SIMULATOR_TOKEN
        # the simulator's data set starts after this date, whatever a real account would use
        env["TINYERP_START_DATE"] = TINYERP_SIMULATOR_START_DATE
        env["TINYERP_WINDOW_DAYS"] = TINYERP_SIMULATOR_WINDOW_DAYS
        print(f"listening on {env['TINYERP_BASE_URL']}")
    if "LINNWORKS_TOKEN" not in os.environ:
        step(f"Linnworks simulator (seed {apis.seed}, {apis.linnworks_advance} h on)")
        env |= stack.enter_context(
            linnworks_simulator(apis.seed, apis.linnworks_orders, apis.linnworks_advance)
        )
        print(f"listening on {env['LINNWORKS_HTTPS_PROXY']} (the HTTPS proxy of api.linnworks.net)")
    return env
