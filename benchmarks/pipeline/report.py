"""What goes under the table, and into benchmarks/RESULTS.md: the machine, the commit, the settings,
what each row measures and what the run saw (records, requests, statuses, anything missing)."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from .measure import ROOT, SAMPLE_SECONDS
from .scales import FAST_REQUESTS_PER_MINUTE, ScaleResult
from .table import TINYERP_RUN_RPM, markdown, secs

RESULTS = ROOT / "benchmarks" / "RESULTS.md"

METHOD = f"""\
How each row is measured (all floors in the same invocation, on the same machine, one at a time):
- 1: `source-x read --config c.json --catalog integration_tests/configured_catalog.json`, the
  connector's own binary, wall time from start to exit, stdout to a file, against a fresh simulator.
  Floor: the simulator's request log (`GET /__admin/requests`) replayed with `urllib.request` +
  `json.loads` of every answer, sequentially and on 4 threads (source-tinyerp's detail-call threads);
  the faster counts. urllib opens one connection per request, the connectors keep theirs alive.
  TinyERP's simulator runs at {FAST_REQUESTS_PER_MINUTE:,} requests/minute here so that the
  connector's pacing to the plan's limit does not dominate.
- 2: `seconds.sync` of the first run minus the bare reads of row 3 (an approximation: it assumes the
  reads inside the sync cost what the bare reads cost; the rest is PyAirbyte: check, spec/discover on
  a new warehouse, message parsing, typing, writing DuckDB). Floor: a new DuckDB file, `CREATE TABLE
  ... AS SELECT * FROM read_json_auto(...)` per stream over NDJSON files of the bare reads' records.
- 3: goal from the README: `seconds.sync` of a first run ≤ 2 × the sum of the connectors' bare reads,
  TinyERP's simulator at {TINYERP_RUN_RPM:,}/min as under `make run` (the connector paces to it).
- 4: `seconds.plan` of the first run (loading the project, unit tests, backfill, blocking audits,
  virtual layer). Floor: every model rendered by SQLMesh (`Context.render`, loads pinned as the run
  pinned them) and run as `CREATE TABLE` in DAG order on a copy of the run's raw schemas; only the
  DuckDB work is timed (rendering is given in the notes), row counts are compared with the plan's.
- 5-7: `seconds` of `runs/<run_id>.json` of `commerce-stack run` on a private warehouse in /tmp:
  a first run, then a run with nothing new, then one with 1% new data. 7a: wall time of `make run`
  in a `git clone` of HEAD (setup = that wall time minus the run's `seconds.total`).
- 8: the largest resident set of any process of the run (`ru_maxrss` of RUSAGE_CHILDREN around it),
  and the summed RSS of the whole process tree sampled from /proc every {SAMPLE_SECONDS} s (a lower
  bound). Floor: the larger `ru_maxrss` of the two bare reads.
Timings are never asserted; the machine is shared, so load average at the start is given."""


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("MemTotal:", 1)[1].split()[0])
        memory = f", {kb / 1024 / 1024:.1f} GiB RAM"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}; {platform.system()} {platform.release()}; load average {load}"
    )


def commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" (working tree has uncommitted changes)" if dirty else "")


def _scale_notes(r: ScaleResult) -> list[str]:
    notes = [f"**{r.scale.name}**: {r.scale.describe()}."]
    for read in (r.fakestore, r.tinyerp_fast, r.tinyerp_paced):
        if read is None:
            continue
        streams = ", ".join(f"{k} {v:,}" for k, v in read.records.items())
        replay = read.replay
        floor = f"; replay of {replay.requests:,} requests" if replay.requests else ""
        if replay.missing:
            floor += f": not measured ({replay.missing})"
        notes.append(f"{read.connector} ({read.output.stem}): {secs(read.read.seconds)}, {streams}{floor}")
    runs = [
        (n, x) for n, x in (("first", r.first), ("no-change", r.unchanged), ("new data", r.new_data)) if x
    ]
    if runs:
        notes.append("runs: " + "; ".join(f"{n} {x.status} {x.seconds}" for n, x in runs))
    if r.direct:
        check = (
            "same row counts as the plan's tables"
            if not r.direct.mismatches
            else ("ROW COUNTS DIFFER: " + ", ".join(r.direct.mismatches))
        )
        notes.append(
            f"direct build: rendering {r.direct.models} models took {secs(r.direct.render_seconds)}; {check}"
        )
    if r.cold:
        run = r.cold.run
        setup = r.cold.setup_seconds
        detail = f"clone of {r.cold.commit} in {secs(r.cold.clone_seconds)}"
        if run:
            detail += f", make run {secs(run.measured.seconds)}"
            detail += f" (setup {secs(setup)}, run {run.status} {run.seconds})" if setup is not None else ""
        notes.append(f"cold: {detail}" + (f"; FAILED: {r.cold.failure}" if r.cold.failure else ""))
    notes += [f"NOT MEASURED: {f}" for f in r.failures]
    return notes


def render(results: list[ScaleResult], workdir: Path, started: datetime, start_commit: str) -> str:
    """`start_commit`: commit() when the benchmark started (others may commit while it runs)."""
    end_commit = commit()
    at = (
        start_commit
        if end_commit == start_commit
        else f"{start_commit} at the start, {end_commit} at the end"
    )
    lines = [
        f"## {started:%Y-%m-%d %H:%M} UTC — commit {at}",
        "",
        f"Machine: {machine()}. Scales: {', '.join(r.scale.name for r in results)}; "
        f"work folder {workdir}; took {(datetime.now(UTC) - started).total_seconds() / 60:.1f} min.",
        "",
        markdown(results),
        "",
    ]
    for r in results:
        lines += [f"- {note}" for note in _scale_notes(r)]
    lines += ["", METHOD, ""]
    return "\n".join(lines)


def append(text: str) -> None:
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nAppended by `make bench` (`benchmarks/pipeline/`), newest last. "
            "Each figure stands beside a floor measured in the same run.\n"
        )
    with RESULTS.open("a") as out:
        out.write("\n" + text)
