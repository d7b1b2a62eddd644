"""Conformance to Cashfree's own OpenAPI document (a copy in test/data, cut unchanged from the
Payment Gateway document, API version 2025-01-01), checked with real validators from PyPI:

* every request the SDK sends, captured at ``MockCashfree`` over real HTTP, validates against
  the document's parameters, headers and security schemes (``openapi-core``);
* every answer of the testing kit, success and each documented error, validates against the
  document's responses, headers included (``openapi-core``);
* bodies generated from the document's schemas (``hypothesis-jsonschema``) decode with the
  SDK's own decoders, keeping every field and every value as sent.

Where the document contradicts itself, the tests follow the schemas and the service's
behaviour; ``test_the_document_s_contradictions_are_still_there`` names each contradiction, so
that a corrected document shows up here.
"""

from __future__ import annotations

import copy
import hashlib
import http.client
import json
import re
import uuid
from functools import cache
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Tuple
from urllib.parse import urlsplit

import pytest

yaml = pytest.importorskip("yaml")
openapi_core = pytest.importorskip("openapi_core")
hypothesis_jsonschema = pytest.importorskip("hypothesis_jsonschema")

from hypothesis import (  # noqa: E402
    HealthCheck,
    Phase,
    given,
    settings,
    strategies as st,
)
from openapi_core.testing import MockRequest, MockResponse  # noqa: E402

from cashfree_pg import ApiException, Cashfree, RetryPolicy  # noqa: E402
from cashfree_pg.api.token_vault_api import (  # noqa: E402
    DELETE_INSTRUMENT,
    FETCH_CRYPTOGRAM,
    FETCH_INSTRUMENT,
    FETCH_INSTRUMENTS,
)
from cashfree_pg.models import (  # noqa: E402
    ApiError,
    AuthenticationError,
    CardNetwork,
    CardTokenDetails,
    CardType,
    CryptogramEntity,
    InstrumentEntity,
    InstrumentStatus,
    InstrumentType,
    RateLimitError,
    SavedInstrumentMeta,
)
from cashfree_pg.operation import Operation  # noqa: E402
from cashfree_pg.testing import MockCashfree, RecordedRequest  # noqa: E402

DOCUMENT_PATH = Path(__file__).resolve().parent / "data" / "cashfree-tokenvault-openapi.yaml"
# The copy must stay the document as published: refresh it from Cashfree's file, never edit it.
DOCUMENT_SHA256 = "b322d98e28f48d2525e170844894386a5702ad8169b64c876da3af12661fbb18"
SERVER = "https://sandbox.cashfree.com"  # the document's sandbox server; the path keeps its /pg
OPERATIONS = (FETCH_INSTRUMENTS, FETCH_INSTRUMENT, DELETE_INSTRUMENT, FETCH_CRYPTOGRAM)
NO_RETRY = RetryPolicy(max_retries=0)


@cache
def document() -> Dict[str, Any]:
    loaded: Dict[str, Any] = yaml.safe_load(DOCUMENT_PATH.read_text(encoding="utf-8"))
    return loaded


def as_the_service_behaves() -> Dict[str, Any]:
    """The document with its one contradiction that matters to validation resolved the way the
    service behaves: the response header ``x-api-version`` is the version that served the
    request (the schema allows only ``2022-09-01``, while requests default to ``2025-01-01``)."""
    doc = copy.deepcopy(document())
    doc["components"]["headers"]["x-api-version"]["schema"].pop("enum")
    return doc


@cache
def openapi() -> Any:
    return openapi_core.OpenAPI.from_dict(as_the_service_behaves())


def operation_spec(op: Operation) -> Dict[str, Any]:
    spec: Dict[str, Any] = document()["paths"][op.path][op.method.lower()]
    return spec


def resolve(node: Any) -> Any:
    """``node`` with every local ``$ref`` replaced by what it points to (the document has no
    recursive schemas)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = document()
            for part in ref[2:].split("/"):
                target = target[part]
            return resolve(target)
        return {k: resolve(v) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(v) for v in node]
    return node


# -- the document ------------------------------------------------------------------------------


def test_the_copy_is_the_published_document() -> None:
    assert hashlib.sha256(DOCUMENT_PATH.read_bytes()).hexdigest() == DOCUMENT_SHA256
    assert {op.name for op in OPERATIONS} == {
        spec["operationId"] for path in document()["paths"].values() for spec in path.values()
    }
    for op in OPERATIONS:  # the SDK's table names the document's operations, methods and paths
        assert operation_spec(op)["operationId"] == op.name


def test_the_document_s_contradictions_are_still_there() -> None:
    doc = document()
    # 1. The response header says only 2022-09-01; every request defaults to 2025-01-01.
    assert doc["components"]["headers"]["x-api-version"]["schema"]["enum"] == ["2022-09-01"]
    for op in OPERATIONS:
        version = next(p for p in operation_spec(op)["parameters"] if p["name"] == "x-api-version")
        assert version["schema"]["default"] == "2025-01-01"
    # 2. The single-instrument 200 answer is an object; its example is a list of them.
    fetch_200 = operation_spec(FETCH_INSTRUMENT)["responses"]["200"]["content"]["application/json"]
    assert fetch_200["schema"] == {"$ref": "#/components/schemas/InstrumentEntity"}
    assert isinstance(resolve(fetch_200["examples"]["fetch_all_saved_cards_example"])["value"], list)
    # 3. The entities have no "type: object": by the letter of JSON Schema any value (a number,
    #    a list) would be a valid answer. The service sends objects, as every example shows.
    schemas = doc["components"]["schemas"]
    assert [n for n in ("InstrumentEntity", "CryptogramEntity", "SavedInstrumentMeta") if "type" in schemas[n]] == []
    # 4. Two error schemas lack the "help" the others document (the SDK reads it on every one).
    assert [
        n
        for n, s in schemas.items()
        if n.endswith("Error") or n.startswith("ApiError")
        if "help" not in s["properties"]
    ] == [
        "AuthenticationError",
        "RateLimitError",
    ]


# -- requests: what the SDK sends --------------------------------------------------------------

CREDENTIAL_SETS: Dict[str, Dict[str, str]] = {
    "client id + secret": {"XClientId": "app_1", "XClientSecret": "secret_1"},
    "client id + partner key": {"XClientId": "app_1", "XPartnerKey": "partner_1"},
    "client id + signature": {"XClientId": "app_1", "XClientSignature": "signature_1"},
    "partner merchant id + key": {"XPartnerMerchantId": "merchant_1", "XPartnerKey": "partner_1"},
}


def as_openapi_request(rec: RecordedRequest) -> MockRequest:
    return MockRequest(
        SERVER,
        rec.method,
        rec.path,
        args=dict(rec.query),
        headers=dict(rec.headers),
        data=rec.body or None,
    )


def every_call(cf: Cashfree, customer_id: str, instrument_id: str) -> None:
    """Each operation through each surface: the official ``PG...`` methods (positional and by
    keyword, with and without the optional headers) and the ``instruments`` resource."""
    cf.PGCustomerFetchInstruments("2025-01-01", customer_id, "card")
    cf.PGCustomerFetchInstruments(customer_id=customer_id, instrument_type="card", x_request_id="req-1")
    cf.PGCustomerFetchInstrument(x_api_version="2022-09-01", customer_id=customer_id, instrument_id=instrument_id)
    cf.PGCustomerInstrumentsFetchCryptogram(customer_id=customer_id, instrument_id=instrument_id)
    cf.instruments.list(customer_id)
    cf.instruments.retrieve(customer_id, instrument_id)
    cf.instruments.cryptogram(customer_id, instrument_id, request_id="req-2")
    cf.instruments.with_response.list(customer_id)
    cf.PGCustomerDeleteInstrument(
        customer_id=customer_id, instrument_id=instrument_id, x_idempotency_key=str(uuid.uuid4())
    )


@pytest.mark.parametrize("credentials", list(CREDENTIAL_SETS.values()), ids=list(CREDENTIAL_SETS))
@pytest.mark.parametrize("customer_id", ["customer_1", "cust/with space?é"])
def test_every_request_the_sdk_sends_validates(credentials: Dict[str, str], customer_id: str) -> None:
    with MockCashfree() as mock:
        card = mock.add_instrument(customer_id)
        cf = Cashfree(base_url=mock.url, retry_policy=NO_RETRY, **credentials)
        every_call(cf, customer_id, card.instrument_id)
        cf.instruments.delete(customer_id, mock.add_instrument(customer_id).instrument_id)  # a generated key
        requests = mock.requests
    assert len(requests) == 10
    for rec in requests:
        openapi().validate_request(as_openapi_request(rec))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", rec.headers["x-api-version"]), rec  # required, "YYYY-MM-DD"
        sent = {h for h in rec.headers if h.startswith(("x-client", "x-partner"))}
        assert sent == {Cashfree_header(k) for k in credentials}, rec  # exactly the set's headers
    # The document types the idempotency key as a UUID: the keys the SDK generates are UUIDs.
    generated = requests[-1].headers["x-idempotency-key"]
    assert str(uuid.UUID(generated)) == generated


def Cashfree_header(keyword: str) -> str:
    return {
        "XClientId": "x-client-id",
        "XClientSecret": "x-client-secret",
        "XPartnerKey": "x-partner-apikey",
        "XClientSignature": "x-client-signature",
        "XPartnerMerchantId": "x-partner-merchantid",
    }[keyword]


def test_the_validator_refuses_what_the_document_does_not_allow() -> None:
    """The request check can fail: requests the document refuses are refused."""
    from openapi_core.validation.request.exceptions import RequestValidationError, SecurityValidationError

    base = {"x-api-version": "2025-01-01", "x-client-id": "a", "x-client-secret": "b"}
    good = MockRequest(SERVER, "GET", "/pg/customers/c/instruments", args={"instrument_type": "card"}, headers=base)
    openapi().validate_request(good)
    with pytest.raises(SecurityValidationError):
        openapi().validate_request(
            MockRequest(
                SERVER,
                "GET",
                "/pg/customers/c/instruments",
                args={"instrument_type": "card"},
                headers={"x-api-version": "2025-01-01", "x-partner-apikey": "k"},
            )
        )
    with pytest.raises(RequestValidationError):
        openapi().validate_request(
            MockRequest(SERVER, "GET", "/pg/customers/c/instruments", args={"instrument_type": "upi"}, headers=base)
        )
    with pytest.raises(RequestValidationError):
        openapi().validate_request(MockRequest(SERVER, "GET", "/pg/customers/c/instruments", headers=base))
    # openapi-core fills a missing required header from its schema default (x-api-version has
    # one), so that header is checked by hand in test_every_request_the_sdk_sends_validates.
    openapi().validate_request(
        MockRequest(SERVER, "GET", "/pg/customers/c/instruments", args={"instrument_type": "card"}, headers=base)
    )


# -- answers: what the testing kit sends -------------------------------------------------------

Exchange = Tuple[MockRequest, MockResponse]


def exchange(mock: MockCashfree, method: str, path: str, headers: Mapping[str, str]) -> Exchange:
    url = urlsplit(mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    try:
        conn.request(method, "/pg" + path, headers=dict(headers))
        resp = conn.getresponse()
        body = resp.read()
        got = {k.lower(): v for k, v in resp.getheaders()}
    finally:
        conn.close()
    target, _, query = path.partition("?")
    args = dict(p.split("=", 1) for p in query.split("&") if p)
    request = MockRequest(SERVER, method, "/pg" + target, args=args, headers=dict(headers))
    response = MockResponse(body, resp.status, headers=got, content_type=got.get("content-type", ""))
    return request, response


def documented_statuses(op: Operation) -> List[int]:
    return sorted(int(s) for s in operation_spec(op)["responses"])


def paths(customer_id: str, instrument_id: str) -> Dict[str, str]:
    item = f"/customers/{customer_id}/instruments/{instrument_id}"
    return {
        FETCH_INSTRUMENTS.name: f"/customers/{customer_id}/instruments?instrument_type=card",
        FETCH_INSTRUMENT.name: item,
        DELETE_INSTRUMENT.name: item,
        FETCH_CRYPTOGRAM.name: item + "/cryptogram",
    }


AUTH = {"x-client-id": "app_1", "x-client-secret": "secret_1", "x-api-version": "2025-01-01", "x-request-id": "r1"}


def kit_answers() -> Iterator[Tuple[str, Exchange]]:
    """The answers of the testing kit, as the service plays them and as ``fail_next`` plays
    every documented status of every operation."""
    with MockCashfree(client_id="app_1", client_secret="secret_1") as mock:
        card = mock.add_instrument("c1")
        failed = mock.add_instrument("c1", instrument_status="FAILED")
        ok = paths("c1", card.instrument_id)
        for op in (FETCH_INSTRUMENTS, FETCH_INSTRUMENT, FETCH_CRYPTOGRAM):
            yield f"{op.name} 200", exchange(mock, op.method, ok[op.name], AUTH)
            yield f"{op.name} 401", exchange(mock, op.method, ok[op.name], {**AUTH, "x-client-secret": "wrong"})
            yield f"{op.name} 400 version", exchange(mock, op.method, ok[op.name], {**AUTH, "x-api-version": "x"})
        listing = "/customers/c1/instruments?instrument_type=upi"
        yield "list 400 instrument_type", exchange(mock, "GET", listing, AUTH)
        yield "cryptogram 400", exchange(mock, "GET", paths("c1", failed.instrument_id)[FETCH_CRYPTOGRAM.name], AUTH)
        for op in (FETCH_INSTRUMENT, DELETE_INSTRUMENT, FETCH_CRYPTOGRAM):
            yield f"{op.name} 404", exchange(mock, op.method, paths("c1", "nope")[op.name], AUTH)
        key = {**AUTH, "x-idempotency-key": str(uuid.uuid4())}
        yield "delete 200", exchange(mock, "DELETE", ok[DELETE_INSTRUMENT.name], key)
        yield "delete 200 replayed", exchange(mock, "DELETE", ok[DELETE_INSTRUMENT.name], key)
        yield "delete 409", exchange(mock, "DELETE", ok[DELETE_INSTRUMENT.name], AUTH)
        other = mock.add_instrument("c1")
        yield "delete 422", exchange(mock, "DELETE", paths("c1", other.instrument_id)[DELETE_INSTRUMENT.name], key)
        mock.set_rate_limit(0, window=30)
        for op in OPERATIONS:
            yield f"{op.name} 429 rate limit", exchange(mock, op.method, ok[op.name], AUTH)
        mock.set_rate_limit(None)
        for op in OPERATIONS:
            for status in documented_statuses(op):
                if status >= 400:
                    mock.fail_next(status)
                    yield f"{op.name} {status} fail_next", exchange(mock, op.method, ok[op.name], AUTH)


def test_every_answer_of_the_kit_validates() -> None:
    seen = set()
    for name, (request, response) in kit_answers():
        openapi().validate_response(request, response)
        assert response.headers.get("x-request-id") == "r1", name
        seen.add((request.method, request.path.count("/"), response.status_code))
    # Every documented status of every operation was produced and checked.
    for op in OPERATIONS:
        shape = (op.method.lower(), ("/pg" + paths("c", "i")[op.name].split("?")[0]).count("/"))
        assert {s for m, d, s in seen if (m, d) == shape} == set(documented_statuses(op)), op.name


def test_the_response_validator_refuses_what_the_document_does_not_allow() -> None:
    """The answer check can fail: a body or a header off the document is refused."""
    from openapi_core.validation.response.exceptions import DataValidationError, ResponseValidationError

    request = MockRequest(SERVER, "GET", "/pg/customers/c/instruments/i", headers=AUTH)
    openapi().validate_response(request, MockResponse(b'{"customer_id": "c"}', 200))
    with pytest.raises(DataValidationError):
        openapi().validate_response(request, MockResponse(b'{"customer_id": 5}', 200))
    with pytest.raises(DataValidationError):
        openapi().validate_response(request, MockResponse(b'{"type": "api_error"}', 404))
    with pytest.raises(ResponseValidationError):
        openapi().validate_response(request, MockResponse(b"{}", 200, headers={"x-ratelimit-type": "user"}))
    with pytest.raises(ResponseValidationError):
        openapi().validate_response(request, MockResponse(b"{}", 200, headers={"x-ratelimit-retry": "soon"}))


# -- bodies generated from the schemas decode, every field kept --------------------------------


def success_schema(op: Operation) -> Dict[str, Any]:
    """The 200 schema, its entities held to objects (the service's behaviour; see contradiction 3)."""
    schema = resolve(operation_spec(op)["responses"]["200"]["content"]["application/json"]["schema"])
    entity = schema["items"] if schema.get("type") == "array" else schema
    entity["type"] = "object"
    return schema  # type: ignore[no-any-return]


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


def document_bodies(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values valid against ``schema``, for the JSON Schema the document uses (objects with
    optional properties and open extra keys, strings, enums, arrays, untyped values).

    Used when hypothesis-jsonschema cannot run with the installed Hypothesis (0.23.1 calls
    ``many.more()``, which Hypothesis 6.170.10 removed); see ``bodies``."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        return st.text()
    if kind == "integer":
        return st.integers()
    if kind == "array":
        return st.lists(document_bodies(schema.get("items", {})), max_size=4)
    if kind == "object" or "properties" in schema:
        known = {name: document_bodies(sub) for name, sub in schema.get("properties", {}).items()}
        extra = st.dictionaries(st.text().filter(lambda k: k not in known), ANY_JSON, max_size=3)
        objects = st.builds(lambda given, more: {**more, **given}, st.fixed_dictionaries({}, optional=known), extra)
        return objects if kind == "object" else objects | ANY_JSON  # untyped: any value, objects as described
    return ANY_JSON


@cache
def hypothesis_jsonschema_runs() -> bool:
    @settings(max_examples=1, database=None, phases=[Phase.generate])
    @given(hypothesis_jsonschema.from_schema({"type": "object", "minProperties": 1}))
    def probe(_: Any) -> None:
        pass

    try:
        probe()
    except AttributeError:  # a Hypothesis internal it relies on is gone
        return False
    return True


def bodies(schema: Dict[str, Any]) -> st.SearchStrategy[Any]:
    """hypothesis-jsonschema's values for ``schema``, else the local generator's."""
    if hypothesis_jsonschema_runs():
        return hypothesis_jsonschema.from_schema(schema)
    return document_bodies(schema)


def test_hypothesis_jsonschema_runs_with_the_installed_hypothesis() -> None:
    if not hypothesis_jsonschema_runs():
        pytest.skip("hypothesis-jsonschema 0.23.1 needs Hypothesis < 6.170.10; the local generator is used instead")


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.data())
def test_the_local_generator_keeps_to_the_document(data: st.DataObject) -> None:
    """What ``document_bodies`` makes is valid against the document, by jsonschema's judgement."""
    import jsonschema

    op = data.draw(st.sampled_from(OPERATIONS))
    schema = success_schema(op)
    jsonschema.validate(data.draw(document_bodies(schema)), schema)


def as_sent(value: Any) -> Any:
    """A decoded answer back as plain JSON data, from the models' own ``to_dict()``."""
    if isinstance(value, list):
        return [as_sent(v) for v in value]
    return value.to_dict()


def assert_typed(decoded: Any) -> None:
    """Objects the document describes come back as models, not as kept raw values."""
    for entity in decoded if isinstance(decoded, list) else [decoded]:
        meta = getattr(entity, "instrument_meta", None)
        if isinstance(entity.to_dict().get("instrument_meta"), dict):
            assert isinstance(meta, SavedInstrumentMeta), entity
            if isinstance(meta.to_dict().get("card_token_details"), dict):
                assert isinstance(meta.card_token_details, CardTokenDetails), meta


def _check_success(op: Operation) -> Callable[[Any], None]:
    def check(body: Any) -> None:
        decoded = op.decode(json.dumps(body).encode())
        assert as_sent(decoded) == body
        assert_typed(decoded)

    return check


SLOW_OK = settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: op.name)
def test_generated_success_bodies_decode_keeping_every_field(op: Operation) -> None:
    SLOW_OK(given(bodies(success_schema(op)))(_check_success(op)))()


