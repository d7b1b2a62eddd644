"""Mutation testing of the modules that carry the SDK's promises, with a score floor.

    python mutation/run.py                          # every default module, floor 90%
    python mutation/run.py --modules _redact policy --floor 90

mutmut (configured in pyproject.toml, [tool.mutmut]) changes the code one small step at a time
(a ``<`` into ``<=``, a constant, a dropped argument) and runs the tests that reach the changed
function. A change no test notices "survives": the tests would not see that bug either.

Each module's mutants run only the test files that state its promises (``MODULE_TESTS`` below;
``--whole-list`` runs pyproject.toml's list instead). The run happens in a temporary copy of the
files git tracks or would track (the checkout is left untouched; in a fresh clone, what is
measured is the commit). Survivors listed in mutation/equivalent.txt, each
with its reason, cannot change behaviour and are left out of the score:

    score = killed / (all mutants - listed equivalent ones)

Exit status 1 when a module scores under ``--floor``, when an entry of equivalent.txt is killed
by a test (so it was not equivalent) or has no reason.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, Iterator, List, NamedTuple, Optional, Set, Tuple

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "mutation" / "equivalent.txt"
#: The modules that carry the promises (redaction, retries and deadlines, request building and
#: path encoding, configuration checks, webhook verification, the sans-IO core); absent ones are skipped.
DEFAULT_MODULES = ("_redact", "webhooks", "policy", "operation", "configuration", "_core")
#: mutmut's exit codes per mutant (mutmut/stats.py): a test failed, or the mutant hung until killed.
KILLED = {1, 3, 24, -24, 36, 152, 255, 37}
SURVIVED = {0}
NO_TESTS = {5, 33}


class Mutant(NamedTuple):
    name: str  # mutmut's name, e.g. cashfree_pg._redact.x_mask__mutmut_3
    module: str  # _redact
    function: str  # mask, or RetryPolicy.__init__
    status: str  # killed, survived, no tests, other


class Entry(NamedTuple):
    module: str
    function: str
    change: Tuple[str, ...]  # the diff's - and + lines, stripped
    reason: str
    line: int


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", default=None, help="module names under cashfree_pg (default: all)")
    parser.add_argument("--floor", type=float, default=90.0, help="least percentage of killed mutants per module")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="mutants tested at once")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (to run `mutmut browse` there)")
    parser.add_argument("--json", type=Path, help="also write the per-module figures to this file")
    parser.add_argument(
        "--tests", nargs="+", help="test files to run per mutant, for every module (default: MODULE_TESTS)"
    )
    parser.add_argument("--whole-list", action="store_true", help="every module runs pyproject.toml's test list")
    args = parser.parse_args(argv)

    modules = args.modules or [m for m in DEFAULT_MODULES if (ROOT / "cashfree_pg" / f"{m}.py").exists()]
    missing = [m for m in modules if not (ROOT / "cashfree_pg" / f"{m}.py").exists()]
    if missing:
        parser.error(f"no such module: {', '.join(missing)}")
    entries, problems = read_equivalents(EQUIVALENT_FILE)

    started = time.monotonic()
    mutants: List[Mutant] = []
    diffs: Dict[str, Tuple[str, ...]] = {}
    for tests, group in group_by_tests(modules, args.tests, args.whole_list):
        code = run_mutmut(group, tests, args.jobs, args.keep, entries, mutants, diffs)
        if code:
            return code
    elapsed = time.monotonic() - started
    return report(modules, mutants, diffs, entries, problems, args.floor, elapsed, args.json)


#: The test files that state each module's promises: each mutant of the module runs only these
#: (mutmut further narrows them to the tests that reach the mutated function). Fewer tests can
#: only kill fewer mutants, so a score reached with a selection holds for the whole list too.
#: A module not listed here runs pyproject.toml's whole list.
MODULE_TESTS: Dict[str, Tuple[str, ...]] = {
    "_redact": ("test/test_redact.py", "test/test_properties.py", "test/test_security.py"),
    "webhooks": ("test/test_webhooks.py", "test/test_webhook_checks.py", "test/test_security.py"),
    "policy": ("test/test_policy.py", "test/test_properties.py"),
    "operation": ("test/test_request_building.py", "test/test_properties.py"),
    "configuration": ("test/test_config_checks.py", "test/test_config.py", "test/test_policy.py"),
    "_core": ("test/test_core.py", "test/test_core_steps.py", "test/test_core_windows.py"),
}


def group_by_tests(
    modules: List[str], tests: Optional[List[str]], whole_list: bool
) -> List[Tuple[Optional[Tuple[str, ...]], List[str]]]:
    """Modules with the same test selection are mutated in one mutmut run (one warm-up, not two)."""
    groups: Dict[Optional[Tuple[str, ...]], List[str]] = {}
    for module in modules:
        chosen = tuple(tests) if tests else None if whole_list else MODULE_TESTS.get(module)
        groups.setdefault(chosen, []).append(module)
    return list(groups.items())


def run_mutmut(
    modules: List[str],
    tests: Optional[Tuple[str, ...]],
    jobs: int,
    keep: bool,
    entries: List[Entry],
    mutants: List[Mutant],
    diffs: Dict[str, Tuple[str, ...]],
) -> int:
    """Mutate ``modules`` in a fresh copy of the tree; add their results to ``mutants``/``diffs``."""
    work = Path(tempfile.mkdtemp(prefix="cashfree-mutation-"))
    started = time.monotonic()
    try:
        copy_tree(work)
        limit_to_modules(work / "pyproject.toml", modules, list(tests) if tests else None)
        log = work / "mutmut.log"
        shown = ", ".join(tests) if tests else "pyproject.toml's list"
        print(f"mutating {', '.join(modules)} in {work} ({jobs} at once; tests: {shown})", flush=True)
        with open(log, "w") as out:
            code = subprocess.call(
                [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)],
                cwd=work,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"),
            )
        if code != 0:
            print(log.read_text(errors="replace")[-4000:])
            print(f"mutmut failed (exit {code}); is the test suite green?", file=sys.stderr)
            return 2
        found = list(read_results(work, modules))
        mutants.extend(found)
        diffs.update(diffs_of(work, [m.name for m in found if m.status != "killed"]))
        diffs.update(diffs_of_listed_killed(work, found, entries))
        print(f"  {len(found)} mutants in {time.monotonic() - started:.0f} s", flush=True)
        return 0
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


# -- the work copy ------------------------------------------------------------------------------


def copy_tree(work: Path) -> None:
    """The working tree as git sees it (tracked files, and new files .gitignore does not exclude),
    or every file outside a checkout. In a fresh clone that is the commit."""
    try:
        command = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
        listed = subprocess.run(command, cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in listed.decode().split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    for name in names:
        source = ROOT / name
        if source.is_file():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, work / name)


def limit_to_modules(pyproject: Path, modules: List[str], tests: Optional[List[str]]) -> None:
    text = pyproject.read_text()
    wanted = ", ".join(f'"cashfree_pg/{m}.py"' for m in modules)
    text, count = re.subn(r"(?m)^only_mutate\s*=.*$", f"only_mutate = [{wanted}]", text)
    if count != 1:
        raise SystemExit("pyproject.toml: [tool.mutmut] needs one `only_mutate = [...]` line")
    if tests:
        chosen = ", ".join(json.dumps(t) for t in tests)
        text, count = re.subn(
            r"(?ms)^pytest_add_cli_args_test_selection\s*=\s*\[.*?\]",
            f"pytest_add_cli_args_test_selection = [{chosen}]",
            text,
        )
        if count != 1:
            raise SystemExit("pyproject.toml: [tool.mutmut] needs a pytest_add_cli_args_test_selection list")
    pyproject.write_text(text)


# -- results ------------------------------------------------------------------------------------


def read_results(work: Path, modules: List[str]) -> Iterator[Mutant]:
    for module in modules:
        meta = work / "mutants" / "cashfree_pg" / f"{module}.py.meta"
        codes: Dict[str, Optional[int]] = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        for name, code in sorted(codes.items()):
            if code in KILLED:
                status = "killed"
            elif code in SURVIVED:
                status = "survived"
            elif code in NO_TESTS:
                status = "no tests"
            else:
                status = f"other ({code})"
            yield Mutant(name, module, function_of(name, module), status)


def function_of(name: str, module: str) -> str:
    # cashfree_pg.policy.xǁRetryPolicyǁ__init____mutmut_3 -> RetryPolicy.__init__
    mangled = name[len(f"cashfree_pg.{module}.") :].rsplit("__mutmut_", 1)[0]
    if mangled.startswith("x\u01c1"):
        return mangled[2:].replace("\u01c1", ".")
    return mangled[2:] if mangled.startswith("x_") else mangled


# mutmut's own diff, for many mutants in one process (``mutmut show`` starts one per mutant: a
# second each, minutes for the hundreds of killed mutants checked against equivalent.txt).
_DIFFS_SCRIPT = """
import json, sys
from mutmut.__main__ import find_mutant
from mutmut.mutation.diff_apply import get_diff_for_mutant
print(json.dumps({n: get_diff_for_mutant(n, path=find_mutant(n).path) for n in json.load(sys.stdin)}))
"""


def diffs_of(work: Path, names: List[str]) -> Dict[str, Tuple[str, ...]]:
    if not names:
        return {}
    done = subprocess.run(
        [sys.executable, "-c", _DIFFS_SCRIPT], cwd=work, input=json.dumps(names), capture_output=True, text=True
    )
    if done.returncode == 0:
        return {name: change_lines(diff) for name, diff in json.loads(done.stdout).items()}
    return {name: diff_of(work, name) for name in names}  # another mutmut layout: one at a time


def diff_of(work: Path, name: str) -> Tuple[str, ...]:
    shown = subprocess.run(
        [sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True, text=True
    ).stdout
    return change_lines(shown)


def change_lines(diff: str) -> Tuple[str, ...]:
    return tuple(
        line[0] + " " + line[1:].strip()
        for line in diff.splitlines()
        if line[:1] in "-+" and not line.startswith(("---", "+++"))
    )


def diffs_of_listed_killed(work: Path, mutants: List[Mutant], entries: List[Entry]) -> Dict[str, Tuple[str, ...]]:
    """Diffs of killed mutants in functions that equivalent.txt lists, to catch a wrong entry."""
    listed = {(e.module, e.function) for e in entries}
    return diffs_of(work, [m.name for m in mutants if m.status == "killed" and (m.module, m.function) in listed])


# -- equivalent mutants -------------------------------------------------------------------------


def read_equivalents(path: Path) -> Tuple[List[Entry], List[str]]:
    """Blocks of ``[module.function]``, the diff's ``-``/``+`` lines, ``reason: ...``."""
    entries: List[Entry] = []
    problems: List[str] = []
    if not path.exists():
        return entries, problems
    header: Optional[Tuple[str, str, int]] = None
    change: List[str] = []
    reason = ""

    def close() -> None:
        if header is None:
            return
        module, function, line = header
        if not change:
            problems.append(f"{path.name}:{line}: no - / + lines")
        elif not reason:
            problems.append(f"{path.name}:{line}: an equivalent mutant needs a reason")
        else:
            entries.append(Entry(module, function, tuple(change), reason, line))

    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.rstrip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            close()
            module, _, function = line[1:-1].partition(".")
            header, change, reason = (module, function, number), [], ""
        elif line[:1] in "-+":
            change.append(line[0] + " " + line[1:].strip())
        elif line.startswith("reason:"):
            reason = line[len("reason:") :].strip()
        else:
            problems.append(f"{path.name}:{number}: not understood: {line!r}")
    close()
    return entries, problems


