"""Methods declared once, typed for the client they are read from.

The four ``PG...`` methods are written once, in ``TokenVaultMethods``, with the official
signatures. On ``Cashfree`` and ``TokenVaultApi`` they return an ``ApiResponse``; on
``AsyncCashfree`` the same code returns a coroutine, because that client's ``_invoke`` is a
coroutine function. At run time ``declared`` hands the function back untouched (no wrapper, no
per-call cost). For a type checker it becomes a descriptor whose ``__get__`` says which of the
two the method returns, depending on the class it is read from, so no second, async set of
declarations is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Coroutine, Generic, TypeVar

from typing_extensions import Concatenate, ParamSpec

P = ParamSpec("P")
R = TypeVar("R")


class SyncShell:
    """Marks the classes whose declared methods return their result (``Cashfree``, ``TokenVaultApi``)."""

    __slots__ = ()


class AsyncShell:
    """Marks the classes whose declared methods return coroutines (``AsyncCashfree``)."""

    __slots__ = ()


if TYPE_CHECKING:
    from typing import overload

    class Declared(Generic[P, R]):
        """How a type checker sees a declared method (never built at run time)."""

        @overload
        def __get__(self, obj: None, owner: Any) -> Declared[P, R]: ...
        @overload
        def __get__(self, obj: AsyncShell, owner: Any) -> Callable[P, Coroutine[Any, Any, R]]: ...
        @overload
        def __get__(self, obj: SyncShell, owner: Any) -> Callable[P, R]: ...
        def __get__(self, obj: Any, owner: Any) -> Any: ...


def declared(method: Callable[Concatenate[Any, P], R]) -> Declared[P, R]:
    """The method itself; typed as sync or async by the class it is read from."""
    return method  # type: ignore[return-value]
