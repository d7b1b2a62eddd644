"""The sync shell: one urllib3 pool per client; it moves bytes and sleeps, nothing else.

``RESTClientObject.run`` drives a ``_core.Call``: for each attempt it sends the request and
reads the answer under the call's deadline, and hands the core a ``RawAnswer`` or a ``Fault``.
What makes an exchange safe lives here because only the shell sees the socket:

- interim answers (1xx) are skipped, never taken as the answer;
- every read of the status line, headers and body stops at the deadline, so a peer that drips
  one byte at a time cannot hold a call past its ``call_timeout``;
- the body is read up to ``max_response_bytes`` and never decompressed;
- a connection goes back to the pool only after a complete, clean exchange; anything else
  (an error, a refused answer, a deadline) closes it.
"""

from __future__ import annotations

import http.client
import io
import os
import socket
import threading
import time
from typing import Any, Dict, List, Optional, Tuple, Union

import urllib3
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import NewConnectionError, ProxyError, SSLError
from urllib3.util import make_headers
from urllib3.util.timeout import Timeout

from cashfree_pg._constants import MAX_INTERIM_RESPONSES
from cashfree_pg._core import Call, Emit, Fault, RawAnswer, hook_failed, monotonic, screen_head, too_large
from cashfree_pg.api_response import ApiResponse
from cashfree_pg.configuration import Configuration, split_proxy
from cashfree_pg.exceptions import ApiException
from cashfree_pg.policy import Timeouts

__all__ = ["ApiException", "RESTClientObject", "RESTResponse"]

RESTResponse = RawAnswer  # the official module's name for "one HTTP response"

# Bumped in a forked child so that every transport drops the sockets it shares with its parent.
_fork_generation = 0


def _after_fork_in_child() -> None:
    global _fork_generation
    _fork_generation += 1


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


# -- a connection that honours the call's deadline and skips interim answers ---------------------

_exchange = threading.local()  # .deadline: when the exchange in progress on this thread must end


class _DeadlineReader(io.RawIOBase):
    """The socket, read so that no single read outlives the exchange's deadline."""

    def __init__(self, sock: socket.socket, deadline: Optional[float], socket_file: Any) -> None:
        # Holding the socket's own file keeps the socket open after its connection lets go of it
        # (an answer with "Connection: close" is read after http.client closes the connection).
        self._socket_file = socket_file
        self._sock = sock
        self._deadline = deadline
        self._read_timeout = sock.gettimeout()
        self.eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        deadline = self._deadline
        if deadline is not None:
            left = deadline - monotonic()
            if left <= 0:
                raise socket.timeout("the call's deadline passed")
            if self._read_timeout is None or left < self._read_timeout:
                self._sock.settimeout(left)
        n = self._sock.recv_into(buffer)
        if not n:
            self.eof = True
        return n

    def close(self) -> None:
        if not self.closed:
            self._socket_file.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: Any, debuglevel: int = 0, method: Optional[str] = None, url: Optional[str] = None) -> None:
        super().__init__(sock, debuglevel, method, url)
        # Ours reads the same socket as the socket's own file, under the deadline.
        self._reader = _DeadlineReader(sock, getattr(_exchange, "deadline", None), self.fp)
        self.fp = io.BufferedReader(self._reader)

    def _read_status(self) -> Tuple[str, int, str]:
        for _ in range(MAX_INTERIM_RESPONSES):
            version, status, reason = super()._read_status()  # type: ignore[misc]
            if status >= 200:
                return version, status, reason
            if status == 101:
                raise http.client.HTTPException("unexpected 101 Switching Protocols")
            http.client.parse_headers(self.fp)  # an interim answer (100, 102, 103): skip it
        raise http.client.HTTPException(f"more than {MAX_INTERIM_RESPONSES} interim (1xx) answers")

    def begin(self) -> None:
        super().begin()
        if self._reader.eof:  # the headers ended with the connection, not with a blank line
            raise http.client.IncompleteRead(b"", None)


class _Connection(HTTPConnection):
    response_class = _DeadlineResponse


class _TLSConnection(HTTPSConnection):
    response_class = _DeadlineResponse


class _Pool(urllib3.HTTPConnectionPool):
    ConnectionCls = _Connection


class _TLSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _TLSConnection


# -- the transport ------------------------------------------------------------------------------


