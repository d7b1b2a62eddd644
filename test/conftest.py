from __future__ import annotations

from typing import Any, Iterator

import pytest

from cashfree_pg import Cashfree, RetryPolicy
from test.scripted_server import Reply, ScriptedServer

# Small waits so the retry tests run in milliseconds, not the default seconds.
FAST_RETRY = RetryPolicy(max_retries=2, backoff_initial=0.01, backoff_max=0.02)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    s = ScriptedServer().start()
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts with no Cashfree class attributes or environment variables set."""
    for name in ("CASHFREE_CLIENT_ID", "CASHFREE_CLIENT_SECRET", "CASHFREE_ENVIRONMENT", "CASHFREE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for attr in ("XClientId", "XClientSecret", "XEnvironment", "XPartnerKey", "XPartnerMerchantId", "XClientSignature"):
        monkeypatch.setattr(Cashfree, attr, None)
    monkeypatch.setattr(Cashfree, "XApiVersion", "2022-09-01")
    yield


def make_client(server: ScriptedServer, **kwargs: Any) -> Cashfree:
    kwargs.setdefault("retry_policy", FAST_RETRY)
    return Cashfree(XClientId="test_id", XClientSecret="test_secret", base_url=server.url, **kwargs)


__all__ = ["FAST_RETRY", "Reply", "make_client"]
