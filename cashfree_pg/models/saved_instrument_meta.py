"""Card details saved with an instrument."""

from __future__ import annotations

from enum import Enum
from typing import Optional

from cashfree_pg.models._base import CashfreeModel
from cashfree_pg.models.card_token_details import CardTokenDetails


class CardNetwork(str, Enum):
    """Known ``card_network`` values. The field is a plain string: compare with these, or with
    any other value the service starts sending (it has sent both ``VISA`` and ``visa``)."""

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


class SavedInstrumentMeta(CashfreeModel):
    """``card_network``, ``card_bank_name``, ``card_country``, ``card_type``,
    ``card_sub_type`` and ``card_token_details``; unknown fields are kept."""

    card_network: Optional[str] = None
    card_bank_name: Optional[str] = None
    card_country: Optional[str] = None
    card_type: Optional[str] = None
    card_sub_type: Optional[str] = None
    card_token_details: Optional[CardTokenDetails] = None
