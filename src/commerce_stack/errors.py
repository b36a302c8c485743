"""What a person must fix, in one line: the command line's one translation of the errors that are
not bugs (bad configuration, a warehouse file another process holds or that is not a DuckDB
database, a run already in progress, a SQLMesh project that does not load, an export's unknown
mart, bad target or missing setting), found anywhere in an exception's chain, since SQLMesh and
the pipeline's steps wrap what DuckDB raised.

Imports nothing heavy at module level: the PyAirbyte environment uses `one_line` too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# DuckDB's words (1.4), in whatever exception carries them: the file and who holds it, or the file
# that is not a database (anything but a DuckDB file, an empty one) or is cut short (truncated).
_LOCKED = re.compile(
    r'Could not set lock on file "(?P<file>[^"]+)": '
    r"Conflicting lock is held in (?P<holder>.+?) \(PID (?P<pid>\d+)\)"
)
_CORRUPT = re.compile(
    r'The file "(?P<file>[^"]+)" exists, but it is not a valid DuckDB database file'
    r'|Could not read enough bytes from file "(?P<short>[^"]+)"'
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")

CONFIG_ERROR, FAILED = 2, 1  # exit statuses: fix a setting or a file / the command could not finish


def one_line(text: str) -> str:
    """A message on one line: its first line, and the next one when the first only announces it
    (ends with ':'), without terminal colours; inner whitespace collapsed."""
    lines = [" ".join(line.split()) for line in _ANSI.sub("", text).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return ""
    if lines[0].endswith(":") and len(lines) > 1:
        return f"{lines[0]} {lines[1]}"
    return lines[0]


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _warehouse_file(error: BaseException) -> tuple[str, int] | None:
    """A DuckDB file that is locked (nothing wrong with it: wait), not a database or truncated."""
    text = str(error)
    locked = _LOCKED.search(text)
    if locked:
        return (
            f"the DuckDB file {locked['file']} is in use by another process (pid {locked['pid']}, "
            f"{locked['holder']}): wait for it to finish, or stop it, then run again",
            FAILED,
        )
    corrupt = _CORRUPT.search(text)
    if corrupt:
        file = corrupt["file"] or corrupt["short"]
        what = "is not a DuckDB database" if corrupt["file"] else "is truncated (shorter than DuckDB wrote)"
        return (
            f"the DuckDB file {file} {what}: restore it from a backup, or move it away so that "
            "the next `make run` builds a new warehouse",
            CONFIG_ERROR,
        )
    return None


def explain(error: BaseException) -> tuple[str, int] | None:
    """(one line, exit status) for an error a person fixes; None for anything else (a bug: its
    traceback is what helps)."""
    from commerce_stack.airbyte_config import AirbyteConfigError
    from commerce_stack.airbyte_instance import AirbyteInstanceError
    from commerce_stack.export import ExportSettingsError
    from commerce_stack.pipeline import PipelineError
    from commerce_stack.transform.project import ProjectLoadError
    from commerce_stack.warehouse import WarehouseSettingsError

    settings = AirbyteConfigError | WarehouseSettingsError | ProjectLoadError | ExportSettingsError
    chain = list(_chain(error))
    for cause in chain:  # the file first: a step that failed on it says so in its own words
        found = _warehouse_file(cause)
        if found:
            return found
    for cause in chain:
        if isinstance(cause, settings):
            return one_line(str(cause)), CONFIG_ERROR
        if isinstance(cause, PipelineError | AirbyteInstanceError):  # it names the step and what to do
            return one_line(str(cause)), FAILED
    return None
