"""``MockCashfree``: a stateful fake of the Token Vault service, served over real HTTP on loopback.

Everything here is standard library: the server is ``http.server.ThreadingHTTPServer`` in a
background thread, bound to a loopback address only.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import errno
import ipaddress
import json
import secrets
import selectors
import socket
import socketserver
import sys
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Type, Union
from urllib.parse import parse_qsl, unquote, urlsplit

from cashfree_pg._redact import redact_headers
from cashfree_pg._version import __version__
from cashfree_pg.api_client import Cashfree
from cashfree_pg.models.instrument_entity import InstrumentEntity

__all__ = ["MockCashfree", "RecordedRequest"]

DEFAULT_CLIENT_ID = "test_client_id"
DEFAULT_CLIENT_SECRET = "test_client_secret"

ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"

#: Default error body (type, code, message) per status, for ``fail_next`` without a body.
_FAULT_BODIES: Dict[int, Tuple[str, str, str]] = {
    400: ("invalid_request_error", "request_invalid", "bad request"),
    401: ("authentication_error", "request_failed", "authentication Failed"),
    403: ("invalid_request_error", "save_instrument_not_enabled", "saved instruments are not enabled"),
    404: ("invalid_request_error", "instrument_not_found", "instrument not found"),
    408: ("api_error", "request_timeout", "request timed out"),
    409: ("invalid_request_error", "instrument_already_deleted", "instrument already deleted"),
    422: ("idempotency_error", "idempotency_key_reused", "idempotency key used with a different request"),
    429: ("rate_limit_error", "request_limit_exceeded", "too many requests, try again later"),
    500: ("api_error", "internal_error", "internal server error"),
    502: ("api_error", "tokenization_service_unavailable", "tokenization service unavailable"),
    503: ("api_error", "service_unavailable", "service unavailable"),
    504: ("api_error", "gateway_timeout", "gateway timeout"),
}

# card_network -> (first digits, length) of a plausible network token.
_TOKEN_SHAPES: Dict[str, Tuple[str, int]] = {
    "visa": ("4", 16),
    "mastercard": ("52", 16),
    "rupay": ("60", 16),
    "amex": ("37", 15),
    "diners": ("36", 14),
}

_IDEMPOTENCY_MEMORY = 10_000
_STOP_JOIN_SECONDS = 5.0

JsonBody = Union[bytes, str, Mapping[str, Any], List[Any], None]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the mock received: ``method``, ``path`` (as sent, without the query),
    ``query`` (each parameter's last value), ``headers`` (lower-case names) and ``body``."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def __repr__(self) -> str:
        # Credentials are masked, in case real ones were sent to the mock by mistake.
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, query={dict(self.query)!r}, "
            f"headers={redact_headers(self.headers)!r}, body={self.body!r})"
        )


class _Fault:
    __slots__ = ("body", "headers", "kind", "seconds", "status")

    def __init__(
        self,
        kind: str,
        status: int = 0,
        body: bytes = b"",
        headers: Optional[Dict[str, str]] = None,
        seconds: float = 0.0,
    ) -> None:
        self.kind = kind  # "fail", "stall" or "drop"
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.seconds = seconds


class _Saved:
    """A saved instrument: the object the service returns, and the network token behind it."""

    __slots__ = ("data", "token")

    def __init__(self, data: Dict[str, Any], token: Dict[str, Any]) -> None:
        self.data = data
        self.token = token

    @property
    def customer_id(self) -> Any:
        return self.data.get("customer_id")

    @property
    def status(self) -> Any:
        return self.data.get("instrument_status")


_Reply = Tuple[int, bytes, Dict[str, str]]


def _json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _error(status: int, type_: str, code: str, message: str) -> Tuple[int, Any]:
    return status, {"message": message, "code": code, "type": type_}


def _plain(value: Any) -> Any:
    """``value`` as plain JSON data (models become their ``to_dict()``)."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        value = to_dict()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _luhn_complete(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # these digits are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


