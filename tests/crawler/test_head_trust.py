"""A host's HEAD "not found" stands alone once three GETs confirmed it and its HEAD has also
said "found", and never on a host whose HEAD lies, says 404 to everything or is refused —
counted from the server's side of a real crawl.

One loopback server plays the portal (127.0.0.1, a home page linking every target) and six
outside hosts (names mapped to 127.0.0.1 by the profile's ``network.hosts``), each answering
HEAD and GET its own way, with one working link and ten dead-looking ones each. The crawl runs
one request at a time (the last link of the page first), so a host's answers come in order and
the figures are exact: each host's working link is asked before its dead ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

import pytest
from loopback import NOT_FOUND, Reply, Request, Server
from sqlalchemy import select

from crawler.state.head_trust import HEAD_SPOT_CHECK_EVERY, HEAD_TRUST_AFTER, HeadTrust
from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import LinkCheck, Run, Store

AS_OF = date(2026, 11, 26)
TARGETS = 10  # broken-looking links per outside host


@dataclass(frozen=True)
class Host:
    head: int  # what every HEAD of a dead-looking link gets
    gets: tuple[int, ...]  # the host's n-th GET of one gets gets[n] (the last one repeats)
    head_ok: int = 200  # what the HEAD of the host's working link gets (its GET: 200)


HOSTS = {
    "agree.example.org": Host(404, (404,)),  # HEAD tells the truth: trusted after three
    "gone.example.org": Host(410, (410,)),
    "lying.example.org": Host(404, (200,)),  # HEAD 404, the page works
    "refuse.example.org": Host(405, (404,), head_ok=405),  # HEAD refused: never trusted
    "fickle.example.org": Host(404, (404, 404, 200, 404)),  # two agree, the third lies
    # HEAD says 404 to everything: its three dead links agree, its working link does not.
    "blanket.example.org": Host(404, (404,), head_ok=404),
}
TRUSTED = TARGETS - HEAD_TRUST_AFTER
# (host, GETs it gets, the broken targets recorded: how many by (method, status))
CASES = [
    ("agree.example.org", HEAD_TRUST_AFTER, {("GET", 404): 3, ("HEAD", 404): TRUSTED}),
    ("gone.example.org", HEAD_TRUST_AFTER, {("GET", 410): 3, ("HEAD", 410): TRUSTED}),
    ("lying.example.org", TARGETS, {}),
    ("refuse.example.org", TARGETS + 1, {("GET", 404): TARGETS}),
    ("fickle.example.org", TARGETS, {("GET", 404): TARGETS - 1}),
    ("blanket.example.org", TARGETS + 1, {("GET", 404): TARGETS}),
]
IDS = ["head-and-get-agree-404", "head-and-get-agree-410", "head-lies", "head-refused-405",
       "head-contradicted-once", "head-404-to-everything"]  # fmt: skip


def _home(port: int) -> str:
    # The crawl asks the last link first: each host's working link comes after its others.
    links = "".join(
        f'<li><a href="http://{host}:{port}/{path}.html">链接</a></li>'
        for host in HOSTS
        for path in [*(f"missing/{n}" for n in range(TARGETS)), "ok/0"]
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范县人民政府</title>'
        f'</head><body><ul class="links">{links}</ul></body></html>'
    )


def _answer(lab: Server, request: Request) -> Reply:
    """The portal's home on 127.0.0.1; each outside host's HEAD and GET its own way."""
    host, path = request.hostname, request.target
    if host == "127.0.0.1" and path == "/":
        return Reply(body=_home(request.port))
    behaviour = HOSTS.get(host)
    if behaviour is None:
        return NOT_FOUND
    if path.startswith("/ok/"):
        status = behaviour.head_ok if request.method == "HEAD" else 200
    elif request.method == "HEAD":
        status = behaviour.head
    else:  # the host's n-th GET of a dead-looking link (its GETs of one so far, this one too)
        asked = [*lab.requests.matching(method="GET", host=host, before=request), request]
        nth = sum(1 for r in asked if r.target.startswith("/missing/")) - 1
        status = behaviour.gets[min(nth, len(behaviour.gets) - 1)]
    page = f"<html><head><title>{status}</title></head><body>{status}</body></html>"
    return Reply(status, body=page)


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("head-trust")
    lab: Server = Server(lambda request: _answer(lab, request)).start()
    profile = Profile.model_validate(
        {
            "name": "示范县人民政府",
            "start_urls": [lab.url("/")],
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
            stats = session.get_one(Run, outcome.run_id).stats
        yield Counter((r.hostname, r.method) for r in lab.requests), recorded, stats
    finally:
        lab.stop()
        store.dispose()


@pytest.mark.parametrize(("host", "gets", "broken"), CASES, ids=IDS)
def test_get_is_asked_until_the_host_has_proven_its_head(crawled, host, gets, broken):
    requests, recorded, _ = crawled
    assert requests[(host, "HEAD")] == TARGETS + 1
    assert requests[(host, "GET")] == gets
    checks = [(method, status) for target, method, status in recorded if f"//{host}:" in target]
    assert len(checks) == TARGETS + 1  # every target recorded once, however it was settled
    assert Counter(c for c in checks if c[1] >= 400) == Counter(broken)


def test_trusted_answers_are_counted(crawled):
    _, _, stats = crawled
    assert stats["xuncha/links/head_trusted"] == 2 * TRUSTED


# (what the host says, in order: ("head", status) or ("get", head status, get status)), and
# whether its next HEAD 404 is taken without a GET
SPOT = HEAD_SPOT_CHECK_EVERY
TRUST_CASES = [
    ([("head", 200), *[("get", 404, 404)] * 3], True),
    ([*[("get", 404, 404)] * 3], False),  # never said "found": maybe 404 to everything
    ([*[("get", 404, 404)] * 3, ("head", 200)], True),  # said "found" later: from then on
    ([("head", 200), *[("get", 404, 404)] * 2], False),
    ([("head", 200), ("get", 404, 200), *[("get", 404, 404)] * 5], False),
    ([("head", 200), *[("get", 404, 404)] * 3, ("get", 404, 200)], False),  # spot check lied
    ([("head", 405), *[("get", 405, 404)] * 5], False),
]


@pytest.mark.parametrize(("answers", "final"), TRUST_CASES)
def test_head_trust_is_earned(answers, final):
    trust = HeadTrust()
    for kind, *statuses in answers:
        if kind == "head":
            trust.saw("h", statuses[0])
        else:
            trust.learn("h", *statuses)
    assert trust.is_final("h", 404) is final


def test_a_trusted_host_still_gets_a_spot_check():
    trust = HeadTrust()
    trust.saw("h", 200)
    for _ in range(HEAD_TRUST_AFTER):
        trust.learn("h", 404, 404)
    taken = [trust.is_final("h", 404) for _ in range(3 * SPOT)]
    assert taken.count(False) == 3 and taken[SPOT - 1] is False


def test_a_host_whose_head_worked_last_run_needs_only_its_confirmations():
    trust = HeadTrust()
    trust.remember({"h"})
    for _ in range(HEAD_TRUST_AFTER):
        assert not trust.is_final("h", 404)
        trust.learn("h", 404, 404)
    assert trust.is_final("h", 404) and not trust.is_final("other", 404)
