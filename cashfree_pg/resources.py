"""``cashfree.instruments``: the idiomatic surface, thin declarations over the operations table.

Each method names its operation and arguments; the client's one request path does the rest.
``instruments.list(...)`` returns the data; ``instruments.with_response.list(...)`` returns the
``ApiResponse`` (status, headers, request id, attempts, rate limit) of that same call, so no
"last response" state is ever kept on a client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Coroutine, Dict, Generic, List, Optional, Sequence, TypeVar

from typing_extensions import Concatenate, ParamSpec

from cashfree_pg._declare import AsyncShell, SyncShell
from cashfree_pg.api.token_vault_api import DELETE_INSTRUMENT, FETCH_CRYPTOGRAM, FETCH_INSTRUMENT, FETCH_INSTRUMENTS
from cashfree_pg.operation import Operation

if TYPE_CHECKING:
    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity
    from cashfree_pg.policy import TimeoutLike

P = ParamSpec("P")
R = TypeVar("R")

if TYPE_CHECKING:
    from typing import overload

    class ResourceCall(Generic[P, R]):
        """How a type checker sees a resource call: the data, or its ``ApiResponse``, returned
        or awaited, depending on the class it is read from."""

        @overload
        def __get__(self, obj: None, owner: Any) -> ResourceCall[P, R]: ...
        @overload
        def __get__(self, obj: Instruments, owner: Any) -> Callable[P, R]: ...
        @overload
        def __get__(self, obj: InstrumentsWithResponse, owner: Any) -> Callable[P, ApiResponse[R]]: ...
        @overload
        def __get__(self, obj: AsyncInstruments, owner: Any) -> Callable[P, Coroutine[Any, Any, R]]: ...
        @overload
        def __get__(
            self, obj: AsyncInstrumentsWithResponse, owner: Any
        ) -> Callable[P, Coroutine[Any, Any, ApiResponse[R]]]: ...
        def __get__(self, obj: Any, owner: Any) -> Any: ...


def resource_call(method: Callable[Concatenate[Any, P], R]) -> ResourceCall[P, R]:
    """The method itself at run time (see ``cashfree_pg._declare``)."""
    return method  # type: ignore[return-value]


class _Resource:
    """The four calls, declared once for the four resource classes below: sync or async,
    returning the data or the whole ``ApiResponse`` (``_data_only``)."""

    __slots__ = ("_client",)
    _data_only = False

    def __init__(self, client: Any) -> None:
        self._client = client

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
        options: Dict[str, Any] = {"_return_http_data_only": True} if self._data_only else {}
        if timeout is not None:
            options["_request_timeout"] = timeout
        if call_timeout is not None:
            options["call_timeout"] = call_timeout
        if max_retries is not None:
            options["max_retries"] = max_retries
        return self._client._invoke(op, None, args, request_id, idempotency_key, options)

    @resource_call
    def list(
        self,
        customer_id: str,
        *,
        instrument_type: str = "card",
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> List[InstrumentEntity]:
        """The customer's saved instruments of this type (``card``)."""
        return self._run(  # type: ignore[no-any-return]
            FETCH_INSTRUMENTS, (customer_id, instrument_type), request_id, None, timeout, call_timeout, max_retries
        )

    @resource_call
    def retrieve(
        self,
        customer_id: str,
        instrument_id: str,
        *,
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> InstrumentEntity:
        """One saved instrument."""
        return self._run(  # type: ignore[no-any-return]
            FETCH_INSTRUMENT, (customer_id, instrument_id), request_id, None, timeout, call_timeout, max_retries
        )

    @resource_call
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
    ) -> InstrumentEntity:
        """Delete a saved instrument; retries carry one idempotency key (yours, or a generated one)."""
        return self._run(  # type: ignore[no-any-return]
            DELETE_INSTRUMENT,
            (customer_id, instrument_id),
            request_id,
            idempotency_key,
            timeout,
            call_timeout,
            max_retries,
        )

    @resource_call
    def cryptogram(
        self,
        customer_id: str,
        instrument_id: str,
        *,
        request_id: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        call_timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
    ) -> CryptogramEntity:
        """A one-time cryptogram to pay with the saved card."""
        return self._run(  # type: ignore[no-any-return]
            FETCH_CRYPTOGRAM, (customer_id, instrument_id), request_id, None, timeout, call_timeout, max_retries
        )


class InstrumentsWithResponse(_Resource, SyncShell):
    """The same calls as ``Instruments``, returning the whole ``ApiResponse``."""

    __slots__ = ()


class Instruments(_Resource, SyncShell):
    """A customer's saved cards: ``list``, ``retrieve``, ``delete``, ``cryptogram``. Each returns
    the data itself and uses the client's API version; ``with_response`` gives the responses."""

    __slots__ = ()
    _data_only = True

    @property
    def with_response(self) -> InstrumentsWithResponse:
        return InstrumentsWithResponse(self._client)


class AsyncInstrumentsWithResponse(_Resource, AsyncShell):
    """``AsyncInstruments``' calls, returning the whole ``ApiResponse``."""

    __slots__ = ()


class AsyncInstruments(_Resource, AsyncShell):
    """``AsyncCashfree``'s ``instruments``: the same calls as ``Instruments``, as coroutines."""

    __slots__ = ()
    _data_only = True

    @property
    def with_response(self) -> AsyncInstrumentsWithResponse:
        return AsyncInstrumentsWithResponse(self._client)
