"""TLS verified for real, secrets and card data never logged or shown, header injection refused."""

from __future__ import annotations

import json
import logging
import re
import ssl
from typing import Any, Iterator, List

import pytest
import trustme

from cashfree_pg import (
    ApiConnectionError,
    ApiDecodeError,
    ApiException,
    ApiTypeError,
    ApiValueError,
    Cashfree,
    Configuration,
    ServiceException,
)
from cashfree_pg.api_response import ApiResponse
from test.conftest import FAST_RETRY, make_client
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT, Reply, ScriptedServer

SECRET = "cfsk_ma_test_5f1d2e3c4b5a69788796a5b4c3d2e1f0"
SIGNATURE = "sig_Zm9vYmFyYmF6cXV4cXV1eA=="
PARTNER_KEY = "pk_partner_9a8b7c6d5e4f3a2b1c0d"
CARD_VALUES = (SEED_CRYPTOGRAM["card_number"], SEED_CRYPTOGRAM["cryptogram"])
NEVER_SHOWN = (SECRET, SIGNATURE, PARTNER_KEY, *CARD_VALUES)


# -- TLS ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def _https_server(ca: trustme.CA, *names: str) -> ScriptedServer:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(ctx)
    server = ScriptedServer(ssl_context=ctx).start()
    server.default = Reply(200, SEED_INSTRUMENT)
    return server


@pytest.fixture
def https_server(ca: trustme.CA) -> Iterator[ScriptedServer]:
    server = _https_server(ca, "127.0.0.1", "localhost")
    yield server
    server.stop()


def _client(server: ScriptedServer, **kwargs: Any) -> Cashfree:
    return Cashfree(XClientId="id", XClientSecret="s", base_url=server.url, max_retries=0, **kwargs)


def test_default_client_refuses_an_untrusted_certificate(https_server: ScriptedServer) -> None:
    with pytest.raises(ApiConnectionError) as info:
        _client(https_server).PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert "certificate" in str(info.value)


def test_client_given_the_ca_accepts_it(https_server: ScriptedServer, ca: trustme.CA, tmp_path: Any) -> None:
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    response = _client(https_server, ssl_ca_cert=str(pem)).PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert response.status_code == 200


def test_ssl_cert_file_is_honoured(
    https_server: ScriptedServer, ca: trustme.CA, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem = tmp_path / "bundle.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    assert _client(https_server).PGCustomerFetchInstrument("2022-09-01", "c", "i").status_code == 200


def test_host_name_is_verified(ca: trustme.CA, tmp_path: Any) -> None:
    server = _https_server(ca, "api.cashfree.com")  # trusted CA, wrong name
    try:
        pem = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(pem))
        with pytest.raises(ApiConnectionError) as info:
            _client(server, ssl_ca_cert=str(pem)).PGCustomerFetchInstrument("2022-09-01", "c", "i")
        assert "certificate" in str(info.value)
    finally:
        server.stop()


