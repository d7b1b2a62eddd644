"""Configuration checks: every bad setting is refused when the configuration is built, with an
error that names the setting; the four credential sets and nothing else; secrets never shown;
the official client's ``api_key`` dicts and default configuration keep their meaning."""

from __future__ import annotations

import base64
import pickle
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

from cashfree_pg import ApiTypeError, ApiValueError, Cashfree, Configuration, RetryPolicy
from cashfree_pg.configuration import mask_proxy, split_proxy
from test.scripted_server import SEED_INSTRUMENT, Reply, ScriptedServer

CREDENTIALS = ("client_id", "client_secret", "partner_api_key", "partner_merchant_id", "client_signature")

# -- URLs: host and proxy -----------------------------------------------------------------------

BAD_URLS = [
    (5, "{name} must be an http(s) URL, got int"),
    (b"http://h/pg", "{name} must be an http(s) URL, got bytes"),
    ("http://hé.example/pg", "{name} must be an ASCII http(s) URL (IDNA-encode the host name)"),
    ("http://h /pg", "{name} contains whitespace or a control character"),
    ("http://h/pg\n", "{name} contains whitespace or a control character"),
    ("http://h/\x7fpg", "{name} contains whitespace or a control character"),
    ("http://h:99999/pg", "{name} is not a valid URL (Port out of range 0-65535)"),
    ("http://h:x/pg", "{name} is not a valid URL (Port could not be cast to integer value as 'x')"),
    ("http://[::1/pg", "{name} is not a valid URL (Invalid IPv6 URL)"),
    ("ftp://h/pg", "{name} must be an http:// or https:// URL with a host"),
    ("//h/pg", "{name} must be an http:// or https:// URL with a host"),
    ("http:///pg", "{name} must be an http:// or https:// URL with a host"),
    ("http://h:0/pg", "{name} has port 0"),
    ("http://h/pg?x=1", "{name} must be a base URL: no query, no fragment, valid %-escapes only"),
    ("http://h/pg#top", "{name} must be a base URL: no query, no fragment, valid %-escapes only"),
    # Empty ones too: the path would follow them, and the server would read it as the query.
    ("http://h/pg?", "{name} must be a base URL: no query, no fragment, valid %-escapes only"),
    ("http://h/pg#", "{name} must be a base URL: no query, no fragment, valid %-escapes only"),
    ("http://h/p%zz", "{name} must be a base URL: no query, no fragment, valid %-escapes only"),
    ("http://h/p%4", "{name} must be a base URL: no query, no fragment, valid %-escapes only"),
]


@pytest.mark.parametrize(("url", "message"), BAD_URLS)
def test_a_bad_host_or_proxy_url_is_refused_with_what_is_wrong(url: Any, message: str) -> None:
    for name in ("host", "proxy"):
        with pytest.raises(ApiValueError) as info:
            Configuration(**{name: url})
        assert str(info.value) == message.format(name=name)


@pytest.mark.parametrize("value", [None, 0, "", "false", 1])
def test_tls_verification_is_turned_off_only_by_false_itself(value: Any) -> None:
    with pytest.raises(ApiTypeError) as info:
        Configuration(verify_ssl=value)
    assert str(info.value) == f"verify_ssl must be True or False, got {type(value).__name__}"
    assert Configuration(verify_ssl=False).verify_ssl is False and Configuration().verify_ssl is True


@pytest.mark.parametrize("userinfo", ["u:p@", "u@", ":p@", "u:@"])
def test_only_a_proxy_may_carry_a_user_name_or_password(userinfo: str) -> None:
    with pytest.raises(ApiValueError, match=r"^host must not carry a user name or password$"):
        Configuration(host=f"http://{userinfo}h/pg")
    assert Configuration(proxy=f"http://{userinfo}h:3128").proxy == f"http://{userinfo}h:3128"


@pytest.mark.parametrize(
    ("host", "kept"),
    [
        ("https://h:1/pg", "https://h:1/pg"),
        ("http://h:65535/pg/", "http://h:65535/pg"),
        ("http://h/pg///", "http://h/pg"),
        ("http://[::1]:8/p%41", "http://[::1]:8/p%41"),
        ("http://X/pX/", "http://X/pX"),  # slashes only
    ],
)
def test_a_good_host_is_kept_without_trailing_slashes(host: str, kept: str) -> None:
    assert Configuration(host=host).host == kept


