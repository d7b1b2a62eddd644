"""Every error this SDK raises.

``OpenApiException`` is the root. Bad input raises one of the ``Api*Error`` classes that are also
the matching built-in (``ApiValueError`` is a ``ValueError``), before anything is sent. Anything
that went wrong on the wire or at the service raises ``ApiException`` or a subclass named for
what happened, carrying the status, the service's error code and message, the raw body and the
request id to quote to Cashfree support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Type

from cashfree_pg._redact import redact_text

if TYPE_CHECKING:
    from cashfree_pg.models.api_error import ApiError


class OpenApiException(Exception):
    """Base class of every exception raised by this SDK."""


class ApiTypeError(OpenApiException, TypeError):
    """An argument has the wrong type, or a keyword argument is not known."""


class ApiValueError(OpenApiException, ValueError):
    """An argument or a setting has a value that cannot be sent."""


class ApiAttributeError(OpenApiException, AttributeError):
    """An attribute that does not exist was asked for."""


class ApiKeyError(OpenApiException, KeyError):
    """A key that does not exist was asked for."""


class WebhookSignatureError(OpenApiException):
    """A webhook's signature does not match its body, or its timestamp is too old."""


class ApiException(OpenApiException):
    """The service answered with an error, or could not be reached.

    Attributes: ``status`` (HTTP status, 0 when no response arrived), ``reason``, ``body`` (the
    response body as text, exactly as received), ``headers``, ``code``, ``message`` and ``type``
    from the service's error body, ``data`` (that body as an error model, or None),
    ``request_id`` (the ``x-request-id`` of the call), ``attempts`` (how many were made) and
    ``retry_after`` (seconds the service asked to wait, when it did).
    """

    def __init__(
        self,
        status: Optional[int] = None,
        reason: Optional[str] = None,
        http_resp: Any = None,
        *,
        body: Optional[str] = None,
        headers: Optional[Mapping[str, str]] = None,
        code: Optional[str] = None,
        message: Optional[str] = None,
        type: Optional[str] = None,
        data: Optional[ApiError] = None,
        request_id: Optional[str] = None,
        attempts: int = 1,
        retry_after: Optional[float] = None,
    ) -> None:
        if http_resp is not None:  # the official SDK's way of building one from a response
            status = http_resp.status if status is None else status
            reason = http_resp.reason if reason is None else reason
            if body is None and isinstance(getattr(http_resp, "data", None), bytes):
                body = http_resp.data.decode("utf-8", "replace")
            headers = getattr(http_resp, "headers", None) if headers is None else headers
        self.status = status if status is not None else 0
        self.reason = reason
        self.body = body
        self.headers = headers
        self.code = code
        self.message = message
        self.type = type
        self.data = data
        self.request_id = request_id
        self.attempts = attempts
        self.retry_after = retry_after
        super().__init__(self._describe())

    def _describe(self) -> str:
        if self.status:
            parts = [f"({self.status}) {self.reason or ''}".rstrip()]
        else:
            parts = [self.reason] if self.reason else []
        if self.code:
            parts.append(f"code={self.code}")
        if self.message:
            parts.append(f"message={self.message}")
        if self.request_id:
            parts.append(f"request_id={self.request_id}")
        if self.attempts > 1:
            parts.append(f"after {self.attempts} attempts")
        if self.retry_after is not None:
            parts.append(f"retry_after={self.retry_after:g}s")
        return redact_text(" ".join(parts) if parts else "API error")

    def __str__(self) -> str:
        return self._describe()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._describe()!r})"


class BadRequestException(ApiException):
    """400: the service rejected the request (an invalid or expired instrument id, ...)."""


class UnauthorizedException(ApiException):
    """401: the client id and secret (or partner key) were not accepted."""


class ForbiddenException(ApiException):
    """403: the account may not do this (saved instruments not enabled, ...)."""


class NotFoundException(ApiException):
    """404: no such instrument for this customer (wrong id, other customer's id, deleted)."""


class ConflictException(ApiException):
    """409: the instrument is already deleted."""


class UnprocessableEntityException(ApiException):
    """422: the idempotency key was used before with a different request."""


class RateLimitException(ApiException):
    """429: too many requests; ``retry_after`` says how long the service asked to wait."""


class ServiceException(ApiException):
    """5xx: the service or a proxy in front of it failed."""


class ApiDecodeError(ApiException):
    """A success response whose body is empty, not JSON, or does not fit the expected model."""


class ApiConnectionError(ApiException):
    """No response: the connection failed, was reset, or the certificate was not trusted."""

    #: Whether another attempt could succeed (not for a certificate that failed verification).
    retryable: bool = True


class ApiTimeoutError(ApiConnectionError):
    """No response within the timeout."""


_BY_STATUS: Dict[int, Type[ApiException]] = {
    400: BadRequestException,
    401: UnauthorizedException,
    403: ForbiddenException,
    404: NotFoundException,
    409: ConflictException,
    422: UnprocessableEntityException,
    429: RateLimitException,
}


def exception_class_for(status: int) -> Type[ApiException]:
    """The exception class raised for an HTTP error status."""
    if status >= 500:
        return ServiceException
    return _BY_STATUS.get(status, ApiException)
