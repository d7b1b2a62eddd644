"""A one-time cryptogram to pay with a saved card."""

from __future__ import annotations

from typing import Any, Dict

from cashfree_pg._redact import CARD_FIELDS, mask_card_field
from cashfree_pg.models._base import CashfreeModel, Text


class CryptogramEntity(CashfreeModel):
    """The network token (``card_number``) with its expiry and a one-time ``cryptogram``.

    The attributes hold the real values (they are needed to pay); ``repr()``, ``str()`` and
    ``to_str()`` mask ``card_number`` and ``cryptogram`` so the entity can be logged safely.
    Never store the cryptogram: it is single-use and short-lived.
    """

    instrument_id: Text = None
    token_requestor_id: Text = None
    card_number: Text = None
    card_expiry_mm: Text = None
    card_expiry_yy: Text = None
    cryptogram: Text = None
    card_display: Text = None

    def _safe_dict(self) -> Dict[str, Any]:
        data = self.to_dict()
        for name in CARD_FIELDS:
            if data.get(name) is not None:
                data[name] = _masked(name, data[name])
        return data

    def __repr_args__(self) -> Any:
        for name, value in super().__repr_args__():
            if name in CARD_FIELDS and value is not None:
                value = _masked(name, value)
            yield name, value


def _masked(name: str, value: Any) -> str:
    # A value kept as sent may be a number or an object: masked whole, whatever its type.
    return mask_card_field(name, value if isinstance(value, str) else "")
