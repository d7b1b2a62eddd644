"""The error body of a 409 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class ApiError409(ApiError):
    """409: the instrument was already deleted."""
