"""The data stewards' report: static HTML (self-contained, renders offline) plus the same facts as
JSON, built from the append-only `dq` history in the warehouse (see `quality/results.py`).

    python -m commerce_stack.quality.report [--warehouse PATH] [--out DIR] [--history-runs N]

The report is about the latest gate run of one environment (the latest run's, unless
`--environment` names another) and that environment's history; runs of other environments
(a developer's `dev` gate, say) never make a check NEW or RECURRING here.

Definitions, which the JSON carries under the same names:

- a check's **streak** is the run of consecutive *evaluations* of the check (same `check_id`,
  same environment) that failed, ending with the latest run. Runs that evaluated nothing (a sync
  that failed before the gate) neither break nor extend a streak.
- **first_seen** is the first run of that streak: when the failure that is still open began.
  The check is **NEW** when its streak is this run alone, **RECURRING** when it also failed in the
  previous run that evaluated it. `first_failed_ever` and `failed_runs` tell whether a NEW
  failure is a regression of something seen before.
- a table's **status** is the worst severity among its failing checks this run (block > warn >
  ok); **data current through** is the newest load timestamp in the table (table_snapshots),
  else the load time of the table's source (`stg_<source>__*`, or the only source, or the oldest
  of all sources: the table cannot be more current than that).
- quarantined records are counted in total and **new since the previous run** of the
  environment finished.
"""

from __future__ import annotations

import argparse
import html
import json
import math
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from string import Template
from typing import Any

import duckdb

SAMPLE_LIMIT = 20
REASONS_PER_STREAM = 5
TEMPLATE = Path(__file__).with_name("report_template.html")
SEVERITY_RANK = {"block": 2, "warn": 1}


# --------------------------------------------------------------------------------------- reading


def _iso(value: Any) -> str | None:
    """UTC timestamps as ISO 8601 with a Z; DuckDB hands TIMESTAMPs back naive (they are UTC)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return value  # not a timestamp we can read: shown as written
    if not isinstance(value, datetime):
        return str(value)
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="seconds") + "Z"


def _json_value(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _empty_report(warehouse: Path, environment: str | None, history_runs: int, note: str) -> dict[str, Any]:
    return {
        "generated_at": _iso(datetime.now(UTC)),
        "warehouse": str(warehouse),
        "environment": environment,
        "history_runs": history_runs,
        "note": note,
        "latest_run": None,
        "tables": [],
        "tables_from_run": None,
        "blocking_failures": [],
        "warnings": [],
        "history": {"runs": [], "row_counts": {}},
        "quarantine": {"available": False, "total": 0, "new_since": None, "streams": []},
    }


def load_report(warehouse: Path, *, history_runs: int = 20, environment: str | None = None) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready data (read-only; the connection is closed)."""
    warehouse = Path(warehouse)
    if not warehouse.exists():
        return _empty_report(warehouse, environment, history_runs, f"no warehouse at {warehouse} yet")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return _load(con, warehouse, history_runs, environment)
    finally:
        con.close()