def test_disabling_verification_is_explicit_and_loud(
    https_server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    assert Configuration().verify_ssl is True
    with caplog.at_level(logging.WARNING, logger="cashfree_pg"):
        client = _client(https_server, danger_disable_tls_verification=True)
        _client(https_server, danger_disable_tls_verification=True)
    assert sum("verification is DISABLED" in r.getMessage() for r in caplog.records) == 2
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # urllib3's InsecureRequestWarning is expected here
        assert client.PGCustomerFetchInstrument("2022-09-01", "c", "i").status_code == 200


# -- logging and redaction ---------------------------------------------------------------------


# The service takes one credential scheme per client: each secret is tried in its own scheme.
SCHEMES = {
    "secret": {"XClientId": "id", "XClientSecret": SECRET},
    "signature": {"XClientId": "id", "XClientSignature": SIGNATURE},
    "partner key": {"XClientId": "id", "XPartnerKey": PARTNER_KEY},
}


@pytest.fixture(params=list(SCHEMES))
def scheme(request: pytest.FixtureRequest) -> Any:
    return SCHEMES[request.param]


def _secret_client(server: ScriptedServer, scheme: Any, **kwargs: Any) -> Cashfree:
    return Cashfree(**scheme, base_url=server.url, retry_policy=FAST_RETRY, **kwargs)


def test_debug_log_across_every_operation_and_error_shows_no_secret(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str], scheme: Any
) -> None:
    echo_card = {
        "message": f"bad card {SEED_CRYPTOGRAM['card_number']}",
        "code": "x",
        "type": "api_error",
        "card_number": SEED_CRYPTOGRAM["card_number"],
        "cryptogram": SEED_CRYPTOGRAM["cryptogram"],
    }
    server.reply(
        Reply(200, [SEED_INSTRUMENT]),
        Reply(200, SEED_INSTRUMENT),
        Reply(200, SEED_INSTRUMENT),
        Reply(200, SEED_CRYPTOGRAM),
        Reply(503, echo_card),
        Reply(200, SEED_CRYPTOGRAM),
        Reply(400, echo_card),
        Reply(200, json.dumps(SEED_CRYPTOGRAM)[:-2]),  # cut short: a decode error over card data
    )
    client = _secret_client(server, scheme)
    shown: List[str] = [repr(client), str(client), repr(client.configuration), str(client.configuration)]
    with caplog.at_level(logging.DEBUG):
        shown.append(repr(client.PGCustomerFetchInstruments("2022-09-01", "c", "card")))
        shown.append(repr(client.PGCustomerFetchInstrument("2022-09-01", "c", "i")))
        shown.append(repr(client.PGCustomerDeleteInstrument("2022-09-01", "c", "i")))
        crypto = client.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")
        shown += [repr(crypto), str(crypto), repr(crypto.data), str(crypto.data), crypto.data.to_str()]
        retried = client.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")  # 503 then 200
        shown.append(str(retried))
        for _ in range(2):
            with pytest.raises(ApiException) as info:
                client.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")
            shown += [str(info.value), repr(info.value), str(info.value.args)]
    logged = "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    text = logged + "\n".join(shown) + capsys.readouterr().err
    assert "cryptogram" in text and "GET /customers/{customer_id}/instruments/{instrument_id}/cryptogram" in logged
    for value in NEVER_SHOWN:
        assert value not in text
    # The attributes still carry the real values: they are needed to pay.
    assert crypto.data.cryptogram == SEED_CRYPTOGRAM["cryptogram"]
    assert scheme.get("XClientSecret") in (None, client.configuration.client_secret)


