"""What each connector says of itself, asked offline: its spec (which settings are secret, their
types) and its catalog (streams, sync modes, cursors, primary keys), by running the connector's
own `spec` and `discover` from its environment, as an Airbyte instance does when the connector is
added and a source's schema is discovered.

The answers are kept per connector build in the checkout's `.cache/connectors`, the files the local
runner keeps too (`commerce_stack.connector_builds`): asked once per build, whichever asked first.
`discover` gets the declared settings with a placeholder for every secret (our connectors and the
stock Linnworks one list their streams without calling their API), so no secret reaches a file.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commerce_stack.airbyte_config import SourceConfig, interpolate, type_by_spec
from commerce_stack.airbyte_instance import AirbyteInstanceError
from commerce_stack.connector_builds import CONNECTOR_CACHE, cache_file, write_cached

PLACEHOLDER = "discover-reads-no-secret"
_TIMEOUT_S = 120


@dataclass(frozen=True)
class ConnectorFacts:
    spec: dict[str, Any]  # connectionSpecification (JSON schema of the settings)
    catalog: dict[str, Any]  # AirbyteCatalog: {"streams": [...]}

    @property
    def secret_fields(self) -> list[str]:
        """Top-level settings the spec marks `airbyte_secret` (ours and Linnworks' have no nested ones)."""
        return sorted(k for k, v in self.spec.get("properties", {}).items() if v.get("airbyte_secret"))


def connector_facts(source: SourceConfig, directory: Path = CONNECTOR_CACHE) -> ConnectorFacts:
    spec_file = cache_file(directory, source, "spec")
    spec = _cached(spec_file, "connectionSpecification")
    if spec is None:
        spec = _ask(source, ["spec"], "SPEC")
        write_cached(spec_file, json.dumps(spec))
    catalog_file = cache_file(directory, source, "catalog", source.name)
    catalog = _cached(catalog_file, "streams")
    if catalog is None:
        settings = discovery_settings(source, spec["connectionSpecification"])
        with tempfile.TemporaryDirectory(prefix="discover-") as folder:
            config = Path(folder) / "config.json"
            config.write_text(json.dumps(settings))
            catalog = _ask(source, ["discover", "--config", str(config)], "CATALOG")
        write_cached(catalog_file, json.dumps(catalog))
    return ConnectorFacts(spec["connectionSpecification"], catalog)


def discovery_settings(source: SourceConfig, spec: dict[str, Any]) -> dict[str, Any]:
    """The declared settings with the environment's values, each secret replaced by a placeholder
    (and its variable not even read), typed by the spec."""
    properties = spec.get("properties", {})
    where = f"sources/{source.name}.yaml: configuration"
    settings = {
        key: PLACEHOLDER
        if properties.get(key, {}).get("airbyte_secret")
        else interpolate(value, f"{where}.{key}")
        for key, value in source.declared_configuration.items()
    }
    return type_by_spec(settings, spec, f"sources/{source.name}.yaml")


def _cached(path: Path, key: str) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):  # missing or unreadable: asked again
        return None
    return found if isinstance(found, dict) and key in found else None


def _ask(source: SourceConfig, command: list[str], kind: str) -> dict[str, Any]:
    """The connector's answer (the `spec` of its SPEC message, the `catalog` of its CATALOG one)."""
    if not source.executable.exists():
        raise AirbyteInstanceError(
            f"connector {source.connector_name} is not installed at {source.executable}: run `make setup`"
        )
    completed = subprocess.run(
        [str(source.executable), *command], capture_output=True, text=True, timeout=_TIMEOUT_S, check=False
    )
    errors = []
    for line in completed.stdout.splitlines():
        message = json.loads(line) if line.startswith("{") else {}
        if message.get("type") == kind:
            return message[kind.lower()]
        if message.get("type") == "TRACE" and message["trace"].get("type") == "ERROR":
            errors.append(message["trace"]["error"].get("message", ""))
    reason = errors[0] if errors else f"exit status {completed.returncode}, no {kind} message"
    raise AirbyteInstanceError(f"connector {source.connector_name}: `{command[0]}` failed: {reason}")
