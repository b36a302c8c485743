"""A connector build's identity, and the checkout's cache of what its connector answered (spec and
catalog), shared by the local runner (`commerce_pyairbyte.connector_cache`) and `commerce-stack
airbyte` (`commerce_stack.airbyte_instance.catalogs`): one file per answer, the connector's own
JSON (`ConnectorSpecification`, `AirbyteCatalog`), so either environment reads what the other wrote.
Standard library only.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from commerce_stack.airbyte_config import SourceConfig
from commerce_stack.paths import ROOT

# Specs and catalogs belong to connector builds, not to a warehouse: one folder for the checkout.
CONNECTOR_CACHE = ROOT / ".cache" / "connectors"

# What a connector's behaviour is built from; its venv, tests and local secrets are not.
_SKIPPED_PARTS = {".venv", "unit_tests", "integration_tests", "secrets", "__pycache__", ".pytest_cache"}


def connector_build(source: SourceConfig) -> str:
    """A digest of the connector's own files (code, manifest, schemas, pyproject, lock)."""
    files = []
    for folder, subfolders, names in os.walk(source.local_path):
        subfolders[:] = [d for d in subfolders if d not in _SKIPPED_PARTS]  # never walk a venv
        files += [Path(folder, name).relative_to(source.local_path) for name in names]
    digest = hashlib.sha256()
    for relative in sorted(files):
        if not _SKIPPED_PARTS.intersection(relative.parts):
            content = (source.local_path / relative).read_bytes()
            digest.update(str(relative).encode() + b"\0" + content + b"\0")
    return digest.hexdigest()[:16]


def cache_file(directory: Path, source: SourceConfig, kind: str, *parts: str) -> Path:
    """`<connector>-<build>-<kind>[-<part>...].json`: `spec`, or `catalog` with the source's name
    (a catalog may depend on the configuration)."""
    name = "-".join((source.connector_name, connector_build(source), kind, *parts))
    return directory / f"{name}.json"


def write_cached(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")  # two writers never share one
    partial.write_text(text)
    partial.replace(path)  # a reader never sees half a file
