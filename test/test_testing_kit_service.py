"""The testing kit checks what the service checks: credentials, API versions, routes and
methods, the documented headers, idempotency keys."""

# The tests take the plugin's fixture, imported below, as a parameter of the same name.
# ruff: noqa: F811

from __future__ import annotations

import http.client
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlsplit

import pytest

from cashfree_pg import (
    Cashfree,
    ConflictException,
    NotFoundException,
    UnauthorizedException,
    UnprocessableEntityException,
)
from cashfree_pg.testing import MockCashfree
from cashfree_pg.testing.pytest_plugin import cashfree_mock  # noqa: F401  (the fixture under test)
from test.testing_kit_helpers import LIST, NO_RETRY, V, auth, client, exchange, raw

# -- what the service checks --------------------------------------------------------------------


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
    head, _, rest = exchange(cashfree_mock, request).partition(b"\r\n\r\n")
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
