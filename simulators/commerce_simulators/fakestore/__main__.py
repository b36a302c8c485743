"""CLI: `python -m commerce_simulators.fakestore [options]`.

Prints exactly one line on stdout once listening, `FAKESTORE_SIMULATOR_URL=http://127.0.0.1:<port>`
(flushed), optionally writes the URL to --ready-file, and stops cleanly on SIGTERM or SIGINT.
Diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from .generator import PROFILES
from .simulator import FakeStoreSimulator


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m commerce_simulators.fakestore",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port (default: %(default)s)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="reference",
        help="reference: the live 20/10/7 records; large: 2,000/20,000/100,000",
    )
    p.add_argument("--products", type=int, help="override the profile's product count")
    p.add_argument("--users", type=int, help="override the profile's user count")
    p.add_argument("--carts", type=int, help="override the profile's cart count")
    p.add_argument(
        "--new-carts",
        type=int,
        default=0,
        help="append N deterministic carts dated after the last one (as if time had passed)",
    )
    p.add_argument("--ready-file", type=Path, help="write the URL here once listening (removed on exit)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p


def _write_atomically(path: Path, text: str) -> None:
    # A watcher polling for the file must never read it half-written.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.new_carts < 0:
        _parser().error("--new-carts must be >= 0")
    try:
        sim = FakeStoreSimulator(
            args.seed,
            args.profile,
            products=args.products,
            users=args.users,
            carts=args.carts,
            new_carts=args.new_carts,
            host=args.host,
            port=args.port,
            verbose=args.verbose,
        )
    except ValueError as exc:
        _parser().error(str(exc))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        sim.start()
    except OSError as exc:
        print(f"fakestore simulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    counts = sim.store.counts()
    print(
        f"fakestore simulator: profile={args.profile} seed={args.seed} products={counts['products']} "
        f"users={counts['users']} carts={counts['carts']} (built in {sim.build_seconds:.2f}s)",
        file=sys.stderr,
        flush=True,
    )
    if args.ready_file:  # before the stdout line: whoever sees the line may look for the file at once
        _write_atomically(args.ready_file, sim.url + "\n")
    print(f"FAKESTORE_SIMULATOR_URL={sim.url}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
        if args.ready_file:
            args.ready_file.unlink(missing_ok=True)
    print("fakestore simulator: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
