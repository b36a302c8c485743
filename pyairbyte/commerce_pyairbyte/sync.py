"""Run the connections declared in airbyte_config/ through PyAirbyte into the raw warehouse.

Runs in the PyAirbyte environment (pyairbyte/.venv), never in the SQLMesh one:

    pyairbyte/.venv/bin/python -m commerce_pyairbyte.sync [--connection NAME ...]

The warehouse is the destination's `local.type` (airbyte_config/destinations/warehouse.yaml): the
DuckDB file, or BigQuery with COMMERCE_RAW_DESTINATION=bigquery (raw_warehouse.py). Each connection
lands in the schema / dataset of its namespace (raw_<source>). Each connector runs from its own uv
venv (connectors/<name>/.venv), in offline mode. Raw tables get Airbyte's columns (_airbyte_raw_id,
_airbyte_extracted_at, _airbyte_meta); the stream state lives in the dataset's _airbyte_state
table, so the next run continues from it. The last stdout line is `SYNC_SUMMARY=<json>` for the
orchestrator; when a connection fails, it is `SYNC_FAILED=<json>` (the connection, its one line
with secrets masked, and the summary of the connections synced before it, whose data stays), after
`SYNC FAILED: <line>` on stderr for people, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# PyAirbyte must never reach for the connector registry or send telemetry.
os.environ.setdefault("AIRBYTE_OFFLINE_MODE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

from commerce_pyairbyte.raw_warehouse import (  # noqa: E402
    BigQueryRawWarehouse,
    DuckDbRawWarehouse,
    RawWarehouse,
)
from commerce_pyairbyte.redaction import (  # noqa: E402
    SECRETS,
    mask_log_records,
    masked_output,
    remove_connector_files,
    source_secrets,
)
from commerce_stack.airbyte_config import (  # noqa: E402
    AirbyteConfigError,
    ConnectionConfig,
    DestinationConfig,
    StreamConfig,
    check_streams,
    connection_names,
    load_connection,
    type_by_spec,
)
from commerce_stack.connector_builds import CONNECTOR_CACHE  # noqa: E402
from commerce_stack.errors import one_line  # noqa: E402
from commerce_stack.pipeline.stops import stop_point  # noqa: E402

WRITE_STRATEGIES = {"append": "append", "append_dedup": "merge", "overwrite": "replace"}


class SyncError(RuntimeError):
    """A connection could not run; the message says which and why."""


@dataclass
class StreamResult:
    name: str
    sync_mode: str
    records: int  # rows landed (kept for the summary's readers; = landed)
    state: dict[str, Any] | None
    emitted: int = 0  # RECORD messages the connector sent for the stream
    landed: int = 0  # rows the sync left in the raw table for them: see _landed


@dataclass
class ConnectionResult:
    connection: str
    namespace: str
    seconds: float
    sync_id: int
    streams: list[StreamResult] = field(default_factory=list)


META = "_airbyte_meta"
STATE_TABLE = "_airbyte_state"


def raw_warehouse(destination: DestinationConfig, duckdb_file: Path | None = None) -> RawWarehouse:
    """The warehouse the destination's `local.type` names; `duckdb_file` replaces the DuckDB file."""
    if destination.local_type == "bigquery":
        if duckdb_file is not None:
            raise SyncError("--warehouse names a DuckDB file, but the destination's local.type is bigquery")
        assert destination.bigquery is not None  # load_destination reads it for this type
        target = destination.bigquery
        work_dir = destination.local_path.resolve().parent
        return BigQueryRawWarehouse(target.project, target.location, target.credentials_path, work_dir)
    return DuckDbRawWarehouse((duckdb_file or destination.local_path).resolve())


def _row_counts(warehouse: RawWarehouse, schema: str, streams: list[str]) -> dict[str, int]:
    """Rows per stream table (one query); a table not created yet is absent."""
    tables = [t for t in streams if t in warehouse.tables(schema)]
    if not tables:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT '{t}' AS name, count(*) AS n FROM {warehouse.table(schema, t)}" for t in tables
    )
    return {name: int(n) for name, n in warehouse.rows(sql)}


