"""CLI: `python -m commerce_simulators.linnworks [options]`.

Prints exactly one line on stdout once listening, `LINNWORKS_SIMULATOR_URL=http://127.0.0.1:<port>`
(flushed), optionally writes the URL to --ready-file, and stops cleanly on SIGTERM or SIGINT.
Diagnostics go to stderr. The auth route, the API routes and /__admin all live at that URL, which is
also the HTTPS proxy for api.linnworks.net; the CA to trust is `<--tls-dir>/ca.pem` (the stderr
summary names it when --tls-dir is not given).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..core import cli
from .auth import (
    CREDENTIAL_VARIABLES,
    DEFAULT_APPLICATION_ID,
    DEFAULT_APPLICATION_SECRET,
    DEFAULT_TOKEN,
    DEFAULT_TTL,
)
from .generator import DEFAULT_ITEMS, DEFAULT_ORDERS
from .simulator import LinnworksSimulator


def main(argv: list[str] | None = None) -> int:
    parser = cli.parser(LinnworksSimulator.name, __doc__, port=8767)
    parser.add_argument(
        "--orders", type=int, default=DEFAULT_ORDERS, help="processed orders (default: %(default)s)"
    )
    parser.add_argument("--items", type=int, default=DEFAULT_ITEMS, help="stock items (default: %(default)s)")
    parser.add_argument(
        "--days", type=int, help="days of history ending 2025-12-31 (default: 92..730 by volume)"
    )
    defaults = {
        "application_id": DEFAULT_APPLICATION_ID,
        "application_secret": DEFAULT_APPLICATION_SECRET,
        "token": DEFAULT_TOKEN,  # the installation token
    }
    for option, variable in CREDENTIAL_VARIABLES.items():
        parser.add_argument(
            f"--{option.replace('_', '-')}",
            default=os.environ.get(variable, defaults[option]),
            help=f"default: ${variable}, else {defaults[option]} (prefer the variable: ps shows options)",
        )
    parser.add_argument("--ttl", type=int, default=DEFAULT_TTL, help="session lifetime in seconds")
    parser.add_argument(
        "--advance", type=float, default=0, metavar="HOURS", help="at start, move time on by HOURS"
    )
    parser.add_argument(
        "--tls-dir", type=Path, help="where to write the test CA (ca.pem) for api.linnworks.net"
    )
    args = cli.parse(parser, argv)
    if args.advance < 0:
        parser.error("--advance must be >= 0")
    names = (
        "orders",
        "items",
        "days",
        "application_id",
        "application_secret",
        "token",
        "ttl",
        "advance",
        "tls_dir",
    )
    return cli.serve(parser, args, lambda: LinnworksSimulator(args.seed, **cli.listen(args, *names)))


if __name__ == "__main__":
    sys.exit(main())
