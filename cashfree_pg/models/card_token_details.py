"""The network token's reference and expiry, saved with a card."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from cashfree_pg.models._base import CashfreeModel


class CardTokenDetails(CashfreeModel):
    """``par`` (payment account reference), ``expiry_month`` and ``expiry_year`` of the token.

    Also answers ``details["par"]`` and ``details.get("par")``, as the plain dict of the
    official SDK did, so code written against it keeps working.
    """

    par: Optional[str] = None
    expiry_month: Optional[str] = None
    expiry_year: Optional[str] = None

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