def _load(
    con: duckdb.DuckDBPyConnection, warehouse: Path, history_runs: int, environment: str | None
) -> dict[str, Any]:
    present = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'dq'"
        ).fetchall()
    }
    if "gate_runs" not in present:
        return _empty_report(warehouse, environment, history_runs, "no gate run recorded yet (no dq schema)")
    where, params = ("WHERE environment = ?", [environment]) if environment else ("", [])
    latest = _rows(
        con,
        "SELECT run_id, environment, started_at, finished_at, status, promoted, checks_total, "
        "blocking_failures, warnings, CAST(loads AS VARCHAR) AS loads, data_docs, message "
        f"FROM dq.gate_runs {where} ORDER BY started_at DESC NULLS LAST, run_id DESC LIMIT 1",
        params,
    )
    if not latest:
        note = f"no gate run recorded yet for environment {environment}" if environment else "no gate run yet"
        return _empty_report(warehouse, environment, history_runs, note)
    run = latest[0]
    environment = run["environment"]
    runs = _rows(
        con,
        "SELECT run_id, started_at, finished_at, status, promoted, checks_total, blocking_failures, "
        "warnings, message FROM dq.gate_runs WHERE environment = ? AND "
        "(started_at <= ? OR ? IS NULL) ORDER BY started_at DESC NULLS LAST, run_id DESC",
        [environment, run["started_at"], run["started_at"]],
    )
    raw_loads = _json_value(run["loads"])
    loads = {str(k): _iso(v) for k, v in raw_loads.items()} if isinstance(raw_loads, dict) else {}
    previous = runs[1] if len(runs) > 1 else None

    checks = _latest_checks(con, present, run, environment)
    tables, tables_from_run, row_history = _tables(con, present, runs, history_runs, run, checks, loads)
    failing = [c for c in checks if not c["success"]]
    _add_recurrence(con, failing, run, environment)
    order = {"block": 0, "warn": 1}
    failing.sort(key=lambda c: (order.get(c["severity"], 2), c["recurrence"] != "new", c["table_name"] or ""))
    report = {
        "generated_at": _iso(datetime.now(UTC)),
        "warehouse": str(warehouse),
        "environment": environment,
        "history_runs": history_runs,
        "note": None,
        "latest_run": {
            "run_id": run["run_id"],
            "environment": environment,
            "started_at": _iso(run["started_at"]),
            "finished_at": _iso(run["finished_at"]),
            "status": (run["status"] or "unknown").lower(),
            "promoted": bool(run["promoted"]),
            "checks_total": run["checks_total"] or 0,
            "checks_passed": sum(1 for c in checks if c["success"]),
            "blocking_failures": run["blocking_failures"] or 0,
            "warnings": run["warnings"] or 0,
            "loads": loads,
            "data_docs": run["data_docs"],
            "message": run["message"],
            "previous_run_id": previous["run_id"] if previous else None,
        },
        "tables": tables,
        "tables_from_run": tables_from_run,
        "blocking_failures": [_public_check(c) for c in failing if c["severity"] == "block"],
        "warnings": [_public_check(c) for c in failing if c["severity"] != "block"],
        "history": {
            "runs": [
                {
                    "run_id": r["run_id"],
                    "started_at": _iso(r["started_at"]),
                    "finished_at": _iso(r["finished_at"]),
                    "status": (r["status"] or "unknown").lower(),
                    "promoted": bool(r["promoted"]),
                    "checks_total": r["checks_total"] or 0,
                    "blocking_failures": r["blocking_failures"] or 0,
                    "warnings": r["warnings"] or 0,
                    "message": r["message"],
                }
                for r in reversed(runs[:history_runs])
            ],
            "row_counts": row_history,
        },
        "quarantine": _quarantine(con, present, previous),
    }
    return report


def _latest_checks(
    con: duckdb.DuckDBPyConnection, present: set[str], run: dict[str, Any], environment: str
) -> list[dict[str, Any]]:
    if "check_results" not in present:
        return []
    checks = _rows(
        con,
        "SELECT check_id, check_name, check_source, table_name, column_name, owner, severity, success, "
        "observed_value, unexpected_count, unexpected_percent, CAST(failing_samples AS VARCHAR) AS samples, "
        "reproduce_sql, description FROM dq.check_results WHERE run_id = ? AND environment = ? "
        "ORDER BY table_name, check_name, check_id",
        [run["run_id"], environment],
    )
    for check in checks:
        check["severity"] = (check["severity"] or "block").lower()
        check["success"] = bool(check["success"])
        samples = _json_value(check.pop("samples"))
        samples = samples if isinstance(samples, list) else ([] if samples is None else [samples])
        check["samples_stored"] = len(samples)
        check["samples"] = [s if isinstance(s, dict) else {"value": s} for s in samples[:SAMPLE_LIMIT]]
    return checks


def _add_recurrence(
    con: duckdb.DuckDBPyConnection, failing: list[dict[str, Any]], run: dict[str, Any], environment: str
) -> None:
    """NEW or RECURRING, first seen (start of the current streak), first failed ever."""
    if not failing:
        return
    ids = sorted({c["check_id"] for c in failing})
    evaluations = _rows(
        con,
        "SELECT c.check_id, c.run_id, min(coalesce(g.started_at, c.run_at)) AS at, bool_and(c.success) AS ok "
        "FROM dq.check_results AS c LEFT JOIN dq.gate_runs AS g "
        "ON g.run_id = c.run_id AND g.environment = c.environment "
        f"WHERE c.environment = ? AND c.check_id IN ({', '.join('?' for _ in ids)}) "
        "GROUP BY 1, 2 ORDER BY 1, 3 NULLS FIRST, 2",
        [environment, *ids],
    )
    per_check: dict[str, list[dict[str, Any]]] = {}
    for row in evaluations:
        per_check.setdefault(row["check_id"], []).append(row)
    for check in failing:
        history = per_check.get(check["check_id"], [])
        index = next((i for i, r in enumerate(history) if r["run_id"] == run["run_id"]), len(history) - 1)
        history = history[: index + 1]
        start = index
        while start > 0 and not history[start - 1]["ok"]:
            start -= 1
        failures = [r for r in history if not r["ok"]]
        streak = history[start:] if history else []
        first = streak[0] if streak else {"run_id": run["run_id"], "at": run["started_at"]}
        ever = failures[0] if failures else first
        check["recurrence"] = "recurring" if len(streak) > 1 else "new"
        check["streak_runs"] = max(len(streak), 1)
        check["first_seen_run_id"] = first["run_id"]
        check["first_seen_at"] = _iso(first["at"])
        check["first_failed_ever_run_id"] = ever["run_id"]
        check["first_failed_ever_at"] = _iso(ever["at"])
        check["failed_runs"] = max(len(failures), 1)
        check["evaluated_runs"] = max(len(history), 1)


