"""Responses with no end, or none at all, linked from a portal's page: the run still finishes.

One real inspection (``inspect_site``) crawls a loopback portal whose home page links hostile
servers on 127.0.0.2 (another host: its links are checked, not crawled), each on a port of its
own and written on raw sockets (the shared ``loopback`` server sends whole bodies with a
``Content-Length``; these do not):

- a gzip bomb: ``Content-Encoding: gzip``, ~200 kB on the wire, 200 MB of zeros inflated;
- a page larger than ``DOWNLOAD_MAXSIZE`` (crawler/settings.py, 32 MB), 200 MB made by a
  generator as it is sent, without ``Content-Length``, and an endless chunked response;
- a silent server (accepts, never answers) and a slowloris one (a byte every 3 s), against the
  profile's ``timeouts.request`` of 1.5 s (no retries);
- a server answering garbage instead of a status line.

The portal's own column lists two attachments (附件) under the profile's
``limits.max_attachment_bytes`` of 1 MB: the same gzip bomb as a PDF, and a 4 MB PDF.

Each hostile server answers ``HEAD`` with 405, so the spider asks again with ``GET`` and the
body is really downloaded. The run must be ``finished`` and ``complete``, and each hostile URL
gets what crawler/network/outcomes.py makes of it:

- cut at the size limit while downloading or while inflating (``too_large``: a page past the
  limit, an endless response, a gzip bomb, a large gzip-served document): the link works — no
  error, no finding, and the check's detail says it was cut;
- silent and slowloris: a ``broken_link`` ``timeout``;
- garbage: a ``broken_link`` ``connection_error`` (Twisted's ParseError), no crash.
"""

from __future__ import annotations

import json
import socket
import threading
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from loopback import Reply, Routes, Server
from sqlalchemy import select

from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Finding, LinkCheck, Run, Store

AS_OF = date(2026, 11, 26)
REQUEST_TIMEOUT = 1.5
MB = 1024 * 1024
HOSTILE_ADDRESS = "127.0.0.2"  # another host than the portal's: its links are only checked
REFUSED_HEAD = b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
STOP_AFTER = 120  # seconds: no hostile thread outlives the test


