"""Named points of a run where it can be told to stop itself, so that it is killed exactly there.

`COMMERCE_STACK_STOP_AT=<point>` makes whichever process of the run reaches `<point>` (the pipeline,
the PyAirbyte runner or the Great Expectations checkpoint) write `<point> <pid>` to `stopped_at`
beside the warehouse and suspend itself with SIGSTOP: nothing after the point runs until the process
is killed (or continued with SIGCONT). The crash test kills the run's process group at each point and
runs again; an operator can rehearse a crash the same way. Unset, a point costs one lookup.

The points, in the order a run passes them (`<c>` is a connection of airbyte_config/):

    run-started           the lock is held and the run's summary says "running"
    simulators-started    the local APIs listen, nothing synced
    before-read:<c>       the runner is about to read connection <c>
    read:<c>              <c>'s records and state are committed, not yet stamped with a sync id
    sync-done             every connection synced, nothing pinned
    loads-pinned          the loads to release are pinned
    plan-backfill         SQLMesh has built the first model of the candidate environment
    candidate-planned     the candidate environment is built and audited
    gx-validated          (checkpoint process) GX validated the candidate; results not yet returned
    gate-passed           the gate passed, prod not yet promoted
    prod-planned          prod points at the new tables; neither the gate run nor the promotion recorded
    dq-recorded           the gate run is in dq; the promotion not yet recorded (the next run
                          validates again and records it)
    promotion-recorded    the promotion is recorded; no report yet
    report-built          the stewards' report is written; the digest not yet sent
"""

from __future__ import annotations

import os
import signal

from commerce_stack.paths import runs_dir

VARIABLE = "COMMERCE_STACK_STOP_AT"
MARKER = "stopped_at"


def stop_point(name: str) -> None:
    """Suspend this process here if the run was told to stop at `name`."""
    if os.environ.get(VARIABLE) != name:
        return
    marker = runs_dir() / MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(f"{name} {os.getpid()}\n")
    os.kill(os.getpid(), signal.SIGSTOP)
