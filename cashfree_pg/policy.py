"""Time and retries: what a timeout setting means, and the whole decision to try again.

Nothing here does I/O or sleeps. The sync and async shells ask ``RetryPolicy.next_delay`` after
every failed attempt and do what it says; the whole-call deadline is one of its inputs.
"""

from __future__ import annotations

import math
import random
import time
from email.utils import parsedate_to_datetime
from typing import Any, FrozenSet, Iterable, Optional

from cashfree_pg._constants import (
    DEFAULT_BACKOFF_INITIAL,
    DEFAULT_BACKOFF_MAX,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_JITTER,
    DEFAULT_MAX_RETRIES,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_RETRY_AFTER_MAX,
    MAX_SECONDS,
    RETRY_STATUSES,
)
from cashfree_pg._record import Record
from cashfree_pg.exceptions import ApiValueError

#: What ``timeout`` and ``_request_timeout`` accept: seconds, a (connect, read) pair, a
#: ``Timeouts``, or a urllib3 ``Timeout`` (its ``total`` bounds each attempt).
TimeoutLike = Any


def check_seconds(name: str, value: object, allow_zero: bool = False) -> float:
    """``value`` as float seconds if it is a finite number in range; ApiValueError if not."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ApiValueError(f"{name} must be a number of seconds, got {value!r}")
    number = float(value)
    if math.isnan(number) or number > MAX_SECONDS or number < 0 or (number == 0 and not allow_zero):
        low = ">= 0" if allow_zero else "> 0"
        raise ApiValueError(f"{name} must be {low} and at most {MAX_SECONDS:g} seconds, got {value!r}")
    return number


class Timeouts(Record):
    """Per attempt: ``connect`` seconds to connect, ``read`` seconds between bytes of the answer,
    and ``total`` (or None) seconds for the whole attempt."""

    __slots__ = ("connect", "read", "total")
    connect: float
    read: float
    total: Optional[float]

    def __init__(
        self,
        connect: float = DEFAULT_CONNECT_TIMEOUT,
        read: float = DEFAULT_READ_TIMEOUT,
        total: Optional[float] = None,
    ) -> None:
        self._init(
            connect=check_seconds("connect timeout", connect),
            read=check_seconds("read timeout", read),
            total=None if total is None else check_seconds("total timeout", total),
        )


DEFAULT_TIMEOUTS = Timeouts()


def to_timeouts(value: TimeoutLike) -> Timeouts:
    """Normalise every accepted timeout form; ApiValueError for anything else."""
    if value is None:
        return DEFAULT_TIMEOUTS
    if isinstance(value, Timeouts):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = check_seconds("timeout", value)
        return Timeouts(seconds, seconds)
    if isinstance(value, tuple) and len(value) == 2:
        return Timeouts(check_seconds("connect timeout", value[0]), check_seconds("read timeout", value[1]))
    if type(value).__name__ == "Timeout" and hasattr(value, "total"):  # urllib3's, without importing it here
        return Timeouts(
            _urllib3_part(getattr(value, "_connect", None), DEFAULT_CONNECT_TIMEOUT),
            _urllib3_part(getattr(value, "_read", None), DEFAULT_READ_TIMEOUT),
            None if value.total is None else check_seconds("total timeout", value.total),
        )
    raise ApiValueError(
        f"timeout must be seconds, a (connect, read) pair of seconds, or a urllib3 Timeout; got {value!r}"
    )


def _urllib3_part(value: object, default: float) -> float:
    # urllib3 marks "not given" with a sentinel object; None would mean "wait for ever".
    if value is None:
        raise ApiValueError("timeout parts may not be None (no limit): give seconds")
    if isinstance(value, (int, float)):
        return check_seconds("timeout", value)
    return default


class RetryPolicy(Record):
    """When a failed attempt is tried again, and how long to wait first.

    Connection failures, timeouts and the statuses in ``retry_statuses`` are retried up to
    ``max_retries`` times. The wait doubles from ``backoff_initial`` up to ``backoff_max``, each
    wait spread by +/- ``jitter`` (a fraction) so that many clients do not retry in step. A wait
    the service asks for (``x-ratelimit-retry`` or ``Retry-After``) replaces the computed one,
    unless it is longer than ``retry_after_max``: then the call gives up at once and reports it.
    No wait may run past the call's deadline. Immutable; ``replace()`` gives a changed copy.
    """

    __slots__ = ("backoff_initial", "backoff_max", "jitter", "max_retries", "retry_after_max", "retry_statuses")
    max_retries: int
    backoff_initial: float
    backoff_max: float
    jitter: float
    retry_after_max: float
    retry_statuses: FrozenSet[int]

    def __init__(
        self,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff_initial: float = DEFAULT_BACKOFF_INITIAL,
        backoff_max: float = DEFAULT_BACKOFF_MAX,
        jitter: float = DEFAULT_JITTER,
        retry_after_max: float = DEFAULT_RETRY_AFTER_MAX,
        retry_statuses: Iterable[int] = RETRY_STATUSES,
    ) -> None:
        statuses = frozenset(retry_statuses)  # hashable, so equal settings share one client
        if not all(isinstance(s, int) and not isinstance(s, bool) and 100 <= s <= 599 for s in statuses):
            raise ApiValueError("retry_statuses must be HTTP statuses (whole numbers from 100 to 599)")
        jitter = check_seconds("jitter", jitter, allow_zero=True)
        if jitter > 1:
            raise ApiValueError(f"jitter is a fraction between 0 and 1, got {jitter!r}")
        self._init(
            max_retries=check_retries(max_retries),
            backoff_initial=check_seconds("backoff_initial", backoff_initial, allow_zero=True),
            backoff_max=check_seconds("backoff_max", backoff_max, allow_zero=True),
            jitter=jitter,
            retry_after_max=check_seconds("retry_after_max", retry_after_max, allow_zero=True),
            retry_statuses=statuses,
        )

    def next_delay(
        self,
        attempt: int,
        retry_after: Optional[float] = None,
        *,
        retryable: bool = True,
        remaining: float = math.inf,
    ) -> Optional[float]:
        """Seconds to wait before trying again after failed attempt number ``attempt``, or None
        to stop: the failure is not retryable, retries are spent, the service asked for a longer
        wait than we accept, or the wait would outlast the call's ``remaining`` seconds."""
        if not retryable or attempt > self.max_retries:
            return None
        if retry_after is None:
            wait = self.backoff(attempt)
        elif retry_after > self.retry_after_max:
            return None
        else:
            wait = retry_after
        return wait if wait < remaining else None

    def retryable_status(self, status: int) -> bool:
        """Whether an answer with ``status`` may be tried again."""
        return status in self.retry_statuses

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        base = min(self.backoff_max, self.backoff_initial * (2 ** min(retry_number - 1, 64)))
        spread = base * self.jitter
        wait: float = base + random.uniform(-spread, spread)
        return min(self.backoff_max, max(0.0, wait))


def check_retries(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ApiValueError(f"max_retries must be a whole number from 0 to 100, got {value!r}")
    return value


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:  # pragma: no cover - only some Python versions return None instead of raising
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def parse_whole(value: Optional[str]) -> Optional[int]:
    """A header's value as a whole number >= 0 (the ``x-ratelimit-*`` counts), or None."""
    if not value:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 12:  # no signs, no other scripts, no absurd sizes
        return None
    return int(value)


__all__ = [
    "DEFAULT_TIMEOUTS",
    "RetryPolicy",
    "TimeoutLike",
    "Timeouts",
    "check_retries",
    "check_seconds",
    "parse_retry_after",
    "parse_whole",
    "to_timeouts",
]
