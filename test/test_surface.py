"""The idiomatic surface over loopback HTTP: the resource, with_options, per-call options and
event hooks (issue 13). The async client's side of the same is in test_async.py."""

from __future__ import annotations

import logging
from typing import Any, Iterator, List

import pytest

from cashfree_pg import ApiValueError, Cashfree, RetryPolicy, ServiceException
from cashfree_pg.testing import MockCashfree
from test.hostile_server import HostileServer, answer, respond

SECRET = "cfsk_surface_secret_never_shown_71"
FAST = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.02)


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


def client(url: str, **kwargs: Any) -> Cashfree:
    kwargs.setdefault("retry_policy", FAST)
    return Cashfree(XClientId="app", XClientSecret=SECRET, base_url=url, **kwargs)


def test_resource_returns_data_and_with_response_the_response(cashfree_mock: MockCashfree) -> None:
    card = cashfree_mock.add_instrument("cust")
    cf = cashfree_mock.client()
    assert [c.instrument_id for c in cf.instruments.list("cust")] == [card.instrument_id]
    assert cf.instruments.retrieve("cust", card.instrument_id).instrument_id == card.instrument_id
    crypto = cf.instruments.cryptogram("cust", card.instrument_id, request_id="rid-1")
    assert crypto.instrument_id == card.instrument_id and cashfree_mock.requests[-1].headers["x-request-id"] == "rid-1"
    response = cf.instruments.with_response.delete("cust", card.instrument_id, idempotency_key="erase-1")
    assert response.status_code == 200 and response.data.instrument_status == "INACTIVE"
    assert response.request_id and response.attempts == 1
    assert cashfree_mock.requests[-1].headers["x-idempotency-key"] == "erase-1"
    with pytest.raises(ApiValueError):
        cf.instruments.retrieve("cust", "")


def test_with_options_shares_the_pool_and_changes_only_its_settings(hostile: HostileServer) -> None:
    hostile.responder = lambda r: [answer(r)]
    cf = client(hostile.url)
    derived = cf.with_options(max_retries=0, call_timeout=5, x_api_version="2023-08-01", timeout=(1, 2))
    assert derived.api_client is cf.api_client  # no new pool, same credentials
    cf.PGCustomerFetchInstrument("2022-09-01", "c", "i1")
    derived.PGCustomerFetchInstrument(None, "c", "i2")
    cf.instruments.retrieve("c", "i3")
    assert hostile.connections == [0, 0, 0]  # one keep-alive connection for both
    versions = [r.headers["x-api-version"] for r in hostile.requests]
    assert versions == ["2022-09-01", "2023-08-01", "2022-09-01"]
    hostile.then([respond(503, {"message": "busy"})], [respond(503, {"message": "busy"})])
    with pytest.raises(ServiceException) as info:
        derived.PGCustomerFetchInstrument(None, "c", "i4")
    assert info.value.attempts == 1  # max_retries=0 on the derived client only
    with pytest.raises(ApiValueError):
        cf.with_options(call_timeout=float("nan"))


def test_per_call_max_retries_and_call_timeout(hostile: HostileServer) -> None:
    hostile.responder = lambda r: [respond(503, {"message": "busy"})]
    cf = client(hostile.url)
    with pytest.raises(ServiceException) as info:
        cf.instruments.retrieve("c", "i", max_retries=0)
    assert info.value.attempts == 1
    with pytest.raises(ServiceException) as info:
        cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", max_retries=1)
    assert info.value.attempts == 2
    for bad in (-1, 1.5, True):
        with pytest.raises(ApiValueError):
            cf.PGCustomerFetchInstrument("2022-09-01", "c", "i", max_retries=bad)
    with pytest.raises(ApiValueError):
        cf.instruments.list("c", call_timeout=0)


def test_hooks_see_every_attempt_with_one_request_id_and_nothing_secret(hostile: HostileServer) -> None:
    events: List[Any] = []
    hooks = {"request": [events.append], "response": [events.append], "retry": [events.append]}
    hostile.then([respond(502, {"message": "card 4111111111111111"})])
    hostile.responder = lambda r: [answer(r)]
    cf = client(hostile.url, event_hooks=hooks)
    cf.PGCustomerFetchInstrument("2022-09-01", "cust-77", "card-42")
    assert [e.event for e in events] == ["request", "response", "retry", "request", "response"]
    assert len({e.request_id for e in events}) == 1
    assert [e.attempt for e in events] == [1, 1, 1, 2, 2]
    assert [e.status for e in events if e.event == "response"] == [502, 200]
    assert events[1].error == "ServiceException" and events[2].wait is not None and events[2].wait > 0
    assert events[-1].path == "/customers/{customer_id}/instruments/{instrument_id}"
    assert events[-1].rate_limit is not None
    shown = " ".join(repr(e) for e in events)
    for never in (SECRET, "cust-77", "card-42", "4111111111111111"):
        assert never not in shown


def test_a_raising_hook_is_logged_once_and_never_breaks_the_call(
    hostile: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    hostile.responder = lambda r: [answer(r)]

    def broken(event: Any) -> None:
        raise RuntimeError("hook bug")

    cf = client(hostile.url, event_hooks={"request": [broken], "response": [broken]})
    with caplog.at_level(logging.ERROR, logger="cashfree_pg"):
        for n in range(3):
            assert cf.instruments.retrieve("c", f"i{n}").instrument_id == f"i{n}"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "RuntimeError" in errors[0].getMessage()


def test_bad_hooks_are_refused_when_the_client_is_built(cashfree_mock: MockCashfree) -> None:
    with pytest.raises(ApiValueError):
        cashfree_mock.client(event_hooks={"sent": [print]})
    with pytest.raises(TypeError):
        cashfree_mock.client(event_hooks={"request": ["not callable"]})