def _public_check(check: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "check_id", "check_name", "check_source", "table_name", "column_name", "owner", "severity",
        "description", "observed_value", "unexpected_count", "unexpected_percent", "recurrence",
        "first_seen_run_id", "first_seen_at", "streak_runs", "first_failed_ever_run_id",
        "first_failed_ever_at", "failed_runs", "evaluated_runs", "samples_stored", "samples",
        "reproduce_sql",
    )  # fmt: skip
    return {k: check.get(k) for k in keys}


def _source_of(table: str, loads: dict[str, str | None]) -> tuple[str | None, str | None]:
    """The source whose load time bounds how current `table` can be, and that time."""
    if not loads:
        return None, None
    match = re.search(r"stg_([a-z0-9_]+?)__", table)
    if match and match.group(1) in loads:
        return match.group(1), loads[match.group(1)]
    if len(loads) == 1:
        return next(iter(loads.items()))
    known = [(t, s) for s, t in loads.items() if t]
    if not known:
        return None, None
    oldest, source = min(known)
    return source, oldest


def _tables(
    con: duckdb.DuckDBPyConnection,
    present: set[str],
    runs: list[dict[str, Any]],
    window: int,
    run: dict[str, Any],
    checks: list[dict[str, Any]],
    loads: dict[str, str | None],
) -> tuple[list[dict[str, Any]], str | None, dict[str, list[dict[str, Any]]]]:
    """Per-table status and freshness for the latest run; row counts over the last `window` runs.

    `runs` is the environment's runs, newest first, the latest run first of all."""
    snapshots: list[dict[str, Any]] = []
    if "table_snapshots" in present and runs:
        ids = [r["run_id"] for r in runs]
        snapshots = _rows(
            con,
            "SELECT run_id, table_name, any_value(owner) AS owner, max(row_count) AS row_count, "
            "max(current_through) AS current_through FROM dq.table_snapshots "
            f"WHERE run_id IN ({', '.join('?' for _ in ids)}) GROUP BY 1, 2",
            ids,
        )
    by_run: dict[str, dict[str, dict[str, Any]]] = {}
    for snap in snapshots:
        by_run.setdefault(snap["run_id"], {})[snap["table_name"]] = snap
    chronological = [r["run_id"] for r in reversed(runs[:window])]
    names = sorted(
        {s["table_name"] for s in snapshots} | {c["table_name"] for c in checks if c["table_name"]}
    )
    row_history = {
        name: [
            {"run_id": rid, "row_count": by_run.get(rid, {}).get(name, {}).get("row_count")}
            for rid in chronological
        ]
        for name in names
    }
    # the run whose measurements we show: this one, else the newest that measured anything
    newest_first = [r["run_id"] for r in runs]
    shown = next((rid for rid in newest_first if rid in by_run), None)
    tables = []
    checked = {c["table_name"] for c in checks}
    for name in names:
        snap = by_run.get(shown, {}).get(name) if shown else None
        before = None
        if shown is not None:
            later = newest_first.index(shown)
            before = next(
                (by_run[r][name] for r in newest_first[later + 1 :] if name in by_run.get(r, {})), None
            )
        table_checks = [c for c in checks if c["table_name"] == name]
        failing = [c for c in table_checks if not c["success"]]
        worst = max((SEVERITY_RANK.get(c["severity"], 2) for c in failing), default=0)
        status = {2: "block", 1: "warn"}.get(worst, "ok" if name in checked else "not-validated")
        owner = (snap or {}).get("owner") or next((c["owner"] for c in table_checks if c["owner"]), None)
        through = _iso((snap or {}).get("current_through"))
        basis = "table" if through else None
        if through is None:
            source, through = _source_of(name, loads)
            basis = f"load:{source}" if through else None
        rows = (snap or {}).get("row_count")
        previous_rows = (before or {}).get("row_count")
        tables.append(
            {
                "table_name": name,
                "owner": owner or "unowned",
                "status": status,
                "checks": len(table_checks),
                "failing_checks": len(failing),
                "current_through": through,
                "current_through_basis": basis,
                "row_count": rows,
                "previous_row_count": previous_rows,
                "previous_run_id": (before or {}).get("run_id"),
                "row_count_change": None if rows is None or previous_rows is None else rows - previous_rows,
            }
        )
    rank = {"block": 0, "warn": 1, "not-validated": 2, "ok": 3}
    tables.sort(key=lambda t: (rank[t["status"]], t["table_name"]))
    return tables, shown, row_history


