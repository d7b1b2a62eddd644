"""``python -m cashfree_pg``: the demo and the mock server, run as a merchant would run them."""

from __future__ import annotations

import io
import json
import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Dict, Iterator, List

import pytest

from cashfree_pg import Cashfree, RetryPolicy
from cashfree_pg.cli import main
from cashfree_pg.testing import MockCashfree
from test.scripted_server import SEED_CRYPTOGRAM, SEED_INSTRUMENT

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = (
    "PGCustomerFetchInstruments",
    "PGCustomerFetchInstrument",
    "PGCustomerInstrumentsFetchCryptogram",
    "PGCustomerDeleteInstrument",
)


def _env() -> Dict[str, str]:
    """The environment of a merchant's shell: no Cashfree settings at all."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASHFREE_", "PYTEST_", "COV_"))}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cashfree_pg", *args],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def _check_demo_output(out: str) -> None:
    positions = [out.index(f"== {name} ==") for name in OPERATIONS]
    assert positions == sorted(positions)  # fetch all, fetch one, cryptogram, delete
    assert SEED_INSTRUMENT["instrument_id"] in out and "siddhesh_desai" in out
    assert "instrument_status='INACTIVE'" in out  # the delete's answer
    # Card data is masked, as everywhere.
    assert SEED_CRYPTOGRAM["card_number"] not in out
    assert SEED_CRYPTOGRAM["cryptogram"] not in out
    assert "card_number='****1472'" in out and "cryptogram='****'" in out
    # And a typed error is shown last.
    assert "NotFoundException" in out and "instrument_not_found" in out


def test_demo_runs_without_network_credentials_or_environment() -> None:
    out = run("demo")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    _check_demo_output(out.stdout)


def test_demo_in_process_restores_the_class_attributes_and_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASHFREE_BASE_URL", "https://example.invalid/pg")
    monkeypatch.setattr(Cashfree, "XClientId", "merchant_id")
    assert main(["demo"]) == 0
    _check_demo_output(capsys.readouterr().out)
    assert Cashfree.XClientId == "merchant_id" and Cashfree.XClientSecret is None
    assert os.environ["CASHFREE_BASE_URL"] == "https://example.invalid/pg"
    monkeypatch.delenv("CASHFREE_BASE_URL")
    assert main(["demo"]) == 0
    assert "CASHFREE_BASE_URL" not in os.environ


def test_help() -> None:
    out = run("--help")
    assert out.returncode == 0
    assert "demo" in out.stdout and "mock-server" in out.stdout and "python -m cashfree_pg" in out.stdout


@pytest.mark.parametrize(("command", "expected"), [("demo", "no network"), ("mock-server", "--seed")])
def test_help_of_each_command(capsys: pytest.CaptureFixture[str], command: str, expected: str) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "required"),
        (["nonsense"], "invalid choice"),
        (["mock-server", "--port", "99999"], "port number"),
        (["mock-server", "--port", "http"], "port number"),
        (["demo", "--extra"], "unrecognized arguments"),
    ],
)
def test_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], argv: List[str], message: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_mock_server_on_a_busy_port_exits_nonzero_with_a_clear_message() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        out = run("mock-server", "--port", str(busy.getsockname()[1]))
    assert out.returncode == 2
    assert "already in use" in out.stderr and "--port" in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_mock_server_refuses_a_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock-server", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "loopback" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read seed file"),
        ("{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        ('{"cards": []}', "list of instrument objects"),
        ("[1, 2]", "list of instrument objects"),
        ('[{"instrument_id": "x"}]', "customer_id"),
        ('[{"customer_id": "c", "instrument_id": "x"}, {"customer_id": "c", "instrument_id": "x"}]', "already saved"),
        ('[{"customer_id": "c", "network_token": "4111"}]', "network_token"),
    ],
)
def test_mock_server_rejects_an_unreadable_seed_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: object, message: str
) -> None:
    path = tmp_path / "seed.json"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    assert main(["mock-server", "--port", "0", "--seed", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "seed.json" in err


def test_mock_server_rejects_a_directory_as_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mock-server", "--port", "0", "--seed", str(tmp_path)]) == 2
    assert "cannot read seed file" in capsys.readouterr().err


class Served:
    """``python -m cashfree_pg mock-server ARGS`` in a subprocess, its ``url`` read from its output;
    terminated (as by Ctrl-C or ``kill``) when the block ends."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "cashfree_pg", "mock-server", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=_env(),
        )
        self.lines: List[str] = []
        self.stderr = ""
        found: queue.Queue[str] = queue.Queue()

        def reader() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.lines.append(line)
                if line.startswith("url: "):
                    found.put(line[5:].strip())

        self.reader = threading.Thread(target=reader, daemon=True)
        self.reader.start()
        try:
            self.url = found.get(timeout=20)
        except queue.Empty:
            self.close()
            raise AssertionError("the mock server printed no URL: " + "".join(self.lines) + self.stderr) from None

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - only if the server hangs
            self.proc.kill()
            self.proc.wait()
            raise
        finally:
            self.reader.join(5)  # it has read everything up to EOF
            assert self.proc.stdout is not None and self.proc.stderr is not None
            self.stderr = self.proc.stderr.read()
            self.proc.stdout.close()
            self.proc.stderr.close()

    def __enter__(self) -> Served:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def output(self) -> str:
        return "".join(self.lines)


