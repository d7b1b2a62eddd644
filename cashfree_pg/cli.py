"""The command line, ``python -m cashfree_pg`` (or ``cashfree-pg``):

- ``demo``: the documented Token Vault calls, run against a local mock; no network, no keys.
- ``mock-server``: serve the mock until interrupted, for tests in other languages and curl.
- ``instruments list|show|delete``: a customer's saved cards, for operations staff.
- ``erase``: delete every saved card of many customers, with an audit log (see docs/Erasure.md).

Credentials come from the environment only (``CASHFREE_CLIENT_ID``, ``CASHFREE_CLIENT_SECRET``),
never from an argument that would land in shell history. No command prints a cryptogram.

Imports are kept inside the commands so that ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional, Sequence

if TYPE_CHECKING:
    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.testing._mock import MockCashfree

API_VERSION = "2022-09-01"

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


class _CliError(Exception):
    """A bad argument: reported as one line on stderr, exit status 2."""


def _prog() -> str:
    if os.path.basename(sys.argv[0] or "") == "__main__.py":
        return "python -m cashfree_pg"
    return "cashfree-pg"


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


# -- demo -----------------------------------------------------------------------------------


def _demo(args: argparse.Namespace) -> int:
    from cashfree_pg import Cashfree, NotFoundException
    from cashfree_pg.testing._mock import MockCashfree
    from cashfree_pg.testing._sample import SAMPLE_CUSTOMER_ID, SAMPLE_INSTRUMENT_ID, sample_instrument

    customer_id, instrument_id = SAMPLE_CUSTOMER_ID, SAMPLE_INSTRUMENT_ID
    with MockCashfree(instruments=[sample_instrument()]) as mock:
        saved_attributes = (Cashfree.XClientId, Cashfree.XClientSecret)
        saved_base_url = os.environ.get("CASHFREE_BASE_URL")
        # Configured as a merchant would; the base URL sends the calls to the mock.
        Cashfree.XClientId, Cashfree.XClientSecret = mock.client_id, mock.client_secret
        os.environ["CASHFREE_BASE_URL"] = mock.url
        try:
            print("Cashfree Token Vault demo")
            print(f"A local mock at {mock.url} holds the sample card of the documentation.")
            print("Each call below is the documented example, run through the public Cashfree API;")
            print("what is printed is `api_response.data`, with card data masked.")
            # The documented order, but deleting last so that the other calls find the card.
            demo_calls = (
                ("PGCustomerFetchInstruments", "instrument_type", "card"),
                ("PGCustomerFetchInstrument", "instrument_id", instrument_id),
                ("PGCustomerInstrumentsFetchCryptogram", "instrument_id", instrument_id),
                ("PGCustomerDeleteInstrument", "instrument_id", instrument_id),
            )
            ok = True
            for name, last_param, value in demo_calls:
                kwargs = {"x_api_version": API_VERSION, "customer_id": customer_id, last_param: value}
                ok &= _step(name, kwargs, getattr(Cashfree(), name))

            print()
            print("== Errors are typed: PGCustomerFetchInstrument of the deleted card ==")
            print("try: Cashfree().PGCustomerFetchInstrument(...)  except NotFoundException as e: ...")
            try:
                Cashfree().PGCustomerFetchInstrument(
                    x_api_version=API_VERSION, customer_id=customer_id, instrument_id=instrument_id
                )
            except NotFoundException as e:
                print(f"NotFoundException: status={e.status} code={e.code} message={e.message!r}")
                print(f"request_id={e.request_id} (quote it to Cashfree support)")
            except Exception as e:
                print(f"unexpected {type(e).__name__}: {e}")
                ok = False
            else:
                print("unexpected: the deleted card was still found")
                ok = False
        finally:
            Cashfree.XClientId, Cashfree.XClientSecret = saved_attributes
            if saved_base_url is None:
                os.environ.pop("CASHFREE_BASE_URL", None)
            else:
                os.environ["CASHFREE_BASE_URL"] = saved_base_url
    print()
    print("Done: no network was used." if ok else "The demo did not go as expected (see above).")
    return 0 if ok else 1


def _step(name: str, kwargs: Dict[str, str], method: Callable[..., ApiResponse[Any]]) -> bool:
    shown = ", ".join(f'{key}="{value}"' for key, value in kwargs.items())
    print()
    print(f"== {name} ==")
    print(f">>> api_response = Cashfree().{name}({shown})")
    try:
        api_response = method(**kwargs)
        print(api_response.data)
    except Exception as e:
        print(e)
        return False
    return True


# -- mock-server ----------------------------------------------------------------------------


def _read_seed(path: str) -> List[Dict[str, Any]]:
    import json

    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except OSError as exc:
        raise _CliError(f"cannot read seed file {path!r}: {exc.strerror or exc}") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError
        raise _CliError(f"seed file {path!r} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and "instruments" in data:
        data = data["instruments"]
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise _CliError(
            f'seed file {path!r} must hold a list of instrument objects, or an object {{"instruments": [...]}}'
        )
    return data


def _mock_server(args: argparse.Namespace, stop: Optional[threading.Event] = None) -> int:
    """Serve until interrupted (or until ``stop`` is set: for tests in the same process)."""
    from cashfree_pg.testing._mock import MockCashfree
    from cashfree_pg.testing._sample import sample_instrument
    from cashfree_pg.testing._server import is_loopback, port_in_use

    if not is_loopback(args.host):
        raise _CliError(
            f"--host must be a loopback address (127.0.0.1, ::1 or localhost), not {args.host!r}: "
            "the mock accepts fixed test credentials and is never exposed to a network"
        )
    instruments = _read_seed(args.seed) if args.seed else [sample_instrument()]
    try:
        mock = MockCashfree(args.host, args.port, instruments=instruments)
    except (ValueError, TypeError) as exc:
        raise _CliError(f"seed file {args.seed!r}: {exc}" if args.seed else str(exc)) from None
    with _sigterm_as_interrupt():
        try:
            mock.start()
        except OSError as exc:
            if port_in_use(exc):
                raise _CliError(
                    f"port {args.port} on {args.host} is already in use; choose another with --port (0: any free port)"
                ) from None
            raise _CliError(f"cannot listen on {args.host} port {args.port}: {exc.strerror or exc}") from None
        try:
            _print_server(mock)
            stop = stop or threading.Event()
            while not stop.wait(0.5):  # a timed wait, so that Ctrl-C is seen on Windows too
                pass
        except KeyboardInterrupt:
            pass
        finally:
            mock.stop()
    print("Stopped.", flush=True)
    return 0


def _print_server(mock: MockCashfree) -> None:
    saved = mock.instruments()
    customers = sorted({str(i.customer_id) for i in saved})
    example = customers[0] if customers else "customer_1"
    shown = ", ".join(customers[:5]) + (", ..." if len(customers) > 5 else "")
    print("Cashfree Token Vault mock server: test credentials, loopback only, state kept in memory")
    print(f"url: {mock.url}")
    print(f"x-client-id: {mock.client_id}")
    print(f"x-client-secret: {mock.client_secret}")
    print(f"saved instruments: {len(saved)}" + (f" (customers: {shown})" if customers else ""))
    print("try:")
    print(
        f"  curl -s -H 'x-client-id: {mock.client_id}' -H 'x-client-secret: {mock.client_secret}' "
        f"-H 'x-api-version: {API_VERSION}' '{mock.url}/customers/{example}/instruments?instrument_type=card'"
    )
    print("Serving until interrupted (Ctrl-C).", flush=True)


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM (``kill``, ``docker stop``) stops the server as Ctrl-C does."""
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous: Any = None
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


