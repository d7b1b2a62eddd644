"""The error body of a 422 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class IdempotencyError(ApiError):
    """422: the idempotency key was used with a different request."""
