"""The HTTP layer of ``MockCashfree``: a ``ThreadingHTTPServer`` bound to a loopback address and
served from a background thread, and its request handler. Standard library only.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import selectors
import socket
import socketserver
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import parse_qsl, urlsplit

from cashfree_pg._version import __version__
from cashfree_pg.testing._records import Fault, RecordedRequest, Reply

_STOP_JOIN_SECONDS = 5.0


def loopback_address(host: str) -> Tuple[str, int]:
    """The address to bind for ``host`` and its family; ValueError unless it is loopback."""
    if host == "localhost":
        return "127.0.0.1", socket.AF_INET
    try:
        ip = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        ip = None
    if ip is None or not ip.is_loopback:
        raise ValueError(
            f"MockCashfree listens on loopback only (127.0.0.1, ::1 or localhost), not {host!r}: "
            "it holds test card data and accepts fixed test credentials"
        )
    return str(ip), socket.AF_INET6 if ip.version == 6 else socket.AF_INET


def is_loopback(host: str) -> bool:
    """Whether ``MockCashfree`` may listen on ``host``."""
    try:
        loopback_address(host)
    except ValueError:
        return False
    return True


def port_in_use(exc: OSError) -> bool:
    """Whether ``exc`` (from ``start()``) means the port is already taken."""
    return exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1))


class LoopbackServer(ThreadingHTTPServer):
    """Serves from ``serve_in_background()`` until ``stop()``, each connection in its own thread.

    ``receive`` is told of each request and returns the fault to play on it, if any;
    ``answer`` gives the reply to a request that is not faulted.
    """

    daemon_threads = True
    timeout = 0.0  # handle_request() is only called once a connection is waiting: never block in it
    # Restarting on the same port right after a stop must work; on Windows the same option
    # would let a second server steal a port that is in use, so it stays off there.
    allow_reuse_address = sys.platform != "win32"

    def __init__(
        self,
        address: Tuple[str, int],
        family: int,
        receive: Callable[[RecordedRequest], Optional[Fault]],
        answer: Callable[[RecordedRequest], Reply],
    ) -> None:
        self.address_family = family
        self.receive = receive
        self.answer = answer
        self.stopping = threading.Event()
        self._tracking = threading.Lock()
        self._connections: Dict[socket.socket, threading.Thread] = {}
        super().__init__(address, _Handler)
        self._waker = socket.socketpair()
        self._thread = threading.Thread(target=self._serve, name=f"MockCashfree:{self.server_port}", daemon=True)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can take seconds; not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) and (self.stopping.is_set() or isinstance(exc, (ConnectionError, TimeoutError))):
            return  # a client that went away (timed out, retried) or a stop: normal here
        super().handle_error(request, client_address)

    def serve_in_background(self) -> None:
        self._thread.start()

    def _serve(self) -> None:
        # serve_forever() polls for a stop every poll_interval; this loop sleeps until a
        # connection arrives or stop() writes to the waker, so that stop() is immediate.
        with selectors.DefaultSelector() as selector:
            selector.register(self, selectors.EVENT_READ)
            selector.register(self._waker[0], selectors.EVENT_READ)
            while not self.stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self and not self.stopping.is_set():
                        self.handle_request()  # ready: accepts at once, handled in a new thread

    def stop(self) -> None:
        """Close the listening socket and every open connection, wake stalled requests, and
        wait for the handler threads. Call once, after ``serve_in_background()``."""
        with self._tracking:
            self.stopping.set()
            connections = list(self._connections.items())
        with contextlib.suppress(OSError):
            self._waker[1].send(b"x")
        self._thread.join()
        self.server_close()
        for sock in self._waker:
            sock.close()
        for conn, _ in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for _, handler in connections:
            if handler is not threading.current_thread():
                handler.join(_STOP_JOIN_SECONDS)

    def _track(self, conn: socket.socket) -> bool:
        with self._tracking:
            if self.stopping.is_set():
                return False
            self._connections[conn] = threading.current_thread()
            return True

    def _untrack(self, conn: socket.socket) -> None:
        with self._tracking:
            self._connections.pop(conn, None)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"cashfree-pg-mock/{__version__}"
    sys_version = ""

    @property
    def _owner(self) -> LoopbackServer:
        server = self.server
        assert isinstance(server, LoopbackServer)
        return server

    def setup(self) -> None:
        super().setup()
        # Without this, each response waits for the client's delayed ACK (~40 ms) under Nagle.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self._owner._track(self.connection):  # the server is stopping: serve nothing
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self._owner._untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read mock.requests instead

    def _handle(self) -> None:
        server = self._owner
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.send_error(400, "invalid Content-Length")
            return
        body = self.rfile.read(length) if length else b""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # a chunked body is not read: the connection cannot be reused
        split = urlsplit(self.path)
        record = RecordedRequest(
            method=self.command,
            path=split.path,
            query=MappingProxyType(dict(parse_qsl(split.query, keep_blank_values=True))),
            headers=MappingProxyType({k.lower(): v for k, v in self.headers.items()}),
            body=body,
        )
        fault = server.receive(record)
        if fault is not None and fault.kind == "stall":
            server.stopping.wait(fault.seconds)
            fault = Fault("drop") if server.stopping.is_set() else None
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None:
            status, payload, headers = fault.status, fault.body, dict(fault.headers)
        else:
            status, payload, headers = server.answer(record)
        headers.setdefault("x-request-id", record.headers.get("x-request-id") or str(uuid.uuid4()))
        if server.stopping.is_set():
            self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_DELETE = do_POST = do_PUT = do_PATCH = _handle
