"""The credential check of the fake service: the four documented ways to authenticate.

Cashfree's document lists four sets of credential headers (its ``security`` section); a request
is authenticated when it carries one complete set. ``MockCashfree()`` accepts any non-empty
values (as stripe-mock does), so that examples and tests run with whatever credentials they
write; given credentials are enforced exactly.
"""

from __future__ import annotations

from typing import Dict, Mapping, Optional, Tuple

#: The documented combinations, as the keyword names of ``MockCashfree`` (and the header each
#: one is sent in), in the document's order.
COMBINATIONS: Tuple[Tuple[str, ...], ...] = (
    ("client_id", "client_secret"),
    ("client_id", "partner_api_key"),
    ("client_id", "client_signature"),
    ("partner_merchant_id", "partner_api_key"),
)
HEADERS: Mapping[str, str] = {
    "client_id": "x-client-id",
    "client_secret": "x-client-secret",
    "partner_api_key": "x-partner-apikey",
    "client_signature": "x-client-signature",
    "partner_merchant_id": "x-partner-merchantid",
}
#: ``Cashfree(...)`` keyword for each credential.
CLIENT_KEYWORDS: Mapping[str, str] = {
    "client_id": "XClientId",
    "client_secret": "XClientSecret",
    "partner_api_key": "XPartnerKey",
    "client_signature": "XClientSignature",
    "partner_merchant_id": "XPartnerMerchantId",
}

DESCRIBED = (
    "client_id + client_secret, client_id + partner_api_key, client_id + client_signature, "
    "or partner_merchant_id + partner_api_key"
)


class Credentials:
    """What the fake service accepts: any complete documented set (``given`` empty), or only
    the complete sets that ``given`` fills, with exactly those values."""

    def __init__(self, given: Mapping[str, Optional[str]]) -> None:
        self.given: Dict[str, str] = {}
        for name, value in given.items():
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{name} must be a non-empty string, got {value!r}")
            self.given[name] = value
        self.combinations = tuple(c for c in COMBINATIONS if all(n in self.given for n in c))
        if self.given and not self.combinations:
            raise ValueError(f"credentials {sorted(self.given)} complete no documented combination: give {DESCRIBED}")
        unused = set(self.given) - {n for c in self.combinations for n in c}
        if unused:
            raise ValueError(f"{sorted(unused)} complete no documented combination with the others: give {DESCRIBED}")

    @property
    def any(self) -> bool:
        """Whether any non-empty credentials are accepted."""
        return not self.given

    def accepts(self, headers: Mapping[str, str]) -> bool:
        """Whether request ``headers`` (lower-case names) authenticate."""
        if self.any:
            return any(all(headers.get(HEADERS[n], "").strip() for n in c) for c in COMBINATIONS)
        return any(all(headers.get(HEADERS[n]) == self.given[n] for n in c) for c in self.combinations)