ERROR_CASES = sorted(
    {
        (op.error_model(status), ref)
        for op in OPERATIONS
        for status, ref in [
            (int(s), r["content"]["application/json"]["schema"]["$ref"])
            for s, r in operation_spec(op)["responses"].items()
            if int(s) >= 400
        ]
    },
    key=lambda case: case[1],
)


@pytest.mark.parametrize("model,ref", ERROR_CASES, ids=[ref.rsplit("/", 1)[1] for _, ref in ERROR_CASES])
def test_generated_error_bodies_decode_keeping_every_field(model: type, ref: str) -> None:
    schema = resolve({"$ref": ref})

    @SLOW_OK
    @given(bodies(schema))
    def check(body: Dict[str, Any]) -> None:
        decoded = model.model_validate_json(json.dumps(body))  # type: ignore[attr-defined]
        assert decoded.to_dict() == body
        for name in ("message", "code", "type", "help"):
            assert getattr(decoded, name) == body.get(name)

    check()


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(st.data())
def test_generated_bodies_reach_the_caller_intact_over_http(data: st.DataObject) -> None:
    op = data.draw(st.sampled_from(OPERATIONS))
    body = data.draw(bodies(success_schema(op)))
    with MockCashfree() as mock:
        mock.fail_next(200, body=body)
        cf = mock.client(retry_policy=NO_RETRY)
        call = {
            FETCH_INSTRUMENTS.name: lambda: cf.instruments.with_response.list("c"),
            FETCH_INSTRUMENT.name: lambda: cf.instruments.with_response.retrieve("c", "i"),
            DELETE_INSTRUMENT.name: lambda: cf.instruments.with_response.delete("c", "i"),
            FETCH_CRYPTOGRAM.name: lambda: cf.instruments.with_response.cryptogram("c", "i"),
        }[op.name]
        got = call()
    assert as_sent(got.data) == body and json.loads(got.raw_data) == body


