"""Everything one client needs to talk to the service, as plain immutable data, and the checks
that refuse a bad setting before anything is sent."""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar, Dict, Optional, Tuple
from urllib.parse import unquote, urlsplit

from cashfree_pg._constants import (
    DEFAULT_API_VERSION,
    DEFAULT_CALL_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_POOL_MAXSIZE,
    H_CLIENT_ID,
    H_CLIENT_SECRET,
    H_CLIENT_SIGNATURE,
    H_PARTNER_KEY,
    H_PARTNER_MERCHANT,
    MAX_POOL_MAXSIZE,
    PRODUCTION_URL,
    SANDBOX_URL,
)
from cashfree_pg._record import Record
from cashfree_pg.exceptions import ApiTypeError, ApiValueError
from cashfree_pg.policy import DEFAULT_TIMEOUTS, RetryPolicy, TimeoutLike, Timeouts, check_seconds, to_timeouts

__all__ = [
    "DEFAULT_API_VERSION",
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "Configuration",
    "check_api_version",
    "check_header_name",
    "check_header_value",
]

# Header values travel as Latin-1 bytes in HTTP/1.1; anything but visible ASCII and space is
# either an injection (CR, LF) or a value http.client would fail to encode mid-request.
_NOT_HEADER_SAFE = re.compile(r"[^\x20-\x7e]")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SECRET_FIELDS = ("client_secret", "client_signature", "partner_api_key")
_MAX_RESPONSE_LIMIT = 1 << 40
#: The official ``api_key`` dicts are inputs read when a client is built, not part of the value.
_INPUT_FIELDS = ("api_key", "api_key_prefix")

#: The four ways the service accepts a caller (Cashfree's OpenAPI security schemes).
AUTH_SCHEMES: Tuple[Tuple[str, ...], ...] = (
    ("client_id", "client_secret"),
    ("client_id", "partner_api_key"),
    ("client_id", "client_signature"),
    ("partner_merchant_id", "partner_api_key"),
)
_AUTH_HEADERS = (
    ("client_id", H_CLIENT_ID),
    ("client_secret", H_CLIENT_SECRET),
    ("partner_api_key", H_PARTNER_KEY),
    ("partner_merchant_id", H_PARTNER_MERCHANT),
    ("client_signature", H_CLIENT_SIGNATURE),
)
#: The official generated client's ``Configuration.api_key`` names for the same credentials.
API_KEY_NAMES = {
    "XClientID": "client_id",
    "XClientSecret": "client_secret",
    "XPartnerAPIKey": "partner_api_key",
    "XPartnerMerchantID": "partner_merchant_id",
    "XClientSignatureHeader": "client_signature",
}
_SCHEME_TEXT = (
    "XClientId + XClientSecret, XClientId + XPartnerKey, XClientId + XClientSignature, "
    "or XPartnerMerchantId + XPartnerKey"
)


def check_header_value(name: str, value: object) -> str:
    """``value`` if it is a string that can travel in a header; ApiValueError/ApiTypeError if not."""
    if not isinstance(value, str):
        raise ApiTypeError(f"{name} must be a string, got {type(value).__name__}")
    if _NOT_HEADER_SAFE.search(value):
        raise ApiValueError(
            f"{name} contains a control character (CR, LF, ...) or a non-ASCII character and cannot be sent as a header"
        )
    return value


def check_header_name(value: object) -> str:
    """``value`` if it is a valid HTTP header name."""
    if not isinstance(value, str):
        raise ApiTypeError(f"_headers names must be strings, got {type(value).__name__}")
    if not _HEADER_NAME.match(value):
        raise ApiValueError(f"_headers has an invalid header name {value.encode('ascii', 'backslashreplace')!r}")
    return value


def check_api_version(value: object) -> str:
    """``value`` if it is an API version of the form YYYY-MM-DD."""
    check_header_value("x_api_version", value)
    assert isinstance(value, str)
    if not _API_VERSION.match(value):
        raise ApiValueError(f"x_api_version must look like YYYY-MM-DD (for example 2022-09-01), got {value!r}")
    return value


