"""``AsyncCashfree``: the same client for asyncio and trio, on the same core.

Install with ``pip install "cashfree_pg[async]"`` (httpx). Settings, operations, resource,
``with_options``, models, responses, exceptions and hooks are the sync client's; only the
transport differs (``_transport_async``).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence

from cashfree_pg._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_POOL_MAXSIZE
from cashfree_pg._core import CallSettings, Hooks, RateGate, base_headers, prepare
from cashfree_pg._facade import Cashfree, ClientSettings
from cashfree_pg.api.token_vault_api import TokenVaultMethods
from cashfree_pg.configuration import Configuration, check_api_version
from cashfree_pg.operation import Operation
from cashfree_pg.policy import RetryPolicy, TimeoutLike
from cashfree_pg.resources import Instruments

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


class AsyncCashfree(TokenVaultMethods):
    """``await AsyncCashfree(...).PGCustomerFetchInstruments(...)``, ``await cf.instruments.list(...)``.

    Built like ``Cashfree`` (the same arguments, class attributes and environment variables, read
    from ``Cashfree``'s class attributes). Use ``async with`` or ``await cf.close()``.
    """

    def __init__(
        self,
        XEnvironment: Optional[str] = None,
        XClientId: Optional[str] = None,
        XClientSecret: Optional[str] = None,
        XPartnerKey: Optional[str] = None,
        XClientSignature: Optional[str] = None,
        XPartnerMerchantId: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[TimeoutLike] = None,
        max_retries: Optional[int] = None,
        retry_policy: Optional[RetryPolicy] = None,
        call_timeout: Optional[float] = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        proxy: Optional[str] = None,
        ssl_ca_cert: Optional[str] = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        event_hooks: Optional[Mapping[str, Sequence[Any]]] = None,
        danger_disable_tls_verification: bool = False,
    ) -> None:
        self._setup = ClientSettings(
            Cashfree,
            (XClientId, XClientSecret, XPartnerKey, XClientSignature, XPartnerMerchantId),
            XEnvironment,
            {
                "base_url": base_url,
                "timeout": timeout,
                "max_retries": max_retries,
                "retry_policy": retry_policy,
                "call_timeout": call_timeout,
                "max_response_bytes": max_response_bytes,
                "proxy": proxy,
                "ssl_ca_cert": ssl_ca_cert,
                "pool_maxsize": pool_maxsize,
                "danger_disable_tls_verification": danger_disable_tls_verification,
            },
        )
        self._hooks = Hooks.from_mapping(event_hooks)
        self._api_version: Optional[str] = None
        self._client: Optional[AsyncApiClient] = None
        self._settings: Optional[CallSettings] = None
        self.configuration: Optional[Configuration] = None
        configuration = self._setup.configuration()
        if configuration is None:
            Configuration(**self._setup.connection())  # every other setting is checked now
        else:
            self._connect(configuration)

    def _connect(self, configuration: Configuration) -> AsyncApiClient:
        if not configuration.verify_ssl:
            from cashfree_pg.api_client import warn_insecure

            warn_insecure()
        self.configuration = configuration
        self._settings = CallSettings.of(configuration, self._hooks)
        self._client = AsyncApiClient(configuration)
        return self._client

    @property
    def api_client(self) -> AsyncApiClient:
        client = self._client
        if client is None:
            configuration = self._setup.configuration()
            if configuration is None:
                Configuration().check_credentials()  # raises: no credentials anywhere yet
            client = self._connect(configuration)  # type: ignore[arg-type]
        return client

    @property
    def instruments(self) -> Instruments:
        """``await cf.instruments.list(...)`` and friends (each returns an awaitable)."""
        return Instruments(self)

    def with_options(
        self,
        *,
        timeout: Optional[TimeoutLike] = None,
        max_retries: Optional[int] = None,
        call_timeout: Optional[float] = None,
        x_api_version: Optional[str] = None,
    ) -> AsyncCashfree:
        """A client with these settings changed, sharing this one's connection pool."""
        client = self.api_client
        derived = copy.copy(self)
        assert self._settings is not None
        derived._settings = self._settings.changed(timeout=timeout, max_retries=max_retries, call_timeout=call_timeout)
        if x_api_version is not None:
            derived._api_version = check_api_version(x_api_version)
        derived._client = client
        return derived

    def _invoke(
        self,
        op: Operation,
        x_api_version: Optional[str],
        args: Sequence[object],
        x_request_id: Optional[str],
        x_idempotency_key: Optional[str],
        options: Dict[str, Any],
    ) -> Any:
        # Arguments are checked when the coroutine runs, like every other error of an async call.
        return self._call(op, x_api_version, args, x_request_id, x_idempotency_key, options)

    async def _call(
        self,
        op: Operation,
        x_api_version: Optional[str],
        args: Sequence[object],
        x_request_id: Optional[str],
        x_idempotency_key: Optional[str],
        options: Dict[str, Any],
    ) -> Any:
        client = self._client or self.api_client
        if x_api_version is None:
            x_api_version = self._api_version or Cashfree.XApiVersion or None
        assert self._settings is not None
        return await client.call(op, x_api_version, args, x_request_id, x_idempotency_key, options, self._settings)

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

    def __repr__(self) -> str:
        c = self.configuration
        if c is None:
            return "AsyncCashfree(no credentials yet)"
        return f"AsyncCashfree(host={c.host!r}, client_id={c.client_id!r}, client_secret='****')"

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
