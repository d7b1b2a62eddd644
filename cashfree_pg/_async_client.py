"""``AsyncCashfree``: the same client for asyncio and trio, on the same core.

Install with ``pip install "cashfree_pg[async]"`` (httpx). Settings, operations, resource,
``with_options``, models, responses, exceptions and hooks are the sync client's; only the
transport differs (``_transport_async``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from cashfree_pg._declare import AsyncShell
from cashfree_pg._facade import Cashfree, ClientBase
from cashfree_pg.api_client import Pipeline
from cashfree_pg.configuration import Configuration
from cashfree_pg.resources import AsyncInstruments

try:
    from cashfree_pg._transport_async import AsyncTransport
except ImportError as exc:  # pragma: no cover - the async extra is not installed
    raise ImportError('AsyncCashfree needs httpx: pip install "cashfree_pg[async]"') from exc

if TYPE_CHECKING:
    from types import TracebackType


class AsyncApiClient(Pipeline):
    """The async counterpart of ``ApiClient``: one configuration, one httpx pool, one rate window."""

    def __init__(self, configuration: Configuration) -> None:
        super().__init__(configuration)
        self.transport = AsyncTransport(configuration)

    async def call(self, *request: Any) -> Any:
        # Arguments are checked when the coroutine runs, like every other error of an async call.
        return await self.transport.run(self.prepare(*request))

    async def aclose(self) -> None:
        await self.transport.aclose()


class AsyncCashfree(ClientBase[AsyncApiClient], AsyncShell):
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

    @property
    def instruments(self) -> AsyncInstruments:
        """``await cf.instruments.list(...)``, ``retrieve``, ``delete`` and ``cryptogram``."""
        return AsyncInstruments(self)

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
