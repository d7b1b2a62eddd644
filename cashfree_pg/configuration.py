"""Everything one client needs to talk to the service, as plain immutable data."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from urllib3.util.timeout import Timeout

from cashfree_pg.exceptions import ApiValueError
from cashfree_pg.policy import DEFAULT_TIMEOUT, RetryPolicy

SANDBOX_URL = "https://sandbox.cashfree.com/pg"
PRODUCTION_URL = "https://api.cashfree.com/pg"
DEFAULT_API_VERSION = "2022-09-01"

_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_API_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_SECRET_FIELDS = ("client_secret", "client_signature", "partner_api_key")


def check_header_value(name: str, value: object) -> str:
    """``value`` if it is a string that can travel in a header; ApiValueError/ApiTypeError if not."""
    if not isinstance(value, str):
        from cashfree_pg.exceptions import ApiTypeError

        raise ApiTypeError(f"{name} must be a string, got {type(value).__name__}")
    if _CONTROL_CHARS.search(value):
        raise ApiValueError(f"{name} contains a control character (CR, LF, ...) and cannot be sent as a header")
    return value


def check_api_version(value: object) -> str:
    """``value`` if it is an API version of the form YYYY-MM-DD."""
    check_header_value("x_api_version", value)
    assert isinstance(value, str)
    if not _API_VERSION.match(value):
        raise ApiValueError(f"x_api_version must look like YYYY-MM-DD (for example 2022-09-01), got {value!r}")
    return value


@dataclass(frozen=True)
class Configuration:
    """Settings of one client. Build it with keywords; every field has a safe default.

    ``host`` is the base URL ending in ``/pg``. Credentials are a client id and secret, or a
    partner key (with the merchant id it acts for); ``client_signature`` is sent where set.
    ``verify_ssl`` is on unless turned off by the explicit option of ``Cashfree``;
    ``ssl_ca_cert`` names a CA bundle to trust instead of the system store.
    """

    host: str = SANDBOX_URL
    client_id: Optional[str] = None
    client_secret: Optional[str] = field(default=None, repr=False)
    partner_api_key: Optional[str] = field(default=None, repr=False)
    partner_merchant_id: Optional[str] = None
    client_signature: Optional[str] = field(default=None, repr=False)
    api_version: str = DEFAULT_API_VERSION
    timeout: Timeout = DEFAULT_TIMEOUT
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    verify_ssl: bool = True
    ssl_ca_cert: Optional[str] = None
    proxy: Optional[str] = None
    pool_maxsize: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.host, str) or not re.match(r"https?://[^/\s]+", self.host):
            raise ApiValueError(f"host must be an http(s) URL, got {self.host!r}")
        object.__setattr__(self, "host", self.host.rstrip("/"))
        for name in ("client_id", *_SECRET_FIELDS, "partner_merchant_id"):
            value = getattr(self, name)
            if value is not None:
                check_header_value(name, value)
        check_api_version(self.api_version)
        if not isinstance(self.timeout, Timeout):
            raise ApiValueError("timeout must be a urllib3 Timeout (Cashfree(timeout=...) also takes seconds or pairs)")
        if not isinstance(self.retry, RetryPolicy):
            raise ApiValueError("retry must be a RetryPolicy")
        if not isinstance(self.pool_maxsize, int) or self.pool_maxsize < 1:
            raise ApiValueError(f"pool_maxsize must be a whole number >= 1, got {self.pool_maxsize!r}")

    def replace(self, **changes: Any) -> Configuration:
        """A copy with some fields changed (the configuration itself never changes)."""
        return dataclasses.replace(self, **changes)

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
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in _SECRET_FIELDS and value is not None:
                value = "****"
            shown.append(f"{f.name}={value!r}")
        return f"Configuration({', '.join(shown)})"

    __str__ = __repr__
