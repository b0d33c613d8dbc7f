"""One loopback HTTP(S) listener: a site answers, a recorder counts, a daemon thread serves.

A stdlib ``ThreadingHTTPServer`` bound to 127.0.0.x (port 0: the kernel picks a free one, so
tests never collide), serving in a daemon thread, one thread per connection. Why stdlib and
threads: a crawl under test runs Twisted in this process or another one; a server of its own
thread needs no reactor and cannot be starved by the crawl it answers.

- ``server_bind`` skips ``HTTPServer``'s FQDN lookup: a loopback fixture needs no DNS (and the
  suite's network guard would see the reverse lookup).
- With ``tls`` (a server-side :class:`ssl.SSLContext`), each connection's handshake is done in
  its own thread; a client that refuses the certificate simply gets nothing.
- ``methods``: the methods the site answers; any other gets ``http.server``'s own 501 and is
  not recorded (a server without HEAD support never sees the HEAD as a request of its site).
- Delays wait on the server's stop event, so :meth:`Server.stop` returns at once even while a
  reply is held back; ``stop`` joins every handler thread, so nothing outlives the test.
- Clients that hang up mid-answer are routine for a crawler's target and stay quiet; any other
  error in a handler (a bug in a site) is printed to stderr.

Several listeners make one portal on several addresses (``127.0.0.2``, ``127.0.0.3``) or
ports: give each its own :class:`Server`, the same ``port`` and one shared ``recorder``.
"""

from __future__ import annotations

import socketserver
import ssl
import sys
import threading
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .recorder import Recorder
from .routes import Reply, Site


class Server:
    """A loopback server of ``site``, started by :meth:`start` or ``with``.

    ``protocol`` ``"HTTP/1.1"`` keeps connections alive as a production server does;
    ``"HTTP/1.0"`` (the default) closes each after one answer.
    """

    def __init__(
        self,
        site: Site,
        *,
        address: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        protocol: str = "HTTP/1.0",
        methods: tuple[str, ...] = ("GET", "HEAD"),
        recorder: Recorder | None = None,
    ) -> None:
        self.site = site
        self.tls = tls
        self.protocol = protocol
        self.methods = methods
        self.requests = Recorder() if recorder is None else recorder
        self.connections = 0  # accepted, TLS handshakes included whether they succeed or not
        self.stopping = threading.Event()
        self._bind = (address, port)
        self._lock = threading.Lock()
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> Server:
        if self._http is None:
            self.stopping.clear()
            self._http = _HTTPServer(self._bind, self)
            self._thread = threading.Thread(
                target=self._http.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True,
                name=f"loopback-{self.address}:{self.port}",
            )  # fmt: skip
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._http is None:
            return
        self.stopping.set()
        self._http.shutdown()
        self._http.server_close()  # joins the handler threads
        assert self._thread is not None
        self._thread.join(timeout=10)
        self._http, self._thread = None, None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        self.stop()

    # --- addresses --------------------------------------------------------------------------

    @property
    def address(self) -> str:
        assert self._http is not None, "the server is not started"
        return str(self._http.server_address[0])

    @property
    def port(self) -> int:
        assert self._http is not None, "the server is not started"
        return int(self._http.server_address[1])

    @property
    def scheme(self) -> str:
        return "http" if self.tls is None else "https"

    def url(self, path: str = "/", host: str | None = None, scheme: str | None = None) -> str:
        """``path`` on this listener, under ``host`` (a name the client maps to the address)."""
        return f"{scheme or self.scheme}://{host or self.address}:{self.port}{path}"

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], owner: Server) -> None:
        self.owner = owner
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def finish_request(self, request: Any, client_address: Any) -> None:
        self.owner._connected()
        tls = self.owner.tls
        if tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused the certificate or went away: nothing to serve
        try:
            super().finish_request(wrapped, client_address)
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # OSError: the client hung up
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    timeout = 15  # an idle kept-alive connection is dropped, so stop() never waits on it
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms stalls
    server: _HTTPServer

    def setup(self) -> None:
        self.protocol_version = self.server.owner.protocol
        super().setup()

    def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
        self._serve()

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve()

    def _serve(self) -> None:
        owner = self.server.owner
        if self.command not in owner.methods:
            self.send_error(501, f"Unsupported method ({self.command!r})")
            return
        address, port = self.server.server_address[:2]
        request = owner.requests.add(self.command, self.path, self.headers, str(address),
                                     int(port), owner.scheme)  # fmt: skip
        reply = owner.site(request)
        if _not_modified(reply, self.headers.get("If-None-Match")):
            reply = replace(reply, status=304, body=b"")
        request.status = reply.status
        if reply.delay and owner.stopping.wait(reply.delay):
            self.close_connection = True
            return
        data = reply.data
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        if reply.status != 304:
            self.send_header("Content-Length", str(len(data)))
        for name, value in reply.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command == "HEAD" or reply.status == 304:
            return
        size = reply.chunk or len(data) or 1
        for start in range(0, len(data), size):
            self.wfile.write(data[start : start + size])
            if reply.trickle:
                self.wfile.flush()
                if owner.stopping.wait(reply.trickle):
                    self.close_connection = True
                    return

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Silent: requests are in the server's recorder."""


def _not_modified(reply: Reply, if_none_match: str | None) -> bool:
    etag = reply.header("ETag")
    if etag is None or if_none_match is None or reply.status != 200:
        return False
    named = {tag.strip() for tag in if_none_match.split(",")}
    return "*" in named or etag in named
