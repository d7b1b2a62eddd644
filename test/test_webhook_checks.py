"""Webhook verification, at its edges: every bad argument gets a typed error that names it and its
type, a signature is strict Base64 of the right length, the seconds/milliseconds line and the
longest timestamp hold, any positive tolerance is honoured, and a body that does not fit says
which fields and why (never their values)."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest

from cashfree_pg import ApiTypeError, ApiValueError, WebhookSignatureError
from cashfree_pg.webhooks import PGWebhookEvent, construct_event, verify_signature
from test.test_webhooks import ACTIVE, SECRET, dumps, now_ms, sign

BODY = dumps(ACTIVE)


def _signed(body: str, timestamp: str) -> str:
    return sign(timestamp, body)


# -- typed errors that name the argument ----------------------------------------------------------


@pytest.mark.parametrize("verify", [verify_signature, lambda s, b, t, k: construct_event(b, s, t, k)])
def test_an_argument_of_the_wrong_type_is_named_with_its_type(verify: Any) -> None:
    ts = now_ms()
    good = _signed(BODY, ts)
    cases = [
        ((good, BODY, ts, 5), "secret must be a string, got int"),
        ((5, BODY, ts, SECRET), "signature must be a string, got int"),
        ((good, BODY, 1.5, SECRET), "timestamp must be the x-webhook-timestamp header as a string, got float"),
        ((good, BODY, True, SECRET), "timestamp must be the x-webhook-timestamp header as a string, got bool"),
    ]
    for args, message in cases:
        with pytest.raises(ApiTypeError) as info:
            verify(*args)
        assert str(info.value) == message


def test_a_tolerance_of_the_wrong_type_is_named_with_its_type() -> None:
    ts = now_ms()
    with pytest.raises(ApiTypeError) as info:
        construct_event(BODY, _signed(BODY, ts), ts, SECRET, tolerance="300")  # type: ignore[arg-type]
    assert str(info.value) == "tolerance must be a number of seconds or None, got str"


def test_a_text_body_with_a_lone_surrogate_is_refused_with_why() -> None:
    with pytest.raises(ApiValueError) as info:
        construct_event('{"type": "\ud800"}', "sig", now_ms(), SECRET)
    assert str(info.value) == "the webhook body is not valid Unicode text (it holds a lone surrogate)"


def test_empty_bytes_count_as_missing_for_the_secret_and_the_signature() -> None:
    ts = now_ms()
    with pytest.raises(WebhookSignatureError, match=r"^a client secret is needed to verify webhooks"):
        construct_event(BODY, _signed(BODY, ts), ts, b"")  # type: ignore[arg-type]
    with pytest.raises(WebhookSignatureError, match=r"^missing webhook signature \(the x-webhook-signature header\)$"):
        construct_event(BODY, b"", ts, SECRET)  # type: ignore[arg-type]


def test_a_secret_given_as_bytes_verifies_like_its_text() -> None:
    ts = now_ms()
    event = construct_event(BODY, _signed(BODY, ts), ts, SECRET.encode())  # type: ignore[arg-type]
    assert event.type == "INSTRUMENT_ACTIVE_WEBHOOK"


# -- the signature: strict Base64 ---------------------------------------------------------------


@pytest.mark.parametrize("junk", ["!", "*", "\u00e9", " ", "."])
def test_a_signature_with_anything_but_base64_inside_is_refused_even_if_the_rest_matches(junk: str) -> None:
    ts = now_ms()
    good = _signed(BODY, ts)
    spoiled = good[:10] + junk + good[10:]
    with pytest.raises(WebhookSignatureError, match=r"^webhook signature is not a Base64 HMAC-SHA256 value"):
        construct_event(BODY, spoiled, ts, SECRET)
    assert construct_event(BODY, f"  {good}\n", ts, SECRET).type == "INSTRUMENT_ACTIVE_WEBHOOK"  # outer space only


# -- timestamps: seconds or milliseconds, told apart by size -------------------------------------


@pytest.mark.parametrize(
    ("timestamp", "refused_as"),
    [
        ("99999999999", "in the future"),  # 11 digits: seconds, the year 5138
        ("100000000000", "s old"),  # 12 digits: milliseconds, 1973
        ("9" * 16, "in the future"),  # the longest accepted: milliseconds, far ahead
        ("1" + "0" * 16, "not a whole number"),  # 17 digits: refused before any arithmetic
    ],
)
def test_the_line_between_seconds_and_milliseconds_and_the_longest_timestamp(timestamp: str, refused_as: str) -> None:
    with pytest.raises(WebhookSignatureError) as info:
        construct_event(BODY, _signed(BODY, timestamp), timestamp, SECRET)
    assert refused_as in str(info.value)


def test_any_positive_tolerance_is_honoured_even_under_a_second() -> None:
    ts = now_ms()
    assert construct_event(BODY, _signed(BODY, ts), ts, SECRET, tolerance=0.9).type == "INSTRUMENT_ACTIVE_WEBHOOK"
    old = str(int(time.time() * 1000) - 5_000)
    with pytest.raises(WebhookSignatureError, match=r"outside the 0\.9 s tolerance"):
        construct_event(BODY, _signed(BODY, old), old, SECRET, tolerance=0.9)


# -- the body: a JSON object, and what does not fit is named -------------------------------------


@pytest.mark.parametrize("body", ["[1]", "5", '"text"'])
def test_a_signed_body_that_is_not_an_object_says_so(body: str) -> None:
    ts = now_ms()
    for verify in (
        lambda: verify_signature(_signed(body, ts), body, ts, SECRET),
        lambda: construct_event(body, _signed(body, ts), ts, SECRET),
    ):
        with pytest.raises(ApiValueError) as info:
            verify()
        assert str(info.value) == "the webhook's signature is valid but its body is not a JSON object"


def test_a_body_that_does_not_fit_names_up_to_three_fields_and_why_but_no_value() -> None:
    payload = copy.deepcopy(ACTIVE)
    card = ["4111111111111111"]  # wrong shapes, holding a card number
    payload["data"]["instrument"].update(instrument_meta=card, added_at=card)
    payload["data"]["error_details"] = card
    payload["event_time"] = card
    body, ts = dumps(payload), now_ms()
    with pytest.raises(ApiValueError) as info:
        construct_event(body, _signed(body, ts), ts, SECRET)
    message = str(info.value)
    prefix = "the webhook's signature is valid but its body does not fit the event model: "
    assert message.startswith(prefix) and "4111" not in message
    assert message[len(prefix) :].split("; ") == [  # four problems: the first three are named
        "data.instrument.instrument_meta: Input should be an object",
        "data.instrument.added_at: Input should be a valid string",
        "data.error_details: Input should be an object",
    ]


def test_the_type_of_an_event_is_text_or_none_and_events_compare_by_content() -> None:
    ts = now_ms()
    odd = json.dumps({"type": 5, "data": {}})
    assert verify_signature(_signed(odd, ts), odd, ts, SECRET).type is None
    first = verify_signature(_signed(BODY, ts), BODY, ts, SECRET)
    again = verify_signature(_signed(BODY, ts), BODY.encode(), ts, SECRET)
    other = verify_signature(_signed(odd, ts), odd, ts, SECRET)
    assert first == again and first != other and first != ACTIVE
    assert isinstance(first, PGWebhookEvent) and first.object == ACTIVE