def _landed(strategy: str, before: int, after: int) -> int:
    """Rows the sync left in a stream's raw table for what the connector emitted. Appended
    (append): the new rows, after - before, and emitted = landed. Replaced (overwrite): the table,
    after, and emitted = landed. Merged (append_dedup): the keys new to the table, after - before;
    a key read again replaces its row, so landed <= emitted."""
    return after if strategy == "replace" else after - before


def _records_read(read: Any) -> dict[str, int]:
    """RECORD messages per stream that PyAirbyte took from the connector in one `read`. Its
    ReadResult makes public only the total (`processed_records`); the per-stream tally it logs is
    its progress tracker's `stream_read_counts`, kept in the result (pinned PyAirbyte 0.71.3)."""
    return dict(read._progress_tracker.stream_read_counts)  # noqa: SLF001


def _stamp_sync(warehouse: RawWarehouse, schema: str, streams: list[str]) -> int:
    """Mark the rows this sync landed with a sync id in `_airbyte_meta.sync_id`, as Airbyte's
    destinations do (one id per sync of a connection, rising). PyAirbyte leaves it out, and a
    full-refresh stream appended each sync needs it: the rows of one read are one snapshot.
    Rows of a killed sync, committed without a stamp, join the next sync's id."""
    tables = [t for t in streams if t in warehouse.tables(schema)]
    if not tables:
        return 1
    last = warehouse.rows(
        " UNION ALL ".join(
            f"SELECT max({warehouse.json_int(META, 'sync_id')}) FROM {warehouse.table(schema, t)}"
            for t in tables
        )
    )
    sync_id = max([0, *(int(value) for (value,) in last if value is not None)]) + 1
    stamped = warehouse.json_with(META, "sync_id", sync_id)
    unstamped = f"{warehouse.json_text(META, 'sync_id')} IS NULL"
    warehouse.execute(
        [f"UPDATE {warehouse.table(schema, t)} SET {META} = {stamped} WHERE {unstamped}" for t in tables]
    )
    return sync_id


def _stream_states(warehouse: RawWarehouse, schema: str) -> dict[str, dict[str, Any]]:
    """Per-stream state as PyAirbyte stored it in the dataset."""
    if STATE_TABLE not in warehouse.tables(schema):
        return {}
    rows = warehouse.rows(f"SELECT stream_name, state_json FROM {warehouse.table(schema, STATE_TABLE)}")
    states = {}
    for stream_name, state_json in rows:
        message = json.loads(state_json)
        states[stream_name] = (message.get("stream") or {}).get("stream_state")
    return states


