"""Local simulators for the sources a run does not read elsewhere.

A source whose base URL is set in the environment (`FAKESTORE_BASE_URL`, `TINYERP_BASE_URL`) is
read there: an external simulator, or the real API. The others get a simulator of their API on a
free port for the duration of the run.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass

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


@dataclass(frozen=True)
class LocalApis:
    """What the simulators serve: `make run`'s options."""

    profile: str = "reference"
    seed: int = 42
    new_carts: int = 0
    tinyerp_orders: int | None = None
    tinyerp_advance: int = 0


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
    return env
