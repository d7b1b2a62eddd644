"""The error body of a 502 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class ApiError502(ApiError):
    """502: the bank or the tokenisation service failed."""