def _quarantine(
    con: duckdb.DuckDBPyConnection, present: set[str], previous: dict[str, Any] | None
) -> dict[str, Any]:
    if "quarantine" not in present:
        return {"available": False, "total": 0, "new_since": None, "streams": []}
    since = (previous["finished_at"] or previous["started_at"]) if previous else None
    streams = _rows(
        con,
        "SELECT source, stream, count(*) AS total, "
        "count(*) FILTER (WHERE ?::TIMESTAMP IS NULL OR quarantined_at > ?::TIMESTAMP) AS new, "
        "max(quarantined_at) AS last_quarantined_at FROM dq.quarantine GROUP BY 1, 2 ORDER BY 1, 2",
        [since, since],
    )
    reasons = _rows(
        con,
        "SELECT source, stream, reason, count(*) AS count, max(quarantined_at) AS last_seen "
        "FROM dq.quarantine GROUP BY 1, 2, 3 ORDER BY 1, 2, 5 DESC NULLS LAST, 4 DESC, 3",
    )
    for stream in streams:
        stream["last_quarantined_at"] = _iso(stream["last_quarantined_at"])
        stream["latest_reasons"] = [
            {"reason": r["reason"], "count": r["count"], "last_seen": _iso(r["last_seen"])}
            for r in reasons
            if (r["source"], r["stream"]) == (stream["source"], stream["stream"])
        ][:REASONS_PER_STREAM]
    return {
        "available": True,
        "total": sum(s["total"] for s in streams),
        "new_since": _iso(since),
        "streams": streams,
    }


# ------------------------------------------------------------------------------------- rendering


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _when(value: str | None) -> str:
    """'2026-11-22T00:18:53Z' -> '2026-11-22 00:18:53 UTC'."""
    return "—" if not value else value.replace("T", " ").replace("Z", " UTC")


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else _e(value)


def _pct(value: Any) -> str:
    return "—" if value is None else f"{float(value):.2f}%"


def _href(path: str) -> str:
    candidate = Path(path)
    return candidate.as_uri() if candidate.is_absolute() else path


PROMOTED_NOTE = "Promoted to prod."
BLOCKED_NOTE = "Not promoted: prod still serves the previous version."
STATUS_WORD = {"block": "BLOCK", "warn": "WARN", "ok": "OK", "not-validated": "NOT VALIDATED"}


def _header(report: dict[str, Any]) -> str:
    run = report["latest_run"]
    if run is None:
        return (
            '<header class="banner status-none"><p class="eyebrow">Data quality report</p>'
            "<h1>NO RUNS YET</h1>"
            f'<p class="message">{_e(report["note"])}</p>'
            f"<p>Warehouse: <code>{_e(report['warehouse'])}</code></p></header>"
        )
    status = run["status"]
    docs = (
        f'<p>Great Expectations Data Docs: <a href="{_e(_href(run["data_docs"]))}">'
        f"{_e(run['data_docs'])}</a></p>"
        if run["data_docs"]
        else "<p>Great Expectations Data Docs: none for this run</p>"
    )
    loads = ", ".join(f"{_e(s)} through {_e(_when(t))}" for s, t in sorted(run["loads"].items())) or "—"
    counts = [
        ("Checks", run["checks_total"]),
        ("Passed", run["checks_passed"]),
        ("Blocking failures", run["blocking_failures"]),
        ("Warnings", run["warnings"]),
    ]
    return (
        f'<header class="banner status-{_e(status)}">'
        f'<p class="eyebrow">Data quality report · environment <strong>{_e(run["environment"])}</strong>'
        f" · run {_e(run['run_id'])}</p>"
        f'<h1 id="status">{_e(status.upper())}</h1>'
        f"<p>Run {_e(run['run_id'])} started {_e(_when(run['started_at']))}, "
        f"finished {_e(_when(run['finished_at']))}. "
        f"{PROMOTED_NOTE if run['promoted'] else BLOCKED_NOTE}"
        "</p>"
        + (f'<p class="message">{_e(run["message"])}</p>' if run["message"] else "")
        + f"<p>Source data loaded: {loads}</p>"
        + docs
        + '<dl class="counts">'
        + "".join(f"<div><dt>{_e(k)}</dt><dd>{_num(v)}</dd></div>" for k, v in counts)
        + "</dl></header>"
    )


