"""An API operation described as data, so that one generic path can execute every endpoint."""

from __future__ import annotations

import importlib
import re
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Sequence, Tuple, Type
from urllib.parse import quote

from cashfree_pg.exceptions import ApiTypeError, ApiValueError

if TYPE_CHECKING:
    from cashfree_pg.models.api_error import ApiError

#: Error body model per status, as "module:Class" under cashfree_pg.models (imported on first error).
ERROR_MODELS: Mapping[int, str] = {
    400: "bad_request_error:BadRequestError",
    401: "authentication_error:AuthenticationError",
    404: "api_error404:ApiError404",
    409: "api_error409:ApiError409",
    422: "idempotency_error:IdempotencyError",
    429: "rate_limit_error:RateLimitError",
    502: "api_error502:ApiError502",
}
DEFAULT_ERROR_MODEL = "api_error:ApiError"

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _load(ref: str) -> Any:
    module, name = ref.split(":")
    return getattr(importlib.import_module(f"cashfree_pg.models.{module}"), name)


def _segment(name: str, value: object) -> str:
    if not isinstance(value, str):
        if value is None:
            raise ApiValueError(f"{name} is required")
        raise ApiTypeError(f"{name} must be a string, got {type(value).__name__}")
    if not value:
        raise ApiValueError(f"{name} must not be empty")
    if value in (".", ".."):  # would be read as a relative path step, not as a value
        return value.replace(".", "%2E")
    return quote(value, safe="")


class Operation:
    """One endpoint: ``method`` and ``path`` (``{name}`` marks a path parameter), the ordered
    required string ``params`` (those not in the path go in the query string), the success
    model as ``"module:Class"`` (a list of them when ``many``), and the error model per status.
    ``idempotent_key`` makes every request carry an ``x-idempotency-key`` (generated if the
    caller gives none), so that a retried attempt can never act twice."""

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        params: Tuple[str, ...],
        response: str,
        many: bool = False,
        idempotent_key: bool = False,
        errors: Mapping[int, str] = ERROR_MODELS,
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.params = params
        self.response = response
        self.many = many
        self.idempotent_key = idempotent_key
        self.errors = errors

    def __repr__(self) -> str:
        return f"Operation({self.name}: {self.method} {self.path})"

    @cached_property
    def _template(self) -> Tuple[str, Tuple[int, ...], Tuple[int, ...]]:
        in_path = _PLACEHOLDER.findall(self.path)
        path_idx = tuple(self.params.index(p) for p in in_path)
        query_idx = tuple(i for i, p in enumerate(self.params) if p not in in_path)
        return _PLACEHOLDER.sub("{}", self.path), path_idx, query_idx

    def build_path(self, values: Sequence[object]) -> str:
        """The request path and query for ``values`` (in ``params`` order), each checked and
        percent-encoded as a single segment."""
        template, path_idx, query_idx = self._template
        names = self.params
        path = template.format(*[_segment(names[i], values[i]) for i in path_idx])
        if query_idx:
            path += "?" + "&".join(f"{names[i]}={_segment(names[i], values[i])}" for i in query_idx)
        return path

    @cached_property
    def decode(self) -> Callable[[bytes], Any]:
        """Validates a success body straight from bytes in pydantic-core."""
        model = _load(self.response)
        if not self.many:
            return model.model_validate_json  # type: ignore[no-any-return]
        from typing import List

        from pydantic import TypeAdapter

        return TypeAdapter(List[model]).validate_json  # type: ignore[valid-type]

    @property
    def response_type_name(self) -> str:
        name = self.response.split(":")[1]
        return f"list of {name}" if self.many else name

    def error_model(self, status: int) -> Type[ApiError]:
        """The model of an error body for ``status``."""
        return _cached_model(self.errors.get(status, DEFAULT_ERROR_MODEL))


_MODEL_CACHE: Dict[str, Type[ApiError]] = {}


def _cached_model(ref: str) -> Type[ApiError]:
    model = _MODEL_CACHE.get(ref)
    if model is None:
        model = _MODEL_CACHE[ref] = _load(ref)
    return model
