"""The testing kit: MockCashfree over real loopback HTTP, driven through the public SDK, and the
``cashfree_mock`` pytest fixture (imported here from the plugin, and loaded by its entry point in
a separate pytest run)."""

# The tests take the plugin's fixture, imported below, as a parameter of the same name.
# ruff: noqa: F811

from __future__ import annotations

import base64
import http.client
import importlib.metadata
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlsplit

import pytest

from cashfree_pg import (
    ApiConnectionError,
    ApiTimeoutError,
    BadRequestException,
    Cashfree,
    ConflictException,
    NotFoundException,
    RateLimitException,
    RetryPolicy,
    ServiceException,
    UnauthorizedException,
    UnprocessableEntityException,
)
from cashfree_pg.testing import MockCashfree, RecordedRequest
from cashfree_pg.testing._sample import sample_instrument
from cashfree_pg.testing.pytest_plugin import cashfree_mock  # noqa: F401  (the fixture under test)
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT

V = "2022-09-01"
FAST = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.02)
NO_RETRY = RetryPolicy(max_retries=0)
ROOT = Path(__file__).resolve().parent.parent


def client(mock: MockCashfree, **kwargs: Any) -> Cashfree:
    kwargs.setdefault("retry_policy", FAST)
    return mock.client(**kwargs)


