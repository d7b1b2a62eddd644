"""Which operation a request is for, read from the SDK's own table of operations.

The fake service matches request paths against the same ``Operation`` objects the SDK builds
its requests from, so the two cannot drift apart: a new operation in the table is routed here
(and answered 404 by the service until it knows what to do with it).
"""

from __future__ import annotations

import re
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import unquote

from cashfree_pg.api.token_vault_api import (
    DELETE_INSTRUMENT,
    FETCH_CRYPTOGRAM,
    FETCH_INSTRUMENT,
    FETCH_INSTRUMENTS,
)
from cashfree_pg.operation import Operation

__all__ = [
    "DELETE_INSTRUMENT",
    "FETCH_CRYPTOGRAM",
    "FETCH_INSTRUMENT",
    "FETCH_INSTRUMENTS",
    "OPERATIONS",
    "PREFIX",
    "Match",
    "Route",
    "Router",
]

#: Every operation the fake service serves, from the SDK's table.
OPERATIONS: Tuple[Operation, ...] = (FETCH_INSTRUMENTS, FETCH_INSTRUMENT, DELETE_INSTRUMENT, FETCH_CRYPTOGRAM)

#: The base path of the API (``https://api.cashfree.com/pg``).
PREFIX = "/pg"

_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")


class Route(NamedTuple):
    """A request matched to an operation: its path parameters (percent-decoded) and the names
    of its query parameters (the ``params`` the path does not hold)."""

    operation: Operation
    path_params: Dict[str, str]
    query_params: Tuple[str, ...]


class Match(NamedTuple):
    """What the path says: the route for the method, or else the methods the path allows
    (empty when no operation has this path)."""

    route: Optional[Route]
    allowed: Tuple[str, ...]


def _segments(template: str) -> List[Tuple[bool, str]]:
    """``(is_parameter, name_or_literal)`` for each segment of a path template."""
    out = []
    for part in template.strip("/").split("/"):
        m = _PLACEHOLDER.match(part)
        out.append((True, m.group(1)) if m else (False, part))
    return out


class Router:
    """Matches a request path against the operations' path templates."""

    def __init__(self, operations: Sequence[Operation] = OPERATIONS, prefix: str = PREFIX) -> None:
        self._prefix = prefix.rstrip("/")
        self._table = [(op, _segments(op.path)) for op in operations]

    def match(self, method: str, path: str) -> Match:
        """The operation ``method`` and ``path`` (as sent, without the query) ask for."""
        if not path.startswith(self._prefix + "/"):
            return Match(None, ())
        parts = path[len(self._prefix) + 1 :].split("/")
        allowed: List[str] = []
        for op, template in self._table:
            params = _bind(template, parts)
            if params is None:
                continue
            if op.method == method:
                in_path = set(params)
                return Match(Route(op, params, tuple(p for p in op.params if p not in in_path)), ())
            if op.method not in allowed:
                allowed.append(op.method)
        return Match(None, tuple(sorted(allowed)))


def _bind(template: List[Tuple[bool, str]], parts: List[str]) -> Optional[Dict[str, str]]:
    if len(parts) != len(template):
        return None
    params: Dict[str, str] = {}
    for (is_param, name), part in zip(template, parts):
        if is_param:
            if not part:
                return None
            params[name] = unquote(part)
        elif part != name:
            return None
    return params
