"""AsyncCashfree keeps every promise Cashfree keeps, over real loopback HTTP.

Behaviour both clients share is written once and run against each (the ``drive`` fixture): the
sync client as it is, the async one on an event loop that runs in a thread for the whole test
(as in a real application: one loop, one client, many calls), in debug mode so that a callback
that blocks the loop is reported. What only the async client can do wrong (blocking the loop,
cancellation, trio) is tested after that.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.metadata
import inspect
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, ClassVar, Dict, Iterator, List, Optional, Set, Tuple

import pytest
import trustme

httpx = pytest.importorskip("httpx")  # the async extra; without it the async client is not installed

from cashfree_pg import (  # noqa: E402  (after the check for the extra)
    ApiConnectionError,
    ApiException,
    ApiResponse,
    ApiResponseTooLargeError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    AsyncCashfree,
    Cashfree,
    NotFoundException,
    OpenApiException,
    RateLimitException,
    ServiceException,
)
from cashfree_pg.models import CryptogramEntity, InstrumentEntity  # noqa: E402
from cashfree_pg.testing import MockCashfree  # noqa: E402
from test.conftest import FAST_RETRY  # noqa: E402
from test.hostile_server import CLOSE, RESET, HostileServer, answer, drip, forever, head, instrument, interim, respond  # noqa: E402
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT, Recorded, Reply, ScriptedServer  # noqa: E402

MiB = 1 << 20
SLACK = 1.5  # how far past its deadline a call may end, generously (2 shared cores)
#: A loop callback slower than this is reported by asyncio's debug mode (and fails the test):
#: far above what a non-blocking step takes, far below the waits the tests make a client sit out.
SLOW_CALLBACK = 0.25
BUSY = {"message": "try later", "code": "request_limit_exceeded", "type": "rate_limit_error"}
SECRET = "cfsk_ma_test_5f1d2e3c4b5a69788796a5b4c3d2e1f0"
NEVER_SHOWN = (SECRET, SEED_CRYPTOGRAM["card_number"], SEED_CRYPTOGRAM["cryptogram"])


# -- running the same test against both clients -------------------------------------------------


class SlowCallbacks(logging.Handler):
    """Collects asyncio debug mode's "Executing <callback> took N seconds" reports."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "took" in message and "Executing" in message:
            self.reports.append(message[:300])


class LoopThread:
    """An asyncio event loop running in a thread, in debug mode, for one test."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.set_debug(True)
        self.loop.slow_callback_duration = SLOW_CALLBACK
        self.slow = SlowCallbacks()
        logging.getLogger("asyncio").addHandler(self.slow)
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        async def cancel_the_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self.loop.shutdown_asyncgens()

        try:
            asyncio.run_coroutine_threadsafe(cancel_the_rest(), self.loop).result(10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()
            logging.getLogger("asyncio").removeHandler(self.slow)


class Driver:
    """Builds a client of one kind and runs calls on it: ``drive(lambda: cf.Method(...))`` runs the
    call (awaiting it on the loop for the async client) and returns its result or raises."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.loop = LoopThread() if kind == "async" else None
        self._clients: List[Any] = []

    @property
    def cls(self) -> Any:
        return AsyncCashfree if self.kind == "async" else Cashfree

    def client(self, url: str, **kwargs: Any) -> Any:
        kwargs.setdefault("retry_policy", FAST_RETRY)
        kwargs.setdefault("XClientId", "test_id")
        kwargs.setdefault("XClientSecret", "test_secret")
        cf = self.cls(base_url=url, **kwargs)
        self._clients.append(cf)
        return cf

    def outcome(self, thunk: Callable[[], Any], limit: float = 10.0) -> Tuple[Any, float]:
        """The call's result, or the exception it raised, and the seconds it took. Fails the
        test when it has not ended after ``limit`` seconds."""

        async def on_loop() -> Tuple[Any, float]:
            started = time.monotonic()
            try:
                result = thunk()  # called on the loop's thread, as application code would be
                value: Any = await result if inspect.isawaitable(result) else result
            except BaseException as exc:  # the outcome is what the test inspects
                value = exc
            return value, time.monotonic() - started

        def in_thread() -> None:
            started = time.monotonic()
            try:
                value: Any = thunk()
                assert not inspect.isawaitable(value), "the sync client returned an awaitable"
            except BaseException as exc:
                value = exc
            done.append((value, time.monotonic() - started))

        done: List[Tuple[Any, float]] = []
        if self.loop is not None:
            future = asyncio.run_coroutine_threadsafe(on_loop(), self.loop.loop)
            try:
                done.append(future.result(limit))
            except concurrent.futures.TimeoutError:
                future.cancel()
        else:
            thread = threading.Thread(target=in_thread, daemon=True)
            thread.start()
            thread.join(limit)
        if not done:
            pytest.fail(f"the call was still running after {limit:.1f} s")
        return done[0]

    def __call__(self, thunk: Callable[[], Any], limit: float = 10.0) -> Any:
        value, _ = self.outcome(thunk, limit)
        if isinstance(value, BaseException):
            raise value
        return value

    def close(self) -> None:
        try:
            for cf in self._clients:
                self(cf.close)
        finally:
            if self.loop is not None:
                self.loop.close()


