"""The SDK against a server that misbehaves on purpose (test/hostile_server.py): interim answers,
answers meant for another call, truncations, drips, compression bombs, huge bodies, a fork at any
moment, and all of them at random. The promise under test: each call gets its own customer's data
or a typed SDK exception, within its call_timeout (plus about a second), in bounded memory.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
import tracemalloc
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import cashfree_pg
from cashfree_pg import ApiConnectionError, ApiException, ApiResponse, ApiTimeoutError, OpenApiException
from test.conftest import make_client
from test.hostile_server import (
    CLOSE,
    RESET,
    HostileServer,
    Request,
    answer,
    bomb,
    chunked,
    drip,
    filler,
    forever,
    head,
    instrument,
    interim,
    respond,
)

#: How far past its deadline a call may return ("about a second", generously: 2 shared cores).
SLACK = 1.5
MiB = 1 << 20
#: What "a bounded excerpt" is taken to mean for an exception's ``body``.
EXCERPT_MAX = 64 * 1024


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def bounded(call: Callable[[], Any], limit: float) -> Tuple[Any, float]:
    """Run ``call`` in a thread: its result or the exception it raised, and the seconds it took.
    Fails the test if it is still running after ``limit`` s (stopping the server frees it)."""
    done: List[Tuple[Any, float]] = []

    def run() -> None:
        started = time.monotonic()
        try:
            outcome: Any = call()
        except BaseException as exc:  # the outcome is what the test inspects
            outcome = exc
        done.append((outcome, time.monotonic() - started))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    if not done:
        pytest.fail(f"the call was still running after {limit:.1f} s")
    return done[0]


def fetch(cf: Any, customer: str, card: str, **kwargs: Any) -> Callable[[], Any]:
    return lambda: cf.PGCustomerFetchInstrument("2022-09-01", customer, card, **kwargs)


def assert_own_data(outcome: Any, customer: str, card: str) -> None:
    if isinstance(outcome, BaseException):
        raise AssertionError(f"expected {customer}'s data, got {outcome!r}") from outcome
    assert isinstance(outcome, ApiResponse)
    assert (outcome.data.customer_id, outcome.data.instrument_id) == (customer, card)


# -- answers never cross between calls ----------------------------------------------------------


@pytest.mark.parametrize(
    "before",
    [
        pytest.param([interim(103), 0.3], id="103-then-late-answer"),
        pytest.param([interim(102), 0.3], id="102-then-late-answer"),
        pytest.param([interim(102), interim(103), interim(103)], id="several-1xx-at-once"),
        pytest.param([interim(100), 0.1, interim(103), 0.2], id="100-and-103"),
    ],
)
def test_interim_answer_is_never_the_answer_and_the_next_call_gets_its_own(
    hostile: HostileServer, before: List[Any]
) -> None:
    # The real answer comes late, as from a slow backend behind a CDN: an SDK that takes the 1xx
    # as final puts the connection back with alice's answer still to come, and bob reads it.
    hostile.then(lambda r: [*before, answer(r)])
    cf = make_client(hostile)
    first, _ = bounded(fetch(cf, "alice", "card-a"), 10)
    second, _ = bounded(fetch(cf, "bob", "card-b"), 10)
    assert_own_data(second, "bob", "card-b")  # the worst failure first: another customer's card
    assert_own_data(first, "alice", "card-a")


def test_answer_with_another_calls_request_id_is_refused_and_retried(hostile: HostileServer) -> None:
    hostile.then(lambda r: [respond(200, instrument("mallory", "card-m"), {"x-request-id": "not-yours"})])
    response, _ = bounded(fetch(make_client(hostile), "alice", "card-a"), 10)
    assert_own_data(response, "alice", "card-a")
    assert response.attempts == 2
    first, second = hostile.requests
    assert first.request_id == second.request_id == response.request_id
    assert first.connection != second.connection  # the connection that lied was discarded


def test_delete_keeps_its_idempotency_key_when_an_answer_is_refused(hostile: HostileServer) -> None:
    hostile.then(lambda r: [answer(r, request_id="someone-else")])
    cf = make_client(hostile)
    response, _ = bounded(lambda: cf.PGCustomerDeleteInstrument("2022-09-01", "alice", "card-a"), 10)
    assert_own_data(response, "alice", "card-a")
    first, second = hostile.requests
    assert first.method == second.method == "DELETE"
    assert first.headers["x-idempotency-key"] == second.headers["x-idempotency-key"]
    assert first.request_id == second.request_id


def test_error_answer_with_another_calls_request_id_is_refused_too(hostile: HostileServer) -> None:
    not_found = {"message": "instrument of mallory not found", "code": "instrument_not_found", "type": "x"}
    hostile.then(lambda r: [respond(404, not_found, {"x-request-id": "not-yours"})])
    response, _ = bounded(fetch(make_client(hostile), "alice", "card-a"), 10)
    assert_own_data(response, "alice", "card-a")


@pytest.mark.parametrize("echo", [True, False], ids=["id-echoed", "no-id-echoed"])
def test_answer_arriving_after_the_deadline_never_reaches_the_next_call(hostile: HostileServer, echo: bool) -> None:
    # Without an echoed id only one thing protects bob: alice's connection was closed, not
    # handed back to the pool, when her call gave up waiting (no byte had arrived yet).
    body = lambda r: answer(r) if echo else respond(200, instrument(r.customer_id, r.instrument_id))  # noqa: E731
    hostile.then(lambda r: [1.5, body(r)])
    cf = make_client(hostile, call_timeout=1, max_retries=0)
    first, _ = bounded(fetch(cf, "alice", "card-a"), 1 + SLACK + 2)
    assert isinstance(first, ApiTimeoutError), repr(first)
    second, _ = bounded(fetch(cf, "bob", "card-b"), 10)
    assert_own_data(second, "bob", "card-b")


SMUGGLED = respond(200, instrument("mallory", "card-m"))  # a whole answer, with no id to give it away
REFUSED_HEADS = {
    "too-large": head(200, {"Content-Length": str(2 << 20)}),
    "wrong-id": head(200, {"Content-Length": str(len(SMUGGLED)), "x-request-id": "not-yours"}),
    "compressed": head(200, {"Content-Length": str(len(SMUGGLED)), "Content-Encoding": "gzip"}),
}


@pytest.mark.parametrize("refused", REFUSED_HEADS.values(), ids=REFUSED_HEADS.keys())
def test_rest_of_a_refused_answer_never_reaches_a_call(hostile: HostileServer, refused: bytes) -> None:
    # The SDK refuses the answer from its head; its "body", another answer, comes a moment later.
    # Had the connection gone back to the pool, the next call on it (alice's retry, or bob) would
    # read mallory's answer as its own.
    hostile.then([refused, 0.3, SMUGGLED])
    cf = make_client(hostile, max_response_bytes=1 << 20)
    first, _ = bounded(fetch(cf, "alice", "card-a"), 10)
    second, _ = bounded(fetch(cf, "bob", "card-b"), 10)
    assert_own_data(second, "bob", "card-b")
    if not isinstance(first, cashfree_pg.ApiResponseTooLargeError):
        assert_own_data(first, "alice", "card-a")


def test_only_wrong_request_ids_end_in_a_connection_error_without_the_body(hostile: HostileServer) -> None:
    hostile.responder = lambda r: [respond(200, instrument("mallory", "card-m"), {"x-request-id": "not-yours"})]
    error, _ = bounded(fetch(make_client(hostile), "alice", "card-a"), 10)
    assert isinstance(error, ApiConnectionError), repr(error)
    assert error.attempts == 3 and len(hostile.requests) == 3
    assert "mallory" not in str(error) and "mallory" not in (error.body or "")


def test_answer_without_a_request_id_is_accepted(hostile: HostileServer) -> None:
    hostile.then(lambda r: [respond(200, instrument("alice", "card-a"))])  # the echo is optional
    response, _ = bounded(fetch(make_client(hostile), "alice", "card-a"), 10)
    assert_own_data(response, "alice", "card-a")
    assert response.request_id == hostile.requests[0].request_id and response.attempts == 1


def test_bytes_after_the_body_never_become_the_next_answer(hostile: HostileServer) -> None:
    smuggled = respond(200, instrument("mallory", "card-m"), {"x-request-id": "not-yours"})
    hostile.then(lambda r: [answer(r), 0.2, smuggled])  # arrives while the next call waits
    cf = make_client(hostile)
    assert_own_data(bounded(fetch(cf, "alice", "card-a"), 10)[0], "alice", "card-a")
    assert_own_data(bounded(fetch(cf, "bob", "card-b"), 10)[0], "bob", "card-b")


# -- truncation is a connection failure ---------------------------------------------------------

OK_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
TRUNCATIONS = {
    "close-before-status-line": lambda r: [CLOSE],
    "reset-before-status-line": lambda r: [RESET],
    "close-inside-status-line": lambda r: [b"HTTP/1.1 20", CLOSE],
    "close-inside-a-header": lambda r: [OK_HEAD[:40], CLOSE],
    "close-before-the-blank-line": lambda r: [OK_HEAD + b"Content-Length: 2\r\n", CLOSE],
    "close-before-content-length-bytes": lambda r: [answer(r)[:-30], CLOSE],
    "reset-before-content-length-bytes": lambda r: [answer(r)[:-30], 0.05, RESET],
    "close-inside-a-chunk": lambda r: [head(200, {"Transfer-Encoding": "chunked"}), b"40\r\n[{", CLOSE],
    "close-before-the-last-chunk": lambda r: [head(200, {"Transfer-Encoding": "chunked"}), b"2\r\n[]\r\n", CLOSE],
    "error-body-cut-short": lambda r: [respond(404, b'{"message": "gone"}', length=500), CLOSE],
}


@pytest.mark.parametrize("script", TRUNCATIONS.values(), ids=TRUNCATIONS.keys())
def test_truncated_answer_is_a_connection_error(hostile: HostileServer, script: Any) -> None:
    hostile.then(script)
    error, _ = bounded(fetch(make_client(hostile, max_retries=0), "alice", "card-a"), 10)
    assert type(error) is ApiConnectionError, repr(error)  # never ApiDecodeError with status 200
    assert error.status == 0


def test_body_that_ends_with_the_connection_is_read(hostile: HostileServer) -> None:
    # Legal HTTP/1.1: no length, "Connection: close", the body ends where the connection does.
    # (Not hostile; the shell that reads hostile answers must still read this one.)
    def script(r: Request) -> Any:
        body = answer(r).split(b"\r\n\r\n", 1)[1]
        return [head(200, {"Connection": "close", "x-request-id": r.request_id}), body, CLOSE]

    hostile.then(script)
    response, _ = bounded(fetch(make_client(hostile, max_retries=0), "alice", "card-a"), 10)
    assert_own_data(response, "alice", "card-a")


def test_truncated_answer_is_retried(hostile: HostileServer) -> None:
    hostile.then(TRUNCATIONS["close-inside-a-header"], TRUNCATIONS["close-before-content-length-bytes"])
    response, _ = bounded(fetch(make_client(hostile), "alice", "card-a"), 10)
    assert_own_data(response, "alice", "card-a")
    assert response.attempts == 3


# -- bounded time -------------------------------------------------------------------------------

DRIPS = {
    "status-line": lambda r: drip(answer(r), 0.05),
    "headers": lambda r: [b"HTTP/1.1 200 OK\r\n", drip(answer(r).split(b"\r\n", 1)[1], 0.05)],
    "content-length-body": lambda r: [
        answer(r).split(b"\r\n\r\n")[0] + b"\r\n\r\n",
        drip(answer(r).split(b"\r\n\r\n")[1], 0.05),
    ],
    "chunked-body": lambda r: [
        head(200, {"Transfer-Encoding": "chunked", "x-request-id": r.request_id}),
        forever(b"1\r\n \r\n", 0.05),
    ],
    "endless-100-continue": lambda r: forever(interim(100), 0.05),
    "endless-103": lambda r: forever(interim(103), 0.05),
}


@pytest.mark.parametrize("script", DRIPS.values(), ids=DRIPS.keys())
def test_drip_ends_in_a_timeout_at_the_call_deadline(hostile: HostileServer, script: Any) -> None:
    # Every attempt of alice's call drips; the deadline covers them all.
    hostile.responder = lambda r: script(r) if r.customer_id == "alice" else [answer(r)]
    cf = make_client(hostile, call_timeout=1)
    error, took = bounded(fetch(cf, "alice", "card-a"), 1 + SLACK + 2)
    assert isinstance(error, ApiTimeoutError), repr(error)
    assert took <= 1 + SLACK
    # Whatever was left of that exchange is gone: the next call gets its own answer.
    assert_own_data(bounded(fetch(cf, "bob", "card-b"), 10)[0], "bob", "card-b")


def test_per_call_deadline(hostile: HostileServer) -> None:
    hostile.then(DRIPS["status-line"])
    cf = make_client(hostile, max_retries=0)  # the default deadline is a minute
    error, took = bounded(fetch(cf, "alice", "card-a", call_timeout=1), 1 + SLACK + 2)
    assert isinstance(error, ApiTimeoutError) and took <= 1 + SLACK


def test_total_timeout_given_as_urllib3_timeout_is_honoured(hostile: HostileServer) -> None:
    from urllib3.util.timeout import Timeout

    hostile.responder = DRIPS["headers"]
    # One attempt: urllib3's own meaning of total is per attempt, so that is all this can ask.
    cf = make_client(hostile, timeout=Timeout(total=1), max_retries=0)
    error, took = bounded(fetch(cf, "alice", "card-a"), 1 + SLACK + 2)
    assert isinstance(error, ApiTimeoutError) and took <= 1 + SLACK


@pytest.mark.parametrize("header", ["Retry-After", "x-ratelimit-retry"])
def test_advised_wait_beyond_the_deadline_does_not_outlive_it(hostile: HostileServer, header: str) -> None:
    busy = {"message": "slow down", "code": "request_limit_exceeded", "type": "rate_limit_error"}
    hostile.responder = lambda r: [respond(429, busy, {header: "30", "x-request-id": r.request_id})]
    error, took = bounded(fetch(make_client(hostile, call_timeout=1), "alice", "card-a"), 1 + SLACK + 2)
    assert isinstance(error, ApiException), repr(error)
    assert took <= 1 + SLACK


# -- bounded memory -----------------------------------------------------------------------------


def peak_memory(call: Callable[[], Any], limit: float = 20) -> Tuple[Any, int]:
    """The outcome of ``call`` and the peak of memory allocated (by Python) while it ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        outcome, _ = bounded(call, limit)
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
@pytest.mark.parametrize("status", [200, 400])
def test_unrequested_compression_is_not_decoded(hostile: HostileServer, encoding: str, status: int) -> None:
    packed = bomb(64 * MiB, encoding)  # 64 MiB of BOOMs in about 64 KiB
    # Every attempt gets the bomb (a retry that gets it again must not decode it either).
    hostile.responder = lambda r: [respond(status, packed, {"Content-Encoding": encoding})]
    cf = make_client(hostile, max_response_bytes=2 * MiB)
    error, peak = peak_memory(fetch(cf, "alice", "card-a"))
    assert isinstance(error, ApiException), repr(error)
    assert peak < 8 * MiB, f"peak {peak / MiB:.1f} MiB"
    if encoding not in hostile.requests[0].headers.get("accept-encoding", ""):
        assert "BOOM" * 16 not in (error.body or "")  # not decoded: not even a bounded part of it


