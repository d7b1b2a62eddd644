"""Verify the webhooks Cashfree posts, and read them as typed events.

Cashfree signs every webhook: the ``x-webhook-signature`` header is
``Base64(HMAC-SHA256(key=client secret, message=x-webhook-timestamp + raw body))``. A request
whose signature does not match did not come from Cashfree (or was changed on the way), and must
be refused before anything in its body is believed.

Two entry points:

* ``construct_event(raw_body, signature, timestamp, secret)``: the one to use. It checks the
  signature, refuses a timestamp outside a replay window (``tolerance`` seconds, 300 by
  default), and returns a typed event (``InstrumentWebhookEvent`` for the Token Vault events,
  ``WebhookEvent`` with ``data`` as a dict for any other type). ``InstrumentWebhookEvent`` is a
  subclass of the official ``cashfree_pg.models.InstrumentWebhookData``.
* ``verify_signature(signature, raw_body, timestamp, secret)``, behind
  ``Cashfree().PGVerifyWebhookSignature(signature, rawBody, timestamp)``: the official SDK's
  check, with no replay window so existing callers keep working. Returns a ``PGWebhookEvent``
  (``type``, ``raw``, ``object``).

Both compare signatures in constant time, refuse an empty secret (an HMAC with an empty key can
be forged by anyone), and raise ``WebhookSignatureError`` for anything that should make the
endpoint answer 400. Their messages never contain the secret, a signature or the body.

This module is imported on first use only; ``import cashfree_pg`` does not load it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from datetime import datetime
from typing import Any, Dict, Optional, Union

from pydantic import BaseModel, ConfigDict, ValidationError

from cashfree_pg.exceptions import ApiTypeError, ApiValueError, WebhookSignatureError
from cashfree_pg.models._base import CashfreeModel, parse_datetime
from cashfree_pg.models.instrument_webhook import InstrumentWebhook
from cashfree_pg.models.instrument_webhook_data import InstrumentWebhookData
from cashfree_pg.models.instrument_webhook_data_entity import (
    InstrumentWebhookDataEntity,
    WebhookErrorDetails,
    WebhookInstrument,
    WebhookInstrumentMeta,
)

__all__ = [
    "DEFAULT_TOLERANCE",
    "INSTRUMENT_ACTIVE_WEBHOOK",
    "INSTRUMENT_EVENT_TYPES",
    "INSTRUMENT_FAILED_WEBHOOK",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "AnyWebhookEvent",
    "InstrumentWebhook",
    "InstrumentWebhookData",
    "InstrumentWebhookDataEntity",
    "InstrumentWebhookEvent",
    "PGWebhookEvent",
    "WebhookErrorDetails",
    "WebhookEvent",
    "WebhookInstrument",
    "WebhookInstrumentMeta",
    "construct_event",
    "verify_signature",
]

#: A card was tokenised and saved: ``data.instrument.instrument_status`` is ``ACTIVE``.
INSTRUMENT_ACTIVE_WEBHOOK = "INSTRUMENT_ACTIVE_WEBHOOK"
#: Tokenisation failed: ``instrument_status`` is ``FAILED`` and ``data.error_details`` says why.
INSTRUMENT_FAILED_WEBHOOK = "INSTRUMENT_FAILED_WEBHOOK"
#: The event types ``construct_event`` returns as ``InstrumentWebhookEvent``.
INSTRUMENT_EVENT_TYPES = frozenset({INSTRUMENT_ACTIVE_WEBHOOK, INSTRUMENT_FAILED_WEBHOOK})

#: The request headers that carry the signature and the signed timestamp.
SIGNATURE_HEADER = "x-webhook-signature"
TIMESTAMP_HEADER = "x-webhook-timestamp"

#: How old (or how far in the future) a webhook's timestamp may be, in seconds, by default.
DEFAULT_TOLERANCE = 300

# A timestamp at or above this is in milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973.
_MILLISECONDS_FROM = 10**11
# Longer than any plausible timestamp in ms (13 digits today); also keeps float() from overflowing.
_MAX_TIMESTAMP_DIGITS = 16
_DIGEST_SIZE = hashlib.sha256().digest_size


# -- the official SDK's event -------------------------------------------------------------------


class PGWebhookEvent:
    """A verified webhook as the official SDK returns it from ``PGVerifyWebhookSignature``.

    ``type`` is the event's ``type`` field (None if the body has none), ``raw`` the body as
    text exactly as signed, ``object`` the parsed JSON body (a dict). For typed access use
    ``construct_event`` instead.
    """

    __slots__ = ("object", "raw", "type")

    def __init__(self, type: Optional[str], raw: str, object: Dict[str, Any]) -> None:
        self.type = type
        self.raw = raw
        self.object = object

    def __repr__(self) -> str:
        # Never the body: it is the customer's card data (masked, but still not for logs).
        return f"PGWebhookEvent(type={self.type!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PGWebhookEvent):
            return NotImplemented
        return (self.type, self.raw, self.object) == (other.type, other.raw, other.object)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value


# -- typed events -------------------------------------------------------------------------------


# The instrument events' models live in cashfree_pg.models under the official SDK's names
# (InstrumentWebhook, InstrumentWebhookData, InstrumentWebhookDataEntity); the typed event is the
# body's model, so whatever code reads from one it reads from the other.


class InstrumentWebhookEvent(InstrumentWebhookData):
    """A verified ``INSTRUMENT_ACTIVE_WEBHOOK`` or ``INSTRUMENT_FAILED_WEBHOOK``.

    ``type``, ``event_time`` (as sent, ISO-8601 text; ``event_time_datetime`` parses it) and
    ``data`` (``InstrumentWebhookDataEntity``: ``instrument`` and ``error_details``). A subclass of
    the official ``cashfree_pg.models.InstrumentWebhookData``, so it can be passed wherever that
    is expected (``InstrumentWebhook(data=event)``). Every field is optional so a partial payload
    still parses; unknown fields are kept and come back out of ``to_dict()``.
    """


class WebhookEvent(CashfreeModel):
    """A verified webhook of a type this SDK has no model for (payment events, new types).

    ``type`` and ``event_time`` as for the instrument events; ``data`` is the plain dict sent.
    """

    type: Optional[str] = None
    event_time: Optional[str] = None
    data: Optional[Dict[str, Any]] = None

    @property
    def event_time_datetime(self) -> Optional[datetime]:
        """``event_time`` as a ``datetime``, or None when it is missing or not a date."""
        return parse_datetime(self.event_time)


#: What ``construct_event`` returns; narrow it with ``isinstance(event, InstrumentWebhookEvent)``.
AnyWebhookEvent = Union[InstrumentWebhookEvent, WebhookEvent]


class _EventType(BaseModel):
    """Just the ``type`` of a body, to choose the model to parse it with."""

    model_config = ConfigDict(extra="ignore")

    type: Optional[Any] = None


# -- verification -------------------------------------------------------------------------------


def verify_signature(
    signature: Optional[str],
    raw_body: Union[bytes, str],
    timestamp: Union[str, int, None],
    secret: str,
) -> PGWebhookEvent:
    """Check a webhook's signature and return it as the official SDK's ``PGWebhookEvent``.

    This is what ``Cashfree().PGVerifyWebhookSignature`` runs. ``signature`` and ``timestamp``
    are the ``x-webhook-signature`` and ``x-webhook-timestamp`` headers, ``raw_body`` the body
    exactly as received (bytes, or text that is encoded as UTF-8), ``secret`` the client secret.

    It applies no replay window (as the official method); prefer ``construct_event``, which does.

    Raises ``WebhookSignatureError`` when a header is missing, the secret is empty or the
    signature does not match; ``ApiValueError`` when a correctly signed body is not a JSON
    object; ``ApiTypeError`` when ``raw_body`` is not bytes or text.
    """
    body = _body_bytes(raw_body)
    _check_signature(signature, body, _timestamp_text(timestamp), secret)
    try:
        text = body.decode("utf-8")
        parsed = json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ApiValueError(
            "the webhook's signature is valid but its body is not JSON in UTF-8; was the body changed "
            "(decoded, re-serialised) before it was verified?"
        ) from None
    if not isinstance(parsed, dict):
        raise ApiValueError("the webhook's signature is valid but its body is not a JSON object")
    event_type = parsed.get("type")
    return PGWebhookEvent(event_type if isinstance(event_type, str) else None, text, parsed)


def construct_event(
    raw_body: Union[bytes, str],
    signature: Optional[str],
    timestamp: Union[str, int, None],
    secret: str,
    tolerance: Optional[float] = DEFAULT_TOLERANCE,
) -> AnyWebhookEvent:
    """Verify a webhook and return it as a typed event: the way to receive Cashfree webhooks.

    ``raw_body`` is the body exactly as received (Flask ``request.get_data()``, Django
    ``request.body``), ``signature`` and ``timestamp`` the ``x-webhook-signature`` and
    ``x-webhook-timestamp`` headers (None when absent), ``secret`` the client secret.

    ``tolerance`` is the replay window in seconds: a timestamp (in seconds or milliseconds since
    the epoch, told apart by size) more than ``tolerance`` seconds in the past or in the future
    is refused, so a captured webhook cannot be replayed later. ``None`` turns the check off (not
    recommended); zero or a negative value is an error rather than a silent "off".

    Returns ``InstrumentWebhookEvent`` for ``INSTRUMENT_ACTIVE_WEBHOOK`` and
    ``INSTRUMENT_FAILED_WEBHOOK``, and ``WebhookEvent`` (``data`` as a dict) for any other type.

    Raises ``WebhookSignatureError`` when a header is missing or malformed, the secret is empty,
    the signature does not match or the timestamp is outside the window (answer 400);
    ``ApiValueError`` when a correctly signed body is not a JSON object of the expected shape,
    or ``tolerance`` is not positive; ``ApiTypeError`` when ``raw_body`` is not bytes or text.
    """
    max_age = _check_tolerance(tolerance)
    body = _body_bytes(raw_body)
    ts_text = _timestamp_text(timestamp)
    sent_at = _timestamp_seconds(ts_text)
    _check_signature(signature, body, ts_text, secret)
    if max_age is not None:
        age = time.time() - sent_at
        if age > max_age:
            raise WebhookSignatureError(
                f"webhook timestamp is {age:.0f} s old, outside the {max_age:g} s tolerance: "
                "refused as a possible replay (or this server's clock is wrong)"
            )
        if -age > max_age:
            raise WebhookSignatureError(
                f"webhook timestamp is {-age:.0f} s in the future, outside the {max_age:g} s tolerance "
                "(or this server's clock is wrong)"
            )
    return _parse_event(body)


def _check_signature(signature: object, body: bytes, timestamp: str, secret: object) -> None:
    if secret is None or secret == "" or secret == b"":
        raise WebhookSignatureError(
            "a client secret is needed to verify webhooks (they are signed with it); this client "
            "has none: set XClientSecret, or pass the secret to cashfree_pg.webhooks.construct_event"
        )
    if not isinstance(secret, (str, bytes)):
        raise ApiTypeError(f"secret must be a string, got {type(secret).__name__}")
    if signature is None or signature == "" or signature == b"":
        raise WebhookSignatureError(f"missing webhook signature (the {SIGNATURE_HEADER} header)")
    if not isinstance(signature, (str, bytes)):
        raise ApiTypeError(f"signature must be a string, got {type(signature).__name__}")
    try:
        received = base64.b64decode(signature.strip(), validate=True)
    except (binascii.Error, ValueError):  # ValueError: a str with non-ASCII characters
        received = b""
    if len(received) != _DIGEST_SIZE:
        raise WebhookSignatureError(
            f"webhook signature is not a Base64 HMAC-SHA256 value; pass the {SIGNATURE_HEADER} header unchanged"
        )
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    expected = hmac.new(key, timestamp.encode("utf-8") + body, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, received):
        raise WebhookSignatureError(
            "webhook signature does not match: the body or timestamp was changed, the secret is not "
            "this merchant's, or the body was not passed exactly as received"
        )


def _body_bytes(raw_body: object) -> bytes:
    if isinstance(raw_body, bytes):
        return raw_body
    if isinstance(raw_body, str):
        try:
            return raw_body.encode("utf-8")
        except UnicodeEncodeError:
            raise ApiValueError("the webhook body is not valid Unicode text (it holds a lone surrogate)") from None
    if isinstance(raw_body, (bytearray, memoryview)):
        return bytes(raw_body)
    raise ApiTypeError(
        f"the webhook body must be the raw bytes or text received, got {type(raw_body).__name__}; "
        "pass request.get_data() (Flask) or request.body (Django), not parsed JSON"
    )


def _timestamp_text(timestamp: object) -> str:
    if timestamp is None or timestamp == "":
        raise WebhookSignatureError(f"missing webhook timestamp (the {TIMESTAMP_HEADER} header)")
    if isinstance(timestamp, str):
        return timestamp
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        return str(timestamp)
    raise ApiTypeError(f"timestamp must be the {TIMESTAMP_HEADER} header as a string, got {type(timestamp).__name__}")


def _timestamp_seconds(text: str) -> float:
    digits = text.strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > _MAX_TIMESTAMP_DIGITS:
        raise WebhookSignatureError(
            f"webhook timestamp is not a whole number of seconds or milliseconds since the epoch; "
            f"pass the {TIMESTAMP_HEADER} header unchanged"
        )
    value = int(digits)
    return value / 1000 if value >= _MILLISECONDS_FROM else float(value)


def _check_tolerance(tolerance: object) -> Optional[float]:
    if tolerance is None:
        return None
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)):
        raise ApiTypeError(f"tolerance must be a number of seconds or None, got {type(tolerance).__name__}")
    if not tolerance > 0:  # also refuses NaN
        raise ApiValueError(
            f"tolerance must be a positive number of seconds (None turns the replay check off), got {tolerance!r}"
        )
    return float(tolerance)


def _parse_event(body: bytes) -> AnyWebhookEvent:
    try:
        event_type = _EventType.model_validate_json(body).type
        if isinstance(event_type, str) and event_type in INSTRUMENT_EVENT_TYPES:
            return InstrumentWebhookEvent.model_validate_json(body)
        return WebhookEvent.model_validate_json(body)
    except ValidationError as exc:
        raise ApiValueError(_parse_problem(exc)) from None


def _parse_problem(exc: ValidationError) -> str:
    errors = exc.errors()
    first: Dict[str, Any] = dict(errors[0]) if errors else {}
    if first.get("type") == "json_invalid":
        return (
            f"the webhook's signature is valid but its body is not valid JSON ({first.get('msg')}); was the "
            "body changed (decoded, re-serialised) before it was verified?"
        )
    if first.get("type") == "model_type" and not first.get("loc"):
        return "the webhook's signature is valid but its body is not a JSON object"
    # Never the input values: they are the customer's card data.
    where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())) or '(body)'}: {e.get('msg')}" for e in errors[:3])
    return f"the webhook's signature is valid but its body does not fit the event model: {where}"
