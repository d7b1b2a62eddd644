"""The four operations against a loopback server: method, path, headers, decoded data."""

from __future__ import annotations

import json
import re
import time
from typing import Any, Callable, Iterator

import pytest

from cashfree_pg import ApiResponse, ApiTimeoutError, ApiTypeError, ApiValueError, Cashfree
from cashfree_pg.models.cryptogram_entity import CryptogramEntity
from cashfree_pg.models.instrument_entity import InstrumentEntity
from cashfree_pg.testing import MockCashfree
from cashfree_pg.testing._sample import sample_instrument
from test.conftest import make_client
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT, Reply, ScriptedServer

CID = "siddhesh_desai"
IID = "54deabb4-ba45-4a60-9e6a-9c016fe7ab10"
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


@pytest.fixture
def seed_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCashfree]:
    """The fake service holding the seed's sample card, configured exactly as the seed's users
    configure the SDK: class attributes, then ``Cashfree()`` for every call."""
    with MockCashfree(instruments=[sample_instrument()]) as mock:
        monkeypatch.setattr(Cashfree, "XClientId", mock.client_id)
        monkeypatch.setattr(Cashfree, "XClientSecret", mock.client_secret)
        monkeypatch.setattr(Cashfree, "XEnvironment", Cashfree.SANDBOX)
        monkeypatch.setenv("CASHFREE_BASE_URL", mock.url)
        yield mock


def test_seed_examples_run_unchanged(seed_mock: MockCashfree, capsys: pytest.CaptureFixture[str]) -> None:
    # The four examples of the seed document, verbatim (deletion last, so the others find the card).
    # fmt: off
    try:
        api_response = Cashfree().PGCustomerFetchInstruments(x_api_version="2022-09-01", customer_id="siddhesh_desai", instrument_type="card")  # noqa: E501
        print(api_response.data)
    except Exception as e:
        print(e)
    try:
        api_response = Cashfree().PGCustomerFetchInstrument(x_api_version="2022-09-01", customer_id="siddhesh_desai", instrument_id="54deabb4-ba45-4a60-9e6a-9c016fe7ab10")  # noqa: E501
        print(api_response.data)
    except Exception as e:
        print(e)
    try:
        api_response = Cashfree().PGCustomerInstrumentsFetchCryptogram(x_api_version="2022-09-01", customer_id="siddhesh_desai", instrument_id="54deabb4-ba45-4a60-9e6a-9c016fe7ab10")  # noqa: E501
        print(api_response.data)
    except Exception as e:
        print(e)
    try:
        api_response = Cashfree().PGCustomerDeleteInstrument(x_api_version="2022-09-01", customer_id="siddhesh_desai", instrument_id="54deabb4-ba45-4a60-9e6a-9c016fe7ab10")  # noqa: E501
        print(api_response.data)
    except Exception as e:
        print(e)
    # fmt: on

    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("[InstrumentEntity(") and "instrument_status='ACTIVE'" in lines[1]
    assert "token_requestor_id='22457512314'" in lines[2] and "cryptogram='****'" in lines[2]
    assert "instrument_status='INACTIVE'" in lines[3]
    assert SEED_CRYPTOGRAM["card_number"] not in "".join(lines)
    assert [(r.method, r.path, r.query) for r in seed_mock.requests] == [
        ("GET", f"/pg/customers/{CID}/instruments", {"instrument_type": "card"}),
        ("GET", f"/pg/customers/{CID}/instruments/{IID}", {}),
        ("GET", f"/pg/customers/{CID}/instruments/{IID}/cryptogram", {}),
        ("DELETE", f"/pg/customers/{CID}/instruments/{IID}", {}),
    ]
    assert all(r.headers["x-client-id"] == seed_mock.client_id for r in seed_mock.requests)
    assert all(r.headers["x-api-version"] == "2022-09-01" for r in seed_mock.requests)


def seeded(mock: MockCashfree) -> Cashfree:
    """Save the seed's sample card in the fake service; a client for it."""
    fields = sample_instrument()
    token = fields.pop("network_token")
    mock.add_instrument(fields.pop("customer_id"), network_token=token, **fields)
    return mock.client()


OPERATIONS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("PGCustomerFetchInstruments", "card", "GET", f"/pg/customers/{CID}/instruments", {"instrument_type": "card"}),
    ("PGCustomerFetchInstrument", IID, "GET", f"/pg/customers/{CID}/instruments/{IID}", {}),
    ("PGCustomerDeleteInstrument", IID, "DELETE", f"/pg/customers/{CID}/instruments/{IID}", {}),
    ("PGCustomerInstrumentsFetchCryptogram", IID, "GET", f"/pg/customers/{CID}/instruments/{IID}/cryptogram", {}),
]


