"""The small data types of ``MockCashfree``: a request it received, a fault it will play, a saved
instrument; and the JSON form of what it sends.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple, Union

from cashfree_pg._redact import redact_headers

ACTIVE = "ACTIVE"
INACTIVE = "INACTIVE"

#: What ``fail_next`` accepts as a body.
JsonBody = Union[bytes, str, Mapping[str, Any], List[Any], None]

#: An answer: status, body and headers.
Reply = Tuple[int, bytes, Dict[str, str]]

#: Default error body (type, code, message) per status, for ``fail_next`` without a body.
_FAULT_BODIES: Dict[int, Tuple[str, str, str]] = {
    400: ("invalid_request_error", "request_invalid", "bad request"),
    401: ("authentication_error", "request_failed", "authentication Failed"),
    403: ("invalid_request_error", "save_instrument_not_enabled", "saved instruments are not enabled"),
    404: ("invalid_request_error", "instrument_not_found", "instrument not found"),
    408: ("api_error", "request_timeout", "request timed out"),
    409: ("invalid_request_error", "instrument_already_deleted", "instrument already deleted"),
    413: ("invalid_request_error", "request_too_large", "request body too large"),
    422: ("idempotency_error", "idempotency_key_reused", "idempotency key used with a different request"),
    429: ("rate_limit_error", "request_limit_exceeded", "too many requests, try again later"),
    500: ("api_error", "internal_error", "internal server error"),
    502: ("api_error", "tokenization_service_unavailable", "tokenization service unavailable"),
    503: ("api_error", "service_unavailable", "service unavailable"),
    504: ("api_error", "gateway_timeout", "gateway timeout"),
}


def to_json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def error_body(type_: str, code: str, message: str) -> Dict[str, str]:
    """The service's error object."""
    return {"message": message, "code": code, "type": type_}


def default_error(status: int) -> bytes:
    """The service's error body for ``status`` (a generic one for statuses it does not name)."""
    generic = ("invalid_request_error", "request_failed", "request failed")
    if status >= 500:
        generic = ("api_error", "internal_error", "server error")
    return to_json(error_body(*_FAULT_BODIES.get(status, generic)))


def plain(value: Any) -> Any:
    """``value`` as plain JSON data (models become their ``to_dict()``)."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict):
        value = to_dict()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@dataclass(frozen=True)
class RecordedRequest:
    """One request the mock received: ``method``, ``path`` (as sent, without the query),
    ``query`` (each parameter's last value), ``headers`` (lower-case names) and ``body``."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def __repr__(self) -> str:
        # Credentials are masked, in case real ones were sent to the mock by mistake.
        return (
            f"RecordedRequest(method={self.method!r}, path={self.path!r}, query={dict(self.query)!r}, "
            f"headers={redact_headers(self.headers)!r}, body={self.body!r})"
        )


class Fault:
    """What to do with a request instead of answering it: ``"fail"`` (send ``status``, ``body``
    and ``headers``), ``"stall"`` (wait ``seconds`` first) or ``"drop"`` (close the connection)."""

    __slots__ = ("body", "headers", "kind", "seconds", "status")

    def __init__(
        self,
        kind: str,
        status: int = 0,
        body: bytes = b"",
        headers: Optional[Dict[str, str]] = None,
        seconds: float = 0.0,
    ) -> None:
        self.kind = kind
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.seconds = seconds

    @classmethod
    def fail(cls, status: int, body: JsonBody, retry_after: Union[int, float, str, None]) -> Fault:
        """The failure ``MockCashfree.fail_next`` describes."""
        headers: Dict[str, str] = {}
        if body is None:
            if status >= 400:
                payload = default_error(status)
                headers["Content-Type"] = "application/json"
            else:
                payload = b""
        elif isinstance(body, (bytes, str)):
            payload = body.encode() if isinstance(body, str) else body
            looks_html = payload.lstrip()[:1] == b"<"
            headers["Content-Type"] = f"text/{'html' if looks_html else 'plain'}; charset=utf-8"
        else:
            payload = to_json(plain(body))
            headers["Content-Type"] = "application/json"
        if retry_after is not None:
            headers["Retry-After"] = f"{retry_after:g}" if isinstance(retry_after, float) else str(retry_after)
        if status == 429:
            # Cashfree's own signal (whole seconds, 1 to 59 when breached); an HTTP-date
            # retry_after has no such form, so the 429 then says the least, 1.
            seconds = retry_after if isinstance(retry_after, (int, float)) and not isinstance(retry_after, bool) else 1
            headers["x-ratelimit-retry"] = str(max(0, math.ceil(seconds)))
        return cls("fail", status, payload, headers)


class SavedInstrument:
    """A saved instrument: the object the service returns, and the network token behind it."""

    __slots__ = ("data", "token")

    def __init__(self, data: Dict[str, Any], token: Dict[str, Any]) -> None:
        self.data = data
        self.token = token

    @property
    def customer_id(self) -> Any:
        return self.data.get("customer_id")

    @property
    def status(self) -> Any:
        return self.data.get("instrument_status")