# -- operations: instruments and erase ------------------------------------------------------

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


def _card_row(instrument: Any) -> Dict[str, str]:
    from cashfree_pg._redact import redact_text

    meta = instrument.instrument_meta
    return {
        "INSTRUMENT ID": str(instrument.instrument_id or ""),
        "DISPLAY": redact_text(str(instrument.instrument_display or "")),
        "NETWORK": str(meta.card_network or "") if meta else "",
        "TYPE": str(meta.card_type or "") if meta else "",
        "BANK": str(meta.card_bank_name or "") if meta else "",
        "STATUS": str(instrument.instrument_status or ""),
        "CREATED": str(instrument.created_at or ""),
    }


def _print_table(rows: List[Dict[str, str]]) -> None:
    columns = list(rows[0])
    widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in columns}
    for line in [dict(zip(columns, columns)), *rows]:
        print("  ".join(line[c].ljust(widths[c]) for c in columns).rstrip())


def _instruments_list(args: argparse.Namespace) -> int:
    from cashfree_pg import ApiException, ApiValueError

    connection = _Connection(args)
    try:
        listed = connection.client.PGCustomerFetchInstruments(customer_id=args.customer, instrument_type="card").data
    except ApiValueError as exc:
        raise _CliError(str(exc)) from None
    except ApiException as exc:
        return _fail(args, exc)
    if args.json:
        _print_json([i.to_dict() for i in listed])
    elif not listed:
        print(f"No saved cards for customer {args.customer}.")
    else:
        _print_table([_card_row(i) for i in listed])
    return 0


