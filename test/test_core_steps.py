"""The sans-IO core's decisions, driven step by step with answers built in memory.

``_core`` does no I/O: a call is a generator that asks its shell for an attempt, a wait or a hook
run. These tests play the shell (without sleeping), so each decision (retry or not, how long to
wait, what a hook sees, what is raised) is checked on its own. What only the wire can show (the
shells, real sockets) is in test_core.py.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import pytest

from cashfree_pg import (
    ApiConnectionError,
    ApiDecodeError,
    ApiException,
    ApiResponse,
    ApiResponseTooLargeError,
    ApiTimeoutError,
    RateLimitException,
    RetryPolicy,
    ServiceException,
)
from cashfree_pg._core import (
    NO_HOOKS,
    AttemptEvent,
    Call,
    CallSettings,
    Emit,
    Fault,
    Hooks,
    RateGate,
    RawAnswer,
    base_headers,
    prepare,
)
from cashfree_pg.api.token_vault_api import DELETE_INSTRUMENT, FETCH_CRYPTOGRAM, FETCH_INSTRUMENT, FETCH_INSTRUMENTS
from cashfree_pg.configuration import Configuration
from cashfree_pg.policy import to_timeouts
from test.scripted_server import SEED_INSTRUMENT

SECRET = "cfsk_core_steps_secret_9f3"
#: No jitter, so every wait the core asks for can be compared exactly.
STEADY = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.02, jitter=0)
JSON = {"content-type": "application/json"}
BUSY = b'{"message": "busy", "code": "busy_now", "type": "api_error", "help": "wait"}'


def settings(
    policy: RetryPolicy = STEADY, call_timeout: float = 5.0, hooks: Hooks = NO_HOOKS, timeout: Any = None
) -> CallSettings:
    return CallSettings("2022-09-01", to_timeouts(timeout), policy, call_timeout, 1_000_000, hooks)


def new_call(
    op: Any = FETCH_INSTRUMENT,
    run_with: Optional[CallSettings] = None,
    gate: Optional[RateGate] = None,
    request_id: Optional[str] = "rid-core",
    options: Optional[Dict[str, Any]] = None,
    **config: Any,
) -> Call:
    config.setdefault("client_id", "app")
    config.setdefault("client_secret", SECRET)
    base = base_headers(Configuration(**config))
    return prepare(
        op, ("cust", "card"), base, run_with or settings(), gate or RateGate(), None, request_id, None, options
    )


def answer(status: int, body: Union[bytes, Dict[str, Any]] = b"", **headers: str) -> RawAnswer:
    if isinstance(body, dict):
        import json

        body = json.dumps(body).encode()
    merged = dict(JSON)
    merged.update({k.replace("_", "-"): v for k, v in headers.items()})
    return RawAnswer(status, "Reason", merged, body)


Played = List[Union[str, float, Emit]]


def play(call: Call, replies: Sequence[Union[RawAnswer, Fault]], pause: float = 0.0) -> Tuple[Any, Played]:
    """Drive ``call`` like a shell that never sleeps between attempts: the result (or the
    exception raised) and the steps taken ("attempt", a wait in seconds, or an Emit). Each
    answer arrives ``pause`` seconds after its attempt began."""
    pending = list(replies)
    played: Played = []
    steps = call.steps()
    try:
        step = next(steps)
        while True:
            if step is call:
                played.append("attempt")
                if pause:
                    time.sleep(pause)
                step = steps.send(pending.pop(0))
            elif isinstance(step, Emit):
                played.append(step)
                for hook in step.hooks:
                    hook(step.record)
                step = steps.send(None)
            else:
                played.append(step)
                step = steps.send(None)
    except StopIteration as done:
        return done.value, played
    except ApiException as exc:
        return exc, played


def attempts(played: Played) -> int:
    return played.count("attempt")


def waits(played: Played) -> List[float]:
    return [s for s in played if isinstance(s, float)]


# -- what a success returns ---------------------------------------------------------------------


def test_a_success_returns_the_decoded_response_with_the_echoed_id_and_attempt_count() -> None:
    call = new_call()
    result, played = play(call, [answer(503, BUSY), answer(200, SEED_INSTRUMENT, x_request_id=" rid-core ")])
    assert isinstance(result, ApiResponse)
    assert result.status_code == 200 and result.data.instrument_id == SEED_INSTRUMENT["instrument_id"]
    assert result.request_id == "rid-core" and result.attempts == 2
    assert result.raw_bytes.startswith(b"{") and played[0] == "attempt"


def test_an_answer_without_an_echoed_id_reports_the_id_sent() -> None:
    result, _ = play(new_call(request_id="sent-1"), [answer(200, SEED_INSTRUMENT, x_request_id="  ")])
    assert result.request_id == "sent-1"


def test_return_http_data_only_gives_the_model_and_preload_content_false_the_undecoded_answer() -> None:
    data, _ = play(new_call(options={"_return_http_data_only": True}), [answer(200, SEED_INSTRUMENT)])
    assert data.instrument_id == SEED_INSTRUMENT["instrument_id"] and not isinstance(data, ApiResponse)
    # Not JSON at all: a raw answer is handed back as it came, never decoded.
    raw, _ = play(new_call(options={"_preload_content": False}), [answer(200, b"<not json>", x_request_id="srv-9")])
    assert isinstance(raw, ApiResponse) and raw.data is None and raw.raw_bytes == b"<not json>"
    assert raw.status_code == 200 and raw.request_id == "srv-9" and raw.headers["x-request-id"] == "srv-9"
    raw, _ = play(new_call(request_id="sent-2", options={"_preload_content": False}), [answer(200, b"{}")])
    assert raw.request_id == "sent-2" and raw.headers["content-type"] == "application/json"
    # _preload_content=False wins over _return_http_data_only, as in the official SDK.
    both = new_call(options={"_preload_content": False, "_return_http_data_only": True})
    raw, _ = play(both, [answer(200, b"[]")])
    assert isinstance(raw, ApiResponse) and raw.data is None


def test_a_success_body_that_does_not_decode_raises_with_what_the_answer_said() -> None:
    headers = {"x_request_id": "srv-7", "x_ratelimit_remaining": "4", "x_idempotency_replayed": "true"}
    error, played = play(new_call(), [answer(200, b"[1, 2]", **headers)])
    assert isinstance(error, ApiDecodeError) and attempts(played) == 1  # a bad body is not retried
    assert error.status == 200 and error.reason == "Reason" and error.body == "[1, 2]"
    assert error.request_id == "srv-7" and error.attempts == 1
    assert error.rate_limit is not None and error.rate_limit.remaining == 4
    assert error.idempotency_replayed is True and error.headers is not None
    assert error.message is not None and "does not fit InstrumentEntity" in error.message


def test_a_redirect_or_other_3xx_is_never_taken_for_a_success() -> None:
    for status in (300, 301, 304):
        error, played = play(new_call(), [answer(status, SEED_INSTRUMENT)])
        assert isinstance(error, ApiException) and error.status == status and played == ["attempt"]


def test_a_body_that_is_not_utf_8_is_shown_with_replacement_characters_never_a_raw_error() -> None:
    error, _ = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(503, b"busy \xff\xfe")])
    assert isinstance(error, ServiceException) and error.body == "busy \ufffd\ufffd"
    error, _ = play(new_call(), [answer(200, b"\xff{}")])
    assert isinstance(error, ApiDecodeError) and error.body == "\ufffd{}"


def test_a_failure_after_a_retry_counts_every_attempt() -> None:
    error, _ = play(new_call(), [answer(503, BUSY), answer(200, b"[1]")])
    assert isinstance(error, ApiDecodeError) and error.attempts == 2
    error, _ = play(new_call(), [answer(503, BUSY), Fault("too_large", "too large", 200, "OK", {})])
    assert isinstance(error, ApiResponseTooLargeError) and error.attempts == 2


def test_a_decode_problem_names_the_first_three_places_and_never_their_values() -> None:
    # The models keep unknown and odd field values, so what fails is the shape: here each item.
    body = b'["4111111111111111", 2, 3, 4]'
    error, _ = play(new_call(FETCH_INSTRUMENTS), [answer(200, body)])
    assert isinstance(error, ApiDecodeError) and error.message is not None
    message = error.message
    assert message.startswith("response body does not fit list of InstrumentEntity: 0: ")
    problems = message.split(": ", 1)[1].split("; ")
    assert [p.split(": ")[0] for p in problems] == ["0", "1", "2"]  # "place: what is wrong", three at most
    assert all(p.split(": ", 1)[1].startswith("Input should be an object") for p in problems)
    assert "4111111111111111" not in message
    whole, _ = play(new_call(FETCH_CRYPTOGRAM), [answer(200, b"[]")])
    assert whole.message.startswith("response body does not fit CryptogramEntity: (body): ")
    blank, _ = play(new_call(), [answer(200, b" \n ")])
    assert blank.message == "empty response body where InstrumentEntity was expected"
    broken, _ = play(new_call(), [answer(200, b'{"a": ')])
    assert broken.message.startswith("response body is not valid JSON (Invalid JSON: ")  # and why not
    assert broken.message.endswith("; expected InstrumentEntity")


# -- what an error answer raises ------------------------------------------------------------------


def test_an_error_answer_raises_with_the_services_fields() -> None:
    headers = {
        "x_request_id": "srv-1",
        "x_ratelimit_limit": "10",
        "x_ratelimit_remaining": "0",
        "x_idempotency_replayed": "false",
    }
    error, played = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(503, BUSY, **headers)])
    assert type(error) is ServiceException and attempts(played) == 1
    assert (error.status, error.reason, error.code, error.message, error.type, error.help) == (
        503,
        "Reason",
        "busy_now",
        "busy",
        "api_error",
        "wait",
    )
    assert error.data is not None and error.data.code == "busy_now"
    assert error.request_id == "srv-1" and error.attempts == 1 and error.retry_after is None
    assert error.rate_limit is not None and (error.rate_limit.limit, error.rate_limit.remaining) == (10, 0)
    assert error.idempotency_replayed is False and error.body == BUSY.decode()


def test_the_attempt_count_on_an_error_is_every_attempt_made() -> None:
    error, played = play(new_call(), [answer(503, BUSY)] * 3)
    assert isinstance(error, ServiceException) and error.attempts == 3 and attempts(played) == 3


@pytest.mark.parametrize(
    "body",
    [
        b"<html>502 Bad Gateway</html>",
        b'{"detail": "json, but not the service\'s error"}',
        b'{"message": 5, "code": ["x"], "type": null}',
    ],
)
def test_an_error_body_that_is_not_the_services_error_keeps_only_the_text(body: bytes) -> None:
    error, _ = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(502, body)])
    assert isinstance(error, ServiceException) and error.body == body.decode()
    assert error.data is None and error.code is None and error.message is None and error.type is None


def test_an_error_body_with_only_a_message_code_or_type_is_still_the_services_error() -> None:
    for field in ("message", "code", "type"):
        error, _ = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(502, {field: "x1"})])
        assert error.data is not None and getattr(error, field) == "x1"


def test_fields_of_the_services_error_that_are_not_text_are_left_out() -> None:
    body = {"message": "plain words", "code": 5, "type": ["x"], "help": {"url": "h"}}
    error, _ = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(502, body)])
    assert error.data is not None and error.message == "plain words"
    assert (error.code, error.type, error.help) == (None, None, None)


@pytest.mark.parametrize(
    "config",
    [
        {"client_secret": SECRET},
        {"client_secret": None, "client_signature": "sig_core_steps_1234567"},
        {"client_secret": None, "partner_api_key": "pk_core_steps_1234567", "partner_merchant_id": "m1"},
    ],
)
def test_a_credential_the_service_echoes_back_is_masked_in_the_error(config: Dict[str, Any]) -> None:
    secret = next(v for k, v in config.items() if v and k != "partner_merchant_id")
    body = {"message": f"bad credential {secret}", "code": "auth", "type": "authentication_error"}
    error, _ = play(new_call(**config), [answer(401, body)])
    assert secret not in error.body and secret not in (error.message or "")
    assert "bad credential ****" in error.body and error.message == "bad credential ****"


# -- retries and waits ------------------------------------------------------------------------------


def test_a_retryable_status_is_retried_after_the_policys_backoff() -> None:
    result, played = play(new_call(), [answer(503, BUSY), answer(502, BUSY), answer(200, SEED_INSTRUMENT)])
    assert isinstance(result, ApiResponse) and result.attempts == 3
    assert played == ["attempt", 0.01, "attempt", 0.02, "attempt"]


def test_a_status_outside_the_policy_is_never_retried() -> None:
    error, played = play(new_call(), [answer(404, {"message": "gone", "code": "not_found", "type": "x"})])
    assert error.status == 404 and played == ["attempt"]


def test_the_services_retry_after_replaces_the_backoff() -> None:
    _, played = play(new_call(), [answer(503, BUSY, retry_after="0.3"), answer(200, SEED_INSTRUMENT)])
    assert waits(played) == [0.3]


def test_the_larger_of_x_ratelimit_retry_and_retry_after_is_the_wait() -> None:
    for limit_retry, retry_after, expected in [("1", "0.5", 1.0), ("1", "3", 3.0), ("0", "0.5", 0.5)]:
        error, _ = play(
            new_call(run_with=settings(RetryPolicy(max_retries=0))),
            [answer(429, BUSY, x_ratelimit_retry=limit_retry, retry_after=retry_after)],
        )
        assert isinstance(error, RateLimitException) and error.retry_after == expected


def test_x_ratelimit_retry_alone_is_the_wait_and_zero_means_none() -> None:
    error, _ = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(429, BUSY, x_ratelimit_retry="2")])
    assert error.retry_after == 2.0 and isinstance(error.retry_after, float)
    error, _ = play(new_call(run_with=settings(RetryPolicy(max_retries=0))), [answer(429, BUSY, x_ratelimit_retry="0")])
    assert error.retry_after is None


def test_a_wait_that_would_outlast_the_call_timeout_ends_the_call_at_once() -> None:
    slow = RetryPolicy(max_retries=2, backoff_initial=1.0, backoff_max=1.0, jitter=0)
    error, played = play(new_call(run_with=settings(slow, call_timeout=0.5)), [answer(503, BUSY)])
    assert isinstance(error, ServiceException) and played == ["attempt"]
    _, played = play(
        new_call(run_with=settings(slow, call_timeout=5)), [answer(503, BUSY), answer(200, SEED_INSTRUMENT)]
    )
    assert played == ["attempt", 1.0, "attempt"]


@pytest.mark.parametrize(
    ("kind", "raised", "retried"),
    [
        ("connect", ApiConnectionError, True),
        ("timeout", ApiTimeoutError, True),
        ("mismatch", ApiConnectionError, True),
        ("protocol", ApiConnectionError, True),
        ("tls", ApiConnectionError, False),
    ],
)
def test_an_attempt_without_an_answer_raises_its_kind_and_only_tls_is_never_retried(
    kind: str, raised: type, retried: bool
) -> None:
    error, played = play(new_call(), [Fault(kind, f"{kind} went wrong")] * 3)
    assert type(error) is raised and error.status == 0 and error.request_id == "rid-core"
    assert error.reason == f"{kind} went wrong" and error.retryable is retried
    assert attempts(played) == (3 if retried else 1) and error.attempts == attempts(played)


def test_a_body_over_the_cap_raises_too_large_at_once_with_the_answers_head() -> None:
    fault = Fault("too_large", "larger than max_response_bytes", 200, "OK", {"x-request-id": "srv-3"})
    error, played = play(new_call(), [fault])
    assert type(error) is ApiResponseTooLargeError and played == ["attempt"]
    assert (error.status, error.reason, error.message) == (200, "OK", "larger than max_response_bytes")
    assert error.headers == {"x-request-id": "srv-3"} and error.request_id == "rid-core" and error.attempts == 1


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


# -- building a call ---------------------------------------------------------------------------------


def test_a_delete_carries_an_idempotency_key_kept_for_every_attempt_and_a_fetch_none() -> None:
    delete = new_call(DELETE_INSTRUMENT, request_id=None)
    key, rid = delete.headers["x-idempotency-key"], delete.request_id
    assert key != rid
    play(delete, [answer(503, BUSY), answer(200, SEED_INSTRUMENT)])
    assert (delete.headers["x-idempotency-key"], delete.request_id) == (key, rid)
    assert "x-idempotency-key" not in new_call().headers


def test_the_call_and_its_headers_show_no_secret() -> None:
    call = new_call()
    shown = repr(call) + repr(call.headers) + str(call.headers)
    assert SECRET not in shown and "rid-core" in repr(call) and "attempt=0" in repr(call)
    assert "PGCustomerFetchInstrument" in repr(call) and call.method == "GET"
    assert call.headers["x-client-secret"] == SECRET  # the real value is still sent
    answer_ = RawAnswer(200, "OK", {}, b'{"card_number": "4111111111111111"}')
    assert "4111" not in repr(answer_) and "35 bytes" in repr(answer_) and answer_.data is answer_.body
    assert repr(Fault("connect", "refused")) == "Fault(connect: refused)"


def test_the_debug_line_gives_the_attempts_duration_in_milliseconds(caplog: pytest.LogCaptureFixture) -> None:
    seen: List[AttemptEvent] = []
    with caplog.at_level(logging.DEBUG, logger="cashfree_pg"):
        play(new_call(run_with=settings(hooks=Hooks(response=[seen.append]))), [answer(200, SEED_INSTRUMENT)], 0.005)
    (line,) = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert f"-> 200 in {seen[0].elapsed * 1000:.1f} ms [request_id=rid-core attempt=1]" in line