def _check_declaration(declared: list[StreamConfig], discovered: Any, connection: str) -> None:
    """The connection file and the connector's catalog must agree on modes, cursors and keys."""
    try:
        check_streams(declared, discovered.model_dump(mode="json"), f"connection {connection}")
    except AirbyteConfigError as error:
        raise SyncError(str(error)) from None


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """The connector's local_environment for the time of its connection: PyAirbyte starts the
    connector's process with this process's environment."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _secret_variables(source_cfg: Any, spec: dict[str, Any]) -> str:
    """Where the connector's secrets come from, for a failed check's message."""
    secret_keys = [k for k, v in spec.get("properties", {}).items() if v.get("airbyte_secret")]
    names = source_cfg.variables_of(secret_keys)
    where = f"airbyte_config/sources/{source_cfg.name}.yaml"
    return f"check {', '.join(names)} (read by {where})" if names else f"check {where}"


def _check_failed(connection: str, error: Exception, fix: str) -> SyncError:
    """The one line for a source whose configuration, or `check`, failed."""
    # PyAirbyte keeps the connector's own words in the error's context, not in its text
    reason = (getattr(error, "context", None) or {}).get("failure_reason") or error
    return SyncError(f"connection {connection}: check failed: {reason}; {fix}")


def run_connection(
    connection: ConnectionConfig, warehouse: RawWarehouse, cache_dir: Path
) -> ConnectionResult:
    with _environment(connection.source.environment):
        return _run_connection(connection, warehouse, cache_dir)


def _run_connection(
    connection: ConnectionConfig, warehouse: RawWarehouse, cache_dir: Path
) -> ConnectionResult:
    import airbyte as ab

    from commerce_pyairbyte.connector_cache import ConnectorCache

    source_cfg = connection.source
    if not source_cfg.executable.exists():
        raise SyncError(
            f"connector {source_cfg.connector_name} is not installed at {source_cfg.executable}; "
            "run `make setup` (uv sync in its folder)"
        )
    started = time.monotonic()
    print(f"==> {connection.name}: {source_cfg.connector_name} -> {warehouse.label}:{connection.namespace}")
    source = ab.get_source(
        source_cfg.connector_name,
        local_executable=source_cfg.executable,
        install_if_missing=False,
    )
    known = ConnectorCache(CONNECTOR_CACHE)
    spec = known.spec(source_cfg, source).connectionSpecification
    configuration = type_by_spec(source_cfg.configuration, spec, f"sources/{source_cfg.name}.yaml")
    SECRETS.add(source_secrets(source_cfg, configuration, spec))  # before the connector first runs
    fix = _secret_variables(source_cfg, spec)
    try:
        source.set_config(configuration)  # validated against the connector's spec
        # `check` before every read costs a connector process, but a source that is down or
        # refuses the credentials fails here on one request: the read, stream after stream, would
        # pay each stream's whole retry budget (FakeStore's carts: one request per month, minutes).
        source.check()
    except Exception as error:
        raise _check_failed(connection.name, error, fix) from error
    catalog = known.catalog(source_cfg, source)
    try:
        _check_declaration(connection.streams, catalog, connection.name)
    except SyncError:  # the connector may offer more with this configuration: ask it again
        catalog = known.catalog(source_cfg, source, refresh=True)
        _check_declaration(connection.streams, catalog, connection.name)

    stream_names = [s.name for s in connection.streams]
    before = _row_counts(warehouse, connection.namespace, stream_names)
    stop_point(f"before-read:{connection.name}")
    cache = warehouse.cache(connection.namespace, cache_dir / "files")
    try:
        # PyAirbyte sets the sync mode and write strategy per read, so streams are grouped.
        # A full-refresh-only stream reads as full refresh anyway; forcing is only needed
        # where the connection declares full refresh for a stream that could go incremental.
        incremental_capable = {
            s.name
            for s in catalog.streams
            if any(str(getattr(m, "value", m)) == "incremental" for m in s.supported_sync_modes)
        }
        groups: dict[tuple[bool, str], list[str]] = {}
        emitted: dict[str, int] = {}
        for stream in connection.streams:
            force = stream.sync_mode == "full_refresh" and stream.name in incremental_capable
            key = (force, WRITE_STRATEGIES[stream.destination_sync_mode])
            groups.setdefault(key, []).append(stream.name)
        for (force, strategy), names in groups.items():
            print(
                f"    reading {', '.join(names)} (write {strategy}{', forced full refresh' if force else ''})"
            )
            try:
                read = source.read(
                    cache=cache,
                    streams=names,
                    write_strategy=strategy,
                    force_full_refresh=force,
                    skip_validation=True,  # `check` above validated the configuration
                )
            except Exception as error:
                reason = _connector_reason(error) or error
                raise SyncError(f"connection {connection.name}: read failed: {reason}") from error
            emitted.update(_records_read(read))
    finally:
        cache.close()
    stop_point(f"read:{connection.name}")  # committed, not yet stamped
    sync_id = _stamp_sync(warehouse, connection.namespace, stream_names)
    after = _row_counts(warehouse, connection.namespace, stream_names)
    states = _stream_states(warehouse, connection.namespace)
    result = ConnectionResult(
        connection=connection.name,
        namespace=connection.namespace,
        seconds=round(time.monotonic() - started, 2),
        sync_id=sync_id,
    )
    for stream in connection.streams:
        strategy = WRITE_STRATEGIES[stream.destination_sync_mode]
        landed = _landed(strategy, before.get(stream.name, 0), after.get(stream.name, 0))
        result.streams.append(
            StreamResult(
                stream.name,
                stream.sync_mode,
                landed,
                states.get(stream.name),
                emitted=emitted.get(stream.name, 0),
                landed=landed,
            )
        )
    return result


PRIVATE_FOLDER = ".pyairbyte-cache"  # in the warehouse's folder


def _private_folders(beside: Path) -> Path:
    """PyAirbyte writes each connector's configuration (its token too) to a temporary file and
    its logs to /tmp/airbyte unless told otherwise: both go to folders only this user can read,
    in the warehouse's folder (with BigQuery, the folder of the destination's local.path).
    Returns the runner's cache folder. Must run before `import airbyte` (PyAirbyte reads both
    variables when it is imported)."""
    root = beside / PRIVATE_FOLDER
    for folder in (root / "tmp", root / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
    root.chmod(0o700)
    os.environ["AIRBYTE_TEMP_DIR"] = str(root / "tmp")
    os.environ["AIRBYTE_LOGGING_ROOT"] = str(root / "logs")
    return root


def _sync(connection: ConnectionConfig, warehouse: RawWarehouse) -> ConnectionResult:
    """One connection, with PyAirbyte's temporary files removed before (what a killed run left)
    and after (even when it failed)."""
    folders = _private_folders(warehouse.work_dir)
    remove_connector_files(folders / "tmp")
    try:
        return run_connection(connection, warehouse, folders)
    finally:
        remove_connector_files(folders / "tmp")


def _stop_on_sigterm() -> None:
    """SIGTERM (the pipeline stopped, a CI timeout) ends the runner as an exception would, so
    PyAirbyte's and the runner's clean-ups run; only SIGKILL leaves files for the next run."""
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _connector_reason(error: Exception) -> str | None:
    """The connector's own first error (an Airbyte TRACE message of type ERROR, with its stream),
    from the log file PyAirbyte names in its error; PyAirbyte's text says only "Connector failed"."""
    log_file = getattr(error, "log_file", None)
    try:
        lines = log_file.read_text(encoding="utf-8", errors="replace").splitlines() if log_file else []
    except OSError:
        return None
    for line in lines:
        if '"type":"TRACE"' not in line or '"type":"ERROR"' not in line:
            continue
        try:
            trace = json.loads(line[line.index("{") :])["trace"]
        except (ValueError, KeyError):
            continue
        failure = trace.get("error") or {}
        stream = (failure.get("stream_descriptor") or {}).get("name")
        if failure.get("message"):
            return f"stream {stream}: {failure['message']}" if stream else str(failure["message"])
    return None


