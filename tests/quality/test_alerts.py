"""The e-mail digest, sent to a real SMTP server (aiosmtpd) listening on 127.0.0.1."""

from __future__ import annotations

import json
import os
import shutil
import smtplib
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from support.dq_history import CUSTOMERS_PHONE, ENV, LATEST, R2, R4, write_clean_history, write_history
from support.smtp import smtp_server

from commerce_stack.quality.alerts import DigestSettings, digest_settings_from_env, send_digest
from commerce_stack.quality.report import build_report

RECIPIENTS = ["steward@example.com", "data-ops@example.com"]
SENDER = "dq-gate@example.com"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"dq", b"s3cret")
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 235 or 535


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture
def smtp_with_login():
    with smtp_server(authenticator=_authenticate, auth_require_tls=False, auth_required=True) as server:
        yield server


@pytest.fixture(scope="module")
def blocked(tmp_path_factory) -> Path:
    """The report folder of the fixture history, whose latest run (R5) blocked with warnings."""
    folder = tmp_path_factory.mktemp("blocked")
    warehouse = write_history(folder / "warehouse.duckdb")
    return build_report(warehouse, folder / "report").parent


def _send(folder: Path, port: int, **extra) -> bool:
    return send_digest(
        folder / "report.json", folder / "index.html",
        smtp_host="127.0.0.1", smtp_port=port, sender=SENDER, recipients=RECIPIENTS, **extra,
    )  # fmt: skip


def test_a_blocked_run_sends_exactly_one_digest(blocked, smtp):
    inbox, port = smtp
    assert _send(blocked, port) is True
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.mail_from == SENDER and envelope.rcpt_tos == RECIPIENTS
    message = inbox.messages()[0]
    assert message["Subject"] == f"[DQ] BLOCKED {ENV} {LATEST}: 3 blocking, 2 warnings"
    assert message["From"] == SENDER and message["To"] == ", ".join(RECIPIENTS)

    body = message.get_body(preferencelist=("plain",)).get_content()
    lines = body.splitlines()
    assert lines[0] == f"Data-quality gate, environment {ENV}, run {LATEST}: BLOCKED"
    blocking, warnings = lines.index("BLOCKING FAILURES (3)"), lines.index("WARNINGS (2)")
    assert blocking < warnings
    unique = lines.index(
        "- [BLOCK] marts.orders.order_key: expect_column_values_to_be_unique(marts.orders.order_key)"
    )
    assert blocking < unique < warnings
    assert lines[unique + 1] == (
        "    owner: analytics_engineering   unexpected rows: 23 (1.71%)   RECURRING, first seen "
        f"2026-11-21 00:15:00 UTC (run {R4}, 2 runs in a row)"
    )
    price = lines.index(
        "- [BLOCK] marts.products.price: expect_column_values_to_be_between(marts.products.price)"
    )
    assert lines[price + 1] == (
        "    owner: merchandising   unexpected rows: 1 (5.00%)   NEW in this run (2026-11-22 00:18:53 UTC); "
        f"failed before, first in run {R2}"
    )
    assert (
        "- [BLOCK] marts.orders: assert_order_total_equals_sum_of_lines(marts.orders)"
        in lines[blocking:warnings]
    )
    email = lines.index(
        "- [WARN] marts.customers.email: expect_column_values_to_match_regex(marts.customers.email)"
    )
    phone = lines.index(
        "- [WARN] marts.customers.phone: expect_column_values_to_not_be_null(marts.customers.phone)"
    )
    assert warnings < email and warnings < phone
    assert "owner: customer_data_steward" in lines[phone + 1] and "NEW in this run" in lines[phone + 1]
    assert "- fakestore.carts: 3 new (4 in all)" in lines
    assert f"Report: {(blocked / 'index.html').resolve().as_uri()}" in lines

    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    report = attachments[0]
    assert report.get_content_type() == "text/html"
    assert report.get_filename() == f"dq-report-{ENV}-{LATEST}.html"
    assert report.get_content_charset() == "utf-8"
    assert report.get_content().replace("\r\n", "\n") == (blocked / "index.html").read_text()


def test_the_digest_can_be_built_from_the_report_dict(blocked, smtp):
    inbox, port = smtp
    report = json.loads((blocked / "report.json").read_text())
    assert send_digest(
        report,
        blocked / "index.html",
        smtp_host="127.0.0.1",
        smtp_port=port,
        sender=SENDER,
        recipients=["a@b.c"],
    )
    assert [e.rcpt_tos for e in inbox.envelopes] == [["a@b.c"]]


def test_a_clean_run_sends_nothing(tmp_path, smtp):
    inbox, port = smtp
    folder = build_report(write_clean_history(tmp_path / "warehouse.duckdb"), tmp_path / "report").parent
    assert _send(folder, port) is False
    assert inbox.envelopes == []


def test_no_runs_at_all_sends_nothing(tmp_path, smtp):
    inbox, port = smtp
    folder = build_report(tmp_path / "missing.duckdb", tmp_path / "report").parent
    assert _send(folder, port) is False
    assert inbox.envelopes == []