def raw(
    mock: MockCashfree, method: str, path: str, headers: Optional[Dict[str, str]] = None
) -> Tuple[int, Dict[str, str], Any]:
    """One request with exactly ``headers``, past the SDK's own checks."""
    url = urlsplit(mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        conn.request(method, url.path + path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, json.loads(body) if body else None
    finally:
        conn.close()


def auth(mock: MockCashfree, **extra: str) -> Dict[str, str]:
    return {"x-client-id": mock.client_id, "x-client-secret": mock.client_secret, "x-api-version": V, **extra}


def luhn_ok(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# -- set-up and state ---------------------------------------------------------------------------


def test_url_and_client_point_at_the_mock(cashfree_mock: MockCashfree) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/pg", cashfree_mock.url)
    cf = cashfree_mock.client()
    assert cf.configuration.host == cashfree_mock.url
    assert cf.configuration.client_id == "test_client_id"
    assert cf.configuration.client_secret == "test_client_secret"
    assert cashfree_mock.running and "127.0.0.1" in repr(cashfree_mock)
    # Any Cashfree option passes through, and may replace the credentials.
    other = cashfree_mock.client(XClientSecret="other", timeout=3)
    assert other.configuration.client_secret == "other"
    assert other.configuration.timeout.read == 3


def test_add_instrument_has_realistic_defaults(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    assert card.customer_id == "cust_1"
    assert str(uuid.UUID(card.instrument_id or "")) == card.instrument_id
    assert re.fullmatch(r"[0-9a-f]{64}", card.instrument_uid or "")
    assert re.fullmatch(r"x{12}\d{4}", card.instrument_display or "")
    assert card.instrument_status == "ACTIVE"
    assert card.instrument_type == "card"
    assert card.afa_reference and card.afa_reference.isdigit()
    assert card.created_at_datetime is not None
    meta = card.instrument_meta
    assert meta is not None and meta.card_network == "VISA" and meta.card_bank_name and meta.card_type
    details = meta.card_token_details
    assert details is not None and details.par and details.expiry_month and details.expiry_year
    # Two instruments never share ids.
    assert cashfree_mock.add_instrument("cust_1").instrument_id != card.instrument_id


def test_add_instrument_takes_any_field_and_keeps_unknown_ones(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument(
        "cust_1",
        instrument_id="my-id",
        instrument_display="XXXXXXXXXXXX0005",
        instrument_meta={"card_network": "mastercard", "card_sub_type": "R"},
        brand_new_field={"nested": True},
    )
    assert card.instrument_id == "my-id"
    assert card.instrument_meta is not None
    assert card.instrument_meta.card_network == "mastercard"
    assert card.instrument_meta.card_sub_type == "R"
    assert card.instrument_meta.card_bank_name == "HDFC Bank Limited"  # merged over the default
    fetched = client(cashfree_mock).PGCustomerFetchInstrument(customer_id="cust_1", instrument_id="my-id").data
    assert fetched.to_dict()["brand_new_field"] == {"nested": True}
    assert fetched == card
    assert cashfree_mock.instrument("my-id") == card
    assert cashfree_mock.instruments("cust_1") == [card]
    assert cashfree_mock.instruments("nobody") == []

    with pytest.raises(ValueError, match="already saved"):
        cashfree_mock.add_instrument("cust_2", instrument_id="my-id")
    with pytest.raises(ValueError, match="customer_id"):
        cashfree_mock.add_instrument("")
    with pytest.raises(TypeError, match="JSON"):
        cashfree_mock.add_instrument("cust_1", afa_reference=object())
    with pytest.raises(TypeError, match="network_token"):
        cashfree_mock.add_instrument("cust_1", network_token="4111")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        cashfree_mock.instrument("unknown")


def test_sample_is_the_documented_instrument() -> None:
    data = sample_instrument()
    token = data.pop("network_token")
    assert data == SEED_INSTRUMENT
    assert token == {k: v for k, v in SEED_CRYPTOGRAM.items() if k not in ("instrument_id", "cryptogram")}
    with MockCashfree(instruments=[sample_instrument()]) as mock:
        got = client(mock).PGCustomerFetchInstrument(
            x_api_version=V, customer_id="siddhesh_desai", instrument_id=SEED_INSTRUMENT["instrument_id"]
        )
        assert json.loads(got.raw_data) == SEED_INSTRUMENT
    with pytest.raises(ValueError, match="customer_id"):
        MockCashfree(instruments=[{"instrument_id": "x"}])


# -- the four operations ------------------------------------------------------------------------


def test_list_returns_the_customers_active_instruments(cashfree_mock: MockCashfree) -> None:
    a = cashfree_mock.add_instrument("cust_1")
    b = cashfree_mock.add_instrument("cust_1", instrument_meta={"card_network": "rupay"})
    cashfree_mock.add_instrument("cust_1", instrument_status="INACTIVE")
    cashfree_mock.add_instrument("cust_2")
    cf = client(cashfree_mock)
    got = cf.PGCustomerFetchInstruments(x_api_version=V, customer_id="cust_1", instrument_type="card")
    assert got.status_code == 200
    assert [i.instrument_id for i in got.data] == [a.instrument_id, b.instrument_id]
    assert cf.PGCustomerFetchInstruments(customer_id="nobody", instrument_type="card").data == []
    status, _, body = raw(cashfree_mock, "GET", "/customers/cust_1/instruments", auth(cashfree_mock))
    assert status == 400 and body["type"] == "invalid_request_error"


@pytest.mark.parametrize("instrument_type", ["upi", "CARD", "card "])
def test_undocumented_instrument_type_is_the_documented_400(cashfree_mock: MockCashfree, instrument_type: str) -> None:
    cashfree_mock.add_instrument("cust_1")
    with pytest.raises(BadRequestException) as info:
        client(cashfree_mock).PGCustomerFetchInstruments(customer_id="cust_1", instrument_type=instrument_type)
    assert (info.value.status, info.value.type, info.value.code) == (
        400,
        "invalid_request_error",
        "instrument_type_invalid",
    )
    assert info.value.attempts == 1 and "card" in (info.value.message or "")


def test_fetch_of_unknown_or_other_customers_instrument_is_404(cashfree_mock: MockCashfree) -> None:
    mine = cashfree_mock.add_instrument("cust_1")
    theirs = cashfree_mock.add_instrument("cust_2")
    cf = client(cashfree_mock)
    assert cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=mine.instrument_id).data == mine
    for instrument_id in ("no-such-id", theirs.instrument_id):
        with pytest.raises(NotFoundException) as info:
            cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=instrument_id)
        assert info.value.code == "instrument_not_found"
        assert info.value.type == "invalid_request_error"
        assert info.value.attempts == 1  # a 404 is not retried
        assert json.loads(info.value.body or "") == {
            "message": info.value.message,
            "code": "instrument_not_found",
            "type": "invalid_request_error",
        }


def test_delete_then_delete_again_is_409(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    cf = client(cashfree_mock)
    deleted = cf.PGCustomerDeleteInstrument(x_api_version=V, customer_id="cust_1", instrument_id=card.instrument_id)
    assert deleted.data.instrument_status == "INACTIVE"
    assert deleted.data.instrument_id == card.instrument_id
    assert cashfree_mock.instrument(card.instrument_id or "").instrument_status == "INACTIVE"
    with pytest.raises(ConflictException) as info:
        cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    assert (info.value.code, info.value.type) == ("instrument_already_deleted", "invalid_request_error")
    # A deleted instrument is gone for the other operations.
    with pytest.raises(NotFoundException):
        cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    with pytest.raises(NotFoundException):
        cf.PGCustomerInstrumentsFetchCryptogram(customer_id="cust_1", instrument_id=card.instrument_id)
    assert cf.PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card").data == []
    # Deleting another customer's instrument is 404, and leaves it alone.
    other = cashfree_mock.add_instrument("cust_2")
    with pytest.raises(NotFoundException):
        cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=other.instrument_id)
    assert cashfree_mock.instrument(other.instrument_id or "").instrument_status == "ACTIVE"


def test_cryptogram_is_fresh_each_time(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1", instrument_display="xxxxxxxxxxxx4375")
    cf = client(cashfree_mock)
    first = cf.PGCustomerInstrumentsFetchCryptogram(
        x_api_version=V, customer_id="cust_1", instrument_id=card.instrument_id
    )
    second = cf.PGCustomerInstrumentsFetchCryptogram(customer_id="cust_1", instrument_id=card.instrument_id)
    a, b = first.data, second.data
    assert a.instrument_id == card.instrument_id
    assert a.cryptogram and b.cryptogram and a.cryptogram != b.cryptogram
    assert len(base64.b64decode(a.cryptogram)) == 20
    assert a.card_number == b.card_number  # the network token stays the same
    assert a.card_number and len(a.card_number) == 16 and a.card_number.startswith("4") and luhn_ok(a.card_number)
    assert a.card_display == "4375"
    assert a.card_expiry_mm and a.card_expiry_yy and len(a.card_expiry_yy) == 4
    assert a.cryptogram not in repr(a) and a.card_number not in str(a)


def test_cryptogram_uses_the_given_network_token(cashfree_mock: MockCashfree) -> None:
    token = {"card_number": "4111111111111111", "token_requestor_id": "1", "card_expiry_mm": "01"}
    card = cashfree_mock.add_instrument("cust_1", network_token=token)
    amex = cashfree_mock.add_instrument("cust_1", instrument_meta={"card_network": "amex"})
    cf = client(cashfree_mock)
    got = cf.PGCustomerInstrumentsFetchCryptogram(customer_id="cust_1", instrument_id=card.instrument_id).data
    assert (got.card_number, got.token_requestor_id, got.card_expiry_mm) == ("4111111111111111", "1", "01")
    number = cf.PGCustomerInstrumentsFetchCryptogram(customer_id="cust_1", instrument_id=amex.instrument_id).data
    assert number.card_number and len(number.card_number) == 15 and luhn_ok(number.card_number)


def test_cryptogram_for_an_instrument_that_is_not_active_is_400(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    assert cashfree_mock.set_instrument_status(card.instrument_id or "", "FAILED").instrument_status == "FAILED"
    with pytest.raises(BadRequestException) as info:
        client(cashfree_mock).PGCustomerInstrumentsFetchCryptogram(
            customer_id="cust_1", instrument_id=card.instrument_id
        )
    assert info.value.code == "instrument_id_invalid"


def test_path_values_are_percent_decoded(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust/with space?")
    got = client(cashfree_mock).PGCustomerFetchInstrument(
        customer_id="cust/with space?", instrument_id=card.instrument_id
    )
    assert got.data.customer_id == "cust/with space?"
    assert cashfree_mock.requests[-1].path.startswith("/pg/customers/cust%2Fwith%20space%3F/")


# -- what the service checks --------------------------------------------------------------------


LIST = "/customers/c/instruments?instrument_type=card"
DOCUMENTED_SETS = [
    {"x-client-id": "id", "x-client-secret": "secret"},
    {"x-client-id": "id", "x-partner-apikey": "key"},
    {"x-client-id": "id", "x-client-signature": "signature"},
    {"x-partner-merchantid": "merchant", "x-partner-apikey": "key"},
]


@pytest.mark.parametrize("credentials", DOCUMENTED_SETS)
def test_any_documented_credentials_are_accepted_by_default(
    cashfree_mock: MockCashfree, credentials: Dict[str, str]
) -> None:
    assert cashfree_mock.accepts_any_credentials
    status, _, body = raw(cashfree_mock, "GET", LIST, {**credentials, "x-api-version": V})
    assert (status, body) == (200, [])


@pytest.mark.parametrize(
    "credentials",
    [
        {},
        {"x-client-id": "id"},
        {"x-client-secret": "secret"},
        {"x-partner-apikey": "key"},  # a partner key alone is not a documented set
        {"x-partner-merchantid": "merchant", "x-client-secret": "secret"},
        {"x-client-id": "id", "x-client-secret": " "},
        {"x-client-id": "", "x-client-secret": "secret"},
    ],
)
def test_incomplete_or_empty_credentials_are_401_by_default(
    cashfree_mock: MockCashfree, credentials: Dict[str, str]
) -> None:
    status, headers, body = raw(cashfree_mock, "GET", LIST, {**credentials, "x-api-version": V})
    assert status == 401 and body == {
        "message": "authentication Failed",
        "code": "request_failed",
        "type": "authentication_error",
    }
    assert headers["content-type"].startswith("application/json")


def test_the_sdk_with_any_credentials_talks_to_the_default_mock(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    cf = Cashfree(XClientId="whatever-the-docs-say", XClientSecret="<your secret>", base_url=cashfree_mock.url)
    assert cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id).data == card


def test_given_credentials_are_enforced_exactly() -> None:
    with MockCashfree(client_id="app_1", client_secret="s3cret") as mock:
        assert not mock.accepts_any_credentials and (mock.client_id, mock.client_secret) == ("app_1", "s3cret")
        card = mock.add_instrument("cust_1")
        assert client(mock).PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id).data
        for wrong in ({"XClientSecret": "wrong"}, {"XClientId": "someone_else"}):
            with pytest.raises(UnauthorizedException) as info:
                client(mock, **wrong).PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
            assert (info.value.code, info.value.type, info.value.message) == (
                "request_failed",
                "authentication_error",
                "authentication Failed",
            )
        # The other documented sets are not accepted either, whatever their values.
        for other in DOCUMENTED_SETS[1:]:
            assert raw(mock, "GET", LIST, {**other, "x-api-version": V})[0] == 401
        assert mock.environ()["CASHFREE_CLIENT_SECRET"] == "s3cret"


@pytest.mark.parametrize(
    ("given", "accepted", "refused"),
    [
        (
            {"client_id": "app_1", "partner_api_key": "pk"},
            {"x-client-id": "app_1", "x-partner-apikey": "pk"},
            {"x-client-id": "app_1", "x-partner-apikey": "other"},
        ),
        (
            {"client_id": "app_1", "client_signature": "sig"},
            {"x-client-id": "app_1", "x-client-signature": "sig"},
            {"x-client-id": "app_2", "x-client-signature": "sig"},
        ),
        (
            {"partner_merchant_id": "m_1", "partner_api_key": "pk"},
            {"x-partner-merchantid": "m_1", "x-partner-apikey": "pk"},
            {"x-client-id": "m_1", "x-partner-apikey": "pk"},
        ),
    ],
)
def test_each_documented_combination_can_be_enforced(
    given: Dict[str, str], accepted: Dict[str, str], refused: Dict[str, str]
) -> None:
    with MockCashfree(**given) as mock:
        assert raw(mock, "GET", LIST, {**accepted, "x-api-version": V})[0] == 200
        assert raw(mock, "GET", LIST, {**refused, "x-api-version": V})[0] == 401
        assert raw(mock, "GET", LIST, {"x-client-id": "a", "x-client-secret": "b", "x-api-version": V})[0] == 401


def test_partner_credentials_reach_the_mock_through_the_sdk() -> None:
    with MockCashfree(partner_merchant_id="m_1", partner_api_key="pk_test") as mock:
        mock.add_instrument("cust_1")
        assert len(client(mock).PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card").data) == 1
        sent = mock.requests[-1].headers
        assert (sent["x-partner-merchantid"], sent["x-partner-apikey"]) == ("m_1", "pk_test")
        assert "x-client-secret" not in sent and "CASHFREE_CLIENT_ID" not in mock.environ()
        with pytest.raises(UnauthorizedException):
            client(mock, XPartnerKey="wrong", retry_policy=NO_RETRY).PGCustomerFetchInstruments(
                customer_id="cust_1", instrument_type="card"
            )


@pytest.mark.parametrize(
    "given",
    [
        {"client_id": "app_1"},
        {"partner_api_key": "pk"},
        {"client_secret": "s"},
        {"client_id": "app_1", "client_secret": "s", "partner_merchant_id": "m"},
        {"client_id": "app_1", "client_secret": ""},
        {"client_id": "app_1", "client_secret": 5},
    ],
)
def test_credentials_that_complete_no_documented_set_are_refused(given: Dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"client_secret|documented combination"):
        MockCashfree(**given)


@pytest.mark.parametrize("version", [None, "", "2022-9-1", "20220901", "2022-13-01", "latest"])
def test_missing_or_malformed_api_version_is_400(cashfree_mock: MockCashfree, version: Optional[str]) -> None:
    headers = auth(cashfree_mock)
    del headers["x-api-version"]
    if version is not None:
        headers["x-api-version"] = version
    status, _, body = raw(cashfree_mock, "GET", "/customers/c/instruments?instrument_type=card", headers)
    assert status == 400
    assert body["type"] == "invalid_request_error" and body["code"] == "version_invalid" and body["message"]


def test_newer_api_versions_are_accepted(cashfree_mock: MockCashfree) -> None:
    got = client(cashfree_mock).PGCustomerFetchInstruments(
        x_api_version="2025-01-01", customer_id="c", instrument_type="card"
    )
    assert got.status_code == 200 and got.headers["x-api-version"] == "2025-01-01"


def test_unknown_url_and_method(cashfree_mock: MockCashfree) -> None:
    status, _, body = raw(cashfree_mock, "GET", "/orders/1", auth(cashfree_mock))
    assert status == 404 and set(body) == {"message", "code", "type"}
    status, headers, body = raw(cashfree_mock, "POST", "/customers/c/instruments", auth(cashfree_mock))
    assert status == 405 and body["type"] == "invalid_request_error"
    assert headers["allow"] == "GET"


@pytest.mark.parametrize("method", ["PUT", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "BREW"])
def test_any_unsupported_method_is_a_json_405_with_allow(cashfree_mock: MockCashfree, method: str) -> None:
    status, headers, body = raw(cashfree_mock, method, "/customers/c/instruments/i", auth(cashfree_mock))
    assert status == 405 and headers["allow"] == "DELETE, GET"
    assert headers["content-type"] == "application/json"
    assert body["code"] == "request_method_invalid" and method in body["message"]
    assert raw(cashfree_mock, method, "/customers/c/instruments/i/cryptogram", auth(cashfree_mock))[1]["allow"] == "GET"
    assert raw(cashfree_mock, method, "/nowhere", auth(cashfree_mock))[0] == 404


def test_routes_come_from_the_operations_table() -> None:
    from cashfree_pg.operation import Operation
    from cashfree_pg.testing._routes import OPERATIONS, Router

    assert {(op.method, op.path) for op in OPERATIONS} == {
        ("GET", "/customers/{customer_id}/instruments"),
        ("GET", "/customers/{customer_id}/instruments/{instrument_id}"),
        ("DELETE", "/customers/{customer_id}/instruments/{instrument_id}"),
        ("GET", "/customers/{customer_id}/instruments/{instrument_id}/cryptogram"),
    }
    # A table with another operation routes it, parameters decoded, query names from its params.
    extra = Operation("PGOther", "POST", "/things/{thing_id}/parts", ("thing_id", "kind"), "instrument_entity:X")
    router = Router([*OPERATIONS, extra])
    match = router.match("POST", "/pg/things/a%2Fb/parts")
    assert match.route is not None and match.route.operation is extra
    assert match.route.path_params == {"thing_id": "a/b"} and match.route.query_params == ("kind",)
    assert router.match("GET", "/pg/things/a/parts") == (None, ("POST",))
    assert router.match("GET", "/pg/things//parts") == (None, ())
    assert router.match("GET", "/other/things/a/parts") == (None, ())


def test_head_gets_the_headers_without_a_body(cashfree_mock: MockCashfree) -> None:
    request = b"HEAD /pg/customers/c/instruments HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    head, _, rest = _exchange(cashfree_mock, request).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 405 ") and b"Allow: GET" in head
    assert b"Content-Length: " in head and rest == b""  # the length of the body a GET would get, no body


def test_response_echoes_the_request_id(cashfree_mock: MockCashfree) -> None:
    got = client(cashfree_mock).PGCustomerFetchInstruments(
        customer_id="c", instrument_type="card", x_request_id="req-123"
    )
    assert got.headers["x-request-id"] == "req-123"
    # The document: blank when the request sent none.
    status, headers, _ = raw(cashfree_mock, "GET", LIST, auth(cashfree_mock))
    assert status == 200 and headers["x-request-id"] == ""


COMMON_HEADERS = (
    "x-request-id",
    "x-api-version",
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-retry",
    "x-ratelimit-type",
)


def test_every_answer_carries_the_documented_headers(cashfree_mock: MockCashfree) -> None:
    ok = auth(cashfree_mock, **{"x-request-id": "r-1"})
    answers = [
        raw(cashfree_mock, "GET", LIST, ok),
        raw(cashfree_mock, "GET", "/customers/c/instruments/nope", ok),
        raw(cashfree_mock, "GET", LIST, {"x-request-id": "r-1", "x-api-version": V}),
        raw(cashfree_mock, "PUT", LIST, ok),
        raw(cashfree_mock, "GET", "/elsewhere", ok),
    ]
    cashfree_mock.fail_next(503)
    answers.append(raw(cashfree_mock, "GET", LIST, ok))
    for status, headers, _ in answers:
        assert {h: headers.get(h) for h in COMMON_HEADERS} == {
            "x-request-id": "r-1",
            "x-api-version": V,
            "x-ratelimit-limit": "1000000",
            "x-ratelimit-remaining": "1000000",
            "x-ratelimit-retry": "0",
            "x-ratelimit-type": "app_id",
        }, status
    # The version answered is the one asked for; one that is not a version gets the default.
    assert (
        raw(cashfree_mock, "GET", LIST, auth(cashfree_mock, **{"x-api-version": "2025-01-01"}))[1]["x-api-version"]
        == "2025-01-01"
    )
    assert (
        raw(cashfree_mock, "GET", LIST, auth(cashfree_mock, **{"x-api-version": "latest"}))[1]["x-api-version"]
        == "2025-01-01"
    )


def test_idempotency_key_replays_and_rejects_reuse(cashfree_mock: MockCashfree) -> None:
    a = cashfree_mock.add_instrument("cust_1")
    b = cashfree_mock.add_instrument("cust_1")
    cf = client(cashfree_mock)
    first = cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=a.instrument_id, x_idempotency_key="k1")
    again = cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=a.instrument_id, x_idempotency_key="k1")
    assert again.raw_data == first.raw_data and again.status_code == 200  # not acted on twice
    assert first.headers["x-idempotency-replayed"] == "false" and again.headers["x-idempotency-replayed"] == "true"
    assert again.headers["x-idempotency-key"] == "k1"
    assert cashfree_mock.delete_count(a.instrument_id) == 1
    with pytest.raises(UnprocessableEntityException) as info:
        cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=b.instrument_id, x_idempotency_key="k1")
    assert (info.value.status, info.value.type) == (422, "idempotency_error")
    assert cashfree_mock.instrument(b.instrument_id).instrument_status == "ACTIVE"
    assert cashfree_mock.delete_count(b.instrument_id) == 0


def _delete_raw(mock: MockCashfree, path: str, key: str, body: bytes = b"", method: str = "DELETE") -> Tuple[int, Any]:
    url = urlsplit(mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        conn.request(method, url.path + path, body=body, headers=auth(mock, **{"x-idempotency-key": key}))
        resp = conn.getresponse()
        return resp.status, resp.getheader("x-idempotency-replayed")
    finally:
        conn.close()


def test_a_key_reused_with_another_body_or_method_is_a_conflict(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    path = f"/customers/cust_1/instruments/{card.instrument_id}"
    assert _delete_raw(cashfree_mock, path, "k") == (200, "false")
    assert _delete_raw(cashfree_mock, path, "k") == (200, "true")
    assert _delete_raw(cashfree_mock, path, "k", body=b'{"reason":"x"}') == (422, "false")
    assert _delete_raw(cashfree_mock, path + "?force=1", "k") == (422, "false")
    assert cashfree_mock.delete_count(card.instrument_id) == 1


def test_a_key_sent_on_reads_is_never_a_conflict(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    cf = client(cashfree_mock)
    for _ in range(2):  # the same key on different reads: each answered afresh
        listed = cf.PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card", x_idempotency_key="r")
        one = cf.PGCustomerFetchInstrument(
            customer_id="cust_1", instrument_id=card.instrument_id, x_idempotency_key="r"
        )
        assert listed.headers["x-idempotency-replayed"] == "false" and one.data == card
        first = cf.PGCustomerInstrumentsFetchCryptogram(
            customer_id="cust_1", instrument_id=card.instrument_id, x_idempotency_key="r"
        )
        second = cf.PGCustomerInstrumentsFetchCryptogram(
            customer_id="cust_1", instrument_id=card.instrument_id, x_idempotency_key="r"
        )
        assert first.data.cryptogram != second.data.cryptogram  # not replayed
    # ... and a key used on a read is still free for a delete.
    deleted = cf.PGCustomerDeleteInstrument(
        customer_id="cust_1", instrument_id=card.instrument_id, x_idempotency_key="r"
    )
    assert deleted.data.instrument_status == "INACTIVE"


def test_delete_count_counts_only_deletes_that_changed_the_instrument(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    other = cashfree_mock.add_instrument("cust_2")
    cf = client(cashfree_mock, retry_policy=NO_RETRY)
    assert cashfree_mock.delete_count(card.instrument_id) == 0 and cashfree_mock.delete_count("unknown") == 0
    cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id, x_idempotency_key="d1")
    cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id, x_idempotency_key="d1")
    with pytest.raises(ConflictException):  # deleted already: 409, not counted
        cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    with pytest.raises(NotFoundException):  # another customer's: 404, not counted
        cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=other.instrument_id)
    assert cashfree_mock.delete_count(card.instrument_id) == 1
    assert cashfree_mock.delete_count(other.instrument_id) == 0
    # Restored behind the client's back and deleted again: that is a second change.
    cashfree_mock.set_instrument_status(card.instrument_id, "ACTIVE")
    cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    assert cashfree_mock.delete_count(card.instrument_id) == 2


# -- requests -----------------------------------------------------------------------------------


def test_requests_are_recorded(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    cf = client(cashfree_mock)
    cf.PGCustomerFetchInstruments(x_api_version=V, customer_id="cust_1", instrument_type="card", x_request_id="r1")
    cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    listed, deleted = cashfree_mock.requests
    assert isinstance(listed, RecordedRequest)
    assert (listed.method, listed.path, dict(listed.query)) == (
        "GET",
        "/pg/customers/cust_1/instruments",
        {"instrument_type": "card"},
    )
    assert listed.headers["x-api-version"] == V and listed.headers["x-request-id"] == "r1"
    assert listed.headers["x-client-id"] == "test_client_id" and listed.body == b""
    assert deleted.method == "DELETE" and deleted.path.endswith(f"/instruments/{card.instrument_id}")
    assert deleted.headers["x-idempotency-key"]  # the SDK always sends one on delete
    assert "test_client_secret" not in repr(deleted)  # credentials masked in the repr
    body_status, _, _ = raw(cashfree_mock, "GET", "/customers/c/instruments?instrument_type=card", auth(cashfree_mock))
    assert body_status == 200 and len(cashfree_mock.requests) == 3
    cashfree_mock.clear_requests()
    assert cashfree_mock.requests == []


def test_request_body_is_recorded(cashfree_mock: MockCashfree) -> None:
    url = urlsplit(cashfree_mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    conn.request("POST", "/pg/customers/c/instruments", body=b'{"a":1}', headers=auth(cashfree_mock))
    assert conn.getresponse().status == 405
    conn.close()
    assert cashfree_mock.requests[-1].body == b'{"a":1}'


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


# -- threads, speed, lifetime -------------------------------------------------------------------


def test_many_threads_at_once(cashfree_mock: MockCashfree) -> None:
    cards = [cashfree_mock.add_instrument(f"cust_{i}") for i in range(8)]
    errors: List[BaseException] = []
    added: List[str] = []

    def work(i: int) -> None:
        try:
            cf = client(cashfree_mock)
            cid, iid = f"cust_{i}", cards[i].instrument_id
            for _ in range(10):
                assert cf.PGCustomerFetchInstrument(customer_id=cid, instrument_id=iid).data.customer_id == cid
                assert cf.PGCustomerInstrumentsFetchCryptogram(customer_id=cid, instrument_id=iid).data.cryptogram
                added.append(cashfree_mock.add_instrument(cid).instrument_id or "")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cashfree_mock.requests) == 160
    assert len(set(added)) == 80
    assert all(len(cashfree_mock.instruments(f"cust_{i}")) == 11 for i in range(8))


def test_concurrent_deletes_act_once(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    results: List[str] = []
    barrier = threading.Barrier(6)

    def delete() -> None:
        cf = client(cashfree_mock, retry_policy=NO_RETRY)
        barrier.wait()
        try:
            cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
            results.append("deleted")
        except ConflictException:
            results.append("conflict")

    threads = [threading.Thread(target=delete) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["deleted"]


def test_responses_do_not_stall_on_nagle(cashfree_mock: MockCashfree) -> None:
    cf = client(cashfree_mock)
    cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")  # connect
    times = []
    for _ in range(15):
        started = time.perf_counter()
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.02  # ~40 ms each if Nagle met delayed ACKs


def test_async_client_is_served_by_the_same_mock(cashfree_mock: MockCashfree) -> None:
    import asyncio

    pytest.importorskip("httpx")
    card = cashfree_mock.add_instrument("cust_1")

    async def use() -> Tuple[Any, Any]:
        async with cashfree_mock.async_client(retry_policy=FAST) as cf:
            listed = await cf.instruments.list("cust_1")
            deleted = await cf.instruments.delete("cust_1", card.instrument_id)
            return listed, deleted

    listed, deleted = asyncio.run(use())
    assert listed == [card] and deleted.instrument_status == "INACTIVE"
    assert cashfree_mock.delete_count(card.instrument_id) == 1
    assert cashfree_mock.requests[0].headers["x-client-secret"] == "test_client_secret"


def test_environ_points_plain_cashfree_at_the_mock(
    cashfree_mock: MockCashfree, monkeypatch: pytest.MonkeyPatch
) -> None:
    cashfree_mock.add_instrument("cust_1")
    for name, value in cashfree_mock.environ().items():
        monkeypatch.setenv(name, value)
    assert len(Cashfree().PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card").data) == 1


def test_start_stop_lifecycle() -> None:
    mock = MockCashfree()
    with pytest.raises(RuntimeError, match="not started"):
        _ = mock.url
    mock.stop()  # before start: nothing to do
    assert mock.start() is mock and mock.start() is mock  # a second start is a no-op
    url = mock.url
    card = mock.add_instrument("cust_1")
    cf = client(mock, retry_policy=NO_RETRY)
    assert cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id).status_code == 200
    mock.stop()
    mock.stop()
    assert not mock.running
    with pytest.raises(ApiConnectionError):
        cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    port = urlsplit(url).port
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port or 0)) != 0  # nothing listens any more
    # It can be started again; its state is kept.
    with mock:
        assert mock.instrument(card.instrument_id or "") == card


def test_stop_is_quick_with_open_and_stalled_connections() -> None:
    mock = MockCashfree().start()
    cf = client(mock, timeout=5, retry_policy=NO_RETRY)
    cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")  # leaves a keep-alive connection
    mock.stall_next(30)
    caught: List[BaseException] = []

    def stalled() -> None:
        try:
            cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        except ApiConnectionError as exc:
            caught.append(exc)

    t = threading.Thread(target=stalled)
    t.start()
    deadline = time.monotonic() + 5
    while len(mock.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.perf_counter()
    mock.stop()
    t.join(5)
    assert time.perf_counter() - started < 2
    assert not t.is_alive() and len(caught) == 1  # the stalled call got no answer


def test_listens_on_loopback_only() -> None:
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.com", ""):
        with pytest.raises(ValueError, match="loopback"):
            MockCashfree(host=host)
    with pytest.raises(ValueError, match="port"):
        MockCashfree(port=70000)
    with MockCashfree(host="localhost") as mock:
        assert mock.url.startswith("http://127.0.0.1:")
    with MockCashfree() as mock:
        server = mock._server
        assert server is not None and server.server_address[0] == "127.0.0.1"


def test_ipv6_loopback() -> None:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with MockCashfree(host="::1") as mock:
        assert mock.url.startswith("http://[::1]:")
        mock.add_instrument("cust_1")
        got = client(mock).PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card")
        assert len(got.data) == 1


def test_busy_port_raises_oserror() -> None:
    with MockCashfree() as first:
        port = urlsplit(first.url).port or 0
        with pytest.raises(OSError):
            MockCashfree(port=port).start()


# -- import cost and the pytest plugin ----------------------------------------------------------


def test_importing_the_sdk_loads_neither_the_kit_nor_the_cli() -> None:
    code = (
        "import sys, cashfree_pg\n"
        "bad = [m for m in ('cashfree_pg.testing', 'cashfree_pg.cli', 'http.server') if m in sys.modules]\n"
        "import cashfree_pg.testing\n"
        "bad += [m for m in ('cashfree_pg.testing._mock', 'http.server') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert out.stdout.strip() == "[]"


def _env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASHFREE_", "PYTEST_", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _installed_entry_points() -> List[Any]:
    try:
        dist = importlib.metadata.distribution("cashfree_pg")
    except importlib.metadata.PackageNotFoundError:
        return []
    return [ep for ep in dist.entry_points if ep.group == "pytest11"]


def test_pytest_entry_point_names_the_plugin() -> None:
    eps = _installed_entry_points()
    if not eps:
        pytest.skip("cashfree_pg is not installed as a distribution")
    assert [(ep.name, ep.value) for ep in eps] == [("cashfree_pg", "cashfree_pg.testing.pytest_plugin")]


def test_fixture_works_in_a_merchants_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_merchant.py").write_text(
        textwrap.dedent(
            """
            seen = []

            def test_uses_the_mock(cashfree_mock):
                card = cashfree_mock.add_instrument("customer_1")
                got = cashfree_mock.client().PGCustomerFetchInstrument(
                    x_api_version="2022-09-01", customer_id="customer_1", instrument_id=card.instrument_id
                )
                assert got.data == card
                seen.append(cashfree_mock)

            def test_each_test_gets_a_fresh_one(cashfree_mock):
                assert cashfree_mock.instruments() == [] and cashfree_mock.requests == []
                assert seen and not seen[0].running and seen[0] is not cashfree_mock
            """
        )
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:cov", "test_merchant.py"]
    if not _installed_entry_points():  # not installed: load the plugin by name instead
        args[3:3] = ["-p", "cashfree_pg.testing.pytest_plugin"]
    out = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=_env(), timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


def test_models_can_be_given_as_field_values(cashfree_mock: MockCashfree) -> None:
    from cashfree_pg.models import CardTokenDetails, SavedInstrumentMeta

    meta = SavedInstrumentMeta(card_network="amex", card_token_details=CardTokenDetails(par="P", expiry_year="31"))
    card = cashfree_mock.add_instrument("cust_1", instrument_meta=meta, tags=("a", "b"))
    assert card.instrument_meta is not None and card.instrument_meta.card_network == "amex"
    assert card.to_dict()["tags"] == ["a", "b"]
    crypto = client(cashfree_mock).PGCustomerInstrumentsFetchCryptogram(
        customer_id="cust_1", instrument_id=card.instrument_id
    )
    assert crypto.data.card_expiry_yy == "2031"


def test_malformed_requests(cashfree_mock: MockCashfree) -> None:
    status, _, body = raw(cashfree_mock, "GET", "/customers/c/instruments/i/other", auth(cashfree_mock))
    assert status == 404 and body["code"] == "request_url_invalid"
    # A path starting with // is a path, not a host name followed by one.
    url = urlsplit(cashfree_mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    conn.request("GET", "//evil.example/pg" + LIST, headers=auth(cashfree_mock))
    assert conn.getresponse().status == 404
    conn.close()
    # (http.server itself turns a leading // into / on newer Pythons.)
    assert cashfree_mock.requests[-1].path.lstrip("/") == "evil.example/pg/customers/c/instruments"
    url = urlsplit(cashfree_mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    conn.putrequest("GET", "/pg/customers/c/instruments")
    conn.putheader("Content-Length", "-5")
    conn.endheaders()
    assert conn.getresponse().status == 400
    conn.close()


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


# -- the kit under abuse ------------------------------------------------------------------------


def _exchange(mock: MockCashfree, data: bytes, timeout: float = 5) -> bytes:
    """Sends raw bytes and returns all the server sends before closing (or the timeout)."""
    url = urlsplit(mock.url)
    with socket.create_connection((url.hostname or "", url.port or 0), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_a_huge_content_length_is_413_without_reading_it(
    cashfree_mock: MockCashfree, capfd: pytest.CaptureFixture[str]
) -> None:
    request = (
        b"POST /pg/customers/c/instruments HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n"
        b"x-client-id: a\r\nx-client-secret: b\r\n\r\n"
    )
    started = time.perf_counter()
    answer = _exchange(cashfree_mock, request + b"x" * 1000)
    assert time.perf_counter() - started < 4  # answered and closed, not waiting for the body
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ") and b"Connection: close" in head
    assert json.loads(body)["code"] == "request_too_large"
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "MemoryError" not in out + err
    assert cashfree_mock.requests == []  # never got to the service


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /pg HTTP/9.9\r\n\r\n",
        b"GET /pg/customers/c/instruments HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
        b"GET /pg/customers/c/instruments HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"GET /pg HTTP/1.1\r\n" + b"".join(b"h%d: v\r\n" % i for i in range(150)) + b"\r\n",
        b"GET //evil.example/pg/customers/c/instruments HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"GET /pg/customers/%ff%fe/instruments/%zz?instrument_type=%ff HTTP/1.1\r\nConnection: close\r\n\r\n",
    ],
)
def test_malformed_requests_get_a_json_error_and_no_traceback(
    cashfree_mock: MockCashfree, capfd: pytest.CaptureFixture[str], request_bytes: bytes
) -> None:
    answer = _exchange(cashfree_mock, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert 400 <= status < 500 or status == 505  # never the 501 of an unknown method
    assert b"Content-Type: application/json" in head and json.loads(body)["type"]
    assert b"x-ratelimit-limit" in head and b"<html" not in body.lower()
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_idle_connections_are_closed() -> None:
    with MockCashfree(idle_timeout=0.3) as mock:
        started = time.perf_counter()
        assert _exchange(mock, b"", timeout=10) == b""  # closed by the server, silently
        assert time.perf_counter() - started < 5
        # ... also one that went quiet half way through its headers.
        assert _exchange(mock, b"GET /pg/customers HTTP/1.1\r\nHost:", timeout=10) == b""
        with pytest.raises(ValueError, match="idle_timeout"):
            MockCashfree(idle_timeout=0)
    # A pooled connection closed by the mock between calls is replaced by the SDK.
    with MockCashfree(idle_timeout=0.2) as mock:
        cf = client(mock)
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        time.sleep(0.4)
        assert cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card").status_code == 200


def test_helpers_return_ids_typed_as_strings(cashfree_mock: MockCashfree) -> None:
    from cashfree_pg.testing import MockInstrument

    card = cashfree_mock.add_instrument("cust_1")
    for got in (card, cashfree_mock.instrument(card.instrument_id), *cashfree_mock.instruments("cust_1")):
        assert isinstance(got, MockInstrument)
        assert isinstance(got.instrument_id, str) and isinstance(got.customer_id, str)
    fetched = client(cashfree_mock).PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    assert fetched.data == card and card == fetched.data
    assert not card != fetched.data  # noqa: SIM202  (__ne__ is the other operator under test)
    assert card != cashfree_mock.add_instrument("cust_1") and card != "card"


def test_kit_helpers_pass_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    merchant = tmp_path / "merchant_test.py"
    merchant.write_text(
        textwrap.dedent(
            """
            from cashfree_pg.testing import MockCashfree


            def use(mock: MockCashfree) -> str:
                card = mock.add_instrument("c1")
                again = mock.instrument(card.instrument_id)
                listed = mock.instruments("c1")[0]
                status = mock.set_instrument_status(card.instrument_id, "INACTIVE")
                count: int = mock.delete_count(card.instrument_id)
                return card.instrument_id + again.customer_id + listed.instrument_id + status.instrument_id + str(count)
            """
        )
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(merchant)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr
