"""The async shell: httpx moves the bytes, ``_core.Call`` decides everything else.

Each attempt runs under the call's deadline (``anyio.fail_after``, so asyncio and trio both
work); the body is read raw (never decompressed; ``accept-encoding: identity`` is sent) up to
``max_response_bytes``; an answer left unread is closed with its connection, never pooled.
httpx skips interim (1xx) answers itself.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import os
import ssl
from typing import Any, Optional, Union

import anyio
import httpx

from cashfree_pg._core import (
    Call,
    Emit,
    Fault,
    RawAnswer,
    SecretHeaders,
    hook_failed,
    monotonic,
    screen_head,
    too_large,
)
from cashfree_pg.configuration import Configuration


def _load_on_import() -> None:
    # anyio and httpcore load their event-loop backends on first use, which would be inside the
    # first call, on the loop: file reads that block it (and an import lock a fork could catch
    # held). They are loaded here, with the client class, instead. Private module names, so a
    # version without one is simply skipped.
    for name in (
        "anyio._backends._asyncio",
        "anyio.abc",
        "anyio.lowlevel",
        "anyio.streams.memory",
        "anyio.streams.stapled",
        "anyio.streams.tls",
        "anyio.to_thread",
        "httpcore._backends.anyio",
        "httpcore._backends.auto",
    ):
        with contextlib.suppress(ImportError):  # another anyio or httpcore layout
            importlib.import_module(name)
    _ = anyio.fail_after, anyio.sleep  # anyio resolves its public names lazily too


_load_on_import()


def _tls_context(configuration: Configuration) -> Union[ssl.SSLContext, bool]:
    # Built once per client, at construction: loading certificates reads files.
    if not configuration.verify_ssl:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    ca = configuration.ssl_ca_cert or os.environ.get("SSL_CERT_FILE") or None
    if ca:
        if os.path.isdir(ca):
            return ssl.create_default_context(capath=ca)
        return ssl.create_default_context(cafile=ca)
    return ssl.create_default_context()


class AsyncTransport:
    """One httpx connection pool per client, used at the transport level: httpx's client would
    add only what this SDK must not do or does not need per call (cookies, redirects, auth
    flows, its default headers)."""

    def __init__(self, configuration: Configuration) -> None:
        self.configuration = configuration
        size = configuration.pool_maxsize
        self._pool = httpx.AsyncHTTPTransport(
            verify=_tls_context(configuration),
            proxy=configuration.proxy,
            limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
            trust_env=False,
        )
        self._base = configuration.host

    async def aclose(self) -> None:
        await self._pool.aclose()

    async def run(self, call: Call) -> Any:
        """Drive ``call`` to its result: every attempt, wait and hook it asks for."""
        steps = call.steps()
        try:
            step = next(steps)
            while True:
                if step is call:
                    step = steps.send(await self.exchange(call))
                elif type(step) is float:
                    await anyio.sleep(step)
                    step = steps.send(None)
                else:
                    await _run_hooks(step)  # type: ignore[arg-type]
                    step = steps.send(None)
        except StopIteration as done:
            return done.value

    async def exchange(self, call: Call) -> Union[RawAnswer, Fault]:
        deadline = call.attempt_deadline()
        left = deadline - monotonic()
        if left <= 0:
            return Fault("timeout", f"call_timeout ({call.settings.call_timeout:g}s) expired")
        limits = call.settings.timeouts
        timeout = {"connect": min(limits.connect, left), "read": min(limits.read, left), "write": left, "pool": left}
        headers = SecretHeaders(call.headers)
        headers["accept-encoding"] = "identity"
        fault: Optional[Fault] = None
        try:
            with anyio.fail_after(left):
                request = httpx.Request(
                    call.method, self._base + call.target, headers=headers, extensions={"timeout": timeout}
                )
                response = await self._pool.handle_async_request(request)
                try:
                    fault = screen_head(response.status_code, response.headers, call.request_id)
                    if fault is None:
                        cap = call.settings.max_response_bytes
                        body = await _read_capped(response, cap)
                        if body is not None:
                            return RawAnswer(response.status_code, response.reason_phrase, response.headers, body)
                        fault = too_large(cap, response.status_code, response.reason_phrase, response.headers)
                finally:
                    await response.aclose()  # unread bytes: httpx closes the connection instead of pooling it
        except TimeoutError:
            fault = Fault("timeout", f"call_timeout ({call.settings.call_timeout:g}s) expired")
        except Exception as exc:  # every httpx, h11, socket and TLS failure
            fault = _fault(exc)
        return fault if fault is not None else Fault("protocol", "no answer")


async def _read_capped(response: httpx.Response, cap: int) -> Optional[bytes]:
    length = response.headers.get("content-length")
    if length is not None and length.strip().isdigit() and length.isascii() and int(length) > cap:
        return None
    chunks = []
    total = 0
    async for chunk in response.aiter_raw():
        total += len(chunk)
        if total > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _run_hooks(emit: Emit) -> None:
    for hook in emit.hooks:
        try:
            result = hook(emit.record)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            hook_failed(hook, exc)


def _fault(exc: BaseException) -> Fault:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return Fault("timeout", f"timed out: {text}")
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "certificate" in lowered or "ssl" in lowered or "hostname" in lowered:
            return Fault("tls", f"TLS error: {text}")
        return Fault("connect", f"could not connect: {text}")
    if isinstance(exc, httpx.ProxyError):
        return Fault("connect", f"proxy error: {text}")
    return Fault("connect", f"connection failed: {text} ({type(exc).__name__})")
