#!/usr/bin/env python
"""The SDK's overhead against the floor (a careful hand-written urllib3 + pydantic client).

    python benchmarks/run.py                     # 15 rounds, writes benchmarks/RESULTS.md
    python benchmarks/run.py --official 5.0.6    # adds the official SDK as a third column
    python benchmarks/run.py --quick             # smoke check: 3 rounds, fewer batches, writes nothing

A loopback server runs in its own process (server.py); its CPU is not measured. Each round starts
a fresh worker process per variant (workloads.py) and alternates short timed batches between them,
flipping the order every batch: the speed of a shared machine swings by tens of percent over about
a second, and this way every variant sees the same swings. Each batch is the client's CPU time
(``time.process_time``) over N calls, after a warm-up and a ``gc.collect()``; a round keeps each
variant's fastest batch. Cold start is a fresh interpreter's CPU time from its start to the end of
its first call, with every module it imports compiled to bytecode beforehand, the variants
alternating; a round keeps each variant's fastest. The table gives medians over the rounds with
their min-max spread, and each ratio to the floor (of the medians) with the range of the per-round
ratios.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
RESULTS_MD = os.path.join(BENCH_DIR, "RESULTS.md")
# After a full run the text between these markers is replaced by the results: always in
# benchmarks/README.md, and in the repository's README.md with --readme.
BENCH_README, ROOT_README = os.path.join(BENCH_DIR, "README.md"), os.path.join(REPO_ROOT, "README.md")
MARK_START, MARK_END = "<!-- benchmark-results:start -->", "<!-- benchmark-results:end -->"

MIN_ROUNDS = 7
MiB = 1024.0  # ru_maxrss is in KiB on Linux
DASH = "\u2013"  # between the ends of a range


@dataclass
class Variant:
    name: str  # "floor", "cashfree_pg" or "official" (as workloads.py knows them)
    label: str  # column heading
    python: str
    env: Dict[str, str]
    versions: Dict[str, str] = field(default_factory=dict)
    samples: Dict[str, List[float]] = field(default_factory=dict)

    def add(self, measure: str, value: float) -> None:
        self.samples.setdefault(measure, []).append(value)


@dataclass
class Measure:
    key: str
    title: str
    unit: str
    target: Optional[float]  # max ratio to the floor, or max MiB above it for "rss"; None: for information
    digits: int = 1


MEASURES = (
    Measure("one_cpu_us", "CPU per `PGCustomerFetchInstrument` call, keep-alive", "µs", 1.10),
    Measure("list_cpu_ms", "CPU per `PGCustomerFetchInstruments` call, 1,000 instruments", "ms", 1.15, 2),
    Measure("cold_cpu_ms", "cold start CPU: import, construct `Cashfree`, first call", "ms", 1.10),
    Measure("rss_mib", "peak memory (max RSS) of the cold-start process", "MiB", 5.0),
    Measure("cold_wall_ms", "cold start wall time (for information)", "ms", None),
)


# -- child processes -------------------------------------------------------------------------------


def child_env(sdk_on_path: bool) -> Dict[str, str]:
    """The environment of every measured process: this one's, minus what would distort a
    measurement or change the SDK's behaviour; the repository root on the path for the floor and
    this SDK alike (so both look modules up in the same places), not for the official SDK."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CASHFREE_")
        and k
        not in {
            "PYTHONPATH",
            "PYTHONDONTWRITEBYTECODE",  # bytecode is compiled up front; see prepare()
            "PYTHONDEVMODE",
            "PYTHONTRACEMALLOC",
            "PYTHONPROFILEIMPORTTIME",
            "PYTHONMALLOC",
            "PYTHONASYNCIODEBUG",
            "PYTHONWARNINGS",
            "PYTHONBREAKPOINT",
            "PYTHONSTARTUP",
        }
    }
    if sdk_on_path:
        env["PYTHONPATH"] = REPO_ROOT
    return env


