"""The one table: each figure beside its floor measured in the same run, the ratio, the goal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .reads import ConnectorRead
from .runs import Run
from .scales import FAST_REQUESTS_PER_MINUTE, ScaleResult

TINYERP_RUN_RPM = 6_000  # commerce_stack.pipeline.local_apis.TINYERP_LOCAL_REQUESTS_PER_MINUTE


@dataclass
class Cell:
    figure: str = "n/a"
    floor: str = "n/a"
    ratio: str = ""


@dataclass
class Row:
    number: str
    measure: str
    goal: str
    cell: Callable[[ScaleResult], Cell]


def secs(value: float) -> str:
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _ratio(figure: float, floor: float) -> str:
    if floor <= 0:
        return ""
    ratio = figure / floor
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


def _pair(figure: float | None, floor: float | None, fig_note: str = "", floor_note: str = "") -> Cell:
    cell = Cell()
    if figure is not None:
        cell.figure = secs(figure) + (f" ({fig_note})" if fig_note else "")
    if floor is not None:
        cell.floor = secs(floor) + (f" ({floor_note})" if floor_note else "")
    if figure is not None and floor is not None:
        cell.ratio = _ratio(figure, floor)
    return cell


def _read_vs_replay(pick: Callable[[ScaleResult], object]) -> Callable[[ScaleResult], Cell]:
    def cell(r: ScaleResult) -> Cell:
        read = pick(r)
        if not isinstance(read, ConnectorRead):
            return Cell()
        replay = read.replay
        return _pair(
            read.read.seconds,
            replay.seconds,
            f"{read.total_records:,} records",
            f"{replay.requests:,} requests, {replay.mode}" if replay.seconds is not None else "",
        )

    return cell


def _bare_reads(r: ScaleResult) -> float | None:
    if r.fakestore is None or r.tinyerp_paced is None:
        return None
    return r.fakestore.read.seconds + r.tinyerp_paced.read.seconds


def _sec(run: object, key: str) -> float | None:
    return run.seconds.get(key) if isinstance(run, Run) else None


def _local_load(r: ScaleResult) -> Cell:
    sync, reads = _sec(r.first, "sync"), _bare_reads(r)
    load = sync - reads if sync is not None and reads is not None else None
    return _pair(load, r.json_load_seconds, "", "read_json_auto")


def _plan(r: ScaleResult) -> Cell:
    direct = r.direct
    note = f"{direct.models} models" if direct else ""
    return _pair(_sec(r.first, "plan"), direct.seconds if direct else None, "", note)


def _total_vs_sync(pick: Callable[[ScaleResult], object]) -> Callable[[ScaleResult], Cell]:
    def cell(r: ScaleResult) -> Cell:
        run = pick(r)
        status = getattr(run, "status", "")
        return _pair(_sec(run, "total"), _sec(run, "sync"), status, "its sync")

    return cell


def _cold(r: ScaleResult) -> Cell:
    cold = r.cold
    if cold is None or cold.run is None or cold.failure:
        return Cell("failed" if cold and cold.failure else "n/a", "", "")
    setup = cold.setup_seconds
    note = f"setup {secs(setup)}" if setup is not None else ""
    return _pair(cold.run.measured.seconds, _sec(r.first, "total"), note, "warm first run")


def _memory(r: ScaleResult) -> Cell:
    run = r.first
    reads = [x.read.max_rss_mb for x in (r.fakestore, r.tinyerp_paced) if x is not None]
    cell = Cell()
    if run is not None:
        tree = run.measured.tree_peak_mb
        cell.figure = f"{run.measured.max_rss_mb:.0f} MB" + (f" (tree {tree:.0f} MB)" if tree else "")
    if reads:
        cell.floor = f"{max(reads):.0f} MB (bare read)"
    if run is not None and reads:
        cell.ratio = _ratio(run.measured.max_rss_mb, max(reads))
    return cell


ROWS = [
    Row("1a", "FakeStore connector bare read vs urllib replay of its requests", "–",
        _read_vs_replay(lambda r: r.fakestore)),
    Row("1b", f"TinyERP connector bare read (simulator at {FAST_REQUESTS_PER_MINUTE:,}/min) vs urllib replay",
        "–", _read_vs_replay(lambda r: r.tinyerp_fast)),
    Row("2", "Local load: first run's sync − bare reads vs DuckDB loading the same records as NDJSON",
        "–", _local_load),
    Row("3", f"First run's sync vs sum of the bare reads (TinyERP {TINYERP_RUN_RPM:,}/min)", "≤ 2×",
        lambda r: _pair(_sec(r.first, "sync"), _bare_reads(r), "", "FakeStore + TinyERP")),
    Row("4", "SQLMesh candidate plan (first run) vs its rendered SQL as CREATE TABLEs in DuckDB", "–", _plan),
    Row("5", "Run with 1% new data vs the first run (seconds.total)", "–",
        lambda r: _pair(_sec(r.new_data, "total"), _sec(r.first, "total"), "", "first run")),
    Row("6a", "Gate vs plan, first run", "≤ 1×",
        lambda r: _pair(_sec(r.first, "gate"), _sec(r.first, "plan"), "", "plan")),
    Row("6b", "Gate vs plan, run with new data", "≤ 1×",
        lambda r: _pair(_sec(r.new_data, "gate"), _sec(r.new_data, "plan"), "", "plan")),
    Row("7a", "Cold: `make run` in a fresh clone, setup included (warm uv cache)", "–", _cold),
    Row("7b", "Warm first run: total vs its sync", "–", _total_vs_sync(lambda r: r.first)),
    Row("7c", "No-change run: total vs its sync", "≤ 1.3×", _total_vs_sync(lambda r: r.unchanged)),
    Row("7d", "Run with new data: total vs its sync", "–", _total_vs_sync(lambda r: r.new_data)),
    Row("8", "Peak memory, warm first run: largest process (whole tree, sampled)", "–", _memory),
]  # fmt: skip


def markdown(results: list[ScaleResult]) -> str:
    head = ["#", "measure"]
    for r in results:
        head += [f"{r.scale.name}: figure", "floor", "ratio"]
    head.append("goal")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in ROWS:
        cells = [row.number, row.measure]
        for r in results:
            cell = row.cell(r)
            cells += [cell.figure, cell.floor, cell.ratio]
        cells.append(row.goal)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
