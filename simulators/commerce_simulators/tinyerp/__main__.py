"""CLI: `python -m commerce_simulators.tinyerp [options]`.

Prints exactly one line on stdout once listening, `TINYERP_SIMULATOR_URL=http://127.0.0.1:<port>/api2`
(flushed), optionally writes the URL to --ready-file, and stops cleanly on SIGTERM or SIGINT.
Diagnostics go to stderr. The admin routes are at the same host under /__admin.
"""

from __future__ import annotations

import os
import sys

from ..core import cli
from .clock import ManualClock, SystemClock, parse_tiny_datetime
from .generator import DEFAULT_ORDERS
from .simulator import DEFAULT_TOKEN, TOKEN_VARIABLE, TinyErpSimulator


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(TinyErpSimulator.name, __doc__, port=8766)
    parser.add_argument(
        "--orders", type=int, default=DEFAULT_ORDERS, help="generated orders (default: %(default)s)"
    )
    parser.add_argument("--products", type=int, help="default: max(80, min(2000, orders // 25))")
    parser.add_argument("--contacts", type=int, help="default: max(150, orders // 3)")
    parser.add_argument(
        "--days", type=int, help="days of history ending 31/12/2025 (default: 92..730 by volume)"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_VARIABLE, DEFAULT_TOKEN),
        help=f"the one valid API token (default: ${TOKEN_VARIABLE}, else {DEFAULT_TOKEN}; "
        "prefer the variable: a command line is visible to every user)",
    )
    parser.add_argument(
        "--requests-per-minute",
        type=int,
        default=60,
        help="sliding 60 s budget; x-limit-api header; 0 = unlimited (default: %(default)s)",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        help="max requests in flight (default: requests-per-minute // 4; 0 = unlimited)",
    )
    parser.add_argument(
        "--block-seconds",
        type=float,
        default=0.0,
        help="after a code 6, answer 6 to everything for this long (default: 0)",
    )
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument(
        "--max-results",
        type=int,
        default=10_000,
        help="pedidos/notas searches matching more records answer code 21 (0 = no cap)",
    )
    parser.add_argument(
        "--advance",
        type=int,
        default=0,
        metavar="N",
        help="at start, N orders move one lifecycle step and N // 2 new orders arrive",
    )
    parser.add_argument(
        "--drift",
        type=int,
        default=0,
        metavar="N",
        help="insert N backdated orders before every pedidos.pesquisa page >= 2",
    )
    parser.add_argument(
        "--manual-clock",
        action="store_true",
        help="time stands still unless moved with POST /__admin/clock?advance=SECONDS",
    )
    parser.add_argument("--now", help="start of the manual clock, dd/mm/yyyy hh:mm:ss (Sao Paulo)")
    args = cli.parse(parser, argv)
    if args.advance < 0 or args.drift < 0 or args.orders < 0:
        parser.error("--orders, --advance and --drift must be >= 0")
    if args.now and not args.manual_clock:
        parser.error("--now needs --manual-clock")
    clock = SystemClock()
    if args.manual_clock:
        start = parse_tiny_datetime(args.now) if args.now else None
        if args.now and start is None:
            parser.error("--now must be dd/mm/yyyy hh:mm:ss")
        clock = ManualClock(start)
    names = ("orders", "products", "contacts", "days", "token", "requests_per_minute", "concurrency")
    names += ("block_seconds", "page_size", "max_results", "drift", "advance")
    return cli.serve(
        parser, args, lambda: TinyErpSimulator(args.seed, clock=clock, **cli.listen(args, *names))
    )


if __name__ == "__main__":
    sys.exit(main())
