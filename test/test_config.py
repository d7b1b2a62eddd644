"""Configuration: class attributes, constructor, environment, environments and hosts."""

from __future__ import annotations

import pytest

from cashfree_pg import ApiClient, ApiValueError, Cashfree, Configuration
from test.scripted_server import SEED_INSTRUMENT, Reply, ScriptedServer


def test_no_credentials_is_a_clear_error_before_sending(server: ScriptedServer) -> None:
    cashfree = Cashfree(base_url=server.url)  # built before credentials are set, as settings modules do
    with pytest.raises(ApiValueError) as info:
        cashfree.PGCustomerFetchInstrument(customer_id="c", instrument_id="i")
    assert server.requests == []
    text = str(info.value)
    for name in ("XClientId", "XClientSecret", "CASHFREE_CLIENT_ID", "CASHFREE_CLIENT_SECRET", "XPartnerKey"):
        assert name in text
    with pytest.raises(ApiValueError, match="XClientSecret"):
        Cashfree(XClientId="only_id")


def test_precedence_argument_then_class_attribute_then_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASHFREE_CLIENT_ID", "env_id")
    monkeypatch.setenv("CASHFREE_CLIENT_SECRET", "env_secret")
    assert Cashfree().configuration.client_id == "env_id"
    monkeypatch.setattr(Cashfree, "XClientId", "cls_id")
    assert Cashfree().configuration.client_id == "cls_id"
    assert Cashfree(XClientId="arg_id").configuration.client_id == "arg_id"
    monkeypatch.setattr(Cashfree, "XClientId", "")  # an empty class attribute counts as not set
    assert Cashfree().configuration.client_id == "env_id"
    assert Cashfree().configuration.client_secret == "env_secret"
    with pytest.raises(ApiValueError, match="empty"):  # an empty argument never falls back
        Cashfree(XClientId="")


def test_environments_and_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    creds = {"XClientId": "a", "XClientSecret": "b"}
    assert Cashfree(**creds).configuration.host == "https://sandbox.cashfree.com/pg"
    assert Cashfree(Cashfree.PRODUCTION, **creds).configuration.host == "https://api.cashfree.com/pg"
    monkeypatch.setattr(Cashfree, "XEnvironment", Cashfree.PRODUCTION)
    assert Cashfree(**creds).configuration.host == Cashfree.PRODUCTION
    monkeypatch.setattr(Cashfree, "XEnvironment", None)
    monkeypatch.setenv("CASHFREE_ENVIRONMENT", "Production")
    assert Cashfree(**creds).configuration.host == Cashfree.PRODUCTION
    monkeypatch.setenv("CASHFREE_ENVIRONMENT", "sandbox")
    assert Cashfree(**creds).configuration.host == Cashfree.SANDBOX
    monkeypatch.setenv("CASHFREE_BASE_URL", "http://127.0.0.1:9/pg/")
    assert Cashfree(**creds).configuration.host == "http://127.0.0.1:9/pg"
    assert Cashfree(base_url="https://gw.example/pg", **creds).configuration.host == "https://gw.example/pg"
    monkeypatch.setenv("CASHFREE_ENVIRONMENT", "staging")
    monkeypatch.delenv("CASHFREE_BASE_URL")
    with pytest.raises(ApiValueError, match="SANDBOX"):
        Cashfree(**creds)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"host": "ftp://x"},
        {"host": "not a url"},
        {"pool_maxsize": 0},
        {"api_version": "22-9-1"},
        {"ssl_ca_cert": "/no/such/ca.pem"},
        {"proxy": "socks5://127.0.0.1:1080"},
        {"timeout": 0},
        {"retry": 3},
        {"call_timeout": float("nan")},
        {"pool_maxsize": 1001},
        {"host": "http://h:99999"},
    ],
)
def test_configuration_rejects_bad_values(kwargs: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ApiValueError):
        Configuration(**kwargs)


def test_configuration_is_plain_immutable_data() -> None:
    c = Configuration(client_id="a", client_secret="s3cr3t-value")
    d = c.replace(client_id="b")
    assert (c.client_id, d.client_id, d.client_secret) == ("a", "b", "s3cr3t-value")
    with pytest.raises(AttributeError):
        c.client_id = "z"  # type: ignore[misc]


def test_api_client_directly(server: ScriptedServer) -> None:
    from cashfree_pg.api.token_vault_api import TokenVaultApi

    server.default = Reply(200, SEED_INSTRUMENT)
    client = ApiClient(Configuration(host=server.url, client_id="direct", client_secret="s", api_version="2023-08-01"))
    TokenVaultApi(client).PGCustomerFetchInstrument(None, "c", "i")
    assert server.last.headers["x-api-version"] == "2023-08-01" and server.last.headers["x-client-id"] == "direct"
    client.close()
    assert ApiClient().configuration.host == "https://sandbox.cashfree.com/pg"


def test_proxy_is_used(server: ScriptedServer) -> None:
    # The scripted server answers absolute-form requests too, so it can stand in for a proxy.
    server.default = Reply(200, SEED_INSTRUMENT)
    client = Cashfree(
        XClientId="a", XClientSecret="b", base_url="http://cashfree.invalid/pg", proxy=server.url.rsplit("/pg", 1)[0]
    )
    client.PGCustomerFetchInstrument("2022-09-01", "c", "i")
    assert server.last.path == "http://cashfree.invalid/pg/customers/c/instruments/i"


def test_configuration_and_policy_copy_and_pickle() -> None:
    import copy
    import pickle

    from cashfree_pg import RetryPolicy

    policy = RetryPolicy(max_retries=4, retry_statuses={503})
    config = Configuration(client_id="a", client_secret="s", retry=policy)
    for value in (policy, config):
        assert copy.copy(value) == value and copy.deepcopy(value) == value
        assert pickle.loads(pickle.dumps(value)) == value
    assert hash(pickle.loads(pickle.dumps(policy))) == hash(policy)


@pytest.mark.parametrize(
    "kwargs",
    [{"backoff_initial": "1"}, {"retry_after_max": -1}, {"backoff_max": None}, {"jitter": 1.5}, {"max_retries": True}],
)
def test_retry_policy_rejects_bad_values(kwargs: dict) -> None:  # type: ignore[type-arg]
    from cashfree_pg import RetryPolicy

    with pytest.raises(ApiValueError):
        RetryPolicy(**kwargs)


def test_empty_class_api_version_means_the_default(server: ScriptedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    server.default = Reply(200, SEED_INSTRUMENT)
    monkeypatch.setattr(Cashfree, "XApiVersion", "")
    Cashfree(XClientId="a", XClientSecret="b", base_url=server.url).PGCustomerFetchInstrument(None, "c", "i")
    assert server.last.headers["x-api-version"] == "2022-09-01"