@pytest.mark.parametrize("wrapped", [False, True])
def test_mock_server_serves_real_calls_until_terminated(tmp_path: Path, wrapped: bool) -> None:
    instruments = [
        {"customer_id": "cust_9", "instrument_id": "card-1", "network_token": {"card_number": "4111111111111111"}},
        dict(SEED_INSTRUMENT),
    ]
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"instruments": instruments} if wrapped else instruments))
    with Served("--port", "0", "--seed", str(seed)) as served:
        assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/pg")
        with Cashfree(
            XClientId="test_client_id",
            XClientSecret="test_client_secret",
            base_url=served.url,
            retry_policy=RetryPolicy(max_retries=0),
        ) as cf:
            listed = cf.PGCustomerFetchInstruments(
                x_api_version="2022-09-01", customer_id="cust_9", instrument_type="card"
            )
            assert [i.instrument_id for i in listed.data] == ["card-1"]
            crypto = cf.PGCustomerInstrumentsFetchCryptogram(customer_id="cust_9", instrument_id="card-1")
            assert crypto.data.card_number == "4111111111111111"
            seeded = cf.PGCustomerFetchInstrument(
                customer_id="siddhesh_desai", instrument_id=SEED_INSTRUMENT["instrument_id"]
            )
            assert json.loads(seeded.raw_data) == SEED_INSTRUMENT
    out = served.output
    assert "x-client-id: test_client_id" in out and "x-client-secret: test_client_secret" in out
    assert "curl" in out and "saved instruments: 2" in out
    if sys.platform != "win32":  # SIGTERM is handled as Ctrl-C: a clean stop
        assert served.proc.returncode == 0, served.stderr
        assert "Stopped." in out and served.stderr == ""


def test_mock_server_without_seed_holds_the_documented_card() -> None:
    with (
        Served("--port", "0") as served,
        Cashfree(XClientId="test_client_id", XClientSecret="test_client_secret", base_url=served.url) as cf,
    ):
        got = cf.PGCustomerFetchInstruments(customer_id="siddhesh_desai", instrument_type="card")
        assert [i.instrument_id for i in got.data] == [SEED_INSTRUMENT["instrument_id"]]
    assert "customers: siddhesh_desai" in served.output


def test_mock_server_in_process_until_stopped(capsys: pytest.CaptureFixture[str]) -> None:
    from cashfree_pg import cli
    from cashfree_pg._cli_mock import _mock_server

    stop = threading.Event()
    args = cli._parser().parse_args(["mock-server", "--port", "0", "--host", "localhost"])
    results: List[int] = []
    server = threading.Thread(target=lambda: results.append(_mock_server(args, stop)))
    server.start()
    out = ""
    deadline = time.monotonic() + 10
    while "Serving until interrupted" not in out and time.monotonic() < deadline:
        out += capsys.readouterr().out
        time.sleep(0.01)
    try:
        match = re.search(r"^url: (\S+)$", out, re.MULTILINE)
        assert match, out
        cf = Cashfree(XClientId="test_client_id", XClientSecret="test_client_secret", base_url=match.group(1))
        got = cf.PGCustomerFetchInstrument(customer_id="siddhesh_desai", instrument_id=SEED_INSTRUMENT["instrument_id"])
        assert got.data.instrument_id == SEED_INSTRUMENT["instrument_id"]
        cf.close()
    finally:
        stop.set()
        server.join(10)
    assert results == [0]
    assert "Stopped." in capsys.readouterr().out