@pytest.fixture(params=["sync", "async"])
def drive(request: pytest.FixtureRequest) -> Iterator[Driver]:
    driver = Driver(request.param)
    try:
        yield driver
    finally:
        driver.close()
    if driver.loop is not None:
        assert driver.loop.slow.reports == [], "the event loop was blocked"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer().start()
    yield s
    s.stop()


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as s:
        yield s


@pytest.fixture
def mock() -> Iterator[MockCashfree]:
    with MockCashfree() as m:
        yield m


def own_data(outcome: Any, customer: str, card: str) -> None:
    if isinstance(outcome, BaseException):
        raise AssertionError(f"expected {customer}'s data, got {outcome!r}") from outcome
    assert isinstance(outcome, ApiResponse)
    assert (outcome.data.customer_id, outcome.data.instrument_id) == (customer, card)


def fetch(cf: Any, customer: str, card: str, **kwargs: Any) -> Callable[[], Any]:
    return lambda: cf.PGCustomerFetchInstrument("2022-09-01", customer, card, **kwargs)


# -- the four calls and the resource ------------------------------------------------------------


def test_the_four_calls_with_the_official_signatures(drive: Driver, mock: MockCashfree) -> None:
    card = mock.add_instrument("cust_1")
    cf = drive.client(mock.url)
    listed = drive(
        lambda: cf.PGCustomerFetchInstruments(x_api_version="2022-09-01", customer_id="cust_1", instrument_type="card")
    )
    assert isinstance(listed, ApiResponse) and [i.instrument_id for i in listed.data] == [card.instrument_id]
    one = drive(lambda: cf.PGCustomerFetchInstrument("2022-09-01", "cust_1", card.instrument_id, "my-request"))
    assert isinstance(one.data, InstrumentEntity) and one.request_id == "my-request" and one.attempts == 1
    assert one.rate_limit.limit is not None  # the mock's x-ratelimit-* headers were read
    crypto = drive(
        lambda: cf.PGCustomerInstrumentsFetchCryptogram(
            x_api_version="2022-09-01", customer_id="cust_1", instrument_id=card.instrument_id
        )
    )
    assert isinstance(crypto.data, CryptogramEntity) and crypto.data.cryptogram
    deleted = drive(lambda: cf.PGCustomerDeleteInstrument("2022-09-01", "cust_1", card.instrument_id, None, "key-1"))
    assert deleted.status_code == 200 and mock.delete_count(card.instrument_id) == 1
    assert mock.requests[-1].headers["x-idempotency-key"] == "key-1"
    with pytest.raises(NotFoundException) as info:
        drive(lambda: cf.PGCustomerFetchInstrument("2022-09-01", "cust_1", card.instrument_id))
    assert info.value.code == "instrument_not_found" and info.value.status == 404


def test_the_instruments_resource_and_with_response(drive: Driver, mock: MockCashfree) -> None:
    card = mock.add_instrument("cust_1")
    cf = drive.client(mock.url)
    listed = drive(lambda: cf.instruments.list("cust_1"))
    assert [i.instrument_id for i in listed] == [card.instrument_id]
    assert drive(lambda: cf.instruments.retrieve("cust_1", card.instrument_id)).instrument_id == card.instrument_id
    assert drive(lambda: cf.instruments.cryptogram("cust_1", card.instrument_id)).cryptogram
    response = drive(lambda: cf.instruments.with_response.retrieve("cust_1", card.instrument_id, request_id="rid-9"))
    assert isinstance(response, ApiResponse) and response.request_id == "rid-9" and response.status_code == 200
    gone = drive(lambda: cf.instruments.delete("cust_1", card.instrument_id, idempotency_key="k-7"))
    assert gone.instrument_id == card.instrument_id
    replay = drive(lambda: cf.instruments.with_response.delete("cust_1", card.instrument_id, idempotency_key="k-7"))
    assert replay.idempotency_replayed is True and mock.delete_count(card.instrument_id) == 1


def test_with_options_changes_only_the_derived_client(drive: Driver, server: ScriptedServer) -> None:
    server.default = Reply(503, BUSY)
    cf = drive.client(server.url)
    with pytest.raises(ServiceException) as info:
        drive(lambda: cf.with_options(max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c", "i"))
    assert info.value.attempts == 1 and len(server.requests) == 1
    with pytest.raises(ServiceException) as info:
        drive(lambda: cf.PGCustomerFetchInstrument("2022-09-01", "c", "i"))
    assert info.value.attempts == 3  # the original keeps its two retries
    server.default = Reply(200, SEED_INSTRUMENT)
    drive(lambda: cf.with_options(x_api_version="2023-08-01").PGCustomerFetchInstrument(None, "c", "i"))
    assert server.last.headers["x-api-version"] == "2023-08-01"


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "", "i"), ApiValueError),
        (lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", ""), ApiValueError),
        (lambda cf: cf.PGCustomerFetchInstrument("yesterday", "c", "i"), ApiValueError),
        (lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "c", 7), ApiTypeError),
        (
            lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={"x-client-secret": "x"}),
            ApiValueError,
        ),
        (lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={"x-a": "b\r\nc: d"}), ApiValueError),
        (lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", async_req=True), ApiTypeError),
        (lambda cf: cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", call_timeout=-1), ApiValueError),
        (lambda cf: cf.instruments.delete("c", "i", idempotency_key=""), ApiValueError),
    ],
)
def test_bad_input_is_a_typed_error_before_anything_is_sent(
    drive: Driver, server: ScriptedServer, call: Callable[[Any], Any], error: type
) -> None:
    cf = drive.client(server.url)
    with pytest.raises(error):
        drive(lambda: call(cf))
    assert server.requests == []


