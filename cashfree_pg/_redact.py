"""Masking of secrets and card data before anything is logged, repr'd or put in a message.

Every place that turns a request, a response or an exception into text goes through here, so
there is exactly one list of what is sensitive.

Every pattern here is linear in the length of the text (no nested repetition that can backtrack
over the same characters twice): a hostile server chooses the text these functions read.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Mapping, Optional, Pattern, Tuple

#: Request headers whose values are credentials.
SECRET_HEADERS = frozenset({"x-client-secret", "x-client-signature", "x-partner-apikey"})

#: JSON fields whose values are card data (a network token and a one-time cryptogram).
CARD_FIELDS = ("card_number", "cryptogram")

#: What a masked value shows in place of the hidden characters.
MASK = "****"

# Names whose value is hidden when they appear as `name=value`, `name: value`, `"name": "value"`,
# `'name': 'value'` or `name value`: the card fields and the credentials (in any of the spellings
# the SDK, the headers and the official SDK use: client_secret, x-client-secret, XClientSecret...).
_NAMES = r"card[-_]?number|cryptogram|(?:x[-_]?)?(?:client[-_]?secret|client[-_]?signature|partner[-_]?api[-_]?key)"
# Cheap substring tests (on the lower-cased text) that decide whether the field pattern can match.
_NAME_HINTS = ("number", "cryptogram", "secret", "signature", "key")
# A value after `name` plus spaces (no `:` or `=`) is hidden only if it looks like data rather than
# the next word of a sentence ("cryptogram expired"): at least this long, with a digit, an upper-case
# letter after the first character, or one of + / = (base64).
_MIN_DATA_WORD = 8
# A run of base64 this long, with upper- and lower-case letters and a digit or + / =, is taken for
# a cryptogram or a token wherever it is (words and identifiers have no digits or are shorter).
_MIN_BLOB = 20
# Values that hide nothing (and keep a JSON body valid when left as they are).
_NOTHING = frozenset({"null", "none", "true", "false", ""})
# C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidirectional
# overrides: characters that can end a log line, move the cursor or reorder what a reader sees.
_CONTROLS = "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]"


@cache
def _patterns() -> Tuple[Pattern[str], Pattern[str], Pattern[str], Pattern[str], Pattern[str]]:
    # Compiled on first use: a call that succeeds never needs them.
    return (
        # 13 to 19 digits, a single space, dash or line break allowed between any two of them
        # (4111 1111 1111 1111, 4111-1111-1111-1111): a card number or network token wherever it is.
        re.compile(r"(?<![0-9A-Za-z])[0-9](?:[\s-]?[0-9]){12,18}(?![0-9A-Za-z])"),
        re.compile(
            r"(?<![A-Za-z0-9])(" + _NAMES + r")(?![A-Za-z0-9_])"  # the name, not part of a longer word
            r"(\\?[\"']?(?:\s*([:=])\s*|\s+))"  # its closing quote (maybe escaped), then `:`, `=` or spaces
            r"(?:\"((?:[^\"\\]|\\.)*)\""  # a double-quoted value (JSON escapes skipped)
            r"|'((?:[^'\\]|\\.)*)'"  # a single-quoted value (a repr)
            r"|(\\?[\"']?)([^\s\"'\\,;&(){}\[\]<>]+))",  # a bare value, maybe after an escaped quote
            re.IGNORECASE,
        ),
        # User information in a URL: scheme://user:password@host or scheme://token@host; up to the
        # last @ of the authority, as a password may hold an unescaped @.
        re.compile(r"://([^/?#\s]+)@"),
        re.compile(_CONTROLS),
        # A long run of base64 characters, `=` included (a cryptogram in an HTML error page, a
        # token; two tokens joined by `=`, or a token with text after its padding). One character
        # class, anchored at both ends of the run: linear, whatever the text.
        re.compile(rf"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/=]{{{_MIN_BLOB},}}(?![A-Za-z0-9+/=_-])"),
    )


def mask(value: Optional[str], keep_last: int = 0) -> str:
    """``****`` plus the last ``keep_last`` characters, shown only when that is under half the value.

    A value of ``2 * keep_last`` characters or fewer shows nothing of itself.
    """
    if not value:
        return MASK
    if keep_last and len(value) > 2 * keep_last:
        return MASK + value[-keep_last:]
    return MASK


def mask_card_field(name: str, value: Optional[str]) -> str:
    """A card number keeps its last four characters; a cryptogram keeps nothing."""
    return mask(value, 4 if name == "card_number" else 0)


def mask_url(url: Optional[str]) -> str:
    """``url`` with its password (or a user name given alone, often a token) replaced by ``****``.

    ``http://user:pass@host:3128`` becomes ``http://user:****@host:3128``; a URL without user
    information is returned as it is. Never raises, whatever the text.
    """
    if not url:
        return ""
    if "://" not in url:  # host:port form, as some proxy settings are written
        authority, slash, rest = url.partition("/")
        return _mask_userinfo(authority) + slash + rest if "@" in authority else url
    return _patterns()[2].sub(_mask_url_userinfo, url)


def _mask_url_userinfo(m: re.Match[str]) -> str:
    return "://" + _mask_userinfo(m.group(1) + "@")


def _mask_userinfo(authority: str) -> str:
    # `userinfo@host`: the user name stays (it helps to tell proxies apart), the password goes.
    userinfo, _, host = authority.rpartition("@")
    user, colon, _password = userinfo.partition(":")
    return (user + ":" + MASK if colon else MASK) + "@" + host


def safe_text(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``, ``\\n``, ``\\u2028``...).

    Text a server chose (a message, a reason phrase) can then go into a log line or an exception
    message without ending the line, forging another one or driving the reader's terminal.
    """
    controls = _patterns()[3]
    if controls.search(text) is None:
        return text
    return controls.sub(_escape, text)


