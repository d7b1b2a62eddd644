"""What masking promises: a masked secret shows nothing of itself, a card number in any message
keeps only its last four digits, text a server chose cannot forge a log line, and all of it in
time linear in the length of the text (a hostile server chooses that text)."""

from __future__ import annotations

import json
import time
import unicodedata

import pytest

from cashfree_pg._redact import (
    CARD_FIELDS,
    SECRET_HEADERS,
    mask,
    mask_card_field,
    mask_url,
    redact_headers,
    redact_text,
    safe_text,
)

CARD = "4111111111111111"
CRYPTOGRAM = "AQBBBBBBZatIlaIAmWKSghwBBBB="  # the shape of the service's own example
SECRET = "cfsk_ma_test_5f1d2e3c4b5a69788796a5b4c3d2e1f0"


def shows_nothing_of(value: str, text: str) -> bool:
    """No run of four or more characters of ``value`` appears in ``text``."""
    return all(value[i : i + 4] not in text for i in range(len(value) - 3))


# -- mask ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "x", "ab", "secret", SECRET, "1234567890123456789"])
def test_a_masked_secret_shows_nothing_of_itself(value: str) -> None:
    assert mask(value) == "****"
    assert mask_card_field("cryptogram", value) == "****"


@pytest.mark.parametrize("keep", [1, 2, 4, 6])
def test_mask_shows_the_last_characters_only_of_a_value_over_twice_as_long(keep: int) -> None:
    value = "abcdefghijklmnopqrstuvwxyz"
    at_most_half = value[: 2 * keep]
    assert mask(at_most_half, keep) == "****"  # showing `keep` would be half of it: nothing shown
    longer = value[: 2 * keep + 1]
    assert mask(longer, keep) == "****" + longer[-keep:]
    assert mask(value, keep) == "****" + value[-keep:]


def test_a_card_number_keeps_its_last_four_digits_and_a_cryptogram_nothing() -> None:
    assert mask_card_field("card_number", CARD) == "****1111"
    assert mask_card_field("card_number", "6011000990139424") == "****9424"
    assert mask_card_field("card_number", "12345678") == "****"  # too short to show four
    assert mask_card_field("cryptogram", CRYPTOGRAM) == "****"
    assert mask_card_field("card_number", None) == "****"
    assert set(CARD_FIELDS) == {"card_number", "cryptogram"}


# -- card numbers in any message ----------------------------------------------------------------


@pytest.mark.parametrize(
    "shown",
    [
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111-1111-1111-1111",
        "4111\n1111\n1111\n1111",
        "3782 822463 10005",  # 15 digits, grouped 4-6-5
        "6011000990139424",
        "4000000000000000006",  # 19 digits
        "4222222222222",  # 13 digits
        "4000 0000 0000 0000 006",  # 19 digits, grouped 4-4-4-4-3
    ],
)
@pytest.mark.parametrize(
    "template",
    [
        "{}",
        "card {} declined",
        "card:{}",
        "pan={}&x=1",
        '{{"token": "{}"}}',
        "Token('{}')",
        "(-{}-)",
    ],
)
def test_a_card_number_in_any_message_keeps_only_its_last_four(shown: str, template: str) -> None:
    digits = "".join(c for c in shown if c.isdigit())
    out = redact_text(template.format(shown))
    assert "****" + digits[-4:] in out
    assert shows_nothing_of(digits[:-4], out.replace("****" + digits[-4:], ""))
    assert sum(c.isdigit() for c in out) == 4 + sum(c.isdigit() for c in template)


@pytest.mark.parametrize(
    "text",
    [
        "411111111111",  # 12 digits: too short for a card number
        "41111111111111111111",  # 20 digits: too long
        "order 1234-5678-9012 on 2024-01-15 10:11:12",
        "request 54deabb4-ba45-4a60-9e6a-9c016fe7ab10",
        "id ab4111111111111111",  # part of a longer word
        "4111111111111111x",
        "code=cryptogram_expired",
        "cryptogram expired for instrument abc",
        "Invalid card_number format",
        "no secret here: just words, é, €, हिन्दी",
        "",
    ],
)
def test_text_without_card_data_is_left_as_it_is(text: str) -> None:
    assert redact_text(text) == text