def test_the_host_defaults_to_the_sandbox() -> None:
    assert Configuration().host == "https://sandbox.cashfree.com/pg"


def test_proxy_credentials_are_sent_to_the_proxy_and_never_shown(server: ScriptedServer) -> None:
    proxy = server.url.replace("http://", "http://agent%40x:pa%3Ass@").rsplit("/pg", 1)[0]
    server.default = Reply(200, SEED_INSTRUMENT)
    client = Cashfree(XClientId="a", XClientSecret="b", base_url="http://cashfree.invalid/pg", proxy=proxy)
    client.instruments.retrieve("c", "i")
    assert server.last.path == "http://cashfree.invalid/pg/customers/c/instruments/i"
    assert server.last.headers["proxy-authorization"] == "Basic " + base64.b64encode(b"agent@x:pa:ss").decode()
    shown = repr(Configuration(proxy=proxy))
    assert "pa%3Ass" not in shown and "pa:ss" not in shown and "proxy='http://agent@x:****@127.0.0.1:" in shown


def test_proxy_user_info_is_split_off_and_masked() -> None:
    assert split_proxy("http://u:p%40ss@proxy:8080") == ("http://proxy:8080", "u:p@ss")
    assert split_proxy("http://u@proxy") == ("http://proxy", "u:")
    assert split_proxy("http://:p@proxy") == ("http://proxy", ":p")
    assert split_proxy("http://proxy:8080") == ("http://proxy:8080", None)
    assert split_proxy("http://a@b:c@proxy") == ("http://proxy", "a@b:c")  # the last @ ends the user info
    assert mask_proxy("http://u:secret@proxy:1") == "http://u:****@proxy:1"
    assert mask_proxy("http://proxy:1/a@b") == "http://proxy:1/a@b"  # an @ in the path is no user info
    assert mask_proxy("http://proxy:1") == "http://proxy:1" and mask_proxy(None) is None
    assert mask_proxy("http://u:secret@proxy:1/x://y") == "http://u:****@proxy:1/x://y"
    assert "pw-9" not in repr(Configuration(proxy="http://u:pw-9@proxy:1/x://y"))


def test_extra_header_names_must_be_http_tokens(server: ScriptedServer) -> None:
    client = Cashfree(XClientId="a", XClientSecret="b", base_url=server.url)
    bad = {"bad name": "b'bad name'", "x:y": "b'x:y'", "": "b''", "caf\u00e9": r"b'caf\\xe9'"}
    for name, shown in bad.items():
        with pytest.raises(ApiValueError) as info:
            client.PGCustomerFetchInstrument(customer_id="c", instrument_id="i", _headers={name: "v"})
        assert str(info.value) == f"_headers has an invalid header name {shown}"
    with pytest.raises(ApiTypeError, match=r"^_headers names must be strings, got int$"):
        client.PGCustomerFetchInstrument(customer_id="c", instrument_id="i", _headers={5: "v"})
    assert server.requests == []
    server.default = Reply(200, SEED_INSTRUMENT)
    client.PGCustomerFetchInstrument(customer_id="c", instrument_id="i", _headers={"X-Trace!#$%&'*+.^_`|~9": "v"})
    assert server.last.headers["x-trace!#$%&'*+.^_`|~9"] == "v"


# -- the other settings -------------------------------------------------------------------------


def test_an_unknown_keyword_is_refused_by_name_and_the_official_ones_are_accepted() -> None:
    with pytest.raises(ApiTypeError) as info:
        Configuration(zeta=1, alpha=2)  # type: ignore[call-arg]
    assert str(info.value) == "Configuration got an unexpected keyword argument 'alpha'"
    Configuration(server_index=0, server_variables={}, server_operation_index={})  # type: ignore[call-arg]


@pytest.mark.parametrize("name", CREDENTIALS)
def test_a_credential_that_cannot_be_a_header_is_refused_and_named(name: str) -> None:
    for value in ("a\r\nx-injected: 1", "a\nb", "tab\there", "del\x7f", "caf\u00e9", "\x00", "us\x1f"):
        with pytest.raises(ApiValueError) as info:
            Configuration(**{name: value})
        assert str(info.value).startswith(f"{name} contains a control character (CR, LF, ...) or a non-ASCII")
        assert value not in str(info.value)  # the value may be a secret
    with pytest.raises(ApiTypeError) as type_info:
        Configuration(**{name: 12})
    assert str(type_info.value) == f"{name} must be a string, got int"
    assert getattr(Configuration(**{name: " ~edge of ASCII~ "}), name) == " ~edge of ASCII~ "


