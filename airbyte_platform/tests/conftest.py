"""What the tests of the apply command share: the repository, its command line, test secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
COMMERCE_STACK = ROOT / ".venv" / "bin" / "commerce-stack"
CONNECTOR_CACHE = ROOT / ".cache" / "connectors"

# Secrets in the forms that break naive masking: `+ / = % &`, a trailing newline (a token read from
# a file), JSON with quotes and escapes (a service account key).
SECRETS = {
    "TINYERP_API_TOKEN": "AUD+IT/PR=OBE%41&tiny\n",
    "LINNWORKS_APPLICATION_SECRET": "lw+app/SECRET=7%2F",
    "LINNWORKS_TOKEN": "lw-install&token<42>",
    "BIGQUERY_CREDENTIALS_JSON": json.dumps(
        {"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEv+Q/Z=\n-----END"}
    ),
}
NOT_SECRET = {"LINNWORKS_APPLICATION_ID": "lw-app-id", "GCP_PROJECT": "my-shop", "BIGQUERY_LOCATION": "EU"}


def cached_catalogs() -> dict[tuple[str, str], dict[str, Any]]:
    """The connectors' catalogs `commerce-stack airbyte` asked them for (the checkout's cache), by
    the definition an instance knows them by: what the fake checks connections against, as the
    server checks them against the catalog it discovered."""
    by_definition = {
        ("manifest", "FakeStore"): "source-fakestore-*-catalog-fakestore.json",
        ("image", "commerce-stack/source-tinyerp"): "source-tinyerp-*-catalog-tinyerp.json",
        ("image", "airbyte/source-linnworks"): "source-linnworks-*-catalog-linnworks.json",
    }
    catalogs = {}
    for key, pattern in by_definition.items():
        newest = max(CONNECTOR_CACHE.glob(pattern), key=lambda path: path.stat().st_mtime)
        catalogs[key] = json.loads(newest.read_text())
    return catalogs
