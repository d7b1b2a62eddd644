"""The ``erase`` command: the saved cards of many customers, with an audit log, progress and a
summary (see docs/Erasure.md)."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
from typing import Any, Dict, Iterator, List, Optional

from cashfree_pg._cli_common import _CliError, _confirm, _Connection, _fail, _print_json


def _read_customer_ids(source: str) -> List[str]:
    """Customer ids from ``source`` ('-': standard input): one per line, or the ``customer_id``
    column of a CSV; blank lines skipped, repeats dropped, order kept."""
    import csv

    name = "standard input" if source == "-" else repr(source)
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8-sig") as f:
                text = f.read()
    except OSError as exc:
        raise _CliError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _CliError(f"{name} is not UTF-8 text") from None
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return []
    header = [h.strip().lower() for h in next(csv.reader([lines[first]]))]
    if "customer_id" not in header:
        if "," in lines[first]:
            raise _CliError(f"{name} looks like a CSV but has no customer_id column")
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    column = header.index("customer_id")
    ids = []
    for number, row in enumerate(csv.reader(lines[first + 1 :]), start=first + 2):
        if not any(cell.strip() for cell in row):
            continue
        value = row[column].strip() if column < len(row) else ""
        if not value:
            raise _CliError(f"{name} line {number}: empty customer_id")
        ids.append(value)
    return list(dict.fromkeys(ids))


class _Progress:
    """done/total, rate and time left on standard error: redrawn in place on a terminal,
    a line every few seconds otherwise (only with --progress)."""

    def __init__(self, total: int, forced: bool) -> None:
        import time

        self._clock = time.monotonic
        self.total = total
        self.live = sys.stderr.isatty()
        self.enabled = total > 0 and (self.live or forced)
        self.started = self._last = self._clock()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        now = self._clock()
        if self.enabled and (now - self._last >= (0.2 if self.live else 5.0) or self.done == self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        text = f"{self.done}/{self.total} customers  {rate:.1f}/s  ~{_duration(left)} left"
        sys.stderr.write(f"\r{text}\033[K" if self.live else text + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.live and self.done:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@contextlib.contextmanager
def _first_interrupt_sets(stop: threading.Event) -> Iterator[None]:
    """Within the block, the first Ctrl-C (or SIGTERM) sets ``stop``, so that the job finishes
    the deletes in flight and reports; a second one interrupts at once."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGINT", "SIGTERM") if hasattr(signal, n)]
    previous = {n: signal.getsignal(getattr(signal, n)) for n in names}

    def first(signum: int, frame: Any) -> None:
        stop.set()
        print(
            "\nStopping after the deletes in flight finish (press Ctrl-C again to quit at once)...",
            file=sys.stderr,
            flush=True,
        )
        for n in names:
            signal.signal(getattr(signal, n), signal.default_int_handler)

    for n in names:
        signal.signal(getattr(signal, n), first)
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


def _erase(args: argparse.Namespace) -> int:
    from cashfree_pg.erasure import erase_customers, verified_customers

    if args.customers and args.source:
        raise _CliError("give customer ids or --from FILE, not both")
    if not args.customers and not args.source:
        raise _CliError("give customer ids, or --from FILE ('-' for standard input)")
    if args.audit_log is None and not args.dry_run:
        raise _CliError("--audit-log FILE is required (the record of what was erased); --dry-run may omit it")
    if args.resume and args.audit_log is None:
        raise _CliError("--resume needs the --audit-log of the earlier run")
    ids = _read_customer_ids(args.source) if args.source else list(dict.fromkeys(args.customers))
    connection = _Connection(args, args.concurrency)
    skipped = len(verified_customers(args.audit_log).intersection(ids)) if args.resume else 0
    todo = len(ids) - skipped
    what = f"delete the saved cards of {todo} customer{'s' if todo != 1 else ''}"
    if not args.dry_run and todo and not _confirm(connection, args, what):
        print("Cancelled: nothing was deleted.", file=sys.stderr)
        return 1
    stop = threading.Event()
    summary = _Summary(len(ids), skipped, args)
    progress = _Progress(todo, args.progress)
    try:
        with _first_interrupt_sets(stop):
            jobs = erase_customers(
                connection.client,
                ids,
                concurrency=args.concurrency,
                audit_log=args.audit_log,
                resume=args.resume,
                dry_run=args.dry_run,
                stop=stop,
            )
            for report in jobs:
                summary.add(report)
                progress.step()
    except KeyboardInterrupt:
        stop.set()
    except Exception as exc:  # credentials refused, the audit log unwritable: the job cannot go on
        progress.close()
        summary.fatal = exc
    progress.close()
    summary.interrupted = stop.is_set()
    summary.show()
    return summary.status()


