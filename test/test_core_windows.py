"""The sans-IO core's waits and hooks, driven step by step (test/core_driver.py plays the shell):
the rate-limit window shared by a client's calls, the deadline of an attempt, what event hooks
are asked to see, and the debug line of an attempt.
"""

from __future__ import annotations

import logging
import time
from typing import List

import pytest

from cashfree_pg import ApiTimeoutError, RetryPolicy, ServiceException
from cashfree_pg._core import AttemptEvent, Emit, Fault, Hooks, RateGate
from test.core_driver import BUSY, answer, new_call, play, settings
from test.scripted_server import SEED_INSTRUMENT

# -- the shared rate-limit window --------------------------------------------------------------------


def test_a_rate_limit_one_call_meets_makes_the_next_call_wait_it_out_before_sending() -> None:
    gate = RateGate()
    busy = answer(429, BUSY, x_ratelimit_retry="3")
    play(new_call(gate=gate, run_with=settings(RetryPolicy(max_retries=0))), [busy])
    _, played = play(new_call(gate=gate), [answer(200, SEED_INSTRUMENT)])
    assert len(played) == 2 and played[1] == "attempt"
    assert 2.0 < played[0] <= 3.0  # the window's rest, before the first attempt


def test_a_window_under_a_second_is_still_waited_out_in_full() -> None:
    gate = RateGate()
    play(new_call(gate=gate, run_with=settings(RetryPolicy(max_retries=0))), [answer(429, BUSY, x_ratelimit_retry="1")])
    _, played = play(new_call(gate=gate), [answer(200, SEED_INSTRUMENT)])
    assert isinstance(played[0], float) and 0.5 < played[0] <= 1.0 and played[1:] == ["attempt"]


def test_the_window_is_the_services_longer_wait_and_a_shorter_one_never_shortens_it() -> None:
    gate = RateGate()
    once = settings(RetryPolicy(max_retries=0))
    play(new_call(gate=gate, run_with=once), [answer(429, BUSY, x_ratelimit_retry="1", retry_after="4")])
    assert 3.0 < gate.until - time.monotonic() <= 4.0
    play(new_call(gate=gate, run_with=once), [answer(429, BUSY, x_ratelimit_retry="1")])
    assert 3.0 < gate.until - time.monotonic() <= 4.0


def test_only_x_ratelimit_retry_within_retry_after_max_opens_a_shared_window() -> None:
    once = settings(RetryPolicy(max_retries=0, retry_after_max=10))
    for headers in ({"retry_after": "3"}, {"x_ratelimit_retry": "0"}, {"x_ratelimit_retry": "11"}, {}):
        gate = RateGate()
        play(new_call(gate=gate, run_with=once), [answer(429, BUSY, **headers)])
        assert gate.until == 0.0, headers
    gate = RateGate()
    play(new_call(gate=gate, run_with=once), [answer(429, BUSY, x_ratelimit_retry="10")])
    assert 9.0 < gate.until - time.monotonic() <= 10.0


def test_a_window_longer_than_the_call_timeout_fails_the_call_before_anything_is_sent() -> None:
    gate = RateGate()
    gate.until = time.monotonic() + 3
    error, played = play(new_call(gate=gate, run_with=settings(call_timeout=1)), [])
    assert isinstance(error, ApiTimeoutError) and played == []
    assert "rate limit" in str(error) and error.attempts == 1 and error.request_id == "rid-core"
    _, played = play(new_call(gate=gate, run_with=settings(call_timeout=5)), [answer(200, SEED_INSTRUMENT)])
    assert isinstance(played[0], float) and played[1:] == ["attempt"]


def test_a_passed_window_is_no_wait() -> None:
    gate = RateGate()
    gate.until = time.monotonic() - 1
    _, played = play(new_call(gate=gate), [answer(200, SEED_INSTRUMENT)])
    assert played == ["attempt"]


# -- deadlines ---------------------------------------------------------------------------------------


def test_an_attempt_ends_at_the_call_deadline_or_sooner_for_a_total_timeout() -> None:
    from urllib3.util.timeout import Timeout

    plain = new_call(run_with=settings(call_timeout=30))
    steps = plain.steps()
    assert next(steps) is plain
    assert plain.attempt_deadline() == plain.deadline
    assert 29 < plain.deadline - time.monotonic() <= 30
    capped = new_call(run_with=settings(call_timeout=30, timeout=Timeout(total=2)))
    steps = capped.steps()
    next(steps)
    assert 1 < capped.attempt_deadline() - time.monotonic() <= 2
    longer = new_call(run_with=settings(call_timeout=1, timeout=Timeout(total=20)))
    steps = longer.steps()
    next(steps)
    assert longer.attempt_deadline() == longer.deadline


