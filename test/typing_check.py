"""The public API as a merchant's type checker sees it. Not a test module: CI runs
``mypy --strict test/typing_check.py``, which fails if any of these types regress."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional

from typing_extensions import assert_type

from cashfree_pg import (
    ApiException,
    ApiResponse,
    AsyncCashfree,
    AttemptEvent,
    Cashfree,
    CryptogramEntity,
    InstrumentEntity,
    RateLimit,
)
from cashfree_pg.api.token_vault_api import TokenVaultApi
from cashfree_pg.api_client import AsyncCashfree as OfficialPathAsync, Cashfree as OfficialPathCashfree
from cashfree_pg.models.card_token_details import CardTokenDetails
from cashfree_pg.testing import MockCashfree, MockInstrument
from cashfree_pg.webhooks import AnyWebhookEvent, PGWebhookEvent, construct_event


def operations(cf: Cashfree, api: TokenVaultApi) -> None:
    listed = cf.PGCustomerFetchInstruments("2022-09-01", "c", "card")
    assert_type(listed, ApiResponse[List[InstrumentEntity]])
    assert_type(listed.data, List[InstrumentEntity])
    assert_type(cf.PGCustomerFetchInstrument(customer_id="c", instrument_id="i").data, InstrumentEntity)
    assert_type(cf.PGCustomerDeleteInstrument(None, "c", "i").data, InstrumentEntity)
    assert_type(cf.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i").data, CryptogramEntity)
    assert_type(api.PGCustomerFetchInstruments("2022-09-01", "c", "card").data, List[InstrumentEntity])
    entity = listed.data[0]
    assert_type(entity.created_at_datetime, Optional[datetime])
    if entity.instrument_meta is not None:
        assert_type(entity.instrument_meta.card_token_details, Optional[CardTokenDetails])
    assert_type(listed.raw_data, str)
    assert_type(listed.raw_bytes, bytes)
    assert_type(listed.attempts, int)
    assert_type(listed.rate_limit.remaining, Optional[int])


def resource(cf: Cashfree) -> None:
    assert_type(cf.instruments.list("c"), List[InstrumentEntity])
    assert_type(cf.instruments.retrieve("c", "i"), InstrumentEntity)
    assert_type(cf.instruments.delete("c", "i", idempotency_key="k"), InstrumentEntity)
    assert_type(cf.instruments.cryptogram("c", "i"), CryptogramEntity)
    assert_type(cf.instruments.with_response.list("c"), ApiResponse[List[InstrumentEntity]])
    assert_type(cf.instruments.with_response.cryptogram("c", "i"), ApiResponse[CryptogramEntity])
    assert_type(cf.with_options(max_retries=0, call_timeout=5), Cashfree)


async def async_client(acf: AsyncCashfree) -> None:
    # The same declarations as the sync client's, read as coroutines.
    listed = await acf.PGCustomerFetchInstruments("2022-09-01", "c", "card")
    assert_type(listed, ApiResponse[List[InstrumentEntity]])
    assert_type((await acf.PGCustomerFetchInstrument(customer_id="c", instrument_id="i")).data, InstrumentEntity)
    assert_type((await acf.PGCustomerDeleteInstrument(None, "c", "i")).data, InstrumentEntity)
    assert_type((await acf.PGCustomerInstrumentsFetchCryptogram("2022-09-01", "c", "i")).data, CryptogramEntity)
    assert_type(await acf.instruments.list("c", instrument_type="card"), List[InstrumentEntity])
    assert_type(await acf.instruments.retrieve("c", "i"), InstrumentEntity)
    assert_type(await acf.instruments.delete("c", "i", idempotency_key="k"), InstrumentEntity)
    assert_type(await acf.instruments.cryptogram("c", "i"), CryptogramEntity)
    assert_type(await acf.instruments.with_response.retrieve("c", "i"), ApiResponse[InstrumentEntity])
    assert_type(acf.with_options(max_retries=0), AsyncCashfree)
    async with AsyncCashfree(XClientId="id", XClientSecret="secret") as scoped:
        assert_type(scoped, AsyncCashfree)
    await acf.close()


def official_paths(cf: OfficialPathCashfree, acf: OfficialPathAsync) -> None:
    assert_type(cf, Cashfree)
    assert_type(acf, AsyncCashfree)


def hooks(event: AttemptEvent) -> None:
    assert_type(event.operation, str)
    assert_type(event.status, int)
    assert_type(event.error, Optional[str])
    assert_type(event.wait, Optional[float])
    assert_type(event.rate_limit, Optional[RateLimit])


def errors(exc: ApiException) -> None:
    assert_type(exc.status, int)
    assert_type(exc.code, Optional[str])
    assert_type(exc.request_id, Optional[str])


def webhooks(cf: Cashfree, body: bytes) -> None:
    assert_type(cf.PGVerifyWebhookSignature("sig", body.decode(), "1700000000"), PGWebhookEvent)
    assert_type(construct_event(body, "sig", "1700000000", "secret"), AnyWebhookEvent)


def testing() -> None:
    with MockCashfree() as mock:
        assert_type(mock.client(), Cashfree)
        card = mock.add_instrument("c")
        assert_type(card, MockInstrument)
        assert_type(card.instrument_id, str)
