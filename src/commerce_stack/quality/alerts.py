"""One e-mail digest per gate run that blocked, failed or warned: never one mail per check.

The digest is plain text (each blocking failure, then each warning: table, check, severity,
owner, unexpected rows, NEW or RECURRING with first seen) with the steward report attached as
an HTML file. Settings come from the environment; alerts are off unless a host and recipients
are set:

| Variable | Default | Meaning |
|---|---|---|
| `DQ_SMTP_HOST` | (off) | SMTP server |
| `DQ_SMTP_PORT` | 25 | its port |
| `DQ_SMTP_SENDER` | `commerce-stack-dq@localhost` | From address |
| `DQ_ALERT_RECIPIENTS` | (off) | comma-separated To addresses |
| `DQ_SMTP_USERNAME`, `DQ_SMTP_PASSWORD` | none | log in when a username is set |
| `DQ_SMTP_STARTTLS` | false | `1`/`true`/`yes`: upgrade with STARTTLS before logging in |

    python -m commerce_stack.quality.alerts [--report DIR]   # send the digest of DIR/report.json
"""

from __future__ import annotations

import argparse
import json
import os
import smtplib
import ssl
import sys
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from commerce_stack.quality.formatting import (
    percent,
    plural,
    promotion_note,
    run_outcome,
    sync_failure_note,
    when,
)

DEFAULT_SENDER = "commerce-stack-dq@localhost"


@dataclass
class DigestSettings:
    smtp_host: str
    smtp_port: int = 25
    sender: str = DEFAULT_SENDER
    recipients: list[str] = field(default_factory=list)
    username: str | None = None
    password: str | None = None
    starttls: bool = False


def digest_settings_from_env(environ: dict[str, str] | None = None) -> DigestSettings | None:
    """The DQ_* settings, or None (alerts off) when DQ_SMTP_HOST or DQ_ALERT_RECIPIENTS is unset."""
    env = os.environ if environ is None else environ
    host = env.get("DQ_SMTP_HOST", "").strip()
    recipients = [r.strip() for r in env.get("DQ_ALERT_RECIPIENTS", "").split(",") if r.strip()]
    if not host or not recipients:
        return None
    port = env.get("DQ_SMTP_PORT", "").strip()
    return DigestSettings(
        smtp_host=host,
        smtp_port=int(port) if port else 25,
        sender=env.get("DQ_SMTP_SENDER", "").strip() or DEFAULT_SENDER,
        recipients=recipients,
        username=env.get("DQ_SMTP_USERNAME") or None,
        password=env.get("DQ_SMTP_PASSWORD") or None,
        starttls=env.get("DQ_SMTP_STARTTLS", "").strip().lower() in {"1", "true", "yes", "on"},
    )


def digest_subject(report: dict[str, Any]) -> str | None:
    """`[DQ] BLOCKED candidate 20261122T001853Z: 3 blocking, 1 warning`, or `[DQ] SYNC FAILED
    candidate 20261122T001853Z: connection fakestore (<its message>)`; None if nothing to tell."""
    run = report.get("latest_run")
    if not run:
        return None
    if run.get("failed_connection"):
        connection = run["failed_connection"]
        subject = f"[DQ] {run_outcome(run['status'], connection)} {run['environment']} {run['run_id']}: "
        subject += f"connection {connection}"
        reason = (run.get("message") or "").removeprefix(f"connection {connection}: ")  # said already
        return subject + (f" ({reason[:80]})" if reason else "")
    blocking, warnings = len(report["blocking_failures"]), len(report["warnings"])
    if run["status"] != "failed" and not blocking and not warnings:
        return None
    subject = (
        f"[DQ] {run['status'].upper()} {run['environment']} {run['run_id']}: "
        f"{blocking} blocking, {plural(warnings, 'warning')}"
    )
    if run["status"] == "failed" and run.get("message"):
        subject += f" ({run['message'][:80]})"
    return subject


def _when(value: str | None) -> str:
    return when(value, missing="-")  # plain text: ASCII where there is no time


def _check_lines(check: dict[str, Any]) -> list[str]:
    target = check["table_name"] + (f".{check['column_name']}" if check.get("column_name") else "")
    count = check.get("unexpected_count")
    share = check.get("unexpected_percent")
    unexpected = "-" if count is None else f"{count:,}"
    if share is not None:
        unexpected += f" ({percent(share)})"
    if check["recurrence"] == "recurring":
        seen = (
            f"RECURRING, first seen {_when(check['first_seen_at'])} (run {check['first_seen_run_id']}, "
            f"{check['streak_runs']} runs in a row)"
        )
    else:
        seen = f"NEW in this run ({_when(check['first_seen_at'])})"
        if check.get("failed_runs", 1) > 1:
            seen += f"; failed before, first in run {check['first_failed_ever_run_id']}"
    lines = [
        f"- [{check['severity'].upper()}] {target}: {check['check_name']}",
        f"    owner: {check['owner']}   unexpected rows: {unexpected}   {seen}",
    ]
    if check.get("description"):
        lines.append(f"    {check['description']}")
    return lines


