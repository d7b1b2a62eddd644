"""The Token Vault service as ``MockCashfree`` plays it: its URLs and methods, the credential and
version checks, idempotency keys, and the four operations on the saved instruments.
"""

from __future__ import annotations

import base64
import secrets
import traceback
from collections import OrderedDict
from datetime import datetime
from typing import Any, Dict, Optional, Tuple
from urllib.parse import unquote

from cashfree_pg.testing._records import ACTIVE, INACTIVE, RecordedRequest, Reply, SavedInstrument, error_body, to_json

_IDEMPOTENCY_MEMORY = 10_000


def _error(status: int, type_: str, code: str, message: str) -> Tuple[int, Any]:
    return status, error_body(type_, code, message)


def _reply(status: int, body: Any) -> Tuple[int, bytes]:
    return status, to_json(body)


def _valid_api_version(value: str) -> bool:
    if len(value) != 10:
        return False
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        return False
    return True


class Vault:
    """The saved instruments (``saved``, by ``instrument_id``) and the answers to requests.

    Not thread-safe: ``MockCashfree`` calls it under its lock.
    """

    def __init__(self) -> None:
        self.saved: Dict[str, SavedInstrument] = {}
        self._idempotent: OrderedDict[str, Tuple[str, int, bytes]] = OrderedDict()

    def answer(
        self, req: RecordedRequest, *, client_id: str, client_secret: str, partner_api_key: Optional[str]
    ) -> Reply:
        """The service's answer to ``req`` from a merchant with these credentials."""
        headers = {"Content-Type": "application/json"}
        version = req.headers.get("x-api-version")
        if version:
            headers["x-api-version"] = version
        partner_ok = partner_api_key is not None and req.headers.get("x-partner-apikey") == partner_api_key
        authorized = partner_ok or (
            req.headers.get("x-client-id") == client_id and req.headers.get("x-client-secret") == client_secret
        )
        try:
            status, payload = self._route(req, authorized)
        except Exception as exc:  # a bug in the mock: say so, as the service's 500 would
            traceback.print_exc()
            status, payload = _reply(*_error(500, "api_error", "internal_error", f"mock error: {exc!r}"))
        return status, payload, headers

    def _route(self, req: RecordedRequest, authorized: bool) -> Tuple[int, bytes]:
        parts = req.path.split("/")
        route = None
        if len(parts) >= 5 and parts[:3] == ["", "pg", "customers"] and parts[3] and parts[4] == "instruments":
            rest = parts[5:]
            if not rest:
                route = "list"
            elif len(rest) == 1 and rest[0]:
                route = "instrument"
            elif len(rest) == 2 and rest[0] and rest[1] == "cryptogram":
                route = "cryptogram"
        if route is None:
            return _reply(*_error(404, "invalid_request_error", "request_url_invalid", f"no such URL: {req.path}"))
        allowed = ("GET", "DELETE") if route == "instrument" else ("GET",)
        if req.method not in allowed:
            return _reply(
                *_error(405, "invalid_request_error", "request_method_invalid", f"{req.method} is not allowed here")
            )
        if not authorized:
            return _reply(*_error(401, "authentication_error", "request_failed", "authentication Failed"))
        version = req.headers.get("x-api-version")
        if not version:
            return _reply(
                *_error(
                    400, "invalid_request_error", "version_invalid", "x-api-version header is missing in the request"
                )
            )
        if not _valid_api_version(version):
            return _reply(
                *_error(400, "invalid_request_error", "version_invalid", "x-api-version should be a date: YYYY-MM-DD")
            )

        key = req.headers.get("x-idempotency-key")
        target = req.method + " " + req.path + "?" + "&".join(f"{k}={v}" for k, v in sorted(req.query.items()))
        if key:
            seen = self._idempotent.get(key)
            if seen is not None:
                if seen[0] != target:
                    return _reply(
                        *_error(
                            422,
                            "idempotency_error",
                            "idempotency_key_reused",
                            "this x-idempotency-key was used with a different request",
                        )
                    )
                return seen[1], seen[2]

        customer_id = unquote(parts[3])
        status, body = self._operate(route, req, customer_id, unquote(parts[5]) if route != "list" else "")
        status, payload = _reply(status, body)
        if key and 200 <= status < 300:
            # The bytes, not the object: a later delete changes the saved instrument in place.
            self._idempotent[key] = (target, status, payload)
            if len(self._idempotent) > _IDEMPOTENCY_MEMORY:
                self._idempotent.popitem(last=False)
        return status, payload

    def _operate(self, route: str, req: RecordedRequest, customer_id: str, instrument_id: str) -> Tuple[int, Any]:
        if route == "list":
            wanted = req.query.get("instrument_type")
            if not wanted:
                return _error(
                    400, "invalid_request_error", "instrument_type_missing", "instrument_type is missing in the request"
                )
            return 200, [
                s.data
                for s in self.saved.values()
                if s.customer_id == customer_id and s.status == ACTIVE and s.data.get("instrument_type") == wanted
            ]
        saved = self.saved.get(instrument_id)
        if saved is None or saved.customer_id != customer_id:
            return _error(404, "invalid_request_error", "instrument_not_found", "instrument not found")
        if req.method == "DELETE":
            if saved.status == INACTIVE:
                return _error(
                    409, "invalid_request_error", "instrument_already_deleted", "instrument is already deleted"
                )
            saved.data["instrument_status"] = INACTIVE
            return 200, saved.data
        if saved.status == INACTIVE:
            return _error(404, "invalid_request_error", "instrument_not_found", "instrument not found")
        if route == "instrument":
            return 200, saved.data
        if saved.status != ACTIVE:
            return _error(
                400, "invalid_request_error", "instrument_id_invalid", f"instrument is {saved.status}, not ACTIVE"
            )
        token = dict(saved.token)
        cryptogram = token.pop("cryptogram", None) or base64.b64encode(secrets.token_bytes(20)).decode()
        return 200, {"instrument_id": instrument_id, **token, "cryptogram": cryptogram}
