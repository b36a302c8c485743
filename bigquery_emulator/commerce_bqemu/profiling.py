"""Opt-in profile of the emulator's process, to find where a test run's time goes.

    COMMERCE_BQEMU_PROFILE=/tmp/bq python -m commerce_bqemu --port 0 --data-dir DIR

With the variable set (a path prefix), the whole server runs under cProfile and, when it stops,
writes:

- `<prefix>.pstats`: the cProfile statistics (`python -m pstats <prefix>.pstats`);
- `<prefix>.json`: the process's CPU seconds (user, sys), every HTTP request counted by method
  and route (with its wall seconds), and every query job: its SQL (as received), how often that
  exact SQL came, its wall and CPU seconds (CPU of the whole process, DuckDB's threads included),
  and how many SQL translations ran.

With COMMERCE_BQEMU_PROFILE_QUERIES_ONLY=1 as well, only `<prefix>.json` is written, without
cProfile (whose overhead inflates sqlglot's many small calls): the CPU seconds per query as they
are. Without COMMERCE_BQEMU_PROFILE nothing here is imported or patched.
"""

from __future__ import annotations

import cProfile
import json
import os
import re
import resource
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ENV = "COMMERCE_BQEMU_PROFILE"
QUERIES_ONLY_ENV = "COMMERCE_BQEMU_PROFILE_QUERIES_ONLY"
_ID = re.compile(r"(/(?:datasets|tables|jobs|queries|routines|models|rowAccessPolicies)/)[^/?]+")

_requests: dict[str, list[float]] = defaultdict(list)
_queries: list[dict[str, Any]] = []
_translations = {"count": 0, "seconds": 0.0}


def _route(method: str, path: str) -> str:
    return method + " " + _ID.sub(r"\1{id}", path)


def _instrument() -> None:
    from bqemulator import server
    from bqemulator.api.routes import jobs
    from bqemulator.sql.translator import SQLTranslator

    create_app = server.create_app

    def _create_app(context: Any) -> Any:
        app = create_app(context)

        @app.middleware("http")
        async def _count(request: Any, call_next: Callable[[Any], Any]) -> Any:
            start = time.perf_counter()
            try:
                return await call_next(request)
            finally:
                _requests[_route(request.method, request.url.path)].append(time.perf_counter() - start)

        return app

    server.create_app = _create_app

    execute_query_job = jobs.execute_query_job

    async def _execute_query_job(project_id: str, job_id: str, bq_sql: str, *args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return await execute_query_job(project_id, job_id, bq_sql, *args, **kwargs)
        finally:
            _queries.append(
                {"sql": bq_sql, "wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu}
            )

    jobs.execute_query_job = _execute_query_job

    translate = SQLTranslator.translate

    def _translate(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return translate(self, *args, **kwargs)
        finally:
            _translations["count"] += 1
            _translations["seconds"] += time.process_time() - start

    SQLTranslator.translate = _translate  # type: ignore[method-assign]


def _report() -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    by_sql: dict[str, dict[str, Any]] = {}
    for query in _queries:
        entry = by_sql.setdefault(query["sql"], {"sql": query["sql"], "count": 0, "wall": 0.0, "cpu": 0.0})
        entry["count"] += 1
        entry["wall"] += query["wall"]
        entry["cpu"] += query["cpu"]
    return {
        "cpu_user": usage.ru_utime,
        "cpu_sys": usage.ru_stime,
        "requests": {
            route: {"count": len(times), "wall": sum(times)}
            for route, times in sorted(_requests.items(), key=lambda item: -sum(item[1]))
        },
        "queries": {
            "count": len(_queries),
            "distinct": len(by_sql),
            "wall": sum(q["wall"] for q in _queries),
            "cpu": sum(q["cpu"] for q in _queries),
        },
        "translations": _translations,
        "by_sql": sorted(by_sql.values(), key=lambda entry: -entry["cpu"]),
    }


@contextmanager
def profiled() -> Iterator[None]:
    """Profile the block when COMMERCE_BQEMU_PROFILE is set (see the module's docstring)."""
    prefix = os.environ.get(ENV)
    if not prefix:
        yield
        return
    _instrument()
    profile = None if os.environ.get(QUERIES_ONLY_ENV) == "1" else cProfile.Profile()
    if profile is not None:
        profile.enable()
    try:
        yield
    finally:
        if profile is not None:
            profile.disable()
            profile.dump_stats(f"{prefix}.pstats")
        Path(f"{prefix}.json").write_text(json.dumps(_report(), indent=1))
