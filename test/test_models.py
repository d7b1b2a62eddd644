"""Forward compatibility: new enum values and unknown fields survive; dates parse; dict access works."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict

from cashfree_pg.models import (
    CardNetwork,
    CardTokenDetails,
    CryptogramEntity,
    InstrumentEntity,
    InstrumentStatus,
    InstrumentType,
)
from test.conftest import make_client
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT, Reply, ScriptedServer

NEWER: Dict[str, Any] = {
    **SEED_INSTRUMENT,
    "instrument_status": "SUSPENDED_BY_NETWORK",
    "instrument_type": "upi_handle",
    "created_at": "2024-10-10T10:16:18.000+00:00",
    "instrument_tags": ["checkout"],
    "instrument_meta": {
        "card_network": "unionpay",
        "card_type": "charge_card",
        "card_sub_type": "R",
        "card_issuer_score": {"tier": 2, "notes": None},
        "card_token_details": {"par": "P1", "expiry_month": "01", "expiry_year": "31", "token_ref": "tr_1"},
    },
}


def test_unknown_enum_values_and_fields_come_through_the_client(server: ScriptedServer) -> None:
    server.reply(Reply(200, [NEWER]))
    entity = make_client(server).PGCustomerFetchInstruments("2025-01-01", "c1", "card").data[0]
    assert entity.instrument_status == "SUSPENDED_BY_NETWORK" and entity.instrument_type == "upi_handle"
    assert entity.instrument_meta is not None and entity.instrument_meta.card_network == "unionpay"
    # Nothing the server sent is lost, nested objects included.
    assert entity.to_dict() == NEWER
    assert json.loads(entity.to_json()) == NEWER
    assert entity.model_extra == {"instrument_tags": ["checkout"]}


def test_nulls_round_trip_and_defaults_are_not_invented() -> None:
    body = {"instrument_id": "i1", "instrument_meta": {"card_network": "visa", "card_token_details": None}}
    entity = InstrumentEntity.model_validate_json(json.dumps(body))
    assert entity.to_dict() == body
    assert entity.instrument_meta is not None and entity.instrument_meta.card_token_details is None


def test_known_values_are_offered_as_constants() -> None:
    entity = InstrumentEntity.model_validate(SEED_INSTRUMENT)
    assert entity.instrument_status == InstrumentStatus.ACTIVE
    assert entity.instrument_type == InstrumentType.CARD
    assert CardNetwork.VISA == "visa"
    assert type(entity.instrument_status) is str  # plain strings, never a closed enum


def test_created_at_datetime_both_formats() -> None:
    seed = InstrumentEntity.model_validate(SEED_INSTRUMENT)
    assert seed.created_at == "2021-11-11 16:57:57"
    assert seed.created_at_datetime == datetime(2021, 11, 11, 16, 57, 57)
    iso = InstrumentEntity.model_validate(NEWER).created_at_datetime
    assert iso == datetime(2024, 10, 10, 10, 16, 18, tzinfo=timezone.utc)
    ist = InstrumentEntity(created_at="2022-04-14T10:42:59+05:30").created_at_datetime
    assert ist is not None and ist.utcoffset() == timedelta(hours=5, minutes=30)
    assert InstrumentEntity().created_at_datetime is None
    assert InstrumentEntity(created_at="not a date").created_at_datetime is None


def test_card_token_details_answers_like_the_old_dict() -> None:
    details = CardTokenDetails.model_validate({"par": "somepar", "expiry_month": "12", "expiry_year": "23", "x": 1})
    assert details.par == details["par"] == details.get("par") == "somepar"
    assert details["x"] == 1 and "x" in details and "nope" not in details
    assert details.get("nope") is None and details.get("nope", "d") == "d"
    assert list(details.keys()) == ["par", "expiry_month", "expiry_year", "x"]
    try:
        details["nope"]
        raise AssertionError("expected KeyError")
    except KeyError:
        pass
    assert CardTokenDetails()["par"] is None  # a known field that was not sent reads as None


def test_cryptogram_repr_str_and_to_str_mask_card_data() -> None:
    entity = CryptogramEntity.model_validate(SEED_CRYPTOGRAM)
    for text in (repr(entity), str(entity), entity.to_str(), repr([entity])):
        assert SEED_CRYPTOGRAM["card_number"] not in text and SEED_CRYPTOGRAM["cryptogram"] not in text
        assert "1472" in text  # the last four of the token stay visible
    assert entity.cryptogram == SEED_CRYPTOGRAM["cryptogram"]
    assert entity.to_dict()["card_number"] == SEED_CRYPTOGRAM["card_number"]