class _Summary:
    """What ``erase`` prints at the end, and its exit status."""

    def __init__(self, total: int, skipped: int, args: argparse.Namespace) -> None:
        self.total = total
        self.skipped = skipped
        self.args = args
        self.finished = 0
        self.counts: Dict[str, int] = {}
        self.failed: List[Any] = []  # reports not complete, or (not a dry run) not verified
        self.interrupted = False
        self.fatal: Optional[BaseException] = None

    def add(self, report: Any) -> None:
        self.finished += 1
        for outcome, n in report.counts.items():
            self.counts[outcome] = self.counts.get(outcome, 0) + n
        if not report.complete or not (report.verified or report.dry_run):
            self.failed.append(report)

    def status(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed or self.fatal is not None else 0

    def show(self) -> None:
        if self.fatal is not None:
            _fail(self.args, self.fatal)
        if self.args.json:
            self._show_json()
        else:
            self._show_text()

    def _problems(self, report: Any) -> List[str]:
        lines = [f"{r.instrument_id} ({r.instrument_display}): {r.error_message}" for r in report.failed]
        if report.error:
            lines.append(report.error + (f" [request_id={report.request_id}]" if report.request_id else ""))
        if report.interrupted:
            lines.append("interrupted before every card was handled")
        return lines or ["not verified"]

    def _show_json(self) -> None:
        _print_json(
            {
                "customers": self.total,
                "skipped": self.skipped,
                "finished": self.finished,
                "failed": len(self.failed),
                "dry_run": self.args.dry_run,
                "interrupted": self.interrupted,
                "cards": self.counts,
                "audit_log": self.args.audit_log,
                "failures": [
                    {
                        "customer_id": r.customer_id,
                        "error": r.error,
                        "request_id": r.request_id,
                        "interrupted": r.interrupted,
                        "receipts": [x.to_dict() for x in r.failed],
                    }
                    for r in self.failed
                ],
            }
        )

    def _show_text(self) -> None:
        c = self.counts.get
        skipped = f" ({self.skipped} skipped: verified in the audit log)" if self.skipped else ""
        if self.args.dry_run:
            print(f"Dry run: nothing was changed. Listed {self.finished} of {self.total} customers{skipped}.")
            print(f"Cards: {c('would_delete', 0)} would be deleted, {c('already_inactive', 0)} already inactive.")
        else:
            done = self.finished - len(self.failed)
            print(f"Erased {done} of {self.total} customers{skipped}.")
            print(
                f"Cards: {c('deleted', 0)} deleted, {c('already_inactive', 0)} already inactive, "
                f"{c('not_found', 0)} not found, {c('failed', 0)} failed."
            )
        if self.failed:
            print(f"Customers not erased ({len(self.failed)}):")
            for report in self.failed:
                for line in self._problems(report):
                    print(f"  {report.customer_id}: {line}")
        if self.interrupted:
            print(
                f"Interrupted: {self.total - self.skipped - self.finished} customers not started; rerun with --resume."
            )
        if self.args.audit_log:
            print(f"Audit log: {self.args.audit_log}")