@pytest.mark.parametrize(("name", "third", "method", "path", "query"), OPERATIONS)
def test_operation_sends_method_path_and_headers(
    cashfree_mock: MockCashfree, name: str, third: str, method: str, path: str, query: dict[str, str]
) -> None:
    client = seeded(cashfree_mock)
    # Positional, as callers of the official SDK pass them.
    response = getattr(client, name)("2023-08-01", CID, third, "req-123", "idem-9")
    sent = cashfree_mock.requests[-1]
    assert (sent.method, sent.path, dict(sent.query)) == (method, path, query)
    h = sent.headers
    assert h["x-client-id"] == cashfree_mock.client_id and h["x-client-secret"] == cashfree_mock.client_secret
    assert h["x-api-version"] == "2023-08-01"
    assert h["x-request-id"] == "req-123" and h["x-idempotency-key"] == "idem-9"
    assert h["accept"] == "application/json"
    assert h["user-agent"].startswith("cashfree-pg-python/")
    assert "x-partner-apikey" not in h
    assert isinstance(response, ApiResponse) and response.status_code == 200
    data = response.data
    decoded = [item.to_dict() for item in data] if isinstance(data, list) else data.to_dict()
    assert json.loads(response.raw_data) == decoded  # raw_data is the body as received


def test_decoded_data_types(cashfree_mock: MockCashfree) -> None:
    client = seeded(cashfree_mock)
    cashfree_mock.add_instrument(CID)
    listed = client.PGCustomerFetchInstruments(customer_id=CID, instrument_type="card").data
    assert isinstance(listed, list) and len(listed) == 2 and all(isinstance(i, InstrumentEntity) for i in listed)
    one = client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID).data
    assert one.instrument_id == IID and one.instrument_meta is not None
    assert one.instrument_meta.card_network == "VISA"
    details = one.instrument_meta.card_token_details
    assert details is not None and details.par == "somepar" and details["expiry_month"] == "12"
    crypto = client.PGCustomerInstrumentsFetchCryptogram(customer_id=CID, instrument_id=IID).data
    assert isinstance(crypto, CryptogramEntity)
    assert crypto.card_number == SEED_CRYPTOGRAM["card_number"] and crypto.cryptogram


def test_default_api_version_and_generated_request_id(
    cashfree_mock: MockCashfree, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = seeded(cashfree_mock)
    client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID)
    first = cashfree_mock.requests[-1].headers
    assert first["x-api-version"] == "2022-09-01"
    assert UUID_RE.match(first["x-request-id"])
    assert "x-idempotency-key" not in first  # only DELETE generates one
    client.PGCustomerFetchInstrument(None, CID, IID)
    assert cashfree_mock.requests[-1].headers["x-request-id"] != first["x-request-id"]
    monkeypatch.setattr(Cashfree, "XApiVersion", "2025-01-01")
    client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID)
    assert cashfree_mock.requests[-1].headers["x-api-version"] == "2025-01-01"


def test_delete_always_carries_an_idempotency_key(cashfree_mock: MockCashfree) -> None:
    seeded(cashfree_mock).PGCustomerDeleteInstrument(customer_id=CID, instrument_id=IID)
    assert UUID_RE.match(cashfree_mock.requests[-1].headers["x-idempotency-key"])


def test_partner_and_signature_headers(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    client = Cashfree(XPartnerKey="pk_live", XPartnerMerchantId="m_1", base_url=server.url)
    client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID)
    h = server.last.headers
    assert (h["x-partner-apikey"], h["x-partner-merchantid"]) == ("pk_live", "m_1")
    assert not {"x-client-id", "x-client-secret", "x-client-signature"} & set(h)
    Cashfree(XClientId="app", XClientSignature="sig", base_url=server.url).PGCustomerFetchInstrument(
        customer_id=CID, instrument_id=IID
    )
    h = server.last.headers
    assert (h["x-client-id"], h["x-client-signature"]) == ("app", "sig")
    assert not {"x-client-secret", "x-partner-apikey", "x-partner-merchantid"} & set(h)


@pytest.mark.parametrize(
    "creds",
    [
        {"XPartnerKey": "pk"},
        {"XClientId": "id"},
        {"XClientSecret": "s"},
        {"XClientId": "i", "XClientSecret": "s", "XClientSignature": "g"},
    ],
)
def test_only_the_four_documented_credential_sets_are_accepted(creds: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ApiValueError, match="XPartnerMerchantId \\+ XPartnerKey"):
        Cashfree(**creds)


def test_extra_headers_are_sent(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    make_client(server).PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID, _headers={"X-Trace": "t-1"})
    assert server.last.headers["x-trace"] == "t-1"


