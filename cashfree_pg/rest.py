"""The HTTP transport: one urllib3 pool per client, reused across calls, retried by policy.

``RESTClientObject.send`` is the only place a request goes out. It runs one call's attempts as
the client's ``RetryPolicy`` says, logs each attempt (never a credential), and turns every
urllib3, socket and TLS failure into ``ApiConnectionError`` or ``ApiTimeoutError``. It does not
decode bodies; that is ``ApiClient``'s job.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from http.client import HTTPException
from typing import Mapping, Optional, Union

import urllib3
from urllib3.exceptions import (
    HTTPError,
    NewConnectionError,
    ProxyError,
    SSLError,
    TimeoutError as Urllib3TimeoutError,
)
from urllib3.util.timeout import Timeout

from cashfree_pg.configuration import Configuration
from cashfree_pg.exceptions import ApiConnectionError, ApiException, ApiTimeoutError
from cashfree_pg.policy import parse_retry_after

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]

logger = logging.getLogger("cashfree_pg")
# A library leaves output to the application: nothing is printed unless logging is configured.
logger.addHandler(logging.NullHandler())

# Bumped in a forked child so that every transport drops the sockets it shares with its parent.
_fork_generation = 0


def _after_fork_in_child() -> None:
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


class RESTResponse:
    """One HTTP response, read in full, plus what the retry loop learned getting it."""

    __slots__ = ("attempts", "data", "headers", "reason", "retry_after", "status")

    def __init__(
        self,
        status: int,
        reason: Optional[str],
        headers: Mapping[str, str],
        data: bytes,
        attempts: int,
        retry_after: Optional[float],
    ) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.data = data
        self.attempts = attempts
        self.retry_after = retry_after


class RESTClientObject:
    """Sends requests to one configured host over a pool of keep-alive connections."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self._policy = configuration.retry
        self._lock = threading.Lock()
        self._lock_generation = _fork_generation
        self._manager: Optional[urllib3.PoolManager] = None
        self._pool: Optional[urllib3.HTTPConnectionPool] = None
        self._generation = -1
        self._prefix = _path_prefix(configuration.host)

    # -- the pool -------------------------------------------------------------------------------

    def _new_manager(self) -> urllib3.PoolManager:
        c = self.configuration
        kwargs: dict[str, object] = {"num_pools": 4, "maxsize": c.pool_maxsize, "block": False}
        if c.verify_ssl:
            kwargs["cert_reqs"] = "CERT_REQUIRED"
            ca = c.ssl_ca_cert or os.environ.get("SSL_CERT_FILE") or None
            if ca:
                kwargs["ca_cert_dir" if os.path.isdir(ca) else "ca_certs"] = ca
        else:
            kwargs["cert_reqs"] = "CERT_NONE"
        if c.proxy:
            return urllib3.ProxyManager(c.proxy, **kwargs)  # type: ignore[arg-type]
        return urllib3.PoolManager(**kwargs)  # type: ignore[arg-type]

    def _connection_pool(self) -> urllib3.HTTPConnectionPool:
        pool = self._pool
        if pool is not None and self._generation == _fork_generation:
            return pool
        with self._held_lock():
            if self._pool is None or self._generation != _fork_generation:
                # A forked child must not touch its parent's sockets: leave them unclosed (a TLS
                # close could end the parent's session with the server) and start a fresh pool.
                self._manager = self._new_manager()
                self._pool = self._manager.connection_from_url(self.configuration.host)
                self._generation = _fork_generation
            return self._pool

    def _held_lock(self) -> threading.Lock:
        if self._lock_generation != _fork_generation:
            # First use in a forked child: a parent's thread may have held the lock at the fork,
            # and would never release it here.
            self._lock, self._lock_generation = threading.Lock(), _fork_generation
        return self._lock

    def close(self) -> None:
        """Close pooled connections; the next request opens new ones."""
        with self._held_lock():
            manager, self._manager, self._pool = self._manager, None, None
        if manager is not None and self._generation == _fork_generation:
            manager.clear()

    # -- sending --------------------------------------------------------------------------------

    def send(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str],
        timeout: Timeout,
        request_id: str,
        body: Optional[bytes] = None,
    ) -> RESTResponse:
        """Send ``method path`` (a path under the host), retrying as the policy allows."""
        policy = self._policy
        attempt = 0
        while True:
            attempt += 1
            debug = logger.isEnabledFor(logging.DEBUG)
            started = time.perf_counter() if debug else 0.0
            try:
                raw = self._urlopen(method, path, headers, timeout, body)
            except ApiConnectionError as exc:
                exc.request_id, exc.attempts = request_id, attempt
                if debug:
                    self._log_attempt(method, path, "failed", started, request_id, attempt)
                delay = policy.next_delay(attempt) if exc.retryable else None
                if delay is None:
                    raise exc
                _warn_retry(method, path, attempt, type(exc).__name__, delay, request_id)
                time.sleep(delay)
                continue

            status = raw.status
            if debug:
                self._log_attempt(method, path, status, started, request_id, attempt)
            retry_after = None
            if status in policy.retry_statuses:
                retry_after = parse_retry_after(raw.headers.get("Retry-After"))
                delay = policy.next_delay(attempt, retry_after)
                if delay is not None:
                    _warn_retry(method, path, attempt, f"HTTP {status}", delay, request_id)
                    time.sleep(delay)
                    continue
            return RESTResponse(status, raw.reason, raw.headers, raw.data, attempt, retry_after)

    def _urlopen(
        self, method: str, path: str, headers: Mapping[str, str], timeout: Timeout, body: Optional[bytes]
    ) -> urllib3.response.BaseHTTPResponse:
        try:
            if self.configuration.proxy:
                self._connection_pool()
                assert self._manager is not None
                return self._manager.urlopen(
                    method,
                    self.configuration.host + path,
                    body=body,
                    headers=headers,
                    retries=False,
                    redirect=False,
                    timeout=timeout,
                )
            return self._connection_pool().urlopen(
                method,
                self._prefix + path,
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                timeout=timeout,
                assert_same_host=False,
            )
        except (HTTPError, HTTPException, OSError) as exc:
            raise _connection_error(exc) from None

    @staticmethod
    def _log_attempt(
        method: str, path: str, status: Union[int, str], started: float, request_id: str, attempt: int
    ) -> None:
        logger.debug(
            "cashfree_pg: %s %s -> %s in %.1f ms [request_id=%s attempt=%d]",
            method,
            path,
            status,
            (time.perf_counter() - started) * 1000,
            request_id,
            attempt,
        )


def _warn_retry(method: str, path: str, attempt: int, what: str, delay: float, request_id: str) -> None:
    logger.warning(
        "cashfree_pg: %s %s attempt %d failed (%s); retrying in %.2fs [request_id=%s]",
        method,
        path,
        attempt,
        what,
        delay,
        request_id,
    )


def _path_prefix(host: str) -> str:
    rest = host.split("://", 1)[1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else ""


def _connection_error(exc: BaseException) -> ApiConnectionError:
    """The SDK's exception for a transport failure, with a message saying what failed."""
    if isinstance(exc, NewConnectionError):
        return ApiConnectionError(reason=f"could not connect: {_short(exc)}")
    if isinstance(exc, (Urllib3TimeoutError, TimeoutError)):
        return ApiTimeoutError(reason=f"timed out: {_short(exc)}")
    if isinstance(exc, SSLError) or "SSL" in type(exc).__name__:
        text = _short(exc)
        lowered = text.lower()
        if "certificate" in lowered or "doesn't match" in lowered or "hostname mismatch" in lowered:
            error = ApiConnectionError(reason=f"TLS certificate verification failed: {text}")
        else:
            error = ApiConnectionError(reason=f"TLS error: {text}")
        error.retryable = False  # the same certificate will fail the same way
        return error
    if isinstance(exc, ProxyError):
        return ApiConnectionError(reason=f"proxy error: {_short(exc)}")
    return ApiConnectionError(reason=f"connection failed: {_short(exc)}")


def _short(exc: BaseException) -> str:
    # urllib3 nests the cause; its innermost message says what actually happened.
    inner: BaseException = exc
    while True:
        nxt = getattr(inner, "reason", None) or inner.__cause__ or inner.__context__
        if not isinstance(nxt, BaseException) or nxt is inner:
            break
        inner = nxt
    text = str(inner) or type(inner).__name__
    return text if inner is exc else f"{text} ({type(exc).__name__})"
