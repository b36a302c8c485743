"""The command line every simulator shares: `python -m commerce_simulators.<name> [options]`.

    --host, --port (0 picks a free port), --seed, then the simulator's own options,
    --ready-file (the URL, written atomically once listening, removed on exit), --verbose.

Once listening it prints exactly one line on stdout, the ready line (see ready.py), flushed; a
summary and every other diagnostic go to stderr. SIGTERM and SIGINT stop it cleanly.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .ready import print_ready, write_ready_file
from .simulator import Simulator

S = TypeVar("S", bound=Simulator)


def parser(name: str, doc: str | None, *, port: int) -> argparse.ArgumentParser:
    """The shared leading options; add the simulator's own, then call `parse`."""
    p = argparse.ArgumentParser(
        prog=f"python -m commerce_simulators.{name}",
        description=doc,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=port, help="0 picks a free port (default: %(default)s)")
    p.add_argument("--seed", type=int, default=42)
    return p


def parse(p: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    p.add_argument("--ready-file", type=Path, help="write the URL here once listening (removed on exit)")
    p.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return p.parse_args(argv)


def listen(args: argparse.Namespace, *names: str) -> dict[str, Any]:
    """The keywords a simulator's constructor takes from the command line: host, port, verbose and
    the options `names` (each option's dest is the constructor's keyword of the same name)."""
    return {"host": args.host, "port": args.port, "verbose": args.verbose} | {
        name: getattr(args, name) for name in names
    }


def serve(p: argparse.ArgumentParser, args: argparse.Namespace, build: Callable[[], S]) -> int:
    """Build the simulator (a ValueError is a usage error), listen, print the ready line, serve
    until SIGTERM/SIGINT. Once listening, `sim.describe()` is the summary line on stderr."""
    try:
        sim = build()
    except ValueError as exc:
        p.error(str(exc))
    name = sim.name
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    try:
        sim.start()
    except OSError as exc:
        print(f"{name} simulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"{name} simulator: {sim.describe()}", file=sys.stderr, flush=True)
    if args.ready_file:  # before the stdout line: whoever sees the line may look for the file at once
        write_ready_file(args.ready_file, sim.url)
    print_ready(name, sim.url)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
        if args.ready_file:
            args.ready_file.unlink(missing_ok=True)
    print(f"{name} simulator: stopped", file=sys.stderr, flush=True)
    return 0
