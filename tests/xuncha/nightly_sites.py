"""A small portal on 127.0.0.1 for the nightly-operation tests (locks, probes, run --all).

Imported by the ``test_*`` modules beside it. Each :func:`serve` starts its own threaded
server whose behaviour a test switches at run time: `down` answers 503 everywhere, and while
`gate` is clear every article request waits for it — a crawl that is reliably still running.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

ARTICLES = 6
GATE_LIMIT = 120  # seconds an article waits for the gate at most, so no thread outlives a test

HOME = (
    "<html><head><title>某县人民政府</title></head><body>"
    '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'
    "</body></html>"
)
SECTION = (
    "<html><body><ul class='menu'><li><a href='/zwgk/tzgg/'>通知公告</a></li></ul></body></html>"
)
LISTING = (
    "<html><body><ul class='list'>"
    + "".join(
        f"<li><a href='a{i}.html'>关于第{i}项工作的通知</a><span>2026-10-0{i}</span></li>"
        for i in range(1, ARTICLES + 1)
    )
    + "</ul></body></html>"
)


@dataclass
class PortalState:
    down: bool = False
    gate: threading.Event = field(default_factory=threading.Event)
    hits: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate.set()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: PortalState, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state
        self.tls = tls

    def finish_request(self, request: Any, client_address: Any) -> None:
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate: nothing to serve
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up mid-answer (timeouts, killed crawls) are part of the tests


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
        state = self.server.state
        state.hits.append(self.path)
        parts = urlsplit(self.path)
        if state.down:
            self._reply(503, "<html><body>维护中</body></html>")
        elif parts.path == "/":
            self._reply(200, HOME)
        elif parts.path == "/zwgk/":
            self._reply(200, SECTION)
        elif parts.path == "/zwgk/tzgg/":
            self._reply(200, LISTING)
        elif parts.path.startswith("/zwgk/tzgg/a"):
            state.gate.wait(GATE_LIMIT)
            self._reply(200, "<html><body><h1>通知</h1><p>发布时间：2026-10-01</p></body></html>")
        elif parts.path == "/redirect":
            self._redirect(parse_qs(parts.query)["to"][0])
        elif parts.path == "/loop":
            self._redirect("/loop")
        elif parts.path == "/trickle":
            self._trickle(float(parse_qs(parts.query)["pause"][0]))
        else:
            self._reply(404, "<html><title>404</title></html>")

    def _reply(self, status: int, body: str) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _trickle(self, pause: float) -> None:
        """A home page that answers at once but sends its body slowly: every read is quick,
        the whole is not."""
        chunks = [b"<html><body>" + b"x" * 100 for _ in range(6)]
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(sum(len(c) for c in chunks)))
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(chunk)
            self.wfile.flush()
            time.sleep(pause)

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Portal:
    server: _Server
    state: PortalState
    scheme: str

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[Portal]:
    state = PortalState()
    server = _Server(state, tls)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Portal(server, state, "https" if tls else "http")
    finally:
        state.gate.set()  # let waiting articles go before the server closes
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
