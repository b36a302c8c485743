"""The data stewards' report: static HTML (self-contained, renders offline) plus the same facts as
JSON, built from the append-only `dq` history in the warehouse (see `quality/results.py`).

    python -m commerce_stack.quality.report [--warehouse PATH] [--out DIR] [--history-runs N]
                                            [--environment NAME]

- `records.py`: typed records of the `dq` history and the one reader of it;
- `facts.py`: what the report says, derived from them (the definitions of NEW, RECURRING,
  first seen, a table's status and freshness);
- `render.py` and `templates/`: the HTML page (Jinja2, autoescaped); `charts.py`: its two SVG
  charts. Wording shared with the e-mail digest is in `quality/formatting.py`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from commerce_stack.quality.report.facts import read_report
from commerce_stack.quality.report.render import render_html
from commerce_stack.quality.samples import SAMPLE_LIMIT

__all__ = ["SAMPLE_LIMIT", "build_report", "load_report", "main", "read_report", "render_html"]


def load_report(warehouse: Path, *, history_runs: int = 20, environment: str | None = None) -> dict[str, Any]:
    """Everything the report shows, as report.json has it (read-only; the connection is closed)."""
    return read_report(warehouse, history_runs=history_runs, environment=environment).to_json()


def build_report(
    warehouse: Path | None, out_dir: Path, *, history_runs: int = 20, environment: str | None = None
) -> Path:
    """Write out_dir/index.html and out_dir/report.json; returns the HTML's path. `warehouse`: a
    DuckDB file, or None for this process's warehouse (DuckDB or BigQuery)."""
    report = read_report(warehouse, history_runs=history_runs, environment=environment)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(
        json.dumps(report.to_json(), indent=2, default=str), encoding="utf-8"
    )
    index = out_dir / "index.html"
    index.write_text(render_html(report), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    from commerce_stack.paths import runs_dir

    parser = argparse.ArgumentParser(
        prog="python -m commerce_stack.quality.report",
        description="Write the data-quality report (index.html + report.json) from the dq history.",
    )
    parser.add_argument("--warehouse", type=Path, default=None, help="a DuckDB file (default: the warehouse)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: <runs dir>/report)")
    parser.add_argument("--history-runs", type=int, default=20, help="runs in the trend (default 20)")
    parser.add_argument("--environment", default=None, help="environment to report (default: latest run's)")
    args = parser.parse_args(argv)
    path = build_report(
        args.warehouse,
        args.out or runs_dir() / "report",
        history_runs=args.history_runs,
        environment=args.environment,
    )
    print(path)
    return 0
