"""The connectors' bare reads and their floors (rows 1 and 2).

A bare read is the connector's own binary, `source-x read --config c.json --catalog
integration_tests/configured_catalog.json`, against a fresh simulator, stdout to a file (page cache;
the records are captured from it). Its floor replays the simulator's request log (`GET
/__admin/requests`: what the connector asked, in order) with plain `urllib` and `json.loads` on every
answer, once sequentially and once on as many threads as the connector's detail calls use; the faster
one is the floor. urllib opens a connection per request (no keep-alive), where the connectors reuse
theirs. The local-load floor is DuckDB's `CREATE TABLE ... AS SELECT * FROM read_json_auto(...)` of
the same records, written as NDJSON (one file per stream; writing them is not timed).
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from commerce_simulators.core.stats import REQUEST_LOG_SIZE
from commerce_simulators.launch import launch
from commerce_stack.pipeline.local_apis import (
    TINYERP_SIMULATOR_START_DATE,
    TINYERP_SIMULATOR_TOKEN,
    TINYERP_SIMULATOR_WINDOW_DAYS,
)

from .measure import ROOT, Measured, measure

FAKESTORE, TINYERP = "source-fakestore", "source-tinyerp"
NAMESPACES = {FAKESTORE: "raw_fakestore", TINYERP: "raw_tinyerp"}
FAKESTORE_START_DATE = "2019-01-01T00:00:00Z"  # airbyte_config/sources/fakestore.yaml's default
TINYERP_LOOKBACK_MINUTES = 120  # airbyte_config/sources/tinyerp.yaml's default
REPLAY_THREADS = 4  # source-tinyerp's max_concurrent_requests default
_RECORD = b'{"type":"RECORD"'


@dataclass
class Replay:
    requests: int = 0
    seconds: float | None = None  # the faster of the two replays
    mode: str = ""
    missing: str | None = None  # why there is no floor


@dataclass
class ConnectorRead:
    connector: str
    read: Measured
    output: Path  # the connector's stdout (Airbyte messages)
    records: dict[str, int] = field(default_factory=dict)
    replay: Replay = field(default_factory=Replay)

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=120) as answer:
        return json.loads(answer.read())


def _bare_read(connector: str, config: dict[str, Any], folder: Path, label: str) -> ConnectorRead:
    folder.mkdir(parents=True, exist_ok=True)
    config_file, output = folder / f"{label}.config.json", folder / f"{label}.out"
    config_file.write_text(json.dumps(config))
    home = ROOT / "connectors" / connector
    command = [str(home / ".venv" / "bin" / connector), "read", "--config", str(config_file)]
    command += ["--catalog", str(home / "integration_tests" / "configured_catalog.json")]
    with output.open("wb") as sink:
        read = measure(command, stdout=sink)
    result = ConnectorRead(connector, read, output)
    with output.open("rb") as lines:
        for line in lines:
            if line.startswith(_RECORD):
                stream = json.loads(line)["record"]["stream"]
                result.records[stream] = result.records.get(stream, 0) + 1
    if not read.ok:
        raise RuntimeError(f"{connector} read exited {read.returncode}; its output: {output}")
    return result


def _replay(admin: str, to_url: Callable[[dict[str, Any]], tuple[str, bytes | None, str]]) -> Replay:
    """Fetch and parse what the request log lists; floor = the faster of sequential and threaded."""
    served = _get_json(f"{admin}/stats")["requests"]
    log = _get_json(f"{admin}/requests")
    if isinstance(served, dict):
        served = served["total"]
    replay = Replay(requests=len(log))
    if len(log) < served:
        replay.missing = (
            f"the simulator's request log keeps {REQUEST_LOG_SIZE} requests, the read made {served}"
        )
        return replay
    calls = [to_url(entry) for entry in log]

    def fetch(call: tuple[str, bytes | None, str]) -> None:
        url, body, method = call
        with urllib.request.urlopen(urllib.request.Request(url, body, method=method), timeout=120) as r:
            json.loads(r.read())

    timings = {}
    started = time.perf_counter()
    for call in calls:
        fetch(call)
    timings["sequential"] = time.perf_counter() - started
    with ThreadPoolExecutor(REPLAY_THREADS) as pool:
        started = time.perf_counter()
        list(pool.map(fetch, calls))
        timings[f"{REPLAY_THREADS} threads"] = time.perf_counter() - started
    replay.mode = min(timings, key=lambda k: timings[k])
    replay.seconds = timings[replay.mode]
    return replay


def read_fakestore(profile: str, folder: Path, *, replay: bool = True) -> ConnectorRead:
    with launch("fakestore", "--profile", profile) as url:
        config = {"base_url": url, "start_date": FAKESTORE_START_DATE}
        result = _bare_read(FAKESTORE, config, folder, "fakestore")

        def to_url(entry: dict[str, Any]) -> tuple[str, bytes | None, str]:
            query = urllib.parse.urlencode(entry["query"])
            return url + entry["path"] + (f"?{query}" if query else ""), None, entry["method"]

        if replay:
            result.replay = _replay(f"{url}/__admin", to_url)
    return result


def read_tinyerp(orders: int | None, rpm: int, folder: Path, *, replay: bool) -> ConnectorRead:
    args = ["--requests-per-minute", str(rpm)] + (["--orders", str(orders)] if orders else [])
    with launch("tinyerp", *args) as url:
        config = {
            "api_token": TINYERP_SIMULATOR_TOKEN,
            "base_url": url,
            "start_date": TINYERP_SIMULATOR_START_DATE,
            "window_days": int(TINYERP_SIMULATOR_WINDOW_DAYS),
            "lookback_minutes": TINYERP_LOOKBACK_MINUTES,
        }
        result = _bare_read(TINYERP, config, folder, f"tinyerp-{rpm}rpm")

        def to_url(entry: dict[str, Any]) -> tuple[str, bytes | None, str]:
            params = urllib.parse.urlencode({**entry["params"], "token": TINYERP_SIMULATOR_TOKEN})
            endpoint = f"{url}/{entry['endpoint']}.php"
            if entry["method"] == "POST":
                return endpoint, params.encode(), "POST"
            return f"{endpoint}?{params}", None, entry["method"]

        if replay:
            result.replay = _replay(url.removesuffix("/api2") + "/__admin", to_url)
    return result


def write_ndjson(reads: list[ConnectorRead], folder: Path) -> dict[tuple[str, str], Path]:
    """Each stream's record data, one JSON object a line: {(namespace, stream): file}."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[tuple[str, str], Path] = {}
    for read in reads:
        namespace, sinks = NAMESPACES[read.connector], {}
        with read.output.open("rb") as lines:
            for line in lines:
                if not line.startswith(_RECORD):
                    continue
                record = json.loads(line)["record"]
                key = (namespace, record["stream"])
                if key not in sinks:
                    files[key] = folder / f"{namespace}.{record['stream']}.ndjson"
                    sinks[key] = files[key].open("w")
                sinks[key].write(json.dumps(record["data"]) + "\n")
        for sink in sinks.values():
            sink.close()
    return files


def duckdb_load(files: dict[tuple[str, str], Path], database: Path) -> float:
    """Seconds to open a new DuckDB file, load every NDJSON file as a table and close it."""
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(database)) as con:
        for (namespace, stream), path in sorted(files.items()):
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{namespace}"')
            con.execute(f'CREATE TABLE "{namespace}"."{stream}" AS SELECT * FROM read_json_auto(\'{path}\')')
    return time.perf_counter() - started
