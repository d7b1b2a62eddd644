"""Careless input and secrets out of reach: every bad value is a typed error when it is given
(never a raw one at call time, never a silent fallback), and no secret is left where a traceback,
a debugger or ``vars()`` would show it. Servers are loopback ones (test/hostile_server.py, which
also plays a forwarding proxy: it answers absolute-URL requests itself).
"""

from __future__ import annotations

import base64
import logging
import sys
import threading
import time
import traceback
from collections import deque
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType, TracebackType
from typing import Any, Callable, Iterator, List, Optional, Tuple

import pytest
from urllib3.util.timeout import Timeout

import cashfree_pg
from cashfree_pg import ApiTypeError, ApiValueError, Cashfree, OpenApiException, RetryPolicy
from test.conftest import FAST_RETRY
from test.hostile_server import HostileServer, Request, answer, drip, respond

SECRET = "cfsk_ma_test_never_print_me_4d7a"
PROXY_PASSWORD = "proxy-pw-never-print-me"
URL_PASSWORD = "url-pw-never-print-me"
CARD = "4491365621601472"
CRYPTOGRAM = "AQBBBBBBZatIlaIAmWKSghwBBBB="
V = "2022-09-01"


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def client(server: HostileServer, **kwargs: Any) -> Cashfree:
    kwargs.setdefault("retry_policy", FAST_RETRY)
    kwargs.setdefault("base_url", server.url)
    return Cashfree(XClientId="careless_id", XClientSecret=SECRET, **kwargs)


def closed_port() -> int:
    with HostileServer() as server:
        return server.port


# -- explicit empty credentials ------------------------------------------------------------------


@pytest.mark.parametrize("source", ["environment", "class attributes"])
@pytest.mark.parametrize(
    "given",
    [
        {"XClientId": "", "XClientSecret": ""},
        {"XClientId": "  ", "XClientSecret": " \t"},
        {"XClientId": "mine", "XClientSecret": ""},
        {"XClientId": "", "XClientSecret": "mine"},
        {"XPartnerKey": ""},
    ],
    ids=["both-empty", "both-blank", "empty-secret", "empty-id", "empty-partner-key"],
)
def test_explicit_empty_credential_never_falls_back(
    monkeypatch: pytest.MonkeyPatch, hostile: HostileServer, source: str, given: dict
) -> None:
    if source == "environment":
        monkeypatch.setenv("CASHFREE_CLIENT_ID", "other_merchant_id")
        monkeypatch.setenv("CASHFREE_CLIENT_SECRET", "other_merchant_secret")
    else:
        monkeypatch.setattr(Cashfree, "XClientId", "other_merchant_id")
        monkeypatch.setattr(Cashfree, "XClientSecret", "other_merchant_secret")
    with pytest.raises(ApiValueError) as info:
        cf = Cashfree(Cashfree.PRODUCTION, base_url=hostile.url, **given)
        cf.PGCustomerFetchInstrument(V, "c1", "i1")  # if building it did not refuse, the call must
    assert "other_merchant_secret" not in str(info.value)
    assert hostile.requests == []


def test_omitted_credentials_still_come_from_class_then_environment(
    monkeypatch: pytest.MonkeyPatch, hostile: HostileServer
) -> None:
    monkeypatch.setenv("CASHFREE_CLIENT_ID", "env_id")
    monkeypatch.setenv("CASHFREE_CLIENT_SECRET", "env_secret")
    Cashfree(base_url=hostile.url).PGCustomerFetchInstrument(V, "c1", "i1")
    monkeypatch.setattr(Cashfree, "XClientId", "class_id")
    monkeypatch.setattr(Cashfree, "XClientSecret", "class_secret")
    Cashfree(base_url=hostile.url).PGCustomerFetchInstrument(V, "c1", "i1")
    sent = [(r.headers["x-client-id"], r.headers["x-client-secret"]) for r in hostile.requests]
    assert sent == [("env_id", "env_secret"), ("class_id", "class_secret")]


# -- numbers ---------------------------------------------------------------------------------------

