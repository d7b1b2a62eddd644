"""Request building: every argument becomes exactly one path segment or one query value, every
bad argument is refused before anything is sent with an error that names it, and each endpoint
decodes its answers into the model it declares."""

from __future__ import annotations

from typing import Any, List
from urllib.parse import unquote

import pytest

from cashfree_pg import ApiException, ApiTypeError, ApiValueError, Cashfree
from cashfree_pg.api.token_vault_api import FETCH_CRYPTOGRAM, FETCH_INSTRUMENT, FETCH_INSTRUMENTS, OPERATIONS
from cashfree_pg.models.api_error import ApiError
from cashfree_pg.models.api_error404 import ApiError404
from cashfree_pg.models.instrument_entity import InstrumentEntity
from cashfree_pg.operation import Operation, load_model
from test.scripted_server import SEED_INSTRUMENT, Reply, ScriptedServer


def parts() -> Operation:
    """An endpoint whose path parameter is not the first parameter and that has two query values,
    so that where each value goes depends on its name, not on its position. (Built inside each
    test: an operation built at import time is built before any test runs.)"""
    return Operation("ListParts", "GET", "/things/{thing_id}/parts", ("kind", "thing_id", "size"), "x:Y", many=True)


def _client(server: ScriptedServer) -> Cashfree:
    return Cashfree(XClientId="a", XClientSecret="b", base_url=server.url)


# -- one value, one segment ---------------------------------------------------------------------

AWKWARD = ["a/b", "a?b=c", "a#b", "a%2Fb", "a&b=c", "a b", "é", "\u202e", "a\r\nb", "..."]


@pytest.mark.parametrize("value", AWKWARD)
def test_a_path_value_travels_as_one_segment_and_arrives_intact(server: ScriptedServer, value: str) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    _client(server).instruments.retrieve(value, "i-1")
    path = server.last.path
    assert path.startswith("/pg/customers/") and path.endswith("/instruments/i-1")
    segment = path[len("/pg/customers/") : -len("/instruments/i-1")]
    assert not set(segment) & set("/?#&= \r\n") and unquote(segment) == value
    assert all(0x20 < ord(c) < 0x7F for c in segment)


@pytest.mark.parametrize(("value", "sent"), [(".", "%2E"), ("..", "%2E%2E")])
def test_dot_segments_are_escaped_so_no_server_reads_them_as_a_step(
    server: ScriptedServer, value: str, sent: str
) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    _client(server).instruments.cryptogram("c", value)
    assert server.last.path == f"/pg/customers/c/instruments/{sent}/cryptogram"
    assert FETCH_INSTRUMENT.build_path((value, value)) == f"/customers/{sent}/instruments/{sent}"


def test_values_go_where_their_names_are_whatever_their_order() -> None:
    assert parts().build_path(("bolt", "t/1", "M6")) == "/things/t%2F1/parts?kind=bolt&size=M6"
    assert FETCH_CRYPTOGRAM.build_path(("c 1", "i?2")) == "/customers/c%201/instruments/i%3F2/cryptogram"
    assert FETCH_INSTRUMENTS.build_path(("c", "card&x=1")) == "/customers/c/instruments?instrument_type=card%26x%3D1"


def test_the_query_string_holds_the_non_path_values_only(server: ScriptedServer) -> None:
    server.default = Reply(200, [SEED_INSTRUMENT])
    _client(server).instruments.list("c-1", instrument_type="card")
    assert server.last.path == "/pg/customers/c-1/instruments?instrument_type=card"
    server.default = Reply(200, SEED_INSTRUMENT)
    _client(server).instruments.retrieve("c-1", "i-1")
    assert server.last.path == "/pg/customers/c-1/instruments/i-1"  # no "?" when nothing is left


# -- bad values: refused before sending, named ---------------------------------------------------

BAD = [
    (None, ApiValueError, "{name} is required"),
    ("", ApiValueError, "{name} must not be empty"),
    (7, ApiTypeError, "{name} must be a string, got int"),
    (b"c", ApiTypeError, "{name} must be a string, got bytes"),
    ("a\ud800b", ApiValueError, "{name} is not valid Unicode text (it holds a lone surrogate)"),
]


@pytest.mark.parametrize(("value", "error", "message"), BAD)
def test_every_bad_argument_is_refused_before_sending_with_its_name(
    server: ScriptedServer, value: Any, error: type, message: str
) -> None:
    resource = _client(server).instruments
    calls = [
        ("customer_id", lambda: resource.retrieve(value, "i")),
        ("instrument_id", lambda: resource.retrieve("c", value)),
        ("instrument_id", lambda: resource.delete("c", value)),
        ("instrument_id", lambda: resource.cryptogram("c", value)),
        ("instrument_type", lambda: resource.list("c", instrument_type=value)),
    ]
    for name, call in calls:
        with pytest.raises(error) as info:
            call()
        assert type(info.value) is error and str(info.value) == message.format(name=name)
    assert server.requests == []


def test_a_query_value_is_checked_like_a_path_value() -> None:
    with pytest.raises(ApiValueError, match=r"^size is required$"):
        parts().build_path(("bolt", "t", None))
    with pytest.raises(ApiTypeError, match=r"^kind must be a string"):
        parts().build_path((3, "t", "M6"))


# -- an operation is its description --------------------------------------------------------------