def test_mock_server_busy_port_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert main(["mock-server", "--port", str(busy.getsockname()[1])]) == 2
    assert "already in use" in capsys.readouterr().err


def test_seed_file_forms(tmp_path: Path) -> None:
    from cashfree_pg._cli_mock import _read_seed

    items = [{"customer_id": "c"}]
    for content in (items, {"instruments": items}):
        path = tmp_path / "seed.json"
        path.write_text(json.dumps(content))
        assert _read_seed(str(path)) == items


def test_python_dash_m_entry(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["__main__.py", "--version"])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(ROOT / "cashfree_pg" / "__main__.py"), run_name="__main__")
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("cashfree_pg ")


# -- operations: instruments and erase ------------------------------------------------------

NETWORK_TOKEN = {"card_number": "4111111111111111", "cryptogram": "Q1JZUFRPR1JBTS1TRUNSRVQ="}


@pytest.fixture
def ops_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCashfree]:
    """A mock the environment points at, as an operator's shell would (no class attributes)."""
    with MockCashfree() as mock:
        for name in [k for k in os.environ if k.startswith("CASHFREE_")]:
            monkeypatch.delenv(name)
        for name, value in mock.environ().items():
            monkeypatch.setenv(name, value)
        yield mock


def _saved(mock: MockCashfree, customer_id: str, n: int = 2) -> List[str]:
    return [str(mock.add_instrument(customer_id, network_token=NETWORK_TOKEN).instrument_id) for _ in range(n)]


def _no_card_data(text: str) -> None:
    assert NETWORK_TOKEN["card_number"] not in text and NETWORK_TOKEN["cryptogram"] not in text
    assert "cryptogram" not in text.lower()