BIG = 64 * MiB
HUGE = {
    "content-length": lambda r: [head(200, {"Content-Length": str(BIG), "x-request-id": r.request_id}), filler(BIG)],
    "content-length-10e11": lambda r: [head(200, {"Content-Length": str(10**11)}), filler(None)],
    "chunked-endless": lambda r: [head(200, {"Transfer-Encoding": "chunked"}), chunked(filler(None))],
    "until-close-endless": lambda r: [head(200, {"Connection": "close"}), filler(None)],
    "error-status": lambda r: [head(500, {"Content-Length": str(BIG)}), filler(BIG)],
}


@pytest.mark.parametrize("script", HUGE.values(), ids=HUGE.keys())
def test_body_over_the_cap_is_refused_in_bounded_memory(hostile: HostileServer, script: Any) -> None:
    hostile.then(script)
    cf = make_client(hostile, max_response_bytes=MiB, max_retries=0)
    error, peak = peak_memory(fetch(cf, "alice", "card-a"))
    assert isinstance(error, cashfree_pg.ApiResponseTooLargeError), repr(error)
    assert peak < MiB + 6 * MiB, f"peak {peak / MiB:.1f} MiB"
    assert len(error.body or "") <= EXCERPT_MAX
    # The connection that carried it was discarded, not handed to the next call.
    assert_own_data(bounded(fetch(cf, "bob", "card-b"), 10)[0], "bob", "card-b")
    assert hostile.connections[-1] != hostile.connections[0]


