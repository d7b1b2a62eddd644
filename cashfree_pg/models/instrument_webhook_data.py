"""An instrument webhook's body, as Cashfree posts it."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from cashfree_pg.models._base import CashfreeModel, parse_datetime
from cashfree_pg.models.instrument_webhook_data_entity import InstrumentWebhookDataEntity


class InstrumentWebhookData(CashfreeModel):
    """``type`` (``INSTRUMENT_ACTIVE_WEBHOOK`` or ``INSTRUMENT_FAILED_WEBHOOK``), ``event_time``
    (ISO-8601 text, as sent) and ``data`` (an ``InstrumentWebhookDataEntity``).

    Parse a body only after its signature is verified: ``cashfree_pg.webhooks.construct_event``
    does both and returns this model's subclass ``InstrumentWebhookEvent``.
    """

    data: Optional[InstrumentWebhookDataEntity] = None
    event_time: Optional[str] = None
    type: Optional[str] = None

    @property
    def event_time_datetime(self) -> Optional[datetime]:
        """``event_time`` as a ``datetime``, or None when it is missing or not a date."""
        return parse_datetime(self.event_time)
