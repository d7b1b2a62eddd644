"""Bulk erasure against a rate limit: how close does ``erase_customers`` get to the limit's floor?

The mock is limited to RATE requests per one-second window. Erasing C customers with K cards each
needs C * (K + 2) requests (a listing, K deletes, a verifying listing), so no client can finish in
less than C * (K + 2) / RATE seconds: the floor. The measure is the wall time over that floor.
Target: at most 1.25x, with no customer failed and every card deleted exactly once.

    python benchmarks/erasure.py                 # 300 customers x 2 cards at 100 requests/s (~12 s floor)
    python benchmarks/erasure.py --rate 50 --customers 100

Prints a markdown row for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # measure the working tree

from cashfree_pg.erasure import erase_customers
from cashfree_pg.testing import MockCashfree

TARGET = 1.25


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--cards", type=int, default=2, help="cards per customer")
    parser.add_argument("--rate", type=int, default=100, help="requests the mock allows per second")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    customers = [f"customer_{i:05d}" for i in range(args.customers)]
    needed = args.customers * (args.cards + 2)
    floor = needed / args.rate
    with MockCashfree(rate_limit=args.rate, rate_limit_window=1.0) as mock, tempfile.TemporaryDirectory() as tmp:
        cards = [str(mock.add_instrument(c).instrument_id) for c in customers for _ in range(args.cards)]
        log = os.path.join(tmp, "audit.jsonl")
        with mock.client() as cashfree:
            # Start at the beginning of a window, so the floor is what the limit allows.
            time.sleep(1.0)
            mock.clear_requests()
            started = time.perf_counter()
            reports = list(erase_customers(cashfree, customers, concurrency=args.concurrency, audit_log=log))
            wall = time.perf_counter() - started
        sent = len(mock.requests)
        failed = sum(1 for r in reports if not (r.complete and r.verified))
        deleted_once = all(mock.delete_count(c) == 1 for c in cards)
    ratio = wall / floor
    ok = failed == 0 and len(reports) == args.customers and deleted_once and ratio <= TARGET
    print(
        f"# {platform.platform()}; Python {platform.python_version()}; {os.cpu_count()} cores; "
        f"{args.concurrency} threads; audit log fsynced per line",
        file=sys.stderr,
    )
    print("| measure | requests needed | requests sent | floor | wall | vs floor | target | failures | result |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| erase {args.customers} customers x {args.cards} cards at {args.rate} requests/s | {needed} | {sent} "
        f"| {floor:.1f} s | {wall:.1f} s | {ratio:.2f}x | <= {TARGET:.2f}x | {failed} "
        f"| {'PASS' if ok else 'FAIL'} |"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
