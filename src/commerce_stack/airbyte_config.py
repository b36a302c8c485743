"""Read the Airbyte sources, destinations and connections declared in `airbyte_config/`.

The same files describe the production Airbyte instance and drive the local PyAirbyte runner,
so this module only parses and validates; it imports nothing from Airbyte.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from commerce_stack.paths import ROOT, airbyte_config_dir

SYNC_MODES = {"full_refresh", "incremental"}
# How an Airbyte instance gets a source's connector (connector.instance_definition): our manifest as a
# declarative custom definition, our image as a Docker custom definition, or the instance's own.
INSTANCE_DEFINITIONS = {"declarative", "custom_docker", "stock"}
DESTINATION_SYNC_MODES = {"append", "overwrite", "append_dedup"}
_ENV_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")


class AirbyteConfigError(ValueError):
    """A declaration in airbyte_config/ is missing, malformed or refers to an unset variable."""


def interpolate(value: Any, where: str) -> Any:
    """Replace ${VAR} / ${VAR:-default} in strings, recursively; unset variables are an error.
    A variable's trailing line breaks are dropped: a token read from a file with its newline (an
    env file, a mounted secret) is the token."""
    if isinstance(value, dict):
        return {k: interpolate(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group("name"), match.group("default")
        if name in os.environ:
            return os.environ[name].rstrip("\r\n")
        if default is not None:
            return default
        raise AirbyteConfigError(f"{where}: environment variable {name} is not set")

    return _ENV_REF.sub(substitute, value)


_SCALARS: dict[str, Any] = {"integer": int, "number": float}


def type_by_spec(configuration: dict[str, Any], spec: dict[str, Any], where: str) -> dict[str, Any]:
    """Give interpolated strings the types the connector's spec declares (top-level keys).

    Environment variables are strings; a spec wants `requests_per_minute: 60`, not `"60"`. An empty
    string means "not set": the key is left out so the connector's default applies.
    """
    properties = spec.get("properties", {})
    typed: dict[str, Any] = {}
    for key, value in configuration.items():
        if value == "":
            continue
        declared = properties.get(key, {}).get("type")
        if isinstance(value, str) and declared in _SCALARS:
            try:
                value = _SCALARS[declared](value)
            except ValueError:
                raise AirbyteConfigError(f"{where}: {key} must be {declared}, got {value!r}") from None
        elif isinstance(value, str) and declared == "boolean":
            if value.lower() not in ("true", "false"):
                raise AirbyteConfigError(f"{where}: {key} must be true or false, got {value!r}")
            value = value.lower() == "true"
        typed[key] = value
    return typed


@dataclass(frozen=True)
class StreamConfig:
    name: str
    sync_mode: str
    destination_sync_mode: str
    primary_key: list[str]
    cursor_field: str | None


@dataclass(frozen=True)
class SourceConfig:
    name: str
    connector_name: str
    local_path: Path
    declared_configuration: dict[str, Any]  # as written, with its ${VAR} references
    docker_image: str | None = None  # what an Airbyte instance runs (the local runner uses local_path)
    declared_environment: dict[str, str] | None = None  # connector.local_environment, as written
    instance_definition: str | None = None  # one of INSTANCE_DEFINITIONS
    manifest_path: Path | None = None  # connector.manifest: what a declarative definition publishes

    @property
    def configuration(self) -> dict[str, Any]:
        """The configuration with the environment's values: read only when a sync needs it, so
        listing connections (e.g. to pin loads) never needs a token."""
        return interpolate(self.declared_configuration, f"sources/{self.name}.yaml: configuration")

    @property
    def environment(self) -> dict[str, str]:
        """Variables the local runner sets for the connector's process (e.g. a proxy and the CA it
        must trust); an empty value leaves the variable unset."""
        declared = self.declared_environment or {}
        values = interpolate(declared, f"sources/{self.name}.yaml: connector.local_environment")
        return {name: str(value) for name, value in values.items() if value not in (None, "")}

    def variables_of(self, keys: list[str]) -> list[str]:
        """The environment variables that configuration `keys` are read from, in declaration order."""
        found: list[str] = []
        for key in keys:
            value = self.declared_configuration.get(key)
            if isinstance(value, str):
                found += [m.group("name") for m in _ENV_REF.finditer(value) if m.group("name") not in found]
        return found

    @property
    def executable(self) -> Path:
        """The connector's console script inside its own uv environment."""
        return self.local_path / ".venv" / "bin" / self.connector_name