def test_bad_constructor_settings_are_typed_errors(drive: Driver) -> None:
    for bad in ({"call_timeout": -1}, {"max_retries": -1}, {"pool_maxsize": 0}, {"event_hooks": {"nope": []}}):
        with pytest.raises((ApiValueError, ApiTypeError)):
            drive.cls(XClientId="a", XClientSecret="b", **bad)


# -- retries ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fault", [Reply(503, BUSY), Reply(429, BUSY), Reply(action="drop")], ids=["503", "429", "drop"]
)
def test_a_retried_delete_keeps_its_request_id_and_idempotency_key(
    drive: Driver, server: ScriptedServer, fault: Reply
) -> None:
    server.reply(fault, Reply(200, SEED_INSTRUMENT))
    response = drive(lambda: drive_delete(drive.client(server.url)))
    assert response.status_code == 200 and response.attempts == 2
    first, second = server.requests
    assert first.headers["x-request-id"] == second.headers["x-request-id"] == response.request_id
    assert first.headers["x-idempotency-key"] == second.headers["x-idempotency-key"]


def drive_delete(cf: Any) -> Any:
    return cf.PGCustomerDeleteInstrument("2022-09-01", "c1", "i1")


def test_the_callers_ids_are_kept_across_attempts(drive: Driver, server: ScriptedServer) -> None:
    server.reply(Reply(503, BUSY), Reply(503, BUSY), Reply(200, SEED_INSTRUMENT))
    cf = drive.client(server.url)
    drive(lambda: cf.PGCustomerDeleteInstrument("2022-09-01", "c1", "i1", "rid", "my-key"))
    assert [r.headers["x-idempotency-key"] for r in server.requests] == ["my-key"] * 3
    assert [r.headers["x-request-id"] for r in server.requests] == ["rid"] * 3


def test_retries_spent_raise_the_last_error_with_its_attempts(drive: Driver, server: ScriptedServer) -> None:
    server.default = Reply(503, BUSY)
    with pytest.raises(ServiceException) as info:
        drive(fetch(drive.client(server.url), "c", "i"))
    assert info.value.attempts == 3 and len(server.requests) == 3 and info.value.code == "request_limit_exceeded"


def stamped(times: List[float]) -> Callable[[Recorded], Reply]:
    def respond_ok(request: Recorded) -> Reply:
        times.append(time.monotonic())
        return Reply(200, SEED_INSTRUMENT)

    return respond_ok


def test_x_ratelimit_retry_is_waited_out_before_the_retry(drive: Driver, server: ScriptedServer) -> None:
    server.reply(Reply(429, BUSY, {"x-ratelimit-retry": "1", "Content-Type": "application/json"}))
    times: List[float] = []
    server.responder = stamped(times)
    cf = drive.client(server.url)
    response, took = drive.outcome(fetch(cf, "c", "i"))
    assert isinstance(response, ApiResponse) and response.attempts == 2
    assert took >= 0.95  # the fast test backoff alone would be 0.01 s


def test_every_call_of_the_client_waits_out_the_same_window(drive: Driver, server: ScriptedServer) -> None:
    server.reply(Reply(429, BUSY, {"x-ratelimit-retry": "1", "Content-Type": "application/json"}))
    times: List[float] = []
    server.responder = stamped(times)
    cf = drive.client(server.url)
    with pytest.raises(RateLimitException) as info:
        drive(fetch(cf, "c", "i", max_retries=0))
    refused_at = time.monotonic()
    assert info.value.retry_after == 1
    drive(fetch(cf, "c", "i"))  # another call: it must not ask before the window ends
    assert times[0] - refused_at >= 0.85


def test_a_wait_beyond_the_deadline_ends_the_call_at_once(drive: Driver, server: ScriptedServer) -> None:
    server.default = Reply(429, BUSY, {"x-ratelimit-retry": "30", "Content-Type": "application/json"})
    error, took = drive.outcome(fetch(drive.client(server.url, call_timeout=1), "c", "i"))
    assert isinstance(error, ApiException), repr(error)
    assert took <= 1 + SLACK


# -- hostile answers ------------------------------------------------------------------------------

DRIPS = {
    "status-line": lambda r: drip(answer(r), 0.05),
    "body": lambda r: [answer(r).split(b"\r\n\r\n")[0] + b"\r\n\r\n", drip(answer(r).split(b"\r\n\r\n")[1], 0.05)],
    "endless-103": lambda r: forever(interim(103), 0.05),
}


