"""Throughput of the FakeStore simulator on the large profile (numbers only, no assertions).

    .venv/bin/python benchmarks/fakestore_simulator.py [--seed 42] [--requests 2000] [--threads 4]

The server runs as a subprocess started through the CLI, as the stack runs it, so the client's work
does not compete with the server for the GIL. Measures:
  - data set generation + indexing time (in-process) and time until the CLI is listening;
  - a connector-style incremental read: GET /carts in 30-day windows (startdate inclusive, enddate
    exclusive) over 2019-01-01..2021-01-01, with and without JSON parsing on the client;
  - one GET /carts for everything, and GET /users;
  - requests/s for GET /products on keep-alive connections (1 and N client threads).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from urllib.parse import urlsplit

from commerce_simulators.fakestore import Store, build_dataset


def _get(conn: http.client.HTTPConnection, path: str) -> bytes:
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    return body


def _windows(start: date, end: date, days: int) -> list[tuple[str, str]]:
    out, day = [], start
    while day < end:
        nxt = min(day + timedelta(days=days), end)
        out.append((day.isoformat(), nxt.isoformat()))
        day = nxt
    return out


def _start_server(seed: int) -> tuple[subprocess.Popen[str], str, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "commerce_simulators.fakestore",
            "--profile",
            "large",
            "--seed",
            str(seed),
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("FAKESTORE_SIMULATOR_URL="):
        proc.kill()
        raise RuntimeError(f"unexpected first line: {line!r}")
    return proc, line.split("=", 1)[1], time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=2000, help="GET /products requests per thread")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    t0 = time.perf_counter()
    dataset = build_dataset(args.seed, "large")
    t1 = time.perf_counter()
    Store(dataset)
    t2 = time.perf_counter()
    print(
        f"generation (large: {len(dataset.products)} products, {len(dataset.users)} users, "
        f"{len(dataset.carts)} carts): {t1 - t0:.2f}s + indexing/serialising {t2 - t1:.2f}s"
    )
    del dataset

    proc, url, ready = _start_server(args.seed)
    print(f"CLI process listening after {ready:.2f}s at {url}")
    host, port = urlsplit(url).hostname, urlsplit(url).port
    try:
        conn = http.client.HTTPConnection(host, port)
        windows = _windows(date(2019, 1, 1), date(2021, 1, 1), 30)
        for parse in (False, True):
            records = size = 0
            t = time.perf_counter()
            for start, end in windows:
                body = _get(conn, f"/carts?startdate={start}&enddate={end}")
                size += len(body)
                records += len(json.loads(body)) if parse else body.count(b'"__v"')
            elapsed = time.perf_counter() - t
            label = "with json.loads" if parse else "transfer only  "
            print(
                f"GET /carts in {len(windows)} 30-day windows, {label}: {records} carts, "
                f"{size / 1e6:.1f} MB in {elapsed:.2f}s -> {records / elapsed:,.0f} records/s, "
                f"{size / 1e6 / elapsed:.1f} MB/s"
            )

        for path in ("/carts", "/users"):
            t = time.perf_counter()
            body = _get(conn, path)
            elapsed = time.perf_counter() - t
            count = body.count(b'"__v"')
            print(
                f"GET {path} (everything, one request): {count} records, "
                f"{len(body) / 1e6:.1f} MB in {elapsed:.3f}s -> {len(body) / 1e6 / elapsed:.1f} MB/s"
            )

        t = time.perf_counter()
        for _ in range(args.requests):
            _get(conn, "/products/1")
        elapsed = time.perf_counter() - t
        print(f"GET /products/1, 1 thread, keep-alive: {args.requests / elapsed:,.0f} requests/s")
        n = args.requests // 10
        t = time.perf_counter()
        for _ in range(n):
            _get(conn, "/products?limit=20")
        elapsed = time.perf_counter() - t
        print(f"GET /products?limit=20, 1 thread, keep-alive: {n / elapsed:,.0f} requests/s")
        conn.close()

        def worker() -> None:
            c = http.client.HTTPConnection(host, port)
            for _ in range(args.requests):
                _get(c, "/products/1")
            c.close()

        threads = [threading.Thread(target=worker) for _ in range(args.threads)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        elapsed = time.perf_counter() - t
        total = args.requests * args.threads
        print(f"GET /products/1, {args.threads} threads, keep-alive: {total / elapsed:,.0f} requests/s")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
