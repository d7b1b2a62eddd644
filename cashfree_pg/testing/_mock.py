"""``MockCashfree``: a stateful fake of the Token Vault service, served over real HTTP on loopback.

The HTTP layer is in ``_server``, the service's answers in ``_service`` (routed from the SDK's
operations table by ``_routes``), the credential check in ``_auth``, the rate limit in
``_limits``, the default data in ``_fakes``; this module holds the state they share and the
public methods.
"""

from __future__ import annotations

import copy
import json
import math
import socket
import threading
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Type, Union

from cashfree_pg._facade import Cashfree
from cashfree_pg.models.instrument_entity import InstrumentEntity
from cashfree_pg.testing._auth import CLIENT_KEYWORDS, Credentials
from cashfree_pg.testing._fakes import default_instrument, default_token
from cashfree_pg.testing._limits import RateLimit
from cashfree_pg.testing._records import (
    Fault,
    JsonBody,
    RecordedRequest,
    Reply,
    SavedInstrument,
    default_error,
    error_body,
    plain,
    to_json,
)
from cashfree_pg.testing._server import IDLE_TIMEOUT, LoopbackServer, loopback_address
from cashfree_pg.testing._service import DEFAULT_API_VERSION, Service, valid_api_version

if TYPE_CHECKING:
    from cashfree_pg._async_client import AsyncCashfree  # httpx is optional: imported when used

__all__ = ["MockCashfree", "MockInstrument", "RecordedRequest"]

DEFAULT_CLIENT_ID = "test_client_id"
DEFAULT_CLIENT_SECRET = "test_client_secret"


class MockInstrument(InstrumentEntity):
    """An instrument as the mock saved it: an ``InstrumentEntity`` whose ``customer_id`` and
    ``instrument_id`` are always strings (the mock checks them when saving), so that a test
    under ``mypy --strict`` can pass them on without a ``None`` check. It compares equal to an
    ``InstrumentEntity`` with the same fields, such as the one a call returns."""

    customer_id: str
    instrument_id: str

    def __eq__(self, other: object) -> bool:
        if isinstance(other, InstrumentEntity):
            return self.model_dump() == other.model_dump()
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as every model


