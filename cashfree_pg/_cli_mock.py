"""The ``demo`` and ``mock-server`` commands: the SDK against the testing kit's mock, with no
network and no keys."""

from __future__ import annotations

import argparse
import contextlib
import os
import threading
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, List, Optional

from cashfree_pg._cli_common import API_VERSION, _CliError

if TYPE_CHECKING:
    from cashfree_pg.api_response import ApiResponse
    from cashfree_pg.testing._mock import MockCashfree


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
