"""What the runner keeps secret: the sources' secrets masked in everything it prints and logs, and
PyAirbyte's connector configuration files removed.

PyAirbyte (0.71.3) has no masking hook: `airbyte.secrets.SecretString` only hides a value's repr.
Its connector configuration (tokens in clear) goes to a temporary file that it deletes when the
connector's process ends, and that a killed sync leaves behind. So the runner

- replaces every form of every secret (commerce_stack.secret_forms) by `****` at the two places
  all its output passes: the file descriptors 1 and 2 (its own prints, PyAirbyte's, rich's, and
  the stderr of the connectors it starts, which inherit them) and Python's log records (PyAirbyte's
  log files, which hold the connectors' log messages);
- keeps PyAirbyte's temporary files in a private folder it empties at start (what a killed run
  left) and after each connection, even one that failed.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from commerce_stack.airbyte_config import SourceConfig
from commerce_stack.secret_forms import SecretMask

PUMP_DRAIN_SECONDS = 30
# wider than any URL a connector logs, narrow enough: rich pads some lines (PyAirbyte's progress) to it
UNWRAPPED_COLUMNS = 4096
SECRETS = SecretMask()  # the run's secrets, added as each connection's spec names them


def source_secrets(source: SourceConfig, configuration: dict[str, Any], spec: dict[str, Any]) -> list[str]:
    """The values of the spec's `airbyte_secret` fields (found the CDK's way), and the variables
    they are read from as the environment holds them (a trailing newline included)."""
    from airbyte_cdk.utils.airbyte_secrets_utils import get_secrets

    values = [str(v) for v in get_secrets(spec, configuration)]
    top_keys = [k for k, v in spec.get("properties", {}).items() if v.get("airbyte_secret")]
    return values + [os.environ[name] for name in source.variables_of(top_keys) if name in os.environ]


def remove_connector_files(folder: Path) -> None:
    """PyAirbyte's temporary files (connector configuration, catalog, state): the folder is the
    runner's alone, so whatever is in it belongs to a connection that ended or a run killed."""
    for path in folder.iterdir() if folder.is_dir() else ():
        if path.is_file() or path.is_symlink():
            path.unlink(missing_ok=True)


_default_record_factory = logging.getLogRecordFactory()


def _masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _default_record_factory(*args, **kwargs)
    if SECRETS:
        record.msg, record.args = SECRETS.mask(record.getMessage()), None
        if record.exc_info:  # formatted now, masked, so that no handler formats it again
            record.exc_text = SECRETS.mask(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
    return record


def mask_log_records() -> None:
    """Every log record made in this process (PyAirbyte's file logs included) is masked."""
    logging.setLogRecordFactory(_masked_record)


class _MaskingPump(threading.Thread):
    """Copies lines from a pipe to a file descriptor, masked."""

    def __init__(self, source: int, target: int) -> None:
        super().__init__(name=f"mask-fd{target}", daemon=True)
        self.source, self.target = source, target

    def run(self) -> None:
        with open(self.source, "rb") as pipe:
            for line in pipe:  # whole lines: a secret is never split between two writes
                data = memoryview(SECRETS.mask_bytes(line))
                while data:
                    data = data[os.write(self.target, data) :]


@contextmanager
def masked_output() -> Iterator[None]:
    """Standard output and error pass through `SECRETS` until the block ends; child processes
    started meanwhile write into the same pipes."""
    # rich (PyAirbyte's printer) folds a long word at the console's width, 80 columns off a terminal,
    # which would cut a token in a URL over two lines; its consoles read COLUMNS when made.
    os.environ["COLUMNS"] = str(UNWRAPPED_COLUMNS)
    saved: list[tuple[int, int, _MaskingPump]] = []
    sys.stdout.flush()
    sys.stderr.flush()
    for fd in (1, 2):
        original = os.dup(fd)
        read_end, write_end = os.pipe()
        os.dup2(write_end, fd)
        os.close(write_end)
        pump = _MaskingPump(read_end, original)
        pump.start()
        saved.append((fd, original, pump))
    try:
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, original, pump in saved:
            os.dup2(original, fd)  # closes the pipe's last writer here: the pump reads to its end
            # a connector process still holding the pipe would keep it open: not wait for it forever
            pump.join(timeout=PUMP_DRAIN_SECONDS)
            os.close(original)
