"""What the sans-IO core promises, seen through the sync client over loopback HTTP, and the core's
small pure parts (ids, hook and option checks, the answer screen). The step-by-step decisions
(retries, waits, the shared rate-limit window, hooks) are in test_core_steps.py.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Iterator, List

import pytest

import cashfree_pg
from cashfree_pg import (
    ApiConnectionError,
    ApiResponse,
    ApiResponseTooLargeError,
    ApiTypeError,
    ApiValueError,
    Cashfree,
    RetryPolicy,
)
from cashfree_pg._core import (
    NO_HOOKS,
    CallSettings,
    Hooks,
    RateGate,
    SecretHeaders,
    base_headers,
    new_request_id,
    prepare,
    screen_head,
)
from cashfree_pg.api.token_vault_api import DELETE_INSTRUMENT, FETCH_INSTRUMENT
from cashfree_pg.configuration import Configuration
from cashfree_pg.policy import to_timeouts
from test.scripted_server import SEED_INSTRUMENT, Reply, ScriptedServer

SECRET = "cfsk_core_secret_never_shown_4d2"
FAST = RetryPolicy(max_retries=2, backoff_initial=0.001, backoff_max=0.002)
#: Hooks made by these tests stay alive for the whole process: the SDK remembers failed hooks by
#: id(), and a freed hook's id could be handed to a later test's new hook.
_KEEP_ALIVE: List[Any] = []


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer().start()
    yield s
    s.stop()


def client(server: ScriptedServer, **kwargs: Any) -> Cashfree:
    kwargs.setdefault("retry_policy", FAST)
    return Cashfree(XClientId="app", XClientSecret=SECRET, base_url=server.url, **kwargs)


def fetch(cf: Cashfree, **kwargs: Any) -> Any:
    return cf.PGCustomerFetchInstrument("2022-09-01", "cust", "card", **kwargs)


# -- ids and headers --------------------------------------------------------------------------------


def test_a_generated_request_id_is_a_random_version_4_uuid() -> None:
    ids = {new_request_id() for _ in range(200)}
    assert len(ids) == 200
    for text in ids:
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", text)
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == text
    # Each of the 122 random bits varies, and none is a copy of another: the history of each
    # bit over the 200 ids (a 200-bit column) is different for every bit.
    values = [uuid.UUID(t).int for t in ids]
    columns = [sum(((v >> bit) & 1) << row for row, v in enumerate(values)) for bit in range(128)]
    fixed = {bit for bit, column in enumerate(columns) if column in (0, (1 << 200) - 1)}
    assert len(fixed) == 6  # the version (4 bits) and the variant (2 bits)
    random_columns = [column for bit, column in enumerate(columns) if bit not in fixed]
    assert len(set(random_columns)) == 122


def test_every_request_carries_json_accept_the_user_agent_credentials_version_and_a_fresh_id(
    server: ScriptedServer,
) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    cf = client(server)
    fetch(cf)
    fetch(cf)
    first, second = server.requests
    assert first.headers["accept"] == "application/json"
    assert first.headers["user-agent"].startswith("cashfree-pg-python/")
    assert (first.headers["x-client-id"], first.headers["x-client-secret"]) == ("app", SECRET)
    assert first.headers["x-api-version"] == "2022-09-01"
    assert first.headers["x-request-id"] != second.headers["x-request-id"]
    assert "x-idempotency-key" not in first.headers


def test_headers_held_by_a_call_never_show_a_credential() -> None:
    config = Configuration(client_id="app", client_secret=SECRET)
    headers = base_headers(config)
    assert isinstance(headers, SecretHeaders) and headers["x-client-secret"] == SECRET
    for shown in (repr(headers), str(headers), f"{headers}"):
        assert SECRET not in shown and "****" in shown and "app" in shown


def test_a_header_given_in_headers_replaces_the_sdks_own_whatever_its_case() -> None:
    base = base_headers(Configuration(client_id="app", client_secret=SECRET))
    run_with = CallSettings("2022-09-01", to_timeouts(None), FAST, 7.0, 100, NO_HOOKS)
    options = {"_headers": {"Accept": "application/problem+json", "USER-AGENT": "shop/2.0"}}
    call = prepare(FETCH_INSTRUMENT, ("c", "i"), base, run_with, RateGate(), None, None, None, options)
    # The shell sends exactly these: one Accept and one User-Agent, the caller's.
    assert [k for k in call.headers if k.lower() == "accept"] == ["accept"]
    assert [k for k in call.headers if k.lower() == "user-agent"] == ["user-agent"]
    assert (call.headers["accept"], call.headers["user-agent"]) == ("application/problem+json", "shop/2.0")


def test_a_delete_gets_an_idempotency_key_of_its_own_and_keeps_the_callers(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    cf = client(server)
    cf.PGCustomerDeleteInstrument("2022-09-01", "cust", "card")
    generated = server.last.headers["x-idempotency-key"]
    assert uuid.UUID(generated).version == 4 and generated != server.last.headers["x-request-id"]
    cf.PGCustomerDeleteInstrument("2022-09-01", "cust", "card", "rid-5", "key-5")
    assert (server.last.headers["x-request-id"], server.last.headers["x-idempotency-key"]) == ("rid-5", "key-5")
    # A caller's key is sent even on an operation that would not generate one.
    fetch(cf, x_idempotency_key="key-6")
    assert server.last.headers["x-idempotency-key"] == "key-6"


def test_a_per_call_api_version_is_checked_and_sent(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    cf = client(server)
    cf.PGCustomerFetchInstrument("2023-08-01", "cust", "card")
    assert server.last.headers["x-api-version"] == "2023-08-01"
    for bad in ("2023/08/01", "latest", "2023-08-01\r\nx: y"):
        with pytest.raises(ApiValueError):
            cf.PGCustomerFetchInstrument(bad, "cust", "card")
    assert len(server.requests) == 1


@pytest.mark.parametrize(("value", "problem"), [("", "must not be empty"), ("a\nb", "contains a control character")])
def test_a_bad_request_id_or_idempotency_key_is_refused_by_its_parameters_name(
    server: ScriptedServer, value: str, problem: str
) -> None:
    cf = client(server)
    with pytest.raises(ApiValueError, match=f"^x_request_id {problem}"):
        cf.PGCustomerFetchInstrument("2022-09-01", "cust", "card", value)
    with pytest.raises(ApiValueError, match=f"^x_idempotency_key {problem}"):
        cf.PGCustomerDeleteInstrument("2022-09-01", "cust", "card", None, value)
    assert server.requests == []


# -- per-call options ---------------------------------------------------------------------------


def test_legacy_keywords_shape_the_result(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    cf = client(server)
    data = fetch(cf, _return_http_data_only=True)
    assert data.instrument_id == SEED_INSTRUMENT["instrument_id"]
    raw = fetch(cf, _preload_content=False)
    assert isinstance(raw, ApiResponse) and raw.data is None and b"instrument_id" in raw.raw_bytes
    normal = fetch(cf, _return_http_data_only=False, _preload_content=True, async_req=False)
    assert isinstance(normal, ApiResponse) and normal.data.instrument_id == SEED_INSTRUMENT["instrument_id"]


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ({"async_req": True}, "async_req is not supported: use AsyncCashfree"),
        ({"_request_auth": {}}, "_request_auth is not supported by this SDK: build a Cashfree"),
        ({"_content_type": "application/json"}, "_content_type is not supported by this SDK: these operations send"),
        ({"_host_index": 1}, "_host_index is not supported by this SDK: choose the host with XEnvironment"),
        ({"timeout_seconds": 3}, "got an unexpected keyword argument 'timeout_seconds'"),
        ({"_headers": [("x-note", "v")]}, "_headers must be a mapping of header names to values, got list"),
    ],
)
def test_a_keyword_this_sdk_cannot_honour_is_refused_with_what_to_do_before_sending(
    server: ScriptedServer, option: Any, words: str
) -> None:
    with pytest.raises(ApiTypeError) as info:
        fetch(client(server), **option)
    assert str(info.value).startswith(words)  # what was refused, then why or what to do instead
    assert server.requests == []


def test_per_call_settings_change_only_that_call(server: ScriptedServer) -> None:
    server.default = Reply(503, {"message": "busy", "code": "busy", "type": "api_error"})
    cf = client(server)
    with pytest.raises(Exception) as info:
        fetch(cf, max_retries=0)
    assert info.value.attempts == 1
    with pytest.raises(Exception) as info:
        fetch(cf)
    assert info.value.attempts == 3
    for bad in ({"max_retries": -1}, {"call_timeout": 0}, {"_request_timeout": -2}):
        with pytest.raises(ApiValueError):
            fetch(cf, **bad)
    assert len(server.requests) == 4


@pytest.mark.parametrize("name", ["Content-Length", "transfer_encoding", "Host", "Accept-Encoding", "Connection"])
def test_headers_option_cannot_set_what_frames_the_message(server: ScriptedServer, name: str) -> None:
    with pytest.raises(ApiValueError, match="the HTTP layer sets it"):
        fetch(client(server), _headers={name: "1"})
    assert server.requests == []


@pytest.mark.parametrize("name", ["x_request_id", "X-Idempotency-Key", "x_client_secret", "X_API_VERSION"])
def test_headers_option_cannot_set_identity_headers_even_spelt_with_underscores(
    server: ScriptedServer, name: str
) -> None:
    with pytest.raises(ApiValueError, match="the SDK sets it"):
        fetch(client(server), _headers={name: "other"})
    assert server.requests == []


def test_extra_headers_are_sent_lower_cased_and_checked(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    cf = client(server)
    fetch(cf, _headers={"X-Shop-Note": "order 7", "X_Trace": "t-1"})
    assert server.last.headers["x-shop-note"] == "order 7" and server.last.headers["x_trace"] == "t-1"
    with pytest.raises(ApiValueError, match=re.escape("_headers['X-Shop-Note']")):
        fetch(cf, _headers={"X-Shop-Note": "a\nb"})
    fetch(cf, _headers={})
    assert len(server.requests) == 2


def test_options_checked_in_prepare_leave_a_call_without_options_alone() -> None:
    base = base_headers(Configuration(client_id="app", client_secret=SECRET))
    run_with = CallSettings("2022-09-01", to_timeouts(None), FAST, 7.0, 100, NO_HOOKS)
    call = prepare(FETCH_INSTRUMENT, ("c", "i"), base, run_with, RateGate(), None, "rid", None, None)
    assert call.settings is run_with and call.shape == "response" and call.target == "/customers/c/instruments/i"
    assert "x-client-secret" not in repr(call)
    # The caller's headers are copied, never changed.
    prepare(DELETE_INSTRUMENT, ("c", "i"), base, run_with, RateGate(), None, None, None, {"_headers": {"x-a": "b"}})
    assert "x-a" not in base and "x-request-id" not in base and "x-idempotency-key" not in base


# -- settings ------------------------------------------------------------------------------------


def test_changed_settings_change_only_what_is_given_and_check_it() -> None:
    hooks = Hooks(request=[print])
    start = CallSettings("2022-09-01", to_timeouts((1, 2)), FAST, 30.0, 1234, hooks)
    assert start.changed() == start
    version = start.changed(x_api_version="2023-08-01")
    assert version == start.replace(api_version="2023-08-01")
    timeout = start.changed(timeout=9)
    assert timeout == start.replace(timeouts=to_timeouts(9))
    retries = start.changed(max_retries=0)
    assert retries == start.replace(policy=FAST.replace(max_retries=0))
    deadline = start.changed(call_timeout=4)
    assert deadline == start.replace(call_timeout=4.0)
    assert (deadline.max_response_bytes, deadline.hooks) == (1234, hooks)
    for bad in ({"x_api_version": "v2"}, {"timeout": -1}, {"max_retries": 101}, {"call_timeout": float("inf")}):
        setting = next(iter(bad))
        with pytest.raises(ApiValueError, match=f"^{setting} must "):  # the error names the setting
            start.changed(**bad)


def test_settings_come_from_the_configuration() -> None:
    config = Configuration(
        client_id="a", client_secret="b", api_version="2023-08-01", timeout=3, call_timeout=9, max_response_bytes=77
    )
    hooks = Hooks(retry=[print])
    made = CallSettings.of(config, hooks)
    assert (made.api_version, made.timeouts, made.policy) == ("2023-08-01", to_timeouts(3), config.retry)
    assert (made.call_timeout, made.max_response_bytes, made.hooks) == (9.0, 77, hooks)
    assert CallSettings.of(config).hooks is NO_HOOKS


def test_event_hooks_must_be_lists_of_callables_for_known_events() -> None:
    assert Hooks.from_mapping(None) is NO_HOOKS and not NO_HOOKS
    made = Hooks.from_mapping({"retry": [print], "request": (len,)})
    assert (made.request, made.response, made.retry) == ((len,), (), (print,)) and made
    for only in ("request", "response", "retry"):
        assert Hooks(**{only: [print]})
    with pytest.raises(ApiTypeError, match=r"^event_hooks must be a dict of event name to a list of callables$"):
        Hooks.from_mapping([("request", [print])])  # type: ignore[arg-type]
    with pytest.raises(ApiValueError, match="unknown event 'sent'; events are request, response, retry"):
        Hooks.from_mapping({"sent": [print], "zz": [print], "request": [print]})
    for bad in ({"request": print}, {"response": [print, "x"]}, {"retry": "abc"}):
        name = next(iter(bad))
        with pytest.raises(ApiTypeError, match=re.escape(f"event_hooks[{name!r}] must be a list of callables")):
            Hooks.from_mapping(bad)


def test_a_client_with_event_hooks_runs_them_for_every_attempt(server: ScriptedServer) -> None:
    events: List[Any] = []
    server.reply(Reply(502, {"message": "down"}), Reply(200, SEED_INSTRUMENT))
    cf = client(server, event_hooks={"request": [events.append], "response": [events.append], "retry": [events.append]})
    fetch(cf, x_request_id="rid-h")
    assert [(e.event, e.attempt, e.status) for e in events] == [
        ("request", 1, 0),
        ("response", 1, 502),
        ("retry", 1, 502),
        ("request", 2, 0),
        ("response", 2, 200),
    ]
    assert {e.request_id for e in events} == {"rid-h"}


def test_a_hook_that_raises_never_breaks_the_call_and_is_logged_once_per_error_type_without_its_text(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    raised: List[type] = [RuntimeError, RuntimeError, KeyError, KeyError]  # one per call

    def flaky_hook(event: Any) -> None:
        raise raised.pop(0)(f"hook saw {SECRET}")

    class CountingHook:
        def __call__(self, event: Any) -> None:
            raise RuntimeError(SECRET)

    counting = CountingHook()
    _KEEP_ALIVE.extend([flaky_hook, counting])
    cf = client(server, event_hooks={"request": [flaky_hook, counting]})
    with caplog.at_level(logging.ERROR, logger="cashfree_pg"):
        for _ in range(4):
            assert fetch(cf).status_code == 200
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    # Once per hook and error type: RuntimeError and KeyError of one hook, RuntimeError of the other.
    assert len(lines) == 3
    assert "flaky_hook raised RuntimeError" in lines[0] and "CountingHook raised RuntimeError" in lines[1]
    assert "flaky_hook raised KeyError" in lines[2]
    assert all("the call goes on" in line and SECRET not in line for line in lines)


# -- screening an answer before its body is read ------------------------------------------------


def test_an_answer_carrying_another_calls_request_id_is_never_returned(server: ScriptedServer) -> None:
    stray = Reply(200, dict(SEED_INSTRUMENT, customer_id="someone-else"), {"x-request-id": "rid-other"})
    server.reply(stray, Reply(200, SEED_INSTRUMENT, {"x-request-id": "rid-mine"}))
    response = fetch(client(server), x_request_id="rid-mine")
    assert response.data.customer_id == SEED_INSTRUMENT["customer_id"] and response.attempts == 2
    server.default = stray
    with pytest.raises(ApiConnectionError) as info:
        fetch(client(server), x_request_id="rid-mine")
    assert str(info.value).startswith("the answer carries another request's x-request-id; it was discarded")
    assert info.value.attempts == 3 and "someone-else" not in str(info.value)


def test_the_echoed_request_id_is_compared_without_surrounding_blanks() -> None:
    assert screen_head(200, {"x-request-id": "  rid-1 "}, "rid-1") is None
    assert screen_head(200, {"x-request-id": "   "}, "rid-1") is None
    assert screen_head(200, {"x-request-id": ""}, "rid-1") is None
    assert screen_head(200, {}, "rid-1") is None
    refused = screen_head(200, {"x-request-id": "rid-2"}, "rid-1")
    assert refused is not None and refused.kind == "mismatch"


def test_a_content_encoding_the_sdk_did_not_ask_for_is_refused(server: ScriptedServer) -> None:
    server.default = Reply(200, SEED_INSTRUMENT, {"Content-Encoding": "gzip"})
    with pytest.raises(ApiConnectionError, match=re.escape("compressed ('gzip')")):
        fetch(client(server, max_retries=0))
    for accepted in ("identity", " Identity ", "", "  ", "IDENTITY"):
        assert screen_head(200, {"content-encoding": accepted}, "r") is None, accepted
    long_name = "x" * 25
    refused = screen_head(200, {"content-encoding": f" {long_name} "}, "r")
    assert refused is not None and refused.kind == "protocol"
    assert repr("x" * 20) in refused.text and "x" * 21 not in refused.text
    # The request id is checked first: a stray answer is a mismatch whatever its encoding.
    both = screen_head(200, {"x-request-id": "other", "content-encoding": "br"}, "r")
    assert both is not None and both.kind == "mismatch"


def test_a_body_one_byte_over_max_response_bytes_is_refused_and_one_at_the_limit_is_not(
    server: ScriptedServer,
) -> None:
    body = b'{"instrument_id": "card", "customer_id": "cust"}'
    server.default = Reply(200, body)
    assert fetch(client(server, max_response_bytes=len(body))).data.instrument_id == "card"
    with pytest.raises(ApiResponseTooLargeError) as info:
        fetch(client(server, max_response_bytes=len(body) - 1))
    error = info.value
    assert error.status == 200 and error.attempts == 1 and len(server.requests) == 2  # never retried
    assert f"larger than max_response_bytes ({len(body) - 1} bytes)" in str(error)
    assert error.headers is not None and error.request_id and error.reason == "OK"


# -- logging -------------------------------------------------------------------------------------


def test_each_attempt_logs_its_outcome_and_each_retry_what_failed_and_the_wait(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.reply(Reply(action="drop"), Reply(502, {"message": "down"}), Reply(200, SEED_INSTRUMENT))
    with caplog.at_level(logging.DEBUG, logger="cashfree_pg"):
        fetch(client(server), x_request_id="rid-log")
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    path = "GET /customers/{customer_id}/instruments/{instrument_id}"
    assert [line.split(" -> ")[1].split(" in ")[0] for line in debug] == ["ApiConnectionError", "502", "200"]
    assert len(warnings) == 2
    assert re.fullmatch(
        re.escape(f"cashfree_pg: {path} attempt 1 failed (ApiConnectionError); retrying in ")
        + r"0\.00s \[request_id=rid-log\]",
        warnings[0],
    )
    assert warnings[1].startswith(f"cashfree_pg: {path} attempt 2 failed (HTTP 502); retrying in 0.00s")


# -- fork safety -----------------------------------------------------------------------------------

LOADED_SCRIPT = """
import sys
from cashfree_pg import Cashfree
print(" ".join(sorted(sys.modules)))
"""


def test_loading_the_client_loads_every_model_and_codec_a_call_can_need() -> None:
    # A call must never import: an import holds a lock that a process forked at that moment
    # would find held for ever. The child runs the same copy of the package as this test.
    from cashfree_pg import _core
    from cashfree_pg.api.token_vault_api import OPERATIONS
    from cashfree_pg.exceptions import error_kind

    _core.warm(OPERATIONS)  # warming again is harmless (and shows this test uses warm)
    package_root = Path(cashfree_pg.__file__).resolve().parent.parent
    run = subprocess.run(
        [sys.executable, "-c", LOADED_SCRIPT],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=package_root,
        env=dict(os.environ, PYTHONPATH=str(package_root)),
    )
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = set(run.stdout.split())
    needed = {"encodings.idna"}
    needed |= {"cashfree_pg.models." + error_kind(status)[1].split(":")[0] for status in range(400, 600)}
    needed |= {"cashfree_pg.models." + op.response.split(":")[0] for op in OPERATIONS}
    assert needed - loaded == set()
