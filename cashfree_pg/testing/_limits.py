"""The fake service's rate limit: at most ``limit`` requests per fixed window, as Cashfree
signals it in the ``x-ratelimit-*`` headers of every answer."""

from __future__ import annotations

import math
import time
from typing import Callable, Dict, Optional

#: ``x-ratelimit-limit`` / ``-remaining`` when no limit is set: large, so that code that slows
#: down as ``remaining`` falls does not slow down against an unlimited mock.
UNLIMITED = 1_000_000


class RateLimit:
    """Counts the requests of the current window (windows are ``window`` seconds long, the
    first starting when the limit is set). Not thread-safe: the mock calls it under its lock."""

    def __init__(self, limit: Optional[int], window: float, clock: Callable[[], float] = time.monotonic) -> None:
        if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 0):
            raise ValueError(f"rate_limit must be a whole number >= 0 or None, got {limit!r}")
        self.limit = limit
        self.window = positive_seconds("rate_limit_window", window)
        self._clock = clock
        self._start = clock()
        self._index = 0
        self._count = 0

    def _roll(self) -> float:
        """Moves to the window that holds now; returns the seconds until it ends."""
        elapsed = self._clock() - self._start
        index = int(elapsed // self.window)
        if index != self._index:
            self._index, self._count = index, 0
        return (index + 1) * self.window - elapsed

    def take(self) -> bool:
        """Counts one request; False when it is over the limit (and is not counted)."""
        if self.limit is None:
            return True
        self._roll()
        if self._count >= self.limit:
            return False
        self._count += 1
        return True

    def headers(self, refused: bool) -> Dict[str, str]:
        """The ``x-ratelimit-*`` headers of an answer (``refused``: the 429 of this limit)."""
        if self.limit is None:
            return _headers(UNLIMITED, UNLIMITED, 0)
        left = self._roll()
        retry = max(1, math.ceil(left)) if refused else 0
        return _headers(self.limit, max(0, self.limit - self._count), retry)


def positive_seconds(name: str, value: object) -> float:
    """``value`` as a finite number of seconds > 0; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"{name} must be a number of seconds > 0, got {value!r}")
    return float(value)


def _headers(limit: int, remaining: int, retry: int) -> Dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-retry": str(retry),
        "x-ratelimit-type": "app_id",
    }
