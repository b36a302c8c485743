"""The TinyERP API v2 transport: one call, classified by ``codigo_erro``, paced and retried.

Every answer of the API is HTTP 200; success and failure are told apart inside the JSON envelope
(``retorno.status`` / ``retorno.codigo_erro``, strings in practice). :meth:`TinyClient.call` turns an
envelope into one of:

* a :class:`TinyResponse` (``status`` OK, or code 20 "no records", or code 23 "page does not exist");
* :class:`TooManyRecords` (code 21) or :class:`RecordNotFound` (code 32), for the caller to handle;
* a retry (codes 6 and 11 after waiting for the next minute window, 35 and 99 after a long wait,
  HTTP 429 / 5xx / timeouts / dropped connections / truncated JSON within a budget, a refused
  connection once: ``retries.py``);
* an ``AirbyteTracedException``: ``config_error`` for codes 1, 2, 5, 7, 8 (the message names
  ``api_token`` for 1 and 2), ``transient_error`` when retries run out, ``system_error`` otherwise.

The token travels as a query parameter (as every public production client does) and never appears in
a message: URLs and exception texts of ``requests`` are never quoted, bodies are scrubbed, and every
encoding of the token is registered with the CDK's secret filter (``masking.py``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from airbyte_cdk.models import FailureType
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .masking import mask, register_token
from .pacing import Clock, Pacer, SystemClock, seconds_to_next_minute
from .retries import (
    MAX_RETRY_AFTER_S,
    RETRY_POLICIES,
    SOURCE_DOWN_KINDS,
    RetryPolicy,
    retry_after_seconds,
    transport_failure,
)

LOGGER = logging.getLogger("airbyte")

DEFAULT_BASE_URL = "https://api.tiny.com.br/api2"
LIMIT_HEADER = "x-limit-api"
CONNECT_TIMEOUT_S = 10
READ_TIMEOUT_S = 90

# codigo_erro -> what it means (the official table, docs/tinyerp_api.md §1.3).
CODE_MEANINGS: Mapping[str, str] = {
    "1": "token não informado (no token was sent)",
    "2": "token inválido ou não encontrado (invalid or unknown token)",
    "3": "XML/JSON mal formado (malformed request)",
    "4": "erro de processamento (request could not be processed)",
    "5": "API bloqueada ou sem acesso (the plan has no API access, or the API extension is missing)",
    "6": "API bloqueada momentaneamente - muitos acessos no último minuto (per-minute limit exceeded)",
    "7": "espaço da empresa esgotado (the account ran out of space)",
    "8": "empresa bloqueada (the account is blocked)",
    "9": "números de sequência em duplicidade",
    "10": "parâmetro não informado (a required parameter is missing)",
    "11": "API bloqueada momentaneamente - muitos acessos concorrentes (concurrency limit exceeded)",
    "20": "a consulta não retornou registros (no records)",
    "21": "a consulta retornou muitos registros (too many records: narrow the filter)",
    "22": "mais registros que o permitido por lote",
    "23": "a página que você está tentando obter não existe (past the last page)",
    "30": "erro de duplicidade de registro",
    "31": "erros de validação (validation errors)",
    "32": "registro não localizado (record not found)",
    "33": "registro localizado em duplicidade",
    "34": "nota fiscal não autorizada",
    "35": "ocorreu um erro inesperado, tente novamente mais tarde (unexpected error, try again later)",
    "99": "sistema em manutenção (maintenance)",
}

RATE_LIMITED_CODES = frozenset({"6", "11"})
EMPTY_CODE = "20"
TOO_MANY_RECORDS_CODE = "21"
PAST_LAST_PAGE_CODE = "23"
NOT_FOUND_CODE = "32"
CONFIG_ERROR_CODES = frozenset({"1", "2", "5", "7", "8"})


@dataclass(frozen=True)
class _Retry:
    """A failed attempt worth retrying: its kind (a key of ``RETRY_POLICIES``), a readable reason,
    and the server's Retry-After (HTTP 429/5xx) if any."""

    kind: str
    reason: str
    code: str | None = None
    retry_after: str | None = None


class TinyError(Exception):
    """An envelope with a ``codigo_erro`` the caller is expected to handle."""

    def __init__(self, endpoint: str, code: str, messages: list[str]) -> None:
        self.endpoint = endpoint
        self.code = code
        self.messages = messages
        super().__init__(describe_error(endpoint, code, messages))


