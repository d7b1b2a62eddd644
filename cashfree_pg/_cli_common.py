"""What the command line's commands share: the usage error, the client the environment
describes, the production confirmation, and printing (always masked)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

API_VERSION = "2022-09-01"


class _CliError(Exception):
    """A bad argument: reported as one line on stderr, exit status 2."""


def _prog() -> str:
    if os.path.basename(sys.argv[0] or "") == "__main__.py":
        return "python -m cashfree_pg"
    return "cashfree-pg"


class _Connection:
    """The client the environment describes, and whether it is production."""

    def __init__(self, args: argparse.Namespace, concurrency: int = 1) -> None:
        from cashfree_pg import ApiValueError, Cashfree
        from cashfree_pg.configuration import PRODUCTION_URL

        missing = [n for n in ("CASHFREE_CLIENT_ID", "CASHFREE_CLIENT_SECRET") if not os.environ.get(n)]
        if missing:
            raise _CliError(
                f"set {' and '.join(missing)} in the environment (credentials are never taken from the command line)"
            )
        setting = args.environment or os.environ.get("CASHFREE_ENVIRONMENT") or ""
        try:
            self.client = Cashfree(
                XEnvironment=args.environment, base_url=args.base_url, pool_maxsize=max(10, concurrency)
            )
        except ApiValueError as exc:
            raise _CliError(str(exc)) from None
        configuration = self.client.configuration  # set: the credentials were checked above
        self.host = configuration.host if configuration is not None else ""
        # The environment setting decides, whatever the base URL (a proxy in front of production).
        self.production = setting.strip().lower() == "production" or PRODUCTION_URL in (setting, self.host)


def _confirm(connection: _Connection, args: argparse.Namespace, what: str) -> bool:
    """True to go on: not production, ``--yes``, or "yes" typed on the terminal (not standard
    input, which may carry the customer ids)."""
    if not connection.production or args.yes:
        return True
    try:
        fd = os.open("/dev/tty", os.O_RDWR | getattr(os, "O_NOCTTY", 0))
    except OSError:
        raise _CliError(
            f"this would {what} in PRODUCTION ({connection.host}); confirm on a terminal, or pass --yes"
        ) from None
    with open(fd, "r+b", buffering=0) as terminal:  # unbuffered: a terminal cannot seek
        terminal.write(f"This will {what} in PRODUCTION ({connection.host}).\nType yes to go on: ".encode())
        answer = terminal.readline().decode("utf-8", "replace")
    return answer.strip().lower() == "yes"


def _fail(args: argparse.Namespace, exc: BaseException) -> int:
    """One readable line for a failed call (the message carries the request id); status 1."""
    from cashfree_pg._redact import redact_text

    where = " ".join(filter(None, (_prog(), args.command, getattr(args, "action", None))))
    print(redact_text(f"{where}: error: {type(exc).__name__}: {_one_line(exc)}"), file=sys.stderr)
    return 1


def _one_line(exc: BaseException) -> str:
    """An exception in one line: str() of an ApiException has the official multi-line layout."""
    status = getattr(exc, "status", 0)
    if not status:
        return " ".join(str(exc).split())
    parts = [f"HTTP {status}", str(getattr(exc, "reason", "") or "")]
    for name in ("code", "message"):
        value = getattr(exc, name, None)
        if value:
            parts.append(f"{name}={value}")
    if getattr(exc, "request_id", None):
        parts.append(f"request_id={exc.request_id}")  # type: ignore[attr-defined]
    return " ".join(" ".join(parts).split())


def _print_json(data: Any) -> None:
    import json

    from cashfree_pg._redact import redact_text

    # Line by line: the masking also escapes control characters, newlines included.
    print("\n".join(redact_text(line) for line in json.dumps(data, indent=2, ensure_ascii=False).splitlines()))