def _tables_html(report: dict[str, Any]) -> str:
    tables = report["tables"]
    if not tables:
        return '<p class="empty">No table was measured in this environment yet.</p>'
    run = report["latest_run"]
    note = ""
    if run and report["tables_from_run"] and report["tables_from_run"] != run["run_id"]:
        note = (
            f'<p class="empty">Run {_e(run["run_id"])} measured no table; sizes and freshness below are '
            f"from run {_e(report['tables_from_run'])}.</p>"
        )
    rows = []
    for t in tables:
        basis = t["current_through_basis"] or ""
        basis_note = (
            f" <small>(load of {_e(basis.split(':', 1)[1])})</small>" if basis.startswith("load:") else ""
        )
        change = t["row_count_change"]
        change_text = "" if change is None else f" ({'+' if change >= 0 else ''}{change:,})"
        checks_note = (
            f"<br><small>{t['failing_checks']:,} of {t['checks']:,} checks failing</small>"
            if t["checks"]
            else ""
        )
        rows.append(
            "<tr>"
            f'<th scope="row">{_e(t["table_name"])}</th>'
            f"<td>{_e(t['owner'])}</td>"
            f'<td><span class="pill {_e(t["status"])}">{_e(STATUS_WORD.get(t["status"], t["status"]))}</span>'
            f"{checks_note}</td>"
            f"<td>{_e(_when(t['current_through']))}{basis_note}</td>"
            f'<td class="num">{_num(t["row_count"])}</td>'
            f'<td class="num">{_num(t["previous_row_count"])}{_e(change_text)}</td>'
            "</tr>"
        )
    return (
        note + '<div class="scroll"><table><caption>Status is the worst severity among the table\'s failing '
        "checks in this run.</caption><thead><tr>"
        '<th scope="col">Table</th><th scope="col">Owner</th><th scope="col">Status</th>'
        '<th scope="col">Data current through</th><th scope="col" class="num">Rows now</th>'
        '<th scope="col" class="num">Rows previous run (change)</th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def _cell(value: Any) -> str:
    if value is None:
        return '<td><span class="null">NULL</span></td>'
    if isinstance(value, dict | list):
        return f"<td><code>{_e(json.dumps(value, ensure_ascii=False))}</code></td>"
    if isinstance(value, bool):
        return f"<td>{'true' if value else 'false'}</td>"
    if isinstance(value, int | float):
        return f'<td class="num">{_e(value)}</td>'
    return f"<td>{_e(value)}</td>"


def _samples_html(check: dict[str, Any]) -> str:
    samples = check["samples"] or []
    if not samples:
        return '<h4>Failing rows</h4><p class="empty">No sample rows were kept for this check.</p>'
    columns: list[str] = []
    for row in samples:
        columns.extend(k for k in row if k not in columns)
    stored = check["samples_stored"] or len(samples)
    total = check["unexpected_count"]
    shown = f"{len(samples)} sample row{'s' if len(samples) != 1 else ''}"
    if total is not None and total > len(samples):
        shown += f" of {total:,} unexpected"
    elif stored > len(samples):
        shown += f" of {stored:,} kept"
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(_cell(row.get(c)) for c in columns) + "</tr>" for row in samples)
    return (
        f"<h4>Failing rows ({_e(shown)})</h4>"
        f'<div class="scroll"><table class="samples"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _recurrence_html(check: dict[str, Any]) -> str:
    if check["recurrence"] == "recurring":
        text = (
            f"failing since run {check['first_seen_run_id']} ({_when(check['first_seen_at'])}), "
            f"{check['streak_runs']} runs in a row"
        )
        return f'<span class="pill recurring">RECURRING</span> <span>{_e(text)}</span>'
    text = f"first seen in this run ({_when(check['first_seen_at'])})"
    if check["failed_runs"] > 1:
        text += (
            f"; it failed before, first in run {check['first_failed_ever_run_id']} "
            f"({_when(check['first_failed_ever_at'])}), {check['failed_runs']} failing runs in all"
        )
    return f'<span class="pill new">NEW</span> <span>{_e(text)}</span>'


def _unexpected(check: dict[str, Any]) -> str:
    count, percent = check["unexpected_count"], check["unexpected_percent"]
    if count is None and percent is None:
        return "—"
    text = "—" if count is None else f"{count:,} row{'' if count == 1 else 's'}"
    return text if percent is None else f"{text} ({_pct(percent)} of the table)"


def _check_html(check: dict[str, Any]) -> str:
    severity = check["severity"]
    facts = [
        ("Table", check["table_name"]),
        ("Column", check["column_name"] or "—"),
        ("Owner", check["owner"]),
        ("Check", f"{check['check_source']} · {check['check_id']}"),
        ("Observed", check["observed_value"] if check["observed_value"] is not None else "—"),
        ("Unexpected", _unexpected(check)),
    ]
    sql = (
        "<h4>Reproduce (returns the failing rows)</h4>"
        f'<pre class="sql"><code>{_e(check["reproduce_sql"])}</code></pre>'
        if check["reproduce_sql"]
        else ""
    )
    return (
        f'<article class="check sev-{_e(severity)}" id="check-{_e(check["check_id"])}">'
        f"<h3>{_e(check['check_name'])}</h3>"
        f'<p class="badges"><span class="pill {_e(severity)}">'
        f"{_e(STATUS_WORD.get(severity, severity))}</span> "
        f"{_recurrence_html(check)}</p>"
        + (f'<p class="description">{_e(check["description"])}</p>' if check["description"] else "")
        + '<dl class="facts">'
        + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
        + "</dl>"
        + _samples_html(check)
        + sql
        + "</article>"
    )


def _checks_html(checks: list[dict[str, Any]], none: str) -> str:
    if not checks:
        return f'<p class="empty">{_e(none)}</p>'
    return "".join(_check_html(c) for c in checks)


def _short(run_id: str) -> str:
    """'20261122T001853Z' -> '11-22 00:18' (the run id is the UTC start time)."""
    match = re.fullmatch(r"\d{4}(\d\d)(\d\d)T(\d\d)(\d\d)\d\dZ", run_id or "")
    return f"{match[1]}-{match[2]} {match[3]}:{match[4]}" if match else (run_id or "")[-10:]


def _row_count_chart(name: str, points: list[dict[str, Any]], index: int) -> str:
    width, height, left, right, top, bottom = 360, 130, 62, 14, 26, 24
    values = [p["row_count"] for p in points if p["row_count"] is not None]
    title_id = f"rows-{index}"
    label = f"Row count of {name} over the last {len(points)} runs"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{_e(label)}</title>',
        f'<text x="4" y="16" font-size="13" font-weight="bold" fill="#1d232a">{_e(name)}</text>',
    ]
    plot_w, plot_h = width - left - right, height - top - bottom
    if not values:
        parts.append(
            f'<text x="{left}" y="{top + plot_h / 2}" font-size="12" fill="#55606b">no row counts</text>'
        )
        return "".join(parts) + "</svg>"
    low, high = min(values), max(values)
    if low == high:
        low, high = low - max(1, abs(low) * 0.05), high + max(1, abs(high) * 0.05)

    def x(i: int) -> float:
        return left + (plot_w * i / (len(points) - 1) if len(points) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - (v - low) / (high - low) * plot_h

    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#d5dbe1"/>'
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#d5dbe1"/>'
    )
    if min(values) == max(values):
        parts.append(
            f'<text x="{left - 6}" y="{y(values[0]) + 4:.1f}" font-size="11" text-anchor="end" '
            'fill="#55606b">'
            f"{values[0]:,}</text>"
        )
    else:
        parts.append(
            f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end" fill="#55606b">'
            f"{max(values):,}</text>"
            f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end" fill="#55606b">'
            f"{min(values):,}</text>"
        )
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, point in enumerate(points):
        if point["row_count"] is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{x(i):.1f},{y(point['row_count']):.1f}")
    if segment:
        segments.append(segment)
    for before, after in zip(segments, segments[1:], strict=False):  # runs that measured nothing
        (x1, y1), (x2, y2) = before[-1].split(","), after[0].split(",")
        parts.append(
            f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#9aa5b1" stroke-width="1.5" '
            'stroke-dasharray="4 4"/>'
        )
    for seg in segments:
        parts.append(f'<polyline points="{" ".join(seg)}" fill="none" stroke="#0b57a4" stroke-width="2"/>')
    for i, point in enumerate(points):
        if point["row_count"] is not None:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(point["row_count"]):.1f}" r="3" fill="#0b57a4">'
                f"<title>{_e(point['run_id'])}: {point['row_count']:,} rows</title></circle>"
            )
    last = f"{points[-1]['row_count']:,}" if points[-1]["row_count"] is not None else "n/a"
    parts.append(
        f'<text x="{left}" y="{height - 6}" font-size="11" fill="#55606b">'
        f"{_e(_short(points[0]['run_id']))}</text>"
        f'<text x="{left + plot_w}" y="{height - 6}" font-size="11" text-anchor="end" fill="#55606b">'
        f"{_e(_short(points[-1]['run_id']))}: {last}"
        "</text>"
    )
    return "".join(parts) + "</svg>"