class TooManyRecords(TinyError):
    """Code 21: the filter matches more records than the API returns; narrow it."""


class RecordNotFound(TinyError):
    """Code 32: the record disappeared (typically deleted between a list call and a detail call)."""


def describe_error(endpoint: str, code: str, messages: list[str]) -> str:
    meaning = CODE_MEANINGS.get(code, "a code this connector does not know")
    said = "; ".join(messages) or "no message"
    return f"TinyERP {endpoint} answered codigo_erro {code}: {meaning}. The API said: {said!r}."


@dataclass(frozen=True)
class TinyResponse:
    endpoint: str
    retorno: Mapping[str, Any]
    code: str | None  # None when status is OK

    @property
    def is_empty(self) -> bool:
        return self.code == EMPTY_CODE

    @property
    def is_past_last_page(self) -> bool:
        return self.code == PAST_LAST_PAGE_CODE

    @property
    def has_records(self) -> bool:
        return self.code is None

    @property
    def page_count(self) -> int:
        """``numero_paginas`` (a string in practice); 1 when absent or unreadable."""
        try:
            return max(1, int(str(self.retorno.get("numero_paginas", "1")).strip()))
        except ValueError:
            return 1


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def envelope_messages(retorno: Mapping[str, Any]) -> list[str]:
    """The texts of ``retorno.erros`` (``[{"erro": "..."}]``, tolerating bare strings)."""
    errors = retorno.get("erros") or []
    if isinstance(errors, Mapping | str):
        errors = [errors]
    messages = []
    for error in errors:
        if isinstance(error, Mapping):
            messages.append(_text(error.get("erro", error)))
        else:
            messages.append(_text(error))
    return [m for m in messages if m]


