"""Every error this SDK raises.

``OpenApiException`` is the root. Bad input raises one of the ``Api*Error`` classes that are also
the matching built-in (``ApiValueError`` is a ``ValueError``), before anything is sent. Anything
that went wrong on the wire or at the service raises ``ApiException`` or a subclass named for
what happened, carrying the status, the service's error code and message, the raw body and the
request id to quote to Cashfree support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Tuple, Type

from cashfree_pg._constants import ERROR_BODY_EXCERPT, ERROR_TEXT_EXCERPT
from cashfree_pg._redact import redact_headers, redact_text, safe_text

if TYPE_CHECKING:
    from cashfree_pg.api_response import RateLimit
    from cashfree_pg.models.api_error import ApiError


# Text is masked before it is cut, over this many characters past the cut: a card number or a
# token that crosses the cut is then masked whole, never shown in part (each is whole within it).
_CUT_MARGIN = 256


def masked_head(text: str, limit: int) -> str:
    """The first ``limit`` characters of ``text`` with card data and secrets masked."""
    return redact_text(text[: limit + _CUT_MARGIN])[:limit]


def printable(text: str, limit: int = ERROR_TEXT_EXCERPT) -> str:
    """``text`` masked and cut to ``limit`` characters, then every control or bidi character
    shown as an escape (masking first, so a number split by a line break is still recognised)."""
    shown = masked_head(text, limit)
    if len(text) > limit:
        shown = f"{shown}... [{len(text) - limit} more characters]"
    return safe_text(shown)


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
    response body as text, cut to 64 KiB), ``headers``, ``code``, ``message``, ``type`` and
    ``help`` from the service's error body, ``data`` (that body as an error model, or None),
    ``request_id`` (the id the service echoed, else the one sent: quote it to Cashfree support),
    ``attempts`` (how many were made), ``retry_after`` (seconds the service asked to wait, from
    ``x-ratelimit-retry`` or ``Retry-After``), ``rate_limit`` (the ``x-ratelimit-*`` headers) and
    ``idempotency_replayed``. ``str(e)`` has the official SDK's layout, with secrets and card data
    masked and control characters escaped.
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
        help: Optional[str] = None,
        data: Optional[ApiError] = None,
        request_id: Optional[str] = None,
        attempts: int = 1,
        retry_after: Optional[float] = None,
        rate_limit: Optional[RateLimit] = None,
        idempotency_replayed: Optional[bool] = None,
    ) -> None:
        if http_resp is not None:  # the official SDK's way of building one from a response
            status = getattr(http_resp, "status", None) if status is None else status
            reason = getattr(http_resp, "reason", None) if reason is None else reason
            raw = getattr(http_resp, "data", None)
            if body is None and isinstance(raw, (bytes, str)):
                body = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
            headers = getattr(http_resp, "headers", None) if headers is None else headers
        if body is not None:  # an answer that failed to decode can be a cryptogram's
            body = masked_head(body, ERROR_BODY_EXCERPT)
        self.status = status if status is not None else 0
        self.reason = reason
        self.body = body
        self.headers = headers
        self.code = code
        self.message = message
        self.type = type
        self.help = help
        self.data = data
        self.request_id = request_id
        self.attempts = attempts
        self.retry_after = retry_after
        self.rate_limit = rate_limit
        self.idempotency_replayed = idempotency_replayed
        super().__init__(self.status, reason)

    def _describe(self) -> str:
        if self.status:
            lines = [f"({self.status})", f"Reason: {printable(str(self.reason))}"]
            if self.message and self.data is None:  # the SDK's own words (a body that did not decode)
                lines.append(f"Message: {printable(self.message)}")
            if self.headers:
                lines.append(f"HTTP response headers: {printable(str(redact_headers(dict(self.headers))))}")
            if self.body:
                lines.append(f"HTTP response body: {printable(self.body)}")
        else:
            lines = [printable(self.reason or "API error")]
        if self.request_id:
            lines.append(f"Request id: {printable(self.request_id, 200)}")
        if self.attempts > 1:
            lines.append(f"Attempts: {self.attempts}")
        if self.retry_after is not None:
            lines.append(f"Retry after: {self.retry_after:g}s")
        return "\n".join(lines) + "\n"  # every piece went through printable(): masked and escaped

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

    def __init__(self, *args: Any, retryable: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retryable = retryable


class ApiTimeoutError(ApiConnectionError):
    """No response within the timeout, or the call's ``call_timeout`` ran out."""


class ApiResponseTooLargeError(ApiException):
    """The answer was longer than ``max_response_bytes``: reading stopped, the connection was dropped."""


#: Per error status: the exception raised and the model of its body ("module:Class" under
#: cashfree_pg.models, imported on first use).
_BY_STATUS: Dict[int, Tuple[Type[ApiException], str]] = {
    400: (BadRequestException, "bad_request_error:BadRequestError"),
    401: (UnauthorizedException, "authentication_error:AuthenticationError"),
    403: (ForbiddenException, "api_error:ApiError"),
    404: (NotFoundException, "api_error404:ApiError404"),
    409: (ConflictException, "api_error409:ApiError409"),
    422: (UnprocessableEntityException, "idempotency_error:IdempotencyError"),
    429: (RateLimitException, "rate_limit_error:RateLimitError"),
    502: (ServiceException, "api_error502:ApiError502"),
}
_SERVER_ERROR = (ServiceException, "api_error:ApiError")
_OTHER = (ApiException, "api_error:ApiError")


def error_kind(status: int) -> Tuple[Type[ApiException], str]:
    """The exception class and error-body model for an HTTP error status."""
    found = _BY_STATUS.get(status)
    if found is not None:
        return found
    return _SERVER_ERROR if status >= 500 else _OTHER


def exception_class_for(status: int) -> Type[ApiException]:
    """The exception class raised for an HTTP error status."""
    return error_kind(status)[0]
