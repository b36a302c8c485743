"""Look for secrets, in every form (commerce_stack.secret_forms), everywhere a run leaves text: its
output, the files under a folder, every table of a DuckDB warehouse, mails. Each finding names
where and which forms, so a failing test says what leaked and how."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from email.message import EmailMessage
from pathlib import Path

import duckdb

from commerce_stack.secret_forms import SecretMask


def in_text(mask: SecretMask, where: str, text: str | bytes) -> list[str]:
    found = mask.found_in(text)
    return [f"{where}: {found}"] if found else []


def in_files(mask: SecretMask, root: Path) -> list[str]:
    """Every file under `root`, as bytes (binary ones too: the warehouse file's own pages), and
    gzip files unpacked."""
    findings: list[str] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.suffix == ".gz":
            data += gzip.decompress(data)
        findings += in_text(mask, str(path.relative_to(root)), data)
    return findings


def in_warehouse(mask: SecretMask, warehouse: Path) -> list[str]:
    """Every base table of every schema (raw, SQLMesh's versions and state, dq, ...), every column
    cast to text."""
    findings: list[str] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT database_name, schema_name, table_name FROM duckdb_tables() ORDER BY ALL"
        ).fetchall()
        for database, schema, table in tables:
            name = f'"{database}"."{schema}"."{table}"'
            rows = con.execute(f"SELECT CAST(COLUMNS(*) AS VARCHAR) FROM {name}").fetchall()
            text = "\n".join("\x1f".join(cell or "" for cell in row) for row in rows)
            findings += in_text(mask, f"table {schema}.{table}", text)
    return findings


def in_mails(mask: SecretMask, messages: Iterable[EmailMessage]) -> list[str]:
    """Each message as sent (headers, encoded parts) and each part decoded (base64 and
    quoted-printable would hide a secret from a scan of the raw message)."""
    findings: list[str] = []
    for number, message in enumerate(messages, 1):
        findings += in_text(mask, f"mail {number} ({message['Subject']})", message.as_bytes())
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                findings += in_text(mask, f"mail {number} part {part.get_content_type()}", payload)
    return findings