@dataclass(frozen=True)
class BigQueryTarget:
    """The BigQuery project the local runner writes the raw datasets into (one per connection,
    named by its namespace)."""

    project: str
    location: str  # where new datasets are created and jobs run
    credentials_path: Path | None  # a key file; None: Application Default Credentials


@dataclass(frozen=True)
class DestinationConfig:
    """Where a connection lands: the local runner's warehouse (a DuckDB file or BigQuery, by
    `local_type`), and the production destination an Airbyte instance runs."""

    name: str
    local_type: str  # duckdb | bigquery (local.type, interpolated)
    declared_local_path: str  # as written, e.g. ${COMMERCE_WAREHOUSE_PATH:-data/warehouse.duckdb}
    production_type: str | None
    production_image: str | None
    bigquery: BigQueryTarget | None = None  # local.bigquery, when local_type is bigquery
    production_namespace_definition: str | None = None  # Airbyte's namespaceDefinition
    declared_production_configuration: dict[str, Any] | None = None  # production.configuration, as written

    @property
    def production_configuration(self) -> dict[str, Any]:
        """The instance's destination settings with the environment's values (read only by
        `commerce-stack airbyte`: a local run never needs its credentials)."""
        declared = self.declared_production_configuration or {}
        return interpolate(declared, f"destinations/{self.name}.yaml: production.configuration")

    @property
    def local_path(self) -> Path:
        """The local warehouse file, relative paths from the repository root. With BigQuery as the
        local destination, the runner keeps its private files in this file's folder."""
        path = Path(interpolate(self.declared_local_path, f"destinations/{self.name}.yaml: local.path"))
        return path if path.is_absolute() else ROOT / path


@dataclass(frozen=True)
class ConnectionConfig:
    name: str
    source: SourceConfig
    destination: DestinationConfig
    namespace: str
    streams: list[StreamConfig]
    schedule: dict[str, Any]


def _shown(path: Path) -> str:
    """A declaration's path as a person reads it: from the repository root when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _yaml_problem(error: yaml.YAMLError) -> str:
    """PyYAML's several lines as one: what is wrong, and where (1-based line and column)."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"{error.problem} (line {mark.line + 1}, column {mark.column + 1})"
    return " ".join(str(error).split())


def _load_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise AirbyteConfigError(f"{_shown(path)} does not exist")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise AirbyteConfigError(f"{_shown(path)} is not valid YAML: {_yaml_problem(error)}") from None
    except UnicodeDecodeError as error:
        raise AirbyteConfigError(f"{_shown(path)} is not UTF-8 text (byte {error.start})") from None
    if not isinstance(data, dict):
        raise AirbyteConfigError(f"{_shown(path)} must be a mapping")
    return data


def _declaration(kind: str, name: str, config_dir: Path | None) -> tuple[dict[str, Any], str]:
    """A declaration's contents, and how its errors name it: `<kind>/<name>.yaml` in
    airbyte_config/ (a file that does not load is named by its whole path)."""
    where = f"{kind}/{name}.yaml"
    return _load_yaml((config_dir or airbyte_config_dir()) / where), where


