"""The connector's streams: orders, pos_sales, products, contacts and invoices.

Each stream lists records with a ``*.pesquisa`` endpoint (:func:`~source_tinyerp.scanning.scan_list`),
fetches the detail of every listed record where the list lacks it (``pedido.obter``,
``pdv.pedido.obter``, ``produto.obter``), types the result along the stream's JSON schema
(:class:`~source_tinyerp.coercion.Coercer`) and emits it. Every call goes through the one
:class:`~source_tinyerp.client.TinyClient` of the sync, hence through one pacer.

An order found deleted in Tiny is emitted as a tombstone, Airbyte's convention for deletions
(``_ab_cdc_deleted_at`` set, as CDC sources do): its ``id``, the cursor and the time it was found
gone, every other field absent. See :class:`Orders` for when an order is found deleted.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any, TypeVar

from airbyte_cdk.models import FailureType, SyncMode
from airbyte_cdk.sources.streams import CheckpointMixin, Stream
from airbyte_cdk.utils.traced_exception import AirbyteTracedException

from .client import RecordNotFound, TinyClient, TooManyRecords
from .coercion import (
    SAO_PAULO,
    Coercer,
    CoercionError,
    format_tiny_date,
    format_tiny_datetime,
    parse_tiny_datetime,
)
from .scanning import record_key, scan_list
from .settings import Settings

LOGGER = logging.getLogger("airbyte")
SCAN_STARTED_AT = "_scan_started_at"
DELETED_AT = "_ab_cdc_deleted_at"  # Airbyte's CDC field: set on a tombstone, the record's deletion
RECHECK_ORDERS = 100  # the newest orders whose deletion a later scan can prove: one page of a list

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``map(fn, items)`` on up to ``workers`` threads, results in input order.

    ``items`` is consumed lazily in the calling thread (it is a paged list scan). If it raises, the
    calls already started are finished and yielded first, so no listed record is lost to the error.
    """
    if workers <= 1:
        for item in items:
            yield fn(item)
        return
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tinyerp")
    pending: deque[Future[R]] = deque()
    try:
        iterator = iter(items)
        while True:
            try:
                item = next(iterator)
            except StopIteration:
                break
            except Exception:
                while pending:
                    yield pending.popleft().result()
                raise
            pending.append(pool.submit(fn, item))
            while pending and (len(pending) >= 2 * workers or pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class TinyStream(Stream):
    primary_key = "id"
    # Dotted paths of discount fields -> what a bare number means there (see coercion.parse_discount).
    discount_fields: Mapping[str, str] = {}
    # What a code 32 on the detail call of a listed record means for this stream, and how loud it is.
    not_found_reason = "deleted between the list call and the detail call"
    not_found_log_level = logging.WARNING
    # True: a code 32 on the detail call emits a tombstone (the record is deleted); False: skipped.
    emits_tombstones = False

    def __init__(self, client: TinyClient, settings: Settings) -> None:
        self._client = client
        self._settings = settings
        self.records_gone = 0  # listed, then codigo_erro 32 on the detail call: skipped or tombstoned

    @cached_property
    def _coercer(self) -> Coercer:
        return Coercer(self.get_json_schema(), self.discount_fields)

    def _now(self) -> datetime:
        """Now in Brasília, to the second (the API's filters have no finer grain)."""
        return self._client.clock.now().astimezone(SAO_PAULO).replace(microsecond=0)

    def _with_details(
        self,
        rows: Iterable[Mapping[str, Any]],
        endpoint: str,
        payload_key: str,
        extra: Mapping[str, Any],
        json_format: bool = True,
    ) -> Iterator[dict[str, Any]]:
        """The detail record of each listed row; a row whose detail is gone (code 32) is skipped, or
        emitted as a tombstone by a stream that ``emits_tombstones``."""
        outcome = "emitted as deleted" if self.emits_tombstones else "skipped"

        def fetch(row: Mapping[str, Any]) -> dict[str, Any] | None:
            record_id = record_key(row)
            try:
                response = self._client.call(endpoint, {"id": record_id}, json_format=json_format)
            except RecordNotFound:
                LOGGER.log(
                    self.not_found_log_level,
                    f"{self.name}: {outcome} {record_id}: listed by the search, but {endpoint} answers "
                    f"codigo_erro 32 (registro não localizado): {self.not_found_reason}.",
                )
                return self._tombstone(record_id, extra) if self.emits_tombstones else None
            payload = response.retorno.get(payload_key)
            if response.is_empty or payload is None:
                LOGGER.warning(f"{self.name}: skipped {record_id}: {endpoint} returned no {payload_key}.")
                return None
            if not isinstance(payload, Mapping):
                raise AirbyteTracedException(
                    message=f"TinyERP {endpoint} (id={record_id}): {payload_key!r} is not an object.",
                    failure_type=FailureType.system_error,
                )
            return self._typed(payload, extra)

        gone_before = self.records_gone
        for record in ordered_map(fetch, rows, self._settings.max_concurrent_requests):
            if record is None or DELETED_AT in record:
                self.records_gone += 1
            if record is not None:
                yield record
        if self.records_gone > gone_before:
            LOGGER.log(
                self.not_found_log_level,
                f"{self.name}: {outcome} {self.records_gone - gone_before} listed records without a detail "
                f"(codigo_erro 32: {self.not_found_reason}); {self.records_gone} so far this sync.",
            )

    def _tombstone(self, record_id: str, extra: Mapping[str, Any]) -> dict[str, Any]:
        """Airbyte's deletion record: the primary key, the cursor (``extra``) and when it was found gone."""
        return {
            "id": int(record_id) if record_id.isdigit() else record_id,
            **extra,
            DELETED_AT: self._now().isoformat(),
        }

    def _typed(self, payload: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
        record = self._coercer.coerce(payload)
        record.update(extra)
        return record


def _iso_to_datetime(value: Any) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=SAO_PAULO)


class _OrderScanStream(TinyStream, CheckpointMixin):
    """Orders listed by ``pedidos.pesquisa``, read one by one with ``detail_endpoint``.

    **Scans.** A scan covers the orders created from ``start_date`` to the day the scan started (``T``,
    ``_scan_started_at`` on every record) and, once a first scan is complete, only those updated since
    the previous scan's ``T`` minus ``lookback_minutes`` (``dataAtualizacao``). Orders updated while a
    scan runs are read again by the next one. The state of a finished scan is
    ``{"updated_since": T}`` (plus ``recent`` for a stream that ``rechecks_deletions``).

    **First scan (backfill).** Windows of ``window_days`` creation days (``dataInicial``/``dataFinal``),
    oldest first, one slice each, so the state is checkpointed after every window:
    ``{"scan": {"started_at": T, "created_through": "2024-01-07"}}``. An interrupted backfill resumes
    after ``created_through`` with the same ``T``.

    **Later scans.** One call filtered on ``dataAtualizacao`` alone; orders created before
    ``start_date`` are dropped before their detail is read.

    **Code 21** (too many records) splits the creation-date range in halves until it passes.
    """

    cursor_field = SCAN_STARTED_AT
    list_endpoint = "pedidos.pesquisa"
    detail_endpoint: str
    detail_json_format = True
    # How many of the newest listed orders the state keeps to re-list at the next scan (0: none).
    rechecks_deletions = 0

    def __init__(self, client: TinyClient, settings: Settings) -> None:
        super().__init__(client, settings)
        self._state: dict[str, Any] = {}
        self._seen: set[str] = set()
        self._recent: dict[str, str] = {}  # id -> creation day of the newest orders listed
        self._recheck: dict[str, str] = {}  # the same, as the previous scan left it

    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        self._state = dict(value or {})

    def stream_slices(
        self,
        *,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any] | None]:
        state = self._state if sync_mode == SyncMode.incremental else {}
        self._recheck = {
            order_id: day for day, ids in (state.get("recent") or {}).items() for order_id in ids
        }
        self._recent = dict(self._recheck)
        updated_since = _iso_to_datetime(state.get("updated_since"))
        scan = state.get("scan") or {}
        if scan:
            started_at = _iso_to_datetime(scan["started_at"]) or self._now()
            first_day = date.fromisoformat(scan["created_through"]) + timedelta(days=1)
        else:
            started_at, first_day = self._now(), self._settings.start_date
        last_day = started_at.astimezone(SAO_PAULO).date()
        common = {
            "updated_since": updated_since.isoformat() if updated_since else None,
            "scan_started_at": started_at.isoformat(),
        }

        if updated_since is not None and updated_since - self._settings.lookback > self._now():
            yield {**common, "noop": True}  # a cursor in the future: nothing can match, keep it
            return
        if first_day > last_day:
            yield {**common, "last": True}  # nothing left to list; finish the scan
            return
        if updated_since is not None:
            yield {
                **common,
                "created_from": first_day.isoformat(),
                "created_to": last_day.isoformat(),
                "filter_creation": bool(scan),
                "last": True,
            }
            return
        day = first_day
        while day <= last_day:
            end = min(day + timedelta(days=self._settings.window_days - 1), last_day)
            yield {
                **common,
                "created_from": day.isoformat(),
                "created_to": end.isoformat(),
                "filter_creation": True,
                "last": end == last_day,
            }
            day = end + timedelta(days=1)

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        window = stream_slice or {}
        if window.get("noop"):
            return
        updated_since = _iso_to_datetime(window.get("updated_since"))
        started_at = _iso_to_datetime(window["scan_started_at"])
        assert started_at is not None
        extra = {SCAN_STARTED_AT: started_at.isoformat()}
        if "created_from" in window:
            params: dict[str, str] = {"sort": "ASC"}
            if updated_since is not None:
                params["dataAtualizacao"] = format_tiny_datetime(updated_since - self._settings.lookback)
            rows = self._list_orders(
                params,
                date.fromisoformat(window["created_from"]),
                date.fromisoformat(window["created_to"]),
                bool(window.get("filter_creation")),
                self._seen,
            )
            yield from self._forgetting_deleted(
                self._with_details(
                    self._noted(row for row in rows if self._created_since_start(row)),
                    self.detail_endpoint,
                    "pedido",
                    extra,
                    self.detail_json_format,
                )
            )
        if window.get("last"):
            yield from self._forgetting_deleted(self._recheck_deletions(started_at, extra))
            # Never move the cursor back (a state from a clock ahead of this one stays).
            self._state = {"updated_since": max(filter(None, (updated_since, started_at))).isoformat()}
        else:
            self._state = {
                **({"updated_since": updated_since.isoformat()} if updated_since else {}),
                "scan": {"started_at": started_at.isoformat(), "created_through": window["created_to"]},
            }
        if self.rechecks_deletions:
            self._state["recent"] = self._recent_state()

    def _list_orders(
        self,
        params: Mapping[str, str],
        first_day: date,
        last_day: date,
        filter_creation: bool,
        seen: set[str],
    ) -> Iterator[dict[str, Any]]:
        """The rows ``pedidos.pesquisa`` lists with ``params`` (and created ``first_day``..``last_day``
        if ``filter_creation``); code 21 splits the creation range in halves."""
        query = dict(params)
        if filter_creation:
            query |= {"dataInicial": format_tiny_date(first_day), "dataFinal": format_tiny_date(last_day)}
        try:
            yield from scan_list(self._client, self.list_endpoint, query, "pedidos", seen)
        except TooManyRecords as error:
            if first_day >= last_day:
                raise AirbyteTracedException(
                    message=(
                        f"TinyERP refuses to list the orders of a single day ({first_day:%d/%m/%Y}, "
                        f"{query}): codigo_erro 21 (too many records). The API offers no narrower filter."
                    ),
                    internal_message=str(error),
                    failure_type=FailureType.system_error,
                ) from error
            middle = first_day + (last_day - first_day) // 2
            LOGGER.info(
                f"{self.name}: {self.list_endpoint} answered codigo_erro 21 (too many records) for "
                f"{first_day:%d/%m/%Y}-{last_day:%d/%m/%Y}; splitting at {middle:%d/%m/%Y}."
            )
            yield from self._list_orders(params, first_day, middle, True, seen)
            yield from self._list_orders(params, middle + timedelta(days=1), last_day, True, seen)

    def _created_since_start(self, row: Mapping[str, Any]) -> bool:
        try:
            return parse_tiny_datetime(str(row.get("data_pedido", ""))).date() >= self._settings.start_date
        except CoercionError:
            return True  # unreadable: keep it, the record will carry the coercion error

    # --- deletions found by a re-scan -----------------------------------------------------------------

    def _noted(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """``rows``, each remembered with its creation day (the newest are kept in the state)."""
        for row in rows:
            if self.rechecks_deletions:
                try:
                    day = parse_tiny_datetime(str(row.get("data_pedido", ""))).date()
                    self._recent[record_key(row)] = day.isoformat()
                except CoercionError:
                    pass  # no creation day: nothing a re-scan by creation day could prove
            yield row

    def _forgetting_deleted(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for record in records:
            if DELETED_AT in record:
                self._recent.pop(str(record["id"]), None)
            yield record

    def _recent_state(self) -> dict[str, list[str]]:
        """The ``rechecks_deletions`` newest orders listed so far, as ``{creation day: [ids]}``."""
        newest = sorted(self._recent.items(), key=lambda item: (item[1], _id_order(item[0])))
        by_day: dict[str, list[str]] = {}
        for order_id, day in newest[-self.rechecks_deletions :]:
            by_day.setdefault(day, []).append(order_id)
        return by_day

    def _recheck_deletions(self, started_at: datetime, extra: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        """Re-lists the creation days of the orders the previous scan left in ``recent``: a live order
        created on those days is listed whatever its updates, so one it does not list again is gone or
        was moved to another day. ``pedido.obter`` tells which: code 32 -> a tombstone, else the order."""
        if not self._recheck:
            return
        first_day = date.fromisoformat(min(self._recheck.values()))
        last_day = started_at.astimezone(SAO_PAULO).date()
        listed = {
            record_key(row)
            for row in self._noted(self._list_orders({"sort": "ASC"}, first_day, last_day, True, set()))
        }
        missing = sorted((i for i in self._recheck if i not in listed), key=_id_order)
        if not missing:
            return
        for order_id in missing:  # deleted, or moved to another day: no longer on the days re-listed
            self._recent.pop(order_id, None)
        LOGGER.info(
            f"{self.name}: {len(missing)} orders listed before are no longer listed among those created "
            f"{first_day:%d/%m/%Y}-{last_day:%d/%m/%Y}: reading them again to confirm they are deleted."
        )
        yield from self._with_details(
            ({"id": order_id} for order_id in missing),
            self.detail_endpoint,
            "pedido",
            extra,
            self.detail_json_format,
        )


def _id_order(order_id: str) -> tuple[int, str]:
    """Tiny's ids are numbers in strings: sort them as numbers."""
    return (int(order_id), "") if order_id.isdigit() else (-1, order_id)


class Orders(_OrderScanStream):
    """``pedidos.pesquisa`` + ``pedido.obter``: header, customer, items, installments, shipping.

    **Deletions.** Tiny deletes an order outright: it leaves every listing and ``pedido.obter``
    answers code 32. A tombstone is emitted (a) when a listed order's detail answers code 32, and
    (b) when an order listed before is not listed again by a re-scan that must list it if it still
    exists, and ``pedido.obter`` then answers code 32. Listings filtered on ``dataAtualizacao`` prove
    nothing (the list rows carry no update time, so the connector cannot tell which orders the next
    scan must see again); a listing by creation day does: it lists every live order created that day.
    So the state keeps the ids of the ``RECHECK_ORDERS`` newest orders listed, by creation day
    (``"recent": {"2025-12-31": ["884100201", ...]}``, about 1.5 KB), and every later scan re-lists the
    creation days from the oldest of them to today (one or two list calls, no detail call for the
    orders still listed). An order deleted after it left that set is not found: only a new backfill
    (a reset of the stream) would see it gone.
    """

    name = "orders"
    detail_endpoint = "pedido.obter"
    discount_fields = {"valor_desconto": "valor"}
    emits_tombstones = True
    rechecks_deletions = RECHECK_ORDERS


class PosSales(_OrderScanStream):
    """``pedidos.pesquisa`` + ``pdv.pedido.obter`` (no ``formato``): the POS view of the same orders,
    with GTINs, weights and per-item discounts as typed at the counter."""

    name = "pos_sales"
    detail_endpoint = "pdv.pedido.obter"
    detail_json_format = False
    # Orders typed in elsewhere (web shop, marketplace, back office) have no POS sale: expected.
    not_found_reason = "not a POS (PDV) sale, or deleted since it was listed"
    not_found_log_level = logging.INFO
    discount_fields = {"desconto": "valor", "itens.desconto": "percentual"}


class Products(TinyStream):
    """``produtos.pesquisa`` (active and inactive products) + ``produto.obter``; full refresh."""

    name = "products"

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        rows = scan_list(self._client, "produtos.pesquisa", {"pesquisa": ""}, "produtos", set())
        yield from self._with_details(rows, "produto.obter", "produto", {})


class Contacts(TinyStream, CheckpointMixin):
    """``contatos.pesquisa`` filtered on ``dataMinimaAtualizacao`` (the list rows are complete).

    One scan per sync: contacts updated since the previous scan's start minus ``lookback_minutes``
    (the first sync: since ``start_date``). State ``{"updated_since": T}``.
    """

    name = "contacts"
    cursor_field = SCAN_STARTED_AT

    def __init__(self, client: TinyClient, settings: Settings) -> None:
        super().__init__(client, settings)
        self._state: dict[str, Any] = {}

    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        self._state = dict(value or {})

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        started_at = self._now()
        cursor = (
            _iso_to_datetime(self._state.get("updated_since")) if sync_mode == SyncMode.incremental else None
        )
        since = cursor - self._settings.lookback if cursor else self._settings.start_instant()
        if since <= started_at:
            params = {"pesquisa": "", "dataMinimaAtualizacao": format_tiny_datetime(since)}
            extra = {SCAN_STARTED_AT: started_at.isoformat()}
            try:
                for row in scan_list(self._client, "contatos.pesquisa", params, "contatos", set()):
                    yield self._typed(row, extra)
            except TooManyRecords as error:
                raise AirbyteTracedException(
                    message=(
                        "TinyERP refuses to list the contacts updated since "
                        f"{params['dataMinimaAtualizacao']}: codigo_erro 21 (too many records), and "
                        "contatos.pesquisa offers no narrower filter. Set a later start_date."
                    ),
                    internal_message=str(error),
                    failure_type=FailureType.config_error,
                ) from error
        self._state = {"updated_since": max(filter(None, (cursor, started_at))).isoformat()}


class Invoices(TinyStream, CheckpointMixin):
    """``notas.fiscais.pesquisa`` by issue-date windows (``dataInicial``/``dataFinal``).

    The list rows are the record (no detail call). Windows of ``window_days`` from ``start_date`` (or
    from the last ``invoices_lookback_days`` days of the previous sync, to pick up invoices authorised,
    cancelled or denied after issue) to today; state ``{"issued_through": "YYYY-MM-DD"}`` after every
    window. Code 21 splits a window in halves.
    """

    name = "invoices"
    cursor_field = "data_emissao"

    def __init__(self, client: TinyClient, settings: Settings) -> None:
        super().__init__(client, settings)
        self._state: dict[str, Any] = {}
        self._seen: set[str] = set()

    @property
    def state(self) -> MutableMapping[str, Any]:
        return self._state

    @state.setter
    def state(self, value: MutableMapping[str, Any]) -> None:
        self._state = dict(value or {})

    def stream_slices(
        self,
        *,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any] | None]:
        today = self._now().date()
        issued_through = self._state.get("issued_through") if sync_mode == SyncMode.incremental else None
        if issued_through:
            through = date.fromisoformat(issued_through)
            first_day = max(
                self._settings.start_date, through - timedelta(days=self._settings.invoices_lookback_days - 1)
            )
            if through > today:  # a state from the future: nothing to read, keep it
                yield {"noop": True}
                return
        else:
            first_day = self._settings.start_date
        day = first_day
        while day <= today:
            end = min(day + timedelta(days=self._settings.window_days - 1), today)
            yield {"issued_from": day.isoformat(), "issued_to": end.isoformat()}
            day = end + timedelta(days=1)

    def read_records(
        self,
        sync_mode: SyncMode,
        cursor_field: list[str] | None = None,
        stream_slice: Mapping[str, Any] | None = None,
        stream_state: Mapping[str, Any] | None = None,
    ) -> Iterable[Mapping[str, Any]]:
        window = stream_slice or {}
        if window.get("noop"):
            return
        last_day = date.fromisoformat(window["issued_to"])
        yield from self._read_window(date.fromisoformat(window["issued_from"]), last_day)
        previous = self._state.get("issued_through")
        self._state = {"issued_through": max(filter(None, (previous, last_day.isoformat())))}

    def _read_window(self, first_day: date, last_day: date) -> Iterator[dict[str, Any]]:
        params = {"dataInicial": format_tiny_date(first_day), "dataFinal": format_tiny_date(last_day)}
        try:
            for row in scan_list(self._client, "notas.fiscais.pesquisa", params, "notas_fiscais", self._seen):
                yield self._typed(row, {})
        except TooManyRecords as error:
            if first_day >= last_day:
                raise AirbyteTracedException(
                    message=(
                        f"TinyERP refuses to list the invoices issued on {first_day:%d/%m/%Y}: "
                        "codigo_erro 21 (too many records). The API offers no narrower filter."
                    ),
                    internal_message=str(error),
                    failure_type=FailureType.system_error,
                ) from error
            middle = first_day + (last_day - first_day) // 2
            yield from self._read_window(first_day, middle)
            yield from self._read_window(middle + timedelta(days=1), last_day)
