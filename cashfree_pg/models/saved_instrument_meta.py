"""Card details saved with an instrument."""

from __future__ import annotations

from typing import Optional

from cashfree_pg.models._base import CashfreeModel
from cashfree_pg.models.card_token_details import CardTokenDetails


class SavedInstrumentMeta(CashfreeModel):
    """``card_network``, ``card_bank_name``, ``card_country``, ``card_type``,
    ``card_sub_type`` and ``card_token_details``; unknown fields are kept."""

    card_network: Optional[str] = None
    card_bank_name: Optional[str] = None
    card_country: Optional[str] = None
    card_type: Optional[str] = None
    card_sub_type: Optional[str] = None
    card_token_details: Optional[CardTokenDetails] = None