def _instruments_show(args: argparse.Namespace) -> int:
    from cashfree_pg import ApiException, ApiValueError

    connection = _Connection(args)
    try:
        instrument = connection.client.PGCustomerFetchInstrument(
            customer_id=args.customer, instrument_id=args.instrument
        ).data
    except ApiValueError as exc:
        raise _CliError(str(exc)) from None
    except ApiException as exc:
        return _fail(args, exc)
    if args.json:
        _print_json(instrument.to_dict())
    else:
        row = _card_row(instrument)
        row["CUSTOMER"] = str(instrument.customer_id or args.customer)
        for name, value in row.items():
            print(f"{name.lower() + ':':<15}{value}")
    return 0


def _instruments_delete(args: argparse.Namespace) -> int:
    import uuid

    from cashfree_pg import ApiValueError, ConflictException
    from cashfree_pg.erasure import idempotency_key, merchant_of

    connection = _Connection(args)
    if not _confirm(connection, args, f"delete instrument {args.instrument} of customer {args.customer}"):
        print("Cancelled: nothing was deleted.", file=sys.stderr)
        return 1
    key = idempotency_key(merchant_of(connection.client), args.customer, args.instrument)
    request_id = str(uuid.uuid4())
    try:
        response = connection.client.PGCustomerDeleteInstrument(
            customer_id=args.customer, instrument_id=args.instrument, x_request_id=request_id, x_idempotency_key=key
        )
    except ApiValueError as exc:
        raise _CliError(str(exc)) from None
    except ConflictException as exc:  # deleted before: what was asked is done
        if args.json:
            _print_json({"instrument_id": args.instrument, "outcome": "already_inactive", "status": exc.status})
        else:
            print(f"Instrument {args.instrument} of customer {args.customer} was already deleted.")
        return 0
    except Exception as exc:  # ApiException, or anything the client let through: one line
        return _fail(args, exc)
    row = _card_row(response.data)
    request_id = getattr(response, "request_id", None) or request_id
    if args.json:
        _print_json(
            {
                "instrument_id": args.instrument,
                "outcome": "deleted",
                "status": response.status_code,
                "request_id": request_id,
                "idempotency_key": key,
            }
        )
    else:
        print(
            f"Deleted instrument {args.instrument} ({row['DISPLAY']}, {row['NETWORK']}) of customer {args.customer}; "
            f"status now {row['STATUS']} [request_id={request_id}]."
        )
    return 0


