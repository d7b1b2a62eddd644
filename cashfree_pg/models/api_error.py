"""The service's error body: ``{"message": ..., "code": ..., "type": ..., "help": ...}``."""

from __future__ import annotations

from cashfree_pg.models._base import CashfreeModel, Text


class ApiError(CashfreeModel):
    """An error body. ``code`` says what went wrong (``instrument_not_found``, ...), ``type``
    its class (``invalid_request_error``, ``api_error``, ...), ``help`` a link or a hint when the
    service gives one."""

    message: Text = None
    code: Text = None
    type: Text = None
    help: Text = None
