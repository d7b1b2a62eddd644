"""Cashfree Token Vault SDK: list, fetch and delete a customer's saved cards, and fetch a
one-time cryptogram to pay with one.

    from cashfree_pg import Cashfree
    Cashfree.XClientId, Cashfree.XClientSecret = "...", "..."
    response = Cashfree().PGCustomerFetchInstruments(x_api_version="2022-09-01",
                                                     customer_id="c1", instrument_type="card")
"""

from typing import TYPE_CHECKING

from cashfree_pg._version import __version__
from cashfree_pg.api.token_vault_api import TokenVaultApi
from cashfree_pg.api_client import ApiClient, Cashfree
from cashfree_pg.api_response import ApiResponse
from cashfree_pg.configuration import Configuration
from cashfree_pg.exceptions import (
    ApiAttributeError,
    ApiConnectionError,
    ApiDecodeError,
    ApiException,
    ApiKeyError,
    ApiTimeoutError,
    ApiTypeError,
    ApiValueError,
    BadRequestException,
    ConflictException,
    ForbiddenException,
    NotFoundException,
    OpenApiException,
    RateLimitException,
    ServiceException,
    UnauthorizedException,
    UnprocessableEntityException,
    WebhookSignatureError,
)
from cashfree_pg.policy import RetryPolicy

__all__ = [
    "ApiAttributeError",
    "ApiClient",
    "ApiConnectionError",
    "ApiDecodeError",
    "ApiException",
    "ApiKeyError",
    "ApiResponse",
    "ApiTimeoutError",
    "ApiTypeError",
    "ApiValueError",
    "BadRequestException",
    "Cashfree",
    "Configuration",
    "ConflictException",
    "ForbiddenException",
    "NotFoundException",
    "OpenApiException",
    "RateLimitException",
    "RetryPolicy",
    "ServiceException",
    "TokenVaultApi",
    "UnauthorizedException",
    "UnprocessableEntityException",
    "WebhookSignatureError",
    "__version__",
]


def __getattr__(name: str) -> object:
    # Models are importable from the top as in the official SDK, loaded on first use.
    import importlib

    try:
        return getattr(importlib.import_module("cashfree_pg.models"), name)
    except AttributeError:
        raise AttributeError(f"module 'cashfree_pg' has no attribute {name!r}") from None


if TYPE_CHECKING:
    from cashfree_pg.models import (
        ApiError as ApiError,
    )
    from cashfree_pg.models import (
        ApiError404 as ApiError404,
    )
    from cashfree_pg.models import (
        ApiError409 as ApiError409,
    )
    from cashfree_pg.models import (
        ApiError502 as ApiError502,
    )
    from cashfree_pg.models import (
        AuthenticationError as AuthenticationError,
    )
    from cashfree_pg.models import (
        BadRequestError as BadRequestError,
    )
    from cashfree_pg.models import (
        CardNetwork as CardNetwork,
    )
    from cashfree_pg.models import (
        CardTokenDetails as CardTokenDetails,
    )
    from cashfree_pg.models import (
        CardType as CardType,
    )
    from cashfree_pg.models import (
        CryptogramEntity as CryptogramEntity,
    )
    from cashfree_pg.models import (
        IdempotencyError as IdempotencyError,
    )
    from cashfree_pg.models import (
        InstrumentEntity as InstrumentEntity,
    )
    from cashfree_pg.models import (
        InstrumentStatus as InstrumentStatus,
    )
    from cashfree_pg.models import (
        InstrumentType as InstrumentType,
    )
    from cashfree_pg.models import (
        RateLimitError as RateLimitError,
    )
    from cashfree_pg.models import (
        SavedInstrumentMeta as SavedInstrumentMeta,
    )
