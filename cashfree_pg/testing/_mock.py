"""``MockCashfree``: a stateful fake of the Token Vault service, served over real HTTP on loopback.

The HTTP layer is in ``_server``, the service's answers in ``_service``, the default data in
``_fakes``; this module holds the state they share and the public methods.
"""

from __future__ import annotations

import copy
import json
import socket
import threading
from types import TracebackType
from typing import Any, Dict, Iterable, List, Mapping, Optional, Type, Union

from cashfree_pg.api_client import Cashfree
from cashfree_pg.models.instrument_entity import InstrumentEntity
from cashfree_pg.testing._fakes import default_instrument, default_token
from cashfree_pg.testing._records import Fault, JsonBody, RecordedRequest, Reply, SavedInstrument, plain
from cashfree_pg.testing._server import LoopbackServer, loopback_address
from cashfree_pg.testing._service import Vault

__all__ = ["MockCashfree", "RecordedRequest"]

DEFAULT_CLIENT_ID = "test_client_id"
DEFAULT_CLIENT_SECRET = "test_client_secret"


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
        self._address = loopback_address(host)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be a whole number from 0 to 65535, got {port!r}")
        self._port = port
        self.client_id = client_id
        self.client_secret = client_secret
        self.partner_api_key = partner_api_key
        self._lock = threading.Lock()  # the handler threads share the vault, requests and faults
        self._vault = Vault()
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

    # -- lifetime ---------------------------------------------------------------------------

    def start(self) -> MockCashfree:
        """Start serving in a background thread (a no-op when already serving). Raises
        OSError when the port cannot be bound (already in use, ...)."""
        with self._life:
            if self._server is not None:
                return self
            address, family = self._address
            server = LoopbackServer((address, self._port), family, self._receive, self._answer)
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
            if instrument_id in self._vault.saved:
                raise ValueError(f"an instrument with instrument_id {instrument_id!r} is already saved")
            self._vault.saved[instrument_id] = SavedInstrument(data, token)
            return InstrumentEntity.model_validate(copy.deepcopy(data))

    def instrument(self, instrument_id: str) -> InstrumentEntity:
        """The saved instrument as it is now (deleted ones included); KeyError if unknown."""
        with self._lock:
            return InstrumentEntity.model_validate(copy.deepcopy(self._vault.saved[instrument_id].data))

    def instruments(self, customer_id: Optional[str] = None) -> List[InstrumentEntity]:
        """Every saved instrument (of ``customer_id``, when given), deleted ones included."""
        with self._lock:
            found = [s.data for s in self._vault.saved.values() if customer_id is None or s.customer_id == customer_id]
            return [InstrumentEntity.model_validate(copy.deepcopy(d)) for d in found]

    def set_instrument_status(self, instrument_id: str, status: str) -> InstrumentEntity:
        """Change an instrument's ``instrument_status`` (``INACTIVE`` is deleted); KeyError if unknown."""
        with self._lock:
            saved = self._vault.saved[instrument_id]
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
        self._add_faults(times, Fault.fail(status, body, retry_after))

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

    def _answer(self, req: RecordedRequest) -> Reply:
        with self._lock:
            return self._vault.answer(
                req, client_id=self.client_id, client_secret=self.client_secret, partner_api_key=self.partner_api_key
            )

    def __repr__(self) -> str:
        where = self._url or "not started"
        return f"MockCashfree({where}, {len(self._vault.saved)} instruments)"
