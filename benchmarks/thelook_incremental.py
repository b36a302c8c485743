"""thelook's daily cost: a run that adds one day against the run that generated the history.

    .venv/bin/python -m benchmarks.thelook_incremental [--scale 0.003] [--workdir DIR]

1. a whole first run (every source; thelook's 60 days at `--scale`), promoted;
2. `--connection thelook`: one new day, no Airbyte sync;
and prints, per run, the seconds of the generator, the plan, the gate and the whole run beside the
floor, the first run's plan (what a rebuild of everything costs), with the rows the plan's thelook
models hold for the days they built (from the warehouse) and the days SQLMesh evaluated per model
(from the run's summary). Never asserted in tests: tests/pipeline/test_thelook.py checks what is
built; this says how long it takes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from commerce_stack.paths import ROOT

FACTS = ("fct_order_headers", "fct_order_items", "fct_orders", "fct_inventory_movements", "fct_user_activity")
DATE_OF = {
    "fct_order_headers": "order_date",
    "fct_order_items": "order_date",
    "fct_orders": "order_date",
    "fct_inventory_movements": "movement_date",
    "fct_user_activity": "event_date",
}


def _run(workdir: Path, *args: str) -> dict:
    env = {**os.environ, "COMMERCE_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb")}
    done = subprocess.run(
        [sys.executable, "-m", "commerce_stack.cli", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(done.stdout[-3000:] + done.stderr[-2000:])
    summaries = sorted((workdir / "runs").glob("*.json"), key=lambda p: p.stat().st_mtime)
    return dict(json.loads(summaries[-1].read_text()))


def _rows(workdir: Path, evaluated: dict) -> dict[str, int]:
    """Rows of each fact in the days the plan evaluated (what it wrote)."""
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        out = {}
        for fact in FACTS:
            days = evaluated.get(f"marts.{fact}")
            if days:
                out[fact] = con.execute(
                    f"SELECT count(*) FROM marts.{fact} WHERE {DATE_OF[fact]} BETWEEN ? AND ?",
                    [days["first"], days["last"]],
                ).fetchone()[0]  # type: ignore[index]
        return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="0.003")
    parser.add_argument("--workdir", type=Path)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="thelook-bench-"))
    first = _run(workdir, "--thelook-scale", args.scale)
    later = _run(workdir, "--connection", "thelook", "--thelook-scale", args.scale)
    print(f"thelook at scale {args.scale}, work folder {workdir}")
    print(
        "| run | generator | plan | gate | total | floor: first run's plan"
        " | facts' rows, first to last day evaluated (every source) |"
    )
    print("|---|---|---|---|---|---|---|")
    floor = first["seconds"].get("plan", 0.0)
    for name, summary in (("first (60 days, every source)", first), ("one new day (thelook only)", later)):
        s = summary["seconds"]
        rows = _rows(workdir, summary["evaluated"])
        print(
            f"| {name} | {s.get('thelook', 0):.2f} s | {s.get('plan', 0):.2f} s | {s.get('gate', 0):.2f} s"
            f" | {s.get('total', 0):.2f} s | {floor:.2f} s | {sum(rows.values()):,} |"
        )
    print("days SQLMesh evaluated in the one-day run (first, last, daily intervals):")
    for model, days in sorted(later["evaluated"].items()):
        print(f"  {model}: {days['first']} .. {days['last']} ({days['intervals']})")


if __name__ == "__main__":
    main()
