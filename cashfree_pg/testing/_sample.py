"""The sample instrument of the Token Vault documentation, with the network token behind it.

``python -m cashfree_pg demo`` and ``mock-server`` (without ``--seed``) save it, so that the
documented calls work against the mock exactly as written.
"""

from __future__ import annotations

import copy
from typing import Any, Dict

SAMPLE_CUSTOMER_ID = "siddhesh_desai"
SAMPLE_INSTRUMENT_ID = "54deabb4-ba45-4a60-9e6a-9c016fe7ab10"

_SAMPLE_INSTRUMENT: Dict[str, Any] = {
    "customer_id": SAMPLE_CUSTOMER_ID,
    "afa_reference": "740324562",
    "instrument_id": SAMPLE_INSTRUMENT_ID,
    "instrument_type": "card",
    "instrument_uid": "0d8f70838cc5af8b1cd2bc0fe71278551fd3f1101e40020d89ad22ceba4f933c",
    "instrument_display": "xxxxxxxxxxxx4375",
    "instrument_status": "ACTIVE",
    "created_at": "2021-11-11 16:57:57",
    "instrument_meta": {
        "card_network": "VISA",
        "card_bank_name": "HDFC Bank Limited",
        "card_country": "IN",
        "card_type": "DEBIT_CARD",
        "card_token_details": {"par": "somepar", "expiry_month": "12", "expiry_year": "23"},
    },
}

# The documented cryptogram response, less the cryptogram itself (the mock issues a fresh one
# for every request).
_SAMPLE_NETWORK_TOKEN: Dict[str, Any] = {
    "token_requestor_id": "22457512314",
    "card_number": "4491365621601472",
    "card_expiry_mm": "06",
    "card_expiry_yy": "2025",
    "card_display": "1234",
}


def sample_instrument() -> Dict[str, Any]:
    """A fresh copy of the documented instrument, its network token under ``network_token``:
    the form ``MockCashfree(instruments=[...])`` and a ``--seed`` file take."""
    data = copy.deepcopy(_SAMPLE_INSTRUMENT)
    data["network_token"] = dict(_SAMPLE_NETWORK_TOKEN)
    return data