@pytest.mark.parametrize("per_call", [0.2, (5, 0.2)], ids=["total", "connect-read"])
def test_a_per_call_timeout_beats_the_clients(server: ScriptedServer, per_call: Any) -> None:
    # The answer takes 3 s: the client's own 10 s read timeout would wait for it, the call's
    # 0.2 s read timeout does not.
    server.default = Reply(200, SEED_INSTRUMENT, action="stall", delay=3.0)
    client = make_client(server, timeout=10, max_retries=0)
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError):
        client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID, _request_timeout=per_call)
    assert time.monotonic() - started < 2.0
    server.default = Reply(200, SEED_INSTRUMENT, action="stall", delay=0.3)
    data = client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID, _request_timeout=(5, 3)).data
    assert data.instrument_id == IID  # a per-call timeout longer than the wait lets the answer in


@pytest.mark.parametrize("value", ["a/b", "../x", "..", "a?b=c", "a#b", "é x"])
def test_path_parameters_stay_one_segment(server: ScriptedServer, value: str) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    make_client(server).PGCustomerFetchInstrument(customer_id=value, instrument_id=IID)
    path = server.last.path
    assert path.startswith("/pg/customers/") and path.endswith(f"/instruments/{IID}")
    segment = path[len("/pg/customers/") : -len(f"/instruments/{IID}")]
    assert "/" not in segment and "?" not in segment and "#" not in segment and segment not in (".", "..")


Call = Callable[..., Any]


@pytest.mark.parametrize("name", [op[0] for op in OPERATIONS])
@pytest.mark.parametrize("bad", [None, ""])
def test_missing_or_empty_parameters_are_refused_before_sending(server: ScriptedServer, name: str, bad: Any) -> None:
    call: Call = getattr(make_client(server), name)
    with pytest.raises(ApiValueError, match="customer_id"):
        call("2022-09-01", bad, "x")
    with pytest.raises(ApiValueError, match=r"instrument_(id|type)"):
        call("2022-09-01", "c", bad)
    assert server.requests == []


def test_wrong_types_and_unknown_keywords(server: ScriptedServer) -> None:
    client = make_client(server)
    with pytest.raises(ApiTypeError, match="customer_id"):
        client.PGCustomerFetchInstrument(customer_id=123, instrument_id=IID)  # type: ignore[arg-type]
    with pytest.raises(ApiTypeError, match="_request_auth"):
        client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID, _request_auth={})
    with pytest.raises(ApiTypeError, match="_headers"):
        client.PGCustomerFetchInstrument(customer_id=CID, instrument_id=IID, _headers=["x"])
    assert isinstance(ApiTypeError("x"), TypeError) and isinstance(ApiValueError("x"), ValueError)
    assert server.requests == []


def test_token_vault_api_without_arguments(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from cashfree_pg.api.token_vault_api import TokenVaultApi

    monkeypatch.setattr(Cashfree, "XClientId", "cls_id")
    monkeypatch.setattr(Cashfree, "XClientSecret", "cls_secret")
    monkeypatch.setenv("CASHFREE_BASE_URL", server.url)
    server.default = Reply(200, SEED_INSTRUMENT)
    response = TokenVaultApi().PGCustomerFetchInstrument("2022-09-01", CID, IID)
    assert response.data.instrument_id == IID and server.last.headers["x-client-id"] == "cls_id"


def test_official_import_paths() -> None:
    import cashfree_pg
    from cashfree_pg import ApiClient, ApiException, Configuration
    from cashfree_pg.api_client import Cashfree as Facade
    from cashfree_pg.models.api_error import ApiError
    from cashfree_pg.models.api_error404 import ApiError404
    from cashfree_pg.models.card_token_details import CardTokenDetails
    from cashfree_pg.models.saved_instrument_meta import SavedInstrumentMeta
    from cashfree_pg.rest import ApiException as RestApiException

    assert RestApiException is ApiException and Facade is Cashfree
    assert ApiClient and Configuration and SavedInstrumentMeta and CardTokenDetails
    assert issubclass(ApiError404, ApiError)
    assert cashfree_pg.InstrumentEntity is InstrumentEntity
    assert cashfree_pg.models.CryptogramEntity is CryptogramEntity
    with pytest.raises(AttributeError):
        _ = cashfree_pg.NoSuchThing
    with pytest.raises(AttributeError):
        _ = cashfree_pg.models.NoSuchModel


def test_model_helpers_round_trip() -> None:
    entity = InstrumentEntity.from_dict(SEED_INSTRUMENT)
    assert entity is not None and entity.to_dict() == SEED_INSTRUMENT
    assert InstrumentEntity.from_json(entity.to_json()) == entity
    assert InstrumentEntity.from_dict(None) is None
    assert "siddhesh_desai" in entity.to_str()
