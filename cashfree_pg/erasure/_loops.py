"""The loops of an erasure: the only code that calls the service. What each answer means is
decided in ``_decisions``; here are the calls, the waits, the threads and the clock."""

from __future__ import annotations

import os
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, List, Optional, Set, Tuple, TypeVar, Union

from cashfree_pg.erasure._audit_log import AuditLog, verified_customers
from cashfree_pg.erasure._decisions import (
    build_report,
    delete_receipt,
    describe_error,
    idempotency_key,
    is_active,
    is_fatal,
    listed_receipt,
    merchant_of,
    rate_limit_wait,
    refuses_customer,
    verified_by,
)
from cashfree_pg.erasure._records import ALREADY_INACTIVE, WOULD_DELETE, ErasureReceipt, ErasureReport
from cashfree_pg.exceptions import ApiTypeError, ApiValueError

if TYPE_CHECKING:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.models.instrument_entity import InstrumentEntity

_MAX_CONCURRENCY = 64

T = TypeVar("T")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_request_id() -> str:
    return str(uuid.uuid4())


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