@pytest.mark.parametrize("script", DRIPS.values(), ids=DRIPS.keys())
def test_a_dripping_server_cannot_hold_a_call_past_its_deadline(
    drive: Driver, hostile: HostileServer, script: Any
) -> None:
    hostile.responder = lambda r: script(r) if r.customer_id == "alice" else [answer(r)]  # every attempt drips
    cf = drive.client(hostile.url, call_timeout=1)
    error, took = drive.outcome(fetch(cf, "alice", "card-a"), 1 + SLACK + 2)
    assert isinstance(error, ApiTimeoutError), repr(error)
    assert took <= 1 + SLACK
    own_data(drive.outcome(fetch(cf, "bob", "card-b"))[0], "bob", "card-b")


def test_per_call_deadline(drive: Driver, hostile: HostileServer) -> None:
    hostile.then(DRIPS["status-line"])
    cf = drive.client(hostile.url, max_retries=0)
    error, took = drive.outcome(fetch(cf, "alice", "card-a", call_timeout=1), 1 + SLACK + 2)
    assert isinstance(error, ApiTimeoutError) and took <= 1 + SLACK


@pytest.mark.parametrize(
    "before",
    [[interim(103), 0.3], [interim(100), 0.1, interim(102), interim(103), 0.2]],
    ids=["103-then-late-answer", "several-1xx"],
)
def test_an_interim_answer_is_never_the_answer(drive: Driver, hostile: HostileServer, before: List[Any]) -> None:
    hostile.then(lambda r: [*before, answer(r)])
    cf = drive.client(hostile.url)
    first = drive.outcome(fetch(cf, "alice", "card-a"))[0]
    second = drive.outcome(fetch(cf, "bob", "card-b"))[0]
    own_data(second, "bob", "card-b")
    own_data(first, "alice", "card-a")


def test_an_answer_with_another_calls_request_id_is_discarded_with_its_connection(
    drive: Driver, hostile: HostileServer
) -> None:
    hostile.then(lambda r: [respond(200, instrument("mallory", "card-m"), {"x-request-id": "not-yours"})])
    response = drive.outcome(fetch(drive.client(hostile.url), "alice", "card-a"))[0]
    own_data(response, "alice", "card-a")
    assert response.attempts == 2
    first, second = hostile.requests
    assert first.request_id == second.request_id == response.request_id
    assert first.connection != second.connection


def test_only_foreign_answers_end_in_a_connection_error_without_their_body(
    drive: Driver, hostile: HostileServer
) -> None:
    hostile.responder = lambda r: [respond(200, instrument("mallory", "card-m"), {"x-request-id": "not-yours"})]
    error = drive.outcome(fetch(drive.client(hostile.url), "alice", "card-a"))[0]
    assert isinstance(error, ApiConnectionError), repr(error)
    assert error.attempts == 3 and "mallory" not in f"{error} {error.body or ''}"


def test_compressed_answers_are_not_decoded(drive: Driver, hostile: HostileServer) -> None:
    import gzip

    packed = gzip.compress(json.dumps(instrument("alice", "card-a")).encode())
    hostile.responder = lambda r: [respond(200, packed, {"Content-Encoding": "gzip", "x-request-id": r.request_id})]
    error = drive.outcome(fetch(drive.client(hostile.url, max_retries=0), "alice", "card-a"))[0]
    assert isinstance(error, ApiException), repr(error)  # never silently decompressed


HUGE = {
    "content-length": lambda r: [
        head(200, {"Content-Length": str(64 * MiB), "x-request-id": r.request_id}),
        b" " * MiB,
    ],
    "chunked-endless": lambda r: [
        head(200, {"Transfer-Encoding": "chunked"}),
        iter(lambda: b"10000\r\n" + b" " * 65536 + b"\r\n", None),
    ],
    "until-close": lambda r: [head(200, {"Connection": "close"}), iter(lambda: b" " * 65536, None)],
    "error-status": lambda r: [head(500, {"Content-Length": str(64 * MiB)}), b" " * MiB],
}


@pytest.mark.parametrize("script", HUGE.values(), ids=HUGE.keys())
def test_a_body_over_max_response_bytes_is_refused(drive: Driver, hostile: HostileServer, script: Any) -> None:
    hostile.then(script)
    cf = drive.client(hostile.url, max_response_bytes=MiB // 2, max_retries=0)
    error = drive.outcome(fetch(cf, "alice", "card-a"))[0]
    assert isinstance(error, ApiResponseTooLargeError), repr(error)
    own_data(drive.outcome(fetch(cf, "bob", "card-b"))[0], "bob", "card-b")
    assert hostile.connections[-1] != hostile.connections[0]  # that connection was not reused


# -- connection failures are typed --------------------------------------------------------------

OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
TRUNCATIONS = {
    "close-before-status-line": lambda r: [CLOSE],
    "reset-before-status-line": lambda r: [RESET],
    "close-inside-a-header": lambda r: [OK_HEAD[:40], CLOSE],
    "close-before-content-length-bytes": lambda r: [answer(r)[:-30], CLOSE],
    "close-inside-a-chunk": lambda r: [head(200, {"Transfer-Encoding": "chunked"}), b"40\r\n[{", CLOSE],
    "garbage": lambda r: [b"\x16\x03\x01 not http at all\r\n\r\n", CLOSE],
}


@pytest.mark.parametrize("script", TRUNCATIONS.values(), ids=TRUNCATIONS.keys())
def test_a_broken_answer_is_a_connection_error(drive: Driver, hostile: HostileServer, script: Any) -> None:
    hostile.then(script)
    error = drive.outcome(fetch(drive.client(hostile.url, max_retries=0), "alice", "card-a"))[0]
    assert type(error) is ApiConnectionError, repr(error)
    assert error.status == 0 and error.attempts == 1


def test_a_broken_answer_is_retried(drive: Driver, hostile: HostileServer) -> None:
    hostile.then(TRUNCATIONS["close-inside-a-header"], TRUNCATIONS["close-before-content-length-bytes"])
    response = drive.outcome(fetch(drive.client(hostile.url), "alice", "card-a"))[0]
    own_data(response, "alice", "card-a")
    assert response.attempts == 3


def test_a_refused_connection_is_a_connection_error(drive: Driver) -> None:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]  # closed below: nothing listens there any more
    error = drive.outcome(fetch(drive.client(f"http://127.0.0.1:{port}/pg"), "c", "i"))[0]
    assert type(error) is ApiConnectionError, repr(error)
    assert error.attempts == 3  # retried: nothing was sent


