"""The wording the stewards' report and the e-mail digest share, so that both say the same thing:
times, the promoted/blocked sentence, counts and percentages.

The number of failing-row samples kept per check is `samples.SAMPLE_LIMIT`, its one definition:
the gate keeps that many and the report shows that many.
"""

from __future__ import annotations

PROMOTED_NOTE = "Promoted to prod."
BLOCKED_NOTE = "Not promoted: prod still serves the previous version."
UNCHANGED_NOTE = "Nothing new since the last promotion: prod still serves it."
NO_VALUE = "—"


def when(value: str | None, missing: str = NO_VALUE) -> str:
    """'2026-11-22T00:18:53Z' -> '2026-11-22 00:18:53 UTC' (the report's instants are UTC)."""
    return missing if not value else value.replace("T", " ").replace("Z", " UTC")


def promotion_note(promoted: bool, status: str | None = None) -> str:
    """What the run did to prod, in one sentence."""
    if status == "unchanged":
        return UNCHANGED_NOTE
    return PROMOTED_NOTE if promoted else BLOCKED_NOTE


def run_outcome(status: str, failed_connection: str | None = None) -> str:
    """A run's outcome in capitals, as the report's banner and the digest's subject say it."""
    return "SYNC FAILED" if failed_connection else status.upper()


def sync_failure_note(connection: str) -> str:
    """What a failed sync did, and did not do, in two sentences."""
    return (
        f"The sync of connection {connection} failed, so nothing was released: no load was pinned "
        "and no check ran. Connections synced before it keep their data in raw; the next run "
        "releases it."
    )


def plural(count: int, word: str) -> str:
    """'1 warning', '2 warnings', '1,342 rows'."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def percent(value: float | None, missing: str = NO_VALUE) -> str:
    """1.705 -> '1.71%'."""
    return missing if value is None else f"{float(value):.2f}%"
