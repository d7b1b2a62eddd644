"""The ``cashfree_mock`` pytest fixture, registered through the ``pytest11`` entry point: a
project that installs ``cashfree_pg`` can use it with no conftest code.

    def test_checkout(cashfree_mock):
        card = cashfree_mock.add_instrument("customer_1")
        ...

Loading this plugin imports nothing heavy: the mock is imported when a test asks for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:
    from cashfree_pg.testing._mock import MockCashfree


@pytest.fixture
def cashfree_mock() -> Iterator[MockCashfree]:
    """A started ``cashfree_pg.testing.MockCashfree`` (empty, on a free loopback port), stopped
    after the test. ``cashfree_mock.client()`` is a ``Cashfree`` pointed at it."""
    from cashfree_pg.testing._mock import MockCashfree

    with MockCashfree() as mock:
        yield mock