def digest_body(report: dict[str, Any], html_path: Path | None = None) -> str:
    """The plain-text digest: the run, every blocking failure, then every warning."""
    run = report["latest_run"]
    blocking, warnings = report["blocking_failures"], report["warnings"]
    lines = [
        f"Data-quality gate, environment {run['environment']}, run {run['run_id']}: "
        + run_outcome(run["status"], run.get("failed_connection")),
        f"Started {_when(run['started_at'])}, finished {_when(run['finished_at'])}. "
        + promotion_note(run["promoted"], run["status"]),
    ]
    if run.get("failed_connection"):
        lines.append(sync_failure_note(run["failed_connection"]))
    if run.get("message"):
        lines.append(f"Why: {run['message']}")
    lines.append(
        f"Checks: {run['checks_total']} run, {run['checks_passed']} passed, "
        f"{len(blocking)} blocking, {plural(len(warnings), 'warning')}."
    )
    lines += ["", f"BLOCKING FAILURES ({len(blocking)})"]
    lines += [line for check in blocking for line in _check_lines(check)] or ["- none"]
    lines += ["", f"WARNINGS ({len(warnings)})"]
    lines += [line for check in warnings for line in _check_lines(check)] or ["- none"]
    new_quarantine = sum(s.get("new", 0) for s in report.get("quarantine", {}).get("streams", []))
    if new_quarantine:
        lines += ["", f"QUARANTINE: {new_quarantine} new record(s) could not be typed:"]
        lines += [
            f"- {s['source']}.{s['stream']}: {s['new']} new ({s['total']} in all)"
            for s in report["quarantine"]["streams"]
            if s.get("new")
        ]
    lines.append("")
    lines.append("The full report (failing-row samples, reproduce SQL, trends) is attached as HTML.")
    if html_path is not None:
        lines.append(f"Report: {Path(html_path).resolve().as_uri()}")
    if run.get("data_docs"):
        lines.append(f"Great Expectations Data Docs: {run['data_docs']}")
    return "\n".join(lines) + "\n"


def build_digest(
    report: dict[str, Any], html_path: Path, *, sender: str, recipients: list[str]
) -> EmailMessage | None:
    """The digest message for the report's latest run, or None when it has nothing to report."""
    subject = digest_subject(report)
    if subject is None:
        return None
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain="commerce-stack.dq")
    message.set_content(digest_body(report, html_path))
    run = report["latest_run"]
    message.add_attachment(
        Path(html_path).read_text(encoding="utf-8"),
        subtype="html",  # text/html; charset="utf-8"
        filename=f"dq-report-{run['environment']}-{run['run_id']}.html",
    )
    return message


def send_digest(
    report_json: dict[str, Any] | Path,
    html_path: Path,
    *,
    smtp_host: str,
    smtp_port: int,
    sender: str,
    recipients: list[str],
    username: str | None = None,
    password: str | None = None,
    starttls: bool = False,
) -> bool:
    """Send one digest for the latest run if it blocked, failed or warned; returns whether one was sent.

    Errors (connection refused, authentication, STARTTLS unsupported) propagate: the caller decides
    whether a lost alert fails the run.
    """
    report = report_json if isinstance(report_json, dict) else json.loads(Path(report_json).read_text())
    message = build_digest(report, Path(html_path), sender=sender, recipients=list(recipients))
    if message is None:
        return False
    with smtplib.SMTP(smtp_host, smtp_port, timeout=30) as smtp:
        smtp.ehlo()
        if starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if username:
            smtp.login(username, password or "")
        refused = smtp.send_message(message, from_addr=sender, to_addrs=list(recipients))
    for recipient, (code, reason) in refused.items():  # the others did get it: still sent
        print(f"DQ digest: {recipient} refused ({code} {reason!r})", file=sys.stderr)
    return True


def main(argv: list[str] | None = None) -> int:
    from commerce_stack.paths import runs_dir

    parser = argparse.ArgumentParser(
        prog="python -m commerce_stack.quality.alerts",
        description="E-mail the digest of the latest gate run (settings from DQ_* variables).",
    )
    parser.add_argument(
        "--report", type=Path, default=None, help="report folder (default: <runs dir>/report)"
    )
    args = parser.parse_args(argv)
    folder = args.report or runs_dir() / "report"
    settings = digest_settings_from_env()
    if settings is None:
        print("DQ alerts are off: set DQ_SMTP_HOST and DQ_ALERT_RECIPIENTS to e-mail digests")
        return 0
    sent = send_digest(folder / "report.json", folder / "index.html", **asdict(settings))
    print("digest sent" if sent else "nothing to report: no failure and no warning in the latest run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