def test_a_card_number_is_replaced_by_its_last_four_digits_exactly() -> None:
    assert redact_text("card 4000 0000 0000 0000 006 declined") == "card ****0006 declined"
    assert redact_text("card 3782-822463-10005.") == "card ****0005."


def test_a_card_number_followed_by_more_digits_is_still_masked() -> None:
    out = redact_text("4111 1111 1111 1234 2024")
    assert out == "****1234 2024"


# -- named fields: JSON, repr, key=value, key: value, key value ---------------------------------


@pytest.mark.parametrize(
    "template",
    [
        '{{"cryptogram": "{}"}}',
        '{{"cryptogram":"{}", "x": 1}}',
        "{{'cryptogram': '{}'}}",
        "CryptogramEntity(cryptogram='{}')",
        "cryptogram={}",
        "cryptogram={}&card_display=1234",
        "cryptogram: {}",
        "cryptogram : {}",
        "Cryptogram:{}",
        "cryptogram {} rejected",
        "the cryptogram\t{}",
        '"{{\\"cryptogram\\": \\"{}\\"}}"',  # JSON inside a JSON string
        '{{"cryptogram": "{}',  # a body cut short
        "card_cryptogram={}",
    ],
)
def test_a_cryptogram_shows_nothing_of_itself_in_any_form(template: str) -> None:
    out = redact_text(template.format(CRYPTOGRAM))
    assert shows_nothing_of(CRYPTOGRAM, out) and "****" in out
    assert "cryptogram" in out.lower()  # the name stays: the reader learns what was hidden


@pytest.mark.parametrize(
    "template",
    [
        '{{"card_number": "{}"}}',
        "{{'card_number': '{}'}}",
        "card_number={}",
        "card_number: {}",
        "card-number {}",
        "cardNumber={}",
    ],
)
@pytest.mark.parametrize("value", [CARD, "4111 1111 1111 1111", "tok_ABCD12345678"])
def test_a_named_card_number_keeps_its_last_four_in_any_form(template: str, value: str) -> None:
    out = redact_text(template.format(value))
    last4 = value.replace(" ", "")[-4:]
    assert "****" + last4 in out
    assert shows_nothing_of(value.replace(" ", "")[:-4], out.replace("****" + last4, ""))


@pytest.mark.parametrize(
    "template",
    [
        "x-client-secret: {}",
        "X-Client-Secret={}",
        "client_secret={}",
        "XClientSecret='{}'",
        '{{"x-client-secret": "{}"}}',
        "x_partner_apikey={}",
        "x-client-signature: {}",
    ],
)
def test_a_credential_named_in_text_shows_nothing_of_itself(template: str) -> None:
    out = redact_text(template.format(SECRET))
    assert shows_nothing_of(SECRET, out) and "****" in out


def test_a_redacted_json_body_stays_valid_json() -> None:
    body = json.dumps({"card_number": CARD, "cryptogram": CRYPTOGRAM, "card_display": "1111", "n": None})
    assert json.loads(redact_text(body)) == {
        "card_number": "****1111",
        "cryptogram": "****",
        "card_display": "1111",
        "n": None,
    }
    assert json.loads(redact_text('{"cryptogram": null, "card_number": null}')) == {
        "cryptogram": None,
        "card_number": None,
    }


@pytest.mark.parametrize("template", ["<html>{}</html>", "token {} expired", "{}", "Bearer {}.", "({})"])
def test_a_cryptogram_or_token_without_a_name_is_masked_too(template: str) -> None:
    for value in (CRYPTOGRAM, "eyJhbGciOiJIUzI1NiJ9xQ", "AbCdEfGhIjKlMnOpQrSt+/"):
        assert redact_text(template.format(value)) == template.format("****")


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # Two tokens joined by `=`: neither half alone has a digit, together they are data.
        ("AQBBBBBBZatIlaIAmWKSghw=AQBBBBBBZatIlaIAmWKSghw", "****=****"),
        (f"{CRYPTOGRAM}x", "****=x"),  # text right after the padding
        (f"{CRYPTOGRAM}=x", "****==x"),
        (f"token={CRYPTOGRAM}", "token=****"),  # the name stays, the value and its padding go
    ],
)
def test_a_token_joined_to_other_text_by_equals_is_masked(text: str, shown: str) -> None:
    assert redact_text(text) == shown
    assert redact_text(f"<p>{text}</p>") == f"<p>{shown}</p>"


