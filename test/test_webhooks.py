"""Webhook verification: every protection has a test that fails if the protection is removed.

Signatures are computed here, independently of the SDK, with ``hmac``/``hashlib``/``base64``
(and one fixed vector computed with ``openssl dgst -sha256 -hmac``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Union

import pytest

from cashfree_pg import ApiTypeError, ApiValueError, Cashfree, OpenApiException, WebhookSignatureError
from cashfree_pg.models.card_token_details import CardTokenDetails
from cashfree_pg.webhooks import (
    INSTRUMENT_ACTIVE_WEBHOOK,
    INSTRUMENT_FAILED_WEBHOOK,
    InstrumentWebhookEvent,
    PGWebhookEvent,
    WebhookEvent,
    construct_event,
    verify_signature,
)

SECRET = "s3cr3t-client-secret-value"

ACTIVE: Dict[str, Any] = {
    "data": {
        "instrument": {
            "customer_id": "customer_123",
            "afa_reference": "887316963",
            "instrument_id": "af250dc5-e5e5-4e7d-a7cf-3f446741fa54",
            "instrument_type": "card",
            "instrument_uid": "680cd717",
            "instrument_display": "XXXXXXXXXXXX6854",
            "instrument_status": "ACTIVE",
            "added_at": "2022-04-14T10:42:59+05:30",
            "instrument_meta": {
                "card_network": "visa",
                "card_bank_name": "HDFC BANK",
                "card_country": "IN",
                "card_type": "credit",
                "sub_type": "R",
                "card_par": "50012ADWQZJKHCLXLT61QTYD5QNX1",
                "card_token_details": None,
            },
        }
    },
    "event_time": "2022-04-14T10:44:14+05:30",
    "type": "INSTRUMENT_ACTIVE_WEBHOOK",
}

FAILED: Dict[str, Any] = {
    "data": {
        "instrument": {
            **ACTIVE["data"]["instrument"],
            "instrument_status": "FAILED",
        },
        "error_details": {
            "error_code": "TOKENIZATION_FAILED",
            "error_description": "card network declined tokenisation",
            "error_source": "bank",
        },
    },
    "event_time": "2022-04-14T10:44:14+05:30",
    "type": "INSTRUMENT_FAILED_WEBHOOK",
}


def sign(timestamp: str, body: Union[str, bytes], secret: str = SECRET) -> str:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("utf-8") + raw, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def now_s() -> str:
    return str(int(time.time()))


def now_ms() -> str:
    return str(int(time.time() * 1000))


def dumps(payload: Dict[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"))


# -- PGVerifyWebhookSignature (official shape, no replay window) ----------------------------------


def test_facade_returns_type_raw_and_object_for_a_valid_signature() -> None:
    raw = dumps(ACTIVE)
    ts = "1650000000000"  # an old timestamp is fine here: the official method has no window
    event = Cashfree(XClientId="id", XClientSecret="secret").PGVerifyWebhookSignature(sign(ts, raw, "secret"), raw, ts)
    assert isinstance(event, PGWebhookEvent)
    assert event.type == INSTRUMENT_ACTIVE_WEBHOOK
    assert event.raw == raw
    assert event.object == ACTIVE
    assert raw not in repr(event)


def test_facade_matches_a_fixed_vector_computed_with_openssl() -> None:
    # printf '%s' '1650000000000{"type":"INSTRUMENT_ACTIVE_WEBHOOK"}' \
    #     | openssl dgst -sha256 -hmac secret -binary | base64
    raw = '{"type":"INSTRUMENT_ACTIVE_WEBHOOK"}'
    event = Cashfree(XClientId="id", XClientSecret="secret").PGVerifyWebhookSignature(
        "iIW5RPeHX5PUVOBoBqUNdu5Du51lL3sC1ZmCbSSq5qc=", raw, "1650000000000"
    )
    assert event.type == INSTRUMENT_ACTIVE_WEBHOOK


def test_facade_refuses_a_tampered_body() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    sig = sign(ts, raw, "secret")
    tampered = raw.replace("customer_123", "customer_999")
    with pytest.raises(WebhookSignatureError, match="does not match"):
        Cashfree(XClientId="id", XClientSecret="secret").PGVerifyWebhookSignature(sig, tampered, ts)


def test_facade_refuses_a_signature_made_with_another_secret() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    with pytest.raises(WebhookSignatureError, match="does not match"):
        Cashfree(XClientId="id", XClientSecret="secret").PGVerifyWebhookSignature(sign(ts, raw, "other"), raw, ts)


def test_facade_refuses_a_changed_timestamp_because_the_timestamp_is_signed() -> None:
    raw = dumps(ACTIVE)
    sig = sign("1650000000000", raw, "secret")
    with pytest.raises(WebhookSignatureError):
        Cashfree(XClientId="id", XClientSecret="secret").PGVerifyWebhookSignature(sig, raw, "1650000000001")


def test_facade_without_a_client_secret_refuses_instead_of_using_an_empty_key() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    forged = sign(ts, raw, "")  # anyone can compute an HMAC with an empty key
    client = Cashfree(XPartnerKey="partner-key", XPartnerMerchantId="m1")
    with pytest.raises(WebhookSignatureError, match="client secret is needed"):
        client.PGVerifyWebhookSignature(forged, raw, ts)


def test_verify_signature_accepts_bytes_and_gives_raw_as_text() -> None:
    raw = dumps(ACTIVE).encode("utf-8")
    ts = now_ms()
    event = verify_signature(sign(ts, raw), raw, ts, SECRET)
    assert event.raw == raw.decode("utf-8")
    assert event.object["data"]["instrument"]["instrument_id"] == "af250dc5-e5e5-4e7d-a7cf-3f446741fa54"


def test_verify_signature_with_valid_signature_but_malformed_json_raises_api_value_error() -> None:
    raw = '{"type": "INSTRUMENT_ACTIVE_WEBHOOK", '
    ts = now_ms()
    with pytest.raises(ApiValueError, match="not JSON") as info:
        verify_signature(sign(ts, raw), raw, ts, SECRET)
    assert not isinstance(info.value, WebhookSignatureError)
    assert info.value.__suppress_context__


def test_verify_signature_with_valid_signature_but_a_json_array_raises_api_value_error() -> None:
    raw = "[1, 2]"
    ts = now_ms()
    with pytest.raises(ApiValueError, match="not a JSON object"):
        verify_signature(sign(ts, raw), raw, ts, SECRET)


# -- construct_event: signature ---------------------------------------------------------------


def test_construct_event_returns_a_typed_active_event() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    event = construct_event(raw, sign(ts, raw), ts, SECRET)
    assert isinstance(event, InstrumentWebhookEvent)
    assert event.type == INSTRUMENT_ACTIVE_WEBHOOK
    assert event.event_time == "2022-04-14T10:44:14+05:30"
    assert event.event_time_datetime is not None and event.event_time_datetime.minute == 44
    assert event.data is not None and event.data.instrument is not None
    instrument = event.data.instrument
    assert instrument.instrument_status == "ACTIVE"
    assert instrument.added_at == "2022-04-14T10:42:59+05:30"
    assert instrument.added_at_datetime is not None and instrument.added_at_datetime.second == 59
    assert instrument.instrument_meta is not None
    assert instrument.instrument_meta.sub_type == "R"
    assert instrument.instrument_meta.card_par == "50012ADWQZJKHCLXLT61QTYD5QNX1"
    assert instrument.instrument_meta.card_type == "credit"
    assert instrument.instrument_meta.card_token_details is None
    assert event.data.error_details is None


def test_construct_event_refuses_a_tampered_body() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    sig = sign(ts, raw)
    tampered = raw.replace('"ACTIVE"', '"FAILED"')
    assert tampered != raw
    with pytest.raises(WebhookSignatureError, match="does not match"):
        construct_event(tampered, sig, ts, SECRET)


def test_construct_event_refuses_a_wrong_secret() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    with pytest.raises(WebhookSignatureError, match="does not match"):
        construct_event(raw, sign(ts, raw, "another-merchants-secret"), ts, SECRET)


def test_construct_event_refuses_an_empty_secret() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    with pytest.raises(WebhookSignatureError, match="client secret is needed"):
        construct_event(raw, sign(ts, raw, ""), ts, "")


@pytest.mark.parametrize("bad", ["not base64 at all!", "AAAA", "aGVsbG8=", "é" * 44, "   "])
def test_construct_event_refuses_a_malformed_signature_cleanly(bad: str) -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    with pytest.raises(WebhookSignatureError) as info:
        construct_event(raw, bad, ts, SECRET)
    assert info.value.__cause__ is None and info.value.__context__ is None  # no binascii error chained


@pytest.mark.parametrize("missing", [None, ""])
def test_construct_event_refuses_a_missing_signature(missing: Any) -> None:
    raw = dumps(ACTIVE)
    with pytest.raises(WebhookSignatureError, match="missing webhook signature"):
        construct_event(raw, missing, now_ms(), SECRET)


@pytest.mark.parametrize("missing", [None, ""])
def test_construct_event_refuses_a_missing_timestamp(missing: Any) -> None:
    raw = dumps(ACTIVE)
    with pytest.raises(WebhookSignatureError, match="missing webhook timestamp"):
        construct_event(raw, sign("", raw), missing, SECRET)


@pytest.mark.parametrize("bad", ["yesterday", "1_650_000_000", "1.65e9", "-1650000000", "1" * 40])
def test_construct_event_refuses_a_timestamp_that_is_not_a_number(bad: str) -> None:
    raw = dumps(ACTIVE)
    with pytest.raises(WebhookSignatureError, match="not a whole number"):
        construct_event(raw, sign(bad, raw), bad, SECRET)


def test_construct_event_uses_a_constant_time_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[Any] = []
    real = hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr("cashfree_pg.webhooks.hmac.compare_digest", spy)
    raw = dumps(ACTIVE)
    ts = now_ms()
    construct_event(raw, sign(ts, raw), ts, SECRET)
    with pytest.raises(WebhookSignatureError):
        construct_event(raw, sign(ts, raw, "wrong"), ts, SECRET)
    with pytest.raises(WebhookSignatureError):
        verify_signature(sign(ts, raw, "wrong"), raw, ts, SECRET)
    assert len(calls) == 3


# -- construct_event: replay window -----------------------------------------------------------


def test_construct_event_refuses_a_stale_timestamp_in_seconds() -> None:
    raw = dumps(ACTIVE)
    ts = str(int(time.time()) - 301 - 5)
    with pytest.raises(WebhookSignatureError, match="old"):
        construct_event(raw, sign(ts, raw), ts, SECRET)


def test_construct_event_refuses_a_stale_timestamp_in_milliseconds() -> None:
    raw = dumps(ACTIVE)
    ts = str(int((time.time() - 301 - 5) * 1000))
    with pytest.raises(WebhookSignatureError, match="old"):
        construct_event(raw, sign(ts, raw), ts, SECRET)


def test_construct_event_refuses_a_timestamp_from_the_future() -> None:
    raw = dumps(ACTIVE)
    ts = str(int((time.time() + 301 + 5) * 1000))
    with pytest.raises(WebhookSignatureError, match="future"):
        construct_event(raw, sign(ts, raw), ts, SECRET)


def test_construct_event_honours_a_custom_tolerance() -> None:
    raw = dumps(ACTIVE)
    ts = str(int(time.time()) - 60)
    construct_event(raw, sign(ts, raw), ts, SECRET, tolerance=120)
    with pytest.raises(WebhookSignatureError, match="old"):
        construct_event(raw, sign(ts, raw), ts, SECRET, tolerance=30)


@pytest.mark.parametrize("make_ts", [now_s, now_ms], ids=["seconds", "milliseconds"])
def test_construct_event_accepts_a_fresh_timestamp(make_ts: Callable[[], str]) -> None:
    raw = dumps(ACTIVE)
    ts = make_ts()
    assert construct_event(raw, sign(ts, raw), ts, SECRET).type == INSTRUMENT_ACTIVE_WEBHOOK


def test_construct_event_accepts_an_int_timestamp() -> None:
    raw = dumps(ACTIVE)
    ts = int(time.time() * 1000)
    assert construct_event(raw, sign(str(ts), raw), ts, SECRET).type == INSTRUMENT_ACTIVE_WEBHOOK


def test_tolerance_none_turns_the_replay_check_off() -> None:
    raw = dumps(ACTIVE)
    ts = "1650000000000"
    assert construct_event(raw, sign(ts, raw), ts, SECRET, tolerance=None).type == INSTRUMENT_ACTIVE_WEBHOOK


@pytest.mark.parametrize("tolerance", [0, -5, float("nan")])
def test_tolerance_zero_or_negative_is_an_error_not_a_silent_off(tolerance: float) -> None:
    raw = dumps(ACTIVE)
    ts = "1650000000000"
    with pytest.raises(ApiValueError, match="tolerance"):
        construct_event(raw, sign(ts, raw), ts, SECRET, tolerance=tolerance)


def test_tolerance_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(ApiTypeError):
        construct_event("{}", "x", now_ms(), SECRET, tolerance="300")  # type: ignore[arg-type]


# -- construct_event: bodies and models -------------------------------------------------------


def test_construct_event_accepts_bytes_and_str_bodies() -> None:
    ts = now_ms()
    text = json.dumps(ACTIVE, ensure_ascii=False).replace("HDFC BANK", "BANQUE DÉMO")  # non-ASCII: UTF-8 matters
    as_bytes = text.encode("utf-8")
    sig = sign(ts, as_bytes)
    from_bytes = construct_event(as_bytes, sig, ts, SECRET)
    from_str = construct_event(text, sig, ts, SECRET)
    from_bytearray = construct_event(bytearray(as_bytes), sig, ts, SECRET)  # type: ignore[arg-type]
    assert from_bytes == from_str == from_bytearray
    assert isinstance(from_str, InstrumentWebhookEvent)
    assert from_str.data is not None and from_str.data.instrument is not None
    assert from_str.data.instrument.instrument_meta is not None
    assert from_str.data.instrument.instrument_meta.card_bank_name == "BANQUE DÉMO"


def test_construct_event_refuses_a_parsed_body_with_a_hint() -> None:
    with pytest.raises(ApiTypeError, match="raw bytes"):
        construct_event(ACTIVE, "x", now_ms(), SECRET)  # type: ignore[arg-type]


def test_failed_event_has_error_details() -> None:
    raw = dumps(FAILED)
    ts = now_ms()
    event = construct_event(raw, sign(ts, raw), ts, SECRET)
    assert isinstance(event, InstrumentWebhookEvent)
    assert event.type == INSTRUMENT_FAILED_WEBHOOK
    assert event.data is not None and event.data.instrument is not None and event.data.error_details is not None
    assert event.data.instrument.instrument_status == "FAILED"
    assert event.data.error_details.error_code == "TOKENIZATION_FAILED"
    assert event.data.error_details.error_description == "card network declined tokenisation"
    assert event.data.error_details.error_source == "bank"


def test_unknown_event_type_still_verifies_and_keeps_data_as_a_dict() -> None:
    payload = {
        "type": "PAYMENT_SUCCESS_WEBHOOK",
        "event_time": "2024-01-01T00:00:00+05:30",
        "data": {"order": {"x": 1}},
    }
    raw = dumps(payload)
    ts = now_ms()
    event = construct_event(raw, sign(ts, raw), ts, SECRET)
    assert type(event) is WebhookEvent
    assert event.type == "PAYMENT_SUCCESS_WEBHOOK"
    assert event.data == {"order": {"x": 1}}
    # ... and it is still verified: tampering with it is refused.
    with pytest.raises(WebhookSignatureError):
        construct_event(raw.replace('"x":1', '"x":2'), sign(ts, raw), ts, SECRET)


def test_unknown_fields_are_kept_through_to_dict() -> None:
    payload = json.loads(dumps(ACTIVE))
    payload["new_top_level"] = "t"
    payload["data"]["new_data_field"] = {"k": [1, 2]}
    payload["data"]["instrument"]["new_instrument_field"] = "i"
    payload["data"]["instrument"]["instrument_meta"]["new_meta_field"] = True
    payload["data"]["instrument"]["instrument_meta"]["card_token_details"] = {
        "par": "P1",
        "expiry_month": "12",
        "expiry_year": "2030",
        "new_token_field": "n",
    }
    raw = dumps(payload)
    ts = now_ms()
    event = construct_event(raw, sign(ts, raw), ts, SECRET)
    assert isinstance(event, InstrumentWebhookEvent)
    assert event.to_dict() == payload
    assert json.loads(event.to_json()) == payload
    assert event.data is not None and event.data.instrument is not None
    meta = event.data.instrument.instrument_meta
    assert meta is not None and isinstance(meta.card_token_details, CardTokenDetails)
    assert meta.card_token_details.par == "P1"


def test_a_partial_payload_does_not_crash() -> None:
    raw = dumps({"type": INSTRUMENT_ACTIVE_WEBHOOK})
    ts = now_ms()
    event = construct_event(raw, sign(ts, raw), ts, SECRET)
    assert isinstance(event, InstrumentWebhookEvent)
    assert event.data is None and event.event_time is None and event.event_time_datetime is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"type": "INSTRUMENT_ACTIVE_WEBHOOK", ', "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"type": "INSTRUMENT_ACTIVE_WEBHOOK", "data": {"instrument": "oops"}}', "data.instrument"),
        ('{"type": ["a"]}', "type"),
    ],
)
def test_a_correctly_signed_body_that_does_not_parse_raises_api_value_error(raw: str, message: str) -> None:
    ts = now_ms()
    with pytest.raises(ApiValueError, match=message) as info:
        construct_event(raw, sign(ts, raw), ts, SECRET)
    assert not isinstance(info.value, WebhookSignatureError)
    assert info.value.__suppress_context__  # no pydantic error (which quotes the input) chained
    assert "oops" not in str(info.value)


# -- what messages may contain -----------------------------------------------------------------


def test_no_exception_message_contains_the_secret_the_expected_signature_or_the_body() -> None:
    raw = dumps(ACTIVE)
    ts = now_ms()
    expected = sign(ts, raw)
    stale = str(int(time.time()) - 10_000)
    attempts: List[Callable[[], object]] = [
        lambda: construct_event(raw + " ", expected, ts, SECRET),
        lambda: construct_event(raw, sign(ts, raw, "wrong"), ts, SECRET),
        lambda: construct_event(raw, "garbage", ts, SECRET),
        lambda: construct_event(raw, sign(stale, raw), stale, SECRET),
        lambda: construct_event(raw, expected, "nope", SECRET),
        lambda: construct_event(raw[:-1], sign(ts, raw[:-1]), ts, SECRET),
        lambda: verify_signature(sign(ts, raw, "wrong"), raw, ts, SECRET),
        lambda: verify_signature(sign(ts, raw[:-1]), raw[:-1], ts, SECRET),
        lambda: Cashfree(XClientId="id", XClientSecret=SECRET).PGVerifyWebhookSignature("x", raw, ts),
    ]
    seen = 0
    for attempt in attempts:
        with pytest.raises(OpenApiException) as info:
            attempt()
        text = str(info.value) + repr(info.value) + repr(info.value.args)
        for leak in (SECRET, expected, raw, raw[:-1], "customer_123", "HDFC"):
            assert leak not in text, (leak, text)
        seen += 1
    assert seen == len(attempts)


def test_webhook_signature_error_is_an_open_api_exception() -> None:
    assert issubclass(WebhookSignatureError, OpenApiException)


# -- import cost -------------------------------------------------------------------------------


def test_importing_the_sdk_does_not_import_the_webhooks_module() -> None:
    code = "import sys, cashfree_pg; assert 'cashfree_pg.webhooks' not in sys.modules, 'webhooks imported eagerly'"
    subprocess.run([sys.executable, "-c", code], check=True)


# -- the official SDK's instrument webhook models -----------------------------------------------


def test_the_typed_event_is_the_official_body_model_with_the_same_data() -> None:
    from cashfree_pg.models import (
        InstrumentEntity,
        InstrumentWebhook,
        InstrumentWebhookData,
        InstrumentWebhookDataEntity,
        SavedInstrumentMeta,
    )

    ts = now_s()
    body = dumps(ACTIVE)
    event = construct_event(body, sign(ts, body), ts, SECRET)
    official = InstrumentWebhookData.from_json(body)
    assert isinstance(event, InstrumentWebhookData)
    assert isinstance(event.data, InstrumentWebhookDataEntity)
    assert isinstance(event.data.instrument, InstrumentEntity)
    assert isinstance(event.data.instrument.instrument_meta, SavedInstrumentMeta)
    assert event.to_dict() == official.to_dict() == ACTIVE
    assert official.data is not None and official.data.instrument is not None
    meta = official.data.instrument.instrument_meta
    assert meta is not None and (meta.card_par, meta.sub_type) == ("50012ADWQZJKHCLXLT61QTYD5QNX1", "R")
    assert official.data.instrument.added_at == "2022-04-14T10:42:59+05:30"
    # The official envelope wraps the body under "data", built from a dict or from the event.
    envelope = InstrumentWebhook.from_dict({"data": ACTIVE})
    assert envelope is not None and envelope.to_dict() == {"data": ACTIVE}
    assert InstrumentWebhook(data=event).to_dict() == {"data": ACTIVE}
    assert json.loads(envelope.to_json()) == {"data": ACTIVE}
    assert InstrumentWebhook.from_json(envelope.to_json()) == envelope
    assert "INSTRUMENT_ACTIVE_WEBHOOK" in envelope.to_str()


def test_official_entity_model_carries_the_failed_events_error_details() -> None:
    from cashfree_pg.models.instrument_webhook_data_entity import InstrumentWebhookDataEntity

    entity = InstrumentWebhookDataEntity.from_dict(FAILED["data"])
    assert entity is not None and entity.error_details is not None
    assert entity.error_details.error_code == "TOKENIZATION_FAILED"
    assert entity.instrument is not None and entity.instrument.instrument_status == "FAILED"
    assert InstrumentWebhookDataEntity.from_dict(None) is None