def test_error_body_under_the_cap_is_read_but_kept_as_an_excerpt(hostile: HostileServer) -> None:
    padded = (
        b'{"message": "bad id", "code": "instrument_id_invalid", "type": "invalid_request_error"'
        + b" " * (600 * 1024)
        + b"}"
    )
    hostile.then(lambda r: [respond(400, padded, {"x-request-id": r.request_id})])
    error, _ = bounded(fetch(make_client(hostile, max_response_bytes=MiB), "alice", "card-a"), 10)
    assert isinstance(error, cashfree_pg.BadRequestException), repr(error)
    assert error.code == "instrument_id_invalid"
    assert 0 < len(error.body or "") <= EXCERPT_MAX


def test_default_cap_is_32_mib(hostile: HostileServer) -> None:
    hostile.then(lambda r: [head(200, {"Content-Length": str(33 * MiB)}), filler(33 * MiB)])
    error, _ = bounded(fetch(make_client(hostile, max_retries=0), "alice", "card-a"), 20)
    assert isinstance(error, cashfree_pg.ApiResponseTooLargeError), repr(error)


# -- fork at any moment -------------------------------------------------------------------------

FORK_SCRIPT = r"""
import os, random, signal, sys, threading, time
from cashfree_pg import Cashfree
url = sys.argv[1]

def first_call():
    cf = Cashfree(XClientId="id", XClientSecret="secret", base_url=url)
    cf.PGCustomerFetchInstruments("2022-09-01", "first", "card")

thread = threading.Thread(target=first_call, daemon=True)
thread.start()
children = []
while len(children) < 24 and (thread.is_alive() or len(children) < 4):
    time.sleep(random.uniform(0, 0.01))
    pid = os.fork()
    if pid == 0:
        signal.alarm(5)  # a deadlock kills the child instead of hanging the test
        cf = Cashfree(XClientId="id", XClientSecret="secret", base_url=url)
        data = cf.PGCustomerFetchInstrument("2022-09-01", "child", "card-%d" % len(children)).data
        os._exit(0 if data.instrument_id == "card-%d" % len(children) else 1)
    children.append(pid)
thread.join(10)
statuses = [os.waitpid(pid, 0)[1] for pid in children]
print(len(children), sum(1 for s in statuses if s != 0))
"""


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork")
def test_child_forked_during_the_first_call_can_use_a_client(hostile: HostileServer) -> None:
    # The first call is slow to answer, so that the forks land everywhere inside it: imports,
    # first-use caches, the pool's lock, the wait for the answer.
    hostile.responder = lambda r: [0.15, answer(r)] if r.customer_id == "first" else [answer(r)]
    run = subprocess.run([sys.executable, "-c", FORK_SCRIPT, hostile.url], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    forks, failed = map(int, run.stdout.split())
    assert forks >= 4 and failed == 0, f"{failed} of {forks} forked children hung or failed"


NO_IMPORT_SCRIPT = r"""
import sys
from cashfree_pg import Cashfree, NotFoundException
cf = Cashfree(XClientId="id", XClientSecret="secret", base_url=sys.argv[1], max_retries=1)
loaded = set(sys.modules)
cf.PGCustomerFetchInstruments("2022-09-01", "alice", "card")
cf.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "alice", "card-a")
cf.PGCustomerDeleteInstrument("2022-09-01", "alice", "card-a")
try:
    cf.PGCustomerFetchInstrument("2022-09-01", "alice", "missing")
except NotFoundException:
    pass
print(" ".join(sorted(set(sys.modules) - loaded)))
"""


def test_a_call_imports_nothing(hostile: HostileServer) -> None:
    # What the fork test finds by chance, found every time: a module imported on the call path
    # (the codec for host names was one) takes the import lock, which a process forked during
    # that import inherits held for ever.
    missing = respond(
        404, {"message": "instrument not found", "code": "instrument_not_found", "type": "invalid_request_error"}
    )
    hostile.responder = lambda r: [missing if r.instrument_id == "missing" else answer(r)]
    run = subprocess.run(
        [sys.executable, "-c", NO_IMPORT_SCRIPT, hostile.url], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == []


# -- chaos --------------------------------------------------------------------------------------


def chaos_responder(rng: random.Random) -> Callable[[Request], Any]:
    """An answer at random: right, or any fault above."""
    answered: List[Request] = []
    victim = respond(200, instrument("cust-victim", "card-victim"), {"x-request-id": "not-yours"})

    def previous(r: Request) -> Any:  # the answer to an earlier request, its id and all
        return [answer(answered[-2] if len(answered) > 1 else r)]

    faults: Dict[str, Callable[[Request], Any]] = {
        "interim": lambda r: [interim(rng.choice([100, 102, 103])), rng.choice([0, 0.05]), answer(r)],
        "wrong-id": lambda r: [victim],
        "previous": previous,
        "smuggled": lambda r: [answer(r), rng.choice([0, 0.1]), victim],
        "refused-then-smuggled": lambda r: [rng.choice(list(REFUSED_HEADS.values())), 0.1, SMUGGLED],
        "bomb": lambda r: [respond(200, bomb(8 * MiB), {"Content-Encoding": "gzip", "x-request-id": r.request_id})],
        "huge": HUGE["content-length"],
        "endless": HUGE["chunked-endless"],
        "garbage": lambda r: [rng.randbytes(200), CLOSE],
        "503": lambda r: [respond(503, {"message": "busy", "code": "x", "type": "api_error"})],
        **{f"truncation:{k}": v for k, v in TRUNCATIONS.items()},
    }
    # Drips hold a call to its deadline; rarer, so that the few seconds see many calls.
    slow: Dict[str, Callable[[Request], Any]] = {f"drip:{k}": v for k, v in DRIPS.items()}
    names, slow_names = sorted(faults), sorted(slow)

    def respond_at_random(r: Request) -> Any:
        answered.append(r)
        draw = rng.random()
        if draw < 0.35:
            return [answer(r)]
        if draw < 0.45:
            return slow[rng.choice(slow_names)](r)
        return faults[rng.choice(names)](r)

    return respond_at_random


def test_chaos_yields_only_own_data_or_typed_errors_in_time(hostile: HostileServer) -> None:
    seed = random.randrange(1 << 30)
    hostile.responder = chaos_responder(random.Random(seed))
    cf = make_client(hostile, call_timeout=1, max_response_bytes=MiB)
    results: List[Tuple[str, str, Any, float]] = []
    stop_at = time.monotonic() + 2.5

    def worker(t: int) -> None:
        n = 0
        while time.monotonic() < stop_at:
            customer, card = f"cust-{t}-{n}", f"card-{t}-{n}"
            call = cf.PGCustomerDeleteInstrument if n % 3 == 2 else cf.PGCustomerFetchInstrument
            started = time.monotonic()
            try:
                outcome: Any = call("2022-09-01", customer, card)
            except BaseException as exc:  # inspected below
                outcome = exc
            results.append((customer, card, outcome, time.monotonic() - started))
            n += 1

    threads = [threading.Thread(target=worker, args=(t,), daemon=True) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, stop_at + 1 + SLACK + 1 - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"a call never returned (seed {seed})"

    problems = []
    for customer, card, outcome, took in results:
        if took > 1 + SLACK:
            problems.append(f"{customer}: {took:.2f} s")
        if isinstance(outcome, ApiResponse):
            if (outcome.data.customer_id, outcome.data.instrument_id) != (customer, card):
                problems.append(f"{customer} got {outcome.data.customer_id}'s data")
        elif not isinstance(outcome, OpenApiException):
            problems.append(f"{customer}: raw {outcome!r}")
        else:
            shown = f"{outcome} {getattr(outcome, 'body', None) or ''}"
            seen = set(re.findall(r"(?:cust|mallory)[\w-]*", shown)) - {customer}
            if seen:
                problems.append(f"{customer}'s error shows {sorted(seen)}")
    assert problems == [], f"seed {seed}: {problems[:10]}"
    successes = sum(isinstance(o, ApiResponse) for _, _, o, _ in results)
    assert successes >= 5 and len(results) - successes >= 5, f"seed {seed}: {successes}/{len(results)}"
