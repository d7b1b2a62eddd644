"""cashfree_pg.erasure against MockCashfree: receipts, idempotent reruns, the audit log, resume."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

from cashfree_pg import ApiTypeError, ApiValueError, RetryPolicy, UnauthorizedException
from cashfree_pg.erasure import (
    ALREADY_INACTIVE,
    DELETED,
    FAILED,
    NOT_FOUND,
    WOULD_DELETE,
    AuditLog,
    delete_outcome,
    erase_customer,
    erase_customers,
    idempotency_key,
    is_active,
    rate_limit_wait,
    read_audit_log,
    verified_customers,
)
from cashfree_pg.exceptions import RateLimitException, ServiceException
from cashfree_pg.models import InstrumentEntity
from cashfree_pg.testing import MockCashfree

PAN = re.compile(r"(?<![\w-])\d{13,19}(?![\w-])")  # a card number standing alone
FAST = RetryPolicy(max_retries=1, backoff_initial=0.0, jitter=0.0)


@pytest.fixture
def mock() -> Iterator[MockCashfree]:
    with MockCashfree() as m:
        yield m


def _cards(mock: MockCashfree, customer_id: str, n: int = 2) -> List[str]:
    return [str(mock.add_instrument(customer_id).instrument_id) for _ in range(n)]


def _deletes(mock: MockCashfree) -> List[Any]:
    return [r for r in mock.requests if r.method == "DELETE"]


def _as_listed(instrument_id: str, customer_id: str, **fields: Any) -> Dict[str, Any]:
    """An instrument as a listing shows it (for a scripted listing: ``fail_next(200, body=[...])``)."""
    data = {
        "customer_id": customer_id,
        "instrument_id": instrument_id,
        "instrument_type": "card",
        "instrument_display": "xxxxxxxxxxxx1111",
        "instrument_status": "ACTIVE",
        "instrument_meta": {"card_network": "VISA"},
    }
    data.update(fields)
    return data


def test_erase_customer_deletes_every_card_verifies_and_gives_receipts(mock: MockCashfree) -> None:
    ids = _cards(mock, "cust_1")
    other = _cards(mock, "cust_2", 1)
    with mock.client() as cf:
        report = erase_customer(cf, "cust_1")
    assert report.complete and report.verified and not report.dry_run and report.error is None
    assert sorted(r.instrument_id for r in report.receipts) == sorted(ids)
    sent = {r.path.rsplit("/", 1)[1]: r.headers for r in _deletes(mock)}
    for receipt in report.receipts:
        assert receipt.outcome == DELETED and receipt.status == 200 and receipt.done
        assert receipt.card_network == "VISA" and receipt.instrument_display.startswith("xxxx")
        headers = sent[str(receipt.instrument_id)]
        assert receipt.request_id == headers["x-request-id"]
        assert receipt.idempotency_key == headers["x-idempotency-key"]
        assert receipt.idempotency_key == idempotency_key(mock.client_id, "cust_1", str(receipt.instrument_id))
        assert receipt.attempts == 1 and receipt.at.tzinfo is not None
        assert mock.instrument(str(receipt.instrument_id)).instrument_status == "INACTIVE"
    assert mock.instrument(other[0]).instrument_status == "ACTIVE"  # another customer's card is untouched
    assert report.counts == {DELETED: 2}
    # Listed, deleted twice, listed again to verify.
    assert [r.method for r in mock.requests] == ["GET", "DELETE", "DELETE", "GET"]
    data = json.loads(report.to_json())
    assert data["customer_id"] == "cust_1" and data["complete"] and data["verified"] and len(data["receipts"]) == 2


def test_dry_run_changes_nothing(mock: MockCashfree) -> None:
    ids = _cards(mock, "cust_1")
    with mock.client() as cf:
        report = erase_customer(cf, "cust_1", dry_run=True)
    assert [r.outcome for r in report.receipts] == [WOULD_DELETE, WOULD_DELETE]
    assert report.dry_run and report.complete and not report.verified
    assert not _deletes(mock) and [r.method for r in mock.requests] == ["GET"]
    assert all(mock.instrument(i).instrument_status == "ACTIVE" for i in ids)


def test_404_and_409_on_delete_count_as_done(mock: MockCashfree) -> None:
    gone = mock.add_instrument("cust_1")
    mock.set_instrument_status(str(gone.instrument_id), "INACTIVE")  # deleted: a delete gets 409
    # The listing still shows both as active (a listing taken just before they went).
    listing = [_as_listed(str(gone.instrument_id), "cust_1"), _as_listed("never-existed", "cust_1")]
    mock.fail_next(200, body=listing)
    with mock.client() as cf:
        report = erase_customer(cf, "cust_1")
    outcomes = {r.instrument_id: (r.outcome, r.status) for r in report.receipts}
    assert outcomes == {gone.instrument_id: (ALREADY_INACTIVE, 409), "never-existed": (NOT_FOUND, 404)}
    assert report.complete and report.verified
    assert all(r.error_type is None and r.done for r in report.receipts)


def test_a_5xx_that_outlasts_the_retries_is_a_failed_receipt_not_an_exception(mock: MockCashfree) -> None:
    card = mock.add_instrument("cust_1", instrument_display="4111111111111111")  # a service that did not mask
    mock.fail_next(200, body=[_as_listed(str(card.instrument_id), "cust_1", instrument_display="4111111111111111")])
    mock.fail_next(503, times=2, body={"message": "backend says 4111111111111111", "code": "x", "type": "api_error"})
    with mock.client(retry_policy=FAST) as cf:
        report = erase_customer(cf, "cust_1")
    (receipt,) = report.receipts
    assert receipt.outcome == FAILED and receipt.status == 503 and receipt.attempts == 2
    assert receipt.error_type == "ServiceException" and "503" in str(receipt.error_message)
    assert receipt.request_id and receipt.request_id in str(receipt.error_message)
    assert not report.complete and not report.verified  # and the card is still there
    assert report.error == "an instrument is still active after the erasure"
    text = report.to_json()
    assert "4111111111111111" not in text and "****1111" in text


def test_a_rerun_replays_the_same_idempotency_key_instead_of_acting_twice(mock: MockCashfree) -> None:
    (card,) = _cards(mock, "cust_1", 1)
    with mock.client() as cf:
        first = erase_customer(cf, "cust_1")
    # A second run whose listing still shows the card active (the first run's answer was lost):
    # the delete carries the same key, so the service replays its answer instead of acting again.
    mock.fail_next(200, body=[_as_listed(card, "cust_1")])
    with mock.client() as cf:
        second = erase_customer(cf, "cust_1")
    assert first.receipts[0].idempotency_key == second.receipts[0].idempotency_key
    assert second.receipts[0].outcome == DELETED and second.receipts[0].status == 200  # a replay, not a 409
    keys = [r.headers["x-idempotency-key"] for r in _deletes(mock)]
    assert len(keys) == 2 and len(set(keys)) == 1
    assert mock.delete_count(card) == 1


def test_idempotency_keys_are_deterministic_and_distinct() -> None:
    key = idempotency_key("merchant", "cust", "card")
    assert key == idempotency_key("merchant", "cust", "card")
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", key)
    others = {
        idempotency_key("other", "cust", "card"),
        idempotency_key("merchant", "cust2", "card"),
        idempotency_key("merchant", "cust", "card2"),
        idempotency_key("merchant", "cus", "tcard"),  # no ambiguity from joining the parts
    }
    assert key not in others and len(others) == 4


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, DELETED),
        (204, DELETED),
        (404, NOT_FOUND),
        (409, ALREADY_INACTIVE),
        (500, FAILED),
        (429, FAILED),
        (400, FAILED),
        (None, FAILED),
    ],
)
def test_delete_outcome(status: Any, outcome: str) -> None:
    assert delete_outcome(status) == outcome


def test_pure_decisions() -> None:
    assert is_active(InstrumentEntity(instrument_status="ACTIVE"))
    assert is_active(InstrumentEntity(instrument_status="SOMETHING_NEW"))  # not known inactive: delete it
    assert not is_active(InstrumentEntity(instrument_status="inactive"))
    limited = RateLimitException(429, retry_after=3)
    assert rate_limit_wait(limited, 1) == 3
    assert rate_limit_wait(RateLimitException(429), 1) == 1.0  # no advice: a second
    assert rate_limit_wait(limited, 99) is None  # gives up at last
    assert rate_limit_wait(ServiceException(503), 1) is None  # only a rate limit is waited out here


def test_bad_credentials_and_bad_customer_ids_raise_typed() -> None:
    with MockCashfree(client_id="right_id", client_secret="right_secret") as mock:
        _cards(mock, "cust_1")
        with mock.client(XClientSecret="wrong") as cf:
            with pytest.raises(UnauthorizedException):
                erase_customer(cf, "cust_1")
            with pytest.raises(UnauthorizedException):
                list(erase_customers(cf, ["cust_1", "cust_2"]))
        with mock.client() as cf:
            with pytest.raises(ApiValueError):
                erase_customer(cf, "")
            with pytest.raises(ApiTypeError):
                erase_customer(cf, 42)  # type: ignore[arg-type]
            # In a bulk job, one bad id is a failed report; the others go on.
            reports = {r.customer_id: r for r in erase_customers(cf, ["cust_1", " ", "cust_1"])}
        assert set(reports) == {"cust_1", " "}
        assert reports["cust_1"].complete and reports["cust_1"].verified
        assert not reports[" "].complete and "ApiValueError" in str(reports[" "].error)


def test_a_listing_that_fails_is_a_report_with_the_error(mock: MockCashfree) -> None:
    mock.fail_next(502, times=2)
    with mock.client(retry_policy=FAST) as cf:
        report = erase_customer(cf, "cust_1")
    assert not report.complete and not report.verified and report.receipts == ()
    assert report.error is not None and report.error.startswith("listing failed: ServiceException")
    assert report.request_id == mock.requests[0].headers["x-request-id"]


def test_erase_customers_arguments_are_checked(mock: MockCashfree) -> None:
    with mock.client() as cf:
        for bad in (0, 65, 2.0, True):
            with pytest.raises(ApiValueError):
                list(erase_customers(cf, ["c"], concurrency=bad))  # type: ignore[arg-type]
        with pytest.raises(ApiValueError):
            list(erase_customers(cf, ["c"], resume=True))
        with pytest.raises(ApiTypeError):
            list(erase_customers(cf, "cust_1"))
    assert mock.requests == []


def test_erase_customers_pulls_ids_lazily_and_bounded(mock: MockCashfree) -> None:
    pulled: List[str] = []

    def ids() -> Iterator[str]:
        for i in range(200):
            pulled.append(f"c{i}")
            yield f"c{i}"

    with mock.client() as cf:
        jobs = erase_customers(cf, ids(), concurrency=2)
        next(jobs)
        assert len(pulled) <= 2 * 2 + 1  # never the whole input at once
        jobs.close()
    assert len(pulled) < 200


def _audit(path: Path) -> List[Dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]  # every line is JSON: fails on a torn or merged line


def test_audit_log_holds_a_line_per_card_and_a_flat_summary_per_customer(mock: MockCashfree, tmp_path: Path) -> None:
    for c in ("a", "b", "c"):
        _cards(mock, c)
    log = tmp_path / "audit.jsonl"
    with mock.client() as cf:
        reports = list(erase_customers(cf, ["a", "b", "c"], concurrency=3, audit_log=log))
    assert all(r.complete and r.verified for r in reports)
    records = _audit(log)
    cards = [r for r in records if r["event"] == "instrument"]
    summaries = [r for r in records if r["event"] == "customer"]
    assert len(cards) == 6 and len(summaries) == 3
    for s in summaries:
        assert "instrument_id" not in s and s["complete"] is True and s["verified"] is True
        assert all(not isinstance(v, (dict, list)) for v in s.values())  # flat
    for customer in ("a", "b", "c"):  # each summary after that customer's cards
        lines = [i for i, r in enumerate(records) if r["customer_id"] == customer]
        assert records[lines[-1]]["event"] == "customer"
    text = log.read_text()
    assert not PAN.search(text) and mock.client_secret not in text
    assert "card_number" not in text and "cryptogram" not in text and "instrument_uid" not in text
    assert verified_customers(log) == {"a", "b", "c"}


def test_resume_skips_verified_customers_and_tolerates_a_torn_last_line(mock: MockCashfree, tmp_path: Path) -> None:
    cards = {c: _cards(mock, c) for c in ("a", "b", "c")}
    log = tmp_path / "audit.jsonl"
    with mock.client() as cf:
        erase_customer(cf, "a", audit_log=log)
        erase_customer(cf, "b", audit_log=log)
    # The process was killed while writing b's summary: the line is cut short.
    text = log.read_bytes()
    log.write_bytes(text[: text.rindex(b'"verified"')])
    assert verified_customers(log) == {"a"}
    mock.clear_requests()
    with mock.client() as cf:
        reports = list(erase_customers(cf, ["a", "b", "c"], audit_log=log, resume=True))
    assert sorted(r.customer_id for r in reports) == ["b", "c"]  # a skipped: verified in the log
    assert not any("/customers/a/" in r.path for r in mock.requests)
    assert all(mock.delete_count(i) == 1 for ids in cards.values() for i in ids)  # nothing acted on twice
    records = list(read_audit_log(log))
    assert {r["customer_id"] for r in records if r["event"] == "customer" and r["verified"]} == {"a", "b", "c"}
    # The torn line stays one unreadable line: the next write started on a line of its own.
    lines = log.read_text().splitlines()
    assert sum(1 for line in lines if not line.startswith("{") or not line.endswith("}")) == 1
    assert len(records) == len(lines) - 1


def test_resume_ignores_dry_runs_and_unverified_summaries(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    with AuditLog(log) as audit:
        audit.write({"customer_id": "dry", "complete": True, "verified": True, "dry_run": True})
        audit.write({"customer_id": "later_failed", "complete": True, "verified": True})
        audit.write({"customer_id": "later_failed", "complete": False, "verified": False})
        audit.write({"customer_id": "card_line", "instrument_id": "x", "verified": True})
        audit.write({"customer_id": "ok", "complete": True, "verified": True})
    assert verified_customers(log) == {"ok"}
    assert verified_customers(tmp_path / "absent.jsonl") == set()


def test_stop_finishes_in_flight_work_and_a_resume_completes_the_rest(mock: MockCashfree, tmp_path: Path) -> None:
    customers = [f"c{i}" for i in range(12)]
    cards = [card for c in customers for card in _cards(mock, c)]
    log = tmp_path / "audit.jsonl"
    stop = threading.Event()
    with mock.client() as cf:
        first = []
        for report in erase_customers(cf, customers, concurrency=2, audit_log=log, stop=stop):
            first.append(report)
            stop.set()
        assert 1 <= len(first) < len(customers)
        assert all(not r.failed for r in first)  # stopped, not failed
        second = list(erase_customers(cf, customers, concurrency=3, audit_log=log, resume=True))
    done = {r.customer_id for r in first if r.verified} | {r.customer_id for r in second}
    assert done == set(customers) and all(r.verified for r in second)
    assert all(mock.delete_count(card) == 1 for card in cards)
    assert all(mock.instrument(card).instrument_status == "INACTIVE" for card in cards)


def test_rate_limiting_slows_the_job_but_fails_no_customer(tmp_path: Path) -> None:
    with MockCashfree(rate_limit=8, rate_limit_window=1.0) as mock:
        customers = [f"c{i}" for i in range(5)]
        for c in customers:
            _cards(mock, c, 1)
        with mock.client() as cf:
            reports = list(erase_customers(cf, customers, concurrency=4, audit_log=tmp_path / "a.jsonl"))
        assert len(reports) == 5 and all(r.complete and r.verified for r in reports)
        assert len(mock.requests) > 5 * 3  # some requests were refused (429) and made again


def test_once_stop_is_set_no_delete_starts(mock: MockCashfree) -> None:
    ids = _cards(mock, "cust_1")
    stop = threading.Event()
    stop.set()
    with mock.client() as cf:
        report = erase_customer(cf, "cust_1", stop=stop)
    assert report.interrupted and not report.complete and not report.verified and report.receipts == ()
    assert not _deletes(mock) and all(mock.instrument(i).instrument_status == "ACTIVE" for i in ids)


def test_a_client_without_credentials_stops_the_job_before_any_request(
    mock: MockCashfree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cashfree_pg import Cashfree

    for name in ("CASHFREE_CLIENT_ID", "CASHFREE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    cf = Cashfree(base_url=mock.url)
    with pytest.raises(ApiValueError, match="credentials"):
        list(erase_customers(cf, ["a", "b", "c"]))
    with pytest.raises(ApiValueError, match="credentials"):
        erase_customer(cf, "a")
    assert mock.requests == []