def test_a_silent_server_is_a_timeout(drive: Driver, server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT, action="stall", delay=1.0)
    error, took = drive.outcome(fetch(drive.client(server.url, timeout=0.2, max_retries=0), "c", "i"))
    assert type(error) is ApiTimeoutError, repr(error)
    assert took < 0.9


# -- proxy --------------------------------------------------------------------------------------


def test_a_proxy_gets_the_absolute_url_and_its_credentials(drive: Driver, hostile: HostileServer) -> None:
    hostile.responder = lambda r: [answer(r)]
    proxy = f"http://proxy-user:pr0xy-pass@127.0.0.1:{hostile.port}"
    cf = drive.client("http://api.example.test/pg", proxy=proxy)
    own_data(drive(fetch(cf, "c1", "i1")), "c1", "i1")
    seen = hostile.requests[0]
    assert seen.target == "http://api.example.test/pg/customers/c1/instruments/i1"
    assert seen.headers.get("proxy-authorization") == "Basic cHJveHktdXNlcjpwcjB4eS1wYXNz"  # proxy-user:pr0xy-pass
    assert "pr0xy-pass" not in repr(cf) and "pr0xy-pass" not in repr(cf.configuration)


# -- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def https_server(ca: trustme.CA, *names: str) -> ScriptedServer:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(ctx)
    server = ScriptedServer(ssl_context=ctx).start()
    server.default = Reply(200, SEED_INSTRUMENT)
    return server


def test_tls_is_verified_by_default(drive: Driver, ca: trustme.CA, tmp_path: Path) -> None:
    trusted_name, other_name = https_server(ca, "127.0.0.1"), https_server(ca, "cashfree.example")
    try:
        error = drive.outcome(fetch(drive.client(trusted_name.url), "c", "i"))[0]
        assert type(error) is ApiConnectionError and "certificate" in str(error).lower(), repr(error)
        assert error.attempts == 1  # a certificate failure is not retried
        pem = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(pem))
        assert drive(fetch(drive.client(trusted_name.url, ssl_ca_cert=str(pem)), "c", "i")).status_code == 200
        error = drive.outcome(fetch(drive.client(other_name.url, ssl_ca_cert=str(pem)), "c", "i"))[0]
        assert type(error) is ApiConnectionError, repr(error)  # a trusted certificate for another host
        assert len(trusted_name.requests) == 1 and other_name.requests == []
    finally:
        trusted_name.stop()
        other_name.stop()


# -- secrets ------------------------------------------------------------------------------------


