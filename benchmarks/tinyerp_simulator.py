"""Numbers for the TinyERP simulator at scale (numbers only, no assertions).

    .venv/bin/python benchmarks/tinyerp_simulator.py [--orders 50000] [--seed 42] [--requests 2000]
        [--threads 4]

The server runs as a subprocess started through the CLI with the limiter off
(`--requests-per-minute 0 --concurrency 0`), so the client's work does not compete with the server
for the GIL. Measures:
  - data set generation time (in-process) and time until the CLI is listening;
  - a connector-style backfill of pedidos.pesquisa in 7-day windows over the whole history;
  - requests/s on keep-alive connections for pedido.obter (1 and N client threads), pdv.pedido.obter,
    and a mid-scan pedidos.pesquisa page;
  - the same pedido.obter loop with the default limiter (60/min), to show code 6 arriving at once.
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
from urllib.parse import urlencode, urlsplit

from commerce_simulators.tinyerp import build_dataset

TOKEN = "sim-token"


def _start_server(*args: str) -> tuple[subprocess.Popen[str], str, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "commerce_simulators.tinyerp", "--port", "0", *args],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("TINYERP_SIMULATOR_URL="):
        proc.kill()
        raise RuntimeError(f"unexpected first line: {line!r}")
    return proc, line.split("=", 1)[1], time.perf_counter() - started


class Client:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.prefix = parts.path
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port)

    def get(self, endpoint: str, **params: object) -> dict:
        query = urlencode({"token": TOKEN, "formato": "json", **params})
        self.conn.request("GET", f"{self.prefix}/{endpoint}.php?{query}")
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{endpoint}: HTTP {response.status}")
        return json.loads(body)["retorno"]


def _rate(label: str, n: int, elapsed: float) -> None:
    print(f"{label}: {n} requests in {elapsed:.2f}s -> {n / elapsed:,.0f} requests/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--requests", type=int, default=2000, help="pedido.obter requests per thread")
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    t = time.perf_counter()
    dataset = build_dataset(args.seed, orders=args.orders)
    print(
        f"build_dataset(orders={args.orders}): {time.perf_counter() - t:.2f}s "
        f"({len(dataset.orders)} orders, {len(dataset.products)} products, {len(dataset.contacts)} contacts, "
        f"{len(dataset.notas)} notas, {dataset.days} days from {dataset.first_day_text})"
    )
    first_day = dataset.first_day
    del dataset

    proc, url, ready = _start_server(
        "--orders",
        str(args.orders),
        "--seed",
        str(args.seed),
        "--requests-per-minute",
        "0",
        "--concurrency",
        "0",
    )
    print(f"CLI listening after {ready:.2f}s at {url}")
    try:
        client = Client(url)
        start = date(1970, 1, 1) + timedelta(days=first_day)
        ids: list[str] = []
        pages = 0
        t = time.perf_counter()
        day = start
        while day <= date(2025, 12, 31):
            end = min(day + timedelta(days=6), date(2025, 12, 31))
            page = 1
            while True:
                retorno = client.get(
                    "pedidos.pesquisa",
                    dataInicial=day.strftime("%d/%m/%Y"),
                    dataFinal=end.strftime("%d/%m/%Y"),
                    pagina=page,
                )
                pages += 1
                if retorno["status"] != "OK":
                    break
                ids += [r["pedido"]["id"] for r in retorno["pedidos"]]
                if page >= int(retorno["numero_paginas"]):
                    break
                page += 1
            day = end + timedelta(days=1)
        elapsed = time.perf_counter() - t
        print(
            f"pedidos.pesquisa backfill in 7-day windows: {len(ids)} orders, {pages} pages in {elapsed:.2f}s "
            f"-> {pages / elapsed:,.0f} pages/s, {len(ids) / elapsed:,.0f} rows/s"
        )

        t = time.perf_counter()
        for i in range(args.requests):
            client.get("pedido.obter", id=ids[i * 7 % len(ids)])
        _rate("pedido.obter, 1 thread, keep-alive", args.requests, time.perf_counter() - t)

        t = time.perf_counter()
        for i in range(args.requests // 2):
            client.get("pdv.pedido.obter", id=ids[i * 3 % len(ids)])
        _rate("pdv.pedido.obter (PDV or code 32), 1 thread", args.requests // 2, time.perf_counter() - t)

        n = args.requests // 4
        t = time.perf_counter()
        for _ in range(n):
            client.get("pedidos.pesquisa", dataInicial="01/12/2025", dataFinal="07/12/2025", pagina=3)
        _rate("pedidos.pesquisa page 3 of a week (cached search), 1 thread", n, time.perf_counter() - t)

        def worker(offset: int) -> None:
            c = Client(url)
            for i in range(args.requests):
                c.get("pedido.obter", id=ids[(i * 11 + offset) % len(ids)])

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.threads)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        _rate(
            f"pedido.obter, {args.threads} threads, keep-alive",
            args.requests * args.threads,
            time.perf_counter() - t,
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)

    proc, url, _ = _start_server("--orders", "300", "--seed", str(args.seed))
    try:
        client = Client(url)
        codes: dict[str, int] = {}
        t = time.perf_counter()
        for _ in range(100):
            retorno = client.get("info")
            code = retorno.get("codigo_erro", "OK")
            codes[code] = codes.get(code, 0) + 1
        print(
            f"default limiter (60/min), 100 requests as fast as possible in {time.perf_counter() - t:.2f}s: "
            f"{codes}"
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
