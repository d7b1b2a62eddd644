"""The error body of a 401 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class AuthenticationError(ApiError):
    """401: the credentials were not accepted."""
