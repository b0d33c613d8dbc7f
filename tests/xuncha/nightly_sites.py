"""A small portal on 127.0.0.1 for the nightly-operation tests (locks, probes, run --all).

Imported by the ``test_*`` modules beside it. Each :func:`serve` starts its own loopback
server (GET only; plain or TLS) whose behaviour a test switches at run time: `down` answers
503 everywhere, and while `gate` is clear every article request waits for it — a crawl that
is reliably still running.
"""

from __future__ import annotations

import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from loopback import Recorder, Reply, Request, Routes, Server, Site

ARTICLES = 6
GATE_LIMIT = 120  # seconds an article waits for the gate at most, so no thread outlives a test

HOME = (
    "<html><head><title>某县人民政府</title></head><body>"
    '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a>'
    '<a href="/hdjl/">在线咨询</a></div>'
    "</body></html>"
)
# 在线咨询: a page to write on (互动回应差 needs a working channel, and this is one).
BOARD = "<html><body><form><textarea name='question'></textarea></form></body></html>"
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


ARTICLE = "<html><body><h1>通知</h1><p>发布时间：2026-10-01</p></body></html>"
DOWN = Reply(503, body="<html><body>维护中</body></html>")
NOT_FOUND = Reply(404, body="<html><title>404</title></html>")


@dataclass
class PortalState:
    """What a test switches at run time, and what the portal was asked."""

    down: bool = False
    gate: threading.Event = field(default_factory=threading.Event)
    requests: Recorder = field(default_factory=Recorder)

    def __post_init__(self) -> None:
        self.gate.set()

    @property
    def hits(self) -> list[str]:
        """The target of every request, in order."""
        return [request.target for request in self.requests]


def _site(state: PortalState) -> Site:
    def article(request: Request) -> Reply:
        if not request.path.startswith("/zwgk/tzgg/a"):
            return NOT_FOUND
        state.gate.wait(GATE_LIMIT)
        return Reply(body=ARTICLE)

    routes = Routes(
        {
            "/": HOME,
            "/zwgk/": SECTION,
            "/zwgk/tzgg/": LISTING,
            "/hdjl/": BOARD,
            "/redirect": lambda request: _redirect(parse_qs(request.query)["to"][0]),
            "/loop": _redirect("/loop"),
            "/trickle": lambda request: _trickle(float(parse_qs(request.query)["pause"][0])),
        },
        default=article,
    )
    return lambda request: DOWN if state.down else routes(request)


def _redirect(location: str) -> Reply:
    return Reply(302, (("Location", location),), content_type=None)


def _trickle(pause: float) -> Reply:
    """A home page that answers at once but sends its body slowly: every read is quick, the
    whole is not."""
    chunk = b"<html><body>" + b"x" * 100
    return Reply(body=chunk * 6, content_type="text/html", chunk=len(chunk), trickle=pause)


@dataclass
class Portal:
    server: Server
    state: PortalState

    @property
    def port(self) -> int:
        return self.server.port

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        return self.server.url(path, host)


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[Portal]:
    state = PortalState()
    with Server(_site(state), tls=tls, methods=("GET",), recorder=state.requests) as server:
        try:
            yield Portal(server, state)
        finally:
            state.gate.set()  # let waiting articles go before the server closes


def descendants(pid: int) -> list[int]:
    """Every process under `pid` (children, theirs, …), read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [], [pid]
    while todo:
        pid = todo.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        todo += children
    return found


def profiles_folder(tmp_path: Path, **profiles: str) -> Path:
    """A folder of site profiles for `run --all`: file stem → YAML text."""
    folder = tmp_path / "sites"
    folder.mkdir()
    for stem, text in profiles.items():
        (folder / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return folder


def findings_of(path: Path) -> list[tuple[str, str, str]]:
    """A findings.json's findings as (id, check, status), sorted."""
    document = json.loads(path.read_text(encoding="utf-8"))
    return sorted((f["id"], f["check"], f["status"]) for f in document["findings"])


def wait_for(what: Callable[[], object], deadline: float = 90) -> None:
    end = time.monotonic() + deadline
    while not what():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.1)


def articles_asked(portal: Portal, since: int = 0) -> bool:
    """Whether the portal was asked for an article after its first `since` requests."""
    return any(p.startswith("/zwgk/tzgg/a") for p in portal.state.hits[since:])


def three_sites_and_a_bad_profile(tmp_path: Path, first: Portal, second: Portal,
                                  third: Portal) -> Path:  # fmt: skip
    """甲, 乙 and 丙 on the three portals, and `bad.yaml` (an unknown politeness key) between
    乙 and 丙 in the folder's order: a night's summary has four lines, one an error."""
    return profiles_folder(
        tmp_path,
        a=f"name: 甲县人民政府\nstart_urls: [{first.url()}]\n",
        b=f"name: 乙县人民政府\nstart_urls: [{second.url()}]\n",
        bad=f"start_urls: [{first.url()}]\npoliteness:\n  speed: 3\n",
        c=f"name: 丙县人民政府\nstart_urls: [{third.url()}]\n",
    )
