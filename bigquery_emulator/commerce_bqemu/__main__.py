"""Start the BigQuery emulator for tests, offline, on 127.0.0.1:

    bigquery_emulator/.venv/bin/python -m commerce_bqemu --port 0 --data-dir DIR

1. applies the runtime fixes (fixes.py);
2. makes sure DuckDB's spatial extension (which bqemulator loads at start) is installed in the
   private HOME `bigquery_emulator/.home/`, from the `duckdb-extension-spatial` wheel, so that
   DuckDB never downloads it;
3. keeps every file it writes in DIR: the emulator's DuckDB database (unless --in-memory), its
   upload staging folder and its temporary files;
4. starts the REST server (`--port`, 0 = a free port) and the gRPC server (Storage Read/Write
   API, `--grpc-port`, 0 = a free port), waits until `/healthz` answers, then prints exactly one
   line on stdout, `BIGQUERY_EMULATOR_URL=http://127.0.0.1:<port>`, and nothing else there (logs
   go to stderr);
5. stops cleanly on SIGTERM or SIGINT (exit status 0).

COMMERCE_BQEMU_PROFILE=<path prefix> profiles the server and writes what it found when it stops
(profiling.py).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import signal
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

PROJECT_DIR = Path(__file__).resolve().parents[1]
HOME = PROJECT_DIR / ".home"  # gitignored: DuckDB's extension directory lives in $HOME/.duckdb
HOST = "127.0.0.1"
READY_PREFIX = "BIGQUERY_EMULATOR_URL="
HEALTH_TIMEOUT_SECONDS = 30


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m commerce_bqemu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="REST port (0: a free port; the default)")
    parser.add_argument("--grpc-port", type=int, default=0, help="gRPC port (0: a free port; the default)")
    parser.add_argument(
        "--data-dir", type=Path, required=True, help="folder for the database, uploads and temporary files"
    )
    parser.add_argument("--project", default="test", help="project id of requests that name none")
    parser.add_argument(
        "--in-memory", action="store_true", help="keep the data in memory (DIR then holds only scratch files)"
    )
    parser.add_argument("--log-level", default="warning", choices=["debug", "info", "warning", "error"])
    return parser.parse_args(argv)


def _private_environment(data_dir: Path) -> None:
    """HOME, TMPDIR and the BQEMU_* settings of this process, before DuckDB or bqemulator reads them."""
    HOME.mkdir(parents=True, exist_ok=True)
    scratch = data_dir / "tmp"
    uploads = data_dir / "uploads"
    for folder in (scratch, uploads):
        folder.mkdir(parents=True, exist_ok=True)
    os.environ["HOME"] = str(HOME)
    os.environ["TMPDIR"] = str(scratch)
    tempfile.tempdir = None  # re-read TMPDIR
    # the Avro/ORC format extensions would be downloaded (best effort) at every start
    os.environ["BQEMU_ENABLE_FORMAT_EXTENSIONS"] = "false"
    os.environ["BQEMU_UPLOAD_STAGING_DIR"] = str(uploads)


def ensure_spatial_extension() -> Path:
    """Install the spatial extension file shipped in the `duckdb-extension-spatial` wheel into
    DuckDB's extension directory under $HOME (once; under a lock, as emulators may start
    together). bqemulator runs `INSTALL spatial; LOAD spatial` at start and fails without it;
    once installed, `INSTALL` is a no-op and no network is used."""
    import duckdb
    import duckdb_extension_spatial

    wheel_dir = Path(duckdb_extension_spatial.__file__).parent / "extensions"
    shipped = sorted(wheel_dir.glob(f"v{duckdb.__version__}/spatial.duckdb_extension"))
    if not shipped:
        raise RuntimeError(
            f"duckdb-extension-spatial has no extension for DuckDB {duckdb.__version__} in {wheel_dir}: "
            "pin both packages to the same version (pyproject.toml)"
        )
    with (HOME / ".spatial.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with duckdb.connect() as con:
            query = "SELECT installed, install_path FROM duckdb_extensions() WHERE extension_name = 'spatial'"
            installed, path = con.execute(query).fetchone() or (False, "")
            if not installed:
                con.execute(f"INSTALL '{shipped[0]}'")  # a local file: copied, not downloaded
                installed, path = con.execute(query).fetchone() or (False, "")
    if not installed:
        raise RuntimeError(f"DuckDB did not install the spatial extension from {shipped[0]}")
    return Path(path)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200 and json.load(response).get("status") == "ok"
    except OSError:
        return False


async def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + HEALTH_TIMEOUT_SECONDS
    while not await asyncio.to_thread(_healthy, url):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url}/healthz did not answer within {HEALTH_TIMEOUT_SECONDS} s")
        await asyncio.sleep(0.05)


async def serve(args: argparse.Namespace, ready: Callable[[str], None]) -> None:
    from bqemulator.config import LogFormat, LogLevel, PersistenceMode, Settings
    from bqemulator.server import EmulatorServer

    settings = Settings(
        rest_host=HOST,
        rest_port=args.port,
        grpc_host=HOST,
        grpc_port=args.grpc_port,
        default_project_id=args.project,
        persistence_mode=PersistenceMode.EPHEMERAL if args.in_memory else PersistenceMode.PERSISTENT,
        data_dir=args.data_dir,
        log_level=LogLevel(args.log_level),
        log_format=LogFormat.JSON,  # one line per event, no colour codes in the launcher's error tail
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = EmulatorServer(settings)
    try:
        await server.start()
        url = f"http://{HOST}:{server.rest_port}"
        await _wait_healthy(url)
        print(
            f"bqemulator: REST {url}, gRPC {server.grpc_endpoint}, data in {args.data_dir}", file=sys.stderr
        )
        ready(url)
        await stop.wait()
    finally:
        await server.stop()


def _reserve_stdout() -> TextIO:
    """A stream on the real stdout for the ready line; anything else written to stdout (by any
    library) goes to stderr instead."""
    ready = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    return ready


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    out = _reserve_stdout()
    args.data_dir = args.data_dir.resolve()
    _private_environment(args.data_dir)

    from bqemulator.config import LogFormat, LogLevel
    from bqemulator.observability.logging_ import configure_logging

    # before bqemulator's modules are imported by the fixes: some log as they are imported
    configure_logging(level=LogLevel(args.log_level), fmt=LogFormat.JSON)

    from commerce_bqemu import fixes

    fixes.apply()
    ensure_spatial_extension()

    def ready(url: str) -> None:
        out.write(f"{READY_PREFIX}{url}\n")
        out.flush()

    from commerce_bqemu.profiling import profiled

    with profiled():  # only with COMMERCE_BQEMU_PROFILE set (profiling.py)
        asyncio.run(serve(args, ready))
    return 0


if __name__ == "__main__":
    sys.exit(main())
