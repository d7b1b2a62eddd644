"""Properties that must hold for every input, not just the examples: path encoding, redaction,
request ids and backoff."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote

from hypothesis import given, settings, strategies as st

from cashfree_pg._redact import redact_text
from cashfree_pg.api.token_vault_api import FETCH_CRYPTOGRAM, FETCH_INSTRUMENTS
from cashfree_pg.api_client import new_request_id
from cashfree_pg.policy import RetryPolicy

UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")
ids = st.text(min_size=1, max_size=40)


@settings(max_examples=300)
@given(customer_id=ids, instrument_id=ids)
def test_path_parameters_are_always_one_segment(customer_id: str, instrument_id: str) -> None:
    path = FETCH_CRYPTOGRAM.build_path((customer_id, instrument_id))
    assert path.startswith("/customers/") and path.endswith("/cryptogram")
    parts = path.split("/")
    assert len(parts) == 6 and "?" not in path and "#" not in path
    assert parts[2] not in (".", "..") and parts[4] not in (".", "..")
    assert (unquote(parts[2]), unquote(parts[4])) == (customer_id, instrument_id)
    assert all(0x20 < ord(c) < 0x7F for c in path)  # nothing a server could read two ways


@given(customer_id=ids, instrument_type=ids)
def test_query_parameters_round_trip(customer_id: str, instrument_type: str) -> None:
    path = FETCH_INSTRUMENTS.build_path((customer_id, instrument_type))
    base, query = path.split("?")
    assert base.count("/") == 3 and query.startswith("instrument_type=")
    assert unquote(query[len("instrument_type=") :]) == instrument_type and "&" not in query


card_numbers = st.text(alphabet="0123456789", min_size=13, max_size=19)
# Cryptograms are base64, like the service's (28 characters in the seed).
cryptograms = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", min_size=16)


@given(card_number=card_numbers, cryptogram=cryptograms, noise=st.text(max_size=30))
def test_redaction_never_lets_card_data_through(card_number: str, cryptogram: str, noise: str) -> None:
    body = json.dumps({"note": noise, "card_number": card_number, "cryptogram": cryptogram})
    masked = json.loads(redact_text(body))  # still valid JSON
    assert masked["card_number"] == "****" + card_number[-4:] and masked["cryptogram"] == "****"
    as_repr = redact_text(f"card_number='{card_number}' cryptogram='{cryptogram}'")
    assert card_number not in as_repr and cryptogram not in as_repr
    assert card_number not in redact_text(f"token {card_number} failed")


@settings(max_examples=50)
@given(st.integers(min_value=0, max_value=10))
def test_request_ids_are_uuid4(_: int) -> None:
    assert UUID4.match(new_request_id())


@given(
    initial=st.floats(min_value=0, max_value=5),
    cap=st.floats(min_value=0, max_value=30),
    jitter=st.floats(min_value=0, max_value=1),
    retry=st.integers(min_value=1, max_value=40),
)
def test_backoff_stays_within_its_cap(initial: float, cap: float, jitter: float, retry: int) -> None:
    wait = RetryPolicy(backoff_initial=initial, backoff_max=cap, jitter=jitter).backoff(retry)
    assert 0 <= wait <= cap