_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(m: re.Match[str]) -> str:
    char = m.group()
    code = ord(char)
    return _SHORT_ESCAPES.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def redact_text(text: str) -> str:
    """``text`` with card numbers, card fields, credentials and URL passwords masked.

    Line breaks stay (a message may have several lines); pass each piece of text a server chose
    through :func:`safe_text` as well. Linear in the length of ``text``; text with nothing to mask
    comes back unchanged.
    """
    pan, field, userinfo, _controls, blob = _patterns()
    # Card numbers first, so that a named field already holding ``****1234`` is left as it is.
    text = pan.sub(_mask_pan, text)
    lowered = text.lower()
    if any(hint in lowered for hint in _NAME_HINTS):
        text = field.sub(_mask_field, text)
    if "@" in text:
        text = userinfo.sub(_mask_url_userinfo, text)
    return blob.sub(_mask_blob, text)


def _mask_blob(m: re.Match[str]) -> str:
    # Each piece between `=` signs that is long enough is masked (`name=<token>` keeps its name),
    # when the run as a whole looks like data rather than a long word.
    run = m.group()
    data_like = any(c.isupper() for c in run) and any(c.islower() for c in run)
    if not (data_like and any(c.isdigit() or c in "+/=" for c in run)):
        return run
    body = run.rstrip("=")
    pieces = body.split("=")
    if max(len(piece) for piece in pieces) < _MIN_BLOB:
        return run
    last_masked = len(pieces[-1]) >= _MIN_BLOB
    padding = "" if last_masked else run[len(body) :]  # a masked token's padding goes with it
    return "=".join(MASK if len(piece) >= _MIN_BLOB else piece for piece in pieces) + padding


def _mask_pan(m: re.Match[str]) -> str:
    return MASK + re.sub("[^0-9]", "", m.group())[-4:]


def _looks_like_data(word: str) -> bool:
    return len(word) >= _MIN_DATA_WORD and (
        any(c.isdigit() or c in "+/=" for c in word) or any(c.isupper() for c in word[1:])
    )


def _mask_field(m: re.Match[str]) -> str:
    name, separator, assign, double_quoted, single_quoted, opening, bare = m.groups()
    keep = 4 if name.lower().startswith("card") else 0
    if double_quoted is not None:
        value, shown = double_quoted, '"{}"'
    elif single_quoted is not None:
        value, shown = single_quoted, "'{}'"
    else:
        value, shown = bare, opening + "{}"
        if assign is None and not _looks_like_data(value):
            return m.group()  # `cryptogram expired`: a word of a sentence, not a value
    if value.lower() in _NOTHING or (keep and re.fullmatch(r"\*{4}[0-9]{0,4}", value)):
        return m.group()  # nothing to hide, or a card number masked already (it keeps its last four)
    return name + separator + shown.format(mask(value, keep))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """A copy of ``headers`` with every credential value replaced by ``****``."""
    return {k: (MASK if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}
