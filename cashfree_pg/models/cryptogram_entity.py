"""A one-time cryptogram to pay with a saved card."""

from __future__ import annotations

from typing import Any, Dict, Optional

from cashfree_pg._redact import CARD_FIELDS, mask_card_field
from cashfree_pg.models._base import CashfreeModel


class CryptogramEntity(CashfreeModel):
    """The network token (``card_number``) with its expiry and a one-time ``cryptogram``.

    The attributes hold the real values (they are needed to pay); ``repr()``, ``str()`` and
    ``to_str()`` mask ``card_number`` and ``cryptogram`` so the entity can be logged safely.
    Never store the cryptogram: it is single-use and short-lived.
    """

    instrument_id: Optional[str] = None
    token_requestor_id: Optional[str] = None
    card_number: Optional[str] = None
    card_expiry_mm: Optional[str] = None
    card_expiry_yy: Optional[str] = None
    cryptogram: Optional[str] = None
    card_display: Optional[str] = None

    def _safe_dict(self) -> Dict[str, Any]:
        data = self.to_dict()
        for name in CARD_FIELDS:
            if data.get(name) is not None:
                data[name] = mask_card_field(name, data[name])
        return data

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if name in CARD_FIELDS and isinstance(value, str):
                value = mask_card_field(name, value)
            yield name, value
