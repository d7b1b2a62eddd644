"""Cashfree Token Vault SDK: list, fetch and delete a customer's saved cards, and fetch a
one-time cryptogram to pay with one.

    from cashfree_pg import Cashfree
    Cashfree.XClientId, Cashfree.XClientSecret = "...", "..."
    response = Cashfree().PGCustomerFetchInstruments(x_api_version="2022-09-01",
                                                     customer_id="c1", instrument_type="card")

Names are loaded on first use, so that importing a submodule (the pytest plugin, the command
line) does not pay for the whole client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cashfree_pg._version import __version__

_EXCEPTIONS = (
    "ApiAttributeError",
    "ApiConnectionError",
    "ApiDecodeError",
    "ApiException",
    "ApiKeyError",
    "ApiResponseTooLargeError",
    "ApiTimeoutError",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestException",
    "ConflictException",
    "ForbiddenException",
    "NotFoundException",
    "OpenApiException",
    "RateLimitException",
    "ServiceException",
    "UnauthorizedException",
    "UnprocessableEntityException",
    "WebhookSignatureError",
)
_MODELS = (
    "ApiError",
    "ApiError404",
    "ApiError409",
    "ApiError502",
    "AuthenticationError",
    "BadRequestError",
    "CardNetwork",
    "CardTokenDetails",
    "CardType",
    "CryptogramEntity",
    "IdempotencyError",
    "InstrumentEntity",
    "InstrumentStatus",
    "InstrumentType",
    "InstrumentWebhook",
    "InstrumentWebhookData",
    "InstrumentWebhookDataEntity",
    "RateLimitError",
    "SavedInstrumentMeta",
)
_WHERE = {
    "ApiClient": "api_client",
    "AsyncCashfree": "_async_client",
    "Cashfree": "_facade",
    "CFEnvironment": "_facade",
    "ApiResponse": "api_response",
    "AttemptEvent": "_core",
    "RateLimit": "api_response",
    "Timeouts": "policy",
    "Configuration": "configuration",
    "RetryPolicy": "policy",
    "TokenVaultApi": "api.token_vault_api",
    **dict.fromkeys(_EXCEPTIONS, "exceptions"),
    **dict.fromkeys(_MODELS, "models"),
}

__all__ = ["__version__", *sorted(_WHERE)]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'cashfree_pg' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"cashfree_pg.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from cashfree_pg._async_client import AsyncCashfree as AsyncCashfree
    from cashfree_pg._core import AttemptEvent as AttemptEvent
    from cashfree_pg._facade import Cashfree as Cashfree, CFEnvironment as CFEnvironment
    from cashfree_pg.api.token_vault_api import TokenVaultApi as TokenVaultApi
    from cashfree_pg.api_client import ApiClient as ApiClient
    from cashfree_pg.api_response import ApiResponse as ApiResponse, RateLimit as RateLimit
    from cashfree_pg.configuration import Configuration as Configuration
    from cashfree_pg.exceptions import (
        ApiAttributeError as ApiAttributeError,
        ApiConnectionError as ApiConnectionError,
        ApiDecodeError as ApiDecodeError,
        ApiException as ApiException,
        ApiKeyError as ApiKeyError,
        ApiResponseTooLargeError as ApiResponseTooLargeError,
        ApiTimeoutError as ApiTimeoutError,
        ApiTypeError as ApiTypeError,
        ApiValueError as ApiValueError,
        BadRequestException as BadRequestException,
        ConflictException as ConflictException,
        ForbiddenException as ForbiddenException,
        NotFoundException as NotFoundException,
        OpenApiException as OpenApiException,
        RateLimitException as RateLimitException,
        ServiceException as ServiceException,
        UnauthorizedException as UnauthorizedException,
        UnprocessableEntityException as UnprocessableEntityException,
        WebhookSignatureError as WebhookSignatureError,
    )
    from cashfree_pg.models import (
        ApiError as ApiError,
        ApiError404 as ApiError404,
        ApiError409 as ApiError409,
        ApiError502 as ApiError502,
        AuthenticationError as AuthenticationError,
        BadRequestError as BadRequestError,
        CardNetwork as CardNetwork,
        CardTokenDetails as CardTokenDetails,
        CardType as CardType,
        CryptogramEntity as CryptogramEntity,
        IdempotencyError as IdempotencyError,
        InstrumentEntity as InstrumentEntity,
        InstrumentStatus as InstrumentStatus,
        InstrumentType as InstrumentType,
        InstrumentWebhook as InstrumentWebhook,
        InstrumentWebhookData as InstrumentWebhookData,
        InstrumentWebhookDataEntity as InstrumentWebhookDataEntity,
        RateLimitError as RateLimitError,
        SavedInstrumentMeta as SavedInstrumentMeta,
    )
    from cashfree_pg.policy import RetryPolicy as RetryPolicy, Timeouts as Timeouts
