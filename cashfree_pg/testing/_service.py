"""The Token Vault service as ``MockCashfree`` plays it: routing from the SDK's operations table,
the credential and version checks, idempotency keys, and the four operations on the saved
instruments.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import traceback
from collections import OrderedDict
from datetime import datetime
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from cashfree_pg.testing._auth import Credentials
from cashfree_pg.testing._records import ACTIVE, INACTIVE, RecordedRequest, Reply, SavedInstrument, error_body, to_json
from cashfree_pg.testing._routes import (
    DELETE_INSTRUMENT,
    FETCH_CRYPTOGRAM,
    FETCH_INSTRUMENT,
    FETCH_INSTRUMENTS,
    Route,
    Router,
)

_IDEMPOTENCY_MEMORY = 10_000

#: The version the document defaults to, sent back when a request named none usable.
DEFAULT_API_VERSION = "2025-01-01"

#: Query parameters with a documented set of values (anything else is a 400).
_DOCUMENTED_VALUES: Mapping[str, Tuple[str, ...]] = {"instrument_type": ("card",)}

#: Methods whose ``x-idempotency-key`` makes the request at most once; a key sent on a read
#: is accepted and changes nothing.
_READS = ("GET", "HEAD")

Answer = Tuple[int, Any]


def _error(status: int, type_: str, code: str, message: str) -> Answer:
    return status, error_body(type_, code, message)


def _bad_request(code: str, message: str) -> Answer:
    return _error(400, "invalid_request_error", code, message)


def valid_api_version(value: Optional[str]) -> bool:
    """Whether ``value`` is a date ``YYYY-MM-DD``, the form of every API version."""
    if not value or len(value) != 10:
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


class Service:
    """The saved instruments (``saved``, by ``instrument_id``), how often each was deleted,
    and the answers to requests.

    Not thread-safe: ``MockCashfree`` calls it under its lock.
    """

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self.saved: Dict[str, SavedInstrument] = {}
        self.deletes: Dict[str, int] = {}
        self._router = Router()
        self._idempotent: OrderedDict[str, Tuple[str, int, bytes]] = OrderedDict()
        self._operations: Mapping[str, Callable[[Route, RecordedRequest], Answer]] = {
            FETCH_INSTRUMENTS.name: self._list,
            FETCH_INSTRUMENT.name: self._fetch,
            DELETE_INSTRUMENT.name: self._delete,
            FETCH_CRYPTOGRAM.name: self._cryptogram,
        }

    def answer(self, req: RecordedRequest) -> Reply:
        """The service's answer to ``req`` (the headers of this operation; the ones every
        answer carries are added by the caller)."""
        headers = {"Content-Type": "application/json"}
        key = req.headers.get("x-idempotency-key")
        if key:
            headers["x-idempotency-key"] = key
            headers["x-idempotency-replayed"] = "false"
        try:
            status, payload = self._answer(req, headers)
        except Exception as exc:  # a bug in the mock (never a client's request): say so
            traceback.print_exc()
            status, payload = 500, to_json(error_body("api_error", "internal_error", f"mock error: {exc!r}"))
        return status, payload, headers

    def _answer(self, req: RecordedRequest, headers: Dict[str, str]) -> Tuple[int, bytes]:
        match = self._router.match(req.method, req.path)
        if match.route is None:
            if not match.allowed:
                return _json(_error(404, "invalid_request_error", "request_url_invalid", f"no such URL: {req.path}"))
            headers["Allow"] = ", ".join(match.allowed)
            return _json(
                _error(405, "invalid_request_error", "request_method_invalid", f"{req.method} is not allowed here")
            )
        if not self.credentials.accepts(req.headers):
            return _json(_error(401, "authentication_error", "request_failed", "authentication Failed"))
        version = req.headers.get("x-api-version")
        if not version:
            return _json(_bad_request("version_invalid", "x-api-version header is missing in the request"))
        if not valid_api_version(version):
            return _json(_bad_request("version_invalid", "x-api-version should be a date: YYYY-MM-DD"))
        route = match.route
        for name in route.query_params:
            value = req.query.get(name)
            if not value:
                return _json(_bad_request(f"{name}_missing", f"{name} is missing in the request"))
            documented = _DOCUMENTED_VALUES.get(name)
            if documented is not None and value not in documented:
                return _json(_bad_request(f"{name}_invalid", f"{name} should be one of: {', '.join(documented)}"))

        key = req.headers.get("x-idempotency-key")
        if not key or req.method in _READS:
            return _json(self._operate(route, req))
        fingerprint = _fingerprint(req)
        seen = self._idempotent.get(key)
        if seen is not None:
            if seen[0] != fingerprint:
                return _json(
                    _error(
                        422,
                        "idempotency_error",
                        "idempotency_key_reused",
                        "this x-idempotency-key was used with a different request",
                    )
                )
            headers["x-idempotency-replayed"] = "true"
            return seen[1], seen[2]
        status, payload = _json(self._operate(route, req))
        if 200 <= status < 300:
            # The bytes, not the object: a later change to the instrument must not show in a replay.
            self._idempotent[key] = (fingerprint, status, payload)
            if len(self._idempotent) > _IDEMPOTENCY_MEMORY:
                self._idempotent.popitem(last=False)
        return status, payload

    # -- the operations -----------------------------------------------------------------------

    def _operate(self, route: Route, req: RecordedRequest) -> Answer:
        operate = self._operations.get(route.operation.name)
        if operate is None:  # an operation added to the SDK's table that the mock does not play yet
            return _error(404, "invalid_request_error", "request_url_invalid", f"no such URL: {req.path}")
        return operate(route, req)

    def _list(self, route: Route, req: RecordedRequest) -> Answer:
        customer_id = route.path_params["customer_id"]
        wanted = req.query["instrument_type"]
        return 200, [
            s.data
            for s in self.saved.values()
            if s.customer_id == customer_id and s.status == ACTIVE and s.data.get("instrument_type") == wanted
        ]

    def _find(self, route: Route) -> Optional[SavedInstrument]:
        saved = self.saved.get(route.path_params["instrument_id"])
        if saved is None or saved.customer_id != route.path_params["customer_id"]:
            return None
        return saved

    def _fetch(self, route: Route, req: RecordedRequest) -> Answer:
        saved = self._find(route)
        if saved is None or saved.status == INACTIVE:
            return _not_found()
        return 200, saved.data

    def _delete(self, route: Route, req: RecordedRequest) -> Answer:
        saved = self._find(route)
        if saved is None:
            return _not_found()
        if saved.status == INACTIVE:
            return _error(409, "invalid_request_error", "instrument_already_deleted", "instrument is already deleted")
        saved.data["instrument_status"] = INACTIVE
        instrument_id = route.path_params["instrument_id"]
        self.deletes[instrument_id] = self.deletes.get(instrument_id, 0) + 1
        return 200, saved.data

    def _cryptogram(self, route: Route, req: RecordedRequest) -> Answer:
        saved = self._find(route)
        if saved is None or saved.status == INACTIVE:
            return _not_found()
        if saved.status != ACTIVE:
            return _bad_request("instrument_id_invalid", f"instrument is {saved.status}, not ACTIVE")
        token = dict(saved.token)
        cryptogram = token.pop("cryptogram", None) or base64.b64encode(secrets.token_bytes(20)).decode()
        return 200, {"instrument_id": route.path_params["instrument_id"], **token, "cryptogram": cryptogram}


def _not_found() -> Answer:
    return _error(404, "invalid_request_error", "instrument_not_found", "instrument not found")


def _json(answer: Answer) -> Tuple[int, bytes]:
    return answer[0], to_json(answer[1])


def _fingerprint(req: RecordedRequest) -> str:
    """What makes two requests the same request: method, path, query and body."""
    query = "&".join(f"{k}={v}" for k, v in sorted(req.query.items()))
    return f"{req.method} {req.path}?{query} {hashlib.sha256(req.body).hexdigest()}"