def test_secrets_and_card_data_are_never_shown(
    drive: Driver, server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    card_error = {"message": f"bad card {SEED_CRYPTOGRAM['card_number']}", "code": "x", "type": "api_error"}
    server.reply(
        Reply(200, SEED_CRYPTOGRAM),
        Reply(503, card_error),
        Reply(200, SEED_CRYPTOGRAM),
        Reply(400, {**card_error, "cryptogram": SEED_CRYPTOGRAM["cryptogram"]}),
        Reply(200, json.dumps(SEED_CRYPTOGRAM)[:-2]),  # cut short: a decode error over card data
        Reply(action="drop"),
    )
    events: List[Any] = []
    hooks = {"request": [events.append], "response": [events.append], "retry": [events.append]}
    cf = drive.client(server.url, XClientSecret=SECRET, event_hooks=hooks)
    shown = [repr(cf), str(cf)]
    with caplog.at_level(logging.DEBUG):  # every logger: the SDK's, httpx's, httpcore's, asyncio's
        crypto = drive(lambda: cf.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i"))
        retried = drive(lambda: cf.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i"))
        shown += [repr(crypto), str(crypto), repr(crypto.data), str(crypto.data), str(retried)]
        for _ in range(3):
            with pytest.raises(ApiException) as info:
                drive(lambda: cf.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i", max_retries=0))
            error = info.value
            shown += [str(error), repr(error), str(error.args)]
            # What a crash report with local variables would show.
            shown += sdk_locals(error)
    shown += [repr(e) for e in events] + [r.getMessage() + repr(r.args) for r in caplog.records]
    text = "\n".join(shown)
    assert "cryptogram" in text and len(events) >= 10
    for value in NEVER_SHOWN:
        assert value not in text
    assert crypto.data.cryptogram == SEED_CRYPTOGRAM["cryptogram"]  # the attribute keeps the real value


def sdk_locals(error: BaseException) -> List[str]:
    """The local variables a crash report would show of every frame the error passed through,
    outside this file (whose own variables hold the card data the server was told to send)."""
    shown = []
    while error is not None:
        tb = error.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            if frame.f_code.co_filename != __file__:
                shown += [f"{name}={value!r}" for name, value in frame.f_locals.items()]
            tb = tb.tb_next
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return shown


# -- event hooks --------------------------------------------------------------------------------


def test_plain_event_hooks_see_each_attempt(drive: Driver, server: ScriptedServer) -> None:
    server.reply(Reply(503, BUSY), Reply(200, SEED_INSTRUMENT))
    seen: List[Tuple[str, int, int]] = []
    record = lambda e: seen.append((e.event, e.attempt, e.status))  # noqa: E731
    broken = lambda e: 1 / 0  # noqa: E731  (a failing hook is logged, the call goes on)
    hooks = {"request": [record, broken], "response": [record], "retry": [record]}
    drive(fetch(drive.client(server.url, event_hooks=hooks), "c", "i"))
    assert seen == [("request", 1, 0), ("response", 1, 503), ("retry", 1, 503), ("request", 2, 0), ("response", 2, 200)]


# -- lifetime -----------------------------------------------------------------------------------


def test_close_releases_the_pool_and_the_client_stays_usable_or_says_why(drive: Driver, server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    cf = drive.client(server.url)
    drive(fetch(cf, "c", "i"))
    drive(cf.close)
    drive(cf.close)  # twice is fine
    outcome = drive.outcome(fetch(cf, "c", "i"))[0]
    assert isinstance(outcome, (ApiResponse, OpenApiException)), repr(outcome)  # nothing raw from httpx


# ================================================================================================
# The async client only
# ================================================================================================


def run_async(main: Callable[[], Any], limit: float = 20.0, debug: bool = True) -> Any:
    """``asyncio.run(main())`` (in debug mode: failing on a blocked loop), failing after ``limit`` s."""
    slow = SlowCallbacks()
    logging.getLogger("asyncio").addHandler(slow)

    async def guarded() -> Any:
        loop = asyncio.get_running_loop()
        loop.slow_callback_duration = SLOW_CALLBACK
        return await asyncio.wait_for(main(), limit)

    try:
        result = asyncio.run(guarded(), debug=debug)
    finally:
        logging.getLogger("asyncio").removeHandler(slow)
    assert slow.reports == [], "the event loop was blocked"
    return result


def async_client(url: str, **kwargs: Any) -> AsyncCashfree:
    kwargs.setdefault("retry_policy", FAST_RETRY)
    return AsyncCashfree(XClientId="test_id", XClientSecret="test_secret", base_url=url, **kwargs)


def test_async_with_and_coroutine_hooks(mock: MockCashfree) -> None:
    card = mock.add_instrument("cust_1")
    seen: List[str] = []

    async def on_response(event: Any) -> None:
        await asyncio.sleep(0)
        seen.append(f"{event.event} {event.status}")

    async def main() -> None:
        async with AsyncCashfree(
            XClientId="id", XClientSecret="s", base_url=mock.url, event_hooks={"response": [on_response]}
        ) as cf:
            assert (await cf.instruments.retrieve("cust_1", card.instrument_id)).instrument_id == card.instrument_id
        await cf.close()  # again, after the block closed it: harmless

    run_async(main)
    assert seen == ["response 200"]


def test_fifty_concurrent_calls_each_get_their_own_answer(mock: MockCashfree) -> None:
    cards = {f"cust_{n}": mock.add_instrument(f"cust_{n}").instrument_id for n in range(50)}

    async def main() -> List[Any]:
        async with async_client(mock.url, pool_maxsize=10) as cf:
            return await asyncio.gather(*(cf.PGCustomerFetchInstrument("2022-09-01", c, i) for c, i in cards.items()))

    for (customer, card), response in zip(cards.items(), run_async(main)):
        own_data(response, customer, card)


class LoopWatch:
    """Two ways to catch a blocked loop besides debug mode: a ticker's longest gap, and calls
    that block (file opens, ``time.sleep``, name look-ups) made on the loop's own thread."""

    BLOCKING: ClassVar[Set[str]] = {
        "open",
        "time.sleep",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "socket.gethostbyname_ex",
    }
    armed_thread: Optional[int] = None
    seen: ClassVar[List[str]] = []
    installed = False

    @classmethod
    def install(cls) -> None:
        if not cls.installed:  # an audit hook cannot be removed: one, idle unless armed
            sys.addaudithook(cls._audit)
            cls.installed = True

    @classmethod
    def _audit(cls, event: str, args: Tuple[Any, ...]) -> None:
        if cls.armed_thread is not None and event in cls.BLOCKING and threading.get_ident() == cls.armed_thread:
            cls.seen.append(f"{event}{args!r:.120}")


def test_the_loop_is_never_blocked(hostile: HostileServer) -> None:
    """Through a slow answer, a rate-limit wait, a backoff and a drip to the deadline: debug mode
    reports no slow callback, a ticker never stalls, and (in a second pass, once every module is
    imported, without debug mode, which reads source files itself) nothing on the loop's thread
    opens a file, sleeps or looks up a name."""
    first_attempt = {
        "slow": lambda r: [0.4, answer(r)],
        "limited": lambda r: [respond(429, BUSY, {"x-ratelimit-retry": "1", "x-request-id": r.request_id})],
        "busy": lambda r: [respond(503, BUSY)],  # a backoff
        "dripped": DRIPS["status-line"],  # a drip to the deadline
    }
    seen: Set[str] = set()

    def respond_by_customer(r: Any) -> Any:
        kind = r.customer_id.split("-")[1]
        script = first_attempt[kind] if r.customer_id not in seen else lambda r: [answer(r)]
        seen.add(r.customer_id)
        return script(r)

    hostile.responder = respond_by_customer
    gaps: List[float] = []
    LoopWatch.install()
    LoopWatch.seen = []

    async def ticker() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.01)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    def scenario(run: int, kinds: Tuple[str, ...], watch: bool) -> Callable[[], Any]:
        async def main() -> None:
            policy = FAST_RETRY.replace(backoff_initial=0.3, backoff_max=0.3)
            # "localhost": the name must be looked up off the loop.
            cf = async_client(hostile.url.replace("127.0.0.1", "localhost"), retry_policy=policy, call_timeout=2)
            tick = asyncio.ensure_future(ticker())
            LoopWatch.armed_thread = threading.get_ident() if watch else None
            try:
                for kind in kinds:
                    customer = f"{run}-{kind}"
                    deadline = 0.6 if kind == "dripped" else 2
                    call = cf.PGCustomerFetchInstrument("2022-09-01", customer, "card", call_timeout=deadline)
                    if kind == "dripped":
                        with pytest.raises(ApiTimeoutError):
                            await call
                    else:
                        own_data(await call, customer, "card")
            finally:
                LoopWatch.armed_thread = None
                tick.cancel()
                await cf.close()

        return main

    run_async(scenario(1, tuple(first_attempt), watch=False))
    assert len(gaps) > 50 and max(gaps) < SLOW_CALLBACK, f"the loop stalled for {max(gaps):.2f} s"
    run_async(scenario(2, ("slow", "busy", "dripped"), watch=True), debug=False)
    assert LoopWatch.seen == [], "blocking calls on the loop's thread:\n" + "\n".join(LoopWatch.seen)


FIRST_CALL_SCRIPT = r"""
import asyncio, sys
from cashfree_pg import AsyncCashfree

async def main():
    cf = AsyncCashfree(XClientId="id", XClientSecret="secret", base_url=sys.argv[1])
    loaded = set(sys.modules)
    await cf.PGCustomerFetchInstrument("2022-09-01", "alice", "card-a")
    await cf.close()
    print(" ".join(sorted(set(sys.modules) - loaded)))

asyncio.run(main())
"""


def test_the_first_call_imports_nothing_on_the_loop(hostile: HostileServer) -> None:
    # An import reads files: on the loop's thread it blocks every other task. anyio and httpcore
    # load their backends on first use, so the client loads them when it is imported.
    hostile.responder = lambda r: [answer(r)]
    run = subprocess.run(
        [sys.executable, "-c", FIRST_CALL_SCRIPT, hostile.url], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == []


# -- cancellation -------------------------------------------------------------------------------


def test_a_call_cancelled_before_its_answer_leaves_nothing_for_the_next(hostile: HostileServer) -> None:
    hostile.then(lambda r: [0.6, answer(r)])  # alice's answer comes after she gave up

    async def main() -> None:
        async with async_client(hostile.url, pool_maxsize=1, max_retries=0) as cf:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(cf.PGCustomerFetchInstrument("2022-09-01", "alice", "card-a"), 0.2)
            await asyncio.sleep(0.6)  # alice's answer is on the wire now
            own_data(await cf.PGCustomerFetchInstrument("2022-09-01", "bob", "card-b"), "bob", "card-b")

    run_async(main)
    assert hostile.connections[-1] != hostile.connections[0]


def test_a_call_cancelled_inside_the_body_never_returns_its_connection_to_the_pool(hostile: HostileServer) -> None:
    body = json.dumps(instrument("alice", "card-a")).encode()
    hostile.then(
        lambda r: [head(200, {"Content-Length": str(len(body)), "x-request-id": r.request_id}), drip(body, 0.05)]
    )

    async def main() -> None:
        async with async_client(hostile.url, pool_maxsize=1, max_retries=0) as cf:
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(cf.PGCustomerFetchInstrument("2022-09-01", "alice", "card-a"), 0.3)
            own_data(await cf.PGCustomerFetchInstrument("2022-09-01", "bob", "card-b"), "bob", "card-b")

    run_async(main)
    assert hostile.connections[-1] != hostile.connections[0]


def test_cancelled_calls_release_their_connections(hostile: HostileServer) -> None:
    stalled = lambda r: [30, answer(r)]  # noqa: E731
    hostile.then(stalled, stalled, stalled, stalled)

    async def main() -> None:
        # One connection: a cancelled call that kept it would starve every later call.
        async with async_client(hostile.url, pool_maxsize=1) as cf:
            for n in range(4):
                task = asyncio.ensure_future(cf.PGCustomerFetchInstrument("2022-09-01", f"gone-{n}", "card"))
                await asyncio.sleep(0.1)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            response = await cf.PGCustomerFetchInstrument("2022-09-01", "bob", "card-b", call_timeout=3)
            own_data(response, "bob", "card-b")

    run_async(main)


def test_a_call_cancelled_while_it_waits_to_retry_ends_at_once(server: ScriptedServer) -> None:
    server.reply(Reply(503, BUSY, {"Retry-After": "5", "Content-Type": "application/json"}))

    async def main() -> float:
        async with async_client(server.url) as cf:
            task = asyncio.ensure_future(cf.PGCustomerFetchInstrument("2022-09-01", "c", "i"))
            while not server.requests:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.1)
            started = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return time.monotonic() - started

    assert run_async(main) < 1.0
    assert len(server.requests) == 1


# -- anyio: asyncio and trio --------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["asyncio", "trio"])
def test_works_under_anyio_with_cancel_scopes(backend: str, hostile: HostileServer) -> None:
    anyio = pytest.importorskip("anyio")
    if backend == "trio":
        pytest.importorskip("trio")
    hostile.then(lambda r: [5, answer(r)], lambda r: [respond(429, BUSY, {"x-ratelimit-retry": "1"})])

    async def main() -> float:
        async with async_client(hostile.url, pool_maxsize=1) as cf:
            with anyio.move_on_after(0.2) as scope:
                await cf.PGCustomerFetchInstrument("2022-09-01", "gone", "card")
            assert scope.cancelled_caught
            started = time.monotonic()
            own_data(await cf.PGCustomerFetchInstrument("2022-09-01", "bob", "card-b"), "bob", "card-b")
            waited = time.monotonic() - started
            cards = await cf.instruments.list("carol")
            assert [c.customer_id for c in cards] == ["carol"]
            return waited

    waited = anyio.run(main, backend=backend)
    assert waited >= 0.95  # the rate-limit wait was slept with the backend's own sleep
    assert hostile.connections[1] != hostile.connections[0]


# -- the testing kit ----------------------------------------------------------------------------


def test_the_mock_builds_a_configured_async_client(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")

    async def main() -> Any:
        async with cashfree_mock.async_client(max_retries=0) as cf:
            assert isinstance(cf, AsyncCashfree)
            return await cf.instruments.retrieve("cust_1", card.instrument_id)

    assert run_async(main).instrument_id == card.instrument_id


@pytest.mark.anyio
async def test_the_fixture_in_an_anyio_test(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    async with cashfree_mock.async_client() as cf:
        assert [c.instrument_id for c in await cf.instruments.list("cust_1")] == [card.instrument_id]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_the_fixture_in_a_pytest_asyncio_test(tmp_path: Path) -> None:
    pytest.importorskip("pytest_asyncio")
    (tmp_path / "test_merchant.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.asyncio\n"
        "async def test_fetch(cashfree_mock):\n"
        "    card = cashfree_mock.add_instrument('cust_1')\n"
        "    async with cashfree_mock.async_client() as cf:\n"
        "        got = await cf.instruments.retrieve('cust_1', card.instrument_id)\n"
        "    assert got.instrument_id == card.instrument_id\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASHFREE_", "PYTEST_", "COV_"))}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:cov", "test_merchant.py"]
    if not any(ep.group == "pytest11" for ep in importlib.metadata.distribution("cashfree_pg").entry_points):
        args[3:3] = ["-p", "cashfree_pg.testing.pytest_plugin"]  # not installed: load the plugin by name
    out = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0 and "1 passed" in out.stdout, out.stdout + out.stderr


# -- the examples in docs/Async.md --------------------------------------------------------------


def test_the_async_doc_examples_and_tests_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/Async.md's plain blocks run in the doc runner (test_docs.py); its pytest examples are
    marked as fragments there, because that runner calls test functions without awaiting them.
    Here every block runs, and each ``async def test_...`` it defines is awaited."""
    from test.test_docs import DOC_INSTRUMENTS, ROOT, extract

    namespace: Dict[str, Any] = {"__name__": "doc_async"}
    tests: Dict[str, Any] = {}
    with MockCashfree(instruments=DOC_INSTRUMENTS) as doc_mock:
        monkeypatch.setenv("CASHFREE_BASE_URL", doc_mock.url)
        for block in extract(ROOT / "docs" / "Async.md"):
            if block.marker == "signature" or ("fastapi" in block.code and not _has("fastapi")):
                continue
            exec(compile(block.code, block.where, "exec"), namespace)
            tests.update({k: v for k, v in namespace.items() if k.startswith("test_") and k not in tests})
    assert tests, "docs/Async.md shows how to test async code"
    for func in tests.values():
        with MockCashfree() as fresh:
            params = inspect.signature(func).parameters
            kwargs = {"cashfree_mock": fresh} if "cashfree_mock" in params else {}
            result = func(**kwargs)
            if inspect.iscoroutine(result):
                run_async(lambda r=result: r)


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None
