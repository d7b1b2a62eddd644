"""``Cashfree``, the entry point merchants call, and how its settings are found.

Settings come from the constructor, else the class attributes (``Cashfree.XClientId = ...``, as
in the official SDK), else the environment (``CASHFREE_CLIENT_ID``, ``CASHFREE_CLIENT_SECRET``,
``CASHFREE_ENVIRONMENT``, ``CASHFREE_BASE_URL``). ``AsyncCashfree`` resolves them the same way.
"""

from __future__ import annotations

import copy
import os
from enum import Enum
from typing import TYPE_CHECKING, Any, Dict, Generic, Mapping, Optional, Sequence, TypeVar, Union

from cashfree_pg._constants import (
    DEFAULT_API_VERSION,
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_MAXSIZE,
    PRODUCTION_URL,
    SANDBOX_URL,
)
from cashfree_pg._core import CallSettings, Hooks, warm
from cashfree_pg._declare import SyncShell
from cashfree_pg._shared import shared_client
from cashfree_pg.api.token_vault_api import OPERATIONS, TokenVaultApi, TokenVaultMethods
from cashfree_pg.api_client import ApiClient, warn_insecure
from cashfree_pg.configuration import Configuration, check_api_version
from cashfree_pg.exceptions import ApiValueError
from cashfree_pg.operation import Operation
from cashfree_pg.policy import RetryPolicy, TimeoutLike
from cashfree_pg.resources import Instruments

if TYPE_CHECKING:
    from types import TracebackType

    from cashfree_pg.webhooks import PGWebhookEvent


# Every model and decoder a call can need is loaded with the client classes, by the thread that
# imports them: a process forked while another thread imports one would find its lock held for ever.
warm(OPERATIONS)


class CFEnvironment(str, Enum):
    """The official SDK's environments; each is also its base URL, so ``Cashfree.SANDBOX ==
    CFEnvironment.SANDBOX`` and either can be given as ``XEnvironment``."""

    SANDBOX = SANDBOX_URL
    PRODUCTION = PRODUCTION_URL

    def __str__(self) -> str:
        return str(self.value)


_ENV_NAMES = {"sandbox": SANDBOX_URL, "production": PRODUCTION_URL}
_CREDENTIALS = ("XClientId", "XClientSecret", "XPartnerKey", "XClientSignature", "XPartnerMerchantId")
_FIELDS = ("client_id", "client_secret", "partner_api_key", "client_signature", "partner_merchant_id")


def _set(value: Optional[str]) -> bool:
    return value is not None and value != ""


def find_credentials(cls: Any, explicit: Sequence[Optional[str]]) -> Dict[str, Any]:
    """Credentials by precedence, field by field: arguments, else class attributes, else (for
    the client id and secret, when no partner key or signature is set) the environment. An
    argument given as an empty or blank string is an error, never a reason to fall back to
    another merchant's credentials."""
    for name, value in zip(_CREDENTIALS, explicit):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ApiValueError(f"{name} was given but is empty; pass a credential or leave it out")
    found: Dict[str, Any] = {}
    for field, name, value in zip(_FIELDS, _CREDENTIALS, explicit):
        chosen = value if value is not None else getattr(cls, name, None)
        if _set(chosen):
            found[field] = chosen
    if not set(found) - {"client_id", "client_secret"}:  # the environment holds only an id and a secret
        for field, variable in (("client_id", "CASHFREE_CLIENT_ID"), ("client_secret", "CASHFREE_CLIENT_SECRET")):
            if field not in found and _set(os.environ.get(variable)):
                found[field] = os.environ[variable]
    return found


