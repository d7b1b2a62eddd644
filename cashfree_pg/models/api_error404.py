"""The error body of a 404 response."""

from __future__ import annotations

from cashfree_pg.models.api_error import ApiError


class ApiError404(ApiError):
    """404: the instrument was not found for this customer."""