class RESTClientObject:
    """Sends requests to one configured host over a pool of keep-alive connections."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        self._lock = threading.Lock()
        self._lock_generation = _fork_generation
        self._pools: Optional[Tuple[urllib3.PoolManager, urllib3.HTTPConnectionPool]] = None
        self._generation = -1
        host = configuration.host
        self._prefix = _path_prefix(host)
        self._proxy_base = host if configuration.proxy else None
        self._timeouts: Dict[Timeouts, Timeout] = {}

    # -- the pool -------------------------------------------------------------------------------

    def _new_manager(self) -> urllib3.PoolManager:
        c = self.configuration
        kwargs: dict[str, Any] = {"num_pools": 4, "maxsize": c.pool_maxsize, "block": False}
        if c.verify_ssl:
            kwargs["cert_reqs"] = "CERT_REQUIRED"
            ca = c.ssl_ca_cert or os.environ.get("SSL_CERT_FILE") or None
            if ca:
                kwargs["ca_cert_dir" if os.path.isdir(ca) else "ca_certs"] = ca
        else:
            kwargs["cert_reqs"] = "CERT_NONE"
        if c.proxy:
            proxy, auth = split_proxy(c.proxy)
            headers = make_headers(proxy_basic_auth=auth) if auth else None
            manager: urllib3.PoolManager = urllib3.ProxyManager(proxy, proxy_headers=headers, **kwargs)
        else:
            manager = urllib3.PoolManager(**kwargs)
        manager.pool_classes_by_scheme = {"http": _Pool, "https": _TLSPool}  # type: ignore[assignment,unused-ignore]
        return manager

    def _connection_pool(self) -> Tuple[urllib3.PoolManager, urllib3.HTTPConnectionPool]:
        pools = self._pools
        if pools is not None and self._generation == _fork_generation:
            return pools
        with self._held_lock():
            if self._pools is None or self._generation != _fork_generation:
                # A forked child must not touch its parent's sockets: leave them unclosed (a TLS
                # close could end the parent's session with the server) and start a fresh pool.
                manager = self._new_manager()
                self._pools = (manager, manager.connection_from_url(self.configuration.host))
                self._generation = _fork_generation
            return self._pools

    def _held_lock(self) -> threading.Lock:
        if self._lock_generation != _fork_generation:
            # First use in a forked child: a parent's thread may have held the lock at the fork,
            # and would never release it here.
            self._lock, self._lock_generation = threading.Lock(), _fork_generation
        return self._lock

    def close(self) -> None:
        """Close pooled connections; the next request opens new ones. Calls in flight finish on
        the connections they hold."""
        with self._held_lock():
            pools, self._pools = self._pools, None
        if pools is not None and self._generation == _fork_generation:
            pools[0].clear()

    # -- running a call ---------------------------------------------------------------------

    def run(self, call: Call) -> ApiResponse[Any]:
        """Drive ``call`` to its result: every attempt, wait and hook it asks for."""
        steps = call.steps()
        try:
            step = next(steps)
            while True:
                if step is call:
                    step = steps.send(self.exchange(call))
                elif type(step) is float:
                    time.sleep(step)
                    step = steps.send(None)
                else:
                    _run_hooks(step)  # type: ignore[arg-type]
                    step = steps.send(None)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    def exchange(self, call: Call) -> Union[RawAnswer, Fault]:
        """One attempt: send the request, read the whole answer under the deadline."""
        deadline = call.attempt_deadline()
        left = deadline - monotonic()
        if left <= 0:
            return Fault("timeout", f"call_timeout ({call.settings.call_timeout:g}s) expired")
        timeout = self._timeout(call.settings.timeouts, left)
        response = None
        _exchange.deadline = deadline
        try:
            response = self._urlopen(call, timeout)
            fault = screen_head(response.status, response.headers, call.request_id)
            if fault is None:
                cap = call.settings.max_response_bytes
                body = _read_capped(response, cap)
                if body is not None:
                    return RawAnswer(response.status, response.reason, response.headers, body)
                fault = too_large(cap, response.status, response.reason, response.headers)
        except Exception as exc:  # every urllib3, http.client, socket and TLS failure
            fault = _fault(exc, deadline, call)
        finally:
            _exchange.deadline = None
        _discard(response)
        return fault

    def _timeout(self, limits: Timeouts, left: float) -> Timeout:
        """urllib3's form of the attempt's limits, cut to the time ``left``; built once per
        setting while the deadline is further away than both."""
        if left < limits.connect or left < limits.read:
            return Timeout(connect=min(limits.connect, left), read=min(limits.read, left))
        found = self._timeouts.get(limits)
        if found is None:
            found = Timeout(connect=limits.connect, read=limits.read)
            if len(self._timeouts) < 64:
                self._timeouts[limits] = found
        return found

    def _urlopen(self, call: Call, timeout: Timeout) -> Any:
        manager, pool = self._connection_pool()
        options: Dict[str, Any] = {
            "body": None,
            "headers": call.headers,
            "retries": False,
            "redirect": False,
            "timeout": timeout,
            "preload_content": False,
            "decode_content": False,
            "release_conn": False,
            "enforce_content_length": True,
        }
        if self._proxy_base is not None:
            return manager.urlopen(call.method, self._proxy_base + call.target, **options)
        return pool.urlopen(call.method, self._prefix + call.target, assert_same_host=False, **options)


def _read_capped(response: Any, cap: int) -> Optional[bytes]:
    """The whole body, or None when it is longer than ``cap`` (reading stops there)."""
    length = response.headers.get("content-length")
    if length is not None and length.strip().isdigit() and length.isascii():
        expected = int(length)
        if expected > cap:
            return None
        body: bytes = response.read()
        if len(body) != expected:
            raise http.client.IncompleteRead(body, expected - len(body))
        return body
    chunks: List[bytes] = []
    total = 0
    while True:
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > cap:
            return None
        chunks.append(chunk)


def _discard(response: Any) -> None:
    """Close the connection of an exchange that did not finish cleanly, so no later call can
    read what is left of this answer."""
    if response is None:
        return
    try:
        response.close()
        response.release_conn()
    except Exception:  # pragma: no cover - closing a broken connection may fail; it is gone either way
        pass


def _run_hooks(emit: Emit) -> None:
    for hook in emit.hooks:
        try:
            hook(emit.record)
        except Exception as exc:
            hook_failed(hook, exc)


def _path_prefix(host: str) -> str:
    rest = host.split("://", 1)[1]
    slash = rest.find("/")
    return rest[slash:] if slash >= 0 else ""


def _fault(exc: BaseException, deadline: float, call: Call) -> Fault:
    """What went wrong with an attempt, in words, without the exception (nothing raw escapes)."""
    text = _short(exc)
    if monotonic() >= deadline - 0.001 and deadline >= call.deadline:
        return Fault("timeout", f"call_timeout ({call.settings.call_timeout:g}s) expired: {text}")
    if isinstance(exc, NewConnectionError):
        return Fault("connect", f"could not connect: {text}")
    if _is_timeout(exc):
        return Fault("timeout", f"timed out: {text}")
    if isinstance(exc, SSLError) or "SSL" in type(exc).__name__:
        lowered = text.lower()
        if "certificate" in lowered or "doesn't match" in lowered or "hostname mismatch" in lowered:
            return Fault("tls", f"TLS certificate verification failed: {text}")
        return Fault("tls", f"TLS error: {text}")
    if isinstance(exc, ProxyError):
        return Fault("connect", f"proxy error: {text}")
    return Fault("connect", f"connection failed: {text}")


def _is_timeout(exc: BaseException) -> bool:
    inner: Optional[BaseException] = exc
    for _ in range(8):
        if inner is None:
            return False
        if isinstance(inner, (TimeoutError, socket.timeout, urllib3.exceptions.TimeoutError)):
            return True
        inner = _cause(inner)
    return False


def _cause(exc: BaseException) -> Optional[BaseException]:
    for nxt in (getattr(exc, "reason", None), exc.__cause__, exc.__context__):
        if isinstance(nxt, BaseException):
            return nxt
    return None


def _short(exc: BaseException) -> str:
    # urllib3 nests the cause; its innermost message says what actually happened.
    inner: BaseException = exc
    for _ in range(8):
        nxt = _cause(inner)
        if nxt is None or nxt is inner:
            break
        inner = nxt
    text = str(inner) or type(inner).__name__
    return text if inner is exc else f"{text} ({type(exc).__name__})"