def test_an_operation_built_from_its_description_alone_builds_and_decodes_the_same() -> None:
    expected = {
        "PGCustomerFetchInstruments": "/customers/c%2F1/instruments?instrument_type=i%202",
        "PGCustomerFetchInstrument": "/customers/c%2F1/instruments/i%202",
        "PGCustomerDeleteInstrument": "/customers/c%2F1/instruments/i%202",
        "PGCustomerInstrumentsFetchCryptogram": "/customers/c%2F1/instruments/i%202/cryptogram",
    }
    for op in OPERATIONS:
        fresh = Operation(op.name, op.method, op.path, op.params, op.response, op.many, op.idempotent_key)
        described = (fresh.name, fresh.method, fresh.path, fresh.params, fresh.response, fresh.many)
        assert described == (op.name, op.method, op.path, op.params, op.response, op.many)
        assert fresh.build_path(("c/1", "i 2")) == op.build_path(("c/1", "i 2")) == expected[op.name]
        assert repr(fresh) == repr(op) and fresh.response_type_name == op.response_type_name
        assert fresh.idempotent_key is op.idempotent_key is (op.method == "DELETE")  # a retried delete acts once


def test_an_operation_returns_one_model_and_carries_no_key_unless_told() -> None:
    plain = Operation("Get", "GET", "/things/{thing_id}", ("thing_id",), "instrument_entity:InstrumentEntity")
    assert plain.many is False and plain.idempotent_key is False
    got = plain.decode(b'{"instrument_id": "i-1"}')
    assert isinstance(got, InstrumentEntity) and got.instrument_id == "i-1"
    assert plain.build_path(("t",)) == "/things/t" and plain.response_type_name == "InstrumentEntity"


def test_only_a_delete_sends_an_idempotency_key_of_its_own(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    client = _client(server)
    client.instruments.retrieve("c", "i")
    assert "x-idempotency-key" not in server.last.headers
    client.instruments.delete("c", "i")
    assert len(server.last.headers["x-idempotency-key"]) == 36


def test_a_list_is_decoded_without_the_shared_string_cache() -> None:
    # pydantic-core's string cache has a lock; a child forked while a thread held it would hang on
    # its first decode. Without the cache, equal names in two entries stay two string objects.
    fresh = Operation("L", "GET", "/l", (), "instrument_entity:InstrumentEntity", many=True)
    first, second = fresh.decode(b'[{"instrument_id": "a", "zz_extra": 1}, {"instrument_id": "b", "zz_extra": 2}]')
    assert [e.instrument_id for e in (first, second)] == ["a", "b"]
    (name_1,), (name_2,) = first.model_extra or {}, second.model_extra or {}
    assert name_1 == name_2 == "zz_extra" and name_1 is not name_2


# -- what each endpoint decodes into ------------------------------------------------------------


def test_each_endpoint_decodes_into_the_model_it_declares() -> None:
    one = FETCH_INSTRUMENT.decode(b'{"instrument_id": "i-1", "customer_id": "c"}')
    many = FETCH_INSTRUMENTS.decode(b'[{"instrument_id": "i-1"}, {"instrument_id": "i-2"}]')
    assert isinstance(one, InstrumentEntity) and one.instrument_id == "i-1"
    assert isinstance(many, list) and [e.instrument_id for e in many] == ["i-1", "i-2"]
    assert FETCH_INSTRUMENT.decode is FETCH_INSTRUMENT.decode  # built once: a forked child never imports
    assert (FETCH_INSTRUMENT.response_type_name, FETCH_INSTRUMENTS.response_type_name) == (
        "InstrumentEntity",
        "list of InstrumentEntity",
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [({"instrument_id": "i"}, "list of InstrumentEntity"), ([], "list of InstrumentEntity")],
)
def test_an_answer_of_the_wrong_shape_says_what_was_expected(server: ScriptedServer, body: Any, expected: str) -> None:
    server.default = Reply(200, body)
    client = _client(server)
    if body == []:  # an empty list is a valid list answer
        assert client.instruments.list("c") == []
        server.default = Reply(200, b"")
    with pytest.raises(ApiException) as info:
        client.instruments.list("c")
    assert expected in str(info.value)


def test_a_single_answer_that_is_a_list_names_the_single_model(server: ScriptedServer) -> None:
    server.default = Reply(200, [SEED_INSTRUMENT])
    with pytest.raises(ApiException) as info:
        _client(server).instruments.retrieve("c", "i")
    message = str(info.value)
    assert "does not fit InstrumentEntity" in message and "list of" not in message


@pytest.mark.parametrize(
    ("status", "model"),
    [(404, ApiError404), (503, ApiError), (418, ApiError)]
    + [(s, load_model(r)) for s, r in ((429, "rate_limit_error:RateLimitError"), (502, "api_error502:ApiError502"))],
)
def test_an_error_answer_is_read_with_the_model_of_its_status(server: ScriptedServer, status: int, model: Any) -> None:
    assert Operation.error_model(status) is model
    server.default = Reply(status, {"message": "no", "code": "c", "type": "t"})
    client = Cashfree(XClientId="a", XClientSecret="b", base_url=server.url, max_retries=0)
    with pytest.raises(ApiException) as info:
        client.instruments.retrieve("c", "i")
    assert type(info.value.data) is model and info.value.data.message == "no"


def test_models_are_named_module_colon_class() -> None:
    assert load_model("instrument_entity:InstrumentEntity") is InstrumentEntity
    with pytest.raises(ValueError):
        load_model("instrument_entity.InstrumentEntity")


def test_an_operation_shows_its_endpoint_and_every_endpoint_is_distinct() -> None:
    assert repr(FETCH_CRYPTOGRAM) == (
        "Operation(PGCustomerInstrumentsFetchCryptogram: "
        "GET /customers/{customer_id}/instruments/{instrument_id}/cryptogram)"
    )
    seen: List[Any] = [(op.method, op.path) for op in OPERATIONS]
    assert len(set(seen)) == len(OPERATIONS) == 4
