"""The testing kit from outside: importing the SDK loads neither the kit nor the command line,
the pytest plugin works in a merchant's suite, and the kit's helpers pass mypy --strict."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, List

import pytest

from test.testing_kit_helpers import ROOT

# -- import cost and the pytest plugin ----------------------------------------------------------


def test_importing_the_sdk_loads_neither_the_kit_nor_the_cli() -> None:
    code = (
        "import sys, cashfree_pg\n"
        "unwanted = ('cashfree_pg.testing', 'cashfree_pg.cli', 'cashfree_pg._cli', 'http.server')\n"
        "bad = [m for m in sys.modules if m.startswith(unwanted)]\n"
        "import cashfree_pg.testing\n"
        "bad += [m for m in ('cashfree_pg.testing._mock', 'http.server') if m in sys.modules]\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert out.stdout.strip() == "[]"


def _env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASHFREE_", "PYTEST_", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _installed_entry_points() -> List[Any]:
    try:
        dist = importlib.metadata.distribution("cashfree_pg")
    except importlib.metadata.PackageNotFoundError:
        return []
    return [ep for ep in dist.entry_points if ep.group == "pytest11"]


def test_pytest_entry_point_names_the_plugin() -> None:
    eps = _installed_entry_points()
    if not eps:
        pytest.skip("cashfree_pg is not installed as a distribution")
    assert [(ep.name, ep.value) for ep in eps] == [("cashfree_pg", "cashfree_pg.testing.pytest_plugin")]


def test_fixture_works_in_a_merchants_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_merchant.py").write_text(
        textwrap.dedent(
            """
            seen = []

            def test_uses_the_mock(cashfree_mock):
                card = cashfree_mock.add_instrument("customer_1")
                got = cashfree_mock.client().PGCustomerFetchInstrument(
                    x_api_version="2022-09-01", customer_id="customer_1", instrument_id=card.instrument_id
                )
                assert got.data == card
                seen.append(cashfree_mock)

            def test_each_test_gets_a_fresh_one(cashfree_mock):
                assert cashfree_mock.instruments() == [] and cashfree_mock.requests == []
                assert seen and not seen[0].running and seen[0] is not cashfree_mock
            """
        )
    )
    args = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:cov", "test_merchant.py"]
    if not _installed_entry_points():  # not installed: load the plugin by name instead
        args[3:3] = ["-p", "cashfree_pg.testing.pytest_plugin"]
    out = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True, env=_env(), timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout


def test_kit_helpers_pass_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    merchant = tmp_path / "merchant_test.py"
    merchant.write_text(
        textwrap.dedent(
            """
            from cashfree_pg.testing import MockCashfree


            def use(mock: MockCashfree) -> str:
                card = mock.add_instrument("c1")
                again = mock.instrument(card.instrument_id)
                listed = mock.instruments("c1")[0]
                status = mock.set_instrument_status(card.instrument_id, "INACTIVE")
                count: int = mock.delete_count(card.instrument_id)
                return card.instrument_id + again.customer_id + listed.instrument_id + status.instrument_id + str(count)
            """
        )
    )
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, str(merchant)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=240,
    )
    assert out.returncode == 0, out.stdout + out.stderr
