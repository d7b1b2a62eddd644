"""Token Vault code written for the official SDK (4.x and 5.x) runs unchanged.

Each test is one usage pattern as merchants write it against the official SDK: its import
paths, its configuration styles, its keywords, its exception and model helpers. The calls go
over real HTTP to ``MockCashfree``; official-style code that names ``Cashfree.SANDBOX`` is
pointed at the mock with ``CASHFREE_BASE_URL``, so the code under test is written exactly as
merchants write it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import subprocess
import sys
import time
from typing import Any, Dict, Iterator

import pytest
import urllib3

from cashfree_pg.testing import MockCashfree

CLIENT_ID = "migration_client_id"
CLIENT_SECRET = "migration-client-secret-9f3c"
VERSION = "2022-09-01"


@pytest.fixture
def mock() -> Iterator[MockCashfree]:
    with MockCashfree(client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as m:
        yield m


@pytest.fixture
def sandbox_is_the_mock(mock: MockCashfree, monkeypatch: pytest.MonkeyPatch) -> MockCashfree:
    """Official code says ``Cashfree.SANDBOX``; this sends what it sends to the mock instead."""
    monkeypatch.setenv("CASHFREE_BASE_URL", mock.url)
    return mock


@pytest.fixture
def class_credentials(sandbox_is_the_mock: MockCashfree) -> MockCashfree:
    from cashfree_pg.api_client import Cashfree

    Cashfree.XClientId = CLIENT_ID
    Cashfree.XClientSecret = CLIENT_SECRET
    Cashfree.XEnvironment = Cashfree.SANDBOX
    return sandbox_is_the_mock


# -- import paths -------------------------------------------------------------------------------


def test_the_official_import_paths_exist() -> None:
    from cashfree_pg.api_client import ApiClient, Cashfree, CFEnvironment
    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.configuration import Configuration
    from cashfree_pg.exceptions import (
        ApiException,
        ApiTypeError,
        ApiValueError,
        NotFoundException,
        OpenApiException,
        ServiceException,
        UnauthorizedException,
    )
    from cashfree_pg.models.api_error import ApiError
    from cashfree_pg.models.api_error404 import ApiError404
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity
    from cashfree_pg.models.instrument_webhook import InstrumentWebhook
    from cashfree_pg.models.instrument_webhook_data import InstrumentWebhookData
    from cashfree_pg.models.instrument_webhook_data_entity import InstrumentWebhookDataEntity
    from cashfree_pg.models.saved_instrument_meta import SavedInstrumentMeta
    from cashfree_pg.rest import ApiException as RestApiException

    assert RestApiException is ApiException
    assert issubclass(NotFoundException, ApiException) and issubclass(ApiException, OpenApiException)
    assert issubclass(ServiceException, ApiException) and issubclass(UnauthorizedException, ApiException)
    assert {ApiTypeError, ApiValueError} <= set(OpenApiException.__subclasses__()) | {
        c for s in OpenApiException.__subclasses__() for c in s.__subclasses__()
    }
    for name in ("SANDBOX", "PRODUCTION"):
        assert hasattr(CFEnvironment, name)
    for cls in (
        ApiClient,
        Cashfree,
        ApiResponse,
        Configuration,
        ApiError,
        ApiError404,
        CryptogramEntity,
        InstrumentEntity,
        InstrumentWebhook,
        InstrumentWebhookData,
        InstrumentWebhookDataEntity,
        SavedInstrumentMeta,
    ):
        assert isinstance(cls, type)


def test_the_top_level_package_exports_the_official_names() -> None:
    import cashfree_pg
    from cashfree_pg import models

    for name in (
        "ApiClient",
        "ApiResponse",
        "Configuration",
        "ApiException",
        "InstrumentEntity",
        "CryptogramEntity",
        "InstrumentWebhook",
        "InstrumentWebhookData",
        "InstrumentWebhookDataEntity",
    ):
        assert getattr(cashfree_pg, name) is not None, name
    assert cashfree_pg.InstrumentWebhook is models.InstrumentWebhook


def test_api_client_re_exports_the_models_lazily() -> None:
    """``from cashfree_pg.api_client import InstrumentEntity`` works, and importing
    ``cashfree_pg.api_client`` alone loads no model module (they cost cold-start time)."""
    code = (
        "import sys, cashfree_pg.api_client as ac\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('cashfree_pg.models.'))\n"
        "from cashfree_pg.api_client import InstrumentEntity, CryptogramEntity, ApiError404, SavedInstrumentMeta\n"
        "from cashfree_pg.models import InstrumentEntity as M\n"
        "print(loaded, InstrumentEntity is M)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[] True"


# -- environments -------------------------------------------------------------------------------


def test_environment_constants_compare_equal_to_cf_environment() -> None:
    from cashfree_pg.api_client import Cashfree, CFEnvironment

    assert Cashfree.SANDBOX == CFEnvironment.SANDBOX and Cashfree.XSandbox == CFEnvironment.SANDBOX
    assert Cashfree.PRODUCTION == CFEnvironment.PRODUCTION and Cashfree.XProduction == CFEnvironment.PRODUCTION
    assert Cashfree.SANDBOX != CFEnvironment.PRODUCTION and Cashfree.PRODUCTION != CFEnvironment.SANDBOX
    Cashfree.XEnvironment = Cashfree.SANDBOX
    assert Cashfree.XEnvironment == CFEnvironment.SANDBOX  # official code branches on this


SANDBOX_URL = "https://sandbox.cashfree.com/pg"
PRODUCTION_URL = "https://api.cashfree.com/pg"


@pytest.mark.parametrize(
    ("given", "host"),
    [
        (lambda cf, env: env.SANDBOX, SANDBOX_URL),
        (lambda cf, env: env.PRODUCTION, PRODUCTION_URL),
        (lambda cf, env: cf.PRODUCTION, PRODUCTION_URL),
        (lambda cf, env: "production", PRODUCTION_URL),
        (lambda cf, env: "SANDBOX", SANDBOX_URL),
        (lambda cf, env: PRODUCTION_URL, PRODUCTION_URL),
    ],
    ids=["CFEnvironment.SANDBOX", "CFEnvironment.PRODUCTION", "Cashfree.PRODUCTION", "name", "NAME", "url"],
)
def test_x_environment_accepts_the_enum_the_names_and_the_urls(given: Any, host: str) -> None:
    from cashfree_pg.api_client import Cashfree, CFEnvironment

    value = given(Cashfree, CFEnvironment)
    Cashfree.XEnvironment = value
    assert Cashfree(XClientId=CLIENT_ID, XClientSecret=CLIENT_SECRET).configuration.host == host
    Cashfree.XEnvironment = None
    assert Cashfree(value, CLIENT_ID, CLIENT_SECRET).configuration.host == host


# -- configuring and calling --------------------------------------------------------------------


def test_class_configuration_then_the_four_calls_by_keyword(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree

    card = class_credentials.add_instrument("cust_kw")
    listed = Cashfree().PGCustomerFetchInstruments(x_api_version=VERSION, customer_id="cust_kw", instrument_type="card")
    one = Cashfree().PGCustomerFetchInstrument(
        x_api_version=VERSION, customer_id="cust_kw", instrument_id=card.instrument_id
    )
    crypto = Cashfree().PGCustomerInstrumentsFetchCryptogram(
        x_api_version=VERSION, customer_id="cust_kw", instrument_id=card.instrument_id
    )
    deleted = Cashfree().PGCustomerDeleteInstrument(
        x_api_version=VERSION, customer_id="cust_kw", instrument_id=card.instrument_id
    )
    assert [c.instrument_id for c in listed.data] == [card.instrument_id]
    assert one.data.instrument_id == card.instrument_id
    assert crypto.data.cryptogram and crypto.data.instrument_id == card.instrument_id
    assert deleted.data.instrument_status == "INACTIVE"
    sent = class_credentials.requests
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in sent] == [
        ("GET", "instruments"),
        ("GET", card.instrument_id),
        ("GET", "cryptogram"),
        ("DELETE", card.instrument_id),
    ]
    assert {r.headers["x-client-id"] for r in sent} == {CLIENT_ID}


def test_instance_configuration_then_the_four_calls_positionally(sandbox_is_the_mock: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree

    card = sandbox_is_the_mock.add_instrument("cust_pos")
    cashfree = Cashfree(Cashfree.SANDBOX, CLIENT_ID, CLIENT_SECRET)  # the 5.x constructor
    listed = cashfree.PGCustomerFetchInstruments(VERSION, "cust_pos", "card", "req-pos-1")
    one = cashfree.PGCustomerFetchInstrument(VERSION, "cust_pos", card.instrument_id)
    crypto = cashfree.PGCustomerInstrumentsFetchCryptogram(VERSION, "cust_pos", card.instrument_id)
    deleted = cashfree.PGCustomerDeleteInstrument(VERSION, "cust_pos", card.instrument_id, None, "idem-pos-1")
    assert [c.instrument_id for c in listed.data] == [card.instrument_id]
    assert one.data.instrument_id == crypto.data.instrument_id == deleted.data.instrument_id == card.instrument_id
    sent = sandbox_is_the_mock.requests
    assert sent[0].headers["x-request-id"] == "req-pos-1" and sent[0].query.get("instrument_type") == "card"
    assert sent[3].headers["x-idempotency-key"] == "idem-pos-1"
    assert {r.headers["x-api-version"] for r in sent} == {VERSION}


def test_instance_configuration_by_keyword(sandbox_is_the_mock: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree

    cashfree = Cashfree(XEnvironment=Cashfree.SANDBOX, XClientId=CLIENT_ID, XClientSecret=CLIENT_SECRET)
    assert cashfree.PGCustomerFetchInstruments(VERSION, "nobody", "card").data == []


def test_response_data_status_code_headers_and_raw_data(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.models.instrument_entity import InstrumentEntity

    card = class_credentials.add_instrument("cust_resp")
    api_response = Cashfree().PGCustomerFetchInstrument(VERSION, "cust_resp", card.instrument_id, "req-resp-1")
    assert api_response.status_code == 200
    assert isinstance(api_response.data, InstrumentEntity)
    assert api_response.headers["x-request-id"] == "req-resp-1"
    assert api_response.headers["Content-Type"].startswith("application/json")  # any case, as official
    # raw_data is text, as in the official SDK: the common uses of a body string work.
    raw = api_response.raw_data
    assert json.loads(raw)["instrument_id"] == card.instrument_id
    assert raw.startswith("{")
    assert f"body={raw}" == "body=" + raw and not f"{raw}".startswith("b'")
    assert card.instrument_id in raw
    direct = urllib3.PoolManager().request(
        "GET",
        f"{class_credentials.url}/customers/cust_resp/instruments/{card.instrument_id}",
        headers={"x-client-id": CLIENT_ID, "x-client-secret": CLIENT_SECRET, "x-api-version": VERSION},
    )
    assert raw == direct.data.decode("utf-8")  # compared with the text a plain HTTP GET reads


def test_configuration_api_key_dicts_with_api_client_and_token_vault_api(mock: MockCashfree) -> None:
    from cashfree_pg.api.token_vault_api import TokenVaultApi
    from cashfree_pg.api_client import ApiClient
    from cashfree_pg.configuration import Configuration

    card = mock.add_instrument("cust_conf")
    configuration = Configuration(host=mock.url)
    assert configuration.api_key == {} and configuration.api_key_prefix == {}
    configuration.api_key["XClientID"] = CLIENT_ID
    configuration.api_key["XClientSecret"] = CLIENT_SECRET
    with ApiClient(configuration) as api_client:
        api = TokenVaultApi(api_client)
        listed = api.PGCustomerFetchInstruments(VERSION, "cust_conf", "card")
        one = api.PGCustomerFetchInstrument(
            x_api_version=VERSION, customer_id="cust_conf", instrument_id=card.instrument_id
        )
    assert [c.instrument_id for c in listed.data] == [one.data.instrument_id] == [card.instrument_id]
    assert {r.headers["x-client-secret"] for r in mock.requests} == {CLIENT_SECRET}


def test_configuration_constructor_api_key_and_partner_key(mock: MockCashfree) -> None:
    from cashfree_pg.api.token_vault_api import TokenVaultApi
    from cashfree_pg.api_client import ApiClient
    from cashfree_pg.configuration import Configuration
    from cashfree_pg.exceptions import UnauthorizedException

    configuration = Configuration(host=mock.url, api_key={"XClientID": CLIENT_ID, "XClientSecret": CLIENT_SECRET})
    assert TokenVaultApi(ApiClient(configuration)).PGCustomerFetchInstruments(VERSION, "c", "card").data == []
    partner = Configuration(
        host=mock.url, api_key={"XPartnerAPIKey": "partner-key-1", "XPartnerMerchantID": "merchant-1"}
    )
    with pytest.raises(UnauthorizedException):  # the mock enforces the client id and secret
        TokenVaultApi(ApiClient(partner)).PGCustomerFetchInstruments(VERSION, "c", "card")
    sent = mock.requests[-1].headers
    assert (sent.get("x-partner-apikey"), sent.get("x-partner-merchantid")) == ("partner-key-1", "merchant-1")


@pytest.fixture
def restore_default_configuration() -> Iterator[None]:
    from cashfree_pg.configuration import Configuration

    yield
    Configuration.set_default(None)


@pytest.mark.usefixtures("restore_default_configuration")
def test_default_configuration_is_copied_never_shared(mock: MockCashfree) -> None:
    from cashfree_pg.api.token_vault_api import TokenVaultApi
    from cashfree_pg.api_client import ApiClient
    from cashfree_pg.configuration import Configuration
    from cashfree_pg.exceptions import UnauthorizedException

    merchant_a = Configuration(host=mock.url, api_key={"XClientID": CLIENT_ID, "XClientSecret": CLIENT_SECRET})
    Configuration.set_default(merchant_a)
    merchant_a.api_key["XClientID"] = "changed-after-set-default"
    first, second = Configuration.get_default_copy(), Configuration.get_default_copy()
    assert first is not second and first.api_key["XClientID"] == CLIENT_ID
    first.api_key["XClientID"] = "changed-in-a-copy"
    assert second.api_key["XClientID"] == CLIENT_ID
    assert Configuration.get_default_copy().api_key["XClientID"] == CLIENT_ID

    default_client = ApiClient.get_default()
    assert isinstance(default_client, ApiClient)
    merchant_b = Configuration(host=mock.url, api_key={"XClientID": "merchant_b", "XClientSecret": "secret_b"})
    api_a, api_b = TokenVaultApi(default_client), TokenVaultApi(ApiClient(merchant_b))
    assert api_a.PGCustomerFetchInstruments(VERSION, "c", "card").status_code == 200
    with pytest.raises(UnauthorizedException):  # merchant B's credentials are not the mock's
        api_b.PGCustomerFetchInstruments(VERSION, "c", "card")
    assert api_a.PGCustomerFetchInstruments(VERSION, "c", "card").status_code == 200
    assert [r.headers["x-client-id"] for r in mock.requests] == [CLIENT_ID, "merchant_b", CLIENT_ID]


# -- credentials set after the client is built --------------------------------------------------


def test_a_module_level_client_built_before_the_credentials_works_once_they_are_set(
    sandbox_is_the_mock: MockCashfree,
) -> None:
    from cashfree_pg.api_client import Cashfree

    cashfree = Cashfree()  # at import time of a settings module, nothing configured yet
    Cashfree.XClientId = CLIENT_ID
    Cashfree.XClientSecret = CLIENT_SECRET
    assert cashfree.PGCustomerFetchInstruments(VERSION, "c", "card").status_code == 200


def test_a_client_built_without_credentials_reports_them_at_the_first_call(
    sandbox_is_the_mock: MockCashfree,
) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.exceptions import ApiValueError

    cashfree = Cashfree(Cashfree.SANDBOX)
    with pytest.raises(ApiValueError, match="XClientId"):
        cashfree.PGCustomerFetchInstruments(VERSION, "c", "card")
    assert sandbox_is_the_mock.requests == []
    with pytest.raises(ApiValueError):
        Cashfree(Cashfree.SANDBOX, "", CLIENT_SECRET)  # an explicitly empty credential is a bug


# -- legacy per-call keywords -------------------------------------------------------------------


def test_return_http_data_only_returns_the_data(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.models.instrument_entity import InstrumentEntity

    card = class_credentials.add_instrument("cust_data_only")
    data = Cashfree().PGCustomerFetchInstrument(
        VERSION, "cust_data_only", card.instrument_id, _return_http_data_only=True
    )
    assert isinstance(data, InstrumentEntity) and data.instrument_id == card.instrument_id
    full = Cashfree().PGCustomerFetchInstrument(
        VERSION, "cust_data_only", card.instrument_id, _return_http_data_only=False
    )
    assert full.status_code == 200 and full.data == data


def test_preload_content_false_returns_the_response_without_decoding(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree

    card = class_credentials.add_instrument("cust_raw")
    response = Cashfree().PGCustomerFetchInstrument(VERSION, "cust_raw", card.instrument_id, _preload_content=False)
    assert response.status_code == 200 and response.data is None
    assert json.loads(response.raw_data)["instrument_id"] == card.instrument_id
    loaded = Cashfree().PGCustomerFetchInstrument(VERSION, "cust_raw", card.instrument_id, _preload_content=True)
    assert loaded.data is not None and loaded.data.instrument_id == card.instrument_id


def test_async_req_false_is_the_normal_call(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree

    assert Cashfree().PGCustomerFetchInstruments(VERSION, "c", "card", async_req=False).status_code == 200


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("async_req", True),
        ("_request_auth", {"in": "header", "key": "x-client-id", "value": "x"}),
        ("_content_type", "application/xml"),
        ("_host_index", 1),
    ],
)
def test_keywords_without_a_meaning_here_are_refused_with_advice_before_sending(
    class_credentials: MockCashfree, keyword: str, value: Any
) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.exceptions import ApiTypeError, ApiValueError

    with pytest.raises((ApiTypeError, ApiValueError)) as refused:
        Cashfree().PGCustomerFetchInstruments(VERSION, "c", "card", **{keyword: value})
    message = str(refused.value)
    assert keyword in message
    assert "unexpected keyword argument" not in message  # says what to do instead, not just "no"
    if keyword == "async_req":
        assert "async" in message.lower().replace("async_req", "")
    assert class_credentials.requests == []


# -- exceptions ---------------------------------------------------------------------------------


def test_an_error_answer_raises_api_exception_with_the_official_fields(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.exceptions import ApiException, NotFoundException

    try:
        Cashfree().PGCustomerFetchInstrument(VERSION, "cust_err", "no-such-instrument")
    except ApiException as e:
        caught = e
    else:
        pytest.fail("a missing instrument must raise")
    assert isinstance(caught, NotFoundException)
    assert caught.status == 404 and caught.reason == "Not Found"
    assert isinstance(caught.body, str) and json.loads(caught.body)["code"]
    assert caught.headers is not None and caught.headers["Content-Type"].startswith("application/json")
    text = str(caught)
    assert text.startswith("(404)\nReason: Not Found\n")
    assert "HTTP response headers: " in text and "HTTP response body: " in text
    assert caught.request_id and caught.request_id in text


def test_str_of_an_error_masks_credentials_and_card_data_and_bounds_the_body(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.exceptions import ApiException

    card_number = "4111111111111111"
    body = {"message": f"card {card_number} secret {CLIENT_SECRET} refused", "code": "bad", "pad": "x" * 200_000}
    class_credentials.fail_next(400, body=body)
    with pytest.raises(ApiException) as failure:
        Cashfree().PGCustomerFetchInstruments(VERSION, "c", "card")
    text = str(failure.value)
    assert text.startswith("(400)\nReason: Bad Request\n")
    assert card_number not in text and CLIENT_SECRET not in text
    assert "1111" in text  # masked, not dropped: the last four digits stay
    assert len(text) < 20_000


def test_application_code_builds_api_exceptions_as_the_official_tests_do(
    server: Any,
) -> None:
    from cashfree_pg.exceptions import ApiException, NotFoundException

    e = ApiException(status=404, reason="Not Found")
    assert (e.status, e.reason, e.body, e.headers) == (404, "Not Found", None, None)
    assert str(e).startswith("(404)\nReason: Not Found\n")
    assert isinstance(ApiException(), Exception)

    from test.scripted_server import Reply

    server.reply(Reply(404, {"message": "gone"}, {"X-Trace": "t1"}))
    response = urllib3.PoolManager().request("GET", server.url + "/x")
    wrapped = NotFoundException(http_resp=response)
    assert (wrapped.status, wrapped.reason) == (404, "Not Found")
    assert json.loads(wrapped.body) == {"message": "gone"} and wrapped.headers["X-Trace"] == "t1"
    assert str(wrapped).startswith("(404)\nReason: Not Found\nHTTP response headers: ")
    assert 'HTTP response body: {"message": "gone"}' in str(wrapped)


# -- models -------------------------------------------------------------------------------------


def test_model_helpers_and_card_token_details_par(class_credentials: MockCashfree) -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity
    from cashfree_pg.models.instrument_entity import InstrumentEntity

    card = class_credentials.add_instrument(
        "cust_models", instrument_meta={"card_token_details": {"par": "PAR123", "expiry_month": "12"}}
    )
    entity = Cashfree().PGCustomerFetchInstrument(VERSION, "cust_models", card.instrument_id).data
    details = entity.instrument_meta.card_token_details
    assert details["par"] == "PAR123" and details.get("par") == "PAR123" and details.get("nope") is None
    as_dict = entity.to_dict()
    assert as_dict["instrument_id"] == card.instrument_id
    assert as_dict["instrument_meta"]["card_token_details"]["par"] == "PAR123"
    assert json.loads(entity.to_json()) == as_dict
    assert InstrumentEntity.from_json(entity.to_json()) == entity
    assert InstrumentEntity.from_dict(as_dict) == entity and InstrumentEntity.from_dict(None) is None
    assert card.instrument_id in entity.to_str()

    crypto = Cashfree().PGCustomerInstrumentsFetchCryptogram(VERSION, "cust_models", card.instrument_id).data
    assert isinstance(crypto, CryptogramEntity) and crypto.cryptogram
    assert CryptogramEntity.from_json(crypto.to_json()).cryptogram == crypto.cryptogram
    assert crypto.to_dict()["cryptogram"] == crypto.cryptogram  # the value, for the payment call
    assert crypto.cryptogram not in crypto.to_str()  # but never printed


# -- webhooks -----------------------------------------------------------------------------------

WEBHOOK = {
    "data": {
        "instrument": {
            "customer_id": "customer_123",
            "instrument_id": "af250dc5-e5e5-4e7d-a7cf-3f446741fa54",
            "instrument_type": "card",
            "instrument_status": "ACTIVE",
            "added_at": "2022-04-14T10:42:59+05:30",
            "instrument_meta": {"card_network": "visa", "card_par": "50012ADWQZJKHCLXLT61QTYD5QNX1"},
        }
    },
    "event_time": "2022-04-14T10:44:14+05:30",
    "type": "INSTRUMENT_ACTIVE_WEBHOOK",
}


def _signed() -> Dict[str, str]:
    raw_body = json.dumps(WEBHOOK)
    timestamp = str(int(time.time() * 1000))
    digest = hmac.new(CLIENT_SECRET.encode(), (timestamp + raw_body).encode(), hashlib.sha256).digest()
    return {"signature": base64.b64encode(digest).decode(), "raw_body": raw_body, "timestamp": timestamp}


def test_webhook_verification_and_the_webhook_models() -> None:
    from cashfree_pg.api_client import Cashfree
    from cashfree_pg.models.instrument_webhook import InstrumentWebhook
    from cashfree_pg.models.instrument_webhook_data import InstrumentWebhookData

    Cashfree.XClientId = CLIENT_ID
    Cashfree.XClientSecret = CLIENT_SECRET
    Cashfree.XEnvironment = Cashfree.SANDBOX
    h = _signed()
    webhook_event = Cashfree().PGVerifyWebhookSignature(h["signature"], h["raw_body"], h["timestamp"])
    assert webhook_event.type == "INSTRUMENT_ACTIVE_WEBHOOK" and webhook_event.raw == h["raw_body"]
    assert webhook_event.object["data"]["instrument"]["instrument_id"] == WEBHOOK["data"]["instrument"]["instrument_id"]

    wrapped = InstrumentWebhook.from_dict({"data": webhook_event.object})
    body = InstrumentWebhookData.from_json(webhook_event.raw)
    assert wrapped.data == body and body.type == "INSTRUMENT_ACTIVE_WEBHOOK"
    assert body.data.instrument.instrument_id == WEBHOOK["data"]["instrument"]["instrument_id"]
    assert body.to_dict() == WEBHOOK and json.loads(wrapped.to_json()) == {"data": WEBHOOK}
    assert "INSTRUMENT_ACTIVE_WEBHOOK" in wrapped.to_str()

    try:  # official code catches a mismatch as a plain Exception
        Cashfree().PGVerifyWebhookSignature(h["signature"], h["raw_body"] + " ", h["timestamp"])
    except Exception as e:
        assert "signature" in str(e)
    else:
        pytest.fail("a changed body must not verify")
