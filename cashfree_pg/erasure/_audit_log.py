"""The audit log of an erasure job: written as each outcome is known, read back to resume."""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, Iterator, Set, Union

from cashfree_pg.erasure._records import ErasureReceipt, ErasureReport


class AuditLog:
    """An append-only JSON-lines file: one object per instrument outcome (``"event":
    "instrument"``) and one flat summary per customer (``"event": "customer"``), each written
    and synced to disk (fsync) as soon as it is known. Safe to share between threads.

    A last line left torn by a killed process is ended before anything is appended, so it is
    never merged with the next line; readers skip it. Created readable by its owner only.
    """

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._file = os.fdopen(fd, "ab")
        try:
            if _ends_torn(self.path):
                self._write(b"\n")
        except BaseException:
            self._file.close()
            raise

    def _write(self, data: bytes) -> None:
        self._file.write(data)
        self._file.flush()
        os.fsync(self._file.fileno())

    def write(self, record: Dict[str, Any]) -> None:
        line = (json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self._write(line)

    def receipt(self, receipt: ErasureReceipt) -> None:
        self.write({"event": "instrument", **receipt.to_dict()})

    def report(self, report: ErasureReport) -> None:
        self.write(report.summary())

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_torn(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return False
        f.seek(-1, os.SEEK_END)
        return f.read(1) != b"\n"


def read_audit_log(path: Union[str, os.PathLike[str]]) -> Iterator[Dict[str, Any]]:
    """The objects of an audit log, oldest first; lines that are not a JSON object (a torn
    write) are skipped."""
    with open(path, "rb") as f:
        for raw in f:
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def verified_customers(path: Union[str, os.PathLike[str]]) -> Set[str]:
    """Customers whose latest summary in the log says verified (dry runs and interrupted runs
    do not count): the ones ``resume=True`` skips. An absent log holds none."""
    latest: Dict[str, bool] = {}
    try:
        for record in read_audit_log(path):
            customer_id = record.get("customer_id")
            if not isinstance(customer_id, str) or "instrument_id" in record or "verified" not in record:
                continue
            if record.get("dry_run"):
                continue
            latest[customer_id] = record.get("verified") is True and record.get("interrupted") is not True
    except FileNotFoundError:
        return set()
    return {c for c, ok in latest.items() if ok}
