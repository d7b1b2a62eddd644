"""The error body of a 400 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class BadRequestError(ApiError):
    """400: an invalid or expired instrument id, an expired cryptogram, ..."""