def test_debug_line_per_attempt_and_warning_per_retry(server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
    server.reply(Reply(502, {"message": "x"}), Reply(200, SEED_INSTRUMENT))
    with caplog.at_level(logging.DEBUG, logger="cashfree_pg"):
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c", "i", "rid-77")
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(debug) == 2 and len(warnings) == 1
    for n, line in enumerate(debug, 1):
        assert (
            "GET /customers/{customer_id}/instruments/{instrument_id}" in line
            and "rid-77" in line
            and f"attempt={n}" in line
        )
        assert " ms " in line
    assert "-> 502" in debug[0] and "-> 200" in debug[1] and "retrying" in warnings[0]


def test_exception_messages_mask_card_fields_in_server_text(server: ScriptedServer) -> None:
    server.reply(Reply(502, {"message": f'echo "cryptogram": "{SEED_CRYPTOGRAM["cryptogram"]}"', "code": "c"}))
    with pytest.raises(ServiceException) as info:
        make_client(server, max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert SEED_CRYPTOGRAM["cryptogram"] not in str(info.value) + repr(info.value)


def test_a_cryptogram_answer_that_fails_to_decode_keeps_no_card_data(server: ScriptedServer) -> None:
    # The answer is cut short: not JSON, so ApiDecodeError, whose body is the answer's text.
    broken = json.dumps(SEED_CRYPTOGRAM)[:-1]
    server.reply(Reply(200, broken))
    with pytest.raises(ApiDecodeError) as info:
        make_client(server, max_retries=0).PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")
    e = info.value
    for value in CARD_VALUES:
        assert value not in (e.body or "") and value not in str(e) and value not in repr(e)
    assert e.body is not None and '"instrument_id"' in e.body  # the rest of the answer stays


@pytest.mark.parametrize("shift", range(0, 40, 3))
@pytest.mark.parametrize("value", CARD_VALUES)
def test_a_secret_across_a_cut_is_never_shown_in_part(server: ScriptedServer, value: str, shift: int) -> None:
    # The exception keeps 64 KiB of an error body and its text 2,000 characters of it: card data
    # crossing either cut is masked whole, not cut to a part too short to be recognised.
    for keep in (64 * 1024, 2_000):
        body = "x" * (keep - shift) + f" {value} tail"
        server.reply(Reply(400, body, {"Content-Type": "text/plain"}))
        with pytest.raises(ApiException) as info:
            make_client(server, max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c", "i")
        shown = (info.value.body or "") + " " + str(info.value)
        # What is left of the value: any run of its characters (the x padding aside) found in it.
        parts = [run for run in re.findall(r"[0-9A-Za-z+/=]+", shown.replace("x", " ")) if run in value]
        assert max(map(len, parts), default=0) <= 4, shown[-120:]  # at most a card number's last four


def test_api_response_repr_leaves_out_the_raw_body() -> None:
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity

    data = CryptogramEntity.model_validate(SEED_CRYPTOGRAM)
    text = repr(ApiResponse(200, {}, data, b'{"cryptogram": "%s"}' % SEED_CRYPTOGRAM["cryptogram"].encode()))
    assert all(v not in text for v in CARD_VALUES) and "bytes" in text


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc\r\nX-Evil: 1", "a\nb", "tab\there", "nul\x00", "del\x7f", "euro\u20ac", "é"])
def test_control_characters_in_headers_are_refused_before_sending(server: ScriptedServer, bad: str) -> None:
    client = make_client(server)
    with pytest.raises(ApiValueError):
        client.PGCustomerFetchInstrument("2022-09-01", "c", "i", x_request_id=bad)
    with pytest.raises(ApiValueError):
        client.PGCustomerFetchInstrument("2022-09-01", "c", "i", x_idempotency_key=bad)
    with pytest.raises(ApiValueError):
        client.PGCustomerFetchInstrument(bad, "c", "i")
    with pytest.raises(ApiValueError):
        client.PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={"X-Note": bad})
    with pytest.raises(ApiValueError):
        client.PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={bad: "v"})
    with pytest.raises(ApiValueError):
        Cashfree(XClientId="id", XClientSecret=bad)
    with pytest.raises(ApiValueError):
        Cashfree(XClientId=bad, XClientSecret="s")
    assert server.requests == []


@pytest.mark.parametrize("version", ["2022-9-1", "20220901", "latest", "2022-09-01 ", "", "v2022-09-01"])
def test_api_version_must_look_like_a_date(server: ScriptedServer, version: str) -> None:
    with pytest.raises(ApiValueError, match="YYYY-MM-DD"):
        make_client(server).PGCustomerFetchInstrument(version, "c", "i")
    assert server.requests == []


def test_non_string_header_values_are_refused(server: ScriptedServer) -> None:
    with pytest.raises(ApiTypeError):
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c", "i", x_request_id=5)  # type: ignore[arg-type]
    assert server.requests == []


def test_certificate_failures_are_not_retried(https_server: ScriptedServer) -> None:
    client = Cashfree(XClientId="id", XClientSecret="s", base_url=https_server.url, retry_policy=FAST_RETRY)
    with pytest.raises(ApiConnectionError) as info:
        client.PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert info.value.attempts == 1 and not info.value.retryable


def test_headers_option_cannot_replace_identity_headers(server: ScriptedServer) -> None:
    client = make_client(server)
    for name in ("X-Client-Id", "x-api-version", "X-Request-Id", "x-idempotency-key", "X-Client-Secret"):
        with pytest.raises(ApiValueError, match="may not set"):
            client.PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={name: "other"})
    assert server.requests == []
    server.default = Reply(200, SEED_INSTRUMENT)
    client.PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={"User-Agent": "shop/2.0"})
    assert server.last.headers["user-agent"] == "shop/2.0"


def test_configuration_without_verification_warns_too(caplog: pytest.LogCaptureFixture) -> None:
    from cashfree_pg import ApiClient

    with caplog.at_level(logging.WARNING, logger="cashfree_pg"):
        ApiClient(Configuration(client_id="a", client_secret="b", verify_ssl=False))
    assert any("DISABLED" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("name", ["X Note", "X-Note:", "", "Ü", "a\r\nb"])
def test_invalid_header_names_are_refused(server: ScriptedServer, name: str) -> None:
    with pytest.raises(ApiValueError, match="header name"):
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={name: "v"})
    with pytest.raises(ApiTypeError):
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c", "i", _headers={1: "v"})  # type: ignore[dict-item]
    assert server.requests == []


