"""The request pipeline without I/O: build a call, read an answer, decide what happens next.

A call is a generator of steps (``Call.steps``). The sync shell (``rest.py``, urllib3) and the
async shell (``_transport_async.py``, httpx) drive it: for each step they either perform one
attempt (the step is the ``Call`` itself; they send back a ``RawAnswer`` or a ``Fault``), sleep
(a float: seconds), or run event hooks (an ``Emit``). Everything else (headers, ids, the
deadline, shared rate-limit windows, status to exception, decoding, retries, logging) lives
here, once, for both clients.
"""

from __future__ import annotations

import codecs
import logging
import os
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Generator, Mapping, Optional, Sequence, Tuple, Type, Union

from pydantic import ValidationError

from cashfree_pg._constants import (
    FRAMING_HEADERS,
    H_API_VERSION,
    H_IDEMPOTENCY_KEY,
    H_REQUEST_ID,
    H_RETRY_AFTER,
    MANAGED_HEADERS,
    USER_AGENT,
)
from cashfree_pg._record import Record
from cashfree_pg._redact import SECRET_HEADERS, redact_headers
from cashfree_pg.api_response import ApiResponse, RateLimit, idempotency_replayed
from cashfree_pg.configuration import Configuration, check_api_version, check_header_name, check_header_value
from cashfree_pg.exceptions import (
    ApiConnectionError,
    ApiDecodeError,
    ApiException,
    ApiResponseTooLargeError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    error_kind,
)
from cashfree_pg.operation import Operation, load_model
from cashfree_pg.policy import RetryPolicy, Timeouts, check_retries, check_seconds, parse_retry_after, to_timeouts

if TYPE_CHECKING:
    from cashfree_pg.models.api_error import ApiError

logger = logging.getLogger("cashfree_pg")
# A library leaves output to the application: nothing is printed unless logging is configured.
logger.addHandler(logging.NullHandler())

monotonic = time.monotonic
_CALL_OPTIONS = frozenset(
    {
        "_request_timeout",
        "_headers",
        "call_timeout",
        "max_retries",
        "_return_http_data_only",
        "_preload_content",
        "async_req",
    }
)
#: The official generated client's keywords that mean nothing here, and what to do instead.
_REFUSED_OPTIONS = {
    "_request_auth": "build a Cashfree (or ApiClient) with those credentials; one client per credential set",
    "_content_type": "these operations send no request body",
    "_host_index": "choose the host with XEnvironment or base_url",
}
HOOK_EVENTS = ("request", "response", "retry")


def warm(operations: Sequence[Operation]) -> None:
    """Import every model a call can need, now: an import on the call path takes a lock that a
    process forked at that moment would find held for ever."""
    for op in operations:
        op.decode  # noqa: B018 - builds and keeps the decoder
    for status in (400, 401, 404, 409, 422, 429, 500, 502, 599):
        op.error_model(status)
    codecs.lookup("idna")  # socket connections encode the host name with it: its module loads lazily


