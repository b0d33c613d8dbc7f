"""The demo portal's HTTP and HTTPS listeners, virtual hosts and request accounting.

Two stdlib ``ThreadingHTTPServer`` listeners on 127.0.0.1 ephemeral ports, each in a daemon
thread: one plain HTTP, one HTTPS whose certificate is chosen by SNI (see
:mod:`xuncha.demo.certs`). The ``Host`` header picks the virtual host; :mod:`xuncha.demo.site`
answers. Every answered request is recorded, so tests can count what a crawl fetched.

The refused-connection host needs a port where nothing listens. The portal binds a third
socket and never calls ``listen()`` on it: on Linux a connection to a bound, non-listening port
is refused (RST), and holding the socket keeps the port from being reused by anyone else until
:meth:`DemoPortal.stop`. (The simpler bind-read-close reservation would leave a tiny race in
which another process could take the port; on systems that accept connections to a bound
socket only after ``listen()`` both behave the same.)
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from xuncha.demo.certs import DemoCertificates, mint_certificates
from xuncha.demo.editions import DEMO_NIGHTS, Edition
from xuncha.demo.render import SiteLinks
from xuncha.demo.site import CLOSED_HOST, DemoSite

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class RecordedRequest:
    """One request the portal answered; ``at`` is wall-clock seconds (``time.time()``)."""

    method: str
    scheme: str
    host: str
    path_with_query: str
    status: int
    at: float


class DemoPortal:
    """The bundled demo portal: start it, point a crawler at it, count what it fetched.

    ``work_dir`` receives ``ca.pem`` (the demo CA to trust). ``night`` is the edition served
    (1: as published; 2: after a rectification; 3: one fixed defect back; see
    :mod:`xuncha.demo.editions`), switched on a running portal by :meth:`set_night`.
    ``slow_seconds`` is how long the slow host waits before answering; it should exceed the
    crawler's request timeout.
    """

    def __init__(
        self,
        work_dir: str | os.PathLike[str],
        *,
        night: int = 1,
        slow_seconds: float = 5.0,
    ) -> None:
        self.work_dir = Path(work_dir)
        self.slow_seconds = slow_seconds
        self._night = Edition(night).night  # refuses an unknown night
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._stopping = threading.Event()
        self._servers: list[_PortalHTTPServer] = []
        self._threads: list[threading.Thread] = []
        self._closed_socket: socket.socket | None = None
        self._certs: DemoCertificates | None = None
        self._site: DemoSite | None = None
        self._sites: dict[int, DemoSite] = {}  # each night rendered once per start

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> DemoPortal:
        if self._servers:
            return self
        self.work_dir.mkdir(parents=True, exist_ok=True)
        self._stopping.clear()
        self._certs = mint_certificates(self.work_dir)
        self._certs.portal.sni_callback = self._choose_certificate
        http = _PortalHTTPServer((LOOPBACK, 0), self, "http")
        https = _PortalHTTPServer((LOOPBACK, 0), self, "https", self._certs.portal)
        self._closed_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._closed_socket.bind((LOOPBACK, 0))
        self._servers = [http, https]
        self._site = self._site_for(self._night)
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever,
                kwargs={"poll_interval": 0.1},
                name=f"demo-portal-{server.scheme}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        if self._closed_socket is not None:
            self._closed_socket.close()
        self._servers, self._threads, self._closed_socket = [], [], None
        self._sites.clear()  # a restart listens on new ports: its pages link them

    # --- nights ------------------------------------------------------------------------------

    @property
    def night(self) -> int:
        return self._night

    @property
    def as_of(self) -> dt.date:
        """The inspection date of the night served (:data:`~xuncha.demo.editions.DEMO_NIGHTS`)."""
        return DEMO_NIGHTS[self._night]

    def set_night(self, night: int) -> None:
        """Serve ``night``'s edition from the next request on: same ports, certificates and CA,
        so one site (and one database) sees the nights in turn. Switch between crawls, not
        during one. The 429 counter starts afresh; recorded requests are kept (:meth:`reset`)."""
        self._night = Edition(night).night  # refuses an unknown night before anything changes
        if self._servers:
            site = self._site_for(night)
            site.reset()
            self._site = site

    def _site_for(self, night: int) -> DemoSite:
        if night not in self._sites:
            links = SiteLinks(self.http_port, self.https_port, self.closed_port)
            self._sites[night] = DemoSite(links, self.slow_seconds, night)
        return self._sites[night]

    def __enter__(self) -> DemoPortal:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- addresses ---------------------------------------------------------------------------

    @property
    def http_port(self) -> int:
        return int(self._servers[0].server_address[1])

    @property
    def https_port(self) -> int:
        return int(self._servers[1].server_address[1])

    @property
    def closed_port(self) -> int:
        """A loopback port where connections are refused (the ``closed`` host's port)."""
        assert self._closed_socket is not None, "the portal is not started"
        return int(self._closed_socket.getsockname()[1])

    @property
    def ca_pem_path(self) -> Path:
        return self.work_dir / "ca.pem"

    @property
    def site(self) -> DemoSite:
        assert self._site is not None, "the portal is not started"
        return self._site

    def url(self, host: str, path: str = "/", scheme: str = "https") -> str:
        """The URL of ``path`` on a demo host, with the listener's port."""
        if host == CLOSED_HOST:
            port = self.closed_port
        else:
            port = self.https_port if scheme == "https" else self.http_port
        return f"{scheme}://{host}:{port}{path}"

    # --- request accounting ------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of every request answered since start or the last :meth:`reset`."""
        with self._lock:
            return list(self._requests)

    def count(
        self, method: str | None = None, host: str | None = None, path: str | None = None
    ) -> int:
        """How many recorded requests match every given filter.

        ``path`` is compared percent-decoded: with a ``?`` against path and query, without one
        against the path alone (so ``path="/zcjd/"`` also counts ``/zcjd/?page=2``).
        """
        wanted = unquote(path) if path is not None else None
        matched = 0
        for seen in self.requests:
            if method is not None and seen.method != method.upper():
                continue
            if host is not None and seen.host != host.lower():
                continue
            if wanted is not None:
                target = unquote(seen.path_with_query)
                if "?" not in wanted:
                    target = target.split("?", 1)[0]
                if target != wanted:
                    continue
            matched += 1
        return matched

    def reset(self) -> None:
        """Forget recorded requests and the 429 counters (run-scoped state)."""
        with self._lock:
            self._requests.clear()
        if self._site is not None:
            self._site.reset()

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _choose_certificate(
        self, connection: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext
    ) -> None:
        assert self._certs is not None
        connection.context = self._certs.context_for(server_name)


class _PortalHTTPServer(ThreadingHTTPServer):
    """A listener that, for HTTPS, does the TLS handshake in the request's own thread."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        portal: DemoPortal,
        scheme: str,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.portal = portal
        self.scheme = scheme
        self.tls = tls
        super().__init__(address, _PortalHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN; a loopback server needs no DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = LOOPBACK, self.server_address[1]

    def finish_request(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        # A datagram server's request is a (data, socket) pair; a TCP server's, its connection.
        assert isinstance(request, socket.socket), "a TCP server's request is a socket"
        request.settimeout(10)
        if self.tls is None:
            super().finish_request(request, client_address)
            return
        try:
            wrapped = self.tls.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # the client refused our certificate (or went away): nothing to answer
        try:
            super().finish_request(wrapped, client_address)  # the handler, on the TLS socket
        finally:
            wrapped.close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-answer are routine for a crawler target; stay quiet."""


class _PortalHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoPortal/1.0"
    timeout = 15
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms stalls
    server: _PortalHTTPServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self.close_connection = True  # the body is not read; do not reuse the connection
        self._serve("POST")

    def _serve(self, method: str) -> None:
        portal = self.server.portal
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].rstrip(".").lower()
        target = _request_target(self.path)
        reply = portal.site.respond(self.server.scheme, host, method, target)
        portal._record(
            RecordedRequest(method, self.server.scheme, host, target, reply.status, time.time())
        )
        if reply.delay and portal._stopping.wait(reply.delay):
            self.close_connection = True
            return
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(reply.body)
        except OSError:
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the portal records requests itself (see :attr:`DemoPortal.requests`)."""


def _request_target(raw: str) -> str:
    """The request target as text: http.server decodes it as Latin-1; raw UTF-8 is undone."""
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw
