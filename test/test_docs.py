"""Every ```python block of README.md and docs/*.md runs as written, against MockCashfree.

The blocks of one file run in order in one namespace (a later block may use what an earlier one
configured), each against the same mock, which holds the instruments the docs name. The SDK is
pointed at the mock with ``CASHFREE_BASE_URL``, so the credentials are the ones the docs write.

A block is only compiled when the line before its fence marks it:

* ``<!-- signature -->``: a method signature, compiled as the ``def`` line it shows;
* ``<!-- fragment -->``: code that needs what the docs cannot provide (a web framework, your own
  functions), compiled only.

Examples catch ``Exception`` and print it, as the official docs do; so the runner's ``print``
fails the block when it is given an exception, rather than letting a failed call pass. Test
functions a block defines (``def test_...``) are called, with a fresh ``cashfree_mock`` and a
``monkeypatch`` as parameters when they ask for them.

Webhook examples get ``raw_body``/``rawBody``, ``signature``, ``timestamp`` and ``secret``: a
webhook signed with the docs' client secret, as a request to the endpoint would carry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json
import re
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Optional

import pytest

from cashfree_pg.testing import MockCashfree

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKERS = ("signature", "fragment")
_FENCE = re.compile(r"^(?P<indent> *)```python\s*$")
_MARKER = re.compile(r"^\s*<!--\s*(signature|fragment)\s*-->\s*$")

# The instruments the examples name (customer and instrument ids of the official docs).
DOC_INSTRUMENTS = [{"customer_id": "siddhesh_desai", "instrument_id": "54deabb4-ba45-4a60-9e6a-9c016fe7ab10"}]
DOC_CLIENT_SECRET = "<x-client-secret>"  # the placeholder the docs configure


class Block(NamedTuple):
    path: Path
    line: int  # of the opening fence, 1-based
    code: str
    marker: Optional[str]

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def extract(path: Path) -> List[Block]:
    """The python blocks of a Markdown file, dedented, with the marker on the line before."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: List[Block] = []
    i = 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        indent = len(fence.group("indent"))
        start = i
        body: List[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i][indent:] if lines[i][:indent].strip() == "" else lines[i])
            i += 1
        previous = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        marked = _MARKER.match(previous)
        blocks.append(Block(path, start + 1, "\n".join(body) + "\n", marked.group(1) if marked else None))
        i += 1
    return blocks


def test_the_extractor_finds_blocks_markers_and_indented_fences(tmp_path: Path) -> None:
    doc = tmp_path / "x.md"
    doc.write_text(
        "text\n```python\nx = 1\n```\n<!-- fragment -->\n\n```python\ny(\n```\n"
        "- item:\n\n  ```python\n  z = 2\n  ```\n```json\n{}\n```\n",
        encoding="utf-8",
    )
    blocks = extract(doc)
    assert [(b.line, b.code, b.marker) for b in blocks] == [
        (2, "x = 1\n", None),
        (7, "y(\n", "fragment"),
        (12, "z = 2\n", None),
    ]


def test_every_doc_has_been_searched() -> None:
    found = {b.path.name for path in DOCS for b in extract(path)}
    assert {"README.md", "TokenVault.md", "Webhooks.md"} <= found


class _ExamplePrinted(AssertionError):
    pass


def _recording_print(out: List[str]) -> Callable[..., None]:
    def doc_print(*args: Any, **kwargs: Any) -> None:
        for arg in args:
            if isinstance(arg, BaseException):
                raise _ExamplePrinted(f"the example printed an exception: {type(arg).__name__}: {arg}")
        out.append(" ".join(str(a) for a in args))

    return doc_print


