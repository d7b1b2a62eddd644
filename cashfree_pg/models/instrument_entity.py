"""A saved payment instrument (a tokenised card) of a customer."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from cashfree_pg.models._base import CashfreeModel, parse_datetime
from cashfree_pg.models.saved_instrument_meta import SavedInstrumentMeta


class InstrumentEntity(CashfreeModel):
    """A saved instrument as the service returns it; unknown fields are kept."""

    customer_id: Optional[str] = None
    afa_reference: Optional[str] = None
    instrument_id: Optional[str] = None
    instrument_type: Optional[str] = None
    instrument_uid: Optional[str] = None
    instrument_display: Optional[str] = None
    instrument_status: Optional[str] = None
    created_at: Optional[str] = None
    instrument_meta: Optional[SavedInstrumentMeta] = None

    @property
    def created_at_datetime(self) -> Optional[datetime]:
        """``created_at`` as a ``datetime`` (the seed's ``2021-11-11 16:57:57`` and ISO-8601
        alike), or None when it is missing or not a date."""
        return parse_datetime(self.created_at)