# -- the models: never stricter than the document ----------------------------------------------


def test_card_token_details_is_an_open_object() -> None:
    body = {"par": 123, "expiry_month": 12, "expiry_year": None, "token_status": {"x": [1]}}
    meta = SavedInstrumentMeta.model_validate_json(json.dumps({"card_network": "VISA", "card_token_details": body}))
    details = meta.card_token_details
    assert isinstance(details, CardTokenDetails)
    assert (details.par, details.expiry_month, details.expiry_year) == (123, 12, None)  # as given
    assert details["par"] == 123 and details.get("token_status") == {"x": [1]} and "token_status" in details
    assert meta.to_dict()["card_token_details"] == body and json.loads(meta.to_json())["card_token_details"] == body
    typed = CardTokenDetails.model_validate({"par": "somepar", "expiry_month": "12"})
    assert typed.par == "somepar" and typed["expiry_month"] == "12"


def test_a_whole_list_decodes_when_one_card_has_unexpected_values() -> None:
    odd = {"instrument_id": "i2", "instrument_meta": {"card_token_details": {"par": 123, "expiry_month": 12}}}
    weirder = {"instrument_id": 7, "created_at": 1700000000, "instrument_meta": "not an object"}
    opaque = {"instrument_meta": {"card_token_details": "an opaque token reference"}}
    body = [{"instrument_id": "i1", "instrument_meta": {"card_network": "visa"}}, odd, weirder, opaque]
    decoded = FETCH_INSTRUMENTS.decode(json.dumps(body).encode())
    assert [e.to_dict() for e in decoded] == body
    assert_typed(decoded)
    assert decoded[3].instrument_meta.card_token_details == "an opaque token reference"  # type: ignore[union-attr]
    assert decoded[2].instrument_meta == "not an object" and decoded[2].created_at_datetime is None