def test_empty_request_id_or_idempotency_key_is_refused(server: ScriptedServer) -> None:
    with pytest.raises(ApiValueError, match="x_request_id"):
        make_client(server).PGCustomerFetchInstrument("2022-09-01", "c", "i", "")
    with pytest.raises(ApiValueError, match="x_idempotency_key"):
        make_client(server).PGCustomerDeleteInstrument("2022-09-01", "c", "i", None, "")
    assert server.requests == []


def test_debug_log_across_every_kind_of_error_shows_no_secret(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture, scheme: Any
) -> None:
    card = {"card_number": SEED_CRYPTOGRAM["card_number"], "cryptogram": SEED_CRYPTOGRAM["cryptogram"]}
    body = {"message": f"card {SEED_CRYPTOGRAM['card_number']}", "code": "c", "type": "t", **card}
    replies = [Reply(status, body) for status in (400, 401, 403, 404, 409, 422, 500, 503, 504)]
    replies += [
        Reply(429, body, {"Retry-After": "120"}),
        Reply(502, f"<html>{SEED_CRYPTOGRAM['cryptogram']}</html>", {"Content-Type": "text/html"}),
        Reply(200, json.dumps(card)[:-2]),
        Reply(action="drop"),
        Reply(200, SEED_CRYPTOGRAM, action="stall", delay=0.3),
    ]
    client = _secret_client(server, scheme, max_retries=0, timeout=0.1)
    shown: List[str] = []
    with caplog.at_level(logging.DEBUG):
        for reply in replies:
            server.reply(reply)
            with pytest.raises(ApiException) as info:
                client.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")
            shown += [str(info.value), repr(info.value), str(info.value.args)]
    assert len(shown) == 3 * len(replies)
    text = "\n".join(shown) + "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)
    for value in NEVER_SHOWN:
        assert value not in text


def test_a_ca_directory_is_trusted_too(https_server: ScriptedServer, ca: trustme.CA, tmp_path: Any) -> None:
    import shutil
    import subprocess

    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("needs the openssl command to name the certificate by its hash")
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    digest = subprocess.run([openssl, "x509", "-hash", "-noout", "-in", str(pem)], capture_output=True, text=True)
    certs = tmp_path / "certs"
    certs.mkdir()
    shutil.copy(pem, certs / f"{digest.stdout.strip()}.0")
    response = _client(https_server, ssl_ca_cert=str(certs)).PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert response.status_code == 200


# -- text a server chooses: card numbers in any form, forged log lines ---------------------------

FORGED = "bad\r\n2024-01-01 INFO cashfree_pg: payment captured\x1b[2K\x85\u2028"
RAW_CONTROLS = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029)]
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _one_raw_answer(raw: bytes) -> Iterator[str]:
    """A loopback server that answers one request with ``raw`` bytes, as no well-behaved server would."""
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            conn.sendall(raw)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()
        thread.join(timeout=5)


def _shown(exc: BaseException, caplog: pytest.LogCaptureFixture) -> List[str]:
    return [str(exc), repr(exc), *(r.getMessage() for r in caplog.records)]


def _assert_no_forged_line(exc: BaseException, caplog: pytest.LogCaptureFixture) -> None:
    # str(e) has lines of its own (the official SDK's layout); each begins with the SDK's words.
    for line in str(exc).splitlines():
        assert line.startswith(("(", "Reason: ", "Message: ", "HTTP response ", "Request id: ", "Attempts: ")), line
        assert not any(c in line for c in RAW_CONTROLS), line
    for text in (repr(exc), *(r.getMessage() for r in caplog.records)):
        assert not any(c in text for c in RAW_CONTROLS), text


_CARD = SEED_CRYPTOGRAM["card_number"]
_CRYPTOGRAM = SEED_CRYPTOGRAM["cryptogram"]


@pytest.mark.parametrize(
    ("card_text", "hidden"),
    [
        ("4111 1111 1111 1111", "4111 1111 1111"),
        ("4111-1111-1111-1111", "4111-1111-1111"),
        (f"card_number={_CARD}", _CARD[:-4]),
        (f"cryptogram={_CRYPTOGRAM}", _CRYPTOGRAM),
        (f"cryptogram: {_CRYPTOGRAM}", _CRYPTOGRAM),
        (f"cryptogram {_CRYPTOGRAM}", _CRYPTOGRAM),
    ],
)
def test_card_data_in_a_server_message_is_masked_in_any_form(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture, card_text: str, hidden: str
) -> None:
    server.reply(Reply(400, {"message": f"rejected {card_text} now", "code": card_text, "type": "t"}))
    with caplog.at_level(logging.DEBUG), pytest.raises(ApiException) as info:
        make_client(server, max_retries=0).PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")
    for text in _shown(info.value, caplog):
        assert hidden not in text
    assert "rejected" in str(info.value) and "****" in str(info.value)


