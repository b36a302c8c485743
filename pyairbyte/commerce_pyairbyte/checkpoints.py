"""Commit a stream's records and state as the connector checkpoints, as an Airbyte destination does.

PyAirbyte keeps a stream's records in files and its state in memory until the stream ends; a sync
killed mid-stream then loses the stream's whole progress, and the next sync starts that stream's
backfill over. An Airbyte destination commits at every state message instead. Here a state message
commits the stream's records read so far and then the state (at most one commit per
`CHECKPOINT_SECONDS` per stream, so a connector that checkpoints every window does not make a
commit of every window), so an interrupted sync resumes from its last commit. Records committed
without their state (a kill between the two) are read again next time; raw is append-only and
staging keeps one row per key, so that is a re-read, not a duplicate.

The same for every cache of the runner (DuckDB and BigQuery). Runs in the PyAirbyte environment only.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from airbyte_protocol.models import AirbyteMessage, AirbyteStateType, Type

CHECKPOINT_SECONDS = 5.0


class CheckpointingProcessor:
    """Mixin for a PyAirbyte SQL processor (first in the bases): commits at state messages."""

    def process_airbyte_messages(  # type: ignore[misc]  # @final upstream; we only wrap the input
        self, messages: Iterable[AirbyteMessage], *, progress_tracker: Any, **kwargs: Any
    ) -> None:
        write_strategy = kwargs.get("write_strategy")
        last_commit: dict[str, float] = {}

        def committing(source: Iterable[AirbyteMessage]) -> Iterator[AirbyteMessage]:
            for message in source:
                yield message  # the processor files the state as pending before this resumes
                if message.type is not Type.STATE or message.state.type != AirbyteStateType.STREAM:
                    continue
                stream = message.state.stream.stream_descriptor.name
                now = time.monotonic()
                if now - last_commit.get(stream, 0.0) >= CHECKPOINT_SECONDS:
                    last_commit[stream] = now
                    self.write_stream_data(  # type: ignore[attr-defined]  # the processor's
                        stream, write_strategy=write_strategy, progress_tracker=progress_tracker
                    )

        super().process_airbyte_messages(  # type: ignore[misc]  # the processor's
            committing(messages), progress_tracker=progress_tracker, **kwargs
        )