def test_the_sdk_returns_a_list_with_open_token_details() -> None:
    with MockCashfree() as mock:
        mock.add_instrument("c1", instrument_meta={"card_token_details": {"par": 123, "expiry_month": 12}})
        (card,) = mock.client().instruments.list("c1")
    assert card.instrument_meta.card_token_details["par"] == 123  # type: ignore[union-attr]


def test_error_bodies_carry_help_into_the_exception() -> None:
    body = {"message": "bad", "code": "request_failed", "type": "invalid_request_error", "help": "https://x/docs"}
    with MockCashfree() as mock:
        mock.fail_next(400, body=body)
        with pytest.raises(ApiException) as info:
            mock.client(retry_policy=NO_RETRY).instruments.list("c1")
    assert info.value.data is not None and info.value.data.help == "https://x/docs"
    assert info.value.help == "https://x/docs"
    for model in (ApiError, AuthenticationError, RateLimitError):
        assert model.model_validate({"help": "h"}).help == "h"
        assert "help" in model.model_fields  # a declared field (typed access), not only a kept extra


def test_card_data_of_an_unexpected_type_is_still_masked() -> None:
    crypto = CryptogramEntity.model_validate_json(b'{"card_number": 4111111111111111, "cryptogram": ["AQBBBB"]}')
    assert crypto.card_number == 4111111111111111  # kept as sent...
    for shown in (repr(crypto), str(crypto), crypto.to_str()):
        assert "4111111111111111" not in shown and "AQBBBB" not in shown  # ...and never shown


