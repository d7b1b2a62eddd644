"""Card details saved with an instrument."""

from __future__ import annotations

from typing import Optional

from typing_extensions import Annotated

from cashfree_pg.models._base import KEEP_AS_SENT, CashfreeModel, Text
from cashfree_pg.models.card_token_details import CardTokenDetails


class SavedInstrumentMeta(CashfreeModel):
    """``card_network``, ``card_bank_name``, ``card_country``, ``card_type``,
    ``card_sub_type`` and ``card_token_details``; unknown fields are kept.

    ``card_token_details`` is a ``CardTokenDetails`` when the service sends an object (the
    document's only form), and the value as sent otherwise.
    """

    card_network: Text = None
    card_bank_name: Text = None
    card_country: Text = None
    card_type: Text = None
    card_sub_type: Text = None
    card_token_details: Annotated[Optional[CardTokenDetails], KEEP_AS_SENT] = None
