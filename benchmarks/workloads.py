"""What each measured process runs: the floor, this SDK, or the official SDK, doing the same calls.

Used three ways, always in a fresh process started by ``run.py``:

* ``python workloads.py worker VARIANT URL WARMUP LIST_WARMUP`` warms up, then times batches of
  single fetches and of 1,000-instrument list fetches on request (client CPU time per call);
* ``python -c "import workloads; workloads.cold_start(VARIANT, URL)"`` imports, constructs and
  makes the first call, then prints its CPU time, peak RSS and end time;
* ``python -c "import workloads; workloads.prepare(VARIANT, URL)"`` runs every code path once and
  compiles every module that was imported, so cold starts load bytecode as from an installed wheel.

At the top this module imports only ``sys`` and ``time`` (both built into the interpreter), so
that a cold start pays only for what the variant itself imports. Each variant's code is what a merchant
would write with it.
"""

import sys
import time

CLIENT_ID = "TEST_CLIENT_ID_0123456789"
CLIENT_SECRET = "TEST_CLIENT_SECRET_abcdefghijklmnop"
API_VERSION = "2022-09-01"
CUSTOMER_ID = "siddhesh_desai"
INSTRUMENT_ID = "54deabb4-ba45-4a60-9e6a-9c016fe7ab10"
INSTRUMENT_TYPE = "card"
LIST_SIZE = 1000

VARIANTS = ("floor", "cashfree_pg", "official")


def make(variant, url):
    """``(fetch_one, fetch_list)`` for ``variant`` against the server at ``url`` (``http://host:port``).

    Building them is the "import and construct" part of a cold start.
    """
    if variant == "floor":
        from floor import FloorClient

        client = FloorClient(url + "/pg", CLIENT_ID, CLIENT_SECRET, API_VERSION)

        def fetch_one():
            return client.fetch_instrument(CUSTOMER_ID, INSTRUMENT_ID)

        def fetch_list():
            return client.fetch_instruments(CUSTOMER_ID, INSTRUMENT_TYPE)

        return fetch_one, fetch_list

    if variant == "cashfree_pg":
        from cashfree_pg import Cashfree

        return _seed_calls(Cashfree(XClientId=CLIENT_ID, XClientSecret=CLIENT_SECRET, base_url=url + "/pg"))

    if variant == "official":
        # The official SDK (cashfree-pg 5.x), run from its own virtual environment. Its methods
        # hard-code the production/sandbox host and build a fresh ``Configuration(host=...)`` on
        # every call; a subclass that ignores the given host points it at the loopback server.
        # That adds one Python frame per call, negligible next to what the SDK itself does.
        import cashfree_pg.api_client as official
        from cashfree_pg.api_client import Cashfree

        base = official.Configuration

        class LoopbackConfiguration(base):
            def __init__(self, host=None, *args, **kwargs):
                super().__init__(url + "/pg", *args, **kwargs)

        official.Configuration = LoopbackConfiguration
        Cashfree.XClientId = CLIENT_ID
        Cashfree.XClientSecret = CLIENT_SECRET
        Cashfree.XEnvironment = Cashfree.SANDBOX
        return _seed_calls(Cashfree(Cashfree.SANDBOX))

    raise SystemExit(f"unknown variant {variant!r}; expected one of {', '.join(VARIANTS)}")


def _seed_calls(cf):
    """The two timed calls, written as the seed document writes them; the official SDK and this
    one are called identically."""

    def fetch_one():
        return cf.PGCustomerFetchInstrument(
            x_api_version=API_VERSION, customer_id=CUSTOMER_ID, instrument_id=INSTRUMENT_ID
        )

    def fetch_list():
        return cf.PGCustomerFetchInstruments(
            x_api_version=API_VERSION, customer_id=CUSTOMER_ID, instrument_type=INSTRUMENT_TYPE
        )

    return fetch_one, fetch_list


def _field(obj, name):
    # The official SDK keeps card_token_details as a plain dict; the others as models.
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name)


def check(variant, one, many):
    """Fail loudly unless both answers were decoded to typed entities, so that every variant is
    known to do the same work (a variant that skipped validation would look fast)."""
    one = getattr(one, "data", one)
    many = getattr(many, "data", many)
    par = _field(_field(_field(one, "instrument_meta"), "card_token_details"), "par")
    problems = []
    if _field(one, "instrument_id") != INSTRUMENT_ID or par != "somepar" or isinstance(one, dict):
        problems.append(f"single fetch decoded to {type(one).__name__} {one!r:.200}")
    if not isinstance(many, list) or len(many) != LIST_SIZE:
        problems.append(f"list fetch decoded to {type(many).__name__} of {len(many)} items")
    elif len({_field(i, "instrument_id") for i in many}) != LIST_SIZE or isinstance(many[-1], dict):
        problems.append("list fetch did not decode to distinct typed instruments")
    if problems:
        raise SystemExit(f"{variant}: " + "; ".join(problems))


def _cpu_per_call(fn, calls):
    """CPU seconds per call of ``fn`` over ``calls`` calls, timed after a full collection."""
    import gc

    gc.collect()
    cpu0 = time.process_time()
    for _ in range(calls):
        fn()
    return (time.process_time() - cpu0) / calls


def worker(variant, url, warmup, list_warmup):
    """Warm up, print "ready", then answer each line "one N" / "list N" from stdin with the CPU
    time per call of N single / list fetches (µs / ms), until stdin closes.

    run.py keeps one such process per variant and alternates short batches between them, so
    that the second-scale swings in speed of a shared machine hit every variant alike.
    """
    fetch_one, fetch_list = make(variant, url)
    check(variant, fetch_one(), fetch_list())
    for _ in range(warmup):
        fetch_one()
    for _ in range(list_warmup):
        fetch_list()
    out = sys.stdout
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        what, calls = line.split()
        if what == "one":
            out.write(f"{_cpu_per_call(fetch_one, int(calls)) * 1e6}\n")
        else:
            out.write(f"{_cpu_per_call(fetch_list, int(calls)) * 1e3}\n")
        out.flush()


def cold_start(variant, url):
    """Import, construct, first call; then print "cpu_seconds maxrss_kib monotonic_end".

    CPU time counts from the start of the process, interpreter start-up included.
    """
    fetch_one, _ = make(variant, url)
    fetch_one()
    cpu, end = time.process_time(), time.monotonic()
    import resource

    print(cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, end)


def prepare(variant, url):
    """Run every measured path once, then write bytecode for every module that got imported and
    for the whole SDK package (``PYTHONDONTWRITEBYTECODE`` is set in this environment, and an
    installed wheel has its bytecode compiled)."""
    import compileall
    import os

    fetch_one, fetch_list = make(variant, url)
    check(variant, fetch_one(), fetch_list())
    if variant != "floor":
        import cashfree_pg

        compileall.compile_dir(os.path.dirname(cashfree_pg.__file__), quiet=2)
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if path and path.endswith(".py") and os.access(os.path.dirname(path), os.W_OK):
            compileall.compile_file(path, quiet=2)


if __name__ == "__main__":
    if len(sys.argv) != 6 or sys.argv[1] != "worker":
        raise SystemExit("usage: workloads.py worker VARIANT URL WARMUP LIST_WARMUP")
    worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
