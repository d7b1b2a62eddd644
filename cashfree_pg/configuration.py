"""Everything one client needs to talk to the service, as plain immutable data."""

from __future__ import annotations

import os
import re
from typing import Optional

from urllib3.util.timeout import Timeout

from cashfree_pg._record import Record
from cashfree_pg.exceptions import ApiValueError
from cashfree_pg.policy import DEFAULT_TIMEOUT, RetryPolicy, to_timeout

SANDBOX_URL = "https://sandbox.cashfree.com/pg"
PRODUCTION_URL = "https://api.cashfree.com/pg"
DEFAULT_API_VERSION = "2022-09-01"

# Header values travel as Latin-1 bytes in HTTP/1.1; anything but visible ASCII and space is
# either an injection (CR, LF) or a value http.client would fail to encode mid-request.
_NOT_HEADER_SAFE = re.compile(r"[^\x20-\x7e]")
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SECRET_FIELDS = ("client_secret", "client_signature", "partner_api_key")


def check_header_value(name: str, value: object) -> str:
    """``value`` if it is a string that can travel in a header; ApiValueError/ApiTypeError if not."""
    if not isinstance(value, str):
        from cashfree_pg.exceptions import ApiTypeError

        raise ApiTypeError(f"{name} must be a string, got {type(value).__name__}")
    if _NOT_HEADER_SAFE.search(value):
        raise ApiValueError(
            f"{name} contains a control character (CR, LF, ...) or a non-ASCII character and cannot be sent as a header"
        )
    return value


def check_header_name(value: object) -> str:
    """``value`` if it is a valid HTTP header name."""
    if not isinstance(value, str):
        from cashfree_pg.exceptions import ApiTypeError

        raise ApiTypeError(f"_headers names must be strings, got {type(value).__name__}")
    if not _HEADER_NAME.match(value):
        raise ApiValueError(f"_headers has an invalid header name {value!r}")
    return value


def check_api_version(value: object) -> str:
    """``value`` if it is an API version of the form YYYY-MM-DD."""
    check_header_value("x_api_version", value)
    assert isinstance(value, str)
    if not _API_VERSION.match(value):
        raise ApiValueError(f"x_api_version must look like YYYY-MM-DD (for example 2022-09-01), got {value!r}")
    return value


class Configuration(Record):
    """Settings of one client, as immutable plain data. Build it with keywords; every field has a
    safe default, and ``replace()`` gives a changed copy.

    ``host`` is the base URL ending in ``/pg``. Credentials are a client id and secret, or a
    partner key (with the merchant id it acts for); ``client_signature`` is sent where set.
    ``verify_ssl`` is on unless turned off by the explicit option of ``Cashfree``;
    ``ssl_ca_cert`` names a CA bundle (a PEM file, or a directory prepared with ``openssl rehash``)
    to trust instead of the system store.
    """

    __slots__ = (
        "api_version",
        "client_id",
        "client_secret",
        "client_signature",
        "host",
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
    timeout: Timeout
    retry: RetryPolicy
    verify_ssl: bool
    ssl_ca_cert: Optional[str]
    proxy: Optional[str]
    pool_maxsize: int

    def __init__(
        self,
        *,
        host: str = SANDBOX_URL,
        client_id: Optional[str] = None,
        client_secret: Optional[str] = None,
        partner_api_key: Optional[str] = None,
        partner_merchant_id: Optional[str] = None,
        client_signature: Optional[str] = None,
        api_version: str = DEFAULT_API_VERSION,
        timeout: Timeout = DEFAULT_TIMEOUT,
        retry: Optional[RetryPolicy] = None,
        verify_ssl: bool = True,
        ssl_ca_cert: Optional[str] = None,
        proxy: Optional[str] = None,
        pool_maxsize: int = 10,
    ) -> None:
        if not isinstance(host, str) or not re.match(r"https?://[^/\s]+", host):
            raise ApiValueError(f"host must be an http(s) URL, got {host!r}")
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
        if not isinstance(timeout, Timeout):
            raise ApiValueError("timeout must be a urllib3 Timeout (Cashfree(timeout=...) also takes seconds or pairs)")
        timeout = to_timeout(timeout)  # one object per value, so that equal settings compare equal
        if retry is None:
            retry = RetryPolicy()
        elif not isinstance(retry, RetryPolicy):
            raise ApiValueError("retry must be a RetryPolicy")
        if ssl_ca_cert is not None and not os.path.exists(ssl_ca_cert):
            raise ApiValueError(f"ssl_ca_cert names no file or directory: {ssl_ca_cert!r}")
        if proxy is not None and not re.match(r"https?://[^/\s]+", proxy):
            raise ApiValueError("proxy must be an http:// or https:// URL")
        if not isinstance(pool_maxsize, int) or pool_maxsize < 1:
            raise ApiValueError(f"pool_maxsize must be a whole number >= 1, got {pool_maxsize!r}")
        self._init(
            host=host.rstrip("/"),
            **credentials,
            api_version=api_version,
            timeout=timeout,
            retry=retry,
            verify_ssl=bool(verify_ssl),
            ssl_ca_cert=ssl_ca_cert,
            proxy=proxy,
            pool_maxsize=pool_maxsize,
        )

    def auth_headers(self) -> dict[str, str]:
        """The credential headers every request of this client carries."""
        pairs = (
            ("x-client-id", self.client_id),
            ("x-client-secret", self.client_secret),
            ("x-partner-apikey", self.partner_api_key),
            ("x-partner-merchantid", self.partner_merchant_id),
            ("x-client-signature", self.client_signature),
        )
        return {name: value for name, value in pairs if value}

    def __repr__(self) -> str:
        shown = []
        for name, value in zip(self.__slots__, self._values()):
            if name in _SECRET_FIELDS and value is not None:
                value = "****"
            shown.append(f"{name}={value!r}")
        return f"Configuration({', '.join(shown)})"

    __str__ = __repr__
