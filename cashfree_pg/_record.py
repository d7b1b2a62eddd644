"""Immutable plain-data objects with value equality, without the import-time cost of dataclasses.

The configuration objects are built once per client and compared when clients share a pool;
``@dataclass(frozen=True)`` would cost milliseconds of every cold start to generate them.
"""

from __future__ import annotations

from typing import Any, Dict, Tuple, TypeVar

R = TypeVar("R", bound="Record")


class Record:
    """Base of small immutable records: fields are the ``__slots__``; set them with ``_init``."""

    __slots__: Tuple[str, ...] = ()

    def _init(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable; use replace() to get a changed copy")

    def _values(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self._values() == other._values()  # type: ignore[attr-defined,unused-ignore]

    def __hash__(self) -> int:
        return hash(self._values())

    def replace(self: R, **changes: Any) -> R:
        """A copy with some fields changed (the record itself never changes)."""
        values = dict(zip(self.__slots__, self._values()))
        values.update(changes)
        return type(self)(**values)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # copy, deepcopy and pickle rebuild through __init__, which validates again.
        return (_rebuild, (type(self), dict(zip(self.__slots__, self._values()))))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self.__slots__, self._values()))
        return f"{type(self).__name__}({fields})"


def _rebuild(cls: Any, values: Dict[str, Any]) -> Any:
    return cls(**values)
