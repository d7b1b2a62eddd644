"""The Token Vault endpoints as data, and their official methods, declared once.

``TokenVaultMethods`` holds the four ``PG...`` methods; ``TokenVaultApi`` (the official class),
``Cashfree`` and ``AsyncCashfree`` inherit them and differ only in what ``_invoke`` hands the
call to (``_declare`` says how type checkers see them on each).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence

from cashfree_pg._declare import SyncShell, declared
from cashfree_pg.operation import Operation

if TYPE_CHECKING:
    from cashfree_pg.api_client import ApiClient
    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity

_INSTRUMENTS = "/customers/{customer_id}/instruments"
_INSTRUMENT = _INSTRUMENTS + "/{instrument_id}"

FETCH_INSTRUMENTS = Operation(
    "PGCustomerFetchInstruments",
    "GET",
    _INSTRUMENTS,
    ("customer_id", "instrument_type"),
    "instrument_entity:InstrumentEntity",
    many=True,
)
FETCH_INSTRUMENT = Operation(
    "PGCustomerFetchInstrument",
    "GET",
    _INSTRUMENT,
    ("customer_id", "instrument_id"),
    "instrument_entity:InstrumentEntity",
)
DELETE_INSTRUMENT = Operation(
    "PGCustomerDeleteInstrument",
    "DELETE",
    _INSTRUMENT,
    ("customer_id", "instrument_id"),
    "instrument_entity:InstrumentEntity",
    idempotent_key=True,
)
FETCH_CRYPTOGRAM = Operation(
    "PGCustomerInstrumentsFetchCryptogram",
    "GET",
    _INSTRUMENT + "/cryptogram",
    ("customer_id", "instrument_id"),
    "cryptogram_entity:CryptogramEntity",
)
#: Every operation, for code that routes or documents by table (the testing kit's fake service).
OPERATIONS = (FETCH_INSTRUMENTS, FETCH_INSTRUMENT, DELETE_INSTRUMENT, FETCH_CRYPTOGRAM)


class TokenVaultMethods:
    """The four saved-instrument operations, with the official SDK's signatures, declared once
    for every client (``_declare``): each hands its operation and arguments to ``_invoke``."""

    # (operation, x_api_version, arguments, x_request_id, x_idempotency_key, options) -> result
    _invoke: Callable[[Operation, Optional[str], Sequence[object], Optional[str], Optional[str], Dict[str, Any]], Any]

    @declared
    def PGCustomerFetchInstruments(
        self,
        /,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_type: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[List[InstrumentEntity]]:
        """GET /customers/{customer_id}/instruments?instrument_type=...: all saved instruments."""
        return self._invoke(  # type: ignore[no-any-return]
            FETCH_INSTRUMENTS, x_api_version, (customer_id, instrument_type), x_request_id, x_idempotency_key, kwargs
        )

    @declared
    def PGCustomerFetchInstrument(
        self,
        /,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_id: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[InstrumentEntity]:
        """GET /customers/{customer_id}/instruments/{instrument_id}: one saved instrument."""
        return self._invoke(  # type: ignore[no-any-return]
            FETCH_INSTRUMENT, x_api_version, (customer_id, instrument_id), x_request_id, x_idempotency_key, kwargs
        )

    @declared
    def PGCustomerDeleteInstrument(
        self,
        /,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_id: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[InstrumentEntity]:
        """DELETE /customers/{customer_id}/instruments/{instrument_id}: always carries an
        idempotency key (the caller's, or a generated one), so retries cannot act twice."""
        return self._invoke(  # type: ignore[no-any-return]
            DELETE_INSTRUMENT, x_api_version, (customer_id, instrument_id), x_request_id, x_idempotency_key, kwargs
        )

    @declared
    def PGCustomerInstrumentsFetchCryptogram(
        self,
        /,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_id: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[CryptogramEntity]:
        """GET /customers/{customer_id}/instruments/{instrument_id}/cryptogram: a one-time cryptogram."""
        return self._invoke(  # type: ignore[no-any-return]
            FETCH_CRYPTOGRAM, x_api_version, (customer_id, instrument_id), x_request_id, x_idempotency_key, kwargs
        )


class TokenVaultApi(TokenVaultMethods, SyncShell):
    """The official generated class: ``TokenVaultApi(api_client).PGCustomerFetchInstruments(...)``.

    ``TokenVaultApi()`` with no client uses the one ``Cashfree()`` would build (class
    attributes, then environment variables), on first use.
    """

    def __init__(self, api_client: Optional[ApiClient] = None) -> None:
        self._api_client = api_client

    @property
    def api_client(self) -> ApiClient:
        if self._api_client is None:
            from cashfree_pg._shared import default_client

            self._api_client = default_client()
        return self._api_client

    def _invoke(self, *request: Any) -> Any:
        return self.api_client.call(*request)
