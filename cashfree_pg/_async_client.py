"""``AsyncCashfree``: the same client for asyncio and trio, on the same core.

Install with ``pip install "cashfree_pg[async]"`` (httpx). Settings, operations, resource,
``with_options``, models, responses, exceptions and hooks are the sync client's; only the
transport differs (``_transport_async``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence

from cashfree_pg._core import CallSettings, RateGate, base_headers, prepare
from cashfree_pg._facade import Cashfree, ClientBase
from cashfree_pg.configuration import Configuration
from cashfree_pg.operation import Operation

try:
    from cashfree_pg._transport_async import AsyncTransport
except ImportError as exc:  # pragma: no cover - the async extra is not installed
    raise ImportError('AsyncCashfree needs httpx: pip install "cashfree_pg[async]"') from exc

if TYPE_CHECKING:
    from types import TracebackType

    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity


class AsyncApiClient:
    """The async counterpart of ``ApiClient``: one configuration, one httpx pool, one rate window."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self.transport = AsyncTransport(configuration)
        self.gate = RateGate()
        self._base_headers = base_headers(configuration)

    async def call(
        self,
        op: Operation,
        x_api_version: Optional[str],
        args: Sequence[object],
        x_request_id: Optional[str],
        x_idempotency_key: Optional[str],
        options: Optional[Mapping[str, Any]],
        settings: CallSettings,
    ) -> Any:
        call = prepare(
            op, args, self._base_headers, settings, self.gate, x_api_version, x_request_id, x_idempotency_key, options
        )
        return await self.transport.run(call)

    async def aclose(self) -> None:
        await self.transport.aclose()


class AsyncCashfree(ClientBase[AsyncApiClient]):
    """``await AsyncCashfree(...).PGCustomerFetchInstruments(...)``, ``await cf.instruments.list(...)``.

    Built like ``Cashfree`` (the same arguments, and ``Cashfree``'s class attributes and the same
    environment variables). Use ``async with`` or ``await cf.close()``.
    """

    def _attributes(self) -> Any:
        return Cashfree

    def _connect(self, configuration: Configuration) -> AsyncApiClient:
        if not configuration.verify_ssl:
            from cashfree_pg.api_client import warn_insecure

            warn_insecure()
        return AsyncApiClient(configuration)

    async def _invoke(
        self,
        op: Operation,
        x_api_version: Optional[str],
        args: Sequence[object],
        x_request_id: Optional[str],
        x_idempotency_key: Optional[str],
        options: Dict[str, Any],
    ) -> Any:
        # Arguments are checked when the coroutine runs, like every other error of an async call.
        client = self._client or self.api_client
        assert self._settings is not None
        version = self._version(x_api_version)
        return await client.call(op, version, args, x_request_id, x_idempotency_key, options, self._settings)

    async def close(self) -> None:
        """Release pooled connections."""
        if self._client is not None:
            await self._client.aclose()

    async def __aenter__(self) -> AsyncCashfree:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    if TYPE_CHECKING:  # the official methods, as coroutines

        async def PGCustomerFetchInstruments(  # type: ignore[override]
            self,
            x_api_version: Optional[str] = None,
            customer_id: Optional[str] = None,
            instrument_type: Optional[str] = None,
            x_request_id: Optional[str] = None,
            x_idempotency_key: Optional[str] = None,
            **kwargs: Any,
        ) -> ApiResponse[List[InstrumentEntity]]: ...

        async def PGCustomerFetchInstrument(  # type: ignore[override]
            self,
            x_api_version: Optional[str] = None,
            customer_id: Optional[str] = None,
            instrument_id: Optional[str] = None,
            x_request_id: Optional[str] = None,
            x_idempotency_key: Optional[str] = None,
            **kwargs: Any,
        ) -> ApiResponse[InstrumentEntity]: ...

        async def PGCustomerDeleteInstrument(  # type: ignore[override]
            self,
            x_api_version: Optional[str] = None,
            customer_id: Optional[str] = None,
            instrument_id: Optional[str] = None,
            x_request_id: Optional[str] = None,
            x_idempotency_key: Optional[str] = None,
            **kwargs: Any,
        ) -> ApiResponse[InstrumentEntity]: ...

        async def PGCustomerInstrumentsFetchCryptogram(  # type: ignore[override]
            self,
            x_api_version: Optional[str] = None,
            customer_id: Optional[str] = None,
            instrument_id: Optional[str] = None,
            x_request_id: Optional[str] = None,
            x_idempotency_key: Optional[str] = None,
            **kwargs: Any,
        ) -> ApiResponse[CryptogramEntity]: ...
