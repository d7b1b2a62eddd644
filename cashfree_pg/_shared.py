"""One ``ApiClient`` per distinct configuration, so that code which builds ``Cashfree()`` for
every call, as the official SDK's examples do, still reuses keep-alive connections."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import Tuple

from cashfree_pg.api_client import ApiClient
from cashfree_pg.configuration import Configuration

_SHARED_MAX = 16
_clients: OrderedDict[Configuration, ApiClient] = OrderedDict()
_lock = threading.Lock()


def _after_fork_in_child() -> None:
    # A lock held by another thread of the parent at fork time stays locked in the child.
    global _lock
    _lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def shared_client(configuration: Configuration) -> Tuple[ApiClient, bool]:
    """The client for ``configuration`` (and whether it was just built). Keys are immutable
    configurations; different credentials always get different clients."""
    with _lock:
        client = _clients.get(configuration)
        if client is not None:
            _clients.move_to_end(configuration)
            return client, False
        client = _clients[configuration] = ApiClient(configuration)
        if len(_clients) > _SHARED_MAX:
            _clients.popitem(last=False)
        return client, True


def default_client() -> ApiClient:
    """The client ``Cashfree()`` would build now: for ``TokenVaultApi()`` without a client.
    The facade is looked up by name, so that this module never imports it."""
    import importlib

    facade = importlib.import_module("cashfree_pg._facade")
    return facade.Cashfree().api_client  # type: ignore[no-any-return]
