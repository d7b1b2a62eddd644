"""The floor: what a careful developer would write by hand instead of using an SDK.

One ``urllib3.PoolManager`` for the life of the client, the same headers the SDK sends (with a
fresh ``x-request-id`` per call), a status check, and validation of the same bytes by pydantic v2
models that do the same work as the SDK's: typed token details, every field an optional string,
unknown fields kept (``extra="allow"``). Nothing here is tuned beyond what such a developer would
plausibly write; it is the reference each SDK is measured against.
"""

from __future__ import annotations

import uuid
from typing import List, Optional
from urllib.parse import quote

import urllib3
from pydantic import BaseModel, ConfigDict, TypeAdapter


class CardTokenDetails(BaseModel):
    model_config = ConfigDict(extra="allow")

    par: Optional[str] = None
    expiry_month: Optional[str] = None
    expiry_year: Optional[str] = None


class SavedInstrumentMeta(BaseModel):
    model_config = ConfigDict(extra="allow")

    card_network: Optional[str] = None
    card_bank_name: Optional[str] = None
    card_country: Optional[str] = None
    card_type: Optional[str] = None
    card_sub_type: Optional[str] = None
    card_token_details: Optional[CardTokenDetails] = None


class InstrumentEntity(BaseModel):
    model_config = ConfigDict(extra="allow")

    customer_id: Optional[str] = None
    afa_reference: Optional[str] = None
    instrument_id: Optional[str] = None
    instrument_type: Optional[str] = None
    instrument_uid: Optional[str] = None
    instrument_display: Optional[str] = None
    instrument_status: Optional[str] = None
    created_at: Optional[str] = None
    instrument_meta: Optional[SavedInstrumentMeta] = None


INSTRUMENT_LIST = TypeAdapter(List[InstrumentEntity])
TIMEOUT = urllib3.Timeout(connect=5.0, read=20.0)


class FloorClient:
    def __init__(self, base_url: str, client_id: str, client_secret: str, api_version: str = "2022-09-01") -> None:
        self.base_url = base_url.rstrip("/")
        self.pool = urllib3.PoolManager()
        self.headers = {
            "accept": "application/json",
            "user-agent": "merchant-app/1.0",
            "x-client-id": client_id,
            "x-client-secret": client_secret,
            "x-api-version": api_version,
        }

    def _get(self, path: str) -> bytes:
        headers = self.headers.copy()
        headers["x-request-id"] = str(uuid.uuid4())
        resp = self.pool.request("GET", self.base_url + path, headers=headers, timeout=TIMEOUT)
        if not 200 <= resp.status < 300:
            raise RuntimeError(f"GET {path}: HTTP {resp.status}: {resp.data[:200]!r}")
        return resp.data

    def fetch_instrument(self, customer_id: str, instrument_id: str) -> InstrumentEntity:
        path = f"/customers/{quote(customer_id, safe='')}/instruments/{quote(instrument_id, safe='')}"
        return InstrumentEntity.model_validate_json(self._get(path))

    def fetch_instruments(self, customer_id: str, instrument_type: str) -> List[InstrumentEntity]:
        path = f"/customers/{quote(customer_id, safe='')}/instruments?instrument_type={quote(instrument_type, safe='')}"
        return INSTRUMENT_LIST.validate_json(self._get(path))
