"""The testing kit as a server: many threads, speed, start and stop, loopback only, and the kit
under abuse (malformed and oversized requests, idle connections)."""

# The tests take the plugin's fixture, imported below, as a parameter of the same name.
# ruff: noqa: F811

from __future__ import annotations

import http.client
import json
import socket
import statistics
import threading
import time
from typing import Any, List, Tuple
from urllib.parse import urlsplit

import pytest

from cashfree_pg import (
    ApiConnectionError,
    Cashfree,
    ConflictException,
)
from cashfree_pg.testing import MockCashfree
from cashfree_pg.testing.pytest_plugin import cashfree_mock  # noqa: F401  (the fixture under test)
from test.testing_kit_helpers import FAST, LIST, NO_RETRY, auth, client, exchange, raw

# -- threads, speed, lifetime -------------------------------------------------------------------


def test_many_threads_at_once(cashfree_mock: MockCashfree) -> None:
    cards = [cashfree_mock.add_instrument(f"cust_{i}") for i in range(8)]
    errors: List[BaseException] = []
    added: List[str] = []

    def work(i: int) -> None:
        try:
            cf = client(cashfree_mock)
            cid, iid = f"cust_{i}", cards[i].instrument_id
            for _ in range(10):
                assert cf.PGCustomerFetchInstrument(customer_id=cid, instrument_id=iid).data.customer_id == cid
                assert cf.PGCustomerInstrumentsFetchCryptogram(customer_id=cid, instrument_id=iid).data.cryptogram
                added.append(cashfree_mock.add_instrument(cid).instrument_id or "")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cashfree_mock.requests) == 160
    assert len(set(added)) == 80
    assert all(len(cashfree_mock.instruments(f"cust_{i}")) == 11 for i in range(8))


def test_concurrent_deletes_act_once(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust_1")
    results: List[str] = []
    barrier = threading.Barrier(6)

    def delete() -> None:
        cf = client(cashfree_mock, retry_policy=NO_RETRY)
        barrier.wait()
        try:
            cf.PGCustomerDeleteInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
            results.append("deleted")
        except ConflictException:
            results.append("conflict")

    threads = [threading.Thread(target=delete) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["deleted"]


def test_responses_do_not_stall_on_nagle(cashfree_mock: MockCashfree) -> None:
    cf = client(cashfree_mock)
    cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")  # connect
    times = []
    for _ in range(15):
        started = time.perf_counter()
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        times.append(time.perf_counter() - started)
    assert statistics.median(times) < 0.02  # ~40 ms each if Nagle met delayed ACKs


def test_async_client_is_served_by_the_same_mock(cashfree_mock: MockCashfree) -> None:
    import asyncio

    pytest.importorskip("httpx")
    card = cashfree_mock.add_instrument("cust_1")

    async def use() -> Tuple[Any, Any]:
        async with cashfree_mock.async_client(retry_policy=FAST) as cf:
            listed = await cf.instruments.list("cust_1")
            deleted = await cf.instruments.delete("cust_1", card.instrument_id)
            return listed, deleted

    listed, deleted = asyncio.run(use())
    assert listed == [card] and deleted.instrument_status == "INACTIVE"
    assert cashfree_mock.delete_count(card.instrument_id) == 1
    assert cashfree_mock.requests[0].headers["x-client-secret"] == "test_client_secret"


def test_environ_points_plain_cashfree_at_the_mock(
    cashfree_mock: MockCashfree, monkeypatch: pytest.MonkeyPatch
) -> None:
    cashfree_mock.add_instrument("cust_1")
    for name, value in cashfree_mock.environ().items():
        monkeypatch.setenv(name, value)
    assert len(Cashfree().PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card").data) == 1


def test_start_stop_lifecycle() -> None:
    mock = MockCashfree()
    with pytest.raises(RuntimeError, match="not started"):
        _ = mock.url
    mock.stop()  # before start: nothing to do
    assert mock.start() is mock and mock.start() is mock  # a second start is a no-op
    url = mock.url
    card = mock.add_instrument("cust_1")
    cf = client(mock, retry_policy=NO_RETRY)
    assert cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id).status_code == 200
    mock.stop()
    mock.stop()
    assert not mock.running
    with pytest.raises(ApiConnectionError):
        cf.PGCustomerFetchInstrument(customer_id="cust_1", instrument_id=card.instrument_id)
    port = urlsplit(url).port
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port or 0)) != 0  # nothing listens any more
    # It can be started again; its state is kept.
    with mock:
        assert mock.instrument(card.instrument_id or "") == card


def test_stop_is_quick_with_open_and_stalled_connections() -> None:
    mock = MockCashfree().start()
    cf = client(mock, timeout=5, retry_policy=NO_RETRY)
    cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")  # leaves a keep-alive connection
    mock.stall_next(30)
    caught: List[BaseException] = []

    def stalled() -> None:
        try:
            cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        except ApiConnectionError as exc:
            caught.append(exc)

    t = threading.Thread(target=stalled)
    t.start()
    deadline = time.monotonic() + 5
    while len(mock.requests) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.perf_counter()
    mock.stop()
    t.join(5)
    assert time.perf_counter() - started < 2
    assert not t.is_alive() and len(caught) == 1  # the stalled call got no answer


