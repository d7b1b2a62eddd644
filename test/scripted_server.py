"""A loopback HTTP server whose answers the test scripts, for the low-level transport tests.

Each request is recorded; each answer is taken from a queue (or the default), and can also be a
fault: a stall longer than the client's timeout, or a connection closed without an answer.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Union

from cashfree_pg.testing._sample import SAMPLE_INSTRUMENT_ID, sample_instrument

# The seed document's sample instrument and cryptogram, from the testing kit's copy.
SEED_INSTRUMENT: Dict[str, Any] = sample_instrument()
SEED_CRYPTOGRAM: Dict[str, Any] = {
    "instrument_id": SAMPLE_INSTRUMENT_ID,
    **SEED_INSTRUMENT.pop("network_token"),
    "cryptogram": "AQBBBBBBZatIlaIAmWKSghwBBBB=",
}


class Reply:
    """One scripted answer. ``action`` is "reply", "stall" (sleep ``delay`` then reply) or "drop"."""

    def __init__(
        self,
        status: int = 200,
        body: Union[bytes, str, Any] = b"",
        headers: Optional[Dict[str, str]] = None,
        action: str = "reply",
        delay: float = 0.0,
    ) -> None:
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body)
        self.status = status
        self.body = body.encode() if isinstance(body, str) else body
        self.headers = headers or {"Content-Type": "application/json"}
        self.action = action
        self.delay = delay


class Recorded:
    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body


class ScriptedServer:
    def __init__(self, ssl_context: Optional[ssl.SSLContext] = None) -> None:
        self.requests: List[Recorded] = []
        self.queue: List[Reply] = []
        self.default: Optional[Reply] = None
        #: When set, builds the answer from the request (after the queue is empty).
        self.responder: Optional[Callable[[Recorded], Reply]] = None
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server.lock:
                    server.requests.append(Recorded(self.command, self.path, headers, body))
                    reply = server.queue.pop(0) if server.queue else server.default
                if reply is None and server.responder is not None:
                    reply = server.responder(server.requests[-1])
                if reply is None:
                    reply = Reply(500, {"message": "no scripted reply", "code": "test", "type": "api_error"})
                if reply.action == "drop":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if reply.action == "stall":
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_GET = do_DELETE = do_POST = _handle

        # Recorded is defined below; the handler only needs it at request time.

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        scheme = "http"
        if ssl_context is not None:
            self.httpd.socket = ssl_context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/pg"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def start(self) -> ScriptedServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def reply(self, *replies: Reply) -> None:
        with self.lock:
            self.queue.extend(replies)

    @property
    def last(self) -> Recorded:
        return self.requests[-1]