def run_child(variant: Variant, args: Sequence[str], what: str) -> str:
    # cwd is benchmarks/: ``python -c`` puts it first on sys.path, which is where floor.py and
    # workloads.py are, and where no other ``cashfree_pg`` can shadow the official one.
    proc = subprocess.run(
        [variant.python, *args], cwd=BENCH_DIR, env=variant.env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        sys.exit(f"{variant.label}: {what} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}{proc.stdout[-500:]}")
    return proc.stdout


def python_call(code: str) -> List[str]:
    return ["-c", code]


def prepare(variant: Variant, url: str) -> None:
    run_child(variant, python_call(f"import workloads; workloads.prepare({variant.name!r}, {url!r})"), "prepare")


def measure_per_call(variants: List[Variant], url: str, args: argparse.Namespace, round_no: int) -> None:
    """One round of the per-call measures: a fresh worker process per variant, then short timed
    batches alternating between them (the order flipping every batch), so that the swings in
    speed of a shared machine, which last about a second, hit every variant alike. A round's
    figure for a variant is its fastest batch, the one least disturbed by the rest of the machine."""
    workers = {}
    for v in variants:
        argv = [v.python, "workloads.py", "worker", v.name, url, str(args.warmup), str(args.list_warmup)]
        workers[v.name] = subprocess.Popen(
            argv, cwd=BENCH_DIR, env=v.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
    try:
        for v in variants:
            assert workers[v.name].stdout is not None
            if workers[v.name].stdout.readline().strip() != "ready":
                sys.exit(f"{v.label}: the per-call worker failed (its error is above)")
        for key, what, calls, batches in (
            ("one_cpu_us", "one", args.calls, args.batches),
            ("list_cpu_ms", "list", args.list_calls, args.list_batches),
        ):
            times: Dict[str, List[float]] = {v.name: [] for v in variants}
            for b in range(batches):
                for v in variants if (b + round_no) % 2 == 0 else variants[::-1]:
                    times[v.name].append(ask(workers[v.name], f"{what} {calls}", v))
            for v in variants:
                v.add(key, min(times[v.name]))
    finally:
        for w in workers.values():
            if w.stdin is not None:
                w.stdin.close()
            w.wait()


def ask(worker: subprocess.Popen, command: str, variant: Variant) -> float:
    assert worker.stdin is not None and worker.stdout is not None
    worker.stdin.write(command + "\n")
    worker.stdin.flush()
    answer = worker.stdout.readline()
    if not answer:
        sys.exit(f"{variant.label}: the per-call worker died (its error is above)")
    return float(answer)


def cold_start_once(variant: Variant, url: str) -> Tuple[float, float, float]:
    """(CPU ms, wall ms, max RSS MiB) of one fresh process: import, construct, first call."""
    code = f"import workloads; workloads.cold_start({variant.name!r}, {url!r})"
    started = time.monotonic()  # CLOCK_MONOTONIC: comparable with the child's own reading
    cpu, maxrss_kib, ended = run_child(variant, python_call(code), "cold start").split()[-3:]
    return float(cpu) * 1e3, (float(ended) - started) * 1e3, float(maxrss_kib) / MiB


def measure_cold_start(variants: List[Variant], url: str, runs: int, round_no: int) -> None:
    """One round of cold starts: ``runs`` per variant, alternating; the round's figure is the
    fastest run (and the median peak memory, which hardly varies)."""
    got: Dict[str, List[Tuple[float, float, float]]] = {v.name: [] for v in variants}
    for i in range(runs):
        for v in variants if (i + round_no) % 2 == 0 else variants[::-1]:
            got[v.name].append(cold_start_once(v, url))
    for v in variants:
        v.add("cold_cpu_ms", min(r[0] for r in got[v.name]))
        v.add("cold_wall_ms", min(r[1] for r in got[v.name]))
        v.add("rss_mib", statistics.median(r[2] for r in got[v.name]))


def versions_of(python: str, env: Dict[str, str], sdk: bool) -> Dict[str, str]:
    code = (
        "import json, sys\n"
        "from importlib.metadata import version, PackageNotFoundError\n"
        "out = {'python': sys.version.split()[0]}\n"
        "for d in ('urllib3', 'pydantic', 'pydantic-core'):\n"
        "    try: out[d] = version(d)\n"
        "    except PackageNotFoundError: out[d] = '?'\n"
    )
    if sdk:
        code += "import cashfree_pg; out['cashfree_pg'] = cashfree_pg.__version__; out['path'] = cashfree_pg.__file__\n"
    code += "print(json.dumps(out))"
    proc = subprocess.run([python, "-c", code], cwd=BENCH_DIR, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"cannot import the SDK with {python}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout)


# -- the official SDK's virtual environment -------------------------------------------------------


def official_python(version: str, main: Dict[str, str]) -> Optional[str]:
    """The interpreter of ``benchmarks/.venv-official-VERSION`` with cashfree-pg==VERSION installed
    (made on first use), or None with a note when it cannot be installed."""
    venv = os.path.join(BENCH_DIR, f".venv-official-{version}")
    python = os.path.join(venv, "bin", "python")
    check = f"from importlib.metadata import version; assert version('cashfree_pg') == {version!r}"
    # cwd benchmarks/ throughout: in the repository root, the SDK's own metadata would answer for
    # "cashfree_pg" (``python -c`` and ``-m`` put the current directory on sys.path).
    if (
        os.path.exists(python)
        and subprocess.run([python, "-c", check], cwd=BENCH_DIR, capture_output=True).returncode == 0
    ):
        return python
    print(
        f"installing the official SDK (cashfree-pg=={version}) into {os.path.relpath(venv, REPO_ROOT)} ...", flush=True
    )
    if not os.path.exists(python):
        made = subprocess.run([sys.executable, "-m", "venv", venv], cwd=BENCH_DIR, capture_output=True, text=True)
        if made.returncode != 0:
            print(f"NOTE: could not create {venv}; official column skipped:\n{made.stderr[-1500:]}")
            return None
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", f"cashfree-pg=={version}"]
    # Same pydantic as the floor where the official SDK's pins allow it (its urllib3 pin usually
    # does not allow the floor's urllib3: the versions it ends up with are reported).
    pinned = [f"pydantic=={main['pydantic']}", f"pydantic-core=={main['pydantic-core']}"]
    for attempt in (pip + pinned, pip):
        done = subprocess.run(attempt, cwd=BENCH_DIR, capture_output=True, text=True)
        if done.returncode == 0:
            return python
    print(f"NOTE: could not install cashfree-pg=={version} (no network?); official column skipped:")
    print(done.stderr[-1500:])
    return None


# -- the server -----------------------------------------------------------------------------------


def start_server() -> Tuple[subprocess.Popen, str]:
    # stdin is a pipe held by this process: when it closes (we exit, however), the server exits.
    proc = subprocess.Popen(
        [sys.executable, os.path.join(BENCH_DIR, "server.py")],
        cwd=BENCH_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    port = proc.stdout.readline().strip()
    if not port.isdigit():
        proc.kill()
        sys.exit("the benchmark server did not start")
    return proc, f"http://127.0.0.1:{port}"


def stop_server(proc: subprocess.Popen) -> None:
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# -- reporting ------------------------------------------------------------------------------------


def fmt(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"


def cell(samples: List[float], digits: int) -> str:
    return f"{fmt(statistics.median(samples), digits)} ({fmt(min(samples), digits)}{DASH}{fmt(max(samples), digits)})"


def compare(m: Measure, floor: List[float], other: List[float]) -> Tuple[str, Optional[bool]]:
    """The measure's figure against the floor and whether it meets the target."""
    if m.key == "rss_mib":
        above = statistics.median(other) - statistics.median(floor)
        return f"{above:+.1f} MiB", (above <= m.target if m.target is not None else None)
    ratio = statistics.median(other) / statistics.median(floor)
    paired = [o / f for f, o in zip(floor, other)]
    text = f"{ratio:.2f}x ({min(paired):.2f}{DASH}{max(paired):.2f})"
    return text, (ratio <= m.target if m.target is not None else None)


def target_text(m: Measure) -> str:
    if m.target is None:
        return "—"
    return f"≤ +{m.target:g} MiB" if m.key == "rss_mib" else f"≤ {m.target:.2f}x"


def table(variants: List[Variant]) -> Tuple[str, bool]:
    floor, sdk, others = variants[0], variants[1], variants[2:]
    head = ["measure", "unit", floor.label, sdk.label, "vs floor", "target", "result"]
    for o in others:
        head += [o.label, "vs floor"]
    rows = [head, ["---"] * len(head)]
    all_pass = True
    for m in MEASURES:
        figure, ok = compare(m, floor.samples[m.key], sdk.samples[m.key])
        result = "—" if ok is None else ("PASS" if ok else "**FAIL**")
        all_pass = all_pass and ok is not False
        row = [m.title, m.unit, cell(floor.samples[m.key], m.digits), cell(sdk.samples[m.key], m.digits), figure]
        row += [target_text(m), result]
        for o in others:
            row += [cell(o.samples[m.key], m.digits), compare(m, floor.samples[m.key], o.samples[m.key])[0]]
        rows.append(row)
    return "\n".join("| " + " | ".join(r) + " |" for r in rows), all_pass


def machine() -> Dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            found = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
            cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return {"platform": platform.platform(), "cpu": cpu, "cores": str(os.cpu_count()), "load": load}


def source_fingerprint(package_dir: str) -> Tuple[int, float]:
    """(number of .py files, newest mtime) under the SDK: others may edit it while this runs."""
    count, newest = 0, 0.0
    for root, _, files in os.walk(package_dir):
        for name in files:
            if name.endswith(".py"):
                count += 1
                newest = max(newest, os.stat(os.path.join(root, name)).st_mtime)
    return count, newest


def git_revision() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "cashfree_pg"], cwd=REPO_ROOT, capture_output=True, text=True
        )
    except OSError:
        return "?"
    if rev.returncode != 0:
        return "?"
    return rev.stdout.strip() + (" + uncommitted changes to cashfree_pg/" if dirty.stdout.strip() else "")


def report(
    variants: List[Variant],
    args: argparse.Namespace,
    host: Dict[str, str],
    load_at_start: str,
    valid: bool,
    sdk_changed: bool,
) -> str:
    floor, sdk = variants[0], variants[1]
    body, all_pass = table(variants)
    v = floor.versions
    lines = [
        "# Benchmark: cashfree_pg against the floor",
        "",
        f"- date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- machine: {host['platform']}; {host['cpu']}; {host['cores']} cores; "
        f"load average {load_at_start} at start, {host['load']} at end",
        f"- Python {v['python']}; urllib3 {v['urllib3']}; pydantic {v['pydantic']}; pydantic-core {v['pydantic-core']}",
        f"- cashfree_pg {sdk.versions.get('cashfree_pg', '?')} (git {git_revision()})",
    ]
    for o in variants[2:]:
        ov = o.versions
        lines.append(
            f"- {o.label}: in its own virtual environment with Python {ov['python']}, urllib3 {ov['urllib3']}, "
            f"pydantic {ov['pydantic']}, pydantic-core {ov['pydantic-core']}"
        )
    lines += [
        f"- {args.rounds} rounds, each in fresh processes: {args.batches} batches of {args.calls} single fetches and "
        f"{args.list_batches} batches of {args.list_calls} list fetches per variant, alternating between the "
        f"variants' processes batch by batch; {args.cold} cold starts per variant, alternating",
        "",
        body,
        "",
        f"Figures are medians over the rounds (min{DASH}max in brackets) of each round's best batch or cold start. "
        '"vs floor" is the ratio of the medians (the range of the per-round ratios in brackets), or for memory '
        "the difference of the medians. Per-call figures are the client's CPU time only; cold start is CPU time "
        "from interpreter start to the end of the first call, with all bytecode compiled. The floor is "
        "`benchmarks/floor.py`; how to run: `benchmarks/README.md`.",
        "",
        f"Result: {'all targets met' if all_pass else 'NOT all targets met'}."
        + ("" if valid else f" (Smoke check only: --quick or fewer than {MIN_ROUNDS} rounds.)"),
    ]
    if sdk_changed:
        lines.append("\nWARNING: the SDK's source changed during the run, so the rounds measured different code.")
    return "\n".join(lines) + "\n"


def quote_table(md: str, paths: Sequence[str]) -> List[str]:
    """Put the results (without their title) between the markers of each file that has them."""
    updated = []
    block = md.split("\n", 2)[2]
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except OSError:
            continue
        start, end = text.find(MARK_START), text.find(MARK_END)
        if start < 0 or end < start:
            continue
        new = text[: start + len(MARK_START)] + "\n" + block.rstrip("\n") + "\n" + text[end:]
        if new != text:
            with open(path, "w", encoding="utf-8") as f:
                f.write(new)
            updated.append(os.path.relpath(path, REPO_ROOT))
    return updated


# -- main -----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add = parser.add_argument
    add("--rounds", type=int, help=f"alternating rounds, each in fresh processes (default 15; at least {MIN_ROUNDS})")
    add("--calls", type=int, help="single fetches per timed batch (default 100)")
    add("--batches", type=int, help="timed batches of single fetches per process (default 20)")
    add("--list-calls", type=int, help="1,000-instrument fetches per timed batch (default 2)")
    add("--list-batches", type=int, help="timed batches of list fetches per process (default 20)")
    add("--cold", type=int, help="cold starts per variant per round (default 5)")
    add("--warmup", type=int, help="untimed single fetches before the first batch (default 200)")
    add("--list-warmup", type=int, help="untimed list fetches before the first batch (default 3)")
    add("--official", metavar="VERSION", help="also measure the official SDK (cashfree-pg==VERSION), e.g. 5.0.6")
    add("--quick", action="store_true", help=f"smoke check: 3 rounds, fewer batches; below the {MIN_ROUNDS}-round rule")
    add("--python", default=sys.executable, help="interpreter for the floor and this SDK (default: this one)")
    add("--no-write", action="store_true", help="print only; do not write RESULTS.md")
    add("--readme", action="store_true", help="also put the results between the markers in the top README.md")
    args = parser.parse_args()
    defaults = dict(rounds=15, calls=100, batches=20, list_calls=2, list_batches=20, cold=5, warmup=200, list_warmup=3)
    if args.quick:
        defaults.update(rounds=3, batches=6, list_batches=6, cold=1)
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    valid = args.rounds >= MIN_ROUNDS and not args.quick

    started = time.monotonic()
    load_at_start = machine()["load"]
    env = child_env(sdk_on_path=True)
    variants = [Variant("floor", "floor", args.python, env), Variant("cashfree_pg", "cashfree_pg", args.python, env)]
    variants[0].versions = versions_of(args.python, env, sdk=False)
    variants[1].versions = versions_of(args.python, env, sdk=True)
    sdk_dir = os.path.dirname(variants[1].versions["path"])
    fingerprint = source_fingerprint(sdk_dir)
    print(f"cashfree_pg from {sdk_dir}")
    if args.official:
        python = official_python(args.official, variants[0].versions)
        if python is not None:
            official = Variant("official", f"official {args.official}", python, child_env(sdk_on_path=False))
            official.versions = versions_of(python, official.env, sdk=True)
            variants.append(official)
    if not valid:
        print(f"NOTE: --quick or fewer than {MIN_ROUNDS} rounds: a smoke check, not a result.")

    server, url = start_server()
    try:
        print(f"server at {url}; compiling bytecode and warming the file cache ...", flush=True)
        for v in list(variants):
            try:
                prepare(v, url)
            except SystemExit as exc:
                if v.name != "official":
                    raise
                # A version whose internals the loopback redirection does not fit: skip it.
                print(f"NOTE: {v.label} does not run here; its column is skipped.\n{exc}")
                variants.remove(v)
                continue
            cold_start_once(v, url)  # discarded: warms the OS file cache
        for r in range(args.rounds):
            measure_per_call(variants, url, args, r)
            measure_cold_start(variants, url, args.cold, r)
            line = "; ".join(
                f"{v.label} {v.samples['one_cpu_us'][-1]:.0f} µs, {v.samples['list_cpu_ms'][-1]:.2f} ms, "
                f"cold {v.samples['cold_cpu_ms'][-1]:.0f} ms, {v.samples['rss_mib'][-1]:.1f} MiB"
                for v in variants
            )
            print(f"round {r + 1}/{args.rounds}: {line}", flush=True)
    finally:
        stop_server(server)

    changed = source_fingerprint(sdk_dir) != fingerprint
    md = report(variants, args, machine(), load_at_start, valid, changed)
    print()
    print(md)
    print(f"({time.monotonic() - started:.0f} s)")
    if not valid:
        print(f"NOTE: --quick or fewer than {MIN_ROUNDS} rounds: a smoke check, not a result; RESULTS.md not written.")
    elif not args.no_write:
        with open(RESULTS_MD, "w", encoding="utf-8") as f:
            f.write(md)
        quoted = quote_table(md, [BENCH_README, ROOT_README] if args.readme else [BENCH_README])
        print(f"wrote {os.path.relpath(RESULTS_MD, REPO_ROOT)}" + (f"; updated {', '.join(quoted)}" if quoted else ""))


if __name__ == "__main__":
    main()
