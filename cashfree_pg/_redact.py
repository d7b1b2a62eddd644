"""Masking of secrets and card data before anything is logged, repr'd or put in a message.

Every place that turns a request, a response or an exception into text goes through here, so
there is exactly one list of what is sensitive.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Mapping, Optional, Pattern, Tuple

#: Request headers whose values are credentials.
SECRET_HEADERS = frozenset({"x-client-secret", "x-client-signature", "x-partner-apikey"})

#: JSON fields whose values are card data (a network token and a one-time cryptogram).
CARD_FIELDS = ("card_number", "cryptogram")


@cache
def _patterns() -> Tuple[Pattern[str], Pattern[str], Pattern[str]]:
    # Compiled on first use: a call that succeeds never needs them.
    return (
        # A bare run of 13-19 digits looks like a card number or network token wherever it appears.
        re.compile(r"(?<![0-9A-Za-z])\d{9,15}(\d{4})(?![0-9A-Za-z])"),
        re.compile(r'("(?:card_number|cryptogram)"\s*:\s*")([^"]*)(")'),
        # The same fields as they appear in a Python repr (single quotes) or key=value text.
        re.compile(r"""((?:'|\b)(?:card_number|cryptogram)(?:'\s*:\s*|=)')([^']*)(')"""),
    )


def mask(value: Optional[str], keep_last: int = 0) -> str:
    """``****`` plus at most the last ``keep_last`` characters (none for short values)."""
    if not value:
        return "****"
    if keep_last and len(value) > 2 * keep_last:
        return "****" + value[-keep_last:]
    return "****"


def mask_card_field(name: str, value: Optional[str]) -> str:
    """A card number keeps its last four characters; a cryptogram keeps nothing."""
    return mask(value, 4 if name == "card_number" else 0)


def redact_text(text: str) -> str:
    """Mask card fields in a JSON body or a repr, and anything shaped like a card number."""
    pan, json_field, repr_field = _patterns()
    if "card_number" in text or "cryptogram" in text:

        def _sub(m: re.Match[str]) -> str:
            name = "card_number" if "card_number" in m.group(1) else "cryptogram"
            return m.group(1) + mask_card_field(name, m.group(2)) + m.group(3)

        text = repr_field.sub(_sub, json_field.sub(_sub, text))
    # After the named fields, so that a masked card number keeps its last four digits.
    return pan.sub(r"****\1", text)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every credential value replaced by ``****``."""
    return {k: ("****" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}