def test_a_server_message_cannot_forge_a_log_line(server: ScriptedServer, caplog: pytest.LogCaptureFixture) -> None:
    server.reply(Reply(400, json.dumps({"message": FORGED, "code": "x\ny", "type": "t\x1b"}, ensure_ascii=False)))
    with caplog.at_level(logging.DEBUG), pytest.raises(ApiException) as info:
        make_client(server, max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert "payment captured" in str(info.value)
    _assert_no_forged_line(info.value, caplog)


def test_a_server_message_cannot_reorder_what_a_reader_sees(server: ScriptedServer) -> None:
    body = json.dumps({"message": f"amount 100{BIDI}00", "code": "c", "type": "t"}, ensure_ascii=False)
    server.reply(Reply(400, body))
    with pytest.raises(ApiException) as info:
        make_client(server, max_retries=0).PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert not any(c in str(info.value) for c in BIDI)


@pytest.mark.parametrize("reason", [b"Bad\x1b[31m Request", b"Bad\x00\x07Request", b"Bad \xc2\x85\xe2\x80\xa8 Request"])
def test_a_reason_phrase_cannot_forge_a_log_line(caplog: pytest.LogCaptureFixture, reason: bytes) -> None:
    body = b'{"message": "m", "code": "c", "type": "t"}'
    raw = b"HTTP/1.1 400 " + reason + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    for url in _one_raw_answer(raw + b"Connection: close\r\n\r\n" + body):
        client = Cashfree(XClientId="id", XClientSecret="s", base_url=url, max_retries=0)
        with caplog.at_level(logging.DEBUG), pytest.raises(ApiException) as info:
            client.PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert info.value.status == 400 and "Bad" in str(info.value)
    _assert_no_forged_line(info.value, caplog)


# -- webhook verification: every check holds at its edge -------------------------------------------

WEBHOOK_SECRET = "cfsk_ma_test_webhook_5f1d2e3c4b5a"
WEBHOOK_BODY = b'{"type":"PAYMENT_SUCCESS_WEBHOOK","event_time":"2022-04-14T10:44:14+05:30","data":{"a":1}}'


def _signed(timestamp: str, body: bytes = WEBHOOK_BODY, key: bytes = WEBHOOK_SECRET.encode()) -> str:
    import base64
    import hashlib
    import hmac

    return base64.b64encode(hmac.new(key, timestamp.encode() + body, hashlib.sha256).digest()).decode()


def _now() -> str:
    import time

    return str(int(time.time()))


def test_an_empty_secret_is_refused_as_bytes_too_so_no_one_can_forge_a_webhook() -> None:
    from cashfree_pg import WebhookSignatureError
    from cashfree_pg.webhooks import construct_event, verify_signature

    ts = _now()
    forged = _signed(ts, key=b"")  # anyone can compute an HMAC with an empty key
    for secret in ("", b""):
        with pytest.raises(WebhookSignatureError, match="client secret is needed"):
            construct_event(WEBHOOK_BODY, forged, ts, secret)  # type: ignore[arg-type]
        with pytest.raises(WebhookSignatureError, match="client secret is needed"):
            verify_signature(forged, WEBHOOK_BODY, ts, secret)  # type: ignore[arg-type]


def test_a_secret_given_as_bytes_verifies_like_the_same_text() -> None:
    from cashfree_pg.webhooks import construct_event

    ts = _now()
    event = construct_event(WEBHOOK_BODY, _signed(ts), ts, WEBHOOK_SECRET.encode())  # type: ignore[arg-type]
    assert event.type == "PAYMENT_SUCCESS_WEBHOOK"


def test_a_signature_must_be_the_header_exactly_not_base64_with_extra_characters() -> None:
    from cashfree_pg import WebhookSignatureError
    from cashfree_pg.webhooks import construct_event

    ts = _now()
    good = _signed(ts)
    assert construct_event(WEBHOOK_BODY, good, ts, WEBHOOK_SECRET).type == "PAYMENT_SUCCESS_WEBHOOK"
    for bad in (good[:10] + "!" + good[10:], good[:10] + "*" + good[10:], good.rstrip("=") + "-"):
        with pytest.raises(WebhookSignatureError, match="x-webhook-signature"):
            construct_event(WEBHOOK_BODY, bad, ts, WEBHOOK_SECRET)


def test_a_missing_signature_is_reported_as_missing_in_any_form() -> None:
    from cashfree_pg import WebhookSignatureError
    from cashfree_pg.webhooks import construct_event

    for missing in (None, "", b""):
        with pytest.raises(WebhookSignatureError, match="missing webhook signature"):
            construct_event(WEBHOOK_BODY, missing, _now(), WEBHOOK_SECRET)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("argument", "value"),
    [("secret", 12345), ("signature", 12345), ("timestamp", 1.5), ("timestamp", True), ("tolerance", "300")],
)
def test_a_webhook_argument_of_the_wrong_type_is_a_type_error_naming_that_type(argument: str, value: object) -> None:
    from cashfree_pg.webhooks import construct_event

    ts = _now()
    kwargs = dict(raw_body=WEBHOOK_BODY, signature=_signed(ts), timestamp=ts, secret=WEBHOOK_SECRET)
    kwargs[argument] = value  # type: ignore[assignment]
    with pytest.raises(ApiTypeError, match=f"{argument} must be .* got {type(value).__name__}"):
        construct_event(**kwargs)  # type: ignore[arg-type]