def _failures_chart(runs: list[dict[str, Any]]) -> str:
    width, height, left, right, top, bottom = 760, 220, 44, 12, 16, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    label = f"Failing checks per run over the last {len(runs)} runs: blocking in red, warnings in amber"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="failures-title">',
        f'<title id="failures-title">{_e(label)}</title>',
    ]
    peak = max([r["blocking_failures"] + r["warnings"] for r in runs] + [1])
    step = max(1, math.ceil(peak / 4))
    top_value = step * math.ceil(peak / step)
    for tick in range(0, top_value + 1, step):
        ty = top + plot_h - tick / top_value * plot_h
        parts.append(
            f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#e3e8ed"/>'
            f'<text x="{left - 6}" y="{ty + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#55606b">{tick}</text>'
        )
    slot = plot_w / max(len(runs), 1)
    bar = min(34.0, slot * 0.7)
    for i, r in enumerate(runs):
        bx = left + slot * i + (slot - bar) / 2
        base = top + plot_h
        tip = (
            f"{r['run_id']} {r['status'].upper()}: "
            f"{r['blocking_failures']} blocking, {r['warnings']} warnings"
        )
        parts.append(f"<g><title>{_e(tip)}</title>")
        for count, colour in ((r["blocking_failures"], "#b3261e"), (r["warnings"], "#c77700")):
            if count:
                h = count / top_value * plot_h
                base -= h
                parts.append(
                    f'<rect x="{bx:.1f}" y="{base:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>'
                )
        if r["status"] == "failed":
            parts.append(
                f'<text x="{bx + bar / 2:.1f}" y="{top + plot_h - 4:.1f}" font-size="11" '
                'text-anchor="middle" fill="#3f4a55" font-weight="bold">failed</text>'
            )
        elif not r["blocking_failures"] and not r["warnings"]:
            parts.append(
                f'<rect x="{bx:.1f}" y="{top + plot_h - 3:.1f}" width="{bar:.1f}" height="3" fill="#1b6b30"/>'
            )
        parts.append("</g>")
        date, _, clock = _short(r["run_id"]).partition(" ")
        parts.append(
            f'<text x="{bx + bar / 2:.1f}" y="{top + plot_h + 15:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#55606b">{_e(date)}</text>'
            f'<text x="{bx + bar / 2:.1f}" y="{top + plot_h + 27:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#55606b">{_e(clock)}</text>'
        )
    parts.append(
        f'<rect x="{left}" y="{height - 12}" width="10" height="10" fill="#b3261e"/>'
        f'<text x="{left + 14}" y="{height - 3}" font-size="11" fill="#1d232a">blocking</text>'
        f'<rect x="{left + 80}" y="{height - 12}" width="10" height="10" fill="#c77700"/>'
        f'<text x="{left + 94}" y="{height - 3}" font-size="11" fill="#1d232a">warnings</text>'
        f'<rect x="{left + 164}" y="{height - 8}" width="10" height="3" fill="#1b6b30"/>'
        f'<text x="{left + 178}" y="{height - 3}" font-size="11" fill="#1d232a">all passed</text>'
    )
    return "".join(parts) + "</svg>"


