"""Known values of the fields that have a fixed set today.

The fields themselves stay plain strings, so a value this SDK does not know yet arrives intact
instead of failing validation. Compare them with these constants: a constant equals the value
whatever its case, because the service's API versions differ in case (the document's example
sends ``card_network: "VISA"``, newer versions send ``visa``)::

    meta.card_network == CardNetwork.VISA  # True for "VISA", "visa" and "Visa"
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Optional


class _ServiceValue(str, Enum):
    """A ``str`` constant that compares equal to the service's value regardless of case.

    ``hash()`` is the hash of the constant's own spelling, so a dict or set keyed by the
    constants still finds them by that exact string; look up other spellings with
    ``Constant(value)``, which also ignores case.
    """

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.casefold(self) == str.casefold(other)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.casefold(self) != str.casefold(other)
        return NotImplemented

    def __hash__(self) -> int:
        return str.__hash__(self)

    @classmethod
    def _missing_(cls, value: Any) -> Optional[_ServiceValue]:
        if isinstance(value, str):
            folded = value.casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return None


class InstrumentType(_ServiceValue):
    """Known ``instrument_type`` values."""

    CARD = "card"


class InstrumentStatus(_ServiceValue):
    """Known ``instrument_status`` values (webhooks also send ``FAILED``)."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    FAILED = "FAILED"


class CardNetwork(_ServiceValue):
    """Known ``card_network`` values (the service sends ``VISA`` or ``visa`` depending on the
    API version; both compare equal to ``CardNetwork.VISA``)."""

    VISA = "visa"
    MASTERCARD = "mastercard"
    RUPAY = "rupay"
    AMEX = "amex"
    DINERS = "diners"


class CardType(_ServiceValue):
    """Known ``card_type`` values. ``DEBIT_CARD`` and ``DEBIT`` (and the other pairs) are the
    same value in the two cases the API versions use, and compare equal to each other."""

    DEBIT_CARD = "DEBIT_CARD"
    CREDIT_CARD = "CREDIT_CARD"
    PREPAID_CARD = "PREPAID_CARD"
    DEBIT = "debit_card"
    CREDIT = "credit_card"
    PREPAID = "prepaid_card"