def _gzip_bomb(size: int = 200 * MB) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip container
    block = bytes(MB)
    parts = [packer.compress(block) for _ in range(size // MB)]
    parts.append(packer.flush())
    return b"".join(parts)


class RawServer:
    """A loopback listener on raw sockets: each connection is handed to ``behaviour`` in a
    thread of its own, once the request head is read (a ``HEAD`` gets 405: the body is what
    is tested; ``read_request=False`` hands over the connection unread). Every byte sent
    goes through :meth:`send`, which counts it."""

    def __init__(self, behaviour: Behaviour, *, read_request: bool = True) -> None:
        self.behaviour = behaviour
        self.read_request = read_request
        self.stopping = threading.Event()
        self.requests: list[str] = []
        self.sent = 0  # bytes sent, every connection
        self.hung_up = 0  # connections the crawler closed while this server was still sending
        self.done = 0  # connections whose behaviour ran to its end
        self._lock = threading.Lock()
        self.sock = socket.create_server((HOSTILE_ADDRESS, 0))
        self.sock.settimeout(0.2)
        self.threads: list[threading.Thread] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def url(self, path: str) -> str:
        return f"http://{HOSTILE_ADDRESS}:{self.port}{path}"

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        with self._lock:
            self.sent += len(data)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.read_request:
                    conn.settimeout(10)
                    head = b""
                    while b"\r\n\r\n" not in head:
                        data = conn.recv(4096)
                        if not data:
                            return
                        head += data
                    conn.settimeout(None)
                    line = head.split(b"\r\n", 1)[0].decode("latin-1")
                    self.requests.append(line)
                    if line.startswith("HEAD "):
                        self.send(conn, REFUSED_HEAD)
                        return
                self.behaviour(self, conn)
                with self._lock:
                    self.done += 1
            except OSError:
                with self._lock:
                    self.hung_up += 1  # what a download cut at its limit does

    def stop(self) -> None:
        self.stopping.set()
        self.sock.close()
        self.thread.join(timeout=5)
        for thread in self.threads:
            thread.join(timeout=5)


Behaviour = Callable[[RawServer, socket.socket], None]


def _bomb(body: bytes, content_type: bytes = b"text/html; charset=utf-8") -> Behaviour:
    def send(server: RawServer, conn: socket.socket) -> None:
        server.send(
            conn,
            b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Encoding: gzip\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (content_type, len(body)),
        )
        server.send(conn, body)

    return send


def _huge(size: int, content_type: bytes = b"text/html; charset=utf-8") -> Behaviour:
    """A document of ``size`` bytes, made as it is sent (a generator: the test never holds
    it), without ``Content-Length``: its end is the closed connection."""

    def blocks() -> Iterator[bytes]:
        block = b"<p>" + b"x" * 65_000 + b"</p>"
        yield b"<html><body>"
        for _ in range(size // len(block) + 1):
            yield block

    def send(server: RawServer, conn: socket.socket) -> None:
        server.send(conn, b"HTTP/1.0 200 OK\r\nContent-Type: %s\r\n\r\n" % content_type)
        for block in blocks():
            if server.stopping.is_set():
                return
            server.send(conn, block)

    return send


def _endless_chunked(server: RawServer, conn: socket.socket) -> None:
    """Chunks for ever: only the crawler hanging up (or the test's end) stops it."""
    server.send(
        conn,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n",
    )
    block = b"<p>" + b"y" * 65_000 + b"</p>"
    chunk = b"%x\r\n%s\r\n" % (len(block), block)
    while not server.stopping.is_set():
        server.send(conn, chunk)


def _silent(server: RawServer, conn: socket.socket) -> None:
    """Accepts, reads nothing, answers nothing."""
    server.stopping.wait(STOP_AFTER)


def _slowloris(server: RawServer, conn: socket.socket) -> None:
    """A status line and headers, one byte every 3 s: never a whole answer in 1.5 s."""
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>":
        server.send(conn, bytes([byte]))
        if server.stopping.wait(3):
            return


def _garbage(server: RawServer, conn: socket.socket) -> None:
    """No status line: bytes of another protocol, then the connection closed."""
    server.send(conn, b"\x00\xffSSH-2.0-garbage not http at all\r\n\r\n" + bytes(range(256)) * 4)


SECTION = (
    "<html><body><ul class='menu'><li><a href='/zwgk/tzgg/'>通知公告</a></li></ul></body></html>"
)
LISTING = (
    "<html><body><ul class='list'>"
    "<li><a href='bomb.pdf'>关于第1项工作的通知</a><span>2026-10-01</span></li>"
    "<li><a href='huge.pdf'>关于第2项工作的通知</a><span>2026-10-02</span></li>"
    "</ul></body></html>"
)
ATTACHMENT_LIMIT = MB  # the profile's limits.max_attachment_bytes


@pytest.fixture(scope="module")
def inspected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("bounded")
    bomb = _gzip_bomb()
    assert len(bomb) < MB  # ~200 kB on the wire
    servers = {
        "bomb.html": RawServer(_bomb(bomb)),
        "huge.html": RawServer(_huge(200 * MB)),
        "endless.html": RawServer(_endless_chunked),
        "silent.html": RawServer(_silent, read_request=False),
        "slowloris.html": RawServer(_slowloris),
        "garbage.html": RawServer(_garbage),
    }
    urls = {name: server.url(f"/{name}") for name, server in servers.items()}
    home = (
        "<html><head><title>某县人民政府</title></head><body>"
        '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div><ul>'
        + "".join(f"<li><a href='{url}'>通知{name}</a></li>" for name, url in urls.items())
        + "</ul></body></html>"
    )
    # The portal's own attachments (附件), listed in a column: fetched as attachments, under
    # the profile's max_attachment_bytes of 1 MB.
    pdf = "application/pdf"
    routes = {
        "/": home,
        "/zwgk/": SECTION,
        "/zwgk/tzgg/": LISTING,
        "/zwgk/tzgg/bomb.pdf": Reply(
            body=bomb, headers=(("Content-Encoding", "gzip"),), content_type=pdf
        ),
        "/zwgk/tzgg/huge.pdf": Reply(body=b"%PDF-1.4\n" + bytes(4 * MB), content_type=pdf),
    }
    portal = Server(Routes(dict(routes)), methods=("GET",)).start()
    profile = Profile.model_validate(
        {
            "name": "示范县人民政府",
            "start_urls": [portal.url("/")],
            "politeness": {"concurrent_per_host": 2, "delay": 0.0, "autothrottle": False},
            "timeouts": {"request": REQUEST_TIMEOUT, "retries": 0},
            "limits": {"max_attachment_bytes": ATTACHMENT_LIMIT},
        }
    )
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out", progress="off")
        document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
        with store.session() as session:
            run = session.scalars(select(Run)).one()
            stored = (run.status, run.complete, run.message)
            stats = dict(run.stats)
            checks = {
                c.target: (c.method, c.status, c.error, c.error_detail)
                for c in session.scalars(select(LinkCheck))
            }
            findings = {(f.check, f.subtype, f.url) for f in session.scalars(select(Finding))}
        yield {
            "outcome": outcome,
            "run": stored,
            "stats": stats,
            "checks": checks,
            "findings": findings,
            "document": document,
            "urls": urls,
            "servers": servers,
            "portal": portal,
        }
    finally:
        portal.stop()
        for server in servers.values():
            server.stop()
        store.dispose()


def _hostile(inspected: dict[str, Any]) -> dict[str, str]:
    """Name → URL of every hostile target: the servers' and the portal's two attachments."""
    portal = inspected["portal"]
    return {
        **inspected["urls"],
        "bomb.pdf": portal.url("/zwgk/tzgg/bomb.pdf"),
        "huge.pdf": portal.url("/zwgk/tzgg/huge.pdf"),
    }


def test_the_run_finishes_complete_with_one_finding_per_broken_target(
    inspected: dict[str, Any],
) -> None:
    outcome = inspected["outcome"]
    assert (outcome.status, outcome.complete, outcome.message) == ("finished", True, None)
    assert inspected["run"] == ("finished", True, None)
    # Bounded: the endless response and the silent server would otherwise hold it for ever.
    assert outcome.seconds < 60
    urls = _hostile(inspected)
    hostile = {f for f in inspected["findings"] if f[2] in urls.values()}
    assert hostile == {
        ("broken_link", "timeout", urls["silent.html"]),
        ("broken_link", "timeout", urls["slowloris.html"]),
        ("broken_link", "connection_error", urls["garbage.html"]),
    }
    exported = {(f["check"], f["subtype"], f["url"]) for f in inspected["document"]["findings"]}
    assert exported == inspected["findings"]


def test_a_gzip_bomb_is_cut_at_the_download_limit_while_inflating(
    inspected: dict[str, Any],
) -> None:
    """~200 kB on the wire, 200 MB inflated: inflating stops just past the limit — 32 MB for
    a checked link (DOWNLOAD_MAXSIZE), the profile's max_attachment_bytes for an attachment.
    Scrapy drops it with IgnoreRequest; it is ``too_large`` like any document past the limit:
    the link works (a large gzip-served PDF is no 断链), and the detail says where it was cut."""
    urls, checks = _hostile(inspected), inspected["checks"]
    method, status, error, detail = checks[urls["bomb.html"]]
    assert (method, status, error) == ("GET", None, None)
    assert detail.startswith("too_large: Ignored response")
    assert "exceeded DOWNLOAD_MAXSIZE (33554432 B) during decompression" in detail
    method, status, error, detail = checks[urls["bomb.pdf"]]
    assert (method, status, error) == ("GET", None, None)
    assert f"exceeded DOWNLOAD_MAXSIZE ({ATTACHMENT_LIMIT} B) during decompression" in detail
    named = {f[2] for f in inspected["findings"]}
    assert not named & {urls["bomb.html"], urls["bomb.pdf"]}
    assert inspected["servers"]["bomb.html"].requests == [
        "HEAD /bomb.html HTTP/1.1",
        "GET /bomb.html HTTP/1.1",
    ]


def test_a_page_past_the_limit_and_an_endless_response_are_cut_and_the_link_works(
    inspected: dict[str, Any],
) -> None:
    """Cancelled at the size limit (``too_large``): the document is there, the link works —
    no error, no finding. The crawler hangs up: neither server got to the end of its body."""
    urls, checks, servers = _hostile(inspected), inspected["checks"], inspected["servers"]
    for name in ("huge.html", "endless.html"):
        # No Content-Length: cut while receiving; Scrapy's cancellation carries no message.
        assert checks[urls[name]] == (
            "GET",
            None,
            None,
            "too_large: cut at the download size limit",
        ), name
        server = servers[name]
        assert (server.hung_up, server.done) == (1, 0), name
        assert 32 * MB < server.sent < 100 * MB, (name, server.sent)  # the limit, and buffers
    method, status, error, detail = checks[urls["huge.pdf"]]
    assert (method, status, error) == ("GET", None, None)
    assert detail.startswith(
        "too_large: Expected to receive 4194313 bytes which is larger than download "
        f"max size ({ATTACHMENT_LIMIT})"
    )
    named = {f[2] for f in inspected["findings"]}
    assert not named & {urls["huge.html"], urls["endless.html"], urls["huge.pdf"]}
    assert (
        inspected["stats"][
            "downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError"
        ]
        == 3
    )
    assert inspected["stats"]["xuncha/links/error/too_large"] == 5  # the bombs too
    assert "xuncha/links/error/None" not in inspected["stats"]


def test_a_silent_and_a_slowloris_server_time_out_at_the_profiles_request_timeout(
    inspected: dict[str, Any],
) -> None:
    urls, checks, servers = _hostile(inspected), inspected["checks"], inspected["servers"]
    for name in ("silent.html", "slowloris.html"):
        method, status, error, detail = checks[urls[name]]
        assert (method, status, error) == ("GET", None, "timeout"), name
        assert detail == f"Getting {urls[name]} took longer than {REQUEST_TIMEOUT} seconds."
    slowloris = servers["slowloris.html"]
    assert slowloris.requests == ["HEAD /slowloris.html HTTP/1.1", "GET /slowloris.html HTTP/1.1"]
    assert slowloris.done == 0  # never got its headers out
    assert servers["silent.html"].sent == 0


def test_garbage_instead_of_a_status_line_is_a_connection_error(
    inspected: dict[str, Any],
) -> None:
    url = _hostile(inspected)["garbage.html"]
    method, status, error, detail = inspected["checks"][url]
    assert (method, status, error) == ("GET", None, "connection_error")
    assert detail.startswith("DownloadFailedError: ")
    assert "twisted.web._newclient.ParseError" in detail and "non-integer status code" in detail