def _trend_html(report: dict[str, Any]) -> str:
    runs = report["history"]["runs"]
    if not runs:
        return '<p class="empty">No runs yet.</p>'
    charts = "".join(
        f"<figure>{_row_count_chart(name, points, i)}</figure>"
        for i, (name, points) in enumerate(sorted(report["history"]["row_counts"].items()))
    )
    history_rows = "".join(
        f'<tr class="status-{_e(r["status"])}"><th scope="row">{_e(r["run_id"])}</th>'
        f'<td class="nowrap">{_e(_when(r["started_at"]))}</td>'
        f'<td><span class="pill {_e(r["status"])}">{_e(r["status"].upper())}</span></td>'
        f'<td class="num">{_num(r["checks_total"])}</td><td class="num">{_num(r["blocking_failures"])}</td>'
        f'<td class="num">{_num(r["warnings"])}</td><td class="msg">{_e(r["message"] or "")}</td></tr>'
        for r in reversed(runs)
    )
    return (
        f'<h3>Failing checks per run</h3><figure class="chart">{_failures_chart(runs)}'
        "<figcaption>Oldest run on the left. Hover a bar for its run.</figcaption></figure>"
        + (
            f'<h3>Rows per table</h3><div class="charts">{charts}</div>'
            if charts
            else '<p class="empty">No table sizes recorded yet.</p>'
        )
        + '<h3 id="history">Run history</h3><div class="scroll"><table><thead><tr>'
        '<th scope="col">Run</th><th scope="col">Started</th><th scope="col">Status</th>'
        '<th scope="col" class="num">Checks</th><th scope="col" class="num">Blocking</th>'
        '<th scope="col" class="num">Warnings</th><th scope="col">Message</th>'
        f"</tr></thead><tbody>{history_rows}</tbody></table></div>"
    )


