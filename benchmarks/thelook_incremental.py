"""thelook's daily cost: a run that adds one day against the run that generated the history.

    .venv/bin/python -m benchmarks.thelook_incremental [--scale 0.003] [--workdir DIR]

1. a whole first run (every source; thelook's 60 days at `--scale`), promoted;
2. `--connection thelook`: one new day, no Airbyte sync: planned forward-only, gated, restated in
   prod (docs/thelook.md §4);
and prints, per run, the seconds of the generator, the candidate plan, the gate, prod's plan and
the whole run; then, per fact, the days the one-day run rebuilt, their rows beside the fact's, and
the floor: the share of the days it must rebuild. Never asserted in tests:
tests/pipeline/test_thelook.py checks what is built; this says what it costs.
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


def _rows(workdir: Path, evaluated: dict) -> dict[str, tuple[int, int]]:
    """Per fact: its rows in the days the plan evaluated (what it rebuilt), and all its rows."""
    with duckdb.connect(str(workdir / "warehouse.duckdb"), read_only=True) as con:
        out = {}
        for fact in FACTS:
            days = evaluated.get(f"marts.{fact}")
            (total,) = con.execute(f"SELECT count(*) FROM marts.{fact}").fetchone()  # type: ignore[misc]
            built = total
            if days:
                (built,) = con.execute(  # type: ignore[misc]
                    f"SELECT count(*) FROM marts.{fact} WHERE {DATE_OF[fact]} BETWEEN ? AND ?",
                    [days["first"], days["last"]],
                ).fetchone()
            out[fact] = (built, total)
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
    print("| run | generator | plan (candidate) | gate | promote (prod) | total |")
    print("|---|---|---|---|---|---|")
    for name, summary in (("first (60 days, every source)", first), ("one new day (thelook only)", later)):
        s = summary["seconds"]
        print(
            f"| {name} | {s.get('thelook', 0):.2f} s | {s.get('plan', 0):.2f} s | {s.get('gate', 0):.2f} s"
            f" | {s.get('promote', 0):.2f} s | {s.get('total', 0):.2f} s |"
        )
    days = len(first["thelook"]["days"]) + len(later["thelook"]["days"])
    print(f"\nthe one-day run, per fact (floor: the days it must rebuild, 2 of {days}: its new day and the")
    print("last promoted one, whose partition late rows can reach; the rows of those days, any source):")
    print("| fact | days rebuilt | rows rebuilt | rows in the fact | share | floor share of days |")
    print("|---|---|---|---|---|---|")
    for fact, (built, total) in _rows(workdir, later["evaluated"]).items():
        e = later["evaluated"].get(f"marts.{fact}", {})
        span = f"{e.get('first')} .. {e.get('last')} ({e.get('intervals')})" if e else "none"
        print(f"| {fact} | {span} | {built:,} | {total:,} | {built / max(total, 1):.1%} | {2 / days:.1%} |")


if __name__ == "__main__":
    main()
