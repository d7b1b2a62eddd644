"""A saved payment instrument (a tokenised card) of a customer."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from typing_extensions import Annotated

from cashfree_pg.models._base import KEEP_AS_SENT, CashfreeModel, Text, parse_datetime
from cashfree_pg.models.saved_instrument_meta import SavedInstrumentMeta


class InstrumentEntity(CashfreeModel):
    """A saved instrument as the service returns it; unknown fields are kept, and so is a
    value of a type the SDK did not expect (see ``KEEP_AS_SENT``)."""

    customer_id: Text = None
    afa_reference: Text = None
    instrument_id: Text = None
    instrument_type: Text = None
    instrument_uid: Text = None
    instrument_display: Text = None
    instrument_status: Text = None
    created_at: Text = None
    instrument_meta: Annotated[Optional[SavedInstrumentMeta], KEEP_AS_SENT] = None

    @property
    def created_at_datetime(self) -> Optional[datetime]:
        """``created_at`` as a ``datetime`` (the seed's ``2021-11-11 16:57:57`` and ISO-8601
        alike), or None when it is missing or not a date."""
        created = self.created_at
        return parse_datetime(created) if isinstance(created, str) else None