def _require(data: Any, key: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise AirbyteConfigError(f"{where} must be a mapping, got {data!r}")
    if key not in data or data[key] in (None, ""):
        raise AirbyteConfigError(f"{where}: '{key}' is required")
    return data[key]


def load_source(name: str, config_dir: Path | None = None) -> SourceConfig:
    data, where = _declaration("sources", name, config_dir)
    connector = _require(data, "connector", where)
    definition = connector.get("instance_definition")
    if definition is not None and definition not in INSTANCE_DEFINITIONS:
        raise AirbyteConfigError(
            f"{where}: connector.instance_definition must be one of {sorted(INSTANCE_DEFINITIONS)}, "
            f"got {definition!r}"
        )
    manifest = connector.get("manifest")
    if definition == "declarative" and not manifest:
        raise AirbyteConfigError(f"{where}: connector.manifest is required for a declarative definition")
    if definition in ("custom_docker", "stock") and ":" not in str(connector.get("docker_image") or ""):
        raise AirbyteConfigError(
            f"{where}: connector.docker_image must be <repository>:<tag> for a {definition} definition"
        )
    return SourceConfig(
        name=_require(data, "name", where),
        connector_name=_require(connector, "name", f"{where}: connector"),
        local_path=ROOT / _require(connector, "local_path", f"{where}: connector"),
        declared_configuration=data.get("configuration", {}),
        docker_image=connector.get("docker_image"),
        declared_environment=_mapping(connector, "local_environment", f"{where}: connector"),
        instance_definition=definition,
        manifest_path=ROOT / manifest if manifest else None,
    )


def _mapping(data: dict[str, Any], key: str, where: str) -> dict[str, str] | None:
    value = data.get(key)
    if value is not None and not (isinstance(value, dict) and all(isinstance(k, str) for k in value)):
        raise AirbyteConfigError(f"{where}: '{key}' must map variable names to values")
    return value


LOCAL_DESTINATION_TYPES = {"duckdb", "bigquery"}
# Airbyte's namespaceDefinition that lands each connection in its own `namespace` (raw_<source>)
NAMESPACE_DEFINITION = "customformat"


def _variables(declared: Any) -> str:
    """' (from VAR, ...)' for a declared value read from the environment, else ''."""
    names = [m.group("name") for m in _ENV_REF.finditer(declared)] if isinstance(declared, str) else []
    return f" (from {', '.join(names)})" if names else ""


def _bigquery_target(local: dict[str, Any], where: str) -> BigQueryTarget:
    """local.bigquery, read only when the local runner writes to BigQuery."""
    where = f"{where}: local.bigquery"
    declared = local.get("bigquery")
    if not isinstance(declared, dict):
        raise AirbyteConfigError(f"{where} must be a mapping with project, location and credentials")
    values = interpolate(declared, where)
    for key in ("project", "location"):
        if not values.get(key):
            raise AirbyteConfigError(f"{where}: '{key}' is required{_variables(declared.get(key))}")
    credentials = values.get("credentials") or None
    credentials_path = None
    if credentials:
        credentials_path = Path(credentials) if Path(credentials).is_absolute() else ROOT / credentials
        if not credentials_path.is_file():
            raise AirbyteConfigError(
                f"{where}: credentials file {credentials} does not exist{_variables(declared['credentials'])}"
            )
    return BigQueryTarget(
        project=str(values["project"]), location=str(values["location"]), credentials_path=credentials_path
    )


def load_destination(name: str, config_dir: Path | None = None) -> DestinationConfig:
    data, where = _declaration("destinations", name, config_dir)
    local = _require(data, "local", where)
    declared_type = _require(local, "type", f"{where}: local")
    local_type = interpolate(declared_type, f"{where}: local.type")
    if local_type not in LOCAL_DESTINATION_TYPES:
        raise AirbyteConfigError(
            f"{where}: local.type must be one of {sorted(LOCAL_DESTINATION_TYPES)}, "
            f"got {local_type!r}{_variables(declared_type)}"
        )
    production = data.get("production") or {}
    namespace_definition = production.get("namespace_definition")
    if namespace_definition not in (None, NAMESPACE_DEFINITION):
        raise AirbyteConfigError(
            f"{where}: production.namespace_definition must be {NAMESPACE_DEFINITION} (each "
            f"connection's tables in its namespace, raw_<source>), got {namespace_definition!r}"
        )
    return DestinationConfig(
        name=_require(data, "name", where),
        local_type=local_type,
        declared_local_path=_require(local, "path", f"{where}: local"),
        production_type=production.get("type"),
        production_image=(production.get("connector") or {}).get("docker_image"),
        bigquery=_bigquery_target(local, where) if local_type == "bigquery" else None,
        production_namespace_definition=namespace_definition,
        declared_production_configuration=production.get("configuration") or {},
    )


def _stream(data: Any, where: str) -> StreamConfig:
    if not isinstance(data, dict):
        raise AirbyteConfigError(f"{where}: each stream must be a mapping (name, sync_mode...), got {data!r}")
    name = _require(data, "name", where)
    where = f"{where}: stream {name}"
    sync_mode = _require(data, "sync_mode", where)
    if sync_mode not in SYNC_MODES:
        raise AirbyteConfigError(f"{where}: sync_mode must be one of {sorted(SYNC_MODES)}")
    destination_sync_mode = _require(data, "destination_sync_mode", where)
    if destination_sync_mode not in DESTINATION_SYNC_MODES:
        raise AirbyteConfigError(
            f"{where}: destination_sync_mode must be one of {sorted(DESTINATION_SYNC_MODES)}"
        )
    cursor_field = data.get("cursor_field")
    if sync_mode == "incremental" and not cursor_field:
        raise AirbyteConfigError(f"{where}: an incremental stream needs a cursor_field")
    return StreamConfig(
        name=name,
        sync_mode=sync_mode,
        destination_sync_mode=destination_sync_mode,
        primary_key=list(data.get("primary_key") or []),
        cursor_field=cursor_field,
    )


def check_streams(declared: list[StreamConfig], catalog: dict[str, Any], where: str) -> None:
    """The declared streams and the connector's catalog (its `discover` answer, as JSON) must agree
    on names, modes, cursors and keys. The local runner checks before each sync; `commerce-stack
    airbyte` before any request, as an Airbyte instance refuses a cursor or key that contradicts
    the source's own. `where` names the connection in the messages."""
    offered = {s["name"]: s for s in catalog.get("streams", [])}
    for stream in declared:
        here = f"{where}: stream {stream.name}"
        if stream.name not in offered:
            raise AirbyteConfigError(f"{here} is not offered by the connector (it has {sorted(offered)})")
        found = offered[stream.name]
        modes = set(found.get("supported_sync_modes") or [])
        if stream.sync_mode not in modes:
            raise AirbyteConfigError(
                f"{here}: sync_mode {stream.sync_mode} not supported (supports {sorted(modes)})"
            )
        default_cursor = found.get("default_cursor_field")
        if stream.sync_mode == "incremental" and default_cursor not in (None, [], [stream.cursor_field]):
            raise AirbyteConfigError(
                f"{here}: cursor_field {stream.cursor_field!r} differs from the connector's {default_cursor}"
            )
        source_key = found.get("source_defined_primary_key")
        if source_key and source_key != [[k] for k in stream.primary_key]:
            raise AirbyteConfigError(
                f"{here}: primary_key {stream.primary_key} differs from the connector's {source_key}"
            )


def load_connection(name: str, config_dir: Path | None = None) -> ConnectionConfig:
    data, where = _declaration("connections", name, config_dir)
    declared = _require(data, "streams", where)
    if not isinstance(declared, list):
        raise AirbyteConfigError(f"{where}: 'streams' must be a list of streams")
    streams = [_stream(s, where) for s in declared]
    return ConnectionConfig(
        name=_require(data, "name", where),
        source=load_source(_require(data, "source", where), config_dir),
        destination=load_destination(_require(data, "destination", where), config_dir),
        namespace=_require(data, "namespace", where),
        streams=streams,
        schedule=data.get("schedule", {}),
    )


def connection_names(config_dir: Path | None = None) -> list[str]:
    """Active connections, in file-name order."""
    names = []
    for path in sorted((config_dir or airbyte_config_dir()).joinpath("connections").glob("*.yaml")):
        if _load_yaml(path).get("status", "active") == "active":
            names.append(path.stem)
    return names
