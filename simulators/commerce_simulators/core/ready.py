"""The ready line: the one line a simulator prints on stdout once it listens, and how a launcher
reads it back.

    FAKESTORE_SIMULATOR_URL=http://127.0.0.1:8765
    TINYERP_SIMULATOR_URL=http://127.0.0.1:8766/api2
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO


class ReadyLineError(ValueError):
    """A line that is not the named simulator's ready line."""


def ready_prefix(name: str) -> str:
    return f"{name.upper()}_SIMULATOR_URL="


def print_ready(name: str, url: str, file: TextIO | None = None) -> None:
    print(f"{ready_prefix(name)}{url}", file=file or sys.stdout, flush=True)


def parse_ready(line: str, name: str) -> str:
    """The URL in `name`'s ready line (surrounding white space ignored); ReadyLineError otherwise."""
    text = line.strip()
    prefix = ready_prefix(name)
    url = text.removeprefix(prefix)
    if url == text or not url.startswith(("http://", "https://")):
        raise ReadyLineError(f"not the {name} simulator's ready line ({prefix}<url>): {line!r}")
    return url


def write_ready_file(path: Path, url: str) -> None:
    """The URL and a newline, written so that a watcher polling for the file never reads half of it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        f.write(url + "\n")
    os.replace(tmp, path)
