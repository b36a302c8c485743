"""Local simulators for the sources a run does not read elsewhere.

A source is read where the environment says: `FAKESTORE_BASE_URL`, `TINYERP_BASE_URL`, and for
Linnworks, whose connector signs in at a fixed host, `LINNWORKS_HTTPS_PROXY` (an external
simulator); `--no-simulator` reads every source from the environment (the real APIs by default).
The others get a simulator of their API on a free port for the duration of the run; Linnworks' is
also the HTTPS proxy of its auth host, with a CA made for the run (docs/linnworks_api.md).

A simulator started here accepts the credentials set in the environment (`TINYERP_API_TOKEN`,
`LINNWORKS_APPLICATION_ID`, `LINNWORKS_APPLICATION_SECRET`, `LINNWORKS_TOKEN`), its own defaults
otherwise, so anyone can run the pipeline with tokens of their own and look for them afterwards.
They reach it in its environment, never on its command line (which every user can read in ps).
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
from commerce_simulators.linnworks.auth import (
    CREDENTIAL_VARIABLES,
    DEFAULT_APPLICATION_ID,
    DEFAULT_APPLICATION_SECRET,
)
from commerce_simulators.linnworks.auth import DEFAULT_TOKEN as DEFAULT_LINNWORKS_TOKEN
from commerce_simulators.tinyerp.simulator import DEFAULT_TOKEN as DEFAULT_TINYERP_TOKEN
from commerce_simulators.tinyerp.simulator import TOKEN_VARIABLE as TINYERP_TOKEN_VARIABLE
from commerce_stack.pipeline.summary import step

# The local TinyERP plan: far above Tiny's real 30-120 requests/minute, so `make run` takes seconds;
# the connector still paces itself by the x-limit-api header the simulator sends
# (benchmarks/tinyerp_pacing.py measures it at the real plans' limits).
TINYERP_LOCAL_REQUESTS_PER_MINUTE = 6000
TINYERP_SIMULATOR_TOKEN = DEFAULT_TINYERP_TOKEN
# Before every record of the simulator's default data set (contacts are read from their last
# update on, and its oldest contact changed in November 2023); a month of orders per list call.
TINYERP_SIMULATOR_START_DATE = "2023-01-01"
TINYERP_SIMULATOR_WINDOW_DAYS = "30"
# The Linnworks simulator's credentials (its defaults) and the proxy settings the stock connector
# needs to reach it: only the auth call goes through the proxy, the rest to the plain-http Server.
LINNWORKS_SIMULATOR_CREDENTIALS = {
    "LINNWORKS_APPLICATION_ID": DEFAULT_APPLICATION_ID,
    "LINNWORKS_APPLICATION_SECRET": DEFAULT_APPLICATION_SECRET,
    "LINNWORKS_TOKEN": DEFAULT_LINNWORKS_TOKEN,
}
# the simulator's variable (commerce_simulators.linnworks.auth) that takes each source variable
_LINNWORKS_SIMULATOR_VARIABLES = {
    "LINNWORKS_APPLICATION_ID": CREDENTIAL_VARIABLES["application_id"],
    "LINNWORKS_APPLICATION_SECRET": CREDENTIAL_VARIABLES["application_secret"],
    "LINNWORKS_TOKEN": CREDENTIAL_VARIABLES["token"],
}


def credentials_from_environment(defaults: dict[str, str]) -> dict[str, str]:
    """The credentials the environment sets (a trailing newline dropped, as the sync drops it),
    the simulator's defaults for the others."""
    return {name: _set(name) or default for name, default in defaults.items()}


def _set(name: str) -> str:
    return os.environ.get(name, "").rstrip("\r\n")


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


def tinyerp_simulator(
    seed: int, orders: int | None, advance: int, token: str = DEFAULT_TINYERP_TOKEN
) -> AbstractContextManager[str]:
    """The TinyERP simulator on a free port, in this environment, accepting `token`; yields its
    api2 base URL."""
    args = ["--seed", str(seed), "--advance", str(advance)]
    args += ["--requests-per-minute", str(TINYERP_LOCAL_REQUESTS_PER_MINUTE)]
    if orders is not None:
        args += ["--orders", str(orders)]
    return launch("tinyerp", *args, env={TINYERP_TOKEN_VARIABLE: token})


def linnworks_environment(
    proxy_url: str, ca_file: Path | str, credentials: dict[str, str] | None = None
) -> dict[str, str]:
    """What the sync needs to read a Linnworks simulator listening (and proxying) at `proxy_url`
    (with the simulator's default credentials unless given)."""
    return {
        **(credentials or LINNWORKS_SIMULATOR_CREDENTIALS),
        "LINNWORKS_HTTPS_PROXY": proxy_url,
        "LINNWORKS_CA_BUNDLE": str(ca_file),
    }


@contextmanager
def linnworks_simulator(
    seed: int, orders: int | None, advance: float, credentials: dict[str, str] | None = None
) -> Iterator[dict[str, str]]:
    """The Linnworks simulator on a free port with its test CA in a private folder, accepting
    `credentials` (LINNWORKS_* names; its defaults unless given); yields the sync's environment."""
    credentials = credentials or LINNWORKS_SIMULATOR_CREDENTIALS
    tls_dir = Path(tempfile.mkdtemp(prefix="linnworks-simulator-"))
    args = ["--seed", str(seed), "--advance", str(advance), "--tls-dir", str(tls_dir)]
    if orders is not None:
        args += ["--orders", str(orders)]
    secrets = {_LINNWORKS_SIMULATOR_VARIABLES[name]: value for name, value in credentials.items()}
    try:
        with launch("linnworks", *args, env=secrets) as url:
            yield linnworks_environment(url, tls_dir / "ca.pem", credentials)
    finally:
        shutil.rmtree(tls_dir, ignore_errors=True)


def _unset(variables: dict[str, str]) -> dict[str, str]:
    """The variables the environment does not set: the sync reads a set one as it is."""
    return {name: value for name, value in variables.items() if not _set(name)}


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
        token = credentials_from_environment({"TINYERP_API_TOKEN": TINYERP_SIMULATOR_TOKEN})
        simulator = tinyerp_simulator(apis.seed, apis.tinyerp_orders, apis.tinyerp_advance, *token.values())
        env["TINYERP_BASE_URL"] = stack.enter_context(simulator)
        env |= _unset(token)
        # the simulator's data set starts after this date, whatever a real account would use
        env["TINYERP_START_DATE"] = TINYERP_SIMULATOR_START_DATE
        env["TINYERP_WINDOW_DAYS"] = TINYERP_SIMULATOR_WINDOW_DAYS
        print(f"listening on {env['TINYERP_BASE_URL']}")
    if not os.environ.get("LINNWORKS_HTTPS_PROXY"):
        step(f"Linnworks simulator (seed {apis.seed}, {apis.linnworks_advance} h on)")
        credentials = credentials_from_environment(LINNWORKS_SIMULATOR_CREDENTIALS)
        env |= _unset(
            stack.enter_context(
                linnworks_simulator(apis.seed, apis.linnworks_orders, apis.linnworks_advance, credentials)
            )
        )
        print(f"listening on {env['LINNWORKS_HTTPS_PROXY']} (the HTTPS proxy of api.linnworks.net)")
    return env
