"""The shared request path (``ApiClient``) and the ``Cashfree`` facade merchants call.

``ApiClient.call`` is the one generic path every operation takes: check the arguments, build
the path and headers, send through the transport (which retries), and turn the response into an
``ApiResponse`` or a typed exception. Nothing here is per-endpoint.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from pydantic import ValidationError
from urllib3.util.timeout import Timeout

from cashfree_pg._version import __version__
from cashfree_pg.api.token_vault_api import TokenVaultApi
from cashfree_pg.api_response import ApiResponse
from cashfree_pg.configuration import (
    DEFAULT_API_VERSION,
    PRODUCTION_URL,
    SANDBOX_URL,
    Configuration,
    check_api_version,
    check_header_name,
    check_header_value,
)
from cashfree_pg.exceptions import (
    ApiDecodeError,
    ApiException,
    ApiTypeError,
    ApiValueError,
    exception_class_for,
)
from cashfree_pg.operation import Operation
from cashfree_pg.policy import RetryPolicy, TimeoutLike, to_timeout
from cashfree_pg.rest import RESTClientObject, RESTResponse

if TYPE_CHECKING:
    from types import TracebackType

    from cashfree_pg.models.api_error import ApiError
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity
    from cashfree_pg.webhooks import PGWebhookEvent

logger = logging.getLogger("cashfree_pg")

USER_AGENT = f"cashfree-pg-python/{__version__}"
_KNOWN_OPTIONS = frozenset({"_request_timeout", "_headers"})
# Headers that carry identity, version or idempotency: set only through parameters and settings.
_MANAGED_HEADERS = frozenset(
    {
        "x-client-id",
        "x-client-secret",
        "x-partner-apikey",
        "x-partner-merchantid",
        "x-client-signature",
        "x-api-version",
        "x-request-id",
        "x-idempotency-key",
    }
)


def _warn_insecure() -> None:
    logger.warning(
        "cashfree_pg: TLS certificate verification is DISABLED for this client "
        "(danger_disable_tls_verification=True); anyone on the network path can read "
        "and change its requests, credentials included"
    )


def _check_id(name: str, value: str) -> str:
    if value == "":
        raise ApiValueError(f"{name} must not be empty (pass None to have one generated)")
    return check_header_value(name, value)


def new_request_id() -> str:
    """A random (version 4) UUID, without the cost of importing and building ``uuid.UUID``."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class ApiClient:
    """Executes ``Operation``s against one ``Configuration`` over one connection pool.

    Safe to share between threads: it holds no per-call state.
    """

    def __init__(self, configuration: Optional[Configuration] = None) -> None:
        self.configuration = configuration if configuration is not None else Configuration()
        self.rest_client = RESTClientObject(self.configuration)
        self._base_headers: Dict[str, str] = {
            "accept": "application/json",
            "user-agent": USER_AGENT,
            **self.configuration.auth_headers(),
        }
        self._checked_versions = {self.configuration.api_version}
        if not self.configuration.verify_ssl:
            _warn_insecure()

    def call(
        self,
        op: Operation,
        x_api_version: Optional[str],
        args: Sequence[object],
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        options: Optional[Mapping[str, Any]] = None,
    ) -> ApiResponse[Any]:
        """Run ``op`` with ``args`` (in ``op.params`` order) and return its decoded response."""
        timeout, extra_headers = self._options(options) if options else (self.configuration.timeout, None)
        path = op.build_path(args)
        headers = self._base_headers.copy()
        headers["x-api-version"] = self._api_version(x_api_version)
        request_id = new_request_id() if x_request_id is None else _check_id("x_request_id", x_request_id)
        headers["x-request-id"] = request_id
        if x_idempotency_key is not None:
            headers["x-idempotency-key"] = _check_id("x_idempotency_key", x_idempotency_key)
        elif op.idempotent_key:
            headers["x-idempotency-key"] = new_request_id()
        if extra_headers:
            headers.update(extra_headers)
        response = self.rest_client.send(op.method, path, headers, timeout, request_id)
        return self.decode(op, response, request_id)

    def _api_version(self, value: Optional[str]) -> str:
        if value is None:
            return self.configuration.api_version
        if value not in self._checked_versions:
            check_api_version(value)
            if len(self._checked_versions) < 64:
                self._checked_versions.add(value)
        return value

    def _options(self, options: Mapping[str, Any]) -> Tuple[Timeout, Optional[Dict[str, str]]]:
        unknown = sorted(set(options) - _KNOWN_OPTIONS)
        if unknown:
            raise ApiTypeError(f"got an unexpected keyword argument {unknown[0]!r}")
        timeout = self.configuration.timeout
        if options.get("_request_timeout") is not None:
            timeout = to_timeout(options["_request_timeout"])
        headers = options.get("_headers")
        if headers is None:
            return timeout, None
        if not isinstance(headers, Mapping):
            raise ApiTypeError(f"_headers must be a mapping of header names to values, got {type(headers).__name__}")
        extra: Dict[str, str] = {}
        for name, value in headers.items():
            key = check_header_name(name).lower()
            if key in _MANAGED_HEADERS:
                raise ApiValueError(
                    f"_headers may not set {name!r}: the SDK sets it (use the method's parameter or a client setting)"
                )
            extra[key] = check_header_value(f"_headers[{name!r}]", value)
        return timeout, extra

    def decode(self, op: Operation, response: RESTResponse, request_id: str) -> ApiResponse[Any]:
        """The ``ApiResponse`` for a 2xx response, or the typed exception for anything else."""
        status = response.status
        if 200 <= status < 300:
            try:
                data = op.decode(response.data)
            except ValidationError as exc:
                raise ApiDecodeError(
                    status,
                    response.reason,
                    body=response.data.decode("utf-8", "replace"),
                    headers=response.headers,
                    message=_decode_problem(op, response.data, exc),
                    request_id=request_id,
                    attempts=response.attempts,
                ) from None
            return ApiResponse(status, response.headers, data, response.data)
        raise self._error(op, response, request_id)

    @staticmethod
    def _error(op: Operation, response: RESTResponse, request_id: str) -> ApiException:
        text = response.data.decode("utf-8", "replace")
        try:
            model: Optional[ApiError] = op.error_model(response.status).model_validate_json(response.data)
        except ValidationError:
            model = None  # not the service's JSON (an HTML page from a proxy): the text stays on .body
        if model is not None and not isinstance(model.message or model.code or model.type, str):
            model = None
        return exception_class_for(response.status)(
            response.status,
            response.reason,
            body=text,
            headers=response.headers,
            code=model.code if model else None,
            message=model.message if model else None,
            type=model.type if model else None,
            data=model,
            request_id=request_id,
            attempts=response.attempts,
            retry_after=response.retry_after,
        )

    def close(self) -> None:
        """Close pooled connections (the client stays usable and reconnects when needed)."""
        self.rest_client.close()


