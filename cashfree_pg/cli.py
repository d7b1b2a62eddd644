"""The command line, ``python -m cashfree_pg`` (or ``cashfree-pg``):

- ``demo``: the documented Token Vault calls, run against a local mock; no network, no keys.
- ``mock-server``: serve the mock until interrupted, for tests in other languages and curl.
- ``instruments list|show|delete``: a customer's saved cards, for operations staff.
- ``erase``: delete every saved card of many customers, with an audit log (see docs/Erasure.md).

Credentials come from the environment only (``CASHFREE_CLIENT_ID``, ``CASHFREE_CLIENT_SECRET``),
never from an argument that would land in shell history. No command prints a cryptogram.

Here are the parser and ``main``; the commands are in ``_cli_mock`` (demo, mock-server),
``_cli_instruments`` and ``_cli_erase``, and what they share in ``_cli_common``. The SDK is
imported inside the commands so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any, Optional, Sequence

from cashfree_pg._cli_common import API_VERSION as API_VERSION, _CliError, _prog
from cashfree_pg._cli_erase import _erase
from cashfree_pg._cli_instruments import _instruments_delete, _instruments_list, _instruments_show
from cashfree_pg._cli_mock import _demo, _mock_server

_DESCRIPTION = (
    "Cashfree Token Vault SDK: try the API against a local mock, serve the mock for tests, "
    "or look after customers' saved cards (instruments, erase)."
)
_DEMO_HELP = (
    "Run the four Token Vault operations of the documentation (fetch all, fetch one, cryptogram, "
    "delete) through the public Cashfree API against a local mock holding the documented sample "
    "card, and print what a merchant sees (card data masked). Needs no network, credentials or "
    "environment variables."
)
_SERVER_HELP = (
    "Serve the Token Vault mock over HTTP on a loopback address until interrupted (Ctrl-C), and "
    "print its URL and test credentials. Without --seed it holds the documented sample card."
)
_SEED_HELP = (
    "JSON file of instruments to save at start: a list of instrument objects, or "
    '{"instruments": [...]}. Each object needs "customer_id"; every other field has a default; '
    'an optional "network_token" object sets the card_number etc. of its cryptograms.'
)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535 (0: any free port), got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    from cashfree_pg._version import __version__

    parser = argparse.ArgumentParser(prog=_prog(), description=_DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"cashfree_pg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser("demo", help="run the documented calls against a local mock", description=_DEMO_HELP)
    demo.set_defaults(run=_demo)
    server = commands.add_parser(
        "mock-server", help="serve the mock for tests in any language", description=_SERVER_HELP
    )
    server.add_argument(
        "--host",
        default="127.0.0.1",
        help="loopback address to listen on: 127.0.0.1, ::1 or localhost (default: %(default)s)",
    )
    server.add_argument(
        "--port", type=_port, default=8080, help="port to listen on; 0 picks a free one (default: %(default)s)"
    )
    server.add_argument("--seed", metavar="FILE.json", help=_SEED_HELP)
    server.set_defaults(run=_mock_server)
    _add_operations(commands)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except _CliError as exc:
        where = " ".join(filter(None, (parser.prog, args.command, getattr(args, "action", None))))
        print(f"{where}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the output was piped to a command that has exited (`| head`)
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


_INSTRUMENTS_HELP = (
    "List, show or delete a customer's saved cards. Credentials come from the environment "
    "(CASHFREE_CLIENT_ID, CASHFREE_CLIENT_SECRET; CASHFREE_ENVIRONMENT, CASHFREE_BASE_URL), never "
    "from the command line. Only the service's masked card display is ever printed."
)
_ERASE_HELP = (
    "Delete every saved card of each customer (consent withdrawn, account closed), verify that "
    "none is left active, and append a receipt per card and a summary per customer to the audit "
    "log. Exit status: 0 every customer complete and verified, 1 some failed (listed), 2 usage "
    "error, 130 interrupted (Ctrl-C finishes the deletes in flight; rerun with --resume). "
    "Credentials come from the environment, as for `instruments`."
)
_FROM_HELP = "read customer ids from FILE ('-': standard input): one per line, or a CSV with a customer_id column"
_MAX_CONCURRENCY = 64


def _concurrency(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= _MAX_CONCURRENCY:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {_MAX_CONCURRENCY}, got {text!r}")
    return value


def _add_operations(commands: Any) -> None:
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument(
        "--environment",
        choices=("sandbox", "production"),
        help="Cashfree environment (default: CASHFREE_ENVIRONMENT, else sandbox)",
    )
    connection.add_argument("--base-url", metavar="URL", help="service URL (default: CASHFREE_BASE_URL)")
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument("--json", action="store_true", help="print JSON instead of text")
    confirm = argparse.ArgumentParser(add_help=False)
    confirm.add_argument("--yes", action="store_true", help="do not ask for confirmation in production")

    instruments = commands.add_parser(
        "instruments", help="list, show or delete a customer's saved cards", description=_INSTRUMENTS_HELP
    )
    actions = instruments.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list", parents=[connection, as_json], help="a customer's saved cards", description=_INSTRUMENTS_HELP
    )
    listing.add_argument("customer", metavar="CUSTOMER")
    listing.set_defaults(run=_instruments_list)
    show = actions.add_parser(
        "show", parents=[connection, as_json], help="one saved card", description=_INSTRUMENTS_HELP
    )
    show.add_argument("customer", metavar="CUSTOMER")
    show.add_argument("instrument", metavar="INSTRUMENT")
    show.set_defaults(run=_instruments_show)
    delete = actions.add_parser(
        "delete", parents=[connection, as_json, confirm], help="delete one saved card", description=_INSTRUMENTS_HELP
    )
    delete.add_argument("customer", metavar="CUSTOMER")
    delete.add_argument("instrument", metavar="INSTRUMENT")
    delete.set_defaults(run=_instruments_delete)

    erase = commands.add_parser(
        "erase",
        parents=[connection, as_json, confirm],
        help="delete every saved card of many customers, with an audit log",
        description=_ERASE_HELP,
    )
    erase.add_argument("customers", metavar="CUSTOMER", nargs="*", help="customer ids (or use --from)")
    erase.add_argument("--from", dest="source", metavar="FILE", help=_FROM_HELP)
    erase.add_argument(
        "--audit-log", metavar="FILE", help="JSON-lines file to append receipts to (required unless --dry-run)"
    )
    erase.add_argument("--dry-run", action="store_true", help="list what would be deleted; change nothing")
    erase.add_argument("--resume", action="store_true", help="skip customers the audit log shows verified")
    erase.add_argument(
        "--concurrency", type=_concurrency, default=4, metavar="N", help="customers at a time (default: %(default)s)"
    )
    erase.add_argument(
        "--progress", action="store_true", help="show progress on standard error even when it is not a terminal"
    )
    erase.set_defaults(run=_erase)
