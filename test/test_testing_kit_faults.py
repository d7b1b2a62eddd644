"""The testing kit's faults (failed, stalled and dropped answers) and its rate limits, as the SDK
meets them."""

# The tests take the plugin's fixture, imported below, as a parameter of the same name.
# ruff: noqa: F811

from __future__ import annotations

import time

import pytest

from cashfree_pg import (
    ApiConnectionError,
    ApiTimeoutError,
    ConflictException,
    NotFoundException,
    RateLimitException,
    RetryPolicy,
    ServiceException,
)
from cashfree_pg.testing import MockCashfree
from cashfree_pg.testing.pytest_plugin import cashfree_mock  # noqa: F401  (the fixture under test)
from test.testing_kit_helpers import LIST, NO_RETRY, auth, client, raw

# -- faults -------------------------------------------------------------------------------------


def test_fail_next_is_retried_by_the_sdk(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.add_instrument("cust_1")
    cashfree_mock.fail_next(503, times=2)
    got = client(cashfree_mock).PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card")
    assert len(got.data) == 1
    assert len(cashfree_mock.requests) == 3  # two failures, then the answer


def test_fail_next_exhausting_retries_raises_with_the_service_body(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.fail_next(500, times=3)
    with pytest.raises(ServiceException) as info:
        client(cashfree_mock).PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
    assert info.value.status == 500 and info.value.attempts == 3
    assert (info.value.type, info.value.code) == ("api_error", "internal_error")
    # The queue is spent: the next call is answered normally.
    assert client(cashfree_mock).PGCustomerFetchInstruments(customer_id="c", instrument_type="card").data == []


@pytest.mark.parametrize(
    ("status", "error_type", "code"),
    [
        (400, "invalid_request_error", "request_invalid"),
        (403, "invalid_request_error", "save_instrument_not_enabled"),
        (409, "invalid_request_error", "instrument_already_deleted"),
        (418, "invalid_request_error", "request_failed"),
        (429, "rate_limit_error", "request_limit_exceeded"),
        (502, "api_error", "tokenization_service_unavailable"),
        (599, "api_error", "internal_error"),
    ],
)
def test_fail_next_default_bodies(cashfree_mock: MockCashfree, status: int, error_type: str, code: str) -> None:
    cashfree_mock.fail_next(status)
    got, _, body = raw(cashfree_mock, "GET", "/anything")
    assert got == status
    assert body["type"] == error_type and body["code"] == code and body["message"]


def test_fail_next_with_a_proxy_page_and_other_bodies(cashfree_mock: MockCashfree) -> None:
    cf = client(cashfree_mock, retry_policy=NO_RETRY)
    cashfree_mock.fail_next(502, body="<html><body>502 Bad Gateway</body></html>")
    with pytest.raises(ServiceException) as info:
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
    assert info.value.code is None and "Bad Gateway" in (info.value.body or "")
    assert (info.value.headers or {})["Content-Type"].startswith("text/html")

    cashfree_mock.fail_next(
        404, body={"message": "gone", "code": "instrument_not_found", "type": "invalid_request_error"}
    )
    with pytest.raises(NotFoundException) as not_found:
        cf.PGCustomerFetchInstrument(customer_id="c", instrument_id="i")
    assert not_found.value.message == "gone"

    cashfree_mock.fail_next(200, body=b"not json")
    with pytest.raises(Exception, match="not valid JSON"):
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")

    for bad in (99, 600, "500"):
        with pytest.raises(ValueError):
            cashfree_mock.fail_next(bad)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        cashfree_mock.fail_next(500, times=0)


def test_retry_after_is_sent_and_honoured(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.fail_next(503, retry_after=0.2)
    started = time.perf_counter()
    client(cashfree_mock).PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
    assert time.perf_counter() - started >= 0.18  # waited as asked, not the 0.01 s backoff
    assert cashfree_mock.requests[0].headers.get("x-request-id")
    # Longer than the client will wait: it gives up at once and reports the delay.
    cashfree_mock.fail_next(429, retry_after=120)
    with pytest.raises(RateLimitException) as info:
        client(cashfree_mock).PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
    assert info.value.retry_after == 120 and info.value.attempts == 1
    assert (info.value.headers or {})["Retry-After"] == "120"


def test_stall_next_makes_the_client_time_out(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.stall_next(2.0)
    cf = client(cashfree_mock, timeout=0.2, retry_policy=NO_RETRY)
    started = time.perf_counter()
    with pytest.raises(ApiTimeoutError):
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
    assert time.perf_counter() - started < 1.5
    # Other requests are not held up by the stalled one.
    assert cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card").data == []


def test_stalled_delete_retried_with_its_idempotency_key_is_acted_on_once(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    cashfree_mock.stall_next(0.4)
    cf = client(cashfree_mock, timeout=0.15)
    got = cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    assert got.data.instrument_status == "INACTIVE"
    first, second = cashfree_mock.requests
    assert first.headers["x-idempotency-key"] == second.headers["x-idempotency-key"]
    time.sleep(0.35)  # the stalled attempt is handled now: a replay, not a second delete
    with pytest.raises(ConflictException):
        cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)


def test_drop_next_closes_the_connection(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.drop_next()
    with pytest.raises(ApiConnectionError) as info:
        client(cashfree_mock, retry_policy=NO_RETRY).PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
    assert not isinstance(info.value, ApiTimeoutError)
    cashfree_mock.drop_next(times=2)
    assert client(cashfree_mock).PGCustomerFetchInstruments(customer_id="c", instrument_type="card").data == []
    assert len(cashfree_mock.requests) == 4
    with pytest.raises(ValueError):
        cashfree_mock.stall_next(-1)


def test_faults_apply_in_order(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.fail_next(503)
    cashfree_mock.drop_next()
    cashfree_mock.stall_next(0.05)
    started = time.perf_counter()
    got = client(cashfree_mock, retry_policy=RetryPolicy(max_retries=3, backoff_initial=0.01, backoff_max=0.01))
    assert got.PGCustomerFetchInstruments(customer_id="c", instrument_type="card").data == []
    assert len(cashfree_mock.requests) == 3 and time.perf_counter() - started >= 0.05


# -- rate limits --------------------------------------------------------------------------------


def test_fail_next_429_sends_cashfree_s_retry_header(cashfree_mock: MockCashfree) -> None:
    cashfree_mock.fail_next(429)
    cashfree_mock.fail_next(429, retry_after=2.5)
    cashfree_mock.fail_next(429, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    cashfree_mock.fail_next(503, retry_after=7)
    got = [raw(cashfree_mock, "GET", LIST, auth(cashfree_mock)) for _ in range(4)]
    assert [(s, h["x-ratelimit-retry"], h.get("retry-after")) for s, h, _ in got] == [
        (429, "1", None),
        (429, "3", "2.5"),
        (429, "1", "Wed, 21 Oct 2015 07:28:00 GMT"),
        (503, "0", "7"),
    ]
    assert got[0][2]["type"] == "rate_limit_error"
    for bad in (-1, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match="retry_after"):
            cashfree_mock.fail_next(429, retry_after=bad)


def test_rate_limit_mode_refuses_beyond_the_limit_until_the_window_ends() -> None:
    with MockCashfree(rate_limit=3, rate_limit_window=30) as mock:
        answers = [raw(mock, "GET", LIST, auth(mock)) for _ in range(5)]
        assert [s for s, _, _ in answers] == [200, 200, 200, 429, 429]
        assert [h["x-ratelimit-remaining"] for _, h, _ in answers] == ["2", "1", "0", "0", "0"]
        assert {h["x-ratelimit-limit"] for _, h, _ in answers} == {"3"}
        assert [h["x-ratelimit-retry"] for _, h, _ in answers[:3]] == ["0", "0", "0"]
        for _, headers, body in answers[3:]:
            assert 1 <= int(headers["x-ratelimit-retry"]) <= 30
            assert body["type"] == "rate_limit_error" and headers["x-ratelimit-type"] == "app_id"
        # Off: answered again, and the headers say there is no limit.
        mock.set_rate_limit(None)
        status, headers, _ = raw(mock, "GET", LIST, auth(mock))
        assert status == 200 and headers["x-ratelimit-limit"] == "1000000"


def test_rate_limit_window_restarts_the_count() -> None:
    with MockCashfree() as mock:
        mock.set_rate_limit(2, window=0.5)
        statuses = [raw(mock, "GET", LIST, auth(mock))[0] for _ in range(3)]
        assert statuses == [200, 200, 429]
        assert raw(mock, "GET", LIST, auth(mock))[1]["x-ratelimit-retry"] == "1"  # at least 1, whole seconds
        time.sleep(0.6)
        assert raw(mock, "GET", LIST, auth(mock))[0] == 200
        for bad in (-1, 1.5, True):
            with pytest.raises(ValueError, match="rate_limit"):
                mock.set_rate_limit(bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="window"):
            mock.set_rate_limit(1, window=0)


def test_the_sdk_waits_out_the_mock_s_rate_limit_window() -> None:
    with MockCashfree(rate_limit=2, rate_limit_window=1.0) as mock:
        cf = client(mock)
        answers = [cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card") for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 200]
        assert [r.headers.get("x-request-id") for r in mock.requests].count(answers[2].request_id) == 2
        assert answers[0].rate_limit.limit == 2 and answers[0].rate_limit.remaining == 1
        assert answers[2].attempts == 2  # refused once, then answered after the window


def test_the_sdk_reports_the_mock_s_429_with_its_retry() -> None:
    with MockCashfree(rate_limit=1, rate_limit_window=60) as mock:
        cf = client(mock, retry_policy=NO_RETRY)
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        with pytest.raises(RateLimitException) as info:
            cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        assert info.value.status == 429 and info.value.type == "rate_limit_error"
        assert 1 <= (info.value.retry_after or 0) <= 60 and info.value.rate_limit.type == "app_id"
        # A fault is answered whatever the limit (and not counted).
        mock.fail_next(500)
        assert raw(mock, "GET", LIST, auth(mock))[0] == 500