def test_listens_on_loopback_only() -> None:
    for host in ("0.0.0.0", "::", "192.168.1.10", "example.com", ""):
        with pytest.raises(ValueError, match="loopback"):
            MockCashfree(host=host)
    with pytest.raises(ValueError, match="port"):
        MockCashfree(port=70000)
    with MockCashfree(host="localhost") as mock:
        assert mock.url.startswith("http://127.0.0.1:")
    with MockCashfree() as mock:
        server = mock._server
        assert server is not None and server.server_address[0] == "127.0.0.1"


def test_ipv6_loopback() -> None:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with MockCashfree(host="::1") as mock:
        assert mock.url.startswith("http://[::1]:")
        mock.add_instrument("cust_1")
        got = client(mock).PGCustomerFetchInstruments(customer_id="cust_1", instrument_type="card")
        assert len(got.data) == 1


def test_busy_port_raises_oserror() -> None:
    with MockCashfree() as first:
        port = urlsplit(first.url).port or 0
        with pytest.raises(OSError):
            MockCashfree(port=port).start()


# -- the kit under abuse ------------------------------------------------------------------------


def test_malformed_requests(cashfree_mock: MockCashfree) -> None:
    status, _, body = raw(cashfree_mock, "GET", "/customers/c/instruments/i/other", auth(cashfree_mock))
    assert status == 404 and body["code"] == "request_url_invalid"
    # A path starting with // is a path, not a host name followed by one.
    url = urlsplit(cashfree_mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    conn.request("GET", "//evil.example/pg" + LIST, headers=auth(cashfree_mock))
    assert conn.getresponse().status == 404
    conn.close()
    # (http.server itself turns a leading // into / on newer Pythons.)
    assert cashfree_mock.requests[-1].path.lstrip("/") == "evil.example/pg/customers/c/instruments"
    url = urlsplit(cashfree_mock.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=5)
    conn.putrequest("GET", "/pg/customers/c/instruments")
    conn.putheader("Content-Length", "-5")
    conn.endheaders()
    assert conn.getresponse().status == 400
    conn.close()


def test_a_huge_content_length_is_413_without_reading_it(
    cashfree_mock: MockCashfree, capfd: pytest.CaptureFixture[str]
) -> None:
    request = (
        b"POST /pg/customers/c/instruments HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n"
        b"x-client-id: a\r\nx-client-secret: b\r\n\r\n"
    )
    started = time.perf_counter()
    answer = exchange(cashfree_mock, request + b"x" * 1000)
    assert time.perf_counter() - started < 4  # answered and closed, not waiting for the body
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 ") and b"Connection: close" in head
    assert json.loads(body)["code"] == "request_too_large"
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err and "MemoryError" not in out + err
    assert cashfree_mock.requests == []  # never got to the service


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET /pg HTTP/9.9\r\n\r\n",
        b"GET /pg/customers/c/instruments HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n",
        b"GET /pg/customers/c/instruments HTTP/1.1\r\nContent-Length: \xb2\r\n\r\n",
        b"GET /" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n",
        b"GET /pg HTTP/1.1\r\n" + b"".join(b"h%d: v\r\n" % i for i in range(150)) + b"\r\n",
        b"GET //evil.example/pg/customers/c/instruments HTTP/1.1\r\nConnection: close\r\n\r\n",
        b"GET /pg/customers/%ff%fe/instruments/%zz?instrument_type=%ff HTTP/1.1\r\nConnection: close\r\n\r\n",
    ],
)
def test_malformed_requests_get_a_json_error_and_no_traceback(
    cashfree_mock: MockCashfree, capfd: pytest.CaptureFixture[str], request_bytes: bytes
) -> None:
    answer = exchange(cashfree_mock, request_bytes)
    head, _, body = answer.partition(b"\r\n\r\n")
    status = int(head.split(b" ")[1])
    assert 400 <= status < 500 or status == 505  # never the 501 of an unknown method
    assert b"Content-Type: application/json" in head and json.loads(body)["type"]
    assert b"x-ratelimit-limit" in head and b"<html" not in body.lower()
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


def test_idle_connections_are_closed() -> None:
    with MockCashfree(idle_timeout=0.3) as mock:
        started = time.perf_counter()
        assert exchange(mock, b"", timeout=10) == b""  # closed by the server, silently
        assert time.perf_counter() - started < 5
        # ... also one that went quiet half way through its headers.
        assert exchange(mock, b"GET /pg/customers HTTP/1.1\r\nHost:", timeout=10) == b""
        with pytest.raises(ValueError, match="idle_timeout"):
            MockCashfree(idle_timeout=0)
    # A pooled connection closed by the mock between calls is replaced by the SDK.
    with MockCashfree(idle_timeout=0.2) as mock:
        cf = client(mock)
        cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card")
        time.sleep(0.4)
        assert cf.PGCustomerFetchInstruments(customer_id="c", instrument_type="card").status_code == 200
