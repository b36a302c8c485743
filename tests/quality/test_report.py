"""The steward report: its facts (report.json), its HTML, and how a real browser renders it."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import zlib
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest
from support.dq_history import (
    CHECKS,
    CLEAN,
    CUSTOMERS_EMAIL,
    CUSTOMERS_PHONE,
    D1,
    ENV,
    EVIL_EMAIL,
    EVIL_NAME,
    LATEST,
    ORDER_TOTAL_AUDIT,
    ORDERS_UNIQUE,
    PRODUCTS_PRICE,
    QUARANTINE_COUNTS,
    R1,
    R2,
    R4,
    R5,
    ROW_COUNTS,
    write_clean_history,
    write_empty_schema,
    write_history,
)

from commerce_stack.quality.report import SAMPLE_LIMIT, build_report, load_report
from commerce_stack.quality.report import main as report_main
from commerce_stack.quality.results import DQ_DDL, ensure_dq_schema

BLOCKED_RED = (0xB3, 0x26, 0x1E)  # --blocked in report_template.html: the BLOCKED banner


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    return write_history(tmp_path_factory.mktemp("dq") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def built(history, tmp_path_factory) -> tuple[Path, dict]:
    index = build_report(history, tmp_path_factory.mktemp("report") / "report")
    return index, json.loads((index.parent / "report.json").read_text())


def _failing(report: dict) -> dict[str, dict]:
    return {c["check_id"]: c for c in report["blocking_failures"] + report["warnings"]}


# ------------------------------------------------------------------------------------ the facts


def test_ddl_is_the_agreed_schema():
    con = duckdb.connect()
    ensure_dq_schema(con)
    ensure_dq_schema(con)  # idempotent
    columns = {
        table: [(name, kind) for name, kind in rows]
        for table, rows in (
            (t, con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'dq' AND table_name = ? ORDER BY ordinal_position", [t],
            ).fetchall())
            for t in (
                "gate_runs", "table_snapshots", "check_results", "quarantine", "stream_counts", "exports"
            )
        )
    }  # fmt: skip
    assert [n for n, _ in columns["gate_runs"]] == [
        "run_id", "environment", "started_at", "finished_at", "status", "promoted", "checks_total",
        "blocking_failures", "warnings", "loads", "data_docs", "message", "bytes_billed",
        "failed_connection",
    ]  # fmt: skip
    assert dict(columns["gate_runs"])["loads"] == dict(columns["gate_runs"])["bytes_billed"] == "JSON"
    assert dict(columns["gate_runs"])["failed_connection"] == "VARCHAR"
    assert [n for n, _ in columns["table_snapshots"]] == [
        "run_id", "table_name", "owner", "row_count", "current_through",
    ]  # fmt: skip
    assert [n for n, _ in columns["check_results"]] == [
        "run_id", "run_at", "environment", "check_id", "check_name", "check_source", "table_name",
        "column_name", "owner", "severity", "success", "observed_value", "unexpected_count",
        "unexpected_percent", "failing_samples", "reproduce_sql", "description",
    ]  # fmt: skip
    assert dict(columns["check_results"])["failing_samples"] == "JSON"
    assert [n for n, _ in columns["quarantine"]] == [
        "source",
        "stream",
        "quarantined_at",
        "reason",
        "record",
        "record_id",
    ]
    assert [n for n, _ in columns["stream_counts"]] == [
        "run_id", "environment", "connection", "stream", "emitted", "landed", "keys_landed", "staged",
        "quarantined", "status", "checked_at",
    ]  # fmt: skip
    assert columns["exports"] == [
        ("export_id", "VARCHAR"), ("exported_at", "TIMESTAMP"), ("target", "VARCHAR"),
        ("format", "VARCHAR"), ("mart", "VARCHAR"), ("row_count", "BIGINT"), ("location", "VARCHAR"),
        ("manifest", "VARCHAR"), ("gate_run_id", "VARCHAR"), ("prod_plan", "VARCHAR"), ("loads", "JSON"),
        ("snapshot_table", "VARCHAR"),
    ]  # fmt: skip
    assert DQ_DDL.count("CREATE TABLE IF NOT EXISTS dq.") == 6


def test_header_describes_the_latest_run(built):
    index, report = built
    run = report["latest_run"]
    assert (run["run_id"], run["environment"], run["status"], run["promoted"]) == (
        LATEST,
        ENV,
        "blocked",
        False,
    )
    assert (run["checks_total"], run["checks_passed"], run["blocking_failures"], run["warnings"]) == (
        len(CHECKS), len(CHECKS) - 5, 3, 2,
    )  # fmt: skip
    assert run["started_at"] == "2026-11-22T00:18:53Z"
    assert run["loads"] == {"fakestore": "2026-11-22T00:18:50Z"}
    assert run["data_docs"].endswith(f"{LATEST}/gx/data_docs/local_site/index.html")
    assert run["message"].startswith("3 blocking checks failed")
    assert run["previous_run_id"] == R4
    page = index.read_text()
    assert f'href="file:///srv/dq/{LATEST}/gx/data_docs/local_site/index.html"' in page
    assert '<h1 id="status">BLOCKED</h1>' in page


def test_blocking_failures_and_warnings_are_kept_apart(built):
    _, report = built
    assert {c["check_id"] for c in report["blocking_failures"]} == {
        ORDERS_UNIQUE,
        ORDER_TOTAL_AUDIT,
        PRODUCTS_PRICE,
    }
    assert {c["check_id"] for c in report["warnings"]} == {CUSTOMERS_EMAIL, CUSTOMERS_PHONE}
    assert all(c["severity"] == "block" for c in report["blocking_failures"])
    assert all(c["severity"] == "warn" for c in report["warnings"])
    unique = _failing(report)[ORDERS_UNIQUE]
    assert unique["owner"] == "analytics_engineering"
    assert (unique["unexpected_count"], unique["unexpected_percent"]) == (23, 1.71)
    assert unique["reproduce_sql"].startswith("SELECT * FROM marts__candidate.orders WHERE order_key IN")
    assert unique["description"].startswith("The same order appears more than once")


def test_new_versus_recurring_and_first_seen(built):
    _, report = built
    checks = _failing(report)
    # failed in R4 and R5: recurring, first seen R4
    assert checks[ORDERS_UNIQUE]["recurrence"] == "recurring"
    assert checks[ORDERS_UNIQUE]["first_seen_run_id"] == R4
    assert checks[ORDERS_UNIQUE]["first_seen_at"] == "2026-11-21T00:15:00Z"
    assert checks[ORDERS_UNIQUE]["streak_runs"] == 2
    # failed in R2, R4, R5; R3 (sync failed) evaluated nothing and does not break the streak
    assert checks[CUSTOMERS_EMAIL]["recurrence"] == "recurring"
    assert (checks[CUSTOMERS_EMAIL]["first_seen_run_id"], checks[CUSTOMERS_EMAIL]["streak_runs"]) == (R2, 3)
    # failed in R2, passed in R4: NEW again in R5, with its earlier failure on record
    price = checks[PRODUCTS_PRICE]
    assert (price["recurrence"], price["first_seen_run_id"], price["streak_runs"]) == ("new", R5, 1)
    assert (price["first_failed_ever_run_id"], price["failed_runs"]) == (R2, 2)
    # failed in a dev run only: dev does not count for candidate
    audit = checks[ORDER_TOTAL_AUDIT]
    assert (audit["recurrence"], audit["first_seen_run_id"], audit["failed_runs"]) == ("new", R5, 1)
    assert checks[CUSTOMERS_PHONE]["recurrence"] == "new"
    # NEW failures lead each severity group
    assert [c["recurrence"] for c in report["blocking_failures"]] == ["new", "new", "recurring"]


def test_samples_are_capped_and_keep_their_values(built):
    _, report = built
    checks = _failing(report)
    assert all(len(c["samples"]) <= SAMPLE_LIMIT for c in checks.values())
    assert len(checks[ORDERS_UNIQUE]["samples"]) == 20 and checks[ORDERS_UNIQUE]["samples_stored"] == 23
    assert checks[ORDERS_UNIQUE]["samples"][0] == {
        "order_key": "fakestore:7", "customer_key": "fakestore:3", "order_date": "2020-03-01",
        "total_amount": 119.5, "currency": "USD",
    }  # fmt: skip
    emails = checks[CUSTOMERS_EMAIL]["samples"]
    assert {"customer_key": "fakestore:42", "email": EVIL_EMAIL, "name": EVIL_NAME} in emails
    assert emails[2]["name"] is None


def test_tables_have_owner_status_freshness_and_row_counts(built):
    _, report = built
    tables = {t["table_name"]: t for t in report["tables"]}
    assert {n: t["status"] for n, t in tables.items()} == {
        "marts.orders": "block", "marts.products": "block",
        "marts.customers": "warn", "marts.order_lines": "ok",
    }  # fmt: skip
    assert [t["table_name"] for t in report["tables"]][:2] == [
        "marts.orders",
        "marts.products",
    ]  # worst first
    assert tables["marts.customers"]["owner"] == "customer_data_steward"
    orders = tables["marts.orders"]
    assert (orders["row_count"], orders["previous_row_count"], orders["row_count_change"]) == (1342, 1290, 52)
    assert orders["previous_run_id"] == R4  # R3 measured nothing; the dev run D1 does not count
    assert (orders["current_through"], orders["current_through_basis"]) == ("2026-11-22T00:18:50Z", "table")
    products = tables["marts.products"]  # no load timestamp in the table: the source's load time
    assert (products["current_through"], products["current_through_basis"]) == (
        "2026-11-22T00:18:50Z", "load:fakestore",
    )  # fmt: skip
    assert report["tables_from_run"] == LATEST


def test_history_is_the_environments_runs_oldest_first(built):
    _, report = built
    runs = report["history"]["runs"]
    assert [r["run_id"] for r in runs] == [R1, R2, "20261120T001500Z", R4, R5]
    assert D1 not in {r["run_id"] for r in runs}
    assert [r["status"] for r in runs] == ["promoted", "blocked", "failed", "blocked", "blocked"]
    assert [r["blocking_failures"] + r["warnings"] for r in runs] == [0, 2, 0, 2, 5]
    orders = report["history"]["row_counts"]["marts.orders"]
    assert [p["row_count"] for p in orders] == [1200, 1250, None, 1290, 1342]


def test_history_runs_limits_the_trend_not_the_comparison(history, tmp_path):
    report = json.loads((build_report(history, tmp_path, history_runs=2).parent / "report.json").read_text())
    assert [r["run_id"] for r in report["history"]["runs"]] == [R4, R5]
    assert len(report["history"]["row_counts"]["marts.orders"]) == 2
    assert {t["table_name"]: t["previous_row_count"] for t in report["tables"]}["marts.orders"] == 1290


def test_quarantine_counts_per_source_and_stream(built):
    _, report = built
    quarantine = report["quarantine"]
    assert quarantine["available"] and quarantine["total"] == 6
    assert quarantine["new_since"] == "2026-11-21T00:17:07Z"  # when the previous candidate run finished
    counts = {(s["source"], s["stream"]): (s["total"], s["new"]) for s in quarantine["streams"]}
    assert counts == QUARANTINE_COUNTS
    carts = next(s for s in quarantine["streams"] if s["stream"] == "carts")
    assert [r["reason"] for r in carts["latest_reasons"]] == [
        "quantity is not an integer: 'two'", "date is not ISO-8601: '2020-13-45'",
    ]  # fmt: skip
    assert carts["latest_reasons"][1]["count"] == 3


def test_another_environment_can_be_reported(history, tmp_path):
    report = load_report(history, environment="dev")
    assert report["latest_run"]["run_id"] == D1
    assert [r["run_id"] for r in report["history"]["runs"]] == [D1]
    assert {c["check_id"] for c in report["blocking_failures"]} == {ORDER_TOTAL_AUDIT}


def test_a_failed_run_reports_its_message_and_the_last_measured_tables(history, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(history, warehouse)
    started = datetime(2026, 11, 23, 0, 15)
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "INSERT INTO dq.gate_runs VALUES ('20261123T001500Z', ?, ?, ?, 'failed', FALSE, 0, 0, 0, "
            '\'{"fakestore": "2026-11-22 00:18:50"}\', NULL, '
            "'sqlmesh plan candidate failed, prod untouched', NULL, NULL)",
            [ENV, started, started + timedelta(seconds=40)],
        )
    index = build_report(warehouse, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["latest_run"]["status"] == "failed"
    assert report["blocking_failures"] == [] and report["warnings"] == []
    assert report["tables_from_run"] == R5
    assert {t["status"] for t in report["tables"]} == {"not-validated"}
    page = index.read_text()
    assert '<h1 id="status">FAILED</h1>' in page and "sqlmesh plan candidate failed, prod untouched" in page
    assert f"measured no table; sizes and freshness below are from run {R5}" in page


# ----------------------------------------------------------------------------------- the HTML


class _Balance(HTMLParser):
    """Fails on unclosed or mismatched tags, counts what a page must never contain."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "circle", "line", "rect", "polyline", "path"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in {"src", "href"} and value and re.match(r"(https?:)?//", value):
                self.external.append(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.stack and self.stack[-1] == tag, (
            f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        )
        self.stack.pop()


def _parse(page: str) -> _Balance:
    parser = _Balance()
    parser.feed(page)
    parser.close()
    assert parser.stack == [], f"unclosed tags: {parser.stack}"
    return parser


def test_html_escapes_samples_and_is_self_contained(built):
    index, _ = built
    page = index.read_text()
    assert EVIL_EMAIL not in page and "<b>Ltd</b>" not in page and "<b>12</b>" not in page
    assert html.escape(EVIL_EMAIL, quote=True) in page
    assert html.escape(EVIL_NAME, quote=True) in page
    assert html.escape("price is not a number: '<b>12</b> & up'", quote=True) in page
    parsed = _parse(page)
    assert "script" not in parsed.tags and "link" not in parsed.tags and "img" not in parsed.tags
    assert parsed.external == []
    assert "@import" not in page and "url(" not in page
    assert parsed.tags.count("svg") == 1 + len(ROW_COUNTS[R5])  # failing checks + one per table
    for heading in ("Tables", "Blocking failures (3)", "Warnings (2)", "Quarantined records"):
        assert f">{heading}</h2>" in page
    assert page.count('scope="col"') > 20


def test_reproduce_sql_is_in_a_pre(built):
    index, report = built
    page = index.read_text()
    for check in report["blocking_failures"] + report["warnings"]:
        assert (
            f'<pre class="sql"><code>{html.escape(check["reproduce_sql"], quote=True)}</code></pre>' in page
        )


@pytest.mark.parametrize("state", ["no warehouse", "no dq schema", "no runs", "clean run"])
def test_empty_and_first_run_states_render(state, tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    if state == "no dq schema":
        duckdb.connect(str(warehouse)).close()
    elif state == "no runs":
        write_empty_schema(warehouse)
    elif state == "clean run":
        write_clean_history(warehouse)
    index = build_report(warehouse, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    page = index.read_text()
    _parse(page)
    assert report["blocking_failures"] == [] and report["warnings"] == []
    if state == "clean run":
        assert report["latest_run"]["status"] == "promoted"
        assert '<h1 id="status">PROMOTED</h1>' in page
        assert "No blocking check failed in this run." in page and "No warning in this run." in page
        assert "No record is quarantined" in page
        assert {t["status"] for t in report["tables"]} == {"ok"}
    else:
        assert report["latest_run"] is None
        assert "NO RUNS YET" in page and "No runs yet." in page


def test_cli_writes_to_the_default_places(history, tmp_path, capsys):
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    warehouse.parent.mkdir()
    shutil.copy(history, warehouse)
    env = {**os.environ, "COMMERCE_WAREHOUSE_PATH": str(warehouse)}
    completed = subprocess.run(
        [sys.executable, "-m", "commerce_stack.quality.report"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    index = warehouse.parent / "report" / "index.html"
    assert completed.stdout.strip() == str(index)
    assert json.loads((index.parent / "report.json").read_text())["latest_run"]["run_id"] == LATEST
    out = tmp_path / "elsewhere"
    assert report_main(["--warehouse", str(history), "--out", str(out), "--history-runs", "3"]) == 0
    assert capsys.readouterr().out.strip() == str(out / "index.html")
    assert len(json.loads((out / "report.json").read_text())["history"]["runs"]) == 3


def test_the_warehouse_is_not_locked_after_a_report(history, tmp_path):
    build_report(history, tmp_path)
    with duckdb.connect(str(history)) as con:  # read-write: fails if the report kept a connection
        assert con.execute("SELECT count(*) FROM dq.gate_runs").fetchone()[0] == 6


# ------------------------------------------------------------------------------- in a browser


def _chromium() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if not found:
        pytest.fail(
            "Chromium is not installed, so the report cannot be rendered: `make test` installs it "
            "(apt-get install -y --no-install-recommends chromium)"
        )
    return found


def _run_chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--window-size=1280,2000", *extra, page.resolve().as_uri(),
    ]  # fmt: skip
    env = {**os.environ, "HOME": str(profile)}
    # its own session, so that a hung browser and every helper process it started can be ended
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=True
    )
    try:
        stdout, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"Chromium did not finish rendering {page.name} within 60 s")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def _png_rows(path: Path, max_rows: int) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """A minimal PNG decoder (8-bit RGB/RGBA, not interlaced): the first `max_rows` rows as RGB pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    channels = 3 if colour == 2 else 4
    stride = width * channels
    raw = zlib.decompressobj().decompress(idat, (stride + 1) * min(max_rows, height))
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(min(max_rows, height)):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                corner = previous[i - channels] if i >= channels else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, [[tuple(r[i : i + 3]) for i in range(0, stride, channels)] for r in rows]


def test_report_renders_in_headless_chromium(built, tmp_path):
    index, _ = built
    screenshot = tmp_path / "report.png"
    completed = _run_chromium(index, tmp_path / "profile", f"--screenshot={screenshot}")
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert screenshot.exists() and screenshot.stat().st_size > 30_000, "the screenshot is missing or blank"
    width, height, rows = _png_rows(screenshot, max_rows=240)
    assert (width, height) == (1280, 2000)
    pixels = [pixel for row in rows[::4] for pixel in row[::4]]
    colours = set(pixels)
    assert len(colours) > 30, f"the page looks flat: {len(colours)} colours"
    red = sum(1 for p in pixels if all(abs(c - r) <= 6 for c, r in zip(p, BLOCKED_RED, strict=True)))
    assert red > len(pixels) * 0.3, "the BLOCKED banner is not drawn in red at the top of the page"

    # What a reader sees: the DOM after layout, with innerText (which leaves out anything hidden).
    probe = tmp_path / "probe.html"
    probe.write_text(
        index.read_text().replace(
            "</body>",
            '<script>const p = document.createElement("pre"); p.id = "visible-text";'
            "p.textContent = document.body.innerText; document.body.appendChild(p);</script></body>",
        )
    )
    dumped = _run_chromium(probe, tmp_path / "profile", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-3000:]
    match = re.search(r'<pre id="visible-text">(.*?)</pre>', dumped.stdout, re.S)
    assert match, "Chromium did not render the page"
    visible = html.unescape(match.group(1))
    for text in (
        "BLOCKED",
        "expect_column_values_to_be_unique(marts.orders.order_key)",
        "fakestore:7",
        "119.5",
        EVIL_EMAIL,  # shown as text, not run as a script
        "customer_data_steward",
        "merchandising",
        "RECURRING",
        "SELECT * FROM marts__candidate.orders WHERE order_key IN",
        "quantity is not an integer: 'two'",
    ):
        assert text in visible, f"{text!r} is not visible in the rendered report"
    plain = _run_chromium(index, tmp_path / "profile", "--dump-dom")
    assert plain.returncode == 0 and "<script" not in plain.stdout  # no sample became markup


def test_a_nothing_new_run_shows_each_table_with_the_validation_that_promoted_it(tmp_path):
    """A run with nothing new checks freshness only; the tables keep the checks that promoted them."""
    warehouse = write_clean_history(tmp_path / "warehouse.duckdb")
    later = datetime(2026, 11, 24, 0, 15)
    fresh = "marts.orders:fresh-orders-loaded-at"
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            "INSERT INTO dq.gate_runs VALUES ('20261124T001500Z', ?, ?, ?, 'unchanged', FALSE, 1, 0, 0, "
            '\'{"fakestore": "2026-11-23 00:15:00"}\', NULL, NULL, NULL, NULL)',
            [ENV, later, later + timedelta(seconds=1)],
        )
        con.execute(
            "INSERT INTO dq.check_results VALUES ('20261124T001500Z', ?, ?, ?, 'fresh(marts.orders)', "
            "'freshness', 'marts.orders', NULL, 'analytics_engineering', 'block', TRUE, '0', 0, NULL, "
            "NULL, NULL, 'The newest loaded_at is older than the 36-hour freshness SLA.')",
            [later, ENV, fresh],
        )
    index = build_report(warehouse, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["latest_run"]["status"] == "unchanged"
    tables = {t["table_name"]: t for t in report["tables"]}
    promoting = {t: sum(1 for c in CHECKS.values() if c[1] == t) for t in tables}
    for name, table in tables.items():
        assert (table["status"], table["validated_in_run"]) == ("ok", CLEAN), name
        # the promoted run's checks, plus this run's freshness check of orders
        assert table["checks"] == promoting[name] + (name == "marts.orders"), name
    page = index.read_text()
    assert "Nothing new since the last promotion: prod still serves it." in page
    assert f"validated in run {CLEAN}" in page