def check_url(name: str, value: object, allow_userinfo: bool = False) -> str:
    """``value`` if it is an absolute http(s) URL a connection can be made to; ApiValueError if not."""
    if not isinstance(value, str):
        raise ApiValueError(f"{name} must be an http(s) URL, got {type(value).__name__}")
    try:
        value.encode("ascii")
    except UnicodeEncodeError:
        raise ApiValueError(f"{name} must be an ASCII http(s) URL (IDNA-encode the host name)") from None
    if _NOT_HEADER_SAFE.search(value) or " " in value:
        raise ApiValueError(f"{name} contains whitespace or a control character")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises for a port that is not a number from 0 to 65535
    except ValueError as exc:
        raise ApiValueError(f"{name} is not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ApiValueError(f"{name} must be an http:// or https:// URL with a host")
    if port == 0:
        raise ApiValueError(f"{name} has port 0")
    if (parts.username is not None or parts.password is not None) and not allow_userinfo:
        raise ApiValueError(f"{name} must not carry a user name or password")
    if "?" in value or "#" in value or _BAD_ESCAPE.search(parts.path):  # even an empty ? or #
        raise ApiValueError(f"{name} must be a base URL: no query, no fragment, valid %-escapes only")
    return value


def check_count(name: str, value: object, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ApiValueError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    return value


def split_proxy(proxy: str) -> Tuple[str, Optional[str]]:
    """The proxy URL without its user info, and ``user:password`` for basic proxy auth (or None)."""
    parts = urlsplit(proxy)
    if parts.username is None and parts.password is None:
        return proxy, None
    netloc = parts.netloc.rsplit("@", 1)[1]
    bare = parts._replace(netloc=netloc).geturl()
    return bare, f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"


def mask_proxy(proxy: Optional[str]) -> Optional[str]:
    if proxy is None or "@" not in proxy:
        return proxy
    bare, auth = split_proxy(proxy)
    if auth is None:
        return proxy
    scheme, rest = bare.split("://", 1)
    return f"{scheme}://{auth.split(':', 1)[0]}:****@{rest}"


class Configuration(Record):
    """Settings of one client, as immutable plain data. Build it with keywords; every field has a
    safe default, and ``replace()`` gives a changed copy.

    ``host`` is the base URL ending in ``/pg``. Credentials are one of the four schemes Cashfree
    accepts (see ``AUTH_SCHEMES``). ``verify_ssl`` is on unless turned off by the explicit option
    of ``Cashfree``; ``ssl_ca_cert`` names a CA bundle (a PEM file, or a directory prepared with
    ``openssl rehash``) to trust instead of the system store. ``timeout`` bounds each attempt,
    ``call_timeout`` the whole call, ``max_response_bytes`` each answer's body.

    For code written for the official generated client, ``api_key`` (a dict keyed
    ``XClientID``, ``XClientSecret``, ...) may be filled in after construction; ``ApiClient``
    reads it once, when it is built. ``set_default``/``get_default_copy`` keep a default that
    is copied, never shared.
    """

    __slots__ = (
        "api_key",
        "api_key_prefix",
        "api_version",
        "call_timeout",
        "client_id",
        "client_secret",
        "client_signature",
        "host",
        "max_response_bytes",
        "partner_api_key",
        "partner_merchant_id",
        "pool_maxsize",
        "proxy",
        "retry",
        "ssl_ca_cert",
        "timeout",
        "verify_ssl",
    )
    host: str
    client_id: Optional[str]
    client_secret: Optional[str]
    partner_api_key: Optional[str]
    partner_merchant_id: Optional[str]
    client_signature: Optional[str]
    api_version: str
    timeout: Timeouts
    retry: RetryPolicy
    verify_ssl: bool
    ssl_ca_cert: Optional[str]
    proxy: Optional[str]
    pool_maxsize: int
    call_timeout: float
    max_response_bytes: int
    api_key: Dict[str, str]
    api_key_prefix: Dict[str, str]

    _default: ClassVar[Optional[Configuration]] = None

    def __init__(
        self,
        host: Optional[str] = None,
        api_key: Optional[Dict[str, str]] = None,
        api_key_prefix: Optional[Dict[str, str]] = None,
        *,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        partner_api_key: Optional[str] = None,
        partner_merchant_id: Optional[str] = None,
        client_signature: Optional[str] = None,
        api_version: str = DEFAULT_API_VERSION,
        timeout: TimeoutLike = DEFAULT_TIMEOUTS,
        retry: Optional[RetryPolicy] = None,
        verify_ssl: bool = True,
        ssl_ca_cert: Optional[str] = None,
        proxy: Optional[str] = None,
        pool_maxsize: int = DEFAULT_POOL_MAXSIZE,
        call_timeout: float = DEFAULT_CALL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        **official: Any,
    ) -> None:
        unknown = sorted(set(official) - {"server_index", "server_variables", "server_operation_index"})
        if unknown:
            raise ApiTypeError(f"Configuration got an unexpected keyword argument {unknown[0]!r}")
        host = check_url("host", SANDBOX_URL if host is None else host)
        credentials = {
            "client_id": client_id,
            "client_secret": client_secret,
            "partner_api_key": partner_api_key,
            "partner_merchant_id": partner_merchant_id,
            "client_signature": client_signature,
        }
        for name, value in credentials.items():
            if value is not None:
                check_header_value(name, value)
        check_api_version(api_version)
        if retry is None:
            retry = RetryPolicy()
        elif not isinstance(retry, RetryPolicy):
            raise ApiValueError("retry must be a RetryPolicy")
        if ssl_ca_cert is not None and not (isinstance(ssl_ca_cert, str) and os.path.exists(ssl_ca_cert)):
            raise ApiValueError(f"ssl_ca_cert names no file or directory: {ssl_ca_cert!r}")
        if proxy is not None:
            check_url("proxy", proxy, allow_userinfo=True)
        if not isinstance(verify_ssl, bool):  # None, 0 or "" must not turn verification off
            raise ApiTypeError(f"verify_ssl must be True or False, got {type(verify_ssl).__name__}")
        self._init(
            host=host.rstrip("/"),
            **credentials,
            api_version=api_version,
            timeout=to_timeouts(timeout),
            retry=retry,
            verify_ssl=verify_ssl,
            ssl_ca_cert=ssl_ca_cert,
            proxy=proxy,
            pool_maxsize=check_count("pool_maxsize", pool_maxsize, 1, MAX_POOL_MAXSIZE),
            call_timeout=check_seconds("call_timeout", call_timeout),
            max_response_bytes=check_count("max_response_bytes", max_response_bytes, 1, _MAX_RESPONSE_LIMIT),
            api_key=dict(api_key or {}),
            api_key_prefix=dict(api_key_prefix or {}),
        )

    # -- value semantics: the official api_key dicts are inputs, not part of the value ----------

    def _values(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _VALUE_FIELDS)

    def replace(self, **changes: Any) -> Configuration:
        """A copy with some fields changed; the official ``api_key`` dicts are copied along."""
        values: Dict[str, Any] = dict(zip(_VALUE_FIELDS, self._values()))
        values.update(api_key=dict(self.api_key), api_key_prefix=dict(self.api_key_prefix))
        values.update(changes)
        return Configuration(**values)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (_rebuild, (dict(zip(_VALUE_FIELDS, self._values())),))

    def resolved(self) -> Configuration:
        """This configuration with the official ``api_key`` entries applied to the credentials."""
        changes = {API_KEY_NAMES[k]: v for k, v in self.api_key.items() if k in API_KEY_NAMES and v}
        return self.replace(**changes) if changes else self

    # -- credentials -----------------------------------------------------------------------------

    def credential_names(self) -> Tuple[str, ...]:
        return tuple(name for name, _ in _AUTH_HEADERS if getattr(self, name))

    def check_credentials(self) -> None:
        """ApiValueError unless the credentials are exactly one of the four accepted schemes."""
        given = set(self.credential_names())
        if any(given == set(scheme) for scheme in AUTH_SCHEMES):
            return
        if not given:
            raise ApiValueError(
                "no credentials: set XClientId and XClientSecret (Cashfree.XClientId / Cashfree.XClientSecret, "
                "the constructor arguments, or the environment variables CASHFREE_CLIENT_ID and "
                f"CASHFREE_CLIENT_SECRET); the service accepts {_SCHEME_TEXT}"
            )
        raise ApiValueError(
            f"credentials {', '.join(sorted(given))} are not a combination the service accepts; use exactly one of: "
            f"{_SCHEME_TEXT}"
        )

    def auth_headers(self) -> Dict[str, str]:
        """The credential headers every request of this client carries."""
        return {header: getattr(self, name) for name, header in _AUTH_HEADERS if getattr(self, name)}

    # -- the official generated client's default ----------------------------------------------

    @classmethod
    def set_default(cls, default: Optional[Configuration]) -> None:
        """Keep a copy of ``default`` for ``get_default_copy()`` (None forgets it)."""
        if default is not None and not isinstance(default, Configuration):
            raise ApiTypeError("set_default takes a Configuration")
        Configuration._default = None if default is None else default.replace()

    @classmethod
    def get_default_copy(cls) -> Configuration:
        """A copy of the default set with ``set_default`` (or a new ``Configuration()``)."""
        default = Configuration._default
        return Configuration() if default is None else default.replace()

    def __repr__(self) -> str:
        shown = []
        for name, value in zip(_VALUE_FIELDS, self._values()):
            if name in _SECRET_FIELDS and value is not None:
                value = "****"
            elif name == "proxy":
                value = mask_proxy(value)
            shown.append(f"{name}={value!r}")
        return f"Configuration({', '.join(shown)})"

    __str__ = __repr__


_VALUE_FIELDS = tuple(name for name in Configuration.__slots__ if name not in _INPUT_FIELDS)


def _rebuild(values: Dict[str, Any]) -> Configuration:
    return Configuration(**values)
