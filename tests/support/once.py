"""What several test files read, made once per `make test` even on several workers."""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any


def made_once(tmp_path_factory, name: str, make: Callable[[Path], Any]) -> tuple[Path, Any]:
    """(folder, what `make(folder)` returned), made once per `make test`: it runs the suite on
    several workers (pytest-xdist, a test file per worker at a time), and the first worker that asks
    makes it in the run's common temporary folder, under a lock; the others wait and read the same
    (pickled: return what needs no live process or worker's environment)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        return folder, make(folder)
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's own
    folder, record = shared / name, shared / f"{name}.pickle"
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not record.exists():
            record.write_bytes(pickle.dumps(make(folder)))
        return folder, pickle.loads(record.read_bytes())