TWENTY = "AbCdEfGhIjKlMnOpQ1XX"  # a piece of exactly the shortest masked length, ending in X


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"{TWENTY}=x", "****=x"),  # first piece at the edge
        (f"ab={TWENTY}", "ab=****"),  # last piece at the edge
        (f"ab={TWENTY}==", "ab=****"),  # its padding goes with it
        (f"{TWENTY}=x==", "****=x=="),  # padding after text that is not masked stays
        (f"{TWENTY[:-1]}=x", f"{TWENTY[:-1]}=x"),  # 19 characters: a word, not a token
    ],
)
def test_pieces_joined_by_equals_are_masked_from_twenty_characters(text: str, shown: str) -> None:
    assert redact_text(text) == shown


@pytest.mark.parametrize(
    "word",
    [
        "PGCustomerInstrumentsFetchCryptogram",
        "XMLHttpRequestObjectFactory",
        "abcdefghijklmnopqrstuvwxyz0123",
        "ABCDEFGHIJKLMNOPQRST1234",
        "AbCdEfGhIjKlMnOpQr1",
    ],
)
def test_identifiers_and_short_or_single_case_runs_are_not_taken_for_tokens(word: str) -> None:
    assert redact_text(f"see {word} now") == f"see {word} now"


def test_masked_text_keeps_its_shape() -> None:
    assert redact_text(f"CryptogramEntity(card_number='{CARD}', cryptogram='{CRYPTOGRAM}', card_display='1111')") == (
        "CryptogramEntity(card_number='****1111', cryptogram='****', card_display='1111')"
    )
    assert redact_text(f'{{"cryptogram": "{CRYPTOGRAM}"}}') == '{"cryptogram": "****"}'
    assert redact_text(f"cryptogram={CRYPTOGRAM}&x=1") == "cryptogram=****&x=1"


def test_a_body_echoing_every_sensitive_field_at_once_is_masked() -> None:
    body = {
        "card_number": CARD,
        "cryptogram": CRYPTOGRAM,
        "x-client-secret": SECRET,
        "x-client-signature": "sig_Zm9vYmFyYmF6cXV4",
        "x-partner-apikey": "pk_partner_9a8b7c6d5e4f",
    }
    out = redact_text(json.dumps(body))
    assert json.loads(out) == dict.fromkeys(body, "****") | {"card_number": "****1111"}


def test_a_sentence_word_after_a_field_name_is_not_taken_for_a_value() -> None:
    for text in ("cryptogram expired", "cryptogram generation failed", "card_number missing", "Cryptogram Expired"):
        assert redact_text(text) == text
    for first in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":  # a capitalised word is a word, whatever its first letter
        assert redact_text(f"cryptogram {first}nvalidated") == f"cryptogram {first}nvalidated"
    for value in ("AQBBBBBB", "abcdefg1", "abcdef+/", "aBcdefgh"):  # eight characters of data
        assert redact_text(f"cryptogram {value}") == "cryptogram ****"
    for value in ("AQBBBBB", "abcdefgh"):  # shorter, or a plain lower-case word
        assert redact_text(f"cryptogram {value}") == f"cryptogram {value}"


def test_masked_text_is_not_masked_again() -> None:
    once = redact_text(f'{{"card_number": "{CARD}", "cryptogram": "{CRYPTOGRAM}"}} card {CARD}')
    assert redact_text(once) == once
    assert "****1111" in once and once.count("****") == 3


