"""The testing kit: MockCashfree over real loopback HTTP, driven through the public SDK, and the
``cashfree_mock`` pytest fixture (imported here from the plugin, and loaded by its entry point in
a separate pytest run).

Here: set-up and state, the four operations, the recorded requests. By topic beside it:
test_testing_kit_service.py (what the service checks), test_testing_kit_faults.py (faults and
rate limits), test_testing_kit_server.py (threads, lifetime, abuse) and test_testing_kit_plugin.py
(import cost, the pytest plugin, typing); shared helpers in testing_kit_helpers.py."""

# The tests take the plugin's fixture, imported below, as a parameter of the same name.
# ruff: noqa: F811

from __future__ import annotations

import base64
import http.client
import json
import re
import uuid
from urllib.parse import urlsplit

import pytest

from cashfree_pg import (
    BadRequestException,
    ConflictException,
    NotFoundException,
)
from cashfree_pg.testing import MockCashfree, RecordedRequest
from cashfree_pg.testing._sample import sample_instrument
from cashfree_pg.testing.pytest_plugin import cashfree_mock  # noqa: F401  (the fixture under test)
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT
from test.testing_kit_helpers import V, auth, client, luhn_ok, raw

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
