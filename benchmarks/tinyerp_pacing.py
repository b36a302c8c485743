"""How well source-tinyerp spends a TinyERP rate limit: N requests against the simulator at R/min
should take about N/R minutes and never be answered with code 6 (too many requests).

    .venv/bin/python benchmarks/tinyerp_pacing.py [--rpm 60] [--orders 120] [--streams products,orders]

Starts the simulator (root venv) and runs the connector's own binary
(connectors/source-tinyerp/.venv/bin/source-tinyerp read). Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONNECTOR = ROOT / "connectors" / "source-tinyerp"
BINARY = CONNECTOR / ".venv" / "bin" / "source-tinyerp"


def _catalog(streams: list[str]) -> dict:
    full = json.loads((CONNECTOR / "integration_tests" / "configured_catalog.json").read_text())
    full["streams"] = [s for s in full["streams"] if s["stream"]["name"] in streams]
    return full


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rpm", type=int, default=60)
    parser.add_argument("--orders", type=int, default=120)
    parser.add_argument("--streams", default="products")
    args = parser.parse_args()

    simulator = subprocess.Popen(
        [sys.executable, "-m", "commerce_simulators.tinyerp", "--port", "0",
         "--orders", str(args.orders), "--requests-per-minute", str(args.rpm)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        url = simulator.stdout.readline().strip().split("=", 1)[1]  # type: ignore[union-attr]
        admin = url.removesuffix("/api2") + "/__admin"
        with tempfile.TemporaryDirectory() as tmp:
            config, catalog = Path(tmp) / "config.json", Path(tmp) / "catalog.json"
            config.write_text(
                json.dumps({"api_token": "sim-token", "base_url": url, "start_date": "2025-10-01"})
            )
            catalog.write_text(json.dumps(_catalog(args.streams.split(","))))
            started = time.monotonic()
            read = subprocess.run(
                [str(BINARY), "read", "--config", str(config), "--catalog", str(catalog)],
                stdout=subprocess.PIPE, text=True, check=False,
            )  # fmt: skip
            seconds = time.monotonic() - started
        stats = json.load(urllib.request.urlopen(f"{admin}/stats", timeout=10))
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)

    records = sum(1 for line in read.stdout.splitlines() if line.startswith('{"type":"RECORD"'))
    requests = stats["requests"] if isinstance(stats["requests"], int) else stats["requests"]["total"]
    ideal = requests / args.rpm * 60
    print(f"streams: {args.streams}  limit: {args.rpm}/min  exit: {read.returncode}")
    print(f"records: {records}  requests answered: {requests}  code 6: {stats.get('answered_6')}  "
          f"code 11: {stats.get('answered_11')}")  # fmt: skip
    deviation = 100 * (seconds - ideal) / ideal
    print(f"wall time: {seconds:.1f} s  N/limit: {ideal:.1f} s  deviation: {deviation:+.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
