"""The official SDK's envelope around an instrument webhook's body."""

from __future__ import annotations

from typing import Optional

from cashfree_pg.models._base import CashfreeModel
from cashfree_pg.models.instrument_webhook_data import InstrumentWebhookData


class InstrumentWebhook(CashfreeModel):
    """``data``: the webhook body as an ``InstrumentWebhookData``.

    Kept because code written for the official SDK builds it, for example
    ``InstrumentWebhook.from_dict({"data": webhook_event.object})``. The body itself is
    ``InstrumentWebhookData``.
    """

    data: Optional[InstrumentWebhookData] = None
