"""Timeouts and retries: every setting is checked with an error that names it, each range holds
at both ends, and the retry decision keeps its promises (budget, deadline, the service's wait).

The functions of ``cashfree_pg.policy`` are pure, so most promises are stated on them directly;
the settings are also checked through ``Configuration`` and ``Cashfree``, as merchants set them.
"""

from __future__ import annotations

import math
import time
from email.utils import formatdate
from typing import Any, Callable, Dict, List, Optional

import pytest
import urllib3

from cashfree_pg import ApiException, ApiValueError, Cashfree, Configuration, RetryPolicy, Timeouts
from cashfree_pg.policy import DEFAULT_TIMEOUTS, parse_retry_after, parse_whole, to_timeouts
from test.scripted_server import SEED_INSTRUMENT, Reply, ScriptedServer

DAY = 86_400.0  # the longest time any setting accepts
JUST_OVER_A_DAY = math.nextafter(DAY, math.inf)
TINY = 5e-324  # the smallest positive float: still a time

# -- settings of seconds: the name, the type, the range ------------------------------------------

# (setting as named in the error, how to build it with one value, whether 0 is allowed)
SECONDS_SETTINGS: List[Any] = [
    ("connect timeout", lambda v: Timeouts(connect=v), False),
    ("read timeout", lambda v: Timeouts(read=v), False),
    ("total timeout", lambda v: Timeouts(total=v), False),
    ("connect timeout", lambda v: to_timeouts((v, 1)), False),
    ("read timeout", lambda v: to_timeouts((1, v)), False),
    ("timeout", lambda v: to_timeouts(v), False),
    ("backoff_initial", lambda v: RetryPolicy(backoff_initial=v), True),
    ("backoff_max", lambda v: RetryPolicy(backoff_max=v), True),
    ("retry_after_max", lambda v: RetryPolicy(retry_after_max=v), True),
    ("jitter", lambda v: RetryPolicy(jitter=v), True),
    ("call_timeout", lambda v: Configuration(call_timeout=v), False),
]
NOT_NUMBERS = [True, False, "1", b"1", [1], 1j]
OUT_OF_RANGE = [float("nan"), math.inf, -math.inf, -1, -TINY, JUST_OVER_A_DAY]


def _refusal(build: Callable[[Any], Any], value: Any) -> str:
    with pytest.raises(ApiValueError) as info:
        build(value)
    return str(info.value)


@pytest.mark.parametrize(("name", "build", "zero_ok"), SECONDS_SETTINGS)
def test_every_bad_time_setting_is_refused_with_an_error_that_names_it(
    name: str, build: Callable[[Any], Any], zero_ok: bool
) -> None:
    for value in NOT_NUMBERS + OUT_OF_RANGE + ([] if zero_ok else [0, 0.0]):
        message = _refusal(build, value)
        assert message.startswith(name + " must be "), (value, message)


@pytest.mark.parametrize(("name", "part"), [("timeout", "connect"), ("timeout", "read"), ("total timeout", "total")])
def test_a_urllib3_timeout_is_held_to_the_same_range(name: str, part: str) -> None:
    # urllib3 refuses what is not a number or not > 0 itself; what it lets through is checked here.
    for value in (float("nan"), math.inf, JUST_OVER_A_DAY):
        message = _refusal(lambda v: to_timeouts(urllib3.Timeout(**{part: v})), value)
        assert message.startswith(name + " must be > 0 and at most 86400 seconds"), message
    assert getattr(to_timeouts(urllib3.Timeout(**{part: DAY})), part) == DAY


@pytest.mark.parametrize(("name", "build", "zero_ok"), SECONDS_SETTINGS)
def test_the_error_for_a_time_setting_states_the_range_it_accepts(
    name: str, build: Callable[[Any], Any], zero_ok: bool
) -> None:
    low = ">= 0" if zero_ok else "> 0"
    assert _refusal(build, -1) == f"{name} must be {low} and at most 86400 seconds, got -1"


@pytest.mark.parametrize(("name", "build", "zero_ok"), SECONDS_SETTINGS)
def test_a_time_setting_accepts_its_whole_range_including_both_ends(
    name: str, build: Callable[[Any], Any], zero_ok: bool
) -> None:
    if name == "jitter":  # a fraction: its own upper end, below
        values: List[float] = [0.0, TINY, 0.25, 1.0]
    else:
        values = [TINY, 0.5, 3, DAY] + ([0, 0.0] if zero_ok else [])
    for value in values:
        build(value)  # no error


def test_seconds_are_kept_as_floats_whatever_number_type_was_given() -> None:
    t = Timeouts(connect=3, read=7, total=30)
    assert (t.connect, t.read, t.total) == (3.0, 7.0, 30.0)
    assert all(type(v) is float for v in (t.connect, t.read, t.total))
    policy = RetryPolicy(backoff_initial=1, backoff_max=4, jitter=0, retry_after_max=9)
    assert all(type(v) is float for v in (policy.backoff_initial, policy.backoff_max, policy.jitter))
    assert type(policy.retry_after_max) is float and type(Configuration(call_timeout=5).call_timeout) is float


