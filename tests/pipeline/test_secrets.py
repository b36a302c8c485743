"""Secrets never leak from a failing run, in any form.

On a copy of the baseline warehouse, TinyERP is read at an external simulator that accepts another
token than the environment gives, both built to be hard to mask (`+`, `/`, `=`, `%41`, `&`, a
trailing newline as a token read from a file has): the check fails, with one line naming the
variable to fix. Then the run's output, every file under its folder, every table of the warehouse
and every digest mail are searched for both secrets in every form (commerce_stack.secret_forms).

The runs that succeed, with hard TinyERP and Linnworks secrets accepted by the simulators, and the
killed runs whose configuration files the next run removes, are the crash test's chain
(test_crash_safety.py), scanned the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from support.pipeline_runs import Baseline, Pipeline, Run, copy_workdir, tiny_env
from support.secret_scan import in_files, in_mails, in_text, in_warehouse
from support.smtp import smtp_server

from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_stack.pipeline.local_apis import TINYERP_LOCAL_REQUESTS_PER_MINUTE
from commerce_stack.secret_forms import SecretMask

# The external simulator's token, and the wrong one the environment gives.
SIMULATOR_TOKEN = "SIM+ACC/OUNT=%41&a"  # a simulator object takes it as is, no newline
WRONG_TOKEN = "WRO+NG/TO=KEN%26&b\n"
SECRETS = [SIMULATOR_TOKEN, WRONG_TOKEN]
RUNNER_FOLDER = ".pyairbyte-cache"  # commerce_pyairbyte.sync.PRIVATE_FOLDER (another environment)


@dataclass
class Runs:
    workdir: Path
    b: Run
    b_requests: list[dict]
    mails: list


@pytest.fixture(scope="module")
def runs(baseline: Baseline, tmp_path_factory) -> Runs:
    assert baseline.run.returncode == 0, baseline.run.output
    workdir = copy_workdir(baseline.workdir, tmp_path_factory.mktemp("secrets") / "run")

    pipeline = Pipeline(workdir)
    with smtp_server() as (inbox, port):
        mail = {"DQ_SMTP_HOST": "127.0.0.1", "DQ_SMTP_PORT": str(port)}
        mail["DQ_ALERT_RECIPIENTS"] = "steward@example.com"
        with TinyErpSimulator(
            seed=42, token=SIMULATOR_TOKEN, requests_per_minute=TINYERP_LOCAL_REQUESTS_PER_MINUTE
        ) as tiny:
            b = pipeline.run(
                "--connection", "tinyerp", **{**tiny_env(tiny), "TINYERP_API_TOKEN": WRONG_TOKEN}, **mail
            )  # fmt: skip
            b_requests = tiny.requests()
        mails = inbox.messages()
    return Runs(workdir, b, b_requests, mails)


def test_given_a_wrong_hard_token_when_the_check_fails_then_one_line_names_the_variable(runs):
    assert runs.b.returncode == 1, runs.b.output
    assert [r["token"] for r in runs.b_requests] == ["invalid"]  # the wrong token reached the API
    failed = [line for line in runs.b.output.splitlines() if line.startswith("SYNC FAILED:")]
    assert len(set(failed)) == 1, runs.b.output  # the runner's line, repeated by the run's summary
    assert failed[0].startswith("SYNC FAILED: connection tinyerp: check failed: TinyERP rejected the API")
    assert failed[0].endswith("check TINYERP_API_TOKEN (read by airbyte_config/sources/tinyerp.yaml)")
    assert runs.b.summary["status"] == "failed"


def test_given_a_failed_sync_then_the_report_and_the_digest_say_so(runs):
    report = (runs.workdir / "report" / "report.json").read_text()
    assert "tinyerp" in report and "check failed" in report, report[:2000]
    assert any("tinyerp" in m.get_body(("plain",)).get_content() for m in runs.mails), [
        m["Subject"] for m in runs.mails
    ]


def test_given_a_failed_run_then_no_secret_is_anywhere_in_any_form(runs):
    mask = SecretMask(SECRETS)
    findings = in_text(mask, "run output", runs.b.output)
    findings += in_files(mask, runs.workdir)
    findings += in_warehouse(mask, runs.workdir / "warehouse.duckdb")
    findings += in_mails(mask, runs.mails)
    assert findings == []
    # the scan itself: it finds a secret in each kind of place it searches
    assert in_text(mask, "check", "token=WRO%2BNG%2FTO%3DKEN%2526%26b") != []
    assert (runs.workdir / "report" / "index.html").is_file()


def test_given_a_failed_run_then_the_runner_folders_are_private_and_hold_no_configuration(runs):
    root = runs.workdir / RUNNER_FOLDER
    modes = {name: (root / name).stat().st_mode & 0o777 for name in ("", "tmp", "logs")}
    assert modes == {"": 0o700, "tmp": 0o700, "logs": 0o700}
    assert list((root / "tmp").iterdir()) == []
    assert list((root / "logs").rglob("*.log")) != []  # PyAirbyte wrote its logs there