@pytest.mark.parametrize("version", ["2022-9-01", "22-09-01", "2022-09-01x", "x2022-09-01", "2022/09/01", ""])
def test_an_api_version_must_look_like_a_date(version: str) -> None:
    with pytest.raises(ApiValueError) as info:
        Configuration(api_version=version)
    assert str(info.value) == f"x_api_version must look like YYYY-MM-DD (for example 2022-09-01), got {version!r}"


def test_an_api_version_is_checked_as_a_header_first() -> None:
    with pytest.raises(ApiTypeError, match=r"^x_api_version must be a string, got int$"):
        Configuration(api_version=20220901)  # type: ignore[arg-type]
    with pytest.raises(ApiValueError, match=r"^x_api_version contains a control character"):
        Configuration(api_version="2022-09-01\n")
    assert Configuration(api_version="2025-01-01").api_version == "2025-01-01"


@pytest.mark.parametrize(("name", "low", "high"), [("pool_maxsize", 1, 1000), ("max_response_bytes", 1, 1 << 40)])
def test_counts_accept_their_range_and_refuse_anything_else_by_name(name: str, low: int, high: int) -> None:
    assert getattr(Configuration(**{name: low}), name) == low
    assert getattr(Configuration(**{name: high}), name) == high
    for bad in (low - 1, high + 1, True, float(low), "5", None):
        with pytest.raises(ApiValueError) as info:
            Configuration(**{name: bad})
        assert str(info.value) == f"{name} must be a whole number from {low} to {high}, got {bad!r}"


def test_retry_must_be_a_retry_policy_and_defaults_to_one() -> None:
    with pytest.raises(ApiValueError, match=r"^retry must be a RetryPolicy$"):
        Configuration(retry={"max_retries": 3})  # type: ignore[arg-type]
    assert Configuration().retry == RetryPolicy()
    policy = RetryPolicy(max_retries=7)
    assert Configuration(retry=policy).retry is policy


def test_a_ca_bundle_must_name_an_existing_file_or_directory(tmp_path: Path) -> None:
    bundle = tmp_path / "ca.pem"
    bundle.write_text("not checked here")
    assert Configuration(ssl_ca_cert=str(bundle)).ssl_ca_cert == str(bundle)
    assert Configuration(ssl_ca_cert=str(tmp_path)).ssl_ca_cert == str(tmp_path)
    for missing in (str(tmp_path / "nope.pem"), 5):
        with pytest.raises(ApiValueError) as info:
            Configuration(ssl_ca_cert=missing)  # type: ignore[arg-type]
        assert str(info.value) == f"ssl_ca_cert names no file or directory: {missing!r}"


def test_tls_verification_is_on_unless_turned_off() -> None:
    assert Configuration().verify_ssl is True and Configuration(verify_ssl=False).verify_ssl is False


# -- credentials: the four sets the service accepts ---------------------------------------------

SCHEMES = [
    ({"client_id": "i", "client_secret": "s"}, {"x-client-id": "i", "x-client-secret": "s"}),
    ({"client_id": "i", "partner_api_key": "k"}, {"x-client-id": "i", "x-partner-apikey": "k"}),
    ({"client_id": "i", "client_signature": "g"}, {"x-client-id": "i", "x-client-signature": "g"}),
    ({"partner_merchant_id": "m", "partner_api_key": "k"}, {"x-partner-merchantid": "m", "x-partner-apikey": "k"}),
]


@pytest.mark.parametrize(("given", "headers"), SCHEMES)
def test_each_accepted_credential_set_is_sent_as_its_headers(
    server: ScriptedServer, given: Dict[str, str], headers: Dict[str, str]
) -> None:
    config = Configuration(**given)
    config.check_credentials()  # no error
    assert config.auth_headers() == headers and set(config.credential_names()) == set(given)
    server.default = Reply(200, SEED_INSTRUMENT)
    with Cashfree(base_url=server.url, **{_facade_name(k): v for k, v in given.items()}) as client:
        client.instruments.retrieve("c", "i")
    sent = {k: v for k, v in server.last.headers.items() if k in {h for _, hs in SCHEMES for h in hs}}
    assert sent == headers


