"""The ``instruments list|show|delete`` commands: one customer's saved cards, for operations
staff. Only the service's masked card display is ever printed."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Dict, List

from cashfree_pg._cli_common import _CliError, _confirm, _Connection, _fail, _print_json


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
