"""A cheap loopback HTTP/1.1 server with canned answers, run in its own process by ``run.py``.

Only the client's CPU is measured, but a slow or jittery server still adds noise (scheduling,
cache pressure on a 2-core machine), so this is a bare socket server: one thread per keep-alive
connection, TCP_NODELAY, and every answer built once at start-up.

    GET /pg/customers/{c}/instruments/{i}                    -> the seed instrument
    GET /pg/customers/{c}/instruments?instrument_type=card   -> 1,000 instruments (distinct ids)
    anything else                                            -> 404 with an ApiError-like body

Run as ``python server.py``: it prints the port on the first line of stdout and serves until its
stdin closes (so it never outlives the benchmark that started it).
"""

from __future__ import annotations

import copy
import json
import os
import socket
import sys
import threading
from typing import Any, Dict, List

from workloads import CUSTOMER_ID, INSTRUMENT_ID, INSTRUMENT_TYPE, LIST_SIZE

# The seed instrument from the service's documentation, as the SDK's testing kit holds it (the
# benchmark measures this working tree, so the repository root is importable).
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from cashfree_pg.testing._sample import sample_instrument

SEED_INSTRUMENT: Dict[str, Any] = sample_instrument()
del SEED_INSTRUMENT["network_token"]
assert (SEED_INSTRUMENT["customer_id"], SEED_INSTRUMENT["instrument_id"]) == (CUSTOMER_ID, INSTRUMENT_ID)


def instrument_list(n: int = LIST_SIZE) -> List[Dict[str, Any]]:
    """``n`` copies of the seed instrument, each with its own id, uid and display."""
    out = []
    for i in range(n):
        inst = copy.deepcopy(SEED_INSTRUMENT)
        inst["instrument_id"] = f"{i:08x}-ba45-4a60-9e6a-9c016fe7ab10"
        inst["instrument_uid"] = f"{i:064x}"
        inst["instrument_display"] = f"xxxxxxxxxxxx{i % 10000:04d}"
        out.append(inst)
    return out


def _response(status: int, reason: str, payload: Any) -> bytes:
    body = json.dumps(payload, separators=(",", ":")).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "x-api-version: 2022-09-01\r\n"
        "\r\n"
    )
    return head.encode() + body


ONE = _response(200, "OK", SEED_INSTRUMENT)
MANY = _response(200, "OK", instrument_list())
NOT_FOUND = _response(404, "Not Found", {"message": "no such route", "code": "not_found", "type": "invalid_request"})


def route(method: bytes, target: bytes) -> bytes:
    if method != b"GET":
        return NOT_FOUND
    path, _, query = target.partition(b"?")
    parts = path.split(b"/")
    # b"/pg/customers/c/instruments" splits into ["", "pg", "customers", c, "instruments"]
    if len(parts) < 5 or parts[1] != b"pg" or parts[2] != b"customers" or parts[4] != b"instruments":
        return NOT_FOUND
    if len(parts) == 5 and query == b"instrument_type=" + INSTRUMENT_TYPE.encode():
        return MANY
    if len(parts) == 6 and parts[5]:
        return ONE
    return NOT_FOUND


def serve_connection(conn: socket.socket) -> None:
    """Answer requests on one keep-alive connection until the client closes it."""
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    try:
        with conn:
            while True:
                end = buf.find(b"\r\n\r\n")
                while end < 0:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                    end = buf.find(b"\r\n\r\n")
                lines = buf[:end].split(b"\r\n")
                buf = buf[end + 4 :]
                method, target, _ = lines[0].split(b" ", 2)
                length, close = 0, False
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value)
                    elif name == b"connection" and value.strip().lower() == b"close":
                        close = True
                while len(buf) < length:  # a request body (none of the benchmarked calls has one)
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                buf = buf[length:]
                conn.sendall(route(method, target))
                if close:
                    return
    except (OSError, ValueError):
        return  # a client that went away or sent garbage: drop the connection


def _exit_when_stdin_closes() -> None:
    sys.stdin.read()
    os._exit(0)


def main() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    threading.Thread(target=_exit_when_stdin_closes, daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
