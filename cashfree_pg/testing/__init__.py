"""Test merchant code without the network: ``MockCashfree``, a stateful fake of the Token Vault
service over real HTTP on loopback, and the ``cashfree_mock`` pytest fixture.

    from cashfree_pg.testing import MockCashfree

    with MockCashfree() as mock:
        card = mock.add_instrument("customer_1")
        cashfree = mock.client()

See docs/Testing.md. Importing ``cashfree_pg`` does not import this package; this package loads
the server code only when ``MockCashfree`` is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["MockCashfree", "MockInstrument", "RecordedRequest"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        value = getattr(importlib.import_module("cashfree_pg.testing._mock"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cashfree_pg.testing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return list(__all__)


if TYPE_CHECKING:
    from cashfree_pg.testing._mock import MockCashfree, MockInstrument, RecordedRequest