def _decode_problem(op: Operation, body: bytes, exc: ValidationError) -> str:
    if not body.strip():
        return f"empty response body where {op.response_type_name} was expected"
    errors = exc.errors()
    if errors and errors[0].get("type") == "json_invalid":
        return f"response body is not valid JSON ({errors[0].get('msg')}); expected {op.response_type_name}"
    # Never the input values: they may be card data.
    where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())) or '(body)'}: {e.get('msg')}" for e in errors[:3])
    return f"response body does not fit {op.response_type_name}: {where}"


# -- the facade ---------------------------------------------------------------------------------

_ENV_NAMES = {"sandbox": SANDBOX_URL, "production": PRODUCTION_URL}
_shared_clients: OrderedDict[Configuration, ApiClient] = OrderedDict()
_shared_lock = threading.Lock()


def _after_fork_in_child() -> None:
    # A lock held by another thread of the parent at fork time stays locked in the child.
    global _shared_lock
    _shared_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
_SHARED_MAX = 16


def _shared_client(configuration: Configuration) -> Tuple[ApiClient, bool]:
    """One ``ApiClient`` per distinct configuration (and whether it was just built), so that
    code which builds ``Cashfree()`` for every call, as the official SDK's examples do, still
    reuses keep-alive connections. Keys are immutable configurations; no call changes one."""
    with _shared_lock:
        client = _shared_clients.get(configuration)
        if client is not None:
            _shared_clients.move_to_end(configuration)
            return client, False
        client = _shared_clients[configuration] = ApiClient(configuration)
        if len(_shared_clients) > _SHARED_MAX:
            _shared_clients.popitem(last=False)
        return client, True


