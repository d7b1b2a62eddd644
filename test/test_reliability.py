"""Retries, backoff, Retry-After, idempotency, threads and forks, against a loopback server."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from email.utils import formatdate
from typing import Dict, List

import pytest

from cashfree_pg import Cashfree, RateLimitException, RetryPolicy, ServiceException
from cashfree_pg.policy import parse_retry_after, to_timeouts
from test.conftest import make_client
from test.scripted_server import SEED_INSTRUMENT, Recorded, Reply, ScriptedServer

BUSY = {"message": "try later", "code": "request_limit_exceeded", "type": "rate_limit_error"}


def echo_instrument(request: Recorded) -> Reply:
    """Answer with an instrument whose id is the request's id and whose customer is the caller."""
    return Reply(
        200,
        dict(
            SEED_INSTRUMENT,
            instrument_id=request.headers["x-request-id"],
            customer_id=request.headers.get("x-client-id"),
        ),
    )


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retried_status_then_success(server: ScriptedServer, status: int) -> None:
    server.reply(Reply(status, BUSY), Reply(200, SEED_INSTRUMENT))
    response = make_client(server).PGCustomerDeleteInstrument("2022-09-01", "c1", "i1")
    assert response.status_code == 200 and len(server.requests) == 2
    first, second = server.requests
    # Same call, same identity: a retried delete can never act twice.
    assert first.headers["x-request-id"] == second.headers["x-request-id"]
    assert first.headers["x-idempotency-key"] == second.headers["x-idempotency-key"]


def test_callers_idempotency_key_is_kept_across_attempts(server: ScriptedServer) -> None:
    server.reply(Reply(503, BUSY), Reply(503, BUSY), Reply(200, SEED_INSTRUMENT))
    make_client(server).PGCustomerDeleteInstrument("2022-09-01", "c1", "i1", "rid", "my-key")
    assert [r.headers["x-idempotency-key"] for r in server.requests] == ["my-key"] * 3
    assert [r.headers["x-request-id"] for r in server.requests] == ["rid"] * 3


def test_dropped_connection_then_success(server: ScriptedServer) -> None:
    server.reply(Reply(action="drop"), Reply(200, SEED_INSTRUMENT))
    assert make_client(server).PGCustomerFetchInstrument("2022-09-01", "c1", "i1").status_code == 200


def test_max_retries_zero_turns_retries_off(server: ScriptedServer) -> None:
    server.default = Reply(503, BUSY)
    with pytest.raises(ServiceException) as info:
        make_client(server, max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    assert info.value.attempts == 1 and len(server.requests) == 1


def test_retry_after_seconds_is_obeyed(server: ScriptedServer) -> None:
    server.reply(Reply(429, BUSY, {"Retry-After": "0.3"}), Reply(200, SEED_INSTRUMENT))
    started = time.monotonic()
    make_client(server).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    assert time.monotonic() - started >= 0.3  # the fast test backoff alone would be 0.01 s


def test_retry_after_http_date_is_obeyed(server: ScriptedServer) -> None:
    when = formatdate(time.time() + 1.2, usegmt=True)  # whole seconds: waits between 0.2 and 1.2 s
    server.reply(Reply(503, BUSY, {"Retry-After": when}), Reply(200, SEED_INSTRUMENT))
    started = time.monotonic()
    make_client(server).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    assert time.monotonic() - started >= 0.15


def test_retry_after_beyond_the_limit_raises_at_once(server: ScriptedServer) -> None:
    server.default = Reply(429, BUSY, {"Retry-After": "120"})
    started = time.monotonic()
    with pytest.raises(RateLimitException) as info:
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c1", "i1")
    assert time.monotonic() - started < 5
    assert info.value.retry_after == 120 and info.value.attempts == 1 and len(server.requests) == 1
    assert "Retry after: 120s" in str(info.value)


def test_backoff_doubles_from_half_a_second_capped_with_jitter() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.backoff_initial, policy.backoff_max) == (2, 0.5, 8.0)
    for n, base in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)]:
        waits = [policy.backoff(n) for _ in range(200)]
        assert all(base * 0.75 - 1e-9 <= w <= min(8.0, base * 1.25) + 1e-9 for w in waits)
        assert len(set(waits)) > 1  # jittered
    assert RetryPolicy(jitter=0).backoff(3) == 2.0


def test_policy_and_timeout_validation() -> None:
    from cashfree_pg import ApiValueError

    with pytest.raises(ApiValueError):
        RetryPolicy(max_retries=-1)
    with pytest.raises(ApiValueError):
        RetryPolicy(jitter=2)
    for bad in (0, -1, "5", (1, 2, 3), (1, "x"), True, float("nan"), float("inf"), (1, float("inf")), 1e300):
        with pytest.raises(ApiValueError):
            to_timeouts(bad)
    t = to_timeouts((2, 7))
    assert (t.connect, t.read, t.total) == (2.0, 7.0, None)
    d = to_timeouts(None)
    assert (d.connect, d.read) == (5.0, 20.0)
    from urllib3.util.timeout import Timeout

    assert to_timeouts(Timeout(total=3)).total == 3.0


def test_parse_retry_after() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now=now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now=now) == 0.0


def test_default_timeout_is_set_on_every_client() -> None:
    c = Cashfree(XClientId="a", XClientSecret="b").configuration
    assert (c.timeout.connect, c.timeout.read, c.call_timeout) == (5.0, 20.0, 60.0)
    assert Cashfree(XClientId="a", XClientSecret="b", timeout=3).configuration.timeout.read == 3


