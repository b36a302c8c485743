"""The desired state of an Airbyte instance, built from `airbyte_config/` and checked against every
server rule we know before anything is sent (docs/airbyte_instance.md §2): the JSON document the
SDK environment's `commerce_airbyte` applies.

    {"sources": [{name, where, definition, configuration, secret_fields}],
     "destinations": [{name, where, configuration, secret_fields}],
     "connections": [{name, where, source, destination, namespace_definition, namespace_format,
                      status, schedule: {schedule_type, cron_expression, note}, streams: [...]}]}

Secret values are in it (the instance needs them); it only ever travels on a pipe.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import yaml

from commerce_stack.airbyte_config import (
    NAMESPACE_DEFINITION,
    AirbyteConfigError,
    ConnectionConfig,
    DestinationConfig,
    SourceConfig,
    StreamConfig,
    check_streams,
    connection_names,
    load_connection,
    type_by_spec,
)
from commerce_stack.airbyte_instance.catalogs import ConnectorFacts, connector_facts
from commerce_stack.airbyte_instance.schedule import utc_schedule

# Our files say sync_mode + destination_sync_mode, as the Airbyte protocol does; the public API
# takes one combined value, and only these combinations exist.
COMBINED_SYNC_MODES = {
    ("full_refresh", "append"): "full_refresh_append",
    ("full_refresh", "overwrite"): "full_refresh_overwrite",
    ("incremental", "append"): "incremental_append",
    ("incremental", "append_dedup"): "incremental_deduped_history",
}
# The API's spelling of the namespace definition our destination file declares
API_NAMESPACE_DEFINITIONS = {NAMESPACE_DEFINITION: "custom_format"}
# The destination's settings that are secrets (the BigQuery destination's spec is not local)
DESTINATION_SECRETS = {"bigquery": ["credentials_json"]}


def desired_state(names: list[str] | None = None, config_dir: Path | None = None) -> dict[str, Any]:
    """The active connections (or `names`), their sources and destinations, checked."""
    connections = [load_connection(name, config_dir) for name in names or connection_names(config_dir)]
    sources = {c.source.name: c.source for c in connections}
    with ThreadPoolExecutor(max_workers=len(sources) or 1) as pool:  # a connector process each
        facts = dict(zip(sources, pool.map(connector_facts, sources.values()), strict=True))
    destinations = {c.destination.name: c.destination for c in connections}
    return {
        "sources": [_source(source, facts[name]) for name, source in sources.items()],
        "destinations": [_destination(destination) for destination in destinations.values()],
        "connections": [_connection(c, facts[c.source.name]) for c in connections],
    }


def _source(source: SourceConfig, facts: ConnectorFacts) -> dict[str, Any]:
    where = f"sources/{source.name}.yaml"
    configuration = type_by_spec(source.configuration, facts.spec, where)
    return {
        "name": source.name,
        "where": f"{where}: configuration",
        "definition": _definition(source, where),
        "configuration": configuration,
        "secret_fields": [field for field in facts.secret_fields if field in configuration],
    }


def _metadata(source: SourceConfig, where: str) -> dict[str, Any]:
    path = source.local_path / "metadata.yaml"
    if not path.is_file():
        raise AirbyteConfigError(f"{where}: {path} is missing (the connector's name and image)")
    return (yaml.safe_load(path.read_text()) or {}).get("data") or {}


def _definition(source: SourceConfig, where: str) -> dict[str, Any]:
    """How the instance gets the connector: our manifest, our image, or its own (stock) image."""
    kind = source.instance_definition
    if kind is None:
        raise AirbyteConfigError(
            f"{where}: connector.instance_definition is required on an Airbyte instance "
            "(declarative, custom_docker or stock)"
        )
    if kind == "declarative":
        assert source.manifest_path is not None  # load_source requires it
        if not source.manifest_path.is_file():
            raise AirbyteConfigError(f"{where}: connector.manifest {source.manifest_path} does not exist")
        manifest = yaml.safe_load(source.manifest_path.read_text())
        return {"kind": kind, "name": _metadata(source, where)["name"], "manifest": manifest}
    assert source.docker_image is not None  # load_source requires it
    repository, tag = source.docker_image.rsplit(":", 1)
    if kind == "stock":
        return {"kind": kind, "docker_repository": repository, "docker_image_tag": tag}
    metadata = _metadata(source, where)
    published = f"{metadata.get('dockerRepository')}:{metadata.get('dockerImageTag')}"
    if published != source.docker_image:
        raise AirbyteConfigError(
            f"{where}: connector.docker_image {source.docker_image} differs from the image its "
            f"metadata.yaml publishes ({published}): make them one"
        )
    return {
        "kind": kind,
        "name": metadata["name"],
        "docker_repository": repository,
        "docker_image_tag": tag,
        "documentation_url": metadata.get("documentationUrl"),
    }


def _destination(destination: DestinationConfig) -> dict[str, Any]:
    where = f"destinations/{destination.name}.yaml"
    kind = destination.production_type
    if kind not in DESTINATION_SECRETS:
        raise AirbyteConfigError(
            f"{where}: production.type must be one of {sorted(DESTINATION_SECRETS)}, got {kind!r}"
        )
    configuration = {"destinationType": kind, **destination.production_configuration}
    return {
        "name": destination.name,
        "where": f"{where}: production.configuration",
        "configuration": configuration,
        "secret_fields": [field for field in DESTINATION_SECRETS[kind] if configuration.get(field)],
    }


def _connection(connection: ConnectionConfig, facts: ConnectorFacts) -> dict[str, Any]:
    where = f"connections/{connection.name}.yaml"
    check_streams(connection.streams, facts.catalog, where)
    namespace_definition = connection.destination.production_namespace_definition
    if namespace_definition not in API_NAMESPACE_DEFINITIONS:
        raise AirbyteConfigError(
            f"destinations/{connection.destination.name}.yaml: production.namespace_definition must be "
            f"{NAMESPACE_DEFINITION} on an Airbyte instance (each connection's tables in its namespace)"
        )
    return {
        "name": connection.name,
        "where": where,
        "source": connection.source.name,
        "destination": connection.destination.name,
        "namespace_definition": API_NAMESPACE_DEFINITIONS[namespace_definition],
        "namespace_format": connection.namespace,
        "status": "active",
        "schedule": utc_schedule(connection.schedule, where).as_json(),
        "streams": [_stream(stream, where) for stream in connection.streams],
    }


def _stream(stream: StreamConfig, where: str) -> dict[str, Any]:
    mode = COMBINED_SYNC_MODES.get((stream.sync_mode, stream.destination_sync_mode))
    if mode is None:
        offered = ", ".join(f"{a} + {b}" for a, b in COMBINED_SYNC_MODES)
        raise AirbyteConfigError(
            f"{where}: stream {stream.name}: sync_mode {stream.sync_mode} with destination_sync_mode "
            f"{stream.destination_sync_mode} is not a mode Airbyte offers ({offered})"
        )
    if stream.destination_sync_mode == "append_dedup" and not stream.primary_key:
        raise AirbyteConfigError(f"{where}: stream {stream.name}: append_dedup needs a primary_key")
    return {
        "name": stream.name,
        "sync_mode": mode,
        "cursor_field": [stream.cursor_field] if stream.sync_mode == "incremental" else None,
        "primary_key": [[key] for key in stream.primary_key] or None,
    }
