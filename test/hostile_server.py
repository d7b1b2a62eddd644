"""A loopback HTTP/1.1 server that misbehaves on purpose, for testing what the SDK does when the
network or the service is broken or hostile.

Every answer is a *script*: steps run in order on the connection.

    bytes         sent as they are (``respond()`` builds a well-formed response)
    a number      a pause of that many seconds
    CLOSE         close the connection (FIN) and stop
    RESET         close with SO_LINGER 0, so the client sees a reset (RST)
    an iterable   of steps, consumed lazily: a generator can stream gigabytes or drip forever
                  while the server holds a few KiB

After a script without CLOSE or RESET the connection waits for its next request (keep-alive).
Scripts come from the queue (``then()``), else from ``responder(request)``, else ``answer()``.
Every request is recorded with the number of the connection it came on.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import threading
import zlib
from functools import cache
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Union

from cashfree_pg.testing._sample import sample_instrument

CLOSE = object()
RESET = object()
Script = Iterable[Any]

_REASONS = {100: "Continue", 102: "Processing", 103: "Early Hints", 200: "OK", 400: "Bad Request", 404: "Not Found"}
_INSTRUMENT_PATH = re.compile(r"/customers/([^/?]+)/instruments(?:/([^/?]+))?")


class Request:
    """One request as received. ``connection`` numbers the TCP connection (0 for the first)."""

    def __init__(self, method: str, target: str, headers: Dict[str, str], body: bytes, connection: int) -> None:
        self.method = method
        self.target = target  # as sent: a path, or an absolute URL when the server acts as a proxy
        self.headers = headers  # names lower-cased
        self.body = body
        self.connection = connection
        match = _INSTRUMENT_PATH.search(target)
        self.customer_id = match.group(1) if match else None
        self.instrument_id = match.group(2) if match else None

    @property
    def request_id(self) -> Optional[str]:
        return self.headers.get("x-request-id")

    def __repr__(self) -> str:
        return f"Request({self.method} {self.target} on connection {self.connection})"


# -- building answers ---------------------------------------------------------------------------


def respond(
    status: int = 200,
    body: Union[bytes, Any] = b"",
    headers: Optional[Dict[str, str]] = None,
    length: Optional[int] = None,
) -> bytes:
    """A complete response. ``body`` that is not bytes is sent as JSON. ``length`` overrides the
    Content-Length (a lie when it differs from the body); ``headers`` may replace it entirely."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    fields = {"Content-Type": "application/json", "Content-Length": str(len(data) if length is None else length)}
    fields.update(headers or {})
    return head(status, fields) + data


def head(status: int, headers: Dict[str, str]) -> bytes:
    """A status line and header block, ending with the blank line."""
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Whatever')}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def interim(status: int = 103) -> bytes:
    """An informational (1xx) response: never the answer, always followed by one."""
    hints = {"Link": "</pg/style.css>; rel=preload"} if status == 103 else {}
    return head(status, hints)


def instrument(customer_id: Optional[str], instrument_id: Optional[str]) -> Dict[str, Any]:
    """The documented sample instrument, carrying the given customer and instrument ids."""
    data = sample_instrument()
    data.pop("network_token")
    data["customer_id"] = customer_id
    data["instrument_id"] = instrument_id
    return data


def answer(request: Request, request_id: Optional[str] = None, **extra_headers: str) -> bytes:
    """The right answer to ``request``: its own customer's instrument (a list for the list call),
    echoing its x-request-id (or ``request_id``, a wrong one, when given)."""
    data: Any = instrument(request.customer_id, request.instrument_id or "listed")
    if request.instrument_id is None:
        data = [data]
    echo = request_id if request_id is not None else request.request_id
    return respond(200, data, {**({"x-request-id": echo} if echo else {}), **extra_headers})


def drip(data: bytes, every: float) -> Iterator[Any]:
    """``data`` one byte at a time, ``every`` seconds apart."""
    for i in range(len(data)):
        yield data[i : i + 1]
        yield every


def forever(data: bytes, every: float) -> Iterator[Any]:
    """``data`` again and again, ``every`` seconds apart, until the client goes away."""
    while True:
        yield data
        yield every


def chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` in chunked transfer coding (without the final empty chunk unless they end)."""
    for piece in pieces:
        yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def filler(total: Optional[int], block: bytes = b" " * 65536) -> Iterator[bytes]:
    """``total`` bytes of JSON whitespace (endless when None), sent from one shared block."""
    view = memoryview(block)
    sent = 0
    while total is None or sent < total:
        step = len(block) if total is None else min(len(block), total - sent)
        yield bytes(view[:step]) if step < len(block) else block
        sent += step


@cache
def bomb(size: int, encoding: str = "gzip") -> bytes:
    """``size`` bytes of ``BOOM`` repeated, compressed to about a thousandth of that. Brotli is
    not available here, so "br" is gzip under another name (a client must decode neither)."""
    wbits = {"gzip": 31, "deflate": 15, "br": 31}[encoding]
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"BOOM" * (1 << 18)
    parts = [packer.compress(block) for _ in range(size >> 20)]
    return b"".join(parts) + packer.flush()


# -- the server ---------------------------------------------------------------------------------


class HostileServer:
    """``with HostileServer() as server:`` ... ``server.url`` is the base URL (ending in /pg)."""

    def __init__(self) -> None:
        self.requests: List[Request] = []
        self.responder: Optional[Callable[[Request], Script]] = None
        self._queue: List[Callable[[Request], Script]] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._connections: List[socket.socket] = []
        self._threads: List[threading.Thread] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.5)  # stop() wakes accept() at once where it can (Linux)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/pg"

    def then(self, *scripts: Union[Script, Callable[[Request], Script]]) -> HostileServer:
        """Queue the answers of the next requests, in order: a script, or a function of the
        request that returns one."""
        with self._lock:
            for script in scripts:
                self._queue.append(script if callable(script) else (lambda _r, s=script: s))
        return self

    @property
    def connections(self) -> List[int]:
        """The connection number of each request, in order."""
        return [r.connection for r in self.requests]

    # -- lifetime ---------------------------------------------------------------------------------

    def start(self) -> HostileServer:
        self._spawn(self._accept_loop)
        return self

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:  # wakes handlers blocked in recv or sendall
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in list(self._threads):
            thread.join(timeout=2)

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, target: Callable[..., None], *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        number = 0
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._connections.append(conn)
            self._spawn(self._serve, conn, number)
            number += 1

    # -- one connection ---------------------------------------------------------------------------

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer = bytearray()
        try:
            while not self._stopped.is_set():
                request = self._read_request(conn, buffer, number)
                if request is None:
                    return
                if not self._run(conn, self._script_for(request)):
                    return
        except OSError:
            pass  # the client went away or reset: what it does next is the test's business
        finally:
            conn.close()

    def _script_for(self, request: Request) -> Script:
        with self._lock:
            self.requests.append(request)
            scripted = self._queue.pop(0) if self._queue else None
        if scripted is None:
            scripted = self.responder or (lambda r: [answer(r)])
        return scripted(request)

    def _read_request(self, conn: socket.socket, buffer: bytearray, number: int) -> Optional[Request]:
        while b"\r\n\r\n" not in buffer:
            data = conn.recv(65536)
            if not data:
                return None
            buffer += data
        end = buffer.index(b"\r\n\r\n")
        lines = bytes(buffer[:end]).decode("latin-1").split("\r\n")
        del buffer[: end + 4]
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        while len(buffer) < length:
            data = conn.recv(65536)
            if not data:
                return None
            buffer += data
        body = bytes(buffer[:length])
        del buffer[:length]
        return Request(method, target, headers, body, number)

    def _run(self, conn: socket.socket, steps: Script) -> bool:
        """Run a script; False once the connection is finished."""
        for step in steps:
            if isinstance(step, (bytes, bytearray, memoryview)):
                conn.sendall(step)
            elif step is CLOSE:
                conn.shutdown(socket.SHUT_RDWR)
                return False
            elif step is RESET:
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return False  # the close in _serve sends the RST
            elif isinstance(step, (int, float)):
                if self._stopped.wait(step):
                    return False
            elif not self._run(conn, step):
                return False
        return True
