"""The TinyERP source: spec (``spec.json``), check (``info.php``) and the streams of ``streams.py``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from airbyte_cdk.models import AirbyteConnectionStatus, Status
from airbyte_cdk.sources import AbstractSource
from airbyte_cdk.sources.streams import Stream
from airbyte_cdk.utils.airbyte_secrets_utils import filter_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .client import TinyClient
from .pacing import Clock, Pacer, SystemClock
from .retries import CHECK_POLICIES, RETRY_POLICIES, RetryPolicy
from .settings import Settings
from .streams import Contacts, Invoices, Orders, PosSales, Products


class SourceTinyerp(AbstractSource):
    """A Python CDK source (not a declarative manifest); README "Why Python, not a manifest" says why."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()

    def _client(self, settings: Settings, policies: Mapping[str, RetryPolicy] = RETRY_POLICIES) -> TinyClient:
        """One client, hence one pacer, for every stream of a sync: the budget is per account."""
        pacer = Pacer(settings.requests_per_minute, settings.max_concurrent_requests, self._clock)
        return TinyClient(
            settings.api_token,
            settings.base_url,
            pacer,
            self._clock,
            policies,
            wait_factor=settings.retry_wait_factor,
            read_timeout=settings.read_timeout_seconds,
        )

    def check_connection(self, logger: logging.Logger, config: Mapping[str, Any]) -> tuple[bool, Any]:
        """One ``info.php`` call: proves the token, the plan's API access and the base URL."""
        try:
            settings = Settings.from_config(config)
            # An unreachable host fails the check in seconds, not after a sync's patient retries.
            response = self._client(settings, CHECK_POLICIES).call("info")
        except AirbyteTracedException as error:
            return False, error.message
        account = response.retorno.get("conta") or {}
        name = (
            account.get("fantasia") or account.get("razao_social") if isinstance(account, Mapping) else None
        )
        logger.info(f"Connected to TinyERP account {name or '(unnamed)'}.")
        return True, None

    def check(self, logger: logging.Logger, config: Mapping[str, Any]) -> AirbyteConnectionStatus:
        # AbstractSource.check reports repr(error); the plain message reads better. The entrypoint does
        # not pass a connection status through the secret filter: this does.
        succeeded, error = self.check_connection(logger, config)
        if succeeded:
            return AirbyteConnectionStatus(status=Status.SUCCEEDED)
        return AirbyteConnectionStatus(status=Status.FAILED, message=filter_secrets(str(error)))

    def streams(self, config: Mapping[str, Any]) -> list[Stream]:
        settings = Settings.from_config(config)
        client = self._client(settings)
        return [
            Orders(client, settings),
            PosSales(client, settings),
            Products(client, settings),
            Contacts(client, settings),
            Invoices(client, settings),
        ]