def _failure_line(error: Exception) -> str:
    """The error in one line, secrets masked. PyAirbyte's own errors span many lines (context, log
    excerpts): their message and the connector's own reason, when it gave one, say enough."""
    text = str(error)
    if callable(getattr(error, "get_message", None)):  # a PyAirbyte error
        context = getattr(error, "context", None) or {}
        reason = context.get("failure_reason") or context.get("message") or ""
        text = f"{error.get_message()}: {reason}" if reason else error.get_message()
    return one_line(SECRETS.mask(text))


def _print_failure(connection: str | None, error: Exception, synced: list[ConnectionResult]) -> None:
    """`SYNC FAILED: <line>` for people (stderr); `SYNC_FAILED=<json>` for the orchestrator: the
    connection that failed, the line, and the connections synced before it (their data stays)."""
    line = _failure_line(error)
    print(f"\nSYNC FAILED: {line}", file=sys.stderr, flush=True)  # below any progress bar
    failed = {"connection": connection, "message": line, "synced": [asdict(r) for r in synced]}
    print("SYNC_FAILED=" + json.dumps(failed), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connection", action="append", help="connection name (default: all active)")
    parser.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help="DuckDB file (default: the connection's destination; not with a BigQuery destination)",
    )
    args = parser.parse_args(argv)
    _stop_on_sigterm()
    mask_log_records()
    with masked_output():
        return _sync_all(args.connection or connection_names(), args.warehouse)


def _sync_all(names: list[str], warehouse_file: Path | None) -> int:
    results = []
    name: str | None = None
    try:
        for name in names:
            connection = load_connection(name)
            # the destination's local warehouse (airbyte_config/destinations/), unless told otherwise
            results.append(_sync(connection, raw_warehouse(connection.destination, warehouse_file)))
    except Exception as error:  # one clear line for people, the chain for the log
        _print_failure(name, error, results)
        return 1
    for result in results:
        print(f"    {result.connection}: {result.seconds}s")
        for stream in result.streams:
            table = f"{result.namespace}.{stream.name}"
            counts = f"{stream.emitted:>9} emitted {stream.landed:>9} landed"
            print(f"      {table:<40} {counts}  state={stream.state}")
    print("SYNC_SUMMARY=" + json.dumps([asdict(r) for r in results]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