def _signed_webhook() -> Dict[str, str]:
    body = json.dumps(
        {
            "data": {
                "instrument": {"customer_id": "siddhesh_desai", "instrument_id": "i1", "instrument_status": "ACTIVE"}
            },
            "event_time": "2024-01-01T10:00:00+05:30",
            "type": "INSTRUMENT_ACTIVE_WEBHOOK",
        }
    )
    timestamp = str(int(time.time() * 1000))
    digest = hmac.new(DOC_CLIENT_SECRET.encode(), (timestamp + body).encode(), hashlib.sha256).digest()
    signature = base64.b64encode(digest).decode()
    return {
        "raw_body": body,
        "rawBody": body,
        "signature": signature,
        "timestamp": timestamp,
        "secret": DOC_CLIENT_SECRET,
    }


def _call_test_functions(namespace: Dict[str, Any], before: set[str], block: Block) -> None:
    for name, func in list(namespace.items()):
        if name in before or not name.startswith("test_") or not callable(func):
            continue
        params = list(inspect.signature(func).parameters)
        unknown = [p for p in params if p not in ("cashfree_mock", "monkeypatch")]
        assert not unknown, f"{block.where}: {name} needs fixtures {unknown}; mark the block <!-- fragment -->"
        with MockCashfree() as fresh:
            patcher = pytest.MonkeyPatch()
            try:
                given = {"cashfree_mock": fresh, "monkeypatch": patcher}
                func(**{p: given[p] for p in params})
            finally:
                patcher.undo()


def _run(block: Block, namespace: Dict[str, Any]) -> None:
    if block.marker == "signature":
        compile(f"def {block.code.strip()}: ...\n", block.where, "exec")
        return
    code = compile(block.code, block.where, "exec")
    if block.marker == "fragment":
        return
    before = set(namespace)
    exec(code, namespace)
    _call_test_functions(namespace, before, block)


class _Recorder:
    """A stand-in for a metrics or tracing object: records what it is called with."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.calls: List[Any] = [(args, kwargs)]

    def __getattr__(self, name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> _Recorder:
            self.calls.append((name, args, kwargs))
            return self

        return record


def _stand_in_observability_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/Observability.md imports OpenTelemetry and prometheus_client; where they are not
    installed, the examples run against recording stand-ins so the SDK's side is still exercised."""
    import types

    for name in ("opentelemetry", "prometheus_client"):
        try:
            __import__(name)
        except ImportError:
            module = types.ModuleType(name)
            if name == "opentelemetry":
                trace = types.ModuleType("opentelemetry.trace")
                trace.get_tracer = _Recorder  # type: ignore[attr-defined]
                module.trace = trace  # type: ignore[attr-defined]
                monkeypatch.setitem(sys.modules, "opentelemetry.trace", trace)
            else:
                module.Counter = _Recorder  # type: ignore[attr-defined]
                module.Histogram = _Recorder  # type: ignore[attr-defined]
            monkeypatch.setitem(sys.modules, name, module)


@pytest.fixture
def doc_mock(monkeypatch: pytest.MonkeyPatch) -> Iterator[MockCashfree]:
    _stand_in_observability_libraries(monkeypatch)
    with MockCashfree(instruments=DOC_INSTRUMENTS) as mock:
        monkeypatch.setenv("CASHFREE_BASE_URL", mock.url)
        yield mock


@pytest.mark.parametrize("path", DOCS, ids=[p.name for p in DOCS])
def test_every_python_block_runs_as_written(path: Path, doc_mock: MockCashfree) -> None:
    out: List[str] = []
    namespace: Dict[str, Any] = {"__name__": f"doc_{path.stem}", "print": _recording_print(out)}
    if path.name == "Webhooks.md":
        namespace.update(_signed_webhook())
    failures = []
    for block in extract(path):
        for saved in DOC_INSTRUMENTS:  # an earlier example may have deleted it
            doc_mock.set_instrument_status(saved["instrument_id"], "ACTIVE")
        try:
            _run(block, namespace)
        except Exception as exc:
            failures.append(f"{block.where}: {type(exc).__name__}: {str(exc)[:300]}")
    assert not failures, "\n".join(failures)
