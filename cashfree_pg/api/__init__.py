"""API classes: one per group of endpoints."""

from cashfree_pg.api.token_vault_api import TokenVaultApi

__all__ = ["TokenVaultApi"]
