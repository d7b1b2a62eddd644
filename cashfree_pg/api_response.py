"""What every operation returns."""

from __future__ import annotations

from typing import Generic, Mapping, TypeVar

T = TypeVar("T")


class ApiResponse(Generic[T]):
    """``status_code``, response ``headers`` (case-insensitive), ``data`` (the decoded model or
    list of models) and ``raw_data`` (the body bytes exactly as received)."""

    __slots__ = ("data", "headers", "raw_data", "status_code")

    def __init__(self, status_code: int, headers: Mapping[str, str], data: T, raw_data: bytes) -> None:
        self.status_code = status_code
        self.headers = headers
        self.data = data
        self.raw_data = raw_data

    def __repr__(self) -> str:
        # data's own repr masks card data; the raw body is left out for the same reason.
        return f"ApiResponse(status_code={self.status_code}, data={self.data!r}, raw_data=<{len(self.raw_data)} bytes>)"

    __str__ = __repr__
