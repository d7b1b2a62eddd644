"""What the testing kit's tests (test_testing_kit*.py) share: constants, a client with quick
retries, and raw requests past the SDK's own checks."""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

from cashfree_pg import Cashfree, RetryPolicy
from cashfree_pg.testing import MockCashfree

V = "2022-09-01"
FAST = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.02)
NO_RETRY = RetryPolicy(max_retries=0)
ROOT = Path(__file__).resolve().parent.parent
LIST = "/customers/c/instruments?instrument_type=card"


def client(mock: MockCashfree, **kwargs: Any) -> Cashfree:
    kwargs.setdefault("retry_policy", FAST)
    return mock.client(**kwargs)


def raw(
    mock: MockCashfree, method: str, path: str, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Dict[str, str], Any]:
    """One request with exactly ``headers``, past the SDK's own checks."""
    url = urlsplit(mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        conn.request(method, url.path + path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, json.loads(body) if body else None
    finally:
        conn.close()


def auth(mock: MockCashfree, **extra: str) -> Dict[str, str]:
    return {"x-client-id": mock.client_id, "x-client-secret": mock.client_secret, "x-api-version": V, **extra}


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def exchange(mock: MockCashfree, data: bytes, timeout: float = 5) -> bytes:
    """Sends raw bytes and returns all the server sends before closing (or the timeout)."""
    url = urlsplit(mock.url)
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
