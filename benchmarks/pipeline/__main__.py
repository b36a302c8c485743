"""The pipeline's costs beside their floors, at the default and the large scale (`make bench`).

    .venv/bin/python -m benchmarks.pipeline [--scales default,large] [--tinyerp-orders 4000]
        [--workdir /tmp/...] [--no-cold] [--no-append]

Per scale: the connectors' bare reads against fresh simulators and their urllib replays; the same
records loaded by DuckDB from NDJSON; a first run, a no-change run and a 1%-new-data run of
`commerce-stack run` on a private warehouse in /tmp; the first run's models built directly in DuckDB;
`make run` in a fresh clone. Prints one markdown table to stdout (progress goes to stderr) and appends
it to benchmarks/RESULTS.md. Asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from .reads import duckdb_load, read_fakestore, read_tinyerp, write_ndjson
from .report import RESULTS, append, commit, render
from .runs import cold_run, pipeline_run
from .scales import DEFAULT_LARGE_ORDERS, FAST_REQUESTS_PER_MINUTE, Scale, ScaleResult, scales
from .table import TINYERP_RUN_RPM
from .transform import direct_build


def _step(result: ScaleResult, title: str, action: Callable[[], None]) -> None:
    """One measurement; a failure is recorded (the table shows n/a) and the others still run."""
    print(f"[{result.scale.name}] {title}", file=sys.stderr, flush=True)
    started = time.monotonic()
    try:
        action()
    except Exception as error:  # noqa: BLE001 (reported in the table's notes)
        traceback.print_exc()
        result.failures.append(f"{title}: {type(error).__name__}: {error}")
    print(f"[{result.scale.name}]   {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)


def measure_scale(scale: Scale, folder: Path, *, cold: bool) -> ScaleResult:
    r = ScaleResult(scale)
    reads, orders = folder / "reads", scale.tinyerp_orders

    def fakestore() -> None:
        r.fakestore = read_fakestore(scale.profile, reads)

    def tinyerp_fast() -> None:
        r.tinyerp_fast = read_tinyerp(orders, FAST_REQUESTS_PER_MINUTE, reads, replay=True)

    def tinyerp_paced() -> None:
        r.tinyerp_paced = read_tinyerp(orders, TINYERP_RUN_RPM, reads, replay=False)

    def json_load() -> None:
        assert r.fakestore and r.tinyerp_paced, "needs both bare reads"
        files = write_ndjson([r.fakestore, r.tinyerp_paced], folder / "ndjson")
        r.json_load_seconds = duckdb_load(files, folder / "ndjson" / "load.duckdb")

    warehouse = folder / "warm" / "warehouse.duckdb"

    def first() -> None:
        r.first = pipeline_run("first", warehouse, scale.run_args)

    def direct() -> None:
        assert r.first and r.first.summary.get("loads"), "needs the first run's pinned loads"
        r.direct = direct_build(warehouse, r.first.summary["loads"], folder / "direct")

    def unchanged() -> None:
        r.unchanged = pipeline_run("no-change", warehouse, scale.run_args)

    def new_data() -> None:
        r.new_data = pipeline_run("new-data", warehouse, scale.new_data_args)

    def cold_make_run() -> None:
        r.cold = cold_run(folder / "cold", scale.run_args)

    _step(r, "FakeStore bare read + replay", fakestore)
    _step(r, f"TinyERP bare read at {FAST_REQUESTS_PER_MINUTE:,}/min + replay", tinyerp_fast)
    _step(r, f"TinyERP bare read at {TINYERP_RUN_RPM:,}/min", tinyerp_paced)
    _step(r, "DuckDB read_json_auto of the same records", json_load)
    _step(r, "first run", first)
    _step(r, "models built directly in DuckDB", direct)
    _step(r, "no-change run", unchanged)
    _step(r, "run with 1% new data", new_data)
    if cold:
        _step(r, "cold make run in a fresh clone", cold_make_run)
    return r


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scales", default="default,large", help="comma-separated: default, large")
    parser.add_argument("--tinyerp-orders", type=int, default=DEFAULT_LARGE_ORDERS,
                        help="TinyERP orders at the large scale")  # fmt: skip
    parser.add_argument("--workdir", type=Path, help="default: a new folder in /tmp")
    parser.add_argument("--no-cold", action="store_true", help="skip `make run` in a fresh clone")
    parser.add_argument("--no-append", action="store_true", help=f"do not append to {RESULTS.name}")
    args = parser.parse_args()

    known = scales(args.tinyerp_orders)
    wanted = [name.strip() for name in args.scales.split(",") if name.strip()]
    if unknown := [name for name in wanted if name not in known]:
        parser.error(f"unknown scale(s) {unknown}; known: {sorted(known)}")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="commerce-bench-", dir="/tmp"))
    started, start_commit = datetime.now(UTC), commit()
    print(f"benchmark work folder: {workdir}", file=sys.stderr)
    results = [measure_scale(known[n], workdir / n, cold=not args.no_cold) for n in wanted]

    text = render(results, workdir, started, start_commit)
    print(text)
    if not args.no_append:
        append(text)
        print(f"appended to {RESULTS}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
