"""The ``data`` of an instrument webhook: the saved card it is about, and why saving failed."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from cashfree_pg.models._base import CashfreeModel, parse_datetime
from cashfree_pg.models.instrument_entity import InstrumentEntity
from cashfree_pg.models.saved_instrument_meta import SavedInstrumentMeta


class WebhookInstrumentMeta(SavedInstrumentMeta):
    """The card behind a webhook's instrument.

    The webhook names some fields differently from the API: ``sub_type`` (the API's
    ``card_sub_type``), ``card_par`` at this level, and short ``card_type`` values such as
    ``credit``. A subclass of ``SavedInstrumentMeta`` so code written for the API's model
    accepts it; the API-only fields are simply None.
    """

    sub_type: Optional[str] = None
    card_par: Optional[str] = None


class WebhookInstrument(InstrumentEntity):
    """The saved instrument a webhook is about.

    An ``InstrumentEntity`` (the official model types this field so) with the webhook's names:
    ``added_at`` instead of ``created_at``, ``instrument_status`` ``ACTIVE`` or ``FAILED``, and
    ``instrument_meta`` a ``WebhookInstrumentMeta``. Unknown fields are kept.
    """

    added_at: Optional[str] = None
    instrument_meta: Optional[WebhookInstrumentMeta] = None

    @property
    def added_at_datetime(self) -> Optional[datetime]:
        """``added_at`` as a ``datetime``, or None when it is missing or not a date."""
        return parse_datetime(self.added_at)


class WebhookErrorDetails(CashfreeModel):
    """Why tokenisation failed (``INSTRUMENT_FAILED_WEBHOOK`` only): ``error_code``,
    ``error_description`` and ``error_source``."""

    error_code: Optional[str] = None
    error_description: Optional[str] = None
    error_source: Optional[str] = None


class InstrumentWebhookDataEntity(CashfreeModel):
    """``instrument`` (a ``WebhookInstrument``) and, for ``INSTRUMENT_FAILED_WEBHOOK``,
    ``error_details``."""

    instrument: Optional[WebhookInstrument] = None
    error_details: Optional[WebhookErrorDetails] = None
