"""An API operation described as data, so that one generic path can execute every endpoint."""

from __future__ import annotations

import importlib
import re
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence, Tuple, Type
from urllib.parse import quote

from cashfree_pg.exceptions import ApiTypeError, ApiValueError, error_kind

if TYPE_CHECKING:
    from cashfree_pg.models.api_error import ApiError

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def load_model(ref: str) -> Any:
    """The class named by ``"module:Class"`` under ``cashfree_pg.models``."""
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
    try:
        return quote(value, safe="")
    except UnicodeEncodeError:
        raise ApiValueError(f"{name} is not valid Unicode text (it holds a lone surrogate)") from None


class Operation:
    """One endpoint: ``method`` and ``path`` (``{name}`` marks a path parameter), the ordered
    required string ``params`` (those not in the path go in the query string), and the success
    model as ``"module:Class"`` (a list of them when ``many``). ``idempotent_key`` makes every
    request carry an ``x-idempotency-key`` (generated if the caller gives none), so that a
    retried attempt can never act twice.

    Everything derived from the description is computed once, without locks, so that a process
    forked while another thread is inside its first call can still use it."""

    __slots__ = (
        "_decoder",
        "_path_idx",
        "_query_idx",
        "_template",
        "idempotent_key",
        "many",
        "method",
        "name",
        "params",
        "path",
        "response",
    )

    def __init__(
        self,
        name: str,
        method: str,
        path: str,
        params: Tuple[str, ...],
        response: str,
        many: bool = False,
        idempotent_key: bool = False,
    ) -> None:
        self.name = name
        self.method = method
        self.path = path
        self.params = params
        self.response = response
        self.many = many
        self.idempotent_key = idempotent_key
        in_path = _PLACEHOLDER.findall(path)
        self._template = _PLACEHOLDER.sub("{}", path)
        self._path_idx = tuple(params.index(p) for p in in_path)
        self._query_idx = tuple(i for i, p in enumerate(params) if p not in in_path)
        self._decoder: Optional[Callable[[bytes], Any]] = None

    def __repr__(self) -> str:
        return f"Operation({self.name}: {self.method} {self.path})"

    def build_path(self, values: Sequence[object]) -> str:
        """The request path and query for ``values`` (in ``params`` order), each checked and
        percent-encoded as a single segment."""
        names = self.params
        path = self._template.format(*[_segment(names[i], values[i]) for i in self._path_idx])
        if self._query_idx:
            path += "?" + "&".join(f"{names[i]}={_segment(names[i], values[i])}" for i in self._query_idx)
        return path

    @property
    def decode(self) -> Callable[[bytes], Any]:
        """Validates a success body straight from bytes in pydantic-core."""
        decoder = self._decoder
        if decoder is None:
            decoder = self._decoder = self._build_decoder()
        return decoder

    def _build_decoder(self) -> Callable[[bytes], Any]:
        model = load_model(self.response)
        if not self.many:
            return model.model_validate_json  # type: ignore[no-any-return]
        from pydantic import ConfigDict, TypeAdapter

        # No string cache, as in the models' own configuration (fork safety).
        return TypeAdapter(List[model], config=ConfigDict(cache_strings=False)).validate_json  # type: ignore[valid-type]

    @property
    def response_type_name(self) -> str:
        name = self.response.split(":")[1]
        return f"list of {name}" if self.many else name

    @staticmethod
    def error_model(status: int) -> Type[ApiError]:
        """The model of an error body for ``status``."""
        return load_model(error_kind(status)[1])  # type: ignore[no-any-return]
