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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType
from typing import Any, Callable, Dict, Mapping, Optional, Tuple
from urllib.parse import parse_qsl

from cashfree_pg._version import __version__
from cashfree_pg.testing._records import Fault, RecordedRequest, Reply

_STOP_JOIN_SECONDS = 5.0

#: Seconds a connection may stay silent (between requests, or inside one) before it is closed,
#: so that abandoned connections do not each hold a thread for ever.
IDLE_TIMEOUT = 30.0

#: The largest request body read (the Token Vault requests have none); larger gets 413.
MAX_REQUEST_BODY = 1024 * 1024


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
    ``answer`` gives the reply to a request (the fault's, or the service's); ``refuse`` the
    reply to a request this layer could not accept (malformed, too large) with a status and a
    message. A connection that sends nothing for ``idle_timeout`` seconds is closed.
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
        answer: Callable[[RecordedRequest, Optional[Fault]], Reply],
        refuse: Callable[[int, str, Mapping[str, str]], Reply],
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        self.address_family = family
        self.receive = receive
        self.answer = answer
        self.refuse = refuse
        self.idle_timeout = idle_timeout
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
        self.request.settimeout(self._owner.idle_timeout)  # every read and write, so idle ones end
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

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler answers a method without a do_<METHOD> with an HTML 501; every
        # method comes here instead, so that the service answers it (405 with Allow, or 404).
        if name.startswith("do_"):
            return self._handle
        raise AttributeError(name)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """A request refused before it could be read (bad request line or headers, too large):
        a JSON error body like the service's, never the HTML page of ``http.server``."""
        headers = getattr(self, "headers", None)
        # A request line too broken to name a version leaves http.server at HTTP/0.9, which
        # would send the body with no status line or headers: answer in HTTP/1.x instead.
        if getattr(self, "request_version", "HTTP/0.9") == "HTTP/0.9":
            self.request_version = "HTTP/1.0"
        status, payload, extra = self._owner.refuse(code, message or explain or "bad request", headers or {})
        self.close_connection = True
        self._send(status, payload, extra)

    def _send(self, status: int, payload: bytes, headers: Mapping[str, str]) -> None:
        if self._owner.stopping.is_set():
            self.close_connection = True
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if getattr(self, "command", None) != "HEAD":  # a HEAD answer has the headers of the body, not the body
            self.wfile.write(payload)

    def _read_body(self) -> Optional[bytes]:
        """The request body, or None when it cannot be read (already answered)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True  # a chunked body is not read: the connection cannot be reused
            return b""
        raw_length = self.headers.get("Content-Length") or "0"
        length = int(raw_length) if raw_length.isascii() and raw_length.isdigit() and len(raw_length) < 20 else -1
        if length < 0:
            self.send_error(400, "invalid Content-Length")
            return None
        if length > MAX_REQUEST_BODY:
            # Not read: the connection is closed after the answer, so the body is never taken in.
            self.send_error(413, f"request body larger than {MAX_REQUEST_BODY} bytes")
            return None
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        server = self._owner
        body = self._read_body()
        if body is None:
            return
        # The request target is origin-form (/pg/...): split it by hand, since urlsplit would
        # read a path starting with // as a host name.
        path, _, query = self.path.partition("#")[0].partition("?")
        record = RecordedRequest(
            method=self.command,
            path=path,
            query=MappingProxyType(dict(parse_qsl(query, keep_blank_values=True))),
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
        self._send(*server.answer(record, fault))
