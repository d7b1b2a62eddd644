"""What every model shares: unknown fields kept, values of an unexpected JSON type kept, and the
official SDK's dict/JSON helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar, Union

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import CoreSchema, core_schema
from typing_extensions import Annotated

M = TypeVar("M", bound="CashfreeModel")


class _KeepAsSent:
    """Field marker: validate as the annotated type when the value fits it, else keep the value
    exactly as sent.

    The service's document types most fields but its schemas are open (no ``required``, no
    ``additionalProperties: false``, some values left untyped), and an answer must never fail
    to decode over a value the SDK merely expected in another shape. Type checkers see the
    annotated type; at run time a field may hold the JSON value the service sent instead.
    Everything happens inside pydantic-core, with no Python call per field.
    """

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        choices: List[Union[CoreSchema, Tuple[CoreSchema, str]]] = [handler(source), core_schema.any_schema()]
        try:
            # The annotated type first, then anything: one validation for a value that fits.
            return core_schema.union_schema(choices, mode="left_to_right")
        except TypeError:  # pydantic-core < 2.? (pydantic 2.0): its default mode, same result, slower
            return core_schema.union_schema(choices)

    def __repr__(self) -> str:
        return "KEEP_AS_SENT"


class _AsSent:
    """Field marker for a documented string: no check at all. A JSON string decodes to ``str``
    with nothing left to check, and any other value is to be kept as sent (the fastest form
    of ``KEEP_AS_SENT``)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.any_schema()

    def __repr__(self) -> str:
        return "AS_SENT"


#: ``Annotated[Optional[Model], KEEP_AS_SENT]``: the model when the value is an object, else the
#: value as sent.
KEEP_AS_SENT = _KeepAsSent()

#: A documented string field: a string as sent, ``None`` when absent, any other JSON value kept.
Text = Annotated[Optional[str], _AsSent()]


class CashfreeModel(BaseModel):
    """Base of the response models.

    Fields the service sends that this SDK does not know yet are kept (``extra="allow"``) and
    come back out of ``to_dict()``/``to_json()``, so nothing the server sent is lost.
    """

    # No string cache: pydantic-core guards it with a lock that a process forked while another
    # thread decodes would find held for ever (the decode hangs in the child).
    model_config = ConfigDict(extra="allow", populate_by_name=True, validate_assignment=False, cache_strings=False)

    def to_dict(self) -> Dict[str, Any]:
        """The model as the service sent it: every key received (nulls included), none invented."""
        return self.model_dump(by_alias=True, exclude_unset=True)

    def to_json(self) -> str:
        """``to_dict()`` as a JSON string."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)

    def to_str(self) -> str:
        """A readable multi-line form, safe to log."""
        import pprint  # only this debugging helper needs it

        return pprint.pformat(self._safe_dict())

    def _safe_dict(self) -> Dict[str, Any]:
        return self.to_dict()

    @classmethod
    def from_dict(cls: Type[M], obj: Optional[Dict[str, Any]]) -> Optional[M]:
        """Build from a dict (None gives None)."""
        if obj is None:
            return None
        return cls.model_validate(obj)

    @classmethod
    def from_json(cls: Type[M], json_str: str) -> M:
        """Build from a JSON string."""
        return cls.model_validate_json(json_str)


def parse_datetime(value: Optional[str]) -> Optional[datetime]:
    """A timestamp the service sent, in any of its formats (``2021-11-11 16:57:57``, ISO-8601
    with or without an offset), as a ``datetime``; None when missing or not a date."""
    if not value:
        return None
    from dateutil import parser  # loaded on first use: most calls never need it

    try:
        return parser.parse(value)
    except (ValueError, OverflowError):
        return None
