"""The service's error body: ``{"message": ..., "code": ..., "type": ...}``."""

from __future__ import annotations

from typing import Optional

from cashfree_pg.models._base import CashfreeModel


class ApiError(CashfreeModel):
    """An error body. ``code`` says what went wrong (``instrument_not_found``, ...), ``type``
    its class (``invalid_request_error``, ``api_error``, ...)."""

    message: Optional[str] = None
    code: Optional[str] = None
    type: Optional[str] = None