def new_request_id() -> str:
    """A random (version 4) UUID, without the cost of importing and building ``uuid.UUID``."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40
    b[8] = (b[8] & 0x3F) | 0x80
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class SecretHeaders(Dict[str, str]):
    """Request headers whose ``repr`` masks credentials: they sit in frames a traceback can show."""

    __slots__ = ()

    def __repr__(self) -> str:
        return repr(redact_headers(self))

    __str__ = __repr__


def base_headers(configuration: Configuration) -> SecretHeaders:
    return SecretHeaders({"accept": "application/json", "user-agent": USER_AGENT, **configuration.auth_headers()})


# -- settings a call runs with -------------------------------------------------------------------


class Hooks(Record):
    """Event hooks: plain callables (or coroutine functions, for the async client) per event."""

    __slots__ = HOOK_EVENTS
    request: Tuple[Callable[..., Any], ...]
    response: Tuple[Callable[..., Any], ...]
    retry: Tuple[Callable[..., Any], ...]

    def __init__(self, request: Sequence[Any] = (), response: Sequence[Any] = (), retry: Sequence[Any] = ()) -> None:
        values = {"request": request, "response": response, "retry": retry}
        for name, hooks in values.items():
            if not isinstance(hooks, (list, tuple)) or not all(callable(h) for h in hooks):
                raise ApiTypeError(f"event_hooks[{name!r}] must be a list of callables")
        self._init(request=tuple(request), response=tuple(response), retry=tuple(retry))

    @classmethod
    def from_mapping(cls, hooks: Optional[Mapping[str, Sequence[Any]]]) -> Hooks:
        if hooks is None:
            return NO_HOOKS
        if not isinstance(hooks, Mapping):
            raise ApiTypeError("event_hooks must be a dict of event name to a list of callables")
        unknown = sorted(set(hooks) - set(HOOK_EVENTS))
        if unknown:
            raise ApiValueError(f"event_hooks has an unknown event {unknown[0]!r}; events are {', '.join(HOOK_EVENTS)}")
        return cls(**hooks)

    def __bool__(self) -> bool:
        return bool(self.request or self.response or self.retry)


NO_HOOKS = Hooks()


class CallSettings(Record):
    """What a call runs with, beyond the connection: API version, per-attempt timeouts, retry
    policy, whole-call deadline, body cap and hooks. ``with_options`` changes these only."""

    __slots__ = ("api_version", "call_timeout", "hooks", "max_response_bytes", "policy", "timeouts")
    api_version: str
    timeouts: Timeouts
    policy: RetryPolicy
    call_timeout: float
    max_response_bytes: int
    hooks: Hooks

    def __init__(
        self,
        api_version: str,
        timeouts: Timeouts,
        policy: RetryPolicy,
        call_timeout: float,
        max_response_bytes: int,
        hooks: Hooks = NO_HOOKS,
    ) -> None:
        self._init(
            api_version=api_version,
            timeouts=timeouts,
            policy=policy,
            call_timeout=call_timeout,
            max_response_bytes=max_response_bytes,
            hooks=hooks,
        )

    @classmethod
    def of(cls, configuration: Configuration, hooks: Hooks = NO_HOOKS) -> CallSettings:
        c = configuration
        return cls(c.api_version, c.timeout, c.retry, c.call_timeout, c.max_response_bytes, hooks)

    def changed(
        self,
        *,
        timeout: Any = None,
        max_retries: Optional[int] = None,
        call_timeout: Optional[float] = None,
        x_api_version: Optional[str] = None,
    ) -> CallSettings:
        """A copy with the given settings changed; only those are checked again."""
        return CallSettings(
            self.api_version if x_api_version is None else check_api_version(x_api_version),
            self.timeouts if timeout is None else to_timeouts(timeout),
            self.policy if max_retries is None else self.policy.replace(max_retries=check_retries(max_retries)),
            self.call_timeout if call_timeout is None else check_seconds("call_timeout", call_timeout),
            self.max_response_bytes,
            self.hooks,
        )


class RateGate:
    """A client's shared rate-limit window: when one call learns the service refuses requests
    for N seconds, every call of the client waits it out instead of spending its retries.
    A plain float, read and written without a lock (a lost update only shortens one wait)."""

    __slots__ = ("until",)

    def __init__(self) -> None:
        self.until = 0.0


# -- what moves between the core and a shell ------------------------------------------------------


class RawAnswer:
    """An answer read in full: status line, headers and body bytes (never shown by ``repr``)."""

    __slots__ = ("body", "headers", "reason", "status")

    def __init__(self, status: int, reason: Optional[str], headers: Mapping[str, str], body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def data(self) -> bytes:
        """The body (the official SDK's name, for ``_preload_content=False``)."""
        return self.body

    def __repr__(self) -> str:
        return f"RawAnswer(status={self.status}, body=<{len(self.body)} bytes>)"


class Fault:
    """An attempt that produced no usable answer. ``kind``: ``connect``, ``timeout``, ``tls``
    (never retried), ``mismatch`` (the answer was another call's), ``too_large`` or ``protocol``."""

    __slots__ = ("headers", "kind", "reason", "status", "text")

    def __init__(
        self, kind: str, text: str, status: int = 0, reason: Optional[str] = None, headers: Any = None
    ) -> None:
        self.kind = kind
        self.text = text
        self.status = status
        self.reason = reason
        self.headers = headers

    def __repr__(self) -> str:
        return f"Fault({self.kind}: {self.text})"


class AttemptEvent(Record):
    """What an event hook receives, once per attempt and event: never credentials, ids of cards,
    headers or bodies. ``path`` is the operation's path template, ``status`` is 0 and ``error``
    the exception class name when no answer arrived, ``wait`` the seconds before the retry."""

    __slots__ = (
        "attempt",
        "elapsed",
        "error",
        "event",
        "method",
        "operation",
        "path",
        "rate_limit",
        "request_id",
        "status",
        "wait",
    )
    event: str
    operation: str
    method: str
    path: str
    request_id: str
    attempt: int
    status: int
    error: Optional[str]
    elapsed: float
    wait: Optional[float]
    rate_limit: Optional[RateLimit]

    def __init__(self, **fields: Any) -> None:
        self._init(**fields)


class Emit:
    """A step asking the shell to run the hooks for ``event`` with ``record``."""

    __slots__ = ("event", "hooks", "record")

    def __init__(self, hooks: Tuple[Callable[..., Any], ...], event: str, record: AttemptEvent) -> None:
        self.hooks = hooks
        self.event = event
        self.record = record


_failed_hooks: set = set()  # type: ignore[type-arg]


def hook_failed(hook: Callable[..., Any], exc: BaseException) -> None:
    """Log a hook's failure once per hook and error type; the call goes on."""
    key = (id(hook), type(exc))
    if key in _failed_hooks:
        return
    _failed_hooks.add(key)
    logger.error(
        "cashfree_pg: event hook %s raised %s; the call goes on (logged once per hook and error type)",
        getattr(hook, "__qualname__", type(hook).__name__),
        type(exc).__name__,
    )


# -- one call ------------------------------------------------------------------------------------

Step = Union["Call", float, Emit]
Reply = Union[RawAnswer, Fault, None]


class Call:
    """One operation with its arguments: the request every attempt sends, and ``steps()``."""

    __slots__ = ("attempt", "deadline", "gate", "headers", "op", "settings", "shape", "target")

    def __init__(
        self,
        op: Operation,
        target: str,
        headers: SecretHeaders,
        settings: CallSettings,
        gate: RateGate,
        shape: str = "response",
    ) -> None:
        self.shape = shape  # "response" (ApiResponse), "data" (its data) or "raw" (the undecoded answer)
        self.op = op
        self.target = target  # the path and query under the base URL
        self.headers = headers
        self.settings = settings
        self.gate = gate
        self.attempt = 0
        self.deadline = 0.0

    def __repr__(self) -> str:
        return f"Call({self.op.name}, request_id={self.request_id}, attempt={self.attempt})"

    @property
    def request_id(self) -> str:
        return self.headers[H_REQUEST_ID]

    @property
    def method(self) -> str:
        return self.op.method

    def attempt_deadline(self) -> float:
        """When the current attempt must be over: the call's deadline, or sooner for a
        ``Timeout(total=...)``."""
        total = self.settings.timeouts.total
        if total is None:
            return self.deadline
        return min(self.deadline, monotonic() + total)

    def steps(self) -> Generator[Step, Reply, Any]:
        settings = self.settings
        policy = settings.policy
        hooks = settings.hooks
        gate = self.gate
        self.deadline = deadline = monotonic() + settings.call_timeout
        debug = logger.isEnabledFor(logging.DEBUG)
        while True:
            self.attempt += 1
            wait = gate.until - monotonic()
            if wait > 0:
                if wait >= deadline - monotonic():
                    raise self._failure(
                        Fault(
                            "timeout",
                            f"call_timeout would expire while waiting out the service's rate limit ({wait:.1f}s)",
                        )
                    )
                yield wait
            if hooks.request:
                yield Emit(hooks.request, "request", self._event("request", 0, None, 0.0, None, None))
            started = monotonic()
            reply = yield self
            elapsed = monotonic() - started
            if isinstance(reply, RawAnswer):
                status, headers = reply.status, reply.headers
                if 200 <= status < 300:
                    if self.shape == "raw":  # the official _preload_content=False: no decoding
                        return ApiResponse(status, headers, None, reply.body, _echoed_id(headers, self.request_id))
                    result = self._success(reply)
                    if isinstance(result, ApiException):
                        raise result
                    if debug:
                        self._log(status, elapsed)
                    if hooks.response:
                        yield Emit(
                            hooks.response, "response", self._event("response", status, None, elapsed, None, headers)
                        )
                    return result.data if self.shape == "data" else result
                error = self._error(reply)
                retryable = policy.retryable_status(status)
                breached = error.rate_limit is not None and error.rate_limit.retry
                if breached and error.retry_after is not None and error.retry_after <= policy.retry_after_max:
                    # One call learned that the service refuses requests for a while: all calls wait.
                    gate.until = max(gate.until, monotonic() + error.retry_after)
            else:
                assert reply is not None
                status, headers = reply.status, reply.headers
                error = self._failure(reply)
                retryable = getattr(error, "retryable", False)
            if debug:
                self._log(status or type(error).__name__, elapsed)
            if hooks.response:
                yield Emit(hooks.response, "response", self._event("response", status, error, elapsed, None, headers))
            delay = policy.next_delay(
                self.attempt, error.retry_after, retryable=retryable, remaining=deadline - monotonic()
            )
            if delay is None:
                raise error
            logger.warning(
                "cashfree_pg: %s %s attempt %d failed (%s); retrying in %.2fs [request_id=%s]",
                self.op.method,
                self.op.path,
                self.attempt,
                f"HTTP {status}" if status else type(error).__name__,
                delay,
                self.request_id,
            )
            if hooks.retry:
                yield Emit(hooks.retry, "retry", self._event("retry", status, error, elapsed, delay, headers))
            yield delay

    # -- reading answers (each returns; the generator raises, so no frame holds a body) ----------

    def _success(self, answer: RawAnswer) -> Union[ApiResponse[Any], ApiDecodeError]:
        try:
            data = self.op.decode(answer.body)
        except ValidationError as exc:  # pydantic's error holds the input (card data): never raised
            return self._decode_error(answer, exc)
        return ApiResponse(
            answer.status, answer.headers, data, answer.body, _echoed_id(answer.headers, self.request_id), self.attempt
        )

    def _decode_error(self, answer: RawAnswer, exc: ValidationError) -> ApiDecodeError:
        return ApiDecodeError(
            answer.status,
            answer.reason,
            body=answer.body.decode("utf-8", "replace"),
            headers=answer.headers,
            message=_decode_problem(self.op, answer.body, exc),
            request_id=_echoed_id(answer.headers, self.request_id),
            attempts=self.attempt,
            rate_limit=RateLimit.from_headers(answer.headers),
            idempotency_replayed=idempotency_replayed(answer.headers),
        )

    def _error(self, answer: RawAnswer) -> ApiException:
        exception, model_ref = error_kind(answer.status)
        text = self._scrub(answer.body.decode("utf-8", "replace"))
        model = _error_model(model_ref, text.encode("utf-8"))  # parsed after the scrub: no echoed secret kept
        headers = answer.headers
        rate_limit = RateLimit.from_headers(headers)
        return exception(
            answer.status,
            answer.reason,
            body=text,
            headers=headers,
            code=_text(model, "code"),
            message=_text(model, "message"),
            type=_text(model, "type"),
            help=_text(model, "help"),
            data=model,
            request_id=_echoed_id(headers, self.request_id),
            attempts=self.attempt,
            retry_after=_retry_after(headers, rate_limit),
            rate_limit=rate_limit,
            idempotency_replayed=idempotency_replayed(headers),
        )

    def _scrub(self, text: str) -> str:
        """``text`` without this client's own credentials, should the service echo one back."""
        for name in SECRET_HEADERS:
            secret = self.headers.get(name)
            if secret and secret in text:
                text = text.replace(secret, "****")
        return text

    def _failure(self, fault: Fault) -> ApiException:
        if fault.kind == "too_large":
            return ApiResponseTooLargeError(
                fault.status,
                fault.reason,
                headers=fault.headers,
                message=fault.text,
                request_id=self.request_id,
                attempts=self.attempt,
            )
        error_class: Type[ApiConnectionError] = ApiTimeoutError if fault.kind == "timeout" else ApiConnectionError
        return error_class(
            reason=fault.text,
            request_id=self.request_id,
            attempts=self.attempt,
            retryable=fault.kind != "tls",
        )

    def _event(
        self,
        event: str,
        status: int,
        error: Optional[ApiException],
        elapsed: float,
        wait: Optional[float],
        headers: Optional[Mapping[str, str]],
    ) -> AttemptEvent:
        return AttemptEvent(
            event=event,
            operation=self.op.name,
            method=self.op.method,
            path=self.op.path,
            request_id=self.request_id,
            attempt=self.attempt,
            status=status,
            error=None if error is None else type(error).__name__,
            elapsed=elapsed,
            wait=wait,
            rate_limit=RateLimit.from_headers(headers) if headers else None,
        )

    def _log(self, outcome: object, elapsed: float) -> None:
        logger.debug(
            "cashfree_pg: %s %s -> %s in %.1f ms [request_id=%s attempt=%d]",
            self.op.method,
            self.op.path,
            outcome,
            elapsed * 1000,
            self.request_id,
            self.attempt,
        )


# -- checks a shell runs on an answer's head, before it reads the body ------------------------


def screen_head(status: int, headers: Mapping[str, str], request_id: str) -> Optional[Fault]:
    """A reason to drop this answer and its connection before reading its body, or None."""
    echoed = headers.get(H_REQUEST_ID)
    if echoed and echoed.strip() and echoed.strip() != request_id:
        return Fault("mismatch", "the answer carries another request's x-request-id; it was discarded")
    encoding = headers.get("content-encoding")
    if encoding and encoding.strip().lower() not in ("identity", ""):
        return Fault(
            "protocol",
            f"the answer is compressed ({encoding.strip()[:20]!r}) although the SDK asked for none; it was discarded",
        )
    return None


def too_large(limit: int, status: int, reason: Optional[str], headers: Any) -> Fault:
    return Fault(
        "too_large",
        f"the answer's body is larger than max_response_bytes ({limit} bytes); reading stopped",
        status,
        reason,
        headers,
    )


# -- building a call ---------------------------------------------------------------------------


def prepare(
    op: Operation,
    args: Sequence[object],
    base: SecretHeaders,
    settings: CallSettings,
    gate: RateGate,
    x_api_version: Optional[str],
    x_request_id: Optional[str],
    x_idempotency_key: Optional[str],
    options: Optional[Mapping[str, Any]],
) -> Call:
    """Check every argument and build the call; ApiValueError/ApiTypeError before anything is sent."""
    shape = "response"
    if options:
        settings, extra, shape = _apply_options(settings, options)
    else:
        extra = None
    target = op.build_path(args)
    headers = SecretHeaders(base)
    headers[H_API_VERSION] = settings.api_version if x_api_version is None else check_api_version(x_api_version)
    headers[H_REQUEST_ID] = new_request_id() if x_request_id is None else _check_id("x_request_id", x_request_id)
    if x_idempotency_key is not None:
        headers[H_IDEMPOTENCY_KEY] = _check_id("x_idempotency_key", x_idempotency_key)
    elif op.idempotent_key:
        headers[H_IDEMPOTENCY_KEY] = new_request_id()
    if extra:
        headers.update(extra)
    return Call(op, target, headers, settings, gate, shape)


def _apply_options(
    settings: CallSettings, options: Mapping[str, Any]
) -> Tuple[CallSettings, Optional[Dict[str, str]], str]:
    unknown = sorted(set(options) - _CALL_OPTIONS)
    if unknown:
        instead = _REFUSED_OPTIONS.get(unknown[0])
        if instead is not None:
            raise ApiTypeError(f"{unknown[0]} is not supported by this SDK: {instead}")
        raise ApiTypeError(f"got an unexpected keyword argument {unknown[0]!r}")
    if options.get("async_req"):
        raise ApiTypeError("async_req is not supported: use AsyncCashfree (from cashfree_pg import AsyncCashfree)")
    shape = "response"
    if options.get("_preload_content") is False:
        shape = "raw"
    elif options.get("_return_http_data_only"):
        shape = "data"
    settings = settings.changed(
        timeout=options.get("_request_timeout"),
        max_retries=options.get("max_retries"),
        call_timeout=options.get("call_timeout"),
    )
    headers = options.get("_headers")
    if headers is None:
        return settings, None, shape
    if not isinstance(headers, Mapping):
        raise ApiTypeError(f"_headers must be a mapping of header names to values, got {type(headers).__name__}")
    extra: Dict[str, str] = {}
    for name, value in headers.items():
        key = check_header_name(name).lower()
        if key in FRAMING_HEADERS or key.replace("_", "-") in FRAMING_HEADERS:
            raise ApiValueError(f"_headers may not set {name!r}: the HTTP layer sets it")
        if key.replace("_", "-") in MANAGED_HEADERS:
            raise ApiValueError(
                f"_headers may not set {name!r}: the SDK sets it (use the method's parameter or a client setting)"
            )
        extra[key] = check_header_value(f"_headers[{name!r}]", value)
    return settings, extra, shape


def _check_id(name: str, value: str) -> str:
    if value == "":
        raise ApiValueError(f"{name} must not be empty (pass None to have one generated)")
    return check_header_value(name, value)


def _echoed_id(headers: Mapping[str, str], sent: str) -> str:
    echoed = headers.get(H_REQUEST_ID)
    return echoed.strip() if echoed and echoed.strip() else sent


def _retry_after(headers: Mapping[str, str], rate_limit: RateLimit) -> Optional[float]:
    """The service's wait: ``x-ratelimit-retry`` (when > 0) or ``Retry-After``, the larger."""
    waits = [w for w in (rate_limit.retry or None, parse_retry_after(headers.get(H_RETRY_AFTER))) if w is not None]
    return float(max(waits)) if waits else None


def _error_model(ref: str, body: bytes) -> Optional[ApiError]:
    try:
        model: ApiError = load_model(ref).model_validate_json(body)
    except ValidationError:
        return None  # not the service's JSON (an HTML page from a proxy): the text stays on .body
    if not any(isinstance(_text(model, f), str) for f in ("message", "code", "type")):
        return None
    return model


def _text(model: Optional[ApiError], field: str) -> Optional[str]:
    value = getattr(model, field, None) if model is not None else None
    return value if isinstance(value, str) else None


def _decode_problem(op: Operation, body: bytes, exc: ValidationError) -> str:
    if not body.strip():
        return f"empty response body where {op.response_type_name} was expected"
    errors = exc.errors(include_url=False, include_input=False)
    if errors and errors[0].get("type") == "json_invalid":
        return f"response body is not valid JSON ({errors[0].get('msg')}); expected {op.response_type_name}"
    # Never the input values: they may be card data.
    where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())) or '(body)'}: {e.get('msg')}" for e in errors[:3])
    return f"response body does not fit {op.response_type_name}: {where}"