def report(
    modules: List[str],
    mutants: List[Mutant],
    diffs: Dict[str, Tuple[str, ...]],
    entries: List[Entry],
    problems: List[str],
    floor: float,
    elapsed: float,
    json_path: Optional[Path],
) -> int:
    used: Set[int] = set()
    equivalent: Set[str] = set()
    for m in mutants:
        for e in entries:
            if (e.module, e.function) == (m.module, m.function) and diffs.get(m.name) == e.change:
                used.add(e.line)
                if m.status == "killed":
                    problems.append(f"equivalent.txt:{e.line}: {m.name} is killed by a test, so it is not equivalent")
                else:
                    equivalent.add(m.name)
    for e in entries:
        if e.module in modules and e.line not in used:
            print(f"note: equivalent.txt:{e.line} ({e.module}.{e.function}) matches no mutant any more")

    failed = False
    figures = {}
    print(f"\n{'module':<16}{'mutants':>8}{'equiv.':>8}{'killed':>8}{'alive':>7}{'score':>8}")
    for module in modules:
        mine = [m for m in mutants if m.module == module]
        counted = [m for m in mine if m.name not in equivalent]
        killed = sum(m.status == "killed" for m in counted)
        score = 100.0 * killed / len(counted) if counted else 100.0
        failed |= score < floor
        figures[module] = {"mutants": len(mine), "equivalent": len(mine) - len(counted), "killed": killed}
        flag = "" if score >= floor else f"  under {floor:g}%"
        equiv, alive = len(mine) - len(counted), len(counted) - killed
        print(f"{module:<16}{len(mine):>8}{equiv:>8}{killed:>8}{alive:>7}{score:>7.1f}%{flag}")
    alive = [m for m in mutants if m.status != "killed" and m.name not in equivalent]
    if alive:
        print("\nalive (not killed, not listed as equivalent):")
        for m in alive:
            print(f"  [{m.module}.{m.function}] {m.status}: {m.name}")
            for line in diffs.get(m.name, ()):
                print(f"      {line}")
    for problem in problems:
        print(f"error: {problem}")
    print(f"\n{len(mutants)} mutants in {elapsed:.0f} s")
    if json_path:
        json_path.write_text(json.dumps({"elapsed_s": round(elapsed), "modules": figures}, indent=2) + "\n")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