# -- URLs with user information -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("http://user:pa55w0rd@proxy.local:3128", "http://user:****@proxy.local:3128"),
        ("https://user:p%40ss@[::1]:8080/path?q=1", "https://user:****@[::1]:8080/path?q=1"),
        ("http://sk_live_token@proxy.local", "http://****@proxy.local"),
        ("http://user:@proxy.local", "http://user:****@proxy.local"),
        ("user:pa55w0rd@proxy.local:3128", "user:****@proxy.local:3128"),
        ("user:pa55w0rd@proxy.local:3128/x@y", "user:****@proxy.local:3128/x@y"),
        ("http://user:p@ss:w0rd@proxy.local:3128", "http://user:****@proxy.local:3128"),  # @ and : in the password
        ("user:p@ss:w0rd@proxy.local:3128", "user:****@proxy.local:3128"),
        ("http://proxy.local:3128", "http://proxy.local:3128"),
        ("http://proxy.local/a@b", "http://proxy.local/a@b"),
        ("proxy.local:3128", "proxy.local:3128"),
        ("http://[::1", "http://[::1"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_url_hides_the_password(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_a_url_with_a_password_in_any_message_is_masked() -> None:
    out = redact_text("connect to http://merchant:pa55w0rd@proxy.local:3128 failed; https://t0ken@h/x")
    assert out == "connect to http://merchant:****@proxy.local:3128 failed; https://****@h/x"


def test_credential_headers_are_masked_whatever_their_case() -> None:
    headers = {"X-Client-Secret": SECRET, "x-client-signature": "sig", "X-PARTNER-APIKEY": "pk", "X-Client-Id": "id"}
    assert redact_headers(headers) == {
        "X-Client-Secret": "****",
        "x-client-signature": "****",
        "X-PARTNER-APIKEY": "****",
        "X-Client-Id": "id",
    }
    assert headers["X-Client-Secret"] == SECRET  # a copy: the request still carries the real value
    assert {"x-client-secret", "x-client-signature", "x-partner-apikey"} == SECRET_HEADERS


# -- control characters -------------------------------------------------------------------------

CONTROLS = [chr(c) for c in range(0x20)] + [chr(0x7F)] + [chr(c) for c in range(0x80, 0xA0)]
CONTROLS += ["\u2028", "\u2029", "\u061c", "\u200e", "\u200f"] + [chr(c) for c in range(0x202A, 0x202F)]
CONTROLS += [chr(c) for c in range(0x2066, 0x206A)]


@pytest.mark.parametrize("char", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_every_control_character_is_shown_as_an_escape(char: str) -> None:
    out = safe_text(f"a{char}b")
    assert char not in out
    assert out.startswith("a\\") and out.endswith("b") and len(out) > 3
    assert all(c.isprintable() for c in out)


def test_a_forged_log_line_stays_on_one_line() -> None:
    forged = "Bad Request\r\n2024-01-01 INFO cashfree_pg: payment ok\x1b[2K\u2028\u202e"
    out = safe_text(redact_text(forged))
    assert out.splitlines() == [out]
    assert out == "Bad Request\\r\\n2024-01-01 INFO cashfree_pg: payment ok\\x1b[2K\\u2028\\u202e"
    assert safe_text("tab\there\x00") == "tab\\there\\x00"


def test_ordinary_text_passes_unchanged_through_safe_text() -> None:
    text = "Instrument not found: é € हिन्दी 日本語 emoji 🙂 \\x1b stays"
    assert safe_text(text) == text
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in safe_text("".join(CONTROLS)))


# -- linear time on hostile text ----------------------------------------------------------------

N = 200_000
HOSTILE = {
    "digits": "1" * N,
    "spaced digits": "1 " * (N // 2),
    "dashed 12-digit groups": "1234-5678-9012 " * (N // 15),
    "names": "cryptogram " * (N // 11),
    "names and separators": "cryptogram: " * (N // 12),
    "unclosed double quote": 'cryptogram: "' + "a\\" * (N // 2),
    "unclosed single quote": "cryptogram='" + "cryptogram:\\'" * (N // 13),
    "mixed quotes": "cryptogram:'" + 'cryptogram:"x"' * (N // 14),
    "url without at": "://a:" + "b" * N,
    "many urls": "://u:p" * (N // 6),
    "card digits between line breaks": "4111\n" * (N // 5),
    "spaces": " " * N,
    "one long base64 run": "aB1" * (N // 3) + "_",
    "many short runs": "aB1+/ " * (N // 6),
    "long runs joined by =": ("aB1" * 7 + "=") * (N // 22) + "_",
    "long runs after padding": ("aB1" * 7 + "==x") * (N // 24) + "-",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_redaction_takes_linear_time_on_hostile_text(name: str) -> None:
    # A backtracking pattern would take minutes here; linear work takes well under a second.
    started = time.perf_counter()
    out = safe_text(redact_text(HOSTILE[name]))
    assert time.perf_counter() - started < 5.0
    assert len(out) >= len(HOSTILE[name]) // 5


def test_redaction_keeps_line_breaks_and_safe_text_escapes_them() -> None:
    assert redact_text("(400)\nReason: Bad Request\n") == "(400)\nReason: Bad Request\n"
    assert safe_text("(400)\nReason") == "(400)\\nReason"
