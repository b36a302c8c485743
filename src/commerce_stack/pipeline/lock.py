"""One pipeline run at a time per warehouse: `run.lock` beside it, held with flock for the run.

Two runs would share the `candidate` environment (one could rebuild it between the other's plan and
gate, so the gate would check other tables than those promoted) and append to the same history. The
second run stops at once, naming the first. The lock belongs to the process, not to the file: the
kernel frees it when the holder exits, however it dies, so a stale lock from a killed run is simply
taken over (the file's text is only the holder's description).
"""

from __future__ import annotations

import fcntl
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from commerce_stack.paths import runs_dir
from commerce_stack.pipeline import PipelineError


class RunInProgress(PipelineError):
    """Another run holds the lock."""


def lock_path() -> Path:
    return runs_dir() / "run.lock"


@contextmanager
def run_lock() -> Iterator[Path]:
    """Hold the warehouse's run lock for the block; RunInProgress, naming the holder, if taken."""
    path = lock_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "a process that has not said which yet"
            raise RunInProgress(
                f"another pipeline run is in progress on this warehouse ({holder}); "
                f"wait for it to finish, or stop it, then run again (lock: {path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        command = " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])
        handle.write(f"pid {os.getpid()}, `{command}`, started {started}")
        handle.flush()
        try:
            yield path
        finally:
            handle.seek(0)
            handle.truncate()  # the description goes with the lock; the kernel frees the lock itself
