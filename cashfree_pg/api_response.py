"""What every operation returns, and what every answer says about itself."""

from __future__ import annotations

from typing import Generic, Mapping, Optional, TypeVar

from cashfree_pg._constants import (
    H_IDEMPOTENCY_REPLAYED,
    H_RATELIMIT_LIMIT,
    H_RATELIMIT_REMAINING,
    H_RATELIMIT_RETRY,
    H_RATELIMIT_TYPE,
)
from cashfree_pg._record import Record
from cashfree_pg.policy import parse_whole

T = TypeVar("T")


class RateLimit(Record):
    """The service's ``x-ratelimit-*`` headers: requests ``limit`` per window, ``remaining`` in it,
    ``retry`` (seconds to wait: 0 within the limit) and ``type`` (``app_id`` or ``ip``). Each is
    None when the header was absent or not a number."""

    __slots__ = ("limit", "remaining", "retry", "type")
    limit: Optional[int]
    remaining: Optional[int]
    retry: Optional[int]
    type: Optional[str]

    def __init__(
        self,
        limit: Optional[int] = None,
        remaining: Optional[int] = None,
        retry: Optional[int] = None,
        type: Optional[str] = None,
    ) -> None:
        self._init(limit=limit, remaining=remaining, retry=retry, type=type)

    @classmethod
    def from_headers(cls, headers: Optional[Mapping[str, str]]) -> RateLimit:
        if not headers:
            return _NO_RATE_LIMIT
        kind = headers.get(H_RATELIMIT_TYPE)
        return cls(
            parse_whole(headers.get(H_RATELIMIT_LIMIT)),
            parse_whole(headers.get(H_RATELIMIT_REMAINING)),
            parse_whole(headers.get(H_RATELIMIT_RETRY)),
            kind.strip()[:32] if kind and kind.strip().isprintable() else None,
        )


_NO_RATE_LIMIT = RateLimit()


def idempotency_replayed(headers: Optional[Mapping[str, str]]) -> Optional[bool]:
    """True/False from ``x-idempotency-replayed``; None when absent or neither."""
    value = headers.get(H_IDEMPOTENCY_REPLAYED) if headers else None
    if value is None:
        return None
    value = value.strip().lower()
    return True if value == "true" else (False if value == "false" else None)


class ApiResponse(Generic[T]):
    """``status_code``, response ``headers`` (case-insensitive), ``data`` (the decoded model or
    list of models), ``raw_data`` (the body as text, as the official SDK gives it) and
    ``raw_bytes`` (exactly as received); ``request_id`` (the id the service echoed, else the one
    sent), ``attempts``, ``rate_limit`` and ``idempotency_replayed``."""

    __slots__ = ("attempts", "data", "headers", "raw_bytes", "request_id", "status_code")

    def __init__(
        self,
        status_code: int,
        headers: Mapping[str, str],
        data: T,
        raw_data: bytes,
        request_id: str = "",
        attempts: int = 1,
    ) -> None:
        self.status_code = status_code
        self.headers = headers
        self.data = data
        self.raw_bytes = raw_data
        self.request_id = request_id
        self.attempts = attempts

    @property
    def raw_data(self) -> str:
        """The body as text (UTF-8; undecodable bytes replaced), as the official SDK returns it."""
        return self.raw_bytes.decode("utf-8", "replace")

    @property
    def rate_limit(self) -> RateLimit:
        return RateLimit.from_headers(self.headers)

    @property
    def idempotency_replayed(self) -> Optional[bool]:
        return idempotency_replayed(self.headers)

    def __repr__(self) -> str:
        # data's own repr masks card data; the raw body is left out for the same reason.
        return (
            f"ApiResponse(status_code={self.status_code}, data={self.data!r}, "
            f"request_id={self.request_id!r}, attempts={self.attempts}, raw_data=<{len(self.raw_bytes)} bytes>)"
        )

    __str__ = __repr__
