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

The parts, each importable from here: ``_records`` (receipts and reports), ``_decisions`` (what
each answer means: pure functions), ``_audit_log`` (the log and reading it back) and ``_loops``
(``erase_customer`` and ``erase_customers``, the only code that calls the service, so an
asynchronous variant needs new loops, not new decisions).
"""

from cashfree_pg.erasure._audit_log import AuditLog, read_audit_log, verified_customers
from cashfree_pg.erasure._decisions import (
    build_report as build_report,
    delete_outcome as delete_outcome,
    delete_receipt as delete_receipt,
    describe_error as describe_error,
    idempotency_key,
    is_active as is_active,
    is_fatal as is_fatal,
    listed_receipt as listed_receipt,
    merchant_of as merchant_of,
    rate_limit_wait as rate_limit_wait,
    refuses_customer as refuses_customer,
    verified_by as verified_by,
)
from cashfree_pg.erasure._loops import erase_customer, erase_customers
from cashfree_pg.erasure._records import (
    ALREADY_INACTIVE,
    DELETED,
    DONE as DONE,
    FAILED,
    NOT_FOUND,
    WOULD_DELETE,
    ErasureReceipt,
    ErasureReport,
)

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