# -- event hooks -------------------------------------------------------------------------------------


def test_hooks_are_asked_for_at_each_step_with_what_happened() -> None:
    seen: List[AttemptEvent] = []
    hooks = Hooks(request=[seen.append], response=[seen.append], retry=[seen.append])
    replies = [
        answer(503, BUSY, x_ratelimit_remaining="7"),
        Fault("connect", "refused"),
        answer(200, SEED_INSTRUMENT, x_ratelimit_remaining="6"),
    ]
    started = time.monotonic()
    result, played = play(new_call(run_with=settings(hooks=hooks)), replies, pause=0.002)
    took = time.monotonic() - started
    assert result.attempts == 3
    emits = [s for s in played if isinstance(s, Emit)]
    assert all(e.hooks == (seen.append,) for e in emits)
    assert [e.event for e in emits] == [e.record.event for e in emits]
    order = [s if isinstance(s, str) else ("wait" if isinstance(s, float) else s.event) for s in played]
    assert order == [
        "request", "attempt", "response", "retry", "wait",
        "request", "attempt", "response", "retry", "wait",
        "request", "attempt", "response",
    ]  # fmt: skip
    records = [e.record for e in emits]
    for record in records:
        assert (record.operation, record.method) == ("PGCustomerFetchInstrument", "GET")
        assert record.path == "/customers/{customer_id}/instruments/{instrument_id}"
        assert record.request_id == "rid-core"
    request, response, retry = records[0], records[1], records[2]
    assert (request.attempt, request.status, request.error, request.elapsed, request.wait) == (1, 0, None, 0.0, None)
    assert request.rate_limit is None
    assert (response.attempt, response.status, response.error, response.wait) == (1, 503, "ServiceException", None)
    assert response.rate_limit is not None and response.rate_limit.remaining == 7
    assert (retry.attempt, retry.status, retry.error, retry.wait) == (1, 503, "ServiceException", 0.01)
    assert retry.rate_limit == response.rate_limit and retry.elapsed == response.elapsed
    fault_response, fault_retry = records[4], records[5]
    assert (fault_response.attempt, fault_response.status, fault_response.error) == (2, 0, "ApiConnectionError")
    assert fault_response.rate_limit is None and fault_retry.wait == 0.02
    done = records[-1]
    assert (done.event, done.attempt, done.status, done.error, done.wait) == ("response", 3, 200, None, None)
    assert done.rate_limit is not None and done.rate_limit.remaining == 6
    # elapsed: how long the attempt took, from sending to the answer.
    for record in (response, fault_response, done):
        assert 0.002 <= record.elapsed <= took


def test_a_call_without_hooks_asks_for_no_hook_run() -> None:
    _, played = play(new_call(), [answer(503, BUSY), answer(200, SEED_INSTRUMENT)])
    assert not any(isinstance(s, Emit) for s in played)
    only_retry = Hooks(retry=[print])
    _, played = play(new_call(run_with=settings(hooks=only_retry)), [answer(503, BUSY), answer(200, SEED_INSTRUMENT)])
    assert [s.event for s in played if isinstance(s, Emit)] == ["retry"]


def test_a_final_failure_is_reported_to_response_hooks_but_not_as_a_retry() -> None:
    hooks = Hooks(response=[print], retry=[print])
    error, played = play(new_call(run_with=settings(RetryPolicy(max_retries=0), hooks=hooks)), [answer(503, BUSY)])
    assert isinstance(error, ServiceException)
    assert [s.event for s in played if isinstance(s, Emit)] == ["response"]


def test_the_debug_line_gives_the_attempts_duration_in_milliseconds(caplog: pytest.LogCaptureFixture) -> None:
    seen: List[AttemptEvent] = []
    with caplog.at_level(logging.DEBUG, logger="cashfree_pg"):
        play(new_call(run_with=settings(hooks=Hooks(response=[seen.append]))), [answer(200, SEED_INSTRUMENT)], 0.005)
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    path = "/customers/{customer_id}/instruments/{instrument_id}"
    assert line == f"cashfree_pg: GET {path} -> 200 in {seen[0].elapsed * 1000:.1f} ms [request_id=rid-core attempt=1]"