class TinyClient:
    """Calls ``<base_url>/<endpoint>.php`` with the account token; shared by all streams of a sync."""

    def __init__(
        self,
        api_token: str,
        base_url: str = DEFAULT_BASE_URL,
        pacer: Pacer | None = None,
        clock: Clock | None = None,
        policies: Mapping[str, RetryPolicy] = RETRY_POLICIES,
        *,
        wait_factor: float = 1.0,
        read_timeout: float = READ_TIMEOUT_S,
    ) -> None:
        self._token = (api_token or "").strip()  # a token read from a file keeps its newline
        self._token_forms = register_token(api_token or "")
        self._wait_factor = wait_factor
        self._policies = {kind: policy.scaled(wait_factor) for kind, policy in policies.items()}
        self._read_timeout = read_timeout
        self._base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self._host = urlsplit(self._base_url).netloc.rsplit("@", 1)[-1] or self._base_url
        self.clock = clock or SystemClock()
        self.pacer = pacer or Pacer(clock=self.clock)
        self._sessions = threading.local()
        # Set when a call gave up because the source is down: later calls get one attempt only.
        self._source_down: str | None = None

    # -- public -----------------------------------------------------------------------------------------
    def call(
        self, endpoint: str, params: Mapping[str, Any] | None = None, *, json_format: bool = True
    ) -> TinyResponse:
        """One logical call; retried as ``retries.py`` says. ``json_format=False`` for PDV endpoints."""
        query: dict[str, str] = {"token": self._token}
        if json_format:
            query["formato"] = "JSON"
        query.update({key: str(value) for key, value in (params or {}).items()})
        described = self._describe(endpoint, params)

        retries: dict[str, int] = {}
        waited: dict[str, float] = {}
        while True:
            outcome = self._attempt(endpoint, query, described)
            if isinstance(outcome, TinyResponse):
                self._source_down = None
                return outcome
            retries[outcome.kind] = retries.get(outcome.kind, 0) + 1
            so_far = waited.get(outcome.kind, 0.0)
            waited[outcome.kind] = so_far + self._wait_before_retry(
                outcome, retries[outcome.kind], so_far, described
            )

    # -- one attempt ------------------------------------------------------------------------------------
    def _attempt(self, endpoint: str, query: Mapping[str, str], described: str) -> TinyResponse | _Retry:
        """A classified answer, or a retryable failure."""
        url = f"{self._base_url}/{endpoint}.php"
        timeout = (CONNECT_TIMEOUT_S, self._read_timeout)
        try:
            with self.pacer.slot():
                LOGGER.debug(f"TinyERP request: {described}")
                response = self._session().get(url, params=query, timeout=timeout)
                # Read the whole body inside the slot: a connection dropped mid-body is a failed attempt.
                content = response.content
        except requests.RequestException as error:
            kind, what = transport_failure(error, self._read_timeout)
            return _Retry(kind, what)
        self.pacer.observe_limit_header(response.headers.get(LIMIT_HEADER))

        if response.status_code == 429 or response.status_code >= 500:
            return _Retry(
                "throttled" if response.status_code == 429 else "server",
                f"HTTP {response.status_code}",
                None,
                response.headers.get("Retry-After"),
            )
        if response.status_code != 200:
            raise self._http_error(response, described)
        return self._classify(endpoint, response, content, described)

    def _classify(
        self, endpoint: str, response: requests.Response, content: bytes, described: str
    ) -> TinyResponse | _Retry:
        try:
            body = response.json()
        except ValueError:
            if content.lstrip()[:1] in (b"{", b"["):  # JSON cut short or mangled on the way: transient
                return _Retry("server", f"a truncated or malformed JSON body ({len(content)} bytes)")
            raise AirbyteTracedException(
                message=(
                    f"TinyERP answered {described} with a body that is not JSON "
                    f"(content-type {response.headers.get('content-type', 'unknown')!r}). Is base_url the "
                    "API v2 root (https://api.tiny.com.br/api2)?"
                ),
                internal_message=self._scrub(response.text[:500]),
                failure_type=FailureType.system_error,
            ) from None
        retorno = body.get("retorno") if isinstance(body, Mapping) else None
        if not isinstance(retorno, Mapping):
            raise AirbyteTracedException(
                message=f"TinyERP answered {described} without the 'retorno' envelope.",
                internal_message=self._scrub(response.text[:500]),
                failure_type=FailureType.system_error,
            )

        code = _text(retorno.get("codigo_erro")) or None
        status = _text(retorno.get("status")).upper()
        if code is None and status in ("OK", ""):
            return TinyResponse(endpoint, retorno, None)
        messages = envelope_messages(retorno)
        if code is None:
            raise AirbyteTracedException(
                message=f"TinyERP answered {described} with status {status!r}, no codigo_erro: {messages}.",
                failure_type=FailureType.system_error,
            )
        if code in (EMPTY_CODE, PAST_LAST_PAGE_CODE):
            return TinyResponse(endpoint, retorno, code)
        if code in RATE_LIMITED_CODES:
            return _Retry("rate_limit", describe_error(endpoint, code, messages), code)
        if code == TOO_MANY_RECORDS_CODE:
            raise TooManyRecords(endpoint, code, messages)
        if code == NOT_FOUND_CODE:
            raise RecordNotFound(endpoint, code, messages)
        if code == "35":
            return _Retry("unexpected", describe_error(endpoint, code, messages), code)
        if code == "99":
            return _Retry("maintenance", describe_error(endpoint, code, messages), code)
        if code in CONFIG_ERROR_CODES:
            raise AirbyteTracedException(
                message=config_error_message(code, messages),
                internal_message=describe_error(endpoint, code, messages),
                failure_type=FailureType.config_error,
            )
        raise AirbyteTracedException(
            message=f"{describe_error(endpoint, code, messages)} Request: {described}.",
            failure_type=FailureType.system_error,
        )

    # -- retries ----------------------------------------------------------------------------------------
    def _wait_before_retry(self, retry: _Retry, retry_number: int, waited: float, described: str) -> float:
        """Sleep before the next attempt and return the seconds slept; raise when the call gives up."""
        policy = self._policies[retry.kind]
        wait = policy.wait(retry_number)
        server_asked = retry_after_seconds(retry.retry_after)
        if retry.kind == "rate_limit":
            if retry.code == "11":
                self.pacer.reduce_concurrency()
            wait = max(wait, seconds_to_next_minute(self.clock.now()) * self._wait_factor)
        elif server_asked is not None:
            wait = server_asked  # the server knows when it will answer again

        down_already = retry.kind in SOURCE_DOWN_KINDS and self._source_down is not None
        too_long = server_asked is not None and server_asked > MAX_RETRY_AFTER_S
        if down_already or too_long or policy.exhausted(retry_number, waited, wait):
            raise self._gave_up(retry, retry_number, waited, described, too_long=too_long)
        how = " (Retry-After)" if server_asked is not None and retry.kind != "rate_limit" else ""
        LOGGER.warning(
            f"{self._failure(retry, described)} Retrying {described} in {_seconds(wait)} s{how} "
            f"(retry {retry_number})."
        )
        if retry.kind == "rate_limit":
            self.pacer.block_for(wait)  # every stream and thread holds, not only this call
        self.clock.sleep(wait)
        return wait

    def _gave_up(
        self, retry: _Retry, attempts: int, waited: float, described: str, *, too_long: bool
    ) -> AirbyteTracedException:
        if retry.kind == "unreachable":
            message = (
                f"TinyERP at {self._host} is unreachable: {retry.reason} ({attempts} attempt"
                f"{'s' if attempts > 1 else ''}, {described}). Check base_url (TINYERP_BASE_URL) and "
                "that the host is up and reachable from here."
            )
        elif retry.kind in SOURCE_DOWN_KINDS:
            message = (
                f"TinyERP at {self._host} is failing: {retry.reason} for {described} "
                f"({attempts} attempt{'s' if attempts > 1 else ''} in {waited:.3g} s of retries). "
                "The service seems down: check its status and run the sync again later "
                "(base_url / TINYERP_BASE_URL if it should be another host)."
            )
        else:
            hint = (
                " Another integration may be spending the same token's quota:"
                " syncs of one token must not overlap."
                if retry.kind == "rate_limit"
                else ""
            )
            message = (
                f"TinyERP kept failing for {described} after {attempts} attempts. "
                f"Last failure: {self._failure(retry, described)}{hint}"
            )
        if too_long:
            message += f" The server asked to wait {retry.retry_after} s (over {MAX_RETRY_AFTER_S:g} s)."
        if retry.kind in SOURCE_DOWN_KINDS:
            self._source_down = message
        return AirbyteTracedException(message=message, failure_type=FailureType.transient_error)

    # -- helpers ----------------------------------------------------------------------------------------
    def _failure(self, retry: _Retry, described: str) -> str:
        """A failed attempt in one sentence (a code's reason already names the endpoint)."""
        if retry.code is not None:
            return retry.reason
        return f"TinyERP at {self._host}: {retry.reason} for {described}."

    def _session(self) -> requests.Session:
        session = getattr(self._sessions, "session", None)
        if session is None:
            session = requests.Session()
            session.headers["Accept"] = "application/json"
            self._sessions.session = session
        return session

    def _scrub(self, text: str) -> str:
        return mask(text, self._token_forms)

    @staticmethod
    def _describe(endpoint: str, params: Mapping[str, Any] | None) -> str:
        shown = " ".join(f"{key}={value}" for key, value in (params or {}).items())
        return f"{endpoint}" + (f" ({shown})" if shown else "")

    def _http_error(self, response: requests.Response, described: str) -> AirbyteTracedException:
        if response.status_code == 404:
            message = (
                f"TinyERP answered HTTP 404 for {described}: the endpoint does not exist under base_url "
                f"{self._base_url!r}. The API v2 root is https://api.tiny.com.br/api2."
            )
            failure_type = FailureType.config_error
        elif response.status_code in (401, 403):
            message = (
                f"TinyERP answered HTTP {response.status_code} for {described}: access refused before the "
                "token was even checked (a proxy or firewall in front of base_url?)."
            )
            failure_type = FailureType.config_error
        else:
            message = f"TinyERP answered HTTP {response.status_code} for {described}."
            failure_type = FailureType.system_error
        return AirbyteTracedException(
            message=message,
            internal_message=self._scrub(response.text[:500]),
            failure_type=failure_type,
        )


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def config_error_message(code: str, messages: list[str]) -> str:
    said = "; ".join(messages) or "no message"
    if code == "1":
        return (
            f"TinyERP received no API token (codigo_erro 1, the API said {said!r}). Set `api_token` in the "
            "connector configuration to the account's API token."
        )
    if code == "2":
        return (
            f"TinyERP rejected the API token (codigo_erro 2: token inválido ou não encontrado; the API said "
            f"{said!r}). Check `api_token`: it must be the account's current token (Tiny: Configurações > "
            "Token API); regenerating the token in Tiny invalidates the old one."
        )
    if code == "5":
        return (
            "TinyERP refused API access for this account (codigo_erro 5: API bloqueada ou sem acesso; "
            f"the API said {said!r}). The plan must include the API and the 'API' extension must be "
            "enabled; the `api_token` itself was accepted."
        )
    return f"TinyERP refused the account (codigo_erro {code}: {CODE_MEANINGS[code]}; the API said {said!r})."
