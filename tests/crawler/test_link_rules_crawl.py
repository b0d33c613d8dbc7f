"""The profile's link rules (链接规则) in a real crawl, counted from the server's side.

One loopback server plays the portal (127.0.0.1) and five outside hosts (names mapped to
127.0.0.1 by ``network.hosts``). The profile excludes a statistics host, a folder of the portal
and an intranet network, accepts 403 from one partner host, and gives one host a longer
timeout than ``timeouts.request``. What the server never received, what the run reported and
what the report's notes say are checked against each other.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from loopback import NOT_FOUND, Reply, Request, Server
from lxml import html as lxml_html
from sqlalchemy import select

from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import LinkCheck, Run, Store

AS_OF = date(2026, 11, 26)
REQUEST_TIMEOUT = 1  # timeouts.request
SERVER_DELAY = 2  # longer than the request timeout, shorter than the slow host's
SLOW_TIMEOUT = 5
HOSTS = ("tongji.example.org", "slow.example.org", "lag.example.org",
         "partner.example.org", "other.example.org")  # fmt: skip
EXCLUDE = [r"^http://tongji\.example\.org:\d+/", "/private/", r"^http://10\."]


def _home(port: int) -> str:
    def outside(host: str, path: str) -> str:
        return f"http://{host}:{port}{path}"

    body = f"""
      <img src="{outside("tongji.example.org", "/count.gif")}">
      <script src="{outside("tongji.example.org", "/count.js")}"></script>
      <a href="/private/staff.html">内部通讯录</a>
      <a href="/go.html">统计跳转</a>
      <a href="http://10.9.9.9/oa/">内部办公系统</a>
      <a href="{outside("slow.example.org", "/data/2026.html")}">数据开放</a>
      <a href="{outside("lag.example.org", "/data/2026.html")}">政务数据</a>
      <a href="{outside("partner.example.org", "/zwgk/")}">合作网站</a>
      <a href="{outside("other.example.org", "/zwgk/")}">其他网站</a>
    """
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范县人民政府</title>'
        f"</head><body>{body}</body></html>"
    )


def _answer(request: Request) -> Reply:
    host, path = request.hostname, request.path
    page = "<html><head><title>页面</title></head><body>" + "政务信息" * 200 + "</body></html>"
    if host == "127.0.0.1":
        if path == "/":
            return Reply(body=_home(request.port))
        if path == "/go.html":  # an in-site link that redirects into the excluded host
            location = f"http://tongji.example.org:{request.port}/via-redirect"
            return Reply(302, headers=(("Location", location),))
        if path.startswith("/private/"):
            return Reply(body=page)
        return NOT_FOUND
    if host in ("slow.example.org", "lag.example.org"):
        return Reply(body=page, delay=SERVER_DELAY)
    if host in ("partner.example.org", "other.example.org"):
        return Reply(403, body="<html><body>Forbidden</body></html>")
    if host == "tongji.example.org":
        return Reply(body=page)
    return NOT_FOUND


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("link-rules")
    lab = Server(_answer).start()
    profile = Profile.model_validate(
        {
            "name": "示范县人民政府",
            "start_urls": [lab.url("/")],
            "politeness": {"delay": 0.0, "autothrottle": False},
            "timeouts": {"request": REQUEST_TIMEOUT, "retries": 0},
            "network": {"hosts": dict.fromkeys(HOSTS, "127.0.0.1")},
            "links": {
                "exclude": EXCLUDE,
                "accept": [{"host": "partner.example.org", "status": [403]}],
                "slow_hosts": [{"host": "slow.example.org", "timeout": SLOW_TIMEOUT}],
            },
        }
    )
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out", progress="off")
        assert (outcome.status, outcome.complete) == ("finished", True), outcome.message
        with store.session() as session:
            rows = session.scalars(select(LinkCheck).where(LinkCheck.run_id == outcome.run_id))
            checks = {row.target: (row.status, row.error) for row in rows}
            stats = session.get_one(Run, outcome.run_id).stats
        document = json.loads((work / "out" / "findings.json").read_text(encoding="utf-8"))
        report = lxml_html.fromstring((work / "out" / "report.html").read_text(encoding="utf-8"))
        yield {
            "requests": list(lab.requests),
            "checks": checks,
            "stats": stats,
            "findings": document["findings"],
            "json_rules": document["link_rules"],
            "report": report,
            "port": lab.port,
        }
    finally:
        lab.stop()
        store.dispose()


def _found(crawled, check):
    return {(f["url"], f["subtype"]) for f in crawled["findings"] if f["check"] == check}


def test_an_excluded_url_is_never_requested(crawled):
    asked = {(r.hostname, r.path) for r in crawled["requests"]}
    # Only the redirect hop reached the excluded host: the link that led there was not excluded.
    assert {path for host, path in asked if host == "tongji.example.org"} == {"/via-redirect"}
    assert not [path for _, path in asked if path.startswith("/private/")]
    assert ("127.0.0.1", "/go.html") in asked  # the crawl did reach the links beside them
    assert crawled["stats"]["xuncha/links/excluded"] == 3
    assert not [t for t in crawled["checks"] if "/private/" in t or "/count." in t]


def test_an_excluded_intranet_address_is_still_a_wrong_link(crawled):
    assert _found(crawled, "wrong_link") == {("http://10.9.9.9/oa/", "private_address")}
    assert crawled["checks"]["http://10.9.9.9/oa/"] == (None, "blocked")


def test_a_slow_host_waits_its_own_timeout(crawled):
    port = crawled["port"]
    slow = f"http://slow.example.org:{port}/data/2026.html"
    lag = f"http://lag.example.org:{port}/data/2026.html"
    assert crawled["checks"][slow] == (200, None)
    assert crawled["checks"][lag] == (None, "timeout")
    broken = _found(crawled, "broken_link")
    assert (lag, "timeout") in broken
    assert not [url for url, _ in broken if "slow.example.org" in url]


def test_an_accepted_status_is_not_a_broken_link_on_that_host_only(crawled):
    port = crawled["port"]
    partner = f"http://partner.example.org:{port}/zwgk/"
    other = f"http://other.example.org:{port}/zwgk/"
    assert crawled["checks"][partner][0] == crawled["checks"][other][0] == 403
    broken = _found(crawled, "broken_link")
    assert (other, "http_403") in broken
    assert not [url for url, _ in broken if "partner.example.org" in url]
    assert broken == {(other, "http_403"), (f"http://lag.example.org:{port}/data/2026.html",
                                            "timeout")}  # fmt: skip


EXPECTED_RULES = [
    {"rule": "exclude", "pattern": EXCLUDE[0], "links": 2},
    {"rule": "exclude", "pattern": EXCLUDE[1], "links": 1},
    {"rule": "exclude", "pattern": EXCLUDE[2], "links": 1},
    {"rule": "accept", "host": "partner.example.org", "status": [403], "links": 1},
    {"rule": "slow_host", "host": "slow.example.org", "timeout": SLOW_TIMEOUT, "links": 1},
]


def test_every_rule_and_its_count_is_kept_and_exported(crawled):
    assert crawled["stats"]["link_rules"] == EXPECTED_RULES
    assert crawled["json_rules"] == EXPECTED_RULES


def test_the_report_notes_name_every_rule_with_its_count(crawled):
    notes = crawled["report"].get_element_by_id("link-rules")
    items = notes.xpath(".//li")
    assert [(li.get("data-rule"), int(li.get("data-links"))) for li in items] == [
        (rule["rule"], rule["links"]) for rule in EXPECTED_RULES
    ]
    texts = [li.text_content() for li in items]
    assert texts[0].startswith(f"排除规则 {EXCLUDE[0]}：跳过 2 个链接")
    assert texts[1].startswith("排除规则 /private/：跳过 1 个链接")
    assert texts[3] == "接受规则 partner.example.org 403：1 个链接未报告为断链"
    assert texts[4] == f"慢速主机 slow.example.org：超时放宽为 {SLOW_TIMEOUT} 秒，涉及 1 个链接"