def environment_url(cls: Any, given: Any) -> str:
    value = given if _set(given) else getattr(cls, "XEnvironment", None)
    if not _set(value):
        value = os.environ.get("CASHFREE_ENVIRONMENT")
    if not _set(value):
        return SANDBOX_URL
    if isinstance(value, CFEnvironment):
        return value.value
    if value in (SANDBOX_URL, PRODUCTION_URL):
        return str(value)
    url = _ENV_NAMES.get(str(value).strip().lower())
    if url is None:
        raise ApiValueError(
            f"XEnvironment must be Cashfree.SANDBOX or Cashfree.PRODUCTION (CFEnvironment, or 'sandbox' / "
            f"'production' in CASHFREE_ENVIRONMENT), got {value!r}"
        )
    return url


class Hidden(str):
    """A credential whose ``repr`` shows nothing of it (it may sit in a traceback's frame)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'****'"


class _HiddenValues(tuple):  # type: ignore[type-arg]
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} settings, not shown>"


class _HiddenOptions(Dict[str, Any]):
    __slots__ = ()

    def __repr__(self) -> str:
        return f"<settings {', '.join(sorted(self))}; values not shown>"


class ClientSettings:
    """Everything a facade's constructor took, checked, ready to build a ``Configuration`` now or
    (when no credentials were set yet) at the first call."""

    def __init__(self, cls: Any, explicit: Sequence[Optional[str]], environment: Any, options: Mapping[str, Any]):
        self.cls = cls
        self.explicit = _HiddenValues(explicit)  # credentials and a proxy password may be in here
        self.environment = environment
        self.options = _HiddenOptions(options)

    def configuration(self) -> Optional[Configuration]:
        """The configuration, or None while no credentials are set anywhere."""
        credentials = find_credentials(self.cls, self.explicit)
        if not credentials:
            return None
        configuration = Configuration(**self.connection(), **credentials)
        configuration.check_credentials()
        return configuration

    def connection(self) -> Dict[str, Any]:
        """Every setting but the credentials, as ``Configuration`` keywords."""
        o = self.options
        policy = o["retry_policy"] if o["retry_policy"] is not None else RetryPolicy()
        if o["max_retries"] is not None:
            policy = policy.replace(max_retries=o["max_retries"])
        base_url = o["base_url"] if o["base_url"] is not None else os.environ.get("CASHFREE_BASE_URL") or None
        return {
            "host": base_url or environment_url(self.cls, self.environment),
            "timeout": o["timeout"],
            "retry": policy,
            "verify_ssl": not o["danger_disable_tls_verification"],
            "ssl_ca_cert": o["ssl_ca_cert"],
            "proxy": o["proxy"],
            "pool_maxsize": o["pool_maxsize"],
            "call_timeout": o["call_timeout"] if o["call_timeout"] is not None else DEFAULT_CALL_TIMEOUT,
            "max_response_bytes": o["max_response_bytes"],
        }


C = TypeVar("C")
B = TypeVar("B", bound="ClientBase[Any]")


class ClientBase(TokenVaultMethods, Generic[C]):
    """What ``Cashfree`` and ``AsyncCashfree`` share: settings, their checks and precedence, the
    lazily built client, the one way a call is handed to it, and ``with_options``. Subclasses say
    how to build the client for a configuration (``_connect``) and which ``instruments`` they offer."""

    SANDBOX = CFEnvironment.SANDBOX
    PRODUCTION = CFEnvironment.PRODUCTION
    XSandbox = CFEnvironment.SANDBOX  # the official SDK's other names for the two environments
    XProduction = CFEnvironment.PRODUCTION

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
            self._attributes(),
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
        self._api_version: Optional[str] = None  # set by with_options; else XApiVersion per call
        self._client: Optional[C] = None
        self._settings: Optional[CallSettings] = None
        self.configuration: Optional[Configuration] = None
        configuration = self._setup.configuration()
        if configuration is None:
            Configuration(**self._setup.connection())  # every other setting is checked now
        else:
            self._use(configuration)

    def _attributes(self) -> Any:
        """The class whose attributes (``XClientId``, ...) configure this client."""
        return type(self)

    def _connect(self, configuration: Configuration) -> C:
        raise NotImplementedError

    def _use(self, configuration: Configuration) -> C:
        self.configuration = configuration
        self._settings = CallSettings.of(configuration, self._hooks)
        self._client = client = self._connect(configuration)
        return client

    @property
    def api_client(self) -> C:
        client = self._client
        if client is None:
            configuration = self._setup.configuration()
            if configuration is None:
                Configuration().check_credentials()  # raises: no credentials anywhere yet
            client = self._use(configuration)  # type: ignore[arg-type]
        return client

    def with_options(
        self: B,
        *,
        timeout: Optional[TimeoutLike] = None,
        max_retries: Optional[int] = None,
        call_timeout: Optional[float] = None,
        x_api_version: Optional[str] = None,
    ) -> B:
        """A client with these settings changed, sharing this one's connection pool and
        credentials. Cheap: only the changed settings are checked."""
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
        # The async client's ``call`` is a coroutine function, so there this returns the
        # coroutine: one path for both clients.
        client: Any = self._client or self.api_client
        return client.call(
            op, self._version(x_api_version), args, x_request_id, x_idempotency_key, options, self._settings
        )

    def _version(self, given: Optional[str]) -> Optional[str]:
        # The caller's; else with_options' version; else XApiVersion, read at each call as the
        # official SDK does (an empty one means the default).
        if given is not None:
            return given
        return self._api_version or self._attributes().XApiVersion or None

    def __repr__(self) -> str:
        c = self.configuration
        if c is None:
            return f"{type(self).__name__}(no credentials yet)"
        return f"{type(self).__name__}(host={c.host!r}, client_id={c.client_id!r}, client_secret='****')"

    __str__ = __repr__


class Cashfree(ClientBase[ApiClient], SyncShell):
    """The entry point: ``Cashfree().PGCustomerFetchInstruments(...)``, ``cashfree.instruments``.

    Configure it as the official SDK does, through class attributes (``Cashfree.XClientId = ...``),
    or per instance through the constructor. A constructor argument beats the class attribute,
    which beats the environment. Settings are read when the instance is built (an instance built
    before any credentials are set finds them at its first call); each instance sends its own
    credentials, so instances for different merchants can be used from many threads at once.
    """

    XClientId: Optional[str] = None
    XClientSecret: Optional[str] = None
    XEnvironment: Optional[str] = None
    XApiVersion: str = DEFAULT_API_VERSION
    XPartnerKey: Optional[str] = None
    XPartnerMerchantId: Optional[str] = None
    XClientSignature: Optional[str] = None

    def _connect(self, configuration: Configuration) -> ApiClient:
        client, created = shared_client(configuration)
        if not configuration.verify_ssl and not created:
            warn_insecure()  # a new ApiClient has warned already; every client built says so
        return client

    @property
    def token_vault(self) -> TokenVaultApi:
        return TokenVaultApi(self.api_client)

    @property
    def instruments(self) -> Instruments:
        """``list``, ``retrieve``, ``delete`` and ``cryptogram`` of a customer's saved cards."""
        return Instruments(self)

    # -- webhooks -----------------------------------------------------------------------------

    def PGVerifyWebhookSignature(
        self, signature: Optional[str], rawBody: Union[str, bytes], timestamp: Union[str, int, None]
    ) -> PGWebhookEvent:
        """Check a webhook's signature with this client's secret and return the event.

        Raises ``WebhookSignatureError`` when the signature does not match. Like the official
        method it applies no replay window; ``cashfree_pg.webhooks.construct_event`` does.
        """
        from cashfree_pg.webhooks import verify_signature

        secret_holder = self.api_client.configuration
        return verify_signature(signature, rawBody, timestamp, Hidden(secret_holder.client_secret or ""))

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release pooled connections."""
        if self._client is not None:
            self._client.close()

    def __enter__(self) -> Cashfree:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()
