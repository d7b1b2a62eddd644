"""How long to wait and when to try again: one immutable policy the transport consults."""

from __future__ import annotations

import random
import time
from email.utils import parsedate_to_datetime
from typing import Dict, FrozenSet, Iterable, Optional, Tuple, Union

from urllib3.util.timeout import Timeout

from cashfree_pg._record import Record
from cashfree_pg.exceptions import ApiValueError

#: What ``timeout`` and ``_request_timeout`` accept: seconds, a (connect, read) pair, or a Timeout.
TimeoutLike = Union[float, int, Tuple[float, float], Timeout]

#: Each attempt gets at most 5 s to connect and 20 s between bytes of the response.
DEFAULT_TIMEOUT = Timeout(connect=5.0, read=20.0)

#: Statuses that mean "try again": the request was not acted on, or is safe to repeat.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


_TIMEOUTS: Dict[Tuple[float, float], Timeout] = {}


def _timeout(connect: float, read: float) -> Timeout:
    # One object per distinct value: configurations compare equal, so clients built with the
    # same settings share one connection pool.
    key = (connect, read)
    found = _TIMEOUTS.get(key)
    if found is None:
        found = Timeout(connect=connect, read=read)
        if len(_TIMEOUTS) < 256:
            _TIMEOUTS[key] = found
    return found


def to_timeout(value: Optional[TimeoutLike]) -> Timeout:
    """Normalise the accepted timeout forms into a urllib3 ``Timeout``."""
    if value is None:
        return DEFAULT_TIMEOUT
    if isinstance(value, Timeout):
        if value.total is None and isinstance(value._connect, (int, float)) and isinstance(value._read, (int, float)):
            return _timeout(float(value._connect), float(value._read))
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value <= 0:
            raise ApiValueError(f"timeout must be positive, got {value!r}")
        return _timeout(float(value), float(value))
    if isinstance(value, tuple) and len(value) == 2:
        connect, read = value
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in value):
            return _timeout(float(connect), float(read))
    raise ApiValueError(
        f"timeout must be seconds, a (connect, read) pair of seconds, or a urllib3 Timeout; got {value!r}"
    )


class RetryPolicy(Record):
    """When a failed attempt is tried again, and how long to wait first.

    Connection failures, timeouts and the statuses in ``retry_statuses`` are retried up to
    ``max_retries`` times. The wait doubles from ``backoff_initial`` up to ``backoff_max``, each
    wait spread by +/- ``jitter`` (a fraction) so that many clients do not retry in step. A
    ``Retry-After`` from the service replaces the computed wait, unless it is longer than
    ``retry_after_max``: then the call gives up at once and reports the advised delay.
    Immutable; ``replace()`` gives a changed copy.
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
        max_retries: int = 2,
        backoff_initial: float = 0.5,
        backoff_max: float = 8.0,
        jitter: float = 0.25,
        retry_after_max: float = 60.0,
        retry_statuses: Iterable[int] = RETRY_STATUSES,
    ) -> None:
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ApiValueError(f"max_retries must be a whole number >= 0, got {max_retries!r}")
        numbers = (backoff_initial, backoff_max, jitter, retry_after_max)
        if not all(isinstance(n, (int, float)) and not isinstance(n, bool) and n >= 0 for n in numbers):
            raise ApiValueError("backoff_initial, backoff_max, jitter and retry_after_max must be numbers >= 0")
        if jitter > 1:
            raise ApiValueError(f"jitter is a fraction between 0 and 1, got {jitter!r}")
        self._init(
            max_retries=max_retries,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
            jitter=jitter,
            retry_after_max=retry_after_max,
            # A frozenset keeps the policy hashable, so equal settings share one client.
            retry_statuses=frozenset(retry_statuses),
        )

    def next_delay(self, attempt: int, retry_after: Optional[float] = None) -> Optional[float]:
        """Seconds to wait before trying again after failed attempt number ``attempt``, or None
        to stop: retries are spent, or the service asked for a longer wait than we accept."""
        if attempt > self.max_retries:
            return None
        if retry_after is None:
            return self.backoff(attempt)
        return retry_after if retry_after <= self.retry_after_max else None

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry)."""
        base = min(self.backoff_max, self.backoff_initial * (2 ** (retry_number - 1)))
        spread = base * self.jitter
        wait: float = base + random.uniform(-spread, spread)
        return min(self.backoff_max, max(0.0, wait))


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:  # pragma: no cover - only some Python versions return None instead of raising
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