def _saved(data: Mapping[str, Any]) -> MockInstrument:
    return MockInstrument.model_validate(copy.deepcopy(data))


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
    request in ``requests``, and can be told to fail, stall or drop the next requests, or to
    rate-limit. It is safe to use from many threads, and only ever listens on a loopback address.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        partner_api_key: Optional[str] = None,
        partner_merchant_id: Optional[str] = None,
        client_signature: Optional[str] = None,
        instruments: Optional[Iterable[Mapping[str, Any]]] = None,
        rate_limit: Optional[int] = None,
        rate_limit_window: float = 1.0,
        idle_timeout: float = IDLE_TIMEOUT,
    ) -> None:
        """``port`` 0 picks a free port.

        Without credentials, any request carrying one of the four documented credential sets
        with non-empty values is authenticated. Given credentials are enforced exactly: a
        request must carry one of the documented sets they complete (``client_id`` with
        ``client_secret``, ``partner_api_key`` or ``client_signature``; ``partner_merchant_id``
        with ``partner_api_key``) with these values, else 401.

        ``instruments`` are saved first, each a mapping with ``customer_id`` and any
        ``add_instrument`` keywords. ``rate_limit`` requests per ``rate_limit_window`` seconds
        turns the rate limit on (see ``set_rate_limit``). A connection silent for
        ``idle_timeout`` seconds is closed.
        """
        self._address = loopback_address(host)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be a whole number from 0 to 65535, got {port!r}")
        if (
            isinstance(idle_timeout, bool)
            or not isinstance(idle_timeout, (int, float))
            or not 0 < idle_timeout < math.inf
        ):
            raise ValueError(f"idle_timeout must be a number of seconds > 0, got {idle_timeout!r}")
        self._port = port
        self._idle_timeout = float(idle_timeout)
        credentials = Credentials(
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "partner_api_key": partner_api_key,
                "partner_merchant_id": partner_merchant_id,
                "client_signature": client_signature,
            }
        )
        if credentials.any:
            client_id, client_secret = DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET
        #: The credentials ``client()`` and ``environ()`` use: the enforced ones, or test values
        #: (``test_client_id`` / ``test_client_secret``) when any are accepted.
        self.client_id = client_id
        self.client_secret = client_secret
        self.partner_api_key = partner_api_key
        self.partner_merchant_id = partner_merchant_id
        self.client_signature = client_signature
        self._lock = threading.Lock()  # the handler threads share the service, requests and faults
        self._service = Service(credentials)
        self._limit = RateLimit(rate_limit, rate_limit_window)
        self._requests: List[RecordedRequest] = []
        self._faults: List[Fault] = []
        self._life = threading.Lock()  # serializes start() and stop()
        self._server: Optional[LoopbackServer] = None
        self._url: Optional[str] = None
        for item in instruments or ():
            fields = dict(item)
            customer_id = fields.pop("customer_id", None)
            if not isinstance(customer_id, str):
                raise ValueError(f"each instrument needs a customer_id string, got {item!r}")
            self.add_instrument(customer_id, **fields)

    @property
    def accepts_any_credentials(self) -> bool:
        """Whether any non-empty credentials are accepted (no credentials were given)."""
        return self._service.credentials.any

    # -- lifetime ---------------------------------------------------------------------------

    def start(self) -> MockCashfree:
        """Start serving in a background thread (a no-op when already serving). Raises
        OSError when the port cannot be bound (already in use, ...)."""
        with self._life:
            if self._server is not None:
                return self
            address, family = self._address
            server = LoopbackServer(
                (address, self._port), family, self._receive, self._answer, self._refuse, self._idle_timeout
            )
            host, port = str(server.server_address[0]), int(server.server_address[1])
            shown = f"[{host}]" if family == socket.AF_INET6 else host
            self._url = f"http://{shown}:{port}/pg"
            server.serve_in_background()
            self._server = server
            return self

    def stop(self) -> None:
        """Stop serving: close the listening socket and every open connection, wake stalled
        requests, and wait for the handler threads. Safe to call more than once."""
        with self._life:
            server, self._server = self._server, None
            if server is not None:
                server.stop()

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
        """A ``Cashfree`` pointed at the mock with its credentials (the first documented set the
        enforced ones complete, or the test ones); ``kwargs`` go to ``Cashfree(...)`` and may
        replace any of them (``XClientSecret="wrong"``, ...)."""
        return Cashfree(**self._client_options(kwargs))

    def async_client(self, **kwargs: Any) -> AsyncCashfree:
        """``client()``'s ``AsyncCashfree`` twin (needs the ``async`` extra): the same credentials
        and keywords. Use it in an ``async with`` block, or ``await`` its ``close()``."""
        from cashfree_pg._async_client import AsyncCashfree

        return AsyncCashfree(**self._client_options(kwargs))

    def _client_options(self, kwargs: Mapping[str, Any]) -> Dict[str, Any]:
        options: Dict[str, Any] = {"base_url": self.url}
        combinations = self._service.credentials.combinations or (("client_id", "client_secret"),)
        for name in combinations[0]:
            options[CLIENT_KEYWORDS[name]] = getattr(self, name)
        options.update(kwargs)
        return options

    def environ(self) -> Dict[str, str]:
        """The environment variables that point ``Cashfree()`` at the mock, for
        ``monkeypatch.setenv`` or a subprocess (class attributes still win over them). The
        credentials are included when they are a client id and secret."""
        env = {"CASHFREE_BASE_URL": self.url}
        if self.client_id and self.client_secret:
            env["CASHFREE_CLIENT_ID"] = self.client_id
            env["CASHFREE_CLIENT_SECRET"] = self.client_secret
        return env

    # -- state ------------------------------------------------------------------------------

    def add_instrument(
        self, customer_id: str, *, network_token: Optional[Mapping[str, Any]] = None, **fields: Any
    ) -> MockInstrument:
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
        data = default_instrument(customer_id)
        given = plain(fields)
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
        token = default_token(data)
        token.update(plain(network_token or {}))
        try:
            json.dumps([data, token])
        except (TypeError, ValueError) as exc:
            raise TypeError(f"instrument fields must be JSON data: {exc}") from None
        with self._lock:
            if instrument_id in self._service.saved:
                raise ValueError(f"an instrument with instrument_id {instrument_id!r} is already saved")
            self._service.saved[instrument_id] = SavedInstrument(data, token)
            return _saved(data)

    def instrument(self, instrument_id: str) -> MockInstrument:
        """The saved instrument as it is now (deleted ones included); KeyError if unknown."""
        with self._lock:
            return _saved(self._service.saved[instrument_id].data)

    def instruments(self, customer_id: Optional[str] = None) -> List[MockInstrument]:
        """Every saved instrument (of ``customer_id``, when given), deleted ones included."""
        with self._lock:
            saved = self._service.saved.values()
            return [_saved(s.data) for s in saved if customer_id is None or s.customer_id == customer_id]

    def set_instrument_status(self, instrument_id: str, status: str) -> MockInstrument:
        """Change an instrument's ``instrument_status`` (``INACTIVE`` is deleted); KeyError if unknown."""
        with self._lock:
            saved = self._service.saved[instrument_id]
            saved.data["instrument_status"] = status
            return _saved(saved.data)

    def delete_count(self, instrument_id: str) -> int:
        """How many DELETE requests actually changed this instrument (0 for an unknown id):
        replays of an idempotency key and 404 / 409 answers are not counted."""
        with self._lock:
            return self._service.deletes.get(instrument_id, 0)

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
        a ``Retry-After`` header (seconds, or an HTTP date as a string). A 429 also carries
        Cashfree's ``x-ratelimit-retry``: ``retry_after`` rounded up to whole seconds, else 1.
        """
        if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
            raise ValueError(f"status must be an HTTP status from 200 to 599, got {status!r}")
        if isinstance(retry_after, bool) or (isinstance(retry_after, (int, float)) and not 0 <= retry_after < math.inf):
            raise ValueError(f"retry_after must be seconds >= 0 or an HTTP date, got {retry_after!r}")
        self._add_faults(times, Fault.fail(status, body, retry_after))

    def set_rate_limit(self, limit: Optional[int], window: float = 1.0) -> None:
        """Allow at most ``limit`` requests per ``window`` seconds (``None``: no limit, the
        default). Windows are fixed, the first starting now; a request over the limit gets the
        documented 429 (``rate_limit_error``) with ``x-ratelimit-retry`` set to the whole
        seconds left in the window (at least 1). Every answer says ``x-ratelimit-limit`` and
        ``-remaining``. Requests answered by ``fail_next`` / ``drop_next`` are not counted."""
        limiter = RateLimit(limit, window)
        with self._lock:
            self._limit = limiter

    def stall_next(self, seconds: float, times: int = 1) -> None:
        """Wait ``seconds`` before handling each of the next ``times`` requests (then answer
        them normally: a client that gave up by then gets nothing, but the request was acted on)."""
        if not isinstance(seconds, (int, float)) or seconds < 0:
            raise ValueError(f"seconds must be a number >= 0, got {seconds!r}")
        self._add_faults(times, Fault("stall", seconds=float(seconds)))

    def drop_next(self, times: int = 1) -> None:
        """Close the connection of each of the next ``times`` requests without answering."""
        self._add_faults(times, Fault("drop"))

    def _add_faults(self, times: int, fault: Fault) -> None:
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise ValueError(f"times must be a whole number >= 1, got {times!r}")
        with self._lock:
            self._faults.extend([fault] * times)

    # -- serving (called from the handler threads) ------------------------------------------

    def _receive(self, record: RecordedRequest) -> Optional[Fault]:
        with self._lock:
            self._requests.append(record)
            return self._faults.pop(0) if self._faults else None

    def _answer(self, req: RecordedRequest, fault: Optional[Fault]) -> Reply:
        with self._lock:
            refused = False
            if fault is not None:
                status, payload, headers = fault.status, fault.body, dict(fault.headers)
            elif not self._limit.take():
                refused = True
                status, payload, headers = 429, default_error(429), {"Content-Type": "application/json"}
            else:
                status, payload, headers = self._service.answer(req)
            return status, payload, self._with_common_headers(headers, req.headers, refused)

    def _refuse(self, status: int, message: str, request_headers: Mapping[str, str]) -> Reply:
        """The answer to a request the HTTP layer refused (malformed, too large)."""
        payload = to_json(error_body("invalid_request_error", "request_invalid", message))
        if status == 413:
            payload = default_error(413)
        headers = {k.lower(): v for k, v in request_headers.items()}
        with self._lock:
            return status, payload, self._with_common_headers({"Content-Type": "application/json"}, headers, False)

    def _with_common_headers(
        self, headers: Dict[str, str], request_headers: Mapping[str, str], refused: bool
    ) -> Dict[str, str]:
        """What every answer carries: the request id echoed (empty when none was sent, as the
        document says), the API version, and the rate limit's state."""
        version = request_headers.get("x-api-version")
        headers.setdefault("x-request-id", request_headers.get("x-request-id", ""))
        headers.setdefault("x-api-version", version if version and valid_api_version(version) else DEFAULT_API_VERSION)
        for name, value in self._limit.headers(refused).items():
            headers.setdefault(name, value)
        return headers

    def __repr__(self) -> str:
        where = self._url or "not started"
        return f"MockCashfree({where}, {len(self._service.saved)} instruments)"
