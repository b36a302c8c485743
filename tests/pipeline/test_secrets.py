"""Secrets never leak from the pipeline, in any form, and no connector configuration file outlives a
run.

On a copy of the baseline warehouse, two runs with tokens built to be hard to mask (`+`, `/`, `=`,
`%41`, `&`, a trailing newline as a token read from a file has):

A. `commerce-stack run` with hard TinyERP and Linnworks secrets in the environment: the pipeline's
   own simulators accept them, and the run succeeds;
B. TinyERP read at an external simulator that accepts another hard token than the environment
   gives: the check fails, with one line naming the variable to fix.

Then the output of both runs, every file under the run's folder, every table of the warehouse and
every digest mail are searched for every secret in every form (commerce_stack.secret_forms). A
killed sync, last, leaves PyAirbyte's configuration file behind: the next sync removes it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.pipeline_runs import Baseline, Pipeline, Run, copy_workdir, tiny_env
from support.secret_scan import in_files, in_mails, in_text, in_warehouse
from support.smtp import smtp_server

from commerce_simulators.tinyerp import TinyErpSimulator
from commerce_stack.paths import PYAIRBYTE_PYTHON, ROOT
from commerce_stack.pipeline.local_apis import TINYERP_LOCAL_REQUESTS_PER_MINUTE
from commerce_stack.secret_forms import SecretMask

# Run A's secrets, through the pipeline's own simulators.
TINYERP_TOKEN = "AUD+IT/PR=OBE%41&x\n"
LINNWORKS_SECRETS = {
    "LINNWORKS_APPLICATION_ID": "scan-application-id",  # not a secret in the connector's spec
    "LINNWORKS_APPLICATION_SECRET": "LW/SE+CR=ET%2F&s\n",
    "LINNWORKS_TOKEN": "LW=TO+KEN/%7E&t==\n",
}
# Run B: the external simulator's token, and the wrong one the environment gives.
SIMULATOR_TOKEN = "SIM+ACC/OUNT=%41&a"  # a simulator object takes it as is, no newline
WRONG_TOKEN = "WRO+NG/TO=KEN%26&b\n"
SECRETS = [
    TINYERP_TOKEN,
    LINNWORKS_SECRETS["LINNWORKS_APPLICATION_SECRET"],
    LINNWORKS_SECRETS["LINNWORKS_TOKEN"],
    SIMULATOR_TOKEN,
    WRONG_TOKEN,
]
RUNNER_FOLDER = ".pyairbyte-cache"  # commerce_pyairbyte.sync.PRIVATE_FOLDER (another environment)


@dataclass
class Runs:
    workdir: Path
    a: Run
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
        started = time.monotonic()
        a = pipeline.run(
            "--connection", "tinyerp", "--connection", "linnworks",
            TINYERP_API_TOKEN=TINYERP_TOKEN, **LINNWORKS_SECRETS, **mail,
        )  # fmt: skip
        with TinyErpSimulator(
            seed=42, token=SIMULATOR_TOKEN, requests_per_minute=TINYERP_LOCAL_REQUESTS_PER_MINUTE
        ) as tiny:
            b = pipeline.run(
                "--connection", "tinyerp", **{**tiny_env(tiny), "TINYERP_API_TOKEN": WRONG_TOKEN}, **mail
            )  # fmt: skip
            b_requests = tiny.requests()
        print(f"runs A and B: {time.monotonic() - started:.1f} s")  # the share of the CI budget
        mails = inbox.messages()
    return Runs(workdir, a, b, b_requests, mails)


def test_given_hard_secrets_when_the_pipeline_simulates_the_apis_then_it_accepts_them(runs):
    assert runs.a.returncode == 0, runs.a.output
    assert runs.a.summary["status"] in ("promoted", "unchanged"), runs.a.summary
    assert runs.a.summary["records_per_stream"], runs.a.summary  # both connections synced


def test_given_a_wrong_hard_token_when_the_check_fails_then_one_line_names_the_variable(runs):
    assert runs.b.returncode == 1, runs.b.output
    assert [r["token"] for r in runs.b_requests] == ["invalid"]  # the wrong token reached the API
    failed = [line for line in runs.b.output.splitlines() if line.startswith("SYNC FAILED:")]
    assert len(failed) == 1, runs.b.output
    assert failed[0].startswith("SYNC FAILED: connection tinyerp: check failed: TinyERP rejected the API")
    assert failed[0].endswith("check TINYERP_API_TOKEN (read by airbyte_config/sources/tinyerp.yaml)")
    assert runs.b.summary["status"] == "failed"


@pytest.mark.xfail(strict=True, reason="sync failures reach dq, the report and the digest in another change")
def test_given_a_failed_sync_then_the_report_and_the_digest_say_so(runs):
    """Depends on sync failures being recorded in dq and mailed (another change of the same issue):
    strict, so the mark must go when that change lands."""
    report = (runs.workdir / "report" / "report.json").read_text()
    assert "tinyerp" in report and "check failed" in report, report[:2000]
    assert any("tinyerp" in m.get_body(("plain",)).get_content() for m in runs.mails), [
        m["Subject"] for m in runs.mails
    ]


def test_given_both_runs_then_no_secret_is_anywhere_in_any_form(runs):
    mask = SecretMask(SECRETS)
    findings = in_text(mask, "run A output", runs.a.output) + in_text(mask, "run B output", runs.b.output)
    findings += in_files(mask, runs.workdir)
    findings += in_warehouse(mask, runs.workdir / "warehouse.duckdb")
    findings += in_mails(mask, runs.mails)
    assert findings == []
    # the scan itself: it finds a secret in each kind of place it searches
    assert in_text(mask, "check", "token=WRO%2BNG%2FTO%3DKEN%2526%26b") != []
    assert (runs.workdir / "report" / "index.html").is_file()


def test_given_both_runs_then_the_runner_folders_are_private_and_hold_no_configuration(runs):
    root = runs.workdir / RUNNER_FOLDER
    modes = {name: (root / name).stat().st_mode & 0o777 for name in ("", "tmp", "logs")}
    assert modes == {"": 0o700, "tmp": 0o700, "logs": 0o700}
    assert list((root / "tmp").iterdir()) == []
    assert list((root / "logs").rglob("*.log")) != []  # PyAirbyte wrote its logs there


def _runner(workdir: Path, env: dict[str, str], output: Path) -> subprocess.Popen[bytes]:
    """The sync of the TinyERP connection alone, in a process group of its own (with its connector)."""
    env = {**os.environ, **env, "COMMERCE_WAREHOUSE_PATH": str(workdir / "warehouse.duckdb")}
    return subprocess.Popen(
        [str(PYAIRBYTE_PYTHON), "-m", "commerce_pyairbyte.sync", "--connection", "tinyerp"],
        cwd=ROOT, env=env, stdout=output.open("wb"), stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_given_a_killed_sync_when_the_next_sync_starts_then_the_configuration_file_is_removed(tmp_path):
    tmp = tmp_path / RUNNER_FOLDER / "tmp"
    with TinyErpSimulator(seed=42, token=SIMULATOR_TOKEN, requests_per_minute=6000) as tiny:
        tiny.inject_fault("info", hold=True, times=None)  # the check waits for an answer
        killed = _runner(tmp_path, tiny_env(tiny), tmp_path / "killed.txt")
        deadline = time.monotonic() + 120  # a bound on waiting, not an assertion on time
        while tiny.faults.held == 0 and killed.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert tiny.faults.held == 1, (tmp_path / "killed.txt").read_text()
        os.killpg(killed.pid, signal.SIGKILL)  # nothing of the runner's runs after this
        killed.wait()
        left = [p.read_text() for p in tmp.iterdir() if p.suffix == ".json"]
        assert [SIMULATOR_TOKEN in text for text in left] == [True]  # the check's configuration
        tiny.faults.clear()

    # The next sync, at an address where nothing listens: the failure names the URL, token included.
    env = {"TINYERP_BASE_URL": f"http://127.0.0.1:{_closed_port()}/api2", "TINYERP_API_TOKEN": WRONG_TOKEN}
    next_sync = _runner(tmp_path, env, tmp_path / "next.txt")
    assert next_sync.wait(timeout=300) == 1, (tmp_path / "next.txt").read_text()
    assert list(tmp.iterdir()) == []
    output = (tmp_path / "next.txt").read_text()
    assert "info.php?token=****&" in output and "check TINYERP_API_TOKEN" in output, output
    mask = SecretMask([WRONG_TOKEN])
    assert in_text(mask, "next sync output", output) + in_files(mask, tmp_path / RUNNER_FOLDER) == []
