"""Every failure becomes a typed exception carrying status, code, message, body and request id."""

from __future__ import annotations

import socket
from typing import Type

import pytest

from cashfree_pg import (
    ApiConnectionError,
    ApiDecodeError,
    ApiException,
    ApiTimeoutError,
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
    RateLimitException,
    ServiceException,
    UnauthorizedException,
    UnprocessableEntityException,
)
from cashfree_pg.models.api_error import ApiError
from cashfree_pg.models.api_error404 import ApiError404
from cashfree_pg.models.api_error409 import ApiError409
from cashfree_pg.models.api_error502 import ApiError502
from cashfree_pg.models.authentication_error import AuthenticationError
from cashfree_pg.models.bad_request_error import BadRequestError
from cashfree_pg.models.idempotency_error import IdempotencyError
from cashfree_pg.models.rate_limit_error import RateLimitError
from test.conftest import make_client
from test.scripted_server import SEED_CRYPTOGRAM, Reply, ScriptedServer

CASES = [
    (400, BadRequestException, BadRequestError, "instrument_id_invalid", "invalid_request_error"),
    (401, UnauthorizedException, AuthenticationError, "request_failed", "authentication_error"),
    (403, ForbiddenException, ApiError, "save_instrument_not_enabled", "invalid_request_error"),
    (404, NotFoundException, ApiError404, "instrument_not_found", "invalid_request_error"),
    (409, ConflictException, ApiError409, "instrument_already_deleted", "invalid_request_error"),
    (422, UnprocessableEntityException, IdempotencyError, "idempotency_error", "idempotency_error"),
    (418, ApiException, ApiError, "teapot", "invalid_request_error"),
]


@pytest.mark.parametrize(("status", "exc_type", "model", "code", "etype"), CASES)
def test_error_status_becomes_typed_exception(
    server: ScriptedServer, status: int, exc_type: Type[ApiException], model: type, code: str, etype: str
) -> None:
    body = {"message": f"it failed with {code}", "code": code, "type": etype}
    server.reply(Reply(status, body))
    with pytest.raises(exc_type) as info:
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c1", "i1", "rid-1")
    e = info.value
    assert type(e) is exc_type
    assert (e.status, e.code, e.message, e.type, e.request_id) == (
        status,
        code,
        f"it failed with {code}",
        etype,
        "rid-1",
    )
    assert type(e.data) is model and e.data.code == code
    assert e.body is not None and code in e.body and e.headers is not None
    assert e.attempts == 1 and len(server.requests) == 1  # none of these is retried
    assert str(status) in str(e) and code in str(e) and "rid-1" in str(e)


@pytest.mark.parametrize(
    ("status", "exc_type", "model", "error_type"),
    [
        (429, RateLimitException, RateLimitError, "rate_limit_error"),
        (500, ServiceException, ApiError, "api_error"),
        (502, ServiceException, ApiError502, "api_error"),
        (503, ServiceException, ApiError, "api_error"),
        (504, ServiceException, ApiError, "api_error"),
    ],
)
def test_retryable_statuses_raise_after_retries(
    server: ScriptedServer, status: int, exc_type: Type[ApiException], model: Type[ApiError], error_type: str
) -> None:
    server.default = Reply(status, {"message": "busy now", "code": f"code_{status}", "type": error_type})
    with pytest.raises(exc_type) as info:
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    e = info.value
    assert e.attempts == 3 and len(server.requests) == 3
    assert "Attempts: 3" in str(e)
    # The body is read as the document's error model for that status (RateLimitError for 429,
    # ApiError502 for 502), and its fields reach the exception.
    assert type(e.data) is model, type(e.data)
    assert (e.data.code, e.data.message, e.data.type) == (f"code_{status}", "busy now", error_type)
    assert (e.status, e.code, e.message, e.type) == (status, f"code_{status}", "busy now", error_type)