def test_two_merchants_from_many_threads_never_mix_credentials(server: ScriptedServer) -> None:
    server.responder = echo_instrument
    merchants = {
        "merchant_a": Cashfree(XClientId="merchant_a", XClientSecret="secret_a", base_url=server.url),
        "merchant_b": Cashfree(XClientId="merchant_b", XClientSecret="secret_b", base_url=server.url),
    }
    errors: List[str] = []

    def work(name: str, worker: int) -> None:
        client = merchants[name]
        for i in range(25):
            rid = f"{name}-{worker}-{i}"
            data = client.PGCustomerFetchInstrument("2022-09-01", "c", "i", rid).data
            if data.instrument_id != rid or data.customer_id != name:
                errors.append(f"{rid} got {data.instrument_id}/{data.customer_id}")

    threads = [threading.Thread(target=work, args=(n, w)) for n in merchants for w in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sent: Dict[str, str] = {r.headers["x-request-id"]: r.headers["x-client-secret"] for r in server.requests}
    assert len(sent) == 300
    assert all(secret == ("secret_a" if rid.startswith("merchant_a") else "secret_b") for rid, secret in sent.items())


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork")
# The loopback server runs in a thread of this process; the child never touches it.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_forked_child_never_reuses_the_parents_connections(server: ScriptedServer) -> None:
    server.responder = echo_instrument
    client = make_client(server)
    client.PGCustomerFetchInstrument("2022-09-01", "c", "i", "warm-up")  # the pool now holds a socket
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child; its exit code is the result
        ok = all(
            client.PGCustomerFetchInstrument("2022-09-01", "c", "i", f"child-{i}").data.instrument_id == f"child-{i}"
            for i in range(40)
        )
        os._exit(0 if ok else 1)
    mismatched = [
        i
        for i in range(40)
        if client.PGCustomerFetchInstrument("2022-09-01", "c", "i", f"parent-{i}").data.instrument_id != f"parent-{i}"
    ]
    _, status = os.waitpid(pid, 0)
    assert mismatched == [] and os.WEXITSTATUS(status) == 0


def test_shared_client_pool_survives_close(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    with make_client(server) as client:
        client.PGCustomerFetchInstrument("2022-09-01", "c", "i")
    client.PGCustomerFetchInstrument("2022-09-01", "c", "i")  # reconnects after close()
    assert len(server.requests) == 2


def test_pool_is_reused_across_calls_and_instances(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    first = make_client(server)
    second = make_client(server)
    assert first.api_client is second.api_client  # same settings share one pool
    for _ in range(5):
        first.PGCustomerFetchInstrument("2022-09-01", "c", "i")
        second.PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert len({(r.headers["x-client-id"]) for r in server.requests}) == 1
    assert Cashfree(XClientId="other", XClientSecret="x", base_url=server.url).api_client is not first.api_client


def test_equal_timeouts_share_one_pool(server: ScriptedServer) -> None:
    assert make_client(server, timeout=3).api_client is make_client(server, timeout=3).api_client
    assert make_client(server, timeout=(1, 2)).api_client is not make_client(server, timeout=3).api_client


def test_retry_policy_accepts_a_plain_set(server: ScriptedServer) -> None:
    from urllib3.util.timeout import Timeout

    policy = RetryPolicy(retry_statuses={503}, backoff_initial=0.01)  # type: ignore[arg-type]
    assert policy.retry_statuses == frozenset({503})
    one = make_client(server, retry_policy=policy, timeout=Timeout(connect=1, read=2))
    two = make_client(server, retry_policy=policy, timeout=Timeout(connect=1, read=2))
    assert one.api_client is two.api_client


def test_policy_decides_every_retry() -> None:
    policy = RetryPolicy(max_retries=2, jitter=0)
    assert policy.next_delay(1) == 0.5 and policy.next_delay(2) == 1.0
    assert policy.next_delay(3) is None  # retries spent
    assert policy.next_delay(1, retry_after=12) == 12
    assert policy.next_delay(1, retry_after=61) is None  # longer than we wait: give up at once
    assert RetryPolicy(max_retries=0).next_delay(1) is None


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_fork_while_another_thread_holds_the_clients_locks(server: ScriptedServer) -> None:
    from cashfree_pg import _shared

    server.responder = echo_instrument
    client = make_client(server)
    client.PGCustomerFetchInstrument("2022-09-01", "c", "i", "warm-up")
    held = threading.Event()
    release = threading.Event()

    def hold_locks() -> None:
        with _shared._lock, client.api_client.rest_client._lock:
            held.set()
            release.wait(5)

    holder = threading.Thread(target=hold_locks)
    holder.start()
    held.wait(5)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child; its exit code is the result
        signal.alarm(5)  # a deadlock ends the child instead of hanging the test run
        again = make_client(server)  # needs the shared-client lock
        ok = again.PGCustomerFetchInstrument("2022-09-01", "c", "i", "child").data.instrument_id == "child"
        os._exit(0 if ok else 1)
    release.set()
    holder.join()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs os.fork")
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_fork_with_a_never_used_client_whose_lock_is_held(server: ScriptedServer) -> None:
    server.responder = echo_instrument
    client = make_client(server, pool_maxsize=3)  # never used before the fork
    lock = client.api_client.rest_client._lock
    lock.acquire()  # as if another thread of the parent were inside the pool's lock
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child; its exit code is the result
            signal.alarm(5)  # a deadlock ends the child instead of hanging the test run
            ok = client.PGCustomerFetchInstrument("2022-09-01", "c", "i", "child").data.instrument_id == "child"
            client.close()
            os._exit(0 if ok else 1)
    finally:
        lock.release()
    _, status = os.waitpid(pid, 0)
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
