"""CLI: `python -m commerce_simulators.fakestore [options]`.

Prints exactly one line on stdout once listening, `FAKESTORE_SIMULATOR_URL=http://127.0.0.1:<port>`
(flushed), optionally writes the URL to --ready-file, and stops cleanly on SIGTERM or SIGINT.
Diagnostics go to stderr.
"""

from __future__ import annotations

import sys

from ..core import cli
from .generator import PROFILES
from .simulator import FakeStoreSimulator


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(FakeStoreSimulator.name, __doc__, port=8765)
    parser.add_argument(
        "--profile",
        choices=sorted(PROFILES),
        default="reference",
        help="reference: the live 20/10/7 records; large: 2,000/20,000/100,000",
    )
    parser.add_argument("--products", type=int, help="override the profile's product count")
    parser.add_argument("--users", type=int, help="override the profile's user count")
    parser.add_argument("--carts", type=int, help="override the profile's cart count")
    parser.add_argument(
        "--new-carts",
        type=int,
        default=0,
        help="append N deterministic carts dated after the last one (as if time had passed)",
    )
    args = cli.parse(parser, argv)
    if args.new_carts < 0:
        parser.error("--new-carts must be >= 0")
    names = ("profile", "products", "users", "carts", "new_carts")
    return cli.serve(parser, args, lambda: FakeStoreSimulator(args.seed, **cli.listen(args, *names)))


if __name__ == "__main__":
    sys.exit(main())