def test_a_tolerance_under_one_second_is_a_window_not_an_error() -> None:
    from cashfree_pg import WebhookSignatureError
    from cashfree_pg.webhooks import construct_event

    old = "1650000000"
    with pytest.raises(WebhookSignatureError, match=r"outside the 0\.5 s tolerance"):
        construct_event(WEBHOOK_BODY, _signed(old), old, WEBHOOK_SECRET, tolerance=0.5)
    for refused in (0, -0.5):
        with pytest.raises(ApiValueError, match="positive"):
            construct_event(WEBHOOK_BODY, _signed(old), old, WEBHOOK_SECRET, tolerance=refused)


def test_a_timestamp_from_10_to_the_11_on_is_read_as_milliseconds() -> None:
    from cashfree_pg import WebhookSignatureError
    from cashfree_pg.webhooks import construct_event

    # 10**11 ms is in 1973 (far in the past); as seconds it would be the year 5138 (the future).
    for ts in ("100000000000", "99999999999"):
        expected = "old" if ts == "100000000000" else "in the future"
        with pytest.raises(WebhookSignatureError, match=expected):
            construct_event(WEBHOOK_BODY, _signed(ts), ts, WEBHOOK_SECRET)


def test_a_timestamp_of_up_to_sixteen_digits_is_read_as_a_number() -> None:
    from cashfree_pg import WebhookSignatureError
    from cashfree_pg.webhooks import construct_event

    sixteen, seventeen = "1" * 16, "1" * 17
    with pytest.raises(WebhookSignatureError, match="in the future"):
        construct_event(WEBHOOK_BODY, _signed(sixteen), sixteen, WEBHOOK_SECRET)
    with pytest.raises(WebhookSignatureError, match="not a whole number"):
        construct_event(WEBHOOK_BODY, _signed(seventeen), seventeen, WEBHOOK_SECRET)


def test_the_official_event_type_is_a_string_or_none_and_events_compare_by_value() -> None:
    from cashfree_pg.webhooks import verify_signature

    ts = "1650000000"
    body = b'{"type": 5, "data": {}}'
    event = verify_signature(_signed(ts, body), body, ts, WEBHOOK_SECRET)
    assert event.type is None and event.object == {"type": 5, "data": {}}
    first = verify_signature(_signed(ts), WEBHOOK_BODY, ts, WEBHOOK_SECRET)
    again = verify_signature(_signed(ts), WEBHOOK_BODY, ts, WEBHOOK_SECRET)
    assert first == again and first != event and first != "PAYMENT_SUCCESS_WEBHOOK"


def test_a_signed_body_that_does_not_fit_the_event_says_which_field_and_why() -> None:
    from cashfree_pg.webhooks import construct_event

    ts = _now()
    body = b'{"type": "PAYMENT_SUCCESS_WEBHOOK", "data": [1, 2]}'
    with pytest.raises(ApiValueError) as info:
        construct_event(body, _signed(ts, body), ts, WEBHOOK_SECRET)
    message = str(info.value)
    assert message.endswith("does not fit the event model: data: Input should be an object")
