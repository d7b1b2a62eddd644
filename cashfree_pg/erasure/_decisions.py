"""What each answer of the service means for an erasure: pure functions, no call, no clock.
The loops (``_loops``) make the calls and ask these; an asynchronous variant would need new
loops, not new decisions."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence, Tuple

from cashfree_pg._redact import redact_text
from cashfree_pg.erasure._records import (
    ALREADY_INACTIVE,
    DELETED,
    FAILED,
    NOT_FOUND,
    ErasureReceipt,
    ErasureReport,
)
from cashfree_pg.exceptions import (
    ApiTypeError,
    ApiValueError,
    BadRequestException,
    ForbiddenException,
    RateLimitException,
    UnauthorizedException,
)

if TYPE_CHECKING:
    from cashfree_pg.models.instrument_entity import InstrumentEntity

# Fixed for ever: changing it would change every key, and a rerun would no longer replay.
_KEY_NAMESPACE = uuid.UUID("0b6f2f4e-7d1c-5a3e-9f57-2c8d4e6a1b90")
# A rate-limit answer that outlasted the client's own retries: the request was not acted on, so
# the erasure waits as asked and tries again, a few times, rather than fail the card.
_RATE_LIMIT_ROUNDS = 5
_RATE_LIMIT_WAIT_MAX = 60.0


def idempotency_key(merchant: str, customer_id: str, instrument_id: str) -> str:
    """The delete's idempotency key: a UUIDv5 of the three, the same in every run."""
    return str(uuid.uuid5(_KEY_NAMESPACE, json.dumps([merchant, customer_id, instrument_id])))


def merchant_of(client: Any) -> str:
    """The merchant a client acts for: its client id (or partner merchant id)."""
    c = client.configuration  # set once the client has made a call (the listing comes first)
    return str(c.client_id or c.partner_merchant_id or "") if c is not None else ""


def is_active(instrument: InstrumentEntity) -> bool:
    """Whether a listed instrument still needs deleting (anything not ``INACTIVE``)."""
    return str(instrument.instrument_status or "").upper() != "INACTIVE"


def verified_by(listing: Sequence[InstrumentEntity]) -> bool:
    return not any(is_active(i) for i in listing)


def delete_outcome(status: Optional[int]) -> str:
    """The outcome of a delete answered with HTTP ``status`` (None: no answer). A 404 or 409
    means the card is already gone: done, not failed."""
    if status is not None and 200 <= status < 300:
        return DELETED
    if status == 404:
        return NOT_FOUND
    if status == 409:
        return ALREADY_INACTIVE
    return FAILED


def is_fatal(exc: BaseException) -> bool:
    """Whether ``exc`` makes every erasure with this client impossible: credentials refused by
    the service, or a client that cannot send at all (no credentials, a bad setting). The
    customer id is checked before any call, so a bad argument here is the client's."""
    return isinstance(exc, (UnauthorizedException, ForbiddenException, ApiValueError, ApiTypeError))


def refuses_customer(exc: BaseException) -> bool:
    """Whether the service says this customer id cannot be erased at all."""
    return isinstance(exc, BadRequestException)


def rate_limit_wait(exc: BaseException, round_number: int) -> Optional[float]:
    """Seconds to wait before trying again after ``exc`` (round ``round_number``, from 1), or
    None to give up: only a rate-limit answer is tried again (it was not acted on)."""
    if not isinstance(exc, RateLimitException) or round_number > _RATE_LIMIT_ROUNDS:
        return None
    return min(_RATE_LIMIT_WAIT_MAX, max(1.0, float(exc.retry_after or 0)))


def describe_error(exc: BaseException) -> str:
    """One masked line: the class and what it says."""
    return redact_text(f"{type(exc).__name__}: {exc}")


def _card(instrument: InstrumentEntity) -> Tuple[Optional[str], Optional[str]]:
    display = instrument.instrument_display
    meta = instrument.instrument_meta
    network = meta.card_network if meta is not None else None
    # The service's display is masked; masked again in case a service ever sends more.
    return (redact_text(display) if display else display), (str(network) if network is not None else None)


def listed_receipt(customer_id: str, instrument: InstrumentEntity, outcome: str, at: datetime) -> ErasureReceipt:
    """A receipt decided from the listing alone (already inactive, or a dry run's would-delete)."""
    display, network = _card(instrument)
    return ErasureReceipt(customer_id, instrument.instrument_id, display, network, outcome, None, None, None, 0, at)


def delete_receipt(
    customer_id: str,
    instrument: InstrumentEntity,
    *,
    key: Optional[str],
    request_id: Optional[str],
    response: Any = None,
    error: Optional[BaseException] = None,
    earlier_attempts: int = 0,
    at: datetime,
) -> ErasureReceipt:
    """The receipt of a delete that got ``response`` (an ``ApiResponse``) or raised ``error``."""
    display, network = _card(instrument)
    if error is None:
        status: Optional[int] = response.status_code
        attempts = getattr(response, "attempts", 1)
        request_id = getattr(response, "request_id", None) or request_id
        error_type = message = None
    else:
        status = getattr(error, "status", None) or None
        attempts = getattr(error, "attempts", 1)
        request_id = getattr(error, "request_id", None) or request_id
        error_type, message = type(error).__name__, redact_text(str(error))
    outcome = delete_outcome(status)
    if outcome != FAILED:
        error_type = message = None
    instrument_id = instrument.instrument_id
    return ErasureReceipt(
        customer_id,
        instrument_id,
        display,
        network,
        outcome,
        status,
        request_id,
        key,
        earlier_attempts + int(attempts or 1),
        at,
        error_type,
        message,
    )


def build_report(
    customer_id: str,
    receipts: Sequence[ErasureReceipt],
    *,
    started_at: datetime,
    finished_at: datetime,
    listed: bool,
    final_listing: Optional[Sequence[InstrumentEntity]],
    dry_run: bool = False,
    interrupted: bool = False,
    error: Optional[str] = None,
    request_id: Optional[str] = None,
) -> ErasureReport:
    """A customer's report. ``listed``: the first listing worked; ``final_listing``: the
    verifying listing (None when it failed or was not made)."""
    counts: Dict[str, int] = {}
    for r in receipts:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    complete = listed and not interrupted and FAILED not in counts
    verified = final_listing is not None and verified_by(final_listing)
    return ErasureReport(
        customer_id,
        tuple(receipts),
        complete,
        verified,
        started_at,
        finished_at,
        dry_run,
        interrupted,
        error,
        request_id,
        counts,
    )