def _read_customer_ids(source: str) -> List[str]:
    """Customer ids from ``source`` ('-': standard input): one per line, or the ``customer_id``
    column of a CSV; blank lines skipped, repeats dropped, order kept."""
    import csv

    name = "standard input" if source == "-" else repr(source)
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8-sig") as f:
                text = f.read()
    except OSError as exc:
        raise _CliError(f"cannot read {name}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise _CliError(f"{name} is not UTF-8 text") from None
    lines = text.lstrip("\ufeff").splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return []
    header = [h.strip().lower() for h in next(csv.reader([lines[first]]))]
    if "customer_id" not in header:
        if "," in lines[first]:
            raise _CliError(f"{name} looks like a CSV but has no customer_id column")
        return list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    column = header.index("customer_id")
    ids = []
    for number, row in enumerate(csv.reader(lines[first + 1 :]), start=first + 2):
        if not any(cell.strip() for cell in row):
            continue
        value = row[column].strip() if column < len(row) else ""
        if not value:
            raise _CliError(f"{name} line {number}: empty customer_id")
        ids.append(value)
    return list(dict.fromkeys(ids))


class _Progress:
    """done/total, rate and time left on standard error: redrawn in place on a terminal,
    a line every few seconds otherwise (only with --progress)."""

    def __init__(self, total: int, forced: bool) -> None:
        import time

        self._clock = time.monotonic
        self.total = total
        self.live = sys.stderr.isatty()
        self.enabled = total > 0 and (self.live or forced)
        self.started = self._last = self._clock()
        self.done = 0

    def step(self) -> None:
        self.done += 1
        now = self._clock()
        if self.enabled and (now - self._last >= (0.2 if self.live else 5.0) or self.done == self.total):
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0.0
        text = f"{self.done}/{self.total} customers  {rate:.1f}/s  ~{_duration(left)} left"
        sys.stderr.write(f"\r{text}\033[K" if self.live else text + "\n")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.live and self.done:
            sys.stderr.write("\n")
            sys.stderr.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@contextlib.contextmanager
def _first_interrupt_sets(stop: threading.Event) -> Iterator[None]:
    """Within the block, the first Ctrl-C (or SIGTERM) sets ``stop``, so that the job finishes
    the deletes in flight and reports; a second one interrupts at once."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = [n for n in ("SIGINT", "SIGTERM") if hasattr(signal, n)]
    previous = {n: signal.getsignal(getattr(signal, n)) for n in names}

    def first(signum: int, frame: Any) -> None:
        stop.set()
        print(
            "\nStopping after the deletes in flight finish (press Ctrl-C again to quit at once)...",
            file=sys.stderr,
            flush=True,
        )
        for n in names:
            signal.signal(getattr(signal, n), signal.default_int_handler)

    for n in names:
        signal.signal(getattr(signal, n), first)
    try:
        yield
    finally:
        for n, handler in previous.items():
            signal.signal(getattr(signal, n), handler)


def _erase(args: argparse.Namespace) -> int:
    from cashfree_pg.erasure import erase_customers, verified_customers

    if args.customers and args.source:
        raise _CliError("give customer ids or --from FILE, not both")
    if not args.customers and not args.source:
        raise _CliError("give customer ids, or --from FILE ('-' for standard input)")
    if args.audit_log is None and not args.dry_run:
        raise _CliError("--audit-log FILE is required (the record of what was erased); --dry-run may omit it")
    if args.resume and args.audit_log is None:
        raise _CliError("--resume needs the --audit-log of the earlier run")
    ids = _read_customer_ids(args.source) if args.source else list(dict.fromkeys(args.customers))
    connection = _Connection(args, args.concurrency)
    skipped = len(verified_customers(args.audit_log).intersection(ids)) if args.resume else 0
    todo = len(ids) - skipped
    what = f"delete the saved cards of {todo} customer{'s' if todo != 1 else ''}"
    if not args.dry_run and todo and not _confirm(connection, args, what):
        print("Cancelled: nothing was deleted.", file=sys.stderr)
        return 1
    stop = threading.Event()
    summary = _Summary(len(ids), skipped, args)
    progress = _Progress(todo, args.progress)
    try:
        with _first_interrupt_sets(stop):
            jobs = erase_customers(
                connection.client,
                ids,
                concurrency=args.concurrency,
                audit_log=args.audit_log,
                resume=args.resume,
                dry_run=args.dry_run,
                stop=stop,
            )
            for report in jobs:
                summary.add(report)
                progress.step()
    except KeyboardInterrupt:
        stop.set()
    except Exception as exc:  # credentials refused, the audit log unwritable: the job cannot go on
        progress.close()
        summary.fatal = exc
    progress.close()
    summary.interrupted = stop.is_set()
    summary.show()
    return summary.status()


class _Summary:
    """What ``erase`` prints at the end, and its exit status."""

    def __init__(self, total: int, skipped: int, args: argparse.Namespace) -> None:
        self.total = total
        self.skipped = skipped
        self.args = args
        self.finished = 0
        self.counts: Dict[str, int] = {}
        self.failed: List[Any] = []  # reports not complete, or (not a dry run) not verified
        self.interrupted = False
        self.fatal: Optional[BaseException] = None

    def add(self, report: Any) -> None:
        self.finished += 1
        for outcome, n in report.counts.items():
            self.counts[outcome] = self.counts.get(outcome, 0) + n
        if not report.complete or not (report.verified or report.dry_run):
            self.failed.append(report)

    def status(self) -> int:
        if self.interrupted:
            return 130
        return 1 if self.failed or self.fatal is not None else 0

    def show(self) -> None:
        if self.fatal is not None:
            _fail(self.args, self.fatal)
        if self.args.json:
            self._show_json()
        else:
            self._show_text()

    def _problems(self, report: Any) -> List[str]:
        lines = [f"{r.instrument_id} ({r.instrument_display}): {r.error_message}" for r in report.failed]
        if report.error:
            lines.append(report.error + (f" [request_id={report.request_id}]" if report.request_id else ""))
        if report.interrupted:
            lines.append("interrupted before every card was handled")
        return lines or ["not verified"]

    def _show_json(self) -> None:
        _print_json(
            {
                "customers": self.total,
                "skipped": self.skipped,
                "finished": self.finished,
                "failed": len(self.failed),
                "dry_run": self.args.dry_run,
                "interrupted": self.interrupted,
                "cards": self.counts,
                "audit_log": self.args.audit_log,
                "failures": [
                    {
                        "customer_id": r.customer_id,
                        "error": r.error,
                        "request_id": r.request_id,
                        "interrupted": r.interrupted,
                        "receipts": [x.to_dict() for x in r.failed],
                    }
                    for r in self.failed
                ],
            }
        )

    def _show_text(self) -> None:
        c = self.counts.get
        skipped = f" ({self.skipped} skipped: verified in the audit log)" if self.skipped else ""
        if self.args.dry_run:
            print(f"Dry run: nothing was changed. Listed {self.finished} of {self.total} customers{skipped}.")
            print(f"Cards: {c('would_delete', 0)} would be deleted, {c('already_inactive', 0)} already inactive.")
        else:
            done = self.finished - len(self.failed)
            print(f"Erased {done} of {self.total} customers{skipped}.")
            print(
                f"Cards: {c('deleted', 0)} deleted, {c('already_inactive', 0)} already inactive, "
                f"{c('not_found', 0)} not found, {c('failed', 0)} failed."
            )
        if self.failed:
            print(f"Customers not erased ({len(self.failed)}):")
            for report in self.failed:
                for line in self._problems(report):
                    print(f"  {report.customer_id}: {line}")
        if self.interrupted:
            print(
                f"Interrupted: {self.total - self.skipped - self.finished} customers not started; rerun with --resume."
            )
        if self.args.audit_log:
            print(f"Audit log: {self.args.audit_log}")
