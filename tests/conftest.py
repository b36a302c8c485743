"""Settings for every test process."""

import os

# SQLMesh loads projects in forked workers; a test process that has already run Great
# Expectations (threads, gRPC) can crash in such a fork. One process: no fork, same results.
os.environ.setdefault("MAX_FORK_WORKERS", "1")
