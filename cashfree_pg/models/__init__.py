"""The response and error models. Each is imported on first use, so that importing the SDK
costs only what the first call needs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES = {
    "CashfreeModel": "_base",
    "CardTokenDetails": "card_token_details",
    "SavedInstrumentMeta": "saved_instrument_meta",
    "CardNetwork": "enums",
    "CardType": "enums",
    "InstrumentEntity": "instrument_entity",
    "InstrumentStatus": "enums",
    "InstrumentType": "enums",
    "CryptogramEntity": "cryptogram_entity",
    "ApiError": "api_error",
    "BadRequestError": "bad_request_error",
    "AuthenticationError": "authentication_error",
    "ApiError404": "api_error404",
    "ApiError409": "api_error409",
    "IdempotencyError": "idempotency_error",
    "RateLimitError": "rate_limit_error",
    "ApiError502": "api_error502",
    "InstrumentWebhook": "instrument_webhook",
    "InstrumentWebhookData": "instrument_webhook_data",
    "InstrumentWebhookDataEntity": "instrument_webhook_data_entity",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'cashfree_pg.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"cashfree_pg.models.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from cashfree_pg.models._base import CashfreeModel as CashfreeModel
    from cashfree_pg.models.api_error import ApiError as ApiError
    from cashfree_pg.models.api_error404 import ApiError404 as ApiError404
    from cashfree_pg.models.api_error409 import ApiError409 as ApiError409
    from cashfree_pg.models.api_error502 import ApiError502 as ApiError502
    from cashfree_pg.models.authentication_error import AuthenticationError as AuthenticationError
    from cashfree_pg.models.bad_request_error import BadRequestError as BadRequestError
    from cashfree_pg.models.card_token_details import CardTokenDetails as CardTokenDetails
    from cashfree_pg.models.cryptogram_entity import CryptogramEntity as CryptogramEntity
    from cashfree_pg.models.enums import (
        CardNetwork as CardNetwork,
        CardType as CardType,
        InstrumentStatus as InstrumentStatus,
        InstrumentType as InstrumentType,
    )
    from cashfree_pg.models.idempotency_error import IdempotencyError as IdempotencyError
    from cashfree_pg.models.instrument_entity import InstrumentEntity as InstrumentEntity
    from cashfree_pg.models.instrument_webhook import InstrumentWebhook as InstrumentWebhook
    from cashfree_pg.models.instrument_webhook_data import InstrumentWebhookData as InstrumentWebhookData
    from cashfree_pg.models.instrument_webhook_data_entity import (
        InstrumentWebhookDataEntity as InstrumentWebhookDataEntity,
    )
    from cashfree_pg.models.rate_limit_error import RateLimitError as RateLimitError
    from cashfree_pg.models.saved_instrument_meta import SavedInstrumentMeta as SavedInstrumentMeta
