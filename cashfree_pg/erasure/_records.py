"""What an erasure leaves behind: the outcome of each card (``ErasureReceipt``) and of each
customer (``ErasureReport``), in the form the audit log writes them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

DELETED = "deleted"
ALREADY_INACTIVE = "already_inactive"
NOT_FOUND = "not_found"
FAILED = "failed"
WOULD_DELETE = "would_delete"
#: Outcomes after which the card is gone: the erasure of that card is done.
DONE = frozenset({DELETED, ALREADY_INACTIVE, NOT_FOUND})


def _utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class ErasureReceipt:
    """What happened to one instrument: ``outcome`` is ``"deleted"``, ``"already_inactive"``,
    ``"not_found"``, ``"failed"`` or (dry run) ``"would_delete"``. ``status`` is the HTTP status
    of the delete (None when none was sent), ``attempts`` how many requests it took. For a
    failure, ``error_type`` and ``error_message`` (masked) say why. Of the card, only the
    service's masked ``instrument_display`` and ``card_network`` are kept."""

    customer_id: str
    instrument_id: Optional[str]
    instrument_display: Optional[str]
    card_network: Optional[str]
    outcome: str
    status: Optional[int]
    request_id: Optional[str]
    idempotency_key: Optional[str]
    attempts: int
    at: datetime
    error_type: Optional[str] = None
    error_message: Optional[str] = None

    @property
    def done(self) -> bool:
        """Whether the card is gone (deleted now, or before)."""
        return self.outcome in DONE

    def to_dict(self) -> Dict[str, Any]:
        return {
            "customer_id": self.customer_id,
            "instrument_id": self.instrument_id,
            "instrument_display": self.instrument_display,
            "card_network": self.card_network,
            "outcome": self.outcome,
            "status": self.status,
            "request_id": self.request_id,
            "idempotency_key": self.idempotency_key,
            "attempts": self.attempts,
            "at": _utc(self.at),
            "error_type": self.error_type,
            "error_message": self.error_message,
        }


@dataclass(frozen=True)
class ErasureReport:
    """The erasure of one customer. ``complete``: nothing failed (the listing worked, and every
    card is deleted or was already gone). ``verified``: the final listing showed no active
    instrument. ``interrupted``: stopped before every card was handled. ``error``: why the
    customer could not be listed or verified (masked), with that request's ``request_id``."""

    customer_id: str
    receipts: Tuple[ErasureReceipt, ...]
    complete: bool
    verified: bool
    started_at: datetime
    finished_at: datetime
    dry_run: bool = False
    interrupted: bool = False
    error: Optional[str] = None
    request_id: Optional[str] = None
    counts: Dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def failed(self) -> List[ErasureReceipt]:
        return [r for r in self.receipts if r.outcome == FAILED]

    def summary(self) -> Dict[str, Any]:
        """The flat summary line of the audit log (no receipts, no ``instrument_id``)."""
        return {
            "event": "customer",
            "customer_id": self.customer_id,
            "complete": self.complete,
            "verified": self.verified,
            "dry_run": self.dry_run,
            "interrupted": self.interrupted,
            "started_at": _utc(self.started_at),
            "finished_at": _utc(self.finished_at),
            **{outcome: self.counts.get(outcome, 0) for outcome in (*sorted(DONE), FAILED, WOULD_DELETE)},
            "error": self.error,
            "request_id": self.request_id,
        }

    def to_dict(self) -> Dict[str, Any]:
        data = self.summary()
        del data["event"]
        data["receipts"] = [r.to_dict() for r in self.receipts]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict())
