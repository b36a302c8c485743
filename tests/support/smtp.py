"""A real SMTP server on 127.0.0.1 for tests that send mail (aiosmtpd), and its inbox."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(e.original_content or e.content, policy=default_policy) for e in self.envelopes
        ]


class EphemeralController(Controller):
    """Listen on port 0 (a free port); aiosmtpd's start-up probe needs the real port."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(**options: Any) -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller = EphemeralController(inbox, hostname="127.0.0.1", port=0, **options)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()