def test_instruments_list_show_and_delete(ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _saved(ops_mock, "cust_1")
    assert main(["instruments", "list", "cust_1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["INSTRUMENT", "ID", "DISPLAY"]
    assert first in out and second in out and "VISA" in out and "xxxxxxxxxxxx" in out
    assert main(["instruments", "list", "cust_1", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert sorted(i["instrument_id"] for i in listed) == sorted([first, second])
    assert main(["instruments", "show", "cust_1", first, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["instrument_status"] == "ACTIVE"
    assert main(["instruments", "show", "cust_1", first]) == 0
    assert "status:" in capsys.readouterr().out
    assert main(["instruments", "delete", "cust_1", first]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Deleted instrument {first}") and "request_id=" in out
    assert ops_mock.instrument(first).instrument_status == "INACTIVE"
    assert ops_mock.instrument(second).instrument_status == "ACTIVE"
    assert main(["instruments", "list", "cust_2"]) == 0
    assert "No saved cards for customer cust_2" in capsys.readouterr().out


def test_instruments_errors_are_one_line_with_the_request_id(
    ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["instruments", "show", "cust_1", "no-such-card"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "NotFoundException" in err and ops_mock.requests[-1].headers["x-request-id"] in err
    assert main(["instruments", "delete", "cust_1", "no-such-card"]) == 1
    assert "404" in capsys.readouterr().err
    (card,) = _saved(ops_mock, "cust_1", 1)
    ops_mock.set_instrument_status(card, "INACTIVE")
    assert main(["instruments", "delete", "cust_1", card, "--json"]) == 0  # deleted before: done
    assert json.loads(capsys.readouterr().out)["outcome"] == "already_inactive"


def test_no_verb_prints_a_cryptogram(
    ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    first, second = _saved(ops_mock, "cust_1")
    for argv in (
        ["instruments", "list", "cust_1"],
        ["instruments", "list", "cust_1", "--json"],
        ["instruments", "show", "cust_1", first],
        ["instruments", "show", "cust_1", first, "--json"],
        ["erase", "cust_1", "--dry-run", "--json"],
        ["instruments", "delete", "cust_1", first, "--json"],
        ["erase", "cust_1", "--audit-log", str(tmp_path / "a.jsonl")],
    ):
        assert main(argv) == 0, argv
        captured = capsys.readouterr()
        _no_card_data(captured.out + captured.err)
    _no_card_data((tmp_path / "a.jsonl").read_text())
    with pytest.raises(SystemExit) as info:
        main(["instruments", "cryptogram", "cust_1", second])
    assert info.value.code == 2


def test_credentials_come_from_the_environment_only(
    ops_mock: MockCashfree, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("CASHFREE_CLIENT_SECRET")
    assert main(["instruments", "list", "cust_1"]) == 2
    err = capsys.readouterr().err
    assert "CASHFREE_CLIENT_SECRET" in err and "command line" in err
    for flag in ("--client-secret", "--client-id", "--secret"):
        with pytest.raises(SystemExit) as info:
            main(["instruments", "list", "cust_1", flag, "x"])
        assert info.value.code == 2
    assert ops_mock.requests == []


def test_erase_succeeds_with_exit_0_and_json_summary(
    ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cards = _saved(ops_mock, "a") + _saved(ops_mock, "b")
    log = tmp_path / "audit.jsonl"
    assert main(["erase", "a", "b", "a", "--audit-log", str(log), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["customers"] == 2 and summary["finished"] == 2 and summary["failed"] == 0
    assert summary["cards"] == {"deleted": 4} and summary["failures"] == [] and not summary["interrupted"]
    assert all(ops_mock.instrument(c).instrument_status == "INACTIVE" for c in cards)
    assert main(["erase", "a", "b", "--audit-log", str(log), "--resume"]) == 0
    out = capsys.readouterr().out
    assert "2 skipped" in out and "Audit log:" in out


def test_erase_lists_failures_and_exits_1(
    ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (card,) = _saved(ops_mock, "a", 1)
    ops_mock.fail_next(503, times=3, retry_after=0)  # the listing and both retries, without waiting
    assert main(["erase", "a", "--audit-log", str(tmp_path / "a.jsonl")]) == 1
    out = capsys.readouterr().out
    assert "Customers not erased (1):" in out and "a: listing failed: ServiceException" in out
    assert ops_mock.requests[0].headers["x-request-id"] in out
    assert ops_mock.instrument(card).instrument_status == "ACTIVE"
    ops_mock.fail_next(503, times=3, retry_after=0)
    assert main(["erase", "a", "--audit-log", str(tmp_path / "a.jsonl"), "--json"]) == 1
    (failure,) = json.loads(capsys.readouterr().out)["failures"]
    assert failure["customer_id"] == "a" and failure["error"].startswith("listing failed")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["erase", "--audit-log", "x.jsonl"], "give customer ids"),
        (["erase", "a", "--from", "ids.txt", "--audit-log", "x.jsonl"], "not both"),
        (["erase", "a"], "--audit-log FILE is required"),
        (["erase", "a", "--dry-run", "--resume"], "--resume needs"),
        (["erase", "--from", "missing.txt", "--dry-run"], "cannot read"),
        (["erase", "--from", "bad.csv", "--dry-run"], "no customer_id column"),
        (["erase", "--from", "holes.csv", "--dry-run"], "line 3: empty customer_id"),
    ],
)
def test_erase_usage_errors_exit_2(
    ops_mock: MockCashfree,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: List[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ids.txt").write_text("a\n")
    (tmp_path / "bad.csv").write_text("id,name\n1,x\n")
    (tmp_path / "holes.csv").write_text("name,customer_id\nx,a\ny,\n")
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert ops_mock.requests == []


def test_erase_concurrency_is_checked(capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "65", "two"):
        with pytest.raises(SystemExit) as info:
            main(["erase", "a", "--dry-run", "--concurrency", bad])
        assert info.value.code == 2
    assert "from 1 to 64" in capsys.readouterr().err


def test_erase_reads_ids_from_a_csv_file_or_standard_input(
    ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for c in ("a", "b", "c"):
        _saved(ops_mock, c, 1)
    table = tmp_path / "closed.csv"
    table.write_text('\ufeffname,customer_id\n"Doe, J",a\nx,b\n\nx,b\n', encoding="utf-8")
    assert main(["erase", "--from", str(table), "--dry-run", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["customers"] == 2 and summary["cards"] == {"would_delete": 2}
    monkeypatch.setattr(sys, "stdin", io.StringIO("a\n\n c \n"))
    assert main(["erase", "--from", "-", "--audit-log", str(tmp_path / "a.jsonl")]) == 0
    assert "Erased 2 of 2 customers" in capsys.readouterr().out
    assert [i.instrument_status for i in ops_mock.instruments("b")] == ["ACTIVE"]  # only the dry run saw b


def test_erase_progress_only_when_asked_off_a_terminal(
    ops_mock: MockCashfree, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["erase", "a", "b", "--dry-run"]) == 0
    assert capsys.readouterr().err == ""
    assert main(["erase", "a", "b", "--dry-run", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "2/2 customers" in err and "/s" in err and "left" in err


def _ops_env(mock: MockCashfree, **extra: str) -> Dict[str, str]:
    return {**_env(), **mock.environ(), **extra}


def test_production_needs_yes_without_a_terminal(tmp_path: Path) -> None:
    with MockCashfree() as mock:
        (card,) = _saved(mock, "a", 1)
        env = _ops_env(mock, CASHFREE_ENVIRONMENT="production")
        argv = [sys.executable, "-m", "cashfree_pg", "erase", "a", "--audit-log", str(tmp_path / "a.jsonl")]
        # A new session has no controlling terminal: nobody can confirm, so nothing is done.
        out = subprocess.run(
            argv, env=env, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL, start_new_session=True
        )
        assert out.returncode == 2 and "PRODUCTION" in out.stderr and "--yes" in out.stderr
        assert mock.requests == [] and mock.instrument(card).instrument_status == "ACTIVE"
        out = subprocess.run(
            [*argv, "--yes"], env=env, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL
        )
        assert out.returncode == 0, out.stderr
        assert mock.instrument(card).instrument_status == "INACTIVE"


# Runs the command with the pseudo-terminal (argv[1]) as its controlling terminal.
_ON_TERMINAL = (
    "import os, sys; os.close(os.open(sys.argv[1], os.O_RDWR)); "
    "os.execv(sys.executable, [sys.executable, '-m', 'cashfree_pg', *sys.argv[2:]])"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pseudo-terminal as controlling terminal: Linux")
@pytest.mark.parametrize(("answer", "status"), [("yes", 0), ("no", 1)])
def test_production_asks_on_the_terminal(tmp_path: Path, answer: str, status: int) -> None:
    import select

    with MockCashfree() as mock:
        (card,) = _saved(mock, "a", 1)
        main_fd, terminal_fd = os.openpty()
        terminal = os.ttyname(terminal_fd)
        proc = subprocess.Popen(
            [sys.executable, "-c", _ON_TERMINAL, terminal, "instruments", "delete", "a", card],
            env=_ops_env(mock, CASHFREE_ENVIRONMENT="production"),
            stdin=subprocess.DEVNULL,  # the answer must come from the terminal, not standard input
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        shown = b""
        deadline = time.monotonic() + 20
        while b"Type yes" not in shown and time.monotonic() < deadline:
            if select.select([main_fd], [], [], 0.5)[0]:
                shown += os.read(main_fd, 1024)
        os.write(main_fd, answer.encode() + b"\n")
        _, err = proc.communicate(timeout=20)
        os.close(terminal_fd)
        os.close(main_fd)
        assert b"PRODUCTION" in shown and card.encode() in shown
        assert proc.returncode == status, err
        deleted = mock.instrument(card).instrument_status == "INACTIVE"
        assert deleted == (answer == "yes")
        assert ("Cancelled" in err) == (answer == "no")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_finishes_in_flight_deletes_writes_the_summary_exits_130_and_resume_completes(tmp_path: Path) -> None:
    import signal

    with MockCashfree() as mock:
        customers = [f"c{i}" for i in range(8)]
        cards = [card for c in customers for card in _saved(mock, c)]
        log = tmp_path / "audit.jsonl"
        mock.stall_next(0.25, times=12)  # slow requests: the job is still running when interrupted
        argv = [sys.executable, "-m", "cashfree_pg", "erase", *customers, "--audit-log", str(log)]
        proc = subprocess.Popen(
            [*argv, "--concurrency", "2"],
            env=_ops_env(mock),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 20
        while not any(r.method == "DELETE" for r in mock.requests) and time.monotonic() < deadline:
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "Stopping after the deletes in flight finish" in err and "Traceback" not in err
        assert "Interrupted:" in out and "--resume" in out
        records = [json.loads(line) for line in log.read_text().splitlines()]
        assert any(r["event"] == "instrument" and r["outcome"] == "deleted" for r in records)
        assert not any(r.get("outcome") == "failed" for r in records)  # stopped, not failed
        assert sum(1 for c in cards if mock.instrument(c).instrument_status == "INACTIVE") < len(cards)

        rerun = subprocess.run(
            [*argv, "--resume"],
            env=_ops_env(mock),
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert all(mock.instrument(c).instrument_status == "INACTIVE" for c in cards)
        assert all(mock.delete_count(c) == 1 for c in cards)  # nothing acted on twice
