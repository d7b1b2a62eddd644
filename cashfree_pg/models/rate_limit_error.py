"""The error body of a 429 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class RateLimitError(ApiError):
    """429: too many requests."""
