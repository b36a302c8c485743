"""Runs that died: a run killed or crashed (power cut, OOM killer, Ctrl-\\) cannot record itself.

Every run writes its summary (`runs/<run_id>.json`) when it starts and at each point it reaches
(`summary.reach`), so a run that died leaves a summary saying "running" and the last point it
reached. The next run holds the run lock, so no such run is alive: it marks each one
`interrupted` in its summary and, unless the dead run had already written its gate run to `dq`,
appends it to `dq.gate_runs` with status `interrupted` and where it stopped, so the history and
the stewards' report show it. Nothing else is needed to recover: the sync resumes from the state
the connector committed, SQLMesh reuses what it built, and prod only ever moves by a promotion.
"""

from __future__ import annotations

import json

from commerce_stack.paths import runs_dir
from commerce_stack.pipeline.summary import RunSummary, started_at, write_summary
from commerce_stack.quality.history import GateRun
from commerce_stack.warehouse import Connection, connect


def _dead_runs(current_run_id: str) -> list[RunSummary]:
    found = []
    for path in sorted((runs_dir() / "runs").glob("*.json")):
        try:
            summary = RunSummary(**json.loads(path.read_text()))
        except (ValueError, TypeError):  # not ours, or from an older layout: leave it alone
            continue
        if summary.status == "running" and summary.run_id != current_run_id:
            found.append(summary)
    return found


def _recorded(con: Connection, run_ids: list[str]) -> set[str]:
    """The runs among `run_ids` that wrote their own gate run before they died."""
    placeholders = ", ".join("?" for _ in run_ids)
    rows = con.execute(
        f"SELECT DISTINCT run_id FROM dq.gate_runs WHERE run_id IN ({placeholders})", run_ids
    ).fetchall()
    return {run_id for (run_id,) in rows}


def record_interrupted_runs(current_run_id: str) -> list[str]:
    """Mark the runs that died before finishing as interrupted (summary and dq); returns their ids.
    Call with the run lock held."""
    from commerce_stack.quality.history import record
    from commerce_stack.quality.results import ensure_dq_schema

    dead = _dead_runs(current_run_id)
    if not dead:
        return []
    with connect(read_only=False) as con:
        ensure_dq_schema(con)
        recorded = _recorded(con, [s.run_id for s in dead])
        for summary in dead:
            if summary.run_id not in recorded:
                message = (
                    f"interrupted after reaching '{summary.stage}': the process ended before the run "
                    f"finished (killed or crashed); found by run {current_run_id}"
                )
                run = GateRun(
                    run_id=summary.run_id,
                    environment=summary.environment,
                    started_at=started_at(summary.run_id),
                    status="interrupted",
                    loads=summary.loads,
                    message=message,
                )
                record(con, run, [], [])
    for summary in dead:
        summary.status = "interrupted"
        write_summary(summary)
        print(f"run {summary.run_id} was interrupted after reaching '{summary.stage}': recorded in dq")
    return [s.run_id for s in dead]
