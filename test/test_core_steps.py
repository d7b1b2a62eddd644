"""The sans-IO core's decisions on answers, driven step by step with answers built in memory
(test/core_driver.py plays the shell): what a success returns, what an error raises, when a call
is retried and after how long, what a call is built with. The shared rate-limit window, deadlines
and hooks are in test_core_windows.py; what only the wire can show is in test_core.py.
"""

from __future__ import annotations

from typing import Any, Dict

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
from cashfree_pg._core import Fault, RawAnswer
from cashfree_pg.api.token_vault_api import DELETE_INSTRUMENT, FETCH_CRYPTOGRAM, FETCH_INSTRUMENTS
from test.core_driver import BUSY, SECRET, answer, attempts, new_call, play, settings, waits
from test.scripted_server import SEED_INSTRUMENT

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
    assert result.request_id == "sent-1" and result.headers["x-request-id"] == "  "
    once = settings(RetryPolicy(max_retries=0))
    error, _ = play(new_call(request_id="sent-2", run_with=once), [answer(503, BUSY)])
    assert isinstance(error, ServiceException) and error.request_id == "sent-2"
    error, _ = play(new_call(request_id="sent-3"), [answer(200, b"[]")])
    assert isinstance(error, ApiDecodeError) and error.request_id == "sent-3"


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
    assert error.headers is not None and error.headers["x-ratelimit-limit"] == "10"


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