def test_html_error_page_from_a_proxy(server: ScriptedServer) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    server.default = Reply(502, page, {"Content-Type": "text/html"})
    with pytest.raises(ServiceException) as info:
        make_client(server, max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    e = info.value
    assert e.status == 502 and e.body == page and e.code is None and e.data is None


@pytest.mark.parametrize(
    ("body", "phrase"),
    [
        (b"", "empty response body"),
        (b"<html>oops</html>", "not valid JSON"),
        (b'{"instrument_id": ', "not valid JSON"),
        (b'["not", "an", "object"]', "does not fit CryptogramEntity"),
        (b'"a string, not an object"', "does not fit CryptogramEntity"),
    ],
)
def test_success_body_that_cannot_be_decoded(server: ScriptedServer, body: bytes, phrase: str) -> None:
    server.reply(Reply(200, body))
    with pytest.raises(ApiDecodeError) as info:
        make_client(server).PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c1", "i1", "rid-2")
    e = info.value
    assert isinstance(e, ApiException) and e.status == 200 and phrase in str(e)
    assert e.body == body.decode() and e.request_id == "rid-2"


def test_decode_error_never_shows_card_data(server: ScriptedServer) -> None:
    # Valid JSON that is not the model (the fields are open, so the shape is what fails), with
    # real card data inside.
    server.reply(Reply(200, [SEED_CRYPTOGRAM]))
    with pytest.raises(ApiDecodeError) as info:
        make_client(server).PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c1", "i1")
    text = str(info.value) + repr(info.value)
    assert "does not fit CryptogramEntity" in text
    assert SEED_CRYPTOGRAM["card_number"] not in text and SEED_CRYPTOGRAM["cryptogram"] not in text


def test_connection_refused(server: ScriptedServer) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from cashfree_pg import Cashfree
    from test.conftest import FAST_RETRY

    client = Cashfree(XClientId="a", XClientSecret="b", base_url=f"http://127.0.0.1:{port}/pg", retry_policy=FAST_RETRY)
    with pytest.raises(ApiConnectionError) as info:
        client.PGCustomerFetchInstrument("2022-09-01", "c1", "i1", "rid-3")
    e = info.value
    assert not isinstance(e, ApiTimeoutError)
    assert e.status == 0 and e.attempts == 3 and e.request_id == "rid-3"
    assert "could not connect" in str(e)


def test_stalled_server_times_out(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_CRYPTOGRAM, action="stall", delay=0.5)
    with pytest.raises(ApiTimeoutError) as info:
        make_client(server, timeout=0.1, max_retries=1).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    assert info.value.attempts == 2 and len(server.requests) == 2
    assert "timed out" in str(info.value)


def test_per_call_timeout_overrides_client_timeout(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_CRYPTOGRAM, action="stall", delay=0.5)
    client = make_client(server, timeout=5, max_retries=0)
    with pytest.raises(ApiTimeoutError):
        client.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c1", "i1", _request_timeout=0.1)


def test_dropped_connection(server: ScriptedServer) -> None:
    server.default = Reply(action="drop")
    with pytest.raises(ApiConnectionError) as info:
        make_client(server, max_retries=1).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    assert info.value.attempts == 2 and not isinstance(info.value, ApiTimeoutError)


def test_built_from_a_response_as_in_the_official_sdk(server: ScriptedServer) -> None:
    import urllib3

    server.reply(Reply(404, {"message": "gone"}, {"X-Trace": "t1"}))
    response = urllib3.PoolManager().request("GET", server.url + "/x")
    e = NotFoundException(http_resp=response)
    assert (e.status, e.reason, e.body) == (404, "Not Found", '{"message": "gone"}')
    assert e.headers is not None and e.headers["X-Trace"] == "t1"
    text = str(e)  # the official SDK's layout, which log parsers rely on
    assert text.startswith("(404)\nReason: Not Found\nHTTP response headers: ")
    assert "X-Trace" in text and 'HTTP response body: {"message": "gone"}' in text
