"""``ApiClient``: runs operations for one configuration over one connection pool.

The official SDK's ``cashfree_pg.api_client`` module also exports ``Cashfree``, ``CFEnvironment``,
``AsyncCashfree`` and every model; they are loaded on first use (module ``__getattr__``), so
that this module imports nothing that imports it back.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence

from cashfree_pg._core import Call, CallSettings, RateGate, base_headers, logger, prepare
from cashfree_pg.api_response import ApiResponse
from cashfree_pg.configuration import Configuration
from cashfree_pg.operation import Operation
from cashfree_pg.rest import RESTClientObject

if TYPE_CHECKING:  # what the lazy re-exports below give, for type checkers
    from cashfree_pg._async_client import AsyncCashfree as AsyncCashfree
    from cashfree_pg._facade import Cashfree as Cashfree, CFEnvironment as CFEnvironment
    from cashfree_pg.api.token_vault_api import TokenVaultApi as TokenVaultApi

__all__ = ["ApiClient", "ApiResponse"]  # and, loaded on first use, Cashfree, CFEnvironment, the models


def warn_insecure() -> None:
    logger.warning(
        "cashfree_pg: TLS certificate verification is DISABLED for this client "
        "(danger_disable_tls_verification=True); anyone on the network path can read "
        "and change its requests, credentials included"
    )


class Pipeline:
    """What both clients keep per configuration and do before any I/O: the base headers, the
    shared rate-limit window (``gate``) and turning an operation and its arguments into a
    checked ``Call``. ``ApiClient`` runs that call over urllib3, ``AsyncApiClient`` over httpx."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self.settings = CallSettings.of(configuration)
        self.gate = RateGate()
        self._base_headers = base_headers(configuration)
        self._credentials_checked = False

    def prepare(
        self,
        op: Operation,
        x_api_version: Optional[str],
        args: Sequence[object],
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        options: Optional[Mapping[str, Any]] = None,
        settings: Optional[CallSettings] = None,
    ) -> Call:
        """Check ``args`` (in ``op.params`` order) and the options, and build the call."""
        if not self._credentials_checked:
            self.configuration.check_credentials()  # the same ApiValueError on every call until fixed
            self._credentials_checked = True
        return prepare(
            op,
            args,
            self._base_headers,
            self.settings if settings is None else settings,
            self.gate,
            x_api_version,
            x_request_id,
            x_idempotency_key,
            options,
        )


class ApiClient(Pipeline):
    """Executes ``Operation``s against one ``Configuration`` over one connection pool.

    Safe to share between threads: it holds no per-call state. Its calls share one rate-limit
    window (``gate``), so a limit one call meets slows them all.
    """

    def __init__(
        self,
        configuration: Optional[Configuration] = None,
        header_name: Optional[str] = None,
        header_value: Optional[str] = None,
        cookie: Optional[str] = None,
        pool_threads: int = 1,
    ) -> None:
        if configuration is None:
            configuration = Configuration.get_default_copy()
        super().__init__(configuration.resolved())
        self.rest_client = RESTClientObject(self.configuration)
        _ = header_name, header_value, cookie, pool_threads  # the official signature; nothing to do here
        if not self.configuration.verify_ssl:
            warn_insecure()

    @classmethod
    def get_default(cls) -> ApiClient:
        """A client for ``Configuration.get_default_copy()``, shared with equal configurations."""
        from cashfree_pg._shared import shared_client

        return shared_client(Configuration.get_default_copy())[0]

    def call(self, *request: Any) -> Any:
        """Run an operation (``prepare``'s arguments) and return its decoded response."""
        return self.rest_client.run(self.prepare(*request))

    def close(self) -> None:
        """Close pooled connections (the client stays usable and reconnects when needed)."""
        self.rest_client.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ApiClient(host={self.configuration.host!r})"


_LAZY = {
    "Cashfree": "cashfree_pg._facade",
    "CFEnvironment": "cashfree_pg._facade",
    "AsyncCashfree": "cashfree_pg._async_client",
    "TokenVaultApi": "cashfree_pg.api.token_vault_api",
    "new_request_id": "cashfree_pg._core",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        models = importlib.import_module("cashfree_pg.models")
        if name in getattr(models, "__all__", ()):
            value = getattr(models, name)
            globals()[name] = value
            return value
        raise AttributeError(f"module 'cashfree_pg.api_client' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
