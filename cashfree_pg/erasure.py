"""Erase a customer's saved cards when consent is withdrawn, with a receipt for every card.

    from cashfree_pg import Cashfree
    from cashfree_pg.erasure import erase_customer, erase_customers

    report = erase_customer(cashfree, "customer_42")        # one support ticket
    for report in erase_customers(cashfree, ids, audit_log="erasure.jsonl", resume=True):
        ...                                                  # a bulk job

Each customer's instruments are listed, every one not already inactive is deleted with an
idempotency key derived from the merchant, customer and instrument (a rerun replays instead of
acting twice), and a second listing verifies that none is left active. One instrument's failure
never raises: it is a receipt with outcome ``"failed"``. See docs/Erasure.md.

What each answer means is decided by the pure functions of the middle section; only
``erase_customer`` and ``erase_customers`` call the service, so an asynchronous variant needs
new loops, not new decisions.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Iterable,
    Iterator,
    List,
    Optional,
    Sequence,
    Set,
    Tuple,
    TypeVar,
    Union,
)

from cashfree_pg._redact import redact_text
from cashfree_pg.exceptions import (
    ApiTypeError,
    ApiValueError,
    BadRequestException,
    ForbiddenException,
    RateLimitException,
    UnauthorizedException,
)

if TYPE_CHECKING:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.models.instrument_entity import InstrumentEntity

__all__ = [
    "ALREADY_INACTIVE",
    "DELETED",
    "FAILED",
    "NOT_FOUND",
    "WOULD_DELETE",
    "AuditLog",
    "ErasureReceipt",
    "ErasureReport",
    "erase_customer",
    "erase_customers",
    "idempotency_key",
    "read_audit_log",
    "verified_customers",
]

DELETED = "deleted"
ALREADY_INACTIVE = "already_inactive"
NOT_FOUND = "not_found"
FAILED = "failed"
WOULD_DELETE = "would_delete"
#: Outcomes after which the card is gone: the erasure of that card is done.
DONE = frozenset({DELETED, ALREADY_INACTIVE, NOT_FOUND})

# Fixed for ever: changing it would change every key, and a rerun would no longer replay.
_KEY_NAMESPACE = uuid.UUID("0b6f2f4e-7d1c-5a3e-9f57-2c8d4e6a1b90")
# A rate-limit answer that outlasted the client's own retries: the request was not acted on, so
# the erasure waits as asked and tries again, a few times, rather than fail the card.
_RATE_LIMIT_ROUNDS = 5
_RATE_LIMIT_WAIT_MAX = 60.0
_MAX_CONCURRENCY = 64

T = TypeVar("T")


# -- records ----------------------------------------------------------------------------------


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


# -- decisions (pure) -------------------------------------------------------------------------


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


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_request_id() -> str:
    return str(uuid.uuid4())


# -- the audit log ------------------------------------------------------------------------------


class AuditLog:
    """An append-only JSON-lines file: one object per instrument outcome (``"event":
    "instrument"``) and one flat summary per customer (``"event": "customer"``), each written
    and synced to disk (fsync) as soon as it is known. Safe to share between threads.

    A last line left torn by a killed process is ended before anything is appended, so it is
    never merged with the next line; readers skip it. Created readable by its owner only.
    """

    def __init__(self, path: Union[str, os.PathLike[str]]) -> None:
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._file = os.fdopen(fd, "ab")
        try:
            if _ends_torn(self.path):
                self._write(b"\n")
        except BaseException:
            self._file.close()
            raise

    def _write(self, data: bytes) -> None:
        self._file.write(data)
        self._file.flush()
        os.fsync(self._file.fileno())

    def write(self, record: Dict[str, Any]) -> None:
        line = (json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self._write(line)

    def receipt(self, receipt: ErasureReceipt) -> None:
        self.write({"event": "instrument", **receipt.to_dict()})

    def report(self, report: ErasureReport) -> None:
        self.write(report.summary())

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _ends_torn(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        if f.tell() == 0:
            return False
        f.seek(-1, os.SEEK_END)
        return f.read(1) != b"\n"


def read_audit_log(path: Union[str, os.PathLike[str]]) -> Iterator[Dict[str, Any]]:
    """The objects of an audit log, oldest first; lines that are not a JSON object (a torn
    write) are skipped."""
    with open(path, "rb") as f:
        for raw in f:
            try:
                record = json.loads(raw)
            except ValueError:
                continue
            if isinstance(record, dict):
                yield record


def verified_customers(path: Union[str, os.PathLike[str]]) -> Set[str]:
    """Customers whose latest summary in the log says verified (dry runs and interrupted runs
    do not count): the ones ``resume=True`` skips. An absent log holds none."""
    latest: Dict[str, bool] = {}
    try:
        for record in read_audit_log(path):
            customer_id = record.get("customer_id")
            if not isinstance(customer_id, str) or "instrument_id" in record or "verified" not in record:
                continue
            if record.get("dry_run"):
                continue
            latest[customer_id] = record.get("verified") is True and record.get("interrupted") is not True
    except FileNotFoundError:
        return set()
    return {c for c, ok in latest.items() if ok}


# -- the loops (the only code that calls the service) -------------------------------------------


def _patiently(call: Callable[[], T], halt: Optional[threading.Event]) -> Tuple[Optional[T], Optional[Exception], int]:
    """``call()``'s result, or the exception it ended with, and the attempts spent on earlier
    rounds; a rate-limit answer is waited out and tried again (see ``rate_limit_wait``)."""
    spent = 0
    round_number = 0
    while True:
        try:
            return call(), None, spent
        except Exception as exc:
            round_number += 1
            delay = rate_limit_wait(exc, round_number)
            if delay is None:
                return None, exc, spent
            spent += int(getattr(exc, "attempts", 1) or 1)
            if halt is not None:
                if halt.wait(delay):
                    return None, exc, spent
            else:
                time.sleep(delay)


def _list(client: Cashfree, customer_id: str, halt: Optional[threading.Event]) -> Tuple[Any, Optional[Exception], str]:
    request_id = _new_request_id()
    response, error, _ = _patiently(
        lambda: client.PGCustomerFetchInstruments(
            customer_id=customer_id, instrument_type="card", x_request_id=request_id
        ),
        halt,
    )
    if error is not None:
        return None, error, str(getattr(error, "request_id", None) or request_id)
    return list(response.data or ()), None, request_id  # type: ignore[union-attr]


def _check_customer_id(customer_id: object) -> str:
    if not isinstance(customer_id, str):
        raise ApiTypeError(f"customer_id must be a string, got {type(customer_id).__name__}")
    if not customer_id.strip():
        raise ApiValueError("customer_id must not be empty")
    return customer_id


def erase_customer(
    client: Cashfree,
    customer_id: str,
    *,
    dry_run: bool = False,
    audit_log: Union[AuditLog, str, os.PathLike[str], None] = None,
    stop: Optional[threading.Event] = None,
) -> ErasureReport:
    """Delete every saved card of ``customer_id`` that is not already inactive, then list again
    to verify; return the report (one receipt per instrument).

    ``dry_run``: list only; active cards get ``"would_delete"``. ``audit_log``: an ``AuditLog``
    or a path to append to. ``stop``: once set, no further delete starts (the report says
    ``interrupted``). Raises only when no erasure is possible: ``ApiTypeError``/``ApiValueError``
    for a bad customer id or a client that cannot send (no credentials), ``BadRequestException``
    when the service refuses the id, ``UnauthorizedException``/``ForbiddenException`` for the
    credentials. Any other listing
    failure is a report with ``error`` set and ``complete`` False.
    """
    _check_customer_id(customer_id)
    if isinstance(audit_log, AuditLog) or audit_log is None:
        return _erase(client, customer_id, dry_run, audit_log, stop)
    with AuditLog(audit_log) as log:
        return _erase(client, customer_id, dry_run, log, stop)


def _erase(
    client: Cashfree, customer_id: str, dry_run: bool, log: Optional[AuditLog], halt: Optional[threading.Event]
) -> ErasureReport:
    started = _now()
    listing, error, list_request_id = _list(client, customer_id, halt)
    if error is not None:
        if is_fatal(error) or refuses_customer(error):
            raise error
        report = build_report(
            customer_id,
            (),
            started_at=started,
            finished_at=_now(),
            listed=False,
            final_listing=None,
            dry_run=dry_run,
            interrupted=halt is not None and halt.is_set(),
            error="listing failed: " + describe_error(error),
            request_id=list_request_id,
        )
        if log is not None:
            log.report(report)
        return report

    merchant = merchant_of(client)
    receipts: List[ErasureReceipt] = []
    interrupted = False
    for instrument in listing:
        if not is_active(instrument):
            receipt = listed_receipt(customer_id, instrument, ALREADY_INACTIVE, _now())
        elif dry_run:
            receipt = listed_receipt(customer_id, instrument, WOULD_DELETE, _now())
        elif halt is not None and halt.is_set():
            interrupted = True
            break
        else:
            receipt = _delete(client, merchant, customer_id, instrument, halt)
        receipts.append(receipt)
        if log is not None:
            log.receipt(receipt)

    final: Optional[List[InstrumentEntity]] = None
    problem: Optional[str] = None
    problem_request_id: Optional[str] = None
    if dry_run:
        final = listing
    elif not interrupted:
        final, verify_error, verify_request_id = _list(client, customer_id, halt)
        if verify_error is not None:
            if is_fatal(verify_error):
                raise verify_error
            problem, problem_request_id = "verifying listing failed: " + describe_error(verify_error), verify_request_id
        elif not verified_by(final):
            problem = "an instrument is still active after the erasure"
            problem_request_id = verify_request_id
    report = build_report(
        customer_id,
        receipts,
        started_at=started,
        finished_at=_now(),
        listed=True,
        final_listing=final,
        dry_run=dry_run,
        interrupted=interrupted,
        error=problem,
        request_id=problem_request_id,
    )
    if log is not None:
        log.report(report)
    return report


def _delete(
    client: Cashfree,
    merchant: str,
    customer_id: str,
    instrument: InstrumentEntity,
    halt: Optional[threading.Event],
) -> ErasureReceipt:
    instrument_id = instrument.instrument_id
    if not instrument_id:
        missing = ApiValueError("the listing gave this instrument no instrument_id: it cannot be deleted")
        return delete_receipt(customer_id, instrument, key=None, request_id=None, error=missing, at=_now())
    key = idempotency_key(merchant, customer_id, instrument_id)
    request_id = _new_request_id()
    response, error, spent = _patiently(
        lambda: client.PGCustomerDeleteInstrument(
            customer_id=customer_id, instrument_id=instrument_id, x_request_id=request_id, x_idempotency_key=key
        ),
        halt,
    )
    return delete_receipt(
        customer_id,
        instrument,
        key=key,
        request_id=request_id,
        response=response,
        error=error,
        earlier_attempts=spent,
        at=_now(),
    )


def erase_customers(
    client: Cashfree,
    customer_ids: Iterable[str],
    *,
    concurrency: int = 4,
    audit_log: Union[AuditLog, str, os.PathLike[str], None] = None,
    resume: bool = False,
    dry_run: bool = False,
    stop: Optional[threading.Event] = None,
) -> Iterator[ErasureReport]:
    """Erase many customers, ``concurrency`` at a time (threads sharing ``client``), yielding
    each report as it is finished (not in input order). Repeated ids are erased once.

    A customer id that is not a non-empty string, or that the service refuses, gives a report
    with ``error``, not an exception; refused credentials (``UnauthorizedException``,
    ``ForbiddenException``) or a client that cannot send (``ApiValueError``: no credentials)
    raise, after the customers in progress finish. ``resume=True`` (needs ``audit_log``) skips the
    customers the log shows verified. Once ``stop`` is set, no new customer or delete starts;
    the customers in progress finish their in-flight delete and report ``interrupted``.
    Rate limits slow the job (the client waits as the service asks) rather than fail it.
    """
    if not isinstance(concurrency, int) or isinstance(concurrency, bool) or not 1 <= concurrency <= _MAX_CONCURRENCY:
        raise ApiValueError(f"concurrency must be a whole number from 1 to {_MAX_CONCURRENCY}, got {concurrency!r}")
    if resume and audit_log is None:
        raise ApiValueError("resume=True needs the audit_log of the earlier run")
    if isinstance(customer_ids, str):
        raise ApiTypeError("customer_ids must be an iterable of customer ids, not one string")
    skip: Set[str] = set()
    if resume:
        skip = verified_customers(audit_log.path if isinstance(audit_log, AuditLog) else audit_log)  # type: ignore[arg-type]
    own_log = audit_log is not None and not isinstance(audit_log, AuditLog)
    log = AuditLog(audit_log) if own_log else audit_log  # type: ignore[arg-type]
    try:
        yield from _run_all(client, customer_ids, concurrency, log, skip, dry_run, stop)  # type: ignore[arg-type]
    finally:
        if own_log:
            log.close()  # type: ignore[union-attr]


def _run_all(
    client: Cashfree,
    customer_ids: Iterable[str],
    concurrency: int,
    log: Optional[AuditLog],
    skip: Set[str],
    dry_run: bool,
    stop: Optional[threading.Event],
) -> Iterator[ErasureReport]:
    halt = threading.Event()  # the caller's stop, or a fatal error: workers watch this one
    seen = set(skip)
    ids = iter(customer_ids)
    exhausted = False
    pending: Set[Future[Optional[ErasureReport]]] = set()
    end = object()

    def one(customer_id: object) -> Optional[ErasureReport]:
        if halt.is_set():  # queued before a stop: never started, so no report
            return None
        try:
            checked = _check_customer_id(customer_id)
        except (ApiTypeError, ApiValueError) as exc:
            return _refused(customer_id, exc, dry_run, log)
        try:
            return _erase(client, checked, dry_run, log, halt)
        except Exception as exc:
            if is_fatal(exc):
                halt.set()
                raise
            return _refused(customer_id, exc, dry_run, log)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="cashfree-erase") as pool:
        try:
            while True:
                if stop is not None and stop.is_set():
                    halt.set()
                while not exhausted and not halt.is_set() and len(pending) < 2 * concurrency:
                    item: object = next(ids, end)
                    if item is end:
                        exhausted = True
                    elif not isinstance(item, str) or item not in seen:
                        if isinstance(item, str):
                            seen.add(item)
                        pending.add(pool.submit(one, item))
                if not pending:
                    return
                finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                for future in finished:
                    report = future.result()
                    if report is not None:
                        yield report
        finally:
            halt.set()  # an error, or the caller stopped iterating: start nothing new


def _refused(customer_id: Any, exc: Exception, dry_run: bool, log: Optional[AuditLog]) -> ErasureReport:
    now = _now()
    report = build_report(
        str(customer_id),
        (),
        started_at=now,
        finished_at=now,
        listed=False,
        final_listing=None,
        dry_run=dry_run,
        error="refused: " + describe_error(exc),
        request_id=getattr(exc, "request_id", None),
    )
    if log is not None:
        log.report(report)
    return report