NAN, INF = float("nan"), float("inf")
BAD_NUMBERS = [
    ("timeout", NAN),
    ("timeout", INF),
    ("timeout", -INF),
    ("timeout", 1e300),
    ("timeout", (1, INF)),
    ("timeout", (NAN, 1)),
    ("timeout", (1, 1e300)),
    ("timeout", Timeout(total=NAN)),
    ("timeout", Timeout(connect=INF, read=1)),
    ("timeout", Timeout(total=1e300)),
    ("call_timeout", NAN),
    ("call_timeout", INF),
    ("call_timeout", 1e300),
    ("call_timeout", 0),
    ("call_timeout", -1),
    ("pool_maxsize", 0),
    ("pool_maxsize", 1001),
    ("pool_maxsize", 10**9),
    ("pool_maxsize", -1),
    ("max_response_bytes", 0),
    ("max_response_bytes", -1),
    ("max_retries", -1),
]


@pytest.mark.parametrize("name, value", BAD_NUMBERS, ids=[f"{n}={v!r}" for n, v in BAD_NUMBERS])
def test_bad_number_is_refused_when_the_client_is_built(hostile: HostileServer, name: str, value: Any) -> None:
    with pytest.raises(ApiValueError):
        client(hostile, **{name: value})


WRONG_TYPES = [
    ("pool_maxsize", 1.5),
    ("pool_maxsize", True),
    ("pool_maxsize", NAN),
    ("max_response_bytes", NAN),
    ("max_response_bytes", 1.5),
    ("max_response_bytes", True),
    ("call_timeout", "5"),
    ("call_timeout", True),
    ("max_retries", NAN),
    ("max_retries", True),
]


@pytest.mark.parametrize("name, value", WRONG_TYPES, ids=[f"{n}={v!r}" for n, v in WRONG_TYPES])
def test_number_of_the_wrong_type_is_refused_when_the_client_is_built(
    hostile: HostileServer, name: str, value: Any
) -> None:
    with pytest.raises((ApiValueError, ApiTypeError)):
        client(hostile, **{name: value})


@pytest.mark.parametrize("size", [1, 1000])
def test_pool_size_bounds_are_inclusive(hostile: HostileServer, size: int) -> None:
    assert client(hostile, pool_maxsize=size).PGCustomerFetchInstrument(V, "c1", "i1").status_code == 200


@pytest.mark.parametrize(
    "field", ["backoff_initial", "backoff_max", "retry_after_max", "jitter"], ids=lambda f: f"RetryPolicy.{f}"
)
@pytest.mark.parametrize("value", [NAN, INF], ids=["nan", "inf"])
def test_retry_policy_refuses_nan_and_infinity(field: str, value: float) -> None:
    with pytest.raises(ApiValueError):
        RetryPolicy(**{field: value})


@pytest.mark.parametrize(
    "option, value",
    [("_request_timeout", NAN), ("_request_timeout", (1, INF)), ("call_timeout", NAN), ("call_timeout", 1e300)],
)
def test_bad_per_call_number_is_refused_before_sending(hostile: HostileServer, option: str, value: Any) -> None:
    with pytest.raises(ApiValueError):
        client(hostile).PGCustomerFetchInstrument(V, "c1", "i1", **{option: value})
    assert hostile.requests == []


# -- lone surrogates -------------------------------------------------------------------------------

LONE = "\ud800"
CALLS_WITH_A_SURROGATE = {
    "customer_id": lambda cf: cf.PGCustomerFetchInstrument(V, LONE, "i1"),
    "instrument_id": lambda cf: cf.PGCustomerInstrumentsFetchCryptogram(V, "c1", LONE),
    "instrument_type": lambda cf: cf.PGCustomerFetchInstruments(V, "c1", LONE),
    "x_api_version": lambda cf: cf.PGCustomerFetchInstrument(LONE, "c1", "i1"),
    "x_request_id": lambda cf: cf.PGCustomerFetchInstrument(V, "c1", "i1", LONE),
    "x_idempotency_key": lambda cf: cf.PGCustomerDeleteInstrument(V, "c1", "i1", None, LONE),
    "_headers-value": lambda cf: cf.PGCustomerFetchInstrument(V, "c1", "i1", _headers={"x-trace": LONE}),
    "_headers-name": lambda cf: cf.PGCustomerFetchInstrument(V, "c1", "i1", _headers={LONE: "x"}),
    "instruments.list": lambda cf: cf.instruments.list(LONE),
    "instruments.list-type": lambda cf: cf.instruments.list("c1", instrument_type=LONE),
    "instruments.retrieve": lambda cf: cf.instruments.retrieve("c1", LONE),
    "instruments.delete-key": lambda cf: cf.instruments.delete("c1", "i1", idempotency_key=LONE),
    "instruments.cryptogram": lambda cf: cf.instruments.cryptogram(LONE, "i1"),
}


@pytest.mark.parametrize("call", CALLS_WITH_A_SURROGATE.values(), ids=CALLS_WITH_A_SURROGATE.keys())
def test_lone_surrogate_in_an_argument_is_a_value_error(
    hostile: HostileServer, call: Callable[[Cashfree], Any]
) -> None:
    with pytest.raises(ApiValueError):
        call(client(hostile))
    assert hostile.requests == []


SETTINGS = ["XClientId", "XClientSecret", "XPartnerKey", "XPartnerMerchantId", "XClientSignature", "base_url"]


@pytest.mark.parametrize("setting", [*SETTINGS, "proxy", "ssl_ca_cert"])
def test_lone_surrogate_in_a_setting_is_a_value_error(hostile: HostileServer, setting: str) -> None:
    kwargs = {"XClientId": "id", "XClientSecret": "secret", "base_url": hostile.url, setting: LONE}
    with pytest.raises(ApiValueError):
        Cashfree(**kwargs).PGCustomerFetchInstrument(V, "c1", "i1")
    assert hostile.requests == []


def test_lone_surrogate_in_the_environment_name_is_a_value_error() -> None:
    with pytest.raises(ApiValueError):
        Cashfree(LONE, "id", "secret")


def test_lone_surrogate_in_the_class_api_version_is_a_value_error(
    hostile: HostileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Cashfree, "XApiVersion", LONE)
    with pytest.raises(ApiValueError):
        client(hostile).PGCustomerFetchInstrument(None, "c1", "i1")
    assert hostile.requests == []


@pytest.mark.parametrize("where", ["body", "signature", "timestamp"])
def test_lone_surrogate_in_a_webhook_is_a_typed_error(where: str) -> None:
    parts = {"signature": "c2lnbmF0dXJl", "body": '{"type": "x"}', "timestamp": "1700000000", where: LONE}
    cf = Cashfree(XClientId="id", XClientSecret="secret")
    with pytest.raises(OpenApiException):  # WebhookSignatureError or ApiValueError; never UnicodeEncodeError
        cf.PGVerifyWebhookSignature(parts["signature"], parts["body"], parts["timestamp"])


# -- base_url and _headers -------------------------------------------------------------------------

BAD_URLS = [
    "http://h:99999/pg",
    "http://[::1/pg",
    "http://h/%zz",
    "http://h:abc/pg",
    "http://h:-1/pg",
    "http://:80/pg",
    "http://h h/pg",
    "http://h\t/pg",
    "ftp://h/pg",
    "http:///pg",
]


@pytest.mark.parametrize("url", BAD_URLS)
def test_bad_base_url_is_refused_when_the_client_is_built(url: str) -> None:
    with pytest.raises(ApiValueError):
        Cashfree(XClientId="id", XClientSecret="secret", base_url=url)


def test_bad_base_url_from_the_environment_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASHFREE_BASE_URL", "http://h:99999/pg")
    with pytest.raises(ApiValueError):
        Cashfree(XClientId="id", XClientSecret="secret")


@pytest.mark.parametrize(
    "url", ["https://sandbox.cashfree.com/pg", "http://[::1]:8080/pg", "http://localhost:65535/pg", "http://h/a%20b"]
)
def test_good_base_urls_are_accepted(url: str) -> None:
    Cashfree(XClientId="id", XClientSecret="secret", base_url=url)


def test_base_url_with_user_info_is_refused_or_masked(hostile: HostileServer) -> None:
    url = hostile.url.replace("http://", f"http://merchant:{URL_PASSWORD}@")
    try:
        cf = Cashfree(XClientId="id", XClientSecret="secret", base_url=url)
    except ApiValueError as refused:
        assert URL_PASSWORD not in str(refused) and URL_PASSWORD not in repr(refused)
        return
    assert_nothing_shows(URL_PASSWORD, cf)
    error = failure(lambda: cf.PGCustomerFetchInstrument(V, "c1", "i1", _headers={"x-bad": "\n"}))
    assert_traceback_hides(URL_PASSWORD, error)


REFUSED_HEADERS = [
    "Host",
    "host",
    "Content-Length",
    "content_length",
    "Transfer-Encoding",
    "Connection",
    "Keep-Alive",
    "TE",
    "Trailer",
    "Upgrade",
    "Proxy-Authorization",
    "x_client_secret",
    "X_Client_Id",
    "X-CLIENT-SECRET",
    "x_request_id",
    "X_Idempotency_Key",
    "x_api_version",
    "x_partner_apikey",
]


@pytest.mark.parametrize("name", REFUSED_HEADERS)
def test_framing_hop_by_hop_and_managed_header_lookalikes_are_refused(hostile: HostileServer, name: str) -> None:
    with pytest.raises(ApiValueError):  # (a short timeout: sent, a Content-Length makes the server wait)
        client(hostile, max_retries=0, timeout=2).PGCustomerFetchInstrument(V, "c1", "i1", _headers={name: "1"})
    assert hostile.requests == []


def test_other_extra_headers_are_still_sent(hostile: HostileServer) -> None:
    client(hostile).PGCustomerFetchInstrument(V, "c1", "i1", _headers={"X-Trace-Id": "abc"})
    assert hostile.requests[0].headers.get("x-trace-id") == "abc"


# -- close() while calls run ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["direct", "proxy"])
def test_close_while_other_threads_call_never_raises_a_raw_error(hostile: HostileServer, mode: str) -> None:
    if mode == "proxy":
        cf = client(hostile, base_url="http://api.example.test/pg", proxy=f"http://127.0.0.1:{hostile.port}")
    else:
        cf = client(hostile)
    raw: List[BaseException] = []
    done = [0]
    stop_at = time.monotonic() + 0.8

    def work(t: int) -> None:
        n = 0
        while time.monotonic() < stop_at:
            try:
                data = cf.PGCustomerFetchInstrument(V, f"c{t}", f"i{t}-{n}").data
                assert (data.customer_id, data.instrument_id) == (f"c{t}", f"i{t}-{n}")
                done[0] += 1
            except OpenApiException:
                pass  # a typed error is allowed
            except BaseException as exc:  # collected and reported below
                raw.append(exc)
            n += 1

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # threads interleave far more often: races show up in a second
    try:
        for thread in threads:
            thread.start()
        while time.monotonic() < stop_at:
            cf.close()
            time.sleep(0)
        for thread in threads:
            thread.join(10)
    finally:
        sys.setswitchinterval(switch)
    assert raw == []
    assert done[0] > 0
    assert cf.PGCustomerFetchInstrument(V, "c9", "i9").data.customer_id == "c9"  # usable after close


# -- pools: equal settings share one, whatever form the timeout was given in -----------------------


def connection_of_a_call(cf: Cashfree, hostile: HostileServer) -> int:
    cf.PGCustomerFetchInstrument(V, "c1", "i1")
    return hostile.requests[-1].connection


@pytest.mark.parametrize(
    "one, two",
    [
        (Timeout(total=3), Timeout(total=3)),
        (Timeout(total=3, connect=1, read=2), Timeout(total=3.0, connect=1.0, read=2.0)),
        (Timeout(connect=2, read=3), (2, 3)),
        (Timeout(connect=4, read=4), 4),
    ],
    ids=["total", "total-connect-read", "timeout-vs-pair", "timeout-vs-seconds"],
)
def test_equal_timeouts_in_any_form_share_one_pool(hostile: HostileServer, one: Any, two: Any) -> None:
    first = connection_of_a_call(client(hostile, timeout=one), hostile)
    assert connection_of_a_call(client(hostile, timeout=two), hostile) == first  # the same kept-alive socket


def test_clients_built_per_call_do_not_push_other_merchants_pools_out(hostile: HostileServer) -> None:
    other = Cashfree(XClientId="merchant_a", XClientSecret="secret_a", base_url=hostile.url)
    kept = connection_of_a_call(other, hostile)
    for _ in range(40):  # a merchant's code that builds a client for every call, as the examples do
        connection_of_a_call(client(hostile, timeout=Timeout(total=3)), hostile)
    again = Cashfree(XClientId="merchant_a", XClientSecret="secret_a", base_url=hostile.url)
    assert connection_of_a_call(again, hostile) == kept


# -- proxy credentials ------------------------------------------------------------------------------


def test_proxy_credentials_are_sent_as_basic_auth_and_never_shown(hostile: HostileServer) -> None:
    proxy = f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{hostile.port}"
    cf = client(hostile, base_url="http://api.example.test/pg", proxy=proxy)
    assert cf.PGCustomerFetchInstrument(V, "c1", "i1").data.customer_id == "c1"
    seen = hostile.requests[0]
    assert seen.target == "http://api.example.test/pg/customers/c1/instruments/i1"
    expected = base64.b64encode(f"proxyuser:{PROXY_PASSWORD}".encode()).decode()
    assert seen.headers.get("proxy-authorization") == f"Basic {expected}"
    assert_nothing_shows(PROXY_PASSWORD, cf)


def test_percent_encoded_proxy_credentials_are_decoded(hostile: HostileServer) -> None:
    cf = client(
        hostile, base_url="http://api.example.test/pg", proxy=f"http://u%40corp:p%3Ass@127.0.0.1:{hostile.port}"
    )
    cf.PGCustomerFetchInstrument(V, "c1", "i1")
    expected = base64.b64encode(b"u@corp:p:ss").decode()
    assert hostile.requests[0].headers.get("proxy-authorization") == f"Basic {expected}"


def test_unreachable_proxy_error_does_not_show_its_password() -> None:
    proxy = f"http://proxyuser:{PROXY_PASSWORD}@127.0.0.1:{closed_port()}"
    cf = Cashfree(
        XClientId="id", XClientSecret=SECRET, base_url="http://api.example.test/pg", proxy=proxy, max_retries=0
    )
    error = failure(lambda: cf.PGCustomerFetchInstrument(V, "c1", "i1"))
    assert isinstance(error, cashfree_pg.ApiConnectionError), repr(error)
    assert_traceback_hides(PROXY_PASSWORD, error)
    assert_traceback_hides(SECRET, error)


# -- secrets out of reach of tracebacks and vars() -------------------------------------------------


