"""Each connector build's spec and discovered catalog, kept between syncs as an Airbyte instance
keeps them.

An Airbyte instance stores a connector's spec when the connector is registered and a source's
catalog when its schema is discovered (or refreshed); a sync then runs `check` and `read`, not
`spec` and `discover` again. PyAirbyte asks the connector for both on every run: two more
processes (about a second each) per connection. Here they are cached (in the checkout's `.cache/`,
for every warehouse) per connector build (a
digest of the connector's files and lock: any change to the connector invalidates them) and, for
the catalog, per source. Like a schema refresh in Airbyte's UI, `refresh_catalog` discovers
again; the runner does so by itself when a declared stream is missing from the cached catalog.

Runs in the PyAirbyte environment only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from airbyte_protocol.models import AirbyteCatalog, ConnectorSpecification

from commerce_stack.airbyte_config import SourceConfig
from commerce_stack.connector_builds import cache_file, write_cached

T = TypeVar("T", AirbyteCatalog, ConnectorSpecification)


def _read(path: Path, model: type[T]) -> T | None:
    """A cached answer, or None when there is none (or it cannot be read: it is asked again)."""
    try:
        return model.model_validate_json(path.read_text())
    except (OSError, ValueError):  # missing, unreadable, or not what the connector answered
        return None


class ConnectorCache:
    """Spec and catalog files under `directory`, named by connector and build."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, source: SourceConfig, kind: str, *parts: str) -> Path:
        return cache_file(self.directory, source, kind, *parts)

    def spec(self, source: SourceConfig, connector: Any) -> ConnectorSpecification:
        """The connector's spec; `connector` (a PyAirbyte source) is asked only on a miss, and
        is primed with it, so PyAirbyte validates the configuration without running `spec`."""
        path = self._file(source, "spec")
        spec = _read(path, ConnectorSpecification)
        if spec is None:
            spec = connector._get_spec(force_refresh=True)
            self._write(path, spec.model_dump_json(exclude_unset=True))
        connector._spec = spec
        return spec

    def catalog(self, source: SourceConfig, connector: Any, *, refresh: bool = False) -> AirbyteCatalog:
        """The source's discovered catalog; discovered on a miss or when asked to refresh."""
        path = self._file(source, "catalog", source.name)
        catalog = None if refresh else _read(path, AirbyteCatalog)
        if catalog is not None:
            connector._discovered_catalog = catalog
        else:
            connector._discovered_catalog = None
            catalog = connector.discovered_catalog
            self._write(path, catalog.model_dump_json(exclude_unset=True))
        return catalog

    def _write(self, path: Path, text: str) -> None:
        write_cached(path, text)
