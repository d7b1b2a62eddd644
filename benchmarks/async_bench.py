#!/usr/bin/env python
"""AsyncCashfree against two hand-written async floors, in one run.

    python benchmarks/async_bench.py            # 7 rounds
    python benchmarks/async_bench.py --quick    # smoke check: 3 rounds, smaller batches

Variants, each in its own worker process, all against the loopback server of ``server.py``:

* ``cashfree_pg``: ``AsyncCashfree.PGCustomerFetchInstrument``, as a merchant would call it;
* ``httpx floor``: one ``httpx.AsyncClient``, the same headers (a fresh ``x-request-id`` per call),
  a status check, and the bytes validated by the pydantic models of ``floor.py``;
* ``aiohttp floor``: the same work over one ``aiohttp.ClientSession`` (for information: the
  transport openai-python added because httpx's pool limited its throughput).

Measures: client CPU per sequential fetch (``time.process_time`` over a batch), and wall time of
1,000 fetches at concurrency 50 (each variant's pool allows 50 connections). Batches alternate
between the variants' processes, the order flipping every batch, so that the swings of a shared
machine hit every variant alike; a round keeps each variant's best batch; the table gives medians
over rounds and ratios to the httpx floor. The server is one Python process: at concurrency 50
it bounds the throughput of every variant alike, so the ratios, not the rates, are the result.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from typing import Any, Awaitable, Callable, Dict, List

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, BENCH_DIR)

from run import child_env, start_server, stop_server  # noqa: E402
from workloads import API_VERSION, CLIENT_ID, CLIENT_SECRET, CUSTOMER_ID, INSTRUMENT_ID  # noqa: E402

VARIANTS = ("httpx floor", "cashfree_pg", "aiohttp floor")
CONCURRENCY = 50
TARGET = 1.10


# -- what each worker process runs ---------------------------------------------------------------


async def make(variant: str, url: str) -> Callable[[], Awaitable[Any]]:
    """An async ``fetch()`` returning the decoded instrument, for ``variant``."""
    if variant == "cashfree_pg":
        from cashfree_pg import AsyncCashfree

        cf = AsyncCashfree(
            XClientId=CLIENT_ID, XClientSecret=CLIENT_SECRET, base_url=url + "/pg", pool_maxsize=CONCURRENCY
        )

        async def fetch_sdk() -> Any:
            response = await cf.PGCustomerFetchInstrument(
                x_api_version=API_VERSION, customer_id=CUSTOMER_ID, instrument_id=INSTRUMENT_ID
            )
            return response.data

        fetch_sdk.aclose = cf.close  # type: ignore[attr-defined]
        return fetch_sdk

    import uuid
    from urllib.parse import quote

    from floor import InstrumentEntity

    path = f"{url}/pg/customers/{quote(CUSTOMER_ID, safe='')}/instruments/{quote(INSTRUMENT_ID, safe='')}"
    headers = {
        "accept": "application/json",
        "user-agent": "merchant-app/1.0",
        "x-client-id": CLIENT_ID,
        "x-client-secret": CLIENT_SECRET,
        "x-api-version": API_VERSION,
    }
    if variant == "httpx floor":
        import httpx

        client = httpx.AsyncClient(
            timeout=httpx.Timeout(20.0, connect=5.0),
            limits=httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY),
        )

        async def fetch_httpx() -> Any:
            sent = dict(headers, **{"x-request-id": str(uuid.uuid4())})
            response = await client.get(path, headers=sent)
            if not 200 <= response.status_code < 300:
                raise RuntimeError(f"HTTP {response.status_code}")
            return InstrumentEntity.model_validate_json(response.content)

        fetch_httpx.aclose = client.aclose  # type: ignore[attr-defined]
        return fetch_httpx

    if variant == "aiohttp floor":
        import aiohttp

        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=CONCURRENCY),
            timeout=aiohttp.ClientTimeout(connect=5.0, sock_read=20.0),
        )

        async def fetch_aiohttp() -> Any:
            sent = dict(headers, **{"x-request-id": str(uuid.uuid4())})
            async with session.get(path, headers=sent) as response:
                body = await response.read()
                if not 200 <= response.status < 300:
                    raise RuntimeError(f"HTTP {response.status}")
            return InstrumentEntity.model_validate_json(body)

        fetch_aiohttp.aclose = session.close  # type: ignore[attr-defined]
        return fetch_aiohttp

    raise SystemExit(f"unknown variant {variant!r}")


async def serve(variant: str, url: str) -> None:
    """Warm up, say "ready", then answer "cpu N" (µs of CPU per sequential fetch) and
    "tput N" (seconds of wall time for N fetches at concurrency 50) until stdin closes."""
    import gc

    fetch = await make(variant, url)
    data = await fetch()
    if data.instrument_id != INSTRUMENT_ID or data.instrument_meta.card_token_details.par != "somepar":
        raise SystemExit(f"{variant}: the answer was not decoded into typed models")
    for _ in range(200):
        await fetch()
    await asyncio.gather(*(fetch() for _ in range(CONCURRENCY)))  # open the whole pool
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            await fetch.aclose()  # type: ignore[attr-defined]
            return
        what, count = line.split()
        n = int(count)
        gc.collect()
        if what == "cpu":
            started = time.process_time()
            for _ in range(n):
                await fetch()
            print((time.process_time() - started) / n * 1e6, flush=True)
        else:
            started = time.perf_counter()
            await concurrently(fetch, n)
            print(time.perf_counter() - started, flush=True)


async def concurrently(fetch: Callable[[], Awaitable[Any]], n: int) -> None:
    """``n`` fetches by ``CONCURRENCY`` workers, each taking the next until none is left."""
    left = [n]

    async def worker() -> None:
        while left[0] > 0:
            left[0] -= 1
            await fetch()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


# -- the driver ----------------------------------------------------------------------------------


def ask(worker: subprocess.Popen, command: str) -> float:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(command + "\n")
    worker.stdin.flush()
    answer = worker.stdout.readline()
    if not answer:
        sys.exit(f"a worker died on {command!r} (its error is above)")
    return float(answer)


def one_round(url: str, args: argparse.Namespace, round_no: int, samples: Dict[str, Dict[str, List[float]]]) -> None:
    env = child_env(sdk_on_path=True)
    workers = {
        v: subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--worker", v, url],
            cwd=BENCH_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for v in VARIANTS
    }
    try:
        for v, w in workers.items():
            assert w.stdout is not None
            if w.stdout.readline().strip() != "ready":
                sys.exit(f"{v}: the worker failed (its error is above)")
        for key, command, batches in (("cpu", f"cpu {args.calls}", args.batches), ("tput", "tput 1000", args.batches)):
            got: Dict[str, List[float]] = {v: [] for v in VARIANTS}
            for b in range(batches):
                order = VARIANTS if (b + round_no) % 2 == 0 else VARIANTS[::-1]
                for v in order:
                    got[v].append(ask(workers[v], command))
            for v in VARIANTS:
                samples[v].setdefault(key, []).append(min(got[v]))
    finally:
        for w in workers.values():
            if w.stdin is not None:
                w.stdin.close()
            w.wait()


def table(samples: Dict[str, Dict[str, List[float]]]) -> str:
    floor, sdk, raw = (samples[v] for v in VARIANTS)

    def ratio(a: List[float], b: List[float]) -> str:
        paired = [x / y for x, y in zip(a, b)]
        return f"{statistics.median(a) / statistics.median(b):.2f}x ({min(paired):.2f}\u2013{max(paired):.2f})"

    def rate(seconds: List[float]) -> str:
        return f"{1000 / statistics.median(seconds):,.0f}/s"

    rows = [
        "| measure | httpx floor | cashfree_pg | cashfree_pg vs httpx floor | target | result | aiohttp floor |"
        " httpx floor vs aiohttp floor |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    cpu_ok = statistics.median(sdk["cpu"]) / statistics.median(floor["cpu"]) <= TARGET
    rows.append(
        f"| CPU per `PGCustomerFetchInstrument`, sequential, µs | {statistics.median(floor['cpu']):.0f} | "
        f"{statistics.median(sdk['cpu']):.0f} | {ratio(sdk['cpu'], floor['cpu'])} | ≤ {TARGET:.2f}x | "
        f"{'PASS' if cpu_ok else '**FAIL**'} | {statistics.median(raw['cpu']):.0f} | "
        f"{ratio(floor['cpu'], raw['cpu'])} |"
    )
    tput_ok = statistics.median(sdk["tput"]) / statistics.median(floor["tput"]) <= TARGET
    rows.append(
        f"| 1,000 fetches at concurrency {CONCURRENCY}: wall time ratio (rate) | {rate(floor['tput'])} | "
        f"{rate(sdk['tput'])} | {ratio(sdk['tput'], floor['tput'])} | ≤ {TARGET:.2f}x | "
        f"{'PASS' if tput_ok else '**FAIL**'} | {rate(raw['tput'])} | {ratio(floor['tput'], raw['tput'])} |"
    )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200, help="sequential fetches per CPU batch")
    parser.add_argument("--batches", type=int, default=8, help="batches per measure per round")
    parser.add_argument("--quick", action="store_true", help="smoke check: 3 rounds of 4 batches")
    parser.add_argument("--worker", nargs=2, metavar=("VARIANT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        asyncio.run(serve(*args.worker))
        return
    if args.quick:
        args.rounds, args.batches = 3, 4
    server, url = start_server()
    samples: Dict[str, Dict[str, List[float]]] = {v: {} for v in VARIANTS}
    started = time.monotonic()
    try:
        for r in range(args.rounds):
            one_round(url, args, r, samples)
            line = "; ".join(f"{v} {samples[v]['cpu'][-1]:.0f} µs, {samples[v]['tput'][-1]:.3f} s" for v in VARIANTS)
            print(f"round {r + 1}/{args.rounds}: {line}", flush=True)
    finally:
        stop_server(server)
    print()
    print(table(samples))
    print(
        f"\nMedians over {args.rounds} rounds of each round's best batch ({args.batches} batches per measure, "
        f"{args.calls} sequential fetches per CPU batch); ratios of the medians, per-round range in brackets. "
        f"({time.monotonic() - started:.0f} s)"
    )
    if args.quick:
        print("NOTE: --quick: a smoke check, not a result.")


if __name__ == "__main__":
    main()
