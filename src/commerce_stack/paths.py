"""Where things live in a checkout. The package is installed editable from src/, so the
repository root is two levels above this file."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS_DIR = ROOT / "expectations"
PYAIRBYTE_PYTHON = ROOT / "pyairbyte" / ".venv" / "bin" / "python"


def project_dir() -> Path:
    """The SQLMesh project (config.yaml, models/, ...): the repository root unless
    COMMERCE_PROJECT_DIR points at another copy (tests inject defects into a copy)."""
    return Path(os.environ.get("COMMERCE_PROJECT_DIR", ROOT))


def airbyte_config_dir() -> Path:
    """The Airbyte declarations (sources/, destinations/, connections/): `airbyte_config/` unless
    COMMERCE_AIRBYTE_CONFIG_DIR points at another copy (tests break a copy's files)."""
    return Path(os.environ.get("COMMERCE_AIRBYTE_CONFIG_DIR", ROOT / "airbyte_config"))


def warehouse_path() -> Path:
    """The DuckDB warehouse file; COMMERCE_WAREHOUSE_PATH overrides (config.yaml reads it too)."""
    path = Path(os.environ.get("COMMERCE_WAREHOUSE_PATH", "data/warehouse.duckdb"))
    return path if path.is_absolute() else ROOT / path


def runs_dir() -> Path:
    """Per-run artefacts (logs, summaries, GX working context) live beside the warehouse."""
    return warehouse_path().parent