def test_jitter_is_a_fraction_from_zero_to_one() -> None:
    assert RetryPolicy(jitter=1).jitter == 1.0 and RetryPolicy(jitter=0).jitter == 0.0
    for value in (math.nextafter(1.0, 2.0), 1.5, 2):
        message = _refusal(lambda v: RetryPolicy(jitter=v), value)
        assert message.startswith("jitter is a fraction between 0 and 1") and message.endswith(repr(float(value)))


# -- the retry budget and the statuses ----------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 101, 2.0, True, "2", 10**20])
def test_max_retries_is_a_whole_number_from_0_to_100_wherever_it_is_set(value: Any, server: ScriptedServer) -> None:
    client = Cashfree(XClientId="a", XClientSecret="b", base_url=server.url)
    builders: List[Callable[[], Any]] = [
        lambda: RetryPolicy(max_retries=value),
        lambda: Cashfree(XClientId="a", XClientSecret="b", max_retries=value),
        lambda: client.instruments.retrieve("c", "i", max_retries=value),
    ]
    for build in builders:
        with pytest.raises(ApiValueError) as info:
            build()
        assert str(info.value) == f"max_retries must be a whole number from 0 to 100, got {value!r}"
    assert server.requests == []  # refused before anything was sent


def test_max_retries_accepts_0_and_100() -> None:
    assert RetryPolicy(max_retries=0).max_retries == 0 and RetryPolicy(max_retries=100).max_retries == 100


@pytest.mark.parametrize("statuses", [{99}, {600}, {500, 600}, {True}, {"500"}, {500.0}, {None}])
def test_retry_statuses_are_http_statuses_from_100_to_599(statuses: Any) -> None:
    with pytest.raises(ApiValueError, match=r"^retry_statuses must be HTTP statuses"):
        RetryPolicy(retry_statuses=statuses)


def test_any_status_from_100_to_599_can_be_chosen_for_retrying() -> None:
    policy = RetryPolicy(retry_statuses=[100, 599, 599])
    assert policy.retry_statuses == frozenset({100, 599})
    assert policy.retryable_status(599) and policy.retryable_status(100) and not policy.retryable_status(500)
    default = RetryPolicy()
    assert {s for s in range(100, 600) if default.retryable_status(s)} == {408, 429, 500, 502, 503, 504}


def test_a_chosen_status_599_is_retried_against_a_server(server: ScriptedServer) -> None:
    fast = RetryPolicy(max_retries=1, backoff_initial=0, backoff_max=0, retry_statuses={599})
    server.reply(Reply(599, {"message": "odd", "code": "x", "type": "api_error"}), Reply(200, SEED_INSTRUMENT))
    client = Cashfree(XClientId="a", XClientSecret="b", base_url=server.url, retry_policy=fast)
    response = client.instruments.with_response.retrieve("c", "i")
    assert response.attempts == 2 and len(server.requests) == 2
    server.reply(Reply(503, {"message": "busy", "code": "x", "type": "api_error"}))
    with pytest.raises(ApiException) as info:  # 503 is not in the chosen set: one attempt
        client.instruments.retrieve("c", "i")
    assert info.value.status == 503 and info.value.attempts == 1 and len(server.requests) == 3


# -- the decision to try again ------------------------------------------------------------------

STILL = RetryPolicy(max_retries=3, backoff_initial=0.5, backoff_max=8, jitter=0, retry_after_max=30)


def test_retries_stop_exactly_when_the_budget_is_spent() -> None:
    assert [STILL.next_delay(n) for n in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, None, None]
    assert RetryPolicy(max_retries=0).next_delay(1) is None
    assert STILL.next_delay(1, retryable=False) is None and STILL.next_delay(1, 2.0, retryable=False) is None


def test_the_wait_the_service_asks_for_replaces_the_backoff_up_to_the_accepted_maximum() -> None:
    assert STILL.next_delay(1, 0.0) == 0.0 and STILL.next_delay(3, 7.0) == 7.0
    assert STILL.next_delay(1, 30.0) == 30.0  # exactly the maximum is still accepted
    assert STILL.next_delay(1, math.nextafter(30.0, 31.0)) is None  # longer: give up at once


def test_a_wait_is_taken_only_if_time_is_left_after_it() -> None:
    assert STILL.next_delay(1, remaining=0.6) == 0.5
    assert STILL.next_delay(1, remaining=0.5) is None  # nothing left for the attempt itself
    assert STILL.next_delay(1, 5.0, remaining=5.0) is None
    assert STILL.next_delay(1, 5.0, remaining=5.5) == 5.0


