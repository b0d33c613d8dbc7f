"""A host's HEAD "not found" stands alone once three GETs confirmed it, and never on a host
whose HEAD lies or is refused — counted from the server's side of a real crawl.

One loopback server plays the portal (127.0.0.1, a home page linking every target) and five
outside hosts (names mapped to 127.0.0.1 by the profile's ``network.hosts``), each answering
HEAD and GET its own way. The crawl runs one request at a time, so a host's answers come in
order and the figures are exact.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from crawler.spiders.state import HEAD_TRUST_AFTER
from xuncha.profile import Profile
from xuncha.runner import inspect_site
from xuncha.store import LinkCheck, Run, Store

AS_OF = date(2026, 11, 26)
TARGETS = 10  # broken-looking links per outside host


@dataclass(frozen=True)
class Host:
    head: int  # what every HEAD gets
    gets: tuple[int, ...]  # the host's n-th GET gets gets[n] (the last one repeats)


HOSTS = {
    "agree.example.org": Host(404, (404,)),  # HEAD tells the truth: trusted after three
    "gone.example.org": Host(410, (410,)),
    "lying.example.org": Host(404, (200,)),  # HEAD 404, the page works
    "refuse.example.org": Host(405, (404,)),  # HEAD refused: never trusted
    "fickle.example.org": Host(404, (404, 404, 200, 404)),  # two agree, the third lies
}
TRUSTED = TARGETS - HEAD_TRUST_AFTER
# (host, GETs it gets, the broken targets recorded: how many by (method, status))
CASES = [
    ("agree.example.org", HEAD_TRUST_AFTER, {("GET", 404): 3, ("HEAD", 404): TRUSTED}),
    ("gone.example.org", HEAD_TRUST_AFTER, {("GET", 410): 3, ("HEAD", 410): TRUSTED}),
    ("lying.example.org", TARGETS, {}),
    ("refuse.example.org", TARGETS, {("GET", 404): TARGETS}),
    ("fickle.example.org", TARGETS, {("GET", 404): TARGETS - 1}),
]
IDS = ["head-and-get-agree-404", "head-and-get-agree-410", "head-lies", "head-refused-405",
       "head-contradicted-once"]  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    server: _Lab

    def do_GET(self) -> None:  # noqa: N802  (http.server's naming)
        self._answer("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer("HEAD")

    def _answer(self, method: str) -> None:
        host = self.headers.get("Host", "").rsplit(":", 1)[0]
        with self.server.lock:
            self.server.log.append((host, method, self.path))
            nth = sum(1 for h, m, _ in self.server.log if (h, m) == (host, "GET")) - 1
        status, body = self._reply(host, method, nth)
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if method == "GET":
            self.wfile.write(data)

    def _reply(self, host: str, method: str, nth: int) -> tuple[int, str]:
        if host == "127.0.0.1" and self.path == "/":
            return 200, self.server.home
        behaviour = HOSTS.get(host)
        if behaviour is None:
            return 404, "<html><body>404</body></html>"
        gets = behaviour.gets
        status = behaviour.head if method == "HEAD" else gets[min(nth, len(gets) - 1)]
        return status, f"<html><head><title>{status}</title></head><body>{status}</body></html>"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class _Lab(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.log: list[tuple[str, str, str]] = []  # (host, method, path)
        self.lock = threading.Lock()
        port = self.server_address[1]
        links = "".join(
            f'<li><a href="http://{host}:{port}/missing/{n}.html">链接{n}</a></li>'
            for host in HOSTS
            for n in range(TARGETS)
        )
        self.home = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范县人民政府</title>'
            f'</head><body><ul class="links">{links}</ul></body></html>'
        )


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("head-trust")
    lab = _Lab()
    threading.Thread(target=lab.serve_forever, daemon=True).start()
    profile = Profile.model_validate(
        {
            "name": "示范县人民政府",
            "start_urls": [f"http://127.0.0.1:{lab.server_address[1]}/"],
            "politeness": {"concurrent_per_host": 1, "delay": 0.0, "autothrottle": False},
            "network": {"hosts": dict.fromkeys(HOSTS, "127.0.0.1")},
        }
    )
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out",
                               concurrency=1, progress="off")  # fmt: skip
        assert (outcome.status, outcome.complete) == ("finished", True), outcome.message
        with store.session() as session:
            checks = session.scalars(select(LinkCheck).where(LinkCheck.run_id == outcome.run_id))
            recorded = [(c.target, c.method, c.status) for c in checks]
            stats = session.get(Run, outcome.run_id).stats
        yield Counter((h, m) for h, m, _ in lab.log), recorded, stats
    finally:
        lab.shutdown()
        lab.server_close()
        store.dispose()


@pytest.mark.parametrize(("host", "gets", "broken"), CASES, ids=IDS)
def test_get_is_asked_until_the_host_has_proven_its_head(crawled, host, gets, broken):
    requests, recorded, _ = crawled
    assert requests[(host, "HEAD")] == TARGETS
    assert requests[(host, "GET")] == gets
    checks = [(method, status) for target, method, status in recorded if f"//{host}:" in target]
    assert len(checks) == TARGETS  # every target recorded once, whichever way it was settled
    assert Counter(c for c in checks if c[1] >= 400) == Counter(broken)


def test_trusted_answers_are_counted(crawled):
    _, _, stats = crawled
    assert stats["xuncha/links/head_trusted"] == 2 * TRUSTED