def _setting(*candidates: Optional[str]) -> Optional[str]:
    """The first candidate that is set; an empty string counts as not set."""
    for value in candidates:
        if value is not None and value != "":
            return value
    return None


class Cashfree:
    """The entry point: ``Cashfree().PGCustomerFetchInstruments(...)`` and friends.

    Configure it as the official SDK does, through class attributes (``Cashfree.XClientId = ...``),
    or per instance through the constructor. A constructor argument beats the class attribute,
    which beats the environment (``CASHFREE_CLIENT_ID``, ``CASHFREE_CLIENT_SECRET``,
    ``CASHFREE_ENVIRONMENT``, ``CASHFREE_BASE_URL``). Settings are read once, when the instance is
    built; each instance sends its own credentials, so instances for different merchants can be
    used from many threads at once.
    """

    SANDBOX = SANDBOX_URL
    PRODUCTION = PRODUCTION_URL
    XSandbox = SANDBOX_URL  # the official SDK's other names for the two environments
    XProduction = PRODUCTION_URL

    XClientId: Optional[str] = None
    XClientSecret: Optional[str] = None
    XEnvironment: Optional[str] = None
    XApiVersion: str = DEFAULT_API_VERSION
    XPartnerKey: Optional[str] = None
    XPartnerMerchantId: Optional[str] = None
    XClientSignature: Optional[str] = None

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
        proxy: Optional[str] = None,
        ssl_ca_cert: Optional[str] = None,
        pool_maxsize: int = 10,
        danger_disable_tls_verification: bool = False,
    ) -> None:
        env = os.environ.get
        cls = type(self)
        client_id = _setting(XClientId, cls.XClientId, env("CASHFREE_CLIENT_ID"))
        client_secret = _setting(XClientSecret, cls.XClientSecret, env("CASHFREE_CLIENT_SECRET"))
        partner_key = _setting(XPartnerKey, cls.XPartnerKey)
        if not partner_key and not (client_id and client_secret):
            missing = (
                "XClientSecret" if client_id else ("XClientId" if client_secret else "XClientId and XClientSecret")
            )
            raise ApiValueError(
                f"no credentials: set {missing} (Cashfree.XClientId / Cashfree.XClientSecret, the "
                "constructor arguments, or the environment variables CASHFREE_CLIENT_ID and "
                "CASHFREE_CLIENT_SECRET), or a partner key (XPartnerKey)"
            )
        policy = retry_policy if retry_policy is not None else RetryPolicy()
        if max_retries is not None:
            policy = policy.replace(max_retries=max_retries)
        self.configuration = Configuration(
            host=_setting(base_url, env("CASHFREE_BASE_URL")) or self._environment_url(XEnvironment),
            client_id=client_id,
            client_secret=client_secret,
            partner_api_key=partner_key,
            partner_merchant_id=_setting(XPartnerMerchantId, cls.XPartnerMerchantId),
            client_signature=_setting(XClientSignature, cls.XClientSignature),
            api_version=cls.XApiVersion or DEFAULT_API_VERSION,
            timeout=to_timeout(timeout),
            retry=policy,
            verify_ssl=not danger_disable_tls_verification,
            ssl_ca_cert=ssl_ca_cert,
            proxy=proxy,
            pool_maxsize=pool_maxsize,
        )
        self.api_client, created = _shared_client(self.configuration)
        if danger_disable_tls_verification and not created:
            _warn_insecure()  # a new ApiClient has warned already; every client built says so
        self.token_vault = TokenVaultApi(self.api_client)

    def _environment_url(self, given: Optional[str]) -> str:
        value = _setting(given, type(self).XEnvironment, os.environ.get("CASHFREE_ENVIRONMENT"))
        if value is None:
            return SANDBOX_URL
        if value in (SANDBOX_URL, PRODUCTION_URL):
            return value
        url = _ENV_NAMES.get(str(value).strip().lower())
        if url is None:
            raise ApiValueError(
                f"XEnvironment must be Cashfree.SANDBOX or Cashfree.PRODUCTION ('sandbox' or "
                f"'production' in CASHFREE_ENVIRONMENT), got {value!r}"
            )
        return url

    # -- the four operations (signatures as in the official SDK) -------------------------------

    def PGCustomerFetchInstruments(
        self,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_type: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[List[InstrumentEntity]]:
        """Fetch all saved card instruments of a customer."""
        return self.token_vault.PGCustomerFetchInstruments(
            self._version(x_api_version),
            customer_id,
            instrument_type,
            x_request_id,
            x_idempotency_key,
            **kwargs,
        )

    def PGCustomerFetchInstrument(
        self,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_id: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[InstrumentEntity]:
        """Fetch one saved card instrument."""
        return self.token_vault.PGCustomerFetchInstrument(
            self._version(x_api_version),
            customer_id,
            instrument_id,
            x_request_id,
            x_idempotency_key,
            **kwargs,
        )

    def PGCustomerDeleteInstrument(
        self,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_id: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[InstrumentEntity]:
        """Delete a saved card instrument; the response is the instrument, now ``INACTIVE``."""
        return self.token_vault.PGCustomerDeleteInstrument(
            self._version(x_api_version),
            customer_id,
            instrument_id,
            x_request_id,
            x_idempotency_key,
            **kwargs,
        )

    def PGCustomerInstrumentsFetchCryptogram(
        self,
        x_api_version: Optional[str] = None,
        customer_id: Optional[str] = None,
        instrument_id: Optional[str] = None,
        x_request_id: Optional[str] = None,
        x_idempotency_key: Optional[str] = None,
        **kwargs: Any,
    ) -> ApiResponse[CryptogramEntity]:
        """Fetch a one-time cryptogram to pay with a saved card."""
        return self.token_vault.PGCustomerInstrumentsFetchCryptogram(
            self._version(x_api_version),
            customer_id,
            instrument_id,
            x_request_id,
            x_idempotency_key,
            **kwargs,
        )

    def _version(self, given: Optional[str]) -> Optional[str]:
        # The caller's version; else XApiVersion, read at each call as the official SDK does
        # (an empty one means the default).
        return given if given is not None else (self.XApiVersion or None)

    # -- webhooks -----------------------------------------------------------------------------

    def PGVerifyWebhookSignature(
        self, signature: Optional[str], rawBody: Union[str, bytes], timestamp: Union[str, int, None]
    ) -> PGWebhookEvent:
        """Check a webhook's signature with this client's secret and return the event.

        Raises ``WebhookSignatureError`` when the signature does not match. Like the official
        method it applies no replay window; ``cashfree_pg.webhooks.construct_event`` does.
        """
        from cashfree_pg.webhooks import verify_signature

        return verify_signature(signature, rawBody, timestamp, self.configuration.client_secret or "")

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release pooled connections."""
        self.api_client.close()

    def __enter__(self) -> Cashfree:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        c = self.configuration
        return f"Cashfree(host={c.host!r}, client_id={c.client_id!r}, client_secret='****')"

    __str__ = __repr__
