"""``python -m cashfree_pg``: the demo and the mock server, run as a merchant would run them."""

from __future__ import annotations

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
from typing import Dict, List

import pytest

from cashfree_pg import Cashfree, RetryPolicy
from cashfree_pg.cli import main
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

    stop = threading.Event()
    args = cli._parser().parse_args(["mock-server", "--port", "0", "--host", "localhost"])
    results: List[int] = []
    server = threading.Thread(target=lambda: results.append(cli._mock_server(args, stop)))
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
    from cashfree_pg import cli

    items = [{"customer_id": "c"}]
    for content in (items, {"instruments": items}):
        path = tmp_path / "seed.json"
        path.write_text(json.dumps(content))
        assert cli._read_seed(str(path)) == items


def test_python_dash_m_entry(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["__main__.py", "--version"])
    with pytest.raises(SystemExit) as info:
        runpy.run_path(str(ROOT / "cashfree_pg" / "__main__.py"), run_name="__main__")
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("cashfree_pg ")
