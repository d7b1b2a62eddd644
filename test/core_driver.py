"""A stand-in shell for the sans-IO core: builds a call and plays its steps with answers made in
memory, without sleeping between attempts (used by test_core_steps.py and test_core_windows.py).

``_core`` does no I/O: a call is a generator that asks its shell for an attempt, a wait or a hook
run, so each decision (retry or not, how long to wait, what a hook sees, what is raised) can be
checked on its own.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from cashfree_pg import ApiException, RetryPolicy
from cashfree_pg._core import (
    NO_HOOKS,
    Call,
    CallSettings,
    Emit,
    Fault,
    Hooks,
    RateGate,
    RawAnswer,
    base_headers,
    prepare,
)
from cashfree_pg.api.token_vault_api import FETCH_INSTRUMENT
from cashfree_pg.configuration import Configuration
from cashfree_pg.policy import to_timeouts

SECRET = "cfsk_core_steps_secret_9f3"
#: No jitter, so every wait the core asks for can be compared exactly.
STEADY = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.02, jitter=0)
JSON = {"content-type": "application/json"}
BUSY = b'{"message": "busy", "code": "busy_now", "type": "api_error", "help": "wait"}'


def settings(
    policy: RetryPolicy = STEADY, call_timeout: float = 5.0, hooks: Hooks = NO_HOOKS, timeout: Any = None
) -> CallSettings:
    return CallSettings("2022-09-01", to_timeouts(timeout), policy, call_timeout, 1_000_000, hooks)


def new_call(
    op: Any = FETCH_INSTRUMENT,
    run_with: Optional[CallSettings] = None,
    gate: Optional[RateGate] = None,
    request_id: Optional[str] = "rid-core",
    options: Optional[Dict[str, Any]] = None,
    **config: Any,
) -> Call:
    config.setdefault("client_id", "app")
    config.setdefault("client_secret", SECRET)
    base = base_headers(Configuration(**config))
    return prepare(
        op, ("cust", "card"), base, run_with or settings(), gate or RateGate(), None, request_id, None, options
    )


def answer(status: int, body: Union[bytes, Dict[str, Any]] = b"", **headers: str) -> RawAnswer:
    if isinstance(body, dict):
        import json

        body = json.dumps(body).encode()
    merged = dict(JSON)
    merged.update({k.replace("_", "-"): v for k, v in headers.items()})
    return RawAnswer(status, "Reason", merged, body)


Played = List[Union[str, float, Emit]]


def play(call: Call, replies: Sequence[Union[RawAnswer, Fault]], pause: float = 0.0) -> Tuple[Any, Played]:
    """Drive ``call`` like a shell that never sleeps between attempts: the result (or the
    exception raised) and the steps taken ("attempt", a wait in seconds, or an Emit). Each
    answer arrives ``pause`` seconds after its attempt began."""
    pending = list(replies)
    played: Played = []
    steps = call.steps()
    try:
        step = next(steps)
        while True:
            if step is call:
                played.append("attempt")
                if pause:
                    time.sleep(pause)
                step = steps.send(pending.pop(0))
            elif isinstance(step, Emit):
                played.append(step)
                for hook in step.hooks:
                    hook(step.record)
                step = steps.send(None)
            else:
                played.append(step)
                step = steps.send(None)
    except StopIteration as done:
        return done.value, played
    except ApiException as exc:
        return exc, played


def attempts(played: Played) -> int:
    return played.count("attempt")


def waits(played: Played) -> List[float]:
    return [s for s in played if isinstance(s, float)]
