"""The network token's reference and expiry, saved with a card."""

from __future__ import annotations

from typing import Any, Iterator

from cashfree_pg.models._base import CashfreeModel, Text


class CardTokenDetails(CashfreeModel):
    """``par`` (payment account reference), ``expiry_month`` and ``expiry_year`` of the token.

    The document leaves this object open (``type: object``, no properties): any key is kept,
    and a known key whose value is not a string (``{"par": 123}``) keeps the value as sent.
    Also answers ``details["par"]`` and ``details.get("par")``, as the plain dict of the
    official SDK did, so code written against it keeps working.
    """

    par: Text = None
    expiry_month: Text = None
    expiry_year: Text = None

    def __getitem__(self, key: str) -> Any:
        data = self.to_dict()
        if key in data:
            return data[key]
        if key in type(self).model_fields:
            return getattr(self, key)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return key in self.to_dict()

    def keys(self) -> Iterator[str]:
        return iter(self.to_dict())