def _facade_name(field: str) -> str:
    return {
        "client_id": "XClientId",
        "client_secret": "XClientSecret",
        "partner_api_key": "XPartnerKey",
        "partner_merchant_id": "XPartnerMerchantId",
        "client_signature": "XClientSignature",
    }[field]


def test_no_credentials_and_a_mixed_set_are_refused_with_the_accepted_sets_named() -> None:
    with pytest.raises(ApiValueError) as info:
        Configuration().check_credentials()
    assert str(info.value).startswith("no credentials: set XClientId and XClientSecret")
    mixed = Configuration(client_id="i", client_secret="s", partner_api_key="k")
    with pytest.raises(ApiValueError) as info:
        mixed.check_credentials()
    assert str(info.value).startswith(
        "credentials client_id, client_secret, partner_api_key are not a combination the service accepts"
    )
    assert str(info.value).endswith("or XPartnerMerchantId + XPartnerKey")
    for alone in CREDENTIALS:
        with pytest.raises(ApiValueError, match=rf"^credentials {alone} are not a combination"):
            Configuration(**{alone: "v"}).check_credentials()


def test_secrets_are_never_shown_and_the_rest_is() -> None:
    config = Configuration(client_id="my-id", client_secret="S3", client_signature="G9", partner_api_key="K7")
    shown = repr(config)
    assert str(config) == shown and shown.startswith("Configuration(api_version='2022-09-01', call_timeout=60.0, ")
    assert ", client_id='my-id', client_secret='****', " in shown and shown.endswith(", verify_ssl=True)")
    assert "client_id='my-id'" in shown and "client_secret='****'" in shown and "partner_api_key='****'" in shown
    assert "client_signature='****'" in shown and "partner_merchant_id=None" in shown
    assert not any(secret in shown for secret in ("S3", "G9", "K7"))
    assert "client_secret=None" in repr(Configuration(client_id="i"))  # nothing set: nothing to hide


# -- the official client's api_key dicts and default --------------------------------------------


def test_api_key_entries_fill_the_credentials_when_resolved() -> None:
    config = Configuration(host="http://h/pg", client_id="old")
    config.api_key.update(
        {"XClientID": "new", "XClientSecret": "s", "XPartnerAPIKey": "", "XClientSignatureHeader": "g", "Other": "x"}
    )
    resolved = config.resolved()
    assert (resolved.client_id, resolved.client_secret, resolved.client_signature) == ("new", "s", "g")
    assert resolved.partner_api_key is None and resolved.host == "http://h/pg"  # empty entries are not set
    plain = Configuration(client_id="i")
    assert plain.resolved() is plain


def test_copies_keep_the_api_key_dicts_without_sharing_them() -> None:
    config = Configuration(api_key={"XClientID": "i"}, api_key_prefix={"XClientID": "p"}, client_id="c")
    copy = config.replace(client_secret="s")
    assert (copy.api_key, copy.api_key_prefix) == ({"XClientID": "i"}, {"XClientID": "p"})
    copy.api_key["XClientID"] = "changed"
    assert config.api_key == {"XClientID": "i"} and copy.client_secret == "s" and copy.client_id == "c"
    back = pickle.loads(pickle.dumps(config))
    assert back == config and back.client_id == "c"  # the dicts are inputs, not part of the value


@pytest.fixture
def no_default() -> Iterator[None]:
    yield
    Configuration.set_default(None)


@pytest.mark.usefixtures("no_default")
def test_the_default_configuration_is_a_copy_never_shared() -> None:
    assert Configuration.get_default_copy() == Configuration()
    mine = Configuration(client_id="i", client_secret="s", api_key={"XClientSecret": "k"})
    Configuration.set_default(mine)
    mine.api_key["XClientSecret"] = "changed later"
    first, second = Configuration.get_default_copy(), Configuration.get_default_copy()
    assert first == second == mine and first is not mine and second is not first
    assert first.api_key == {"XClientSecret": "k"} and first.api_key is not second.api_key
    Configuration.set_default(None)
    assert Configuration.get_default_copy() == Configuration()
    with pytest.raises(ApiTypeError, match=r"^set_default takes a Configuration$"):
        Configuration.set_default({"client_id": "i"})  # type: ignore[arg-type]