def _random_digits(n: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


def _default_instrument(customer_id: str) -> Dict[str, Any]:
    now = datetime.now(timezone.utc)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    par = "5001" + "".join(secrets.choice(alphabet) for _ in range(25))
    return {
        "customer_id": customer_id,
        "afa_reference": str(100_000_000 + secrets.randbelow(900_000_000)),
        "instrument_id": str(uuid.uuid4()),
        "instrument_type": "card",
        "instrument_uid": secrets.token_hex(32),
        "instrument_display": "xxxxxxxxxxxx" + _random_digits(4),
        "instrument_status": ACTIVE,
        "created_at": now.strftime("%Y-%m-%d %H:%M:%S"),
        "instrument_meta": {
            "card_network": "VISA",
            "card_bank_name": "HDFC Bank Limited",
            "card_country": "IN",
            "card_type": "DEBIT_CARD",
            "card_token_details": {"par": par, "expiry_month": "12", "expiry_year": f"{(now.year + 3) % 100:02d}"},
        },
    }


def _default_token(data: Mapping[str, Any]) -> Dict[str, Any]:
    meta = data.get("instrument_meta")
    meta = meta if isinstance(meta, Mapping) else {}
    network = str(meta.get("card_network") or "visa").lower()
    prefix, length = _TOKEN_SHAPES.get(network, ("4", 16))
    details = meta.get("card_token_details")
    details = details if isinstance(details, Mapping) else {}
    month = str(details.get("expiry_month") or "12")
    year = str(details.get("expiry_year") or (datetime.now(timezone.utc).year + 3))
    if len(year) == 2:
        year = "20" + year
    display = str(data.get("instrument_display") or "")
    last4 = display[-4:] if display[-4:].isdigit() else _random_digits(4)
    return {
        "token_requestor_id": _random_digits(11),
        "card_number": _luhn_complete(prefix + _random_digits(length - len(prefix) - 1)),
        "card_expiry_mm": month.zfill(2),
        "card_expiry_yy": year,
        "card_display": last4,
    }


def _loopback(host: str) -> Tuple[str, int]:
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
        _loopback(host)
    except ValueError:
        return False
    return True


def _valid_api_version(value: str) -> bool:
    if len(value) != 10:
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    timeout = 0.0  # handle_request() is only called once a connection is waiting: never block in it
    # Restarting on the same port right after a stop must work; on Windows the same option
    # would let a second server steal a port that is in use, so it stays off there.
    allow_reuse_address = sys.platform != "win32"

    def __init__(self, address: Tuple[str, int], family: int, mock: MockCashfree) -> None:
        self.address_family = family
        self.mock = mock
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can take seconds; not needed.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, OSError) and (
            self.mock._stopping.is_set() or isinstance(exc, (ConnectionError, TimeoutError))
        ):
            return  # a client that went away (timed out, retried) or a stop: normal here
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = f"cashfree-pg-mock/{__version__}"
    sys_version = ""

    @property
    def mock(self) -> MockCashfree:
        server = self.server
        assert isinstance(server, _Server)
        return server.mock

    def setup(self) -> None:
        super().setup()
        # Without this, each response waits for the client's delayed ACK (~40 ms) under Nagle.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if not self.mock._track(self.connection):  # the mock is stopping: serve nothing
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.mock._untrack(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: tests read mock.requests instead

    def _handle(self) -> None:
        mock = self.mock
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
        fault = mock._receive(record)
        if fault is not None and fault.kind == "stall":
            mock._stopping.wait(fault.seconds)
            fault = _Fault("drop") if mock._stopping.is_set() else None
        if fault is not None and fault.kind == "drop":
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault is not None:
            status, payload, headers = fault.status, fault.body, dict(fault.headers)
        else:
            status, payload, headers = mock._answer(record)
        headers.setdefault("x-request-id", record.headers.get("x-request-id") or str(uuid.uuid4()))
        if mock._stopping.is_set():
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


class MockCashfree:
    """A stateful fake of the Token Vault service on ``http://127.0.0.1:<free port>/pg``.

    ::

        with MockCashfree() as mock:
            card = mock.add_instrument("customer_1")
            cashfree = mock.client()
            response = cashfree.PGCustomerFetchInstrument(
                x_api_version="2022-09-01", customer_id="customer_1", instrument_id=card.instrument_id
            )

    It answers the four operations as the service does (see docs/Testing.md), records every
    request in ``requests``, and can be told to fail, stall or drop the next requests. It is
    safe to use from many threads, and only ever listens on a loopback address.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        partner_api_key: Optional[str] = None,
        instruments: Optional[Iterable[Mapping[str, Any]]] = None,
    ) -> None:
        """``port`` 0 picks a free port. Requests must carry ``client_id`` and
        ``client_secret`` (or ``partner_api_key``, when one is set). ``instruments`` are saved
        first, each a mapping with ``customer_id`` and any ``add_instrument`` keywords."""
        self._address = _loopback(host)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be a whole number from 0 to 65535, got {port!r}")
        self._port = port
        self.client_id = client_id
        self.client_secret = client_secret
        self.partner_api_key = partner_api_key
        self._lock = threading.Lock()
        self._saved: Dict[str, _Saved] = {}
        self._requests: List[RecordedRequest] = []
        self._faults: List[_Fault] = []
        self._idempotent: OrderedDict[str, Tuple[str, int, bytes]] = OrderedDict()
        self._life = threading.Lock()
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._waker: Optional[Tuple[socket.socket, socket.socket]] = None
        self._url: Optional[str] = None
        self._stopping = threading.Event()
        self._connections: Dict[socket.socket, threading.Thread] = {}
        for item in instruments or ():
            fields = dict(item)
            customer_id = fields.pop("customer_id", None)
            if not isinstance(customer_id, str):
                raise ValueError(f"each instrument needs a customer_id string, got {item!r}")
            self.add_instrument(customer_id, **fields)

    # -- lifetime ---------------------------------------------------------------------------

    def start(self) -> MockCashfree:
        """Start serving in a background thread (a no-op when already serving). Raises
        OSError when the port cannot be bound (already in use, ...)."""
        with self._life:
            if self._server is not None:
                return self
            address, family = self._address
            self._stopping.clear()
            server = _Server((address, self._port), family, self)
            host, port = str(server.server_address[0]), int(server.server_address[1])
            shown = f"[{host}]" if family == socket.AF_INET6 else host
            self._url = f"http://{shown}:{port}/pg"
            waker = socket.socketpair()
            thread = threading.Thread(
                target=self._serve, args=(server, waker[0]), name=f"MockCashfree:{port}", daemon=True
            )
            thread.start()
            self._server, self._thread, self._waker = server, thread, waker
            return self

    def _serve(self, server: _Server, waker: socket.socket) -> None:
        # serve_forever() polls for a stop every poll_interval; this loop sleeps until a
        # connection arrives or stop() writes to the waker, so that stop() is immediate.
        with selectors.DefaultSelector() as selector:
            selector.register(server, selectors.EVENT_READ)
            selector.register(waker, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is server and not self._stopping.is_set():
                        server.handle_request()  # ready: accepts at once, handled in a new thread

    def stop(self) -> None:
        """Stop serving: close the listening socket and every open connection, wake stalled
        requests, and wait for the handler threads. Safe to call more than once."""
        with self._life:
            server, thread, waker = self._server, self._thread, self._waker
            if server is None or thread is None or waker is None:
                return
            self._server = self._thread = self._waker = None
            with self._lock:
                self._stopping.set()
                connections = list(self._connections.items())
            with contextlib.suppress(OSError):
                waker[1].send(b"x")
            thread.join()
            server.server_close()
            for sock in waker:
                sock.close()
            for conn, _ in connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
            for _, handler in connections:
                if handler is not threading.current_thread():
                    handler.join(_STOP_JOIN_SECONDS)

    def __enter__(self) -> MockCashfree:
        return self.start()

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the mock is serving."""
        return self._server is not None

    @property
    def url(self) -> str:
        """The base URL, ``http://127.0.0.1:<port>/pg`` (set once started)."""
        if self._url is None:
            raise RuntimeError("MockCashfree is not started: use `with MockCashfree() as mock:` or mock.start()")
        return self._url

    # -- clients ----------------------------------------------------------------------------

    def client(self, **kwargs: Any) -> Cashfree:
        """A ``Cashfree`` pointed at the mock with its credentials; ``kwargs`` go to
        ``Cashfree(...)`` and may replace any of them (``XClientSecret="wrong"``, ...)."""
        options: Dict[str, Any] = {
            "XClientId": self.client_id,
            "XClientSecret": self.client_secret,
            "base_url": self.url,
        }
        options.update(kwargs)
        return Cashfree(**options)

    def environ(self) -> Dict[str, str]:
        """The environment variables that point ``Cashfree()`` at the mock, for
        ``monkeypatch.setenv`` or a subprocess (class attributes still win over them)."""
        return {
            "CASHFREE_BASE_URL": self.url,
            "CASHFREE_CLIENT_ID": self.client_id,
            "CASHFREE_CLIENT_SECRET": self.client_secret,
        }

    # -- state ------------------------------------------------------------------------------

    def add_instrument(
        self, customer_id: str, *, network_token: Optional[Mapping[str, Any]] = None, **fields: Any
    ) -> InstrumentEntity:
        """Save an instrument for ``customer_id`` and return it as the service would.

        Every field has a realistic default (a UUID ``instrument_id``, a masked
        ``instrument_display``, a 64-hex ``instrument_uid``, ``ACTIVE``, a VISA debit card of
        HDFC Bank with token details); ``fields`` replace them, fields the SDK does not know
        included. ``instrument_meta`` is merged over the default one. ``network_token`` sets
        what a cryptogram request returns besides the cryptogram (``card_number``,
        ``token_requestor_id``, ``card_expiry_mm``, ``card_expiry_yy``, ``card_display``); each
        request gets a fresh ``cryptogram`` unless a fixed one is given there.
        """
        if not isinstance(customer_id, str) or not customer_id:
            raise ValueError(f"customer_id must be a non-empty string, got {customer_id!r}")
        data = _default_instrument(customer_id)
        given = _plain(fields)
        meta = given.pop("instrument_meta", data["instrument_meta"])
        if isinstance(meta, dict):
            meta = {**data["instrument_meta"], **meta}
        data.update(given)
        data["instrument_meta"] = meta
        instrument_id = data.get("instrument_id")
        if not isinstance(instrument_id, str) or not instrument_id:
            raise ValueError(f"instrument_id must be a non-empty string, got {instrument_id!r}")
        if network_token is not None and not isinstance(network_token, Mapping):
            raise TypeError(f"network_token must be a mapping, got {type(network_token).__name__}")
        token = _default_token(data)
        token.update(_plain(network_token or {}))
        try:
            json.dumps([data, token])
        except (TypeError, ValueError) as exc:
            raise TypeError(f"instrument fields must be JSON data: {exc}") from None
        with self._lock:
            if instrument_id in self._saved:
                raise ValueError(f"an instrument with instrument_id {instrument_id!r} is already saved")
            self._saved[instrument_id] = _Saved(data, token)
            return InstrumentEntity.model_validate(copy.deepcopy(data))

    def instrument(self, instrument_id: str) -> InstrumentEntity:
        """The saved instrument as it is now (deleted ones included); KeyError if unknown."""
        with self._lock:
            return InstrumentEntity.model_validate(copy.deepcopy(self._saved[instrument_id].data))

    def instruments(self, customer_id: Optional[str] = None) -> List[InstrumentEntity]:
        """Every saved instrument (of ``customer_id``, when given), deleted ones included."""
        with self._lock:
            found = [s.data for s in self._saved.values() if customer_id is None or s.customer_id == customer_id]
            return [InstrumentEntity.model_validate(copy.deepcopy(d)) for d in found]

    def set_instrument_status(self, instrument_id: str, status: str) -> InstrumentEntity:
        """Change an instrument's ``instrument_status`` (``INACTIVE`` is deleted); KeyError if unknown."""
        with self._lock:
            saved = self._saved[instrument_id]
            saved.data["instrument_status"] = status
            return InstrumentEntity.model_validate(copy.deepcopy(saved.data))

    # -- requests ---------------------------------------------------------------------------

    @property
    def requests(self) -> List[RecordedRequest]:
        """Every request received so far, oldest first (a copy)."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Forget the requests received so far."""
        with self._lock:
            self._requests.clear()

    # -- faults -----------------------------------------------------------------------------

    def fail_next(
        self,
        status: int,
        times: int = 1,
        body: JsonBody = None,
        retry_after: Union[int, float, str, None] = None,
    ) -> None:
        """Answer the next ``times`` requests, whatever they are, with ``status``.

        ``body`` is JSON data, or ``str``/``bytes`` sent as they are (an HTML page from a
        proxy, say); by default the service's error body for that status. ``retry_after`` sets
        a ``Retry-After`` header (seconds, or an HTTP date as a string).
        """
        if not isinstance(status, int) or not 200 <= status <= 599:
            raise ValueError(f"status must be an HTTP status from 200 to 599, got {status!r}")
        headers: Dict[str, str] = {}
        if body is None:
            if status >= 400:
                generic = ("api_error", "internal_error", "server error")
                if status < 500:
                    generic = ("invalid_request_error", "request_failed", "request failed")
                type_, code, message = _FAULT_BODIES.get(status, generic)
                payload = _json({"message": message, "code": code, "type": type_})
                headers["Content-Type"] = "application/json"
            else:
                payload = b""
        elif isinstance(body, (bytes, str)):
            payload = body.encode() if isinstance(body, str) else body
            looks_html = payload.lstrip()[:1] == b"<"
            headers["Content-Type"] = f"text/{'html' if looks_html else 'plain'}; charset=utf-8"
        else:
            payload = _json(_plain(body))
            headers["Content-Type"] = "application/json"
        if retry_after is not None:
            headers["Retry-After"] = f"{retry_after:g}" if isinstance(retry_after, float) else str(retry_after)
        self._add_faults(times, _Fault("fail", status, payload, headers))

    def stall_next(self, seconds: float, times: int = 1) -> None:
        """Wait ``seconds`` before handling each of the next ``times`` requests (then answer
        them normally: a client that gave up by then gets nothing, but the request was acted on)."""
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0, got {seconds!r}")
        self._add_faults(times, _Fault("stall", seconds=float(seconds)))

    def drop_next(self, times: int = 1) -> None:
        """Close the connection of each of the next ``times`` requests without answering."""
        self._add_faults(times, _Fault("drop"))

    def _add_faults(self, times: int, fault: _Fault) -> None:
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise ValueError(f"times must be a whole number >= 1, got {times!r}")
        with self._lock:
            self._faults.extend([fault] * times)

    # -- serving (called from the handler threads) ------------------------------------------

    def _track(self, conn: socket.socket) -> bool:
        with self._lock:
            if self._stopping.is_set():
                return False
            self._connections[conn] = threading.current_thread()
            return True

    def _untrack(self, conn: socket.socket) -> None:
        with self._lock:
            self._connections.pop(conn, None)

    def _receive(self, record: RecordedRequest) -> Optional[_Fault]:
        with self._lock:
            self._requests.append(record)
            return self._faults.pop(0) if self._faults else None

    def _answer(self, req: RecordedRequest) -> _Reply:
        headers = {"Content-Type": "application/json"}
        version = req.headers.get("x-api-version")
        if version:
            headers["x-api-version"] = version
        with self._lock:
            try:
                status, payload = self._route(req)
            except Exception as exc:  # a bug in the mock: say so, as the service's 500 would
                import traceback

                traceback.print_exc()
                status, payload = (
                    500,
                    _json({"message": f"mock error: {exc!r}", "code": "internal_error", "type": "api_error"}),
                )
        return status, payload, headers

    def _route(self, req: RecordedRequest) -> Tuple[int, bytes]:
        parts = req.path.split("/")
        route = None
        if len(parts) >= 5 and parts[:3] == ["", "pg", "customers"] and parts[3] and parts[4] == "instruments":
            rest = parts[5:]
            if not rest:
                route = "list"
            elif len(rest) == 1 and rest[0]:
                route = "instrument"
            elif len(rest) == 2 and rest[0] and rest[1] == "cryptogram":
                route = "cryptogram"
        if route is None:
            return self._reply(*_error(404, "invalid_request_error", "request_url_invalid", f"no such URL: {req.path}"))
        allowed = ("GET", "DELETE") if route == "instrument" else ("GET",)
        if req.method not in allowed:
            return self._reply(
                *_error(405, "invalid_request_error", "request_method_invalid", f"{req.method} is not allowed here")
            )
        h = req.headers
        partner_ok = self.partner_api_key is not None and h.get("x-partner-apikey") == self.partner_api_key
        if not partner_ok and not (
            h.get("x-client-id") == self.client_id and h.get("x-client-secret") == self.client_secret
        ):
            return self._reply(*_error(401, "authentication_error", "request_failed", "authentication Failed"))
        version = h.get("x-api-version")
        if not version:
            return self._reply(
                *_error(
                    400, "invalid_request_error", "version_invalid", "x-api-version header is missing in the request"
                )
            )
        if not _valid_api_version(version):
            return self._reply(
                *_error(400, "invalid_request_error", "version_invalid", "x-api-version should be a date: YYYY-MM-DD")
            )

        key = h.get("x-idempotency-key")
        target = req.method + " " + req.path + "?" + "&".join(f"{k}={v}" for k, v in sorted(req.query.items()))
        if key:
            seen = self._idempotent.get(key)
            if seen is not None:
                if seen[0] != target:
                    return self._reply(
                        *_error(
                            422,
                            "idempotency_error",
                            "idempotency_key_reused",
                            "this x-idempotency-key was used with a different request",
                        )
                    )
                return seen[1], seen[2]

        customer_id = unquote(parts[3])
        status, body = self._operate(route, req, customer_id, unquote(parts[5]) if route != "list" else "")
        status, payload = self._reply(status, body)
        if key and 200 <= status < 300:
            self._idempotent[key] = (target, status, payload)
            if len(self._idempotent) > _IDEMPOTENCY_MEMORY:
                self._idempotent.popitem(last=False)
        return status, payload

    @staticmethod
    def _reply(status: int, body: Any) -> Tuple[int, bytes]:
        return status, _json(body)

    def _operate(self, route: str, req: RecordedRequest, customer_id: str, instrument_id: str) -> Tuple[int, Any]:
        if route == "list":
            wanted = req.query.get("instrument_type")
            if not wanted:
                return _error(
                    400, "invalid_request_error", "instrument_type_missing", "instrument_type is missing in the request"
                )
            return 200, [
                s.data
                for s in self._saved.values()
                if s.customer_id == customer_id and s.status == ACTIVE and s.data.get("instrument_type") == wanted
            ]
        saved = self._saved.get(instrument_id)
        if saved is None or saved.customer_id != customer_id:
            return _error(404, "invalid_request_error", "instrument_not_found", "instrument not found")
        if req.method == "DELETE":
            if saved.status == INACTIVE:
                return _error(
                    409, "invalid_request_error", "instrument_already_deleted", "instrument is already deleted"
                )
            saved.data["instrument_status"] = INACTIVE
            return 200, saved.data
        if saved.status == INACTIVE:
            return _error(404, "invalid_request_error", "instrument_not_found", "instrument not found")
        if route == "instrument":
            return 200, saved.data
        if saved.status != ACTIVE:
            return _error(
                400, "invalid_request_error", "instrument_id_invalid", f"instrument is {saved.status}, not ACTIVE"
            )
        token = dict(saved.token)
        cryptogram = token.pop("cryptogram", None) or base64.b64encode(secrets.token_bytes(20)).decode()
        return 200, {"instrument_id": instrument_id, **token, "cryptogram": cryptogram}

    def __repr__(self) -> str:
        where = self._url or "not started"
        return f"MockCashfree({where}, {len(self._saved)} instruments)"


def port_in_use(exc: OSError) -> bool:
    """Whether ``exc`` (from ``start()``) means the port is already taken."""
    return exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1))
