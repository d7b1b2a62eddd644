"""Properties that must hold for every input, not just the examples: path encoding, redaction,
request ids and backoff."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Optional
from urllib.parse import unquote

from hypothesis import assume, given, settings, strategies as st

from cashfree_pg._redact import redact_text, safe_text
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
# Cryptograms are base64, like the service's (28 characters in the seed): "=" only as padding.
cryptograms = st.builds(
    str.__add__,
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", min_size=16),
    st.sampled_from(["", "=", "=="]),
)
# Text around card data: anything but digits (a digit next to a card number makes it another number).
noise = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs")), max_size=30)


@st.composite
def written_card_numbers(draw: st.DrawFn) -> str:
    """A card number as people and systems write it: digits, in groups split by a space or a dash."""
    digits = draw(card_numbers)
    separator = draw(st.sampled_from(["", " ", "-"]))
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(digits) - 1), max_size=4)))
    groups = [digits[a:b] for a, b in zip([0, *cuts], [*cuts, len(digits)])]
    return separator.join(groups)


@given(card_number=card_numbers, cryptogram=cryptograms, note=st.text(max_size=30))
def test_a_json_body_keeps_its_shape_and_loses_its_card_data(card_number: str, cryptogram: str, note: str) -> None:
    body = json.dumps({"note": note, "card_number": card_number, "cryptogram": cryptogram})
    masked = json.loads(redact_text(body))  # still valid JSON
    assert masked["card_number"] == "****" + card_number[-4:] and masked["cryptogram"] == "****"


@given(written=written_card_numbers(), before=noise, after=noise)
def test_a_card_number_in_any_message_shows_only_its_last_four(written: str, before: str, after: str) -> None:
    digits = written.replace(" ", "").replace("-", "")
    # A field name right before it ("cryptogram 4111...") makes it that field's value, masked
    # whole: the named-field tests cover that.
    assume(not any(hint in before.lower() for hint in ("number", "cryptogram", "secret", "signature", "key")))
    # A letter or digit glued to the number makes it part of a longer word: keep a boundary.
    out = redact_text(f"{before} {written} {after}")
    assert sum(c in "0123456789" for c in out) == 4
    assert "****" + digits[-4:] in out


@given(
    cryptogram=cryptograms,
    separator=st.sampled_from(["=", ": ", ":", " = ", "='", '": "']),
    after=st.text(alphabet=" .,;!?()&", max_size=10),
)
def test_a_named_cryptogram_shows_nothing_of_itself(cryptogram: str, separator: str, after: str) -> None:
    quote = {"='": "'", '": "': '"'}.get(separator, "")
    out = redact_text(f'"cryptogram{separator}{cryptogram}{quote} {after}')
    shown = out.replace('"cryptogram', "", 1)  # the name stays; a cryptogram may hold "gram"
    assert all(cryptogram[i : i + 4] not in shown for i in range(len(cryptogram) - 3))


# Messages made of plain text, card numbers as written, and the names redaction looks for.
messages = st.lists(
    st.one_of(
        st.text(max_size=20),
        written_card_numbers(),
        cryptograms,
        st.sampled_from(["cryptogram=", '"card_number": "', "secret: ", "key=", " ", '"']),
    ),
    max_size=8,
).map("".join)


@given(messages)
def test_redacting_again_reveals_nothing_and_text_without_digits_or_names_is_unchanged(text: str) -> None:
    # Text is sometimes redacted twice (an exception's text, then a log line). A second pass may
    # mask more (digits left beside a masked number can look like a number again) but never shows
    # anything the first hid: what it keeps is a subsequence of the first pass's output.
    once = redact_text(text)
    twice = redact_text(once)
    it = iter(once)
    assert all(c in it for c in twice.replace("*", ""))
    assert len(once.replace("*", "")) <= len(text)
    if (
        not any(c.isdigit() for c in text)
        and "@" not in text
        and not re.search(r"[A-Za-z0-9+/=]{20}", text)  # a long base64 run is taken for a token
        and not any(hint in text.lower() for hint in ("number", "cryptogram", "secret", "signature", "key"))
    ):
        assert once == text


@given(st.text(max_size=200))
def test_safe_text_leaves_no_control_character_and_loses_nothing_printable(text: str) -> None:
    out = safe_text(text)
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in out)
    kept = [c for c in text if unicodedata.category(c) not in ("Cc", "Zl", "Zp", "Cf")]
    assert out.splitlines() == ([out] if out else [])
    it = iter(out)  # every other character is still there, in its order
    assert all(c in it for c in kept)


def test_request_ids_are_distinct_uuid4s() -> None:
    ids = [new_request_id() for _ in range(2000)]
    assert all(UUID4.match(i) for i in ids)
    assert len(set(ids)) == len(ids)


@given(
    initial=st.floats(min_value=0, max_value=5),
    cap=st.floats(min_value=0, max_value=30),
    jitter=st.floats(min_value=0, max_value=1),
    retry=st.integers(min_value=1, max_value=200),
)
def test_backoff_stays_within_its_cap_and_its_jitter(initial: float, cap: float, jitter: float, retry: int) -> None:
    wait = RetryPolicy(backoff_initial=initial, backoff_max=cap, jitter=jitter).backoff(retry)
    base = min(cap, initial * 2 ** min(retry - 1, 64))
    assert 0 <= wait <= cap
    assert base * (1 - jitter) - 1e-9 <= wait <= base * (1 + jitter) + 1e-9


@given(initial=st.floats(min_value=0.001, max_value=1), cap=st.floats(min_value=0.001, max_value=30))
def test_backoff_without_jitter_doubles_until_the_cap(initial: float, cap: float) -> None:
    policy = RetryPolicy(backoff_initial=initial, backoff_max=cap, jitter=0)
    waits = [policy.backoff(n) for n in range(1, 12)]
    assert waits == sorted(waits) and waits[0] == min(cap, initial)
    assert all(b == min(cap, 2 * a) or b == cap for a, b in zip(waits, waits[1:]))


@given(
    attempt=st.integers(min_value=1, max_value=12),
    retries=st.integers(min_value=0, max_value=10),
    retry_after=st.one_of(st.none(), st.floats(min_value=0, max_value=120)),
    remaining=st.floats(min_value=0, max_value=100),
)
def test_a_retry_never_outlasts_the_call_nor_exceeds_the_budget(
    attempt: int, retries: int, retry_after: Optional[float], remaining: float
) -> None:
    policy = RetryPolicy(max_retries=retries, backoff_initial=0.5, backoff_max=8, retry_after_max=60)
    wait = policy.next_delay(attempt, retry_after, remaining=remaining)
    assert policy.next_delay(attempt, retry_after, retryable=False, remaining=remaining) is None
    if attempt > retries:
        assert wait is None
    elif retry_after is not None:  # the service's wait, if we accept it and it ends before the deadline
        assert wait == (retry_after if retry_after <= 60 and retry_after < remaining else None)
    else:  # the backoff (jitter 0.25), unless it would not end before the deadline
        base = min(8.0, 0.5 * 2 ** (attempt - 1))
        low, high = base * 0.75, min(8.0, base * 1.25)
        if wait is None:
            assert remaining <= high
        else:
            assert low <= wait <= high and wait < remaining