def test_backoff_doubles_from_its_start_to_its_cap_and_never_fails() -> None:
    policy = RetryPolicy(backoff_initial=0.25, backoff_max=3, jitter=0)
    assert [policy.backoff(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 3.0, 3.0]
    assert policy.backoff(10**6) == 3.0  # no overflow, however many retries
    assert RetryPolicy(backoff_initial=0, jitter=1).backoff(5) == 0.0


def test_jitter_spreads_waits_on_both_sides_so_clients_do_not_retry_in_step() -> None:
    policy = RetryPolicy(backoff_initial=2, backoff_max=8, jitter=0.5)
    waits = [policy.backoff(1) for _ in range(200)]
    assert all(1.0 <= w <= 3.0 for w in waits)
    assert min(waits) < 1.8 and max(waits) > 2.2  # 200 draws all within 0.2 of 2: chance 0.2**200


# -- timeout forms ------------------------------------------------------------------------------


def test_every_accepted_timeout_form_means_what_it_says() -> None:
    assert to_timeouts(None) == DEFAULT_TIMEOUTS == Timeouts(5.0, 20.0, None)
    given = Timeouts(1, 2, 3)
    assert to_timeouts(given) is given
    assert to_timeouts(7) == Timeouts(7.0, 7.0) and to_timeouts(2.5) == Timeouts(2.5, 2.5)
    assert to_timeouts((3, 9)) == Timeouts(3.0, 9.0, None)
    assert to_timeouts(urllib3.Timeout(connect=1, read=2, total=3)) == Timeouts(1.0, 2.0, 3.0)
    assert to_timeouts(urllib3.Timeout(total=4)) == Timeouts(5.0, 20.0, 4.0)  # parts not given: defaults
    assert to_timeouts(urllib3.Timeout(connect=1.5)) == Timeouts(1.5, 20.0, None)
    assert to_timeouts(urllib3.Timeout(read=6)) == Timeouts(5.0, 6.0, None)
    assert Configuration(timeout=(2, 4)).timeout == Timeouts(2.0, 4.0)


class Timeout:
    """Not urllib3's: another library's timeout, or the caller's own, that merely shares the name."""

    total = 5.0


class Deadline:
    """A total, but not a urllib3 Timeout."""

    total = 5.0


@pytest.mark.parametrize("value", [True, "5", [1, 2], (1, 2, 3), (1,), {"connect": 1}, object(), Deadline()])
def test_anything_else_is_refused_as_a_timeout(value: Any) -> None:
    for build in (to_timeouts, lambda v: Configuration(timeout=v)):
        with pytest.raises(ApiValueError) as info:
            build(value)
        assert str(info.value).startswith("timeout must be seconds, a (connect, read) pair of seconds, or a urllib3")


@pytest.mark.parametrize("parts", [{"connect": None}, {"read": None}, {"connect": None, "read": None, "total": 9}])
def test_a_urllib3_timeout_without_a_limit_is_refused(parts: Dict[str, Any]) -> None:
    with pytest.raises(ApiValueError, match=r"^timeout parts may not be None \(no limit\)"):
        to_timeouts(urllib3.Timeout(**parts))


#: Named Timeout, with a total and a connect part but no read part.
HALF_TIMEOUT = type("Timeout", (), {"total": 5.0, "_connect": 1.0})()


@pytest.mark.parametrize("look_alike", [Timeout(), HALF_TIMEOUT])
def test_a_look_alike_timeout_gets_a_typed_error_not_an_attribute_error(look_alike: Any) -> None:
    # Named Timeout and with a total, but without urllib3's parts: still refused as a timeout.
    with pytest.raises(ApiValueError, match=r"^timeout parts may not be None"):
        to_timeouts(look_alike)


# -- header values the policy reads --------------------------------------------------------------

NOW = 1_800_000_000.0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-5", 0.0),  # a wait in the past is no wait
        (formatdate(NOW + 30, usegmt=True), 30.0),
        (formatdate(NOW - 30, usegmt=True), 0.0),
        (None, None),
        ("", None),
        ("inf", None),
        ("nan", None),
        ("-inf", None),
        ("soon", None),
        ("Mon, 32 Jan 2026 00:00:00 GMT", None),
        ("Mon, 01 Jan 99999999999 00:00:00 GMT", None),  # too large a year for a date
    ],
)
def test_retry_after_is_seconds_or_an_http_date_and_nothing_else(header: Optional[str], seconds: Any) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_an_http_date_in_retry_after_counts_from_the_clock_by_default() -> None:
    wait = parse_retry_after(formatdate(time.time() + 100, usegmt=True))
    assert wait is not None and 90 <= wait <= 100


@pytest.mark.parametrize(
    ("header", "value"),
    [("0", 0), ("42", 42), (" 42 ", 42), ("999999999999", 999_999_999_999), (None, None), ("", None)]
    + [(v, None) for v in ("-1", "+1", "4.2", "1e3", "0x1", "\u0664\u0662", "\u00b2", "1 000", "9999999999999")],
)
def test_rate_limit_counts_are_plain_whole_numbers_of_at_most_12_digits(header: Optional[str], value: Any) -> None:
    assert parse_whole(header) == value


def test_rate_limit_headers_reach_the_response(server: ScriptedServer) -> None:
    headers = {"Content-Type": "application/json", "x-ratelimit-limit": "100", "x-ratelimit-remaining": "-3"}
    server.reply(Reply(200, SEED_INSTRUMENT, headers=headers))
    client = Cashfree(XClientId="a", XClientSecret="b", base_url=server.url)
    limit = client.instruments.with_response.retrieve("c", "i").rate_limit
    assert (limit.limit, limit.remaining, limit.retry) == (100, None, None)
