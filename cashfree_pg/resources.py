"""``cashfree.instruments``: the idiomatic surface, thin declarations over the operations table.

Each method names its operation and arguments; the client's one request path does the rest.
``instruments.list(...)`` returns the data; ``instruments.with_response.list(...)`` returns the
``ApiResponse`` (status, headers, request id, attempts, rate limit) of that same call, so no
"last response" state is ever kept on a client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence

from cashfree_pg.api.token_vault_api import DELETE_INSTRUMENT, FETCH_CRYPTOGRAM, FETCH_INSTRUMENT, FETCH_INSTRUMENTS
from cashfree_pg.operation import Operation

if TYPE_CHECKING:
    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity
    from cashfree_pg.policy import TimeoutLike


class _Resource:
    __slots__ = ("_client", "_shape")

    def __init__(self, client: Any, shape: str) -> None:
        self._client = client
        self._shape = shape

    def _run(
        self,
        op: Operation,
        args: Sequence[object],
        request_id: Optional[str],
        idempotency_key: Optional[str],
        timeout: Optional[TimeoutLike],
        call_timeout: Optional[float],
        max_retries: Optional[int],
    ) -> Any:
        options: Dict[str, Any] = {"_return_http_data_only": True} if self._shape == "data" else {}
        if timeout is not None:
            options["_request_timeout"] = timeout
        if call_timeout is not None:
            options["call_timeout"] = call_timeout
        if max_retries is not None:
            options["max_retries"] = max_retries
        return self._client._invoke(op, None, args, request_id, idempotency_key, options)


class InstrumentsWithResponse(_Resource):
    """The same methods as ``Instruments``, returning the whole ``ApiResponse``."""

    __slots__ = ()

    def list(
        self,
        customer_id: str,
        *,
        instrument_type: str = "card",
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> ApiResponse[List[InstrumentEntity]]:
        return self._run(  # type: ignore[no-any-return]
            FETCH_INSTRUMENTS, (customer_id, instrument_type), request_id, None, timeout, call_timeout, max_retries
        )

    def retrieve(
        self,
        customer_id: str,
        instrument_id: str,
        *,
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> ApiResponse[InstrumentEntity]:
        return self._run(  # type: ignore[no-any-return]
            FETCH_INSTRUMENT, (customer_id, instrument_id), request_id, None, timeout, call_timeout, max_retries
        )

    def delete(
        self,
        customer_id: str,
        instrument_id: str,
        *,
        idempotency_key: Optional[str] = None,
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> ApiResponse[InstrumentEntity]:
        return self._run(  # type: ignore[no-any-return]
            DELETE_INSTRUMENT,
            (customer_id, instrument_id),
            request_id,
            idempotency_key,
            timeout,
            call_timeout,
            max_retries,
        )

    def cryptogram(
        self,
        customer_id: str,
        instrument_id: str,
        *,
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> ApiResponse[CryptogramEntity]:
        return self._run(  # type: ignore[no-any-return]
            FETCH_CRYPTOGRAM, (customer_id, instrument_id), request_id, None, timeout, call_timeout, max_retries
        )


class Instruments(InstrumentsWithResponse):
    """A customer's saved cards: ``list``, ``retrieve``, ``delete``, ``cryptogram``. Each returns
    the data itself and uses the client's API version; ``with_response`` gives the responses."""

    __slots__ = ()

    def __init__(self, client: Any) -> None:
        super().__init__(client, "data")

    @property
    def with_response(self) -> InstrumentsWithResponse:
        return InstrumentsWithResponse(self._client, "response")

    if TYPE_CHECKING:  # the same calls as above, typed for the data they return

        def list(  # type: ignore[override]
            self,
            customer_id: str,
            *,
            instrument_type: str = "card",
            request_id: Optional[str] = None,
            timeout: Optional[TimeoutLike] = None,
            call_timeout: Optional[float] = None,
            max_retries: Optional[int] = None,
        ) -> List[InstrumentEntity]: ...

        def retrieve(  # type: ignore[override]
            self,
            customer_id: str,
            instrument_id: str,
            *,
            request_id: Optional[str] = None,
            timeout: Optional[TimeoutLike] = None,
            call_timeout: Optional[float] = None,
            max_retries: Optional[int] = None,
        ) -> InstrumentEntity: ...

        def delete(  # type: ignore[override]
            self,
            customer_id: str,
            instrument_id: str,
            *,
            idempotency_key: Optional[str] = None,
            request_id: Optional[str] = None,
            timeout: Optional[TimeoutLike] = None,
            call_timeout: Optional[float] = None,
            max_retries: Optional[int] = None,
        ) -> InstrumentEntity: ...

        def cryptogram(  # type: ignore[override]
            self,
            customer_id: str,
            instrument_id: str,
            *,
            request_id: Optional[str] = None,
            timeout: Optional[TimeoutLike] = None,
            call_timeout: Optional[float] = None,
            max_retries: Optional[int] = None,
        ) -> CryptogramEntity: ...