def _quarantine_html(report: dict[str, Any]) -> str:
    q = report["quarantine"]
    if not q["available"]:
        return (
            '<p class="empty">No quarantine table in the warehouse yet: no record has been quarantined.</p>'
        )
    if not q["streams"]:
        return '<p class="empty">No record is quarantined: every record read could be typed.</p>'
    since = f"since {_when(q['new_since'])}" if q["new_since"] else "(first run: all)"
    rows = []
    for s in q["streams"]:
        reasons = "".join(
            f"<li>{_e(r['reason'])} "
            f"<small>({_num(r['count'])}×, last {_e(_when(r['last_seen']))})</small></li>"
            for r in s["latest_reasons"]
        )
        rows.append(
            f'<tr><th scope="row">{_e(s["source"])}</th><td>{_e(s["stream"])}</td>'
            f'<td class="num">{_num(s["total"])}</td><td class="num">{_num(s["new"])}</td>'
            f'<td class="nowrap">{_e(_when(s["last_quarantined_at"]))}</td><td><ul>{reasons}</ul></td></tr>'
        )
    return (
        f"<p>{_num(q['total'])} record(s) could not be typed and are kept in <code>dq.quarantine</code> "
        "with the reason; they are not in the marts.</p>"
        '<div class="scroll"><table><thead><tr><th scope="col">Source</th><th scope="col">Stream</th>'
        f'<th scope="col" class="num">Quarantined (all)</th><th scope="col" class="num">New {_e(since)}</th>'
        '<th scope="col">Last quarantined</th><th scope="col">Latest reasons</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def render_html(report: dict[str, Any]) -> str:
    """The report as one static HTML page: inline CSS and SVG, no script, no external asset."""
    run = report["latest_run"]
    blocking, warnings = report["blocking_failures"], report["warnings"]
    if run:
        title = f"DQ {run['status'].upper()} · {run['environment']} · {run['run_id']}"
    else:
        title = "DQ report · no runs yet"
    nav = (
        '<nav aria-label="Sections"><a href="#tables">Tables</a><a href="#blocking">Blocking failures '
        f'({len(blocking)})</a><a href="#warnings">Warnings ({len(warnings)})</a><a href="#trend">Trend</a>'
        '<a href="#history">Run history</a><a href="#quarantine">Quarantine</a></nav>'
    )
    body = (
        "<main>"
        + _header(report)
        + nav
        + '<section aria-labelledby="tables"><h2 id="tables">Tables</h2>'
        + _tables_html(report)
        + "</section>"
        + f'<section aria-labelledby="blocking"><h2 id="blocking">Blocking failures ({len(blocking)})</h2>'
        + _checks_html(blocking, "No blocking check failed in this run.")
        + "</section>"
        + f'<section aria-labelledby="warnings"><h2 id="warnings">Warnings ({len(warnings)})</h2>'
        + _checks_html(warnings, "No warning in this run.")
        + "</section>"
        + '<section aria-labelledby="trend"><h2 id="trend">Trend over the last '
        + f"{len(report['history']['runs'])} run(s)</h2>"
        + _trend_html(report)
        + "</section>"
        + '<section aria-labelledby="quarantine"><h2 id="quarantine">Quarantined records</h2>'
        + _quarantine_html(report)
        + "</section>"
        + f"<footer>Generated {_e(_when(report['generated_at']))} from <code>{_e(report['warehouse'])}</code>"
        " (schema dq). The same facts are in report.json beside this page. NEW/RECURRING: a failure is "
        "RECURRING when the check also failed the previous time it was evaluated in this environment; "
        "first seen is the first run of that unbroken streak of failures.</footer>" + "</main>"
    )
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(title=_e(title), body=body)


def build_report(
    warehouse: Path, out_dir: Path, *, history_runs: int = 20, environment: str | None = None
) -> Path:
    """Write out_dir/index.html and out_dir/report.json; returns the HTML's path."""
    report = load_report(Path(warehouse), history_runs=history_runs, environment=environment)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(render_html(report), encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    from commerce_stack.paths import runs_dir, warehouse_path

    parser = argparse.ArgumentParser(
        prog="python -m commerce_stack.quality.report",
        description="Write the data-quality report (index.html + report.json) from the dq history.",
    )
    parser.add_argument("--warehouse", type=Path, default=None, help="DuckDB file (default: the warehouse)")
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: <runs dir>/report)")
    parser.add_argument("--history-runs", type=int, default=20, help="runs in the trend (default 20)")
    parser.add_argument("--environment", default=None, help="environment to report (default: latest run's)")
    args = parser.parse_args(argv)
    path = build_report(
        args.warehouse or warehouse_path(),
        args.out or runs_dir() / "report",
        history_runs=args.history_runs,
        environment=args.environment,
    )
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
