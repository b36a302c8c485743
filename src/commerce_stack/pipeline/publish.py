"""After every run: the stewards' report from the `dq` history, and the digest mail when the run
blocked, failed or warned (and SMTP is configured)."""

from __future__ import annotations

import sys

from commerce_stack.paths import runs_dir
from commerce_stack.pipeline.stops import stop_point
from commerce_stack.pipeline.summary import RunSummary


def publish_report(summary: RunSummary) -> None:
    from commerce_stack.quality.alerts import digest_settings_from_env, send_digest
    from commerce_stack.quality.report import build_report
    from commerce_stack.warehouse import exists

    if not exists():
        return
    html = build_report(None, runs_dir() / "report")
    summary.report = str(html)
    stop_point("report-built")
    settings = digest_settings_from_env()
    if settings is None:
        return
    try:
        summary.digest_sent = send_digest(
            html.with_name("report.json"),
            html,
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            sender=settings.sender,
            recipients=settings.recipients,
            username=settings.username,
            password=settings.password,
            starttls=settings.starttls,
        )
    except OSError as error:  # smtplib errors are OSErrors: the run's outcome stands, say it loudly
        print(f"DQ digest NOT sent ({settings.smtp_host}:{settings.smtp_port}): {error}", file=sys.stderr)