def test_error_fields_of_an_unexpected_type_are_kept() -> None:
    error = ApiError.model_validate_json(b'{"message": ["two", "lines"], "code": 42, "help": {"url": "u"}}')
    assert (error.message, error.code, error.help) == (["two", "lines"], 42, {"url": "u"})


@pytest.mark.parametrize(
    ("constant", "sent"),
    [
        (CardNetwork.VISA, ["VISA", "visa", "Visa"]),
        (CardNetwork.MASTERCARD, ["MASTERCARD", "mastercard"]),
        (CardType.DEBIT_CARD, ["DEBIT_CARD", "debit_card"]),
        (CardType.CREDIT, ["CREDIT_CARD", "credit_card"]),
        (InstrumentStatus.ACTIVE, ["ACTIVE", "active"]),
        (InstrumentType.CARD, ["card", "CARD"]),
    ],
)
def test_enum_constants_compare_equal_to_what_the_service_sends(constant: Any, sent: List[str]) -> None:
    for value in sent:
        assert constant == value and value == constant
        assert (constant != value) is False and (value != constant) is False
        assert type(constant)(value) is constant or type(constant)(value) == constant
    assert constant != "something else" and constant != 1 and constant in list(sent)


def test_enum_fields_keep_unknown_values() -> None:
    entity = InstrumentEntity.model_validate_json(
        b'{"instrument_type": "upi", "instrument_status": "SUSPENDED", "instrument_meta": {"card_network": "discover"}}'
    )
    assert entity.instrument_type == "upi" and entity.instrument_status == "SUSPENDED"
    assert entity.instrument_meta is not None and entity.instrument_meta.card_network == "discover"  # type: ignore[union-attr]
    assert entity.instrument_meta.card_network != CardNetwork.VISA  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        CardNetwork("discover")
