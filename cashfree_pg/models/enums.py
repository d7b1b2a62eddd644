"""Known values of the fields that have a fixed set today.

The fields themselves are plain strings, so a value this SDK does not know yet arrives intact
instead of failing validation; compare against these constants (``str`` subclasses) when useful.
"""

from __future__ import annotations

from enum import Enum


class InstrumentType(str, Enum):
    """Known ``instrument_type`` values."""

    CARD = "card"


class InstrumentStatus(str, Enum):
    """Known ``instrument_status`` values (webhooks also send ``FAILED``)."""

    ACTIVE = "ACTIVE"
    INACTIVE = "INACTIVE"
    FAILED = "FAILED"


class CardNetwork(str, Enum):
    """Known ``card_network`` values, lowercase as newer API versions send them. Older versions
    send upper case (``VISA``): compare with ``value.lower() == CardNetwork.VISA``."""

    VISA = "visa"
    MASTERCARD = "mastercard"
    RUPAY = "rupay"
    AMEX = "amex"
    DINERS = "diners"


class CardType(str, Enum):
    """Known ``card_type`` values (the seed's ``DEBIT_CARD``, newer versions' lowercase forms)."""

    DEBIT_CARD = "DEBIT_CARD"
    CREDIT_CARD = "CREDIT_CARD"
    PREPAID_CARD = "PREPAID_CARD"
    DEBIT = "debit_card"
    CREDIT = "credit_card"
    PREPAID = "prepaid_card"
