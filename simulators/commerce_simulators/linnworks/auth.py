"""Application authorisation and session tokens.

`POST /api/Auth/AuthorizeByApplication` with the application id, its secret and the installation token
opens a session: `{"Token": ..., "TTL": seconds, "Server": ...}`. Stream calls send the session token as
the whole `Authorization` header (no "Bearer"); an unknown or expired token answers 401. Session tokens
are GUIDs derived from the seed and a counter, so runs are reproducible; TTL is measured on `clock`
(the wall clock unless a test passes its own).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .model import guid

DEFAULT_APPLICATION_ID = "sim-application-id"
DEFAULT_APPLICATION_SECRET = "sim-application-secret"
DEFAULT_TOKEN = "sim-installation-token"
# The CLI's credentials (option -> variable), kept off the command line (ps shows it).
CREDENTIAL_VARIABLES = {
    "application_id": "LINNWORKS_SIMULATOR_APPLICATION_ID",
    "application_secret": "LINNWORKS_SIMULATOR_APPLICATION_SECRET",
    "token": "LINNWORKS_SIMULATOR_TOKEN",
}
DEFAULT_TTL = 1800


class Sessions:
    def __init__(
        self,
        seed: int,
        *,
        application_id: str,
        application_secret: str,
        token: str,
        ttl: int,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if not (application_id and application_secret and token):
            raise ValueError("application id, secret and token must not be empty")
        if ttl < 1:
            raise ValueError("ttl must be >= 1 second")
        self.seed, self.ttl = seed, ttl
        self.application_id, self.application_secret, self.token = application_id, application_secret, token
        self.clock = clock or time.time
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._expiry: dict[str, float] = {}
            self.issued = 0

    def authorize(self, application_id: str, secret: str, token: str) -> str | None:
        """A new session token; None when any of the three is wrong (the API says 401, not which)."""
        if (application_id, secret, token) != (self.application_id, self.application_secret, self.token):
            return None
        with self._lock:
            self.issued += 1
            session = guid("linnworks", self.seed, "session", self.issued)
            self._expiry[session] = self.clock() + self.ttl
        return session

    def check(self, header: str | None) -> str:
        """valid, expired, invalid or missing."""
        if not header:
            return "missing"
        with self._lock:
            expiry = self._expiry.get(header.strip())
        if expiry is None:
            return "invalid"
        return "valid" if self.clock() < expiry else "expired"

    def expire_all(self) -> int:
        """End every open session now (the next stream call answers 401); returns how many."""
        with self._lock:
            now = self.clock()
            live = [s for s, expiry in self._expiry.items() if expiry > now]
            for s in live:
                self._expiry[s] = now
        return len(live)

    def live(self) -> int:
        with self._lock:
            now = self.clock()
            return sum(1 for expiry in self._expiry.values() if expiry > now)
