"""Realistic default data for ``MockCashfree.add_instrument``: an instrument and the network token
behind it, fresh random values each time (the documented sample is in ``_sample``).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Tuple

from cashfree_pg.testing._records import ACTIVE

# card_network -> (first digits, length) of a plausible network token.
_TOKEN_SHAPES: Dict[str, Tuple[str, int]] = {
    "visa": ("4", 16),
    "mastercard": ("52", 16),
    "rupay": ("60", 16),
    "amex": ("37", 15),
    "diners": ("36", 14),
}


def _luhn_complete(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # these digits are doubled once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return digits + str((10 - total % 10) % 10)


def _random_digits(n: int) -> str:
    return "".join(str(secrets.randbelow(10)) for _ in range(n))


def default_instrument(customer_id: str) -> Dict[str, Any]:
    """A saved card of ``customer_id``: active, VISA debit of HDFC Bank, expiring in three years."""
    now = datetime.now(timezone.utc)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    par = "5001" + "".join(secrets.choice(alphabet) for _ in range(25))
    return {
        "customer_id": customer_id,
        "afa_reference": str(100_000_000 + secrets.randbelow(900_000_000)),
        "instrument_id": str(uuid.uuid4()),
        "instrument_type": "card",
        "instrument_uid": secrets.token_hex(32),
        "instrument_display": "xxxxxxxxxxxx" + _random_digits(4),
        "instrument_status": ACTIVE,
        "created_at": now.strftime("%Y-%m-%d %H:%M:%S"),
        "instrument_meta": {
            "card_network": "VISA",
            "card_bank_name": "HDFC Bank Limited",
            "card_country": "IN",
            "card_type": "DEBIT_CARD",
            "card_token_details": {"par": par, "expiry_month": "12", "expiry_year": f"{(now.year + 3) % 100:02d}"},
        },
    }


def default_token(data: Mapping[str, Any]) -> Dict[str, Any]:
    """A network token consistent with the instrument ``data``: its network's number shape (a
    valid Luhn check digit), its expiry and its last four digits."""
    meta = data.get("instrument_meta")
    meta = meta if isinstance(meta, Mapping) else {}
    network = str(meta.get("card_network") or "visa").lower()
    prefix, length = _TOKEN_SHAPES.get(network, ("4", 16))
    details = meta.get("card_token_details")
    details = details if isinstance(details, Mapping) else {}
    month = str(details.get("expiry_month") or "12")
    year = str(details.get("expiry_year") or (datetime.now(timezone.utc).year + 3))
    if len(year) == 2:
        year = "20" + year
    display = str(data.get("instrument_display") or "")
    last4 = display[-4:] if display[-4:].isdigit() else _random_digits(4)
    return {
        "token_requestor_id": _random_digits(11),
        "card_number": _luhn_complete(prefix + _random_digits(length - len(prefix) - 1)),
        "card_expiry_mm": month.zfill(2),
        "card_expiry_yy": year,
        "card_display": last4,
    }