def failure(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except BaseException as exc:  # the caller inspects it
        return exc
    raise AssertionError("the call was expected to fail")


def chain(error: BaseException) -> Iterator[BaseException]:
    """The exception and every one it carries (causes and contexts, shown or suppressed)."""
    seen: List[BaseException] = []
    todo: List[Optional[BaseException]] = [error]
    while todo:
        exc = todo.pop()
        if exc is None or any(exc is s for s in seen):
            continue
        seen.append(exc)
        todo += [exc.__cause__, exc.__context__]
    return iter(seen)


def frames(tb: Optional[TracebackType]) -> Iterator[Any]:
    while tb is not None:
        yield tb.tb_frame
        tb = tb.tb_next


def assert_traceback_hides(secret: str, error: BaseException) -> None:
    """What ``pytest -l`` and ``unittest --locals`` print, and every frame and exception the
    error carries, must not show ``secret``."""
    shown = "".join(traceback.TracebackException.from_exception(error, capture_locals=True).format())
    assert secret not in shown
    for exc in chain(error):
        assert secret not in str(exc) and secret not in repr(exc), type(exc).__name__
        for frame in frames(exc.__traceback__):
            for name, value in frame.f_locals.items():
                assert secret not in safe_repr(value), f"{frame.f_code.co_name}: local {name!r} shows it"


def safe_repr(value: Any) -> str:
    try:
        return repr(value)
    except Exception:  # a broken repr shows nothing
        return ""


def assert_nothing_shows(secret: str, root: Any) -> None:
    """No object reachable through ``vars()`` (and the containers they hold) has a ``repr``
    that shows ``secret``."""
    todo: List[Tuple[str, Any, int]] = [(type(root).__name__, root, 0)]
    seen = set()
    while todo:
        path, value, depth = todo.pop()
        if id(value) in seen or isinstance(value, _NOT_DATA):
            continue
        seen.add(id(value))
        assert secret not in safe_repr(value), f"repr of {path} shows it"
        if depth == 8:
            continue
        # Inside a container, only objects are followed: a masked container (the headers of a
        # client must hold the secret to send it) covers its plain strings.
        if isinstance(value, dict):
            items = [(f"{path}[{k!r}]", v) for k, v in value.items() if not isinstance(v, (str, bytes))]
        elif isinstance(value, (list, tuple, set, frozenset, deque)):
            items = [(f"{path}[{i}]", v) for i, v in enumerate(value) if not isinstance(v, (str, bytes))]
        elif hasattr(value, "__dict__"):
            items = [(f"{path}.{k}", v) for k, v in vars(value).items()]
        else:
            continue
        todo += [(p, v, depth + 1) for p, v in items]


# Code and machinery, not data: nothing a secret could be stored in that vars() would reach.
_NOT_DATA = (type, ModuleType, FunctionType, BuiltinFunctionType, MethodType, logging.Logger, logging.Manager)


def drip_forever(r: Request) -> Any:
    return drip(answer(r), 0.2)


FAILURES = {
    "401": lambda h: h.then(
        lambda r: [respond(401, {"message": "bad key", "code": "x", "type": "authentication_error"})]
    ),
    "decode": lambda h: h.then(lambda r: [respond(200, b"<html>not json</html>")]),
    "timeout": lambda h: h.then(drip_forever),
    "too-large": lambda h: h.then(lambda r: [respond(200, b" " * 4096)]),
    "refused": lambda h: h.stop(),
}


@pytest.mark.parametrize("kind", FAILURES.keys())
def test_failing_call_leaves_no_secret_in_any_frame(hostile: HostileServer, kind: str) -> None:
    cf = client(hostile, max_retries=0, call_timeout=1, max_response_bytes=1024)
    FAILURES[kind](hostile)
    error = failure(lambda: cf.PGCustomerFetchInstrument(V, "c1", "i1"))
    assert isinstance(error, cashfree_pg.ApiException), repr(error)
    assert_traceback_hides(SECRET, error)


def test_error_echoing_the_secret_keeps_it_in_no_attribute(hostile: HostileServer) -> None:
    # A service (or a proxy) that quotes the request's headers back in its error message.
    echo = {"message": f"bad credentials: x-client-secret={SECRET}", "code": "request_failed", "type": "x"}
    hostile.then(lambda r: [respond(401, echo, {"x-request-id": r.request_id})])
    error = failure(lambda: client(hostile).PGCustomerFetchInstrument(V, "c1", "i1"))
    assert isinstance(error, cashfree_pg.UnauthorizedException), repr(error)
    assert_traceback_hides(SECRET, error)
    assert_nothing_shows(SECRET, error)  # body, message, data: all of them


def test_refused_input_leaves_no_secret_in_any_frame(hostile: HostileServer) -> None:
    error = failure(lambda: client(hostile).PGCustomerFetchInstrument(V, "c1", "i1", _headers={"x-trace": "a\nb"}))
    assert isinstance(error, ApiValueError)
    assert_traceback_hides(SECRET, error)


def test_webhook_failure_leaves_no_secret_in_any_frame(hostile: HostileServer) -> None:
    error = failure(lambda: client(hostile).PGVerifyWebhookSignature("bm90IGl0", '{"type": "x"}', "1700000000"))
    assert isinstance(error, cashfree_pg.WebhookSignatureError), repr(error)
    assert_traceback_hides(SECRET, error)


def test_nothing_reachable_from_a_used_client_shows_the_secret(hostile: HostileServer) -> None:
    cf = client(hostile)
    cf.PGCustomerFetchInstrument(V, "c1", "i1")
    assert_nothing_shows(SECRET, cf)


@pytest.mark.parametrize(
    "body",
    [
        [{"instrument_id": "i1", "card_number": CARD, "cryptogram": CRYPTOGRAM}],  # a list: ApiDecodeError
        {"message": f"card {CARD} cryptogram {CRYPTOGRAM}", "code": "x", "type": "invalid_request_error"},
    ],
    ids=["undecodable-cryptogram", "error-echoing-card-data"],
)
def test_failing_call_leaves_no_card_data_in_any_frame(hostile: HostileServer, body: Any) -> None:
    status = 200 if isinstance(body, list) else 400
    hostile.then(lambda r: [respond(status, body, {"x-request-id": r.request_id})])
    error = failure(lambda: client(hostile).PGCustomerInstrumentsFetchCryptogram(V, "c1", "i1"))
    assert isinstance(error, cashfree_pg.ApiException), repr(error)
    assert_traceback_hides(CARD, error)
    assert_traceback_hides(CRYPTOGRAM, error)