def test_a_promoted_run_with_a_warning_sends_a_digest(tmp_path, smtp):
    inbox, port = smtp
    warehouse = write_clean_history(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "UPDATE dq.check_results SET success = FALSE, unexpected_count = 4 WHERE check_id = ?",
            [CUSTOMERS_PHONE],
        )
        con.execute("UPDATE dq.gate_runs SET warnings = 1")
    folder = build_report(warehouse, tmp_path / "report").parent
    assert _send(folder, port) is True
    (message,) = inbox.messages()
    assert message["Subject"] == f"[DQ] PROMOTED {ENV} 20261123T001500Z: 0 blocking, 1 warning"
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "BLOCKING FAILURES (0)\n- none" in body
    assert "- [WARN] marts.customers.phone:" in body


def test_a_failed_run_sends_a_digest_with_its_message(tmp_path, smtp):
    inbox, port = smtp
    warehouse = write_clean_history(tmp_path / "warehouse.duckdb")
    started = datetime(2026, 11, 24, 0, 15)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "INSERT INTO dq.gate_runs VALUES ('20261124T001500Z', ?, ?, ?, 'failed', FALSE, 0, 0, 0, "
            "NULL, NULL, "
            "'the Airbyte sync failed (see the messages above); prod was not touched', NULL, NULL)",
            [ENV, started, started + timedelta(seconds=30)],
        )
    folder = build_report(warehouse, tmp_path / "report").parent
    assert _send(folder, port) is True
    (message,) = inbox.messages()
    assert message["Subject"] == (
        f"[DQ] FAILED {ENV} 20261124T001500Z: 0 blocking, 0 warnings "
        "(the Airbyte sync failed (see the messages above); prod was not touched)"
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Why: the Airbyte sync failed (see the messages above); prod was not touched" in body


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_login_is_used_when_a_username_is_set(blocked, smtp_with_login):
    inbox, port = smtp_with_login
    with pytest.raises(smtplib.SMTPSenderRefused):  # this server wants a login
        _send(blocked, port)
    with pytest.raises(smtplib.SMTPAuthenticationError):
        _send(blocked, port, username="dq", password="wrong")
    assert inbox.envelopes == []
    assert _send(blocked, port, username="dq", password="s3cret") is True
    assert len(inbox.envelopes) == 1


def test_starttls_is_never_skipped_silently(blocked, smtp):
    inbox, port = smtp  # this server offers no STARTTLS: nothing may go out in the clear
    with pytest.raises(smtplib.SMTPNotSupportedError):
        _send(blocked, port, starttls=True)
    assert inbox.envelopes == []


def test_settings_come_from_the_environment():
    assert digest_settings_from_env({}) is None
    assert digest_settings_from_env({"DQ_SMTP_HOST": "mail.example.com"}) is None  # nobody to tell
    assert digest_settings_from_env({"DQ_ALERT_RECIPIENTS": "a@example.com"}) is None  # nowhere to send
    assert digest_settings_from_env(
        {"DQ_SMTP_HOST": "mail.example.com", "DQ_ALERT_RECIPIENTS": "a@example.com"}
    ) == DigestSettings(smtp_host="mail.example.com", smtp_port=25, recipients=["a@example.com"])
    settings = digest_settings_from_env(
        {
            "DQ_SMTP_HOST": "mail.example.com",
            "DQ_SMTP_PORT": "587",
            "DQ_SMTP_SENDER": "dq@example.com",
            "DQ_ALERT_RECIPIENTS": " a@example.com, b@example.com ,",
            "DQ_SMTP_USERNAME": "dq",
            "DQ_SMTP_PASSWORD": "s3cret",
            "DQ_SMTP_STARTTLS": "true",
        }
    )
    assert settings == DigestSettings(
        smtp_host="mail.example.com", smtp_port=587, sender="dq@example.com",
        recipients=["a@example.com", "b@example.com"], username="dq", password="s3cret", starttls=True,
    )  # fmt: skip


def test_cli_sends_with_the_environments_settings(blocked, smtp, tmp_path):
    inbox, port = smtp
    folder = tmp_path / "report"
    shutil.copytree(blocked, folder)
    base = {k: v for k, v in os.environ.items() if not k.startswith("DQ_")}
    command = [sys.executable, "-m", "commerce_stack.quality.alerts", "--report", str(folder)]
    off = subprocess.run(command, env=base, capture_output=True, text=True, check=False)
    assert off.returncode == 0 and "DQ alerts are off" in off.stdout, off.stderr
    env = {
        **base,
        "DQ_SMTP_HOST": "127.0.0.1",
        "DQ_SMTP_PORT": str(port),
        "DQ_ALERT_RECIPIENTS": "x@example.com",
    }
    sent = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert sent.returncode == 0 and "digest sent" in sent.stdout, sent.stderr
    assert [e.rcpt_tos for e in inbox.envelopes] == [["x@example.com"]]
    assert inbox.envelopes[0].mail_from == "commerce-stack-dq@localhost"
