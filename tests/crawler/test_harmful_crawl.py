"""暗链 and 外链变质 through a real crawl: a portal whose home page carries an injected hidden
gambling link, a hidden dropdown of government sites and a partner link whose domain now
serves a casino — the run reports exactly the two defects and fails the 严重问题 veto.

One loopback server answers for the portal (127.0.0.1) and for every outside host, whose
names the profile's ``network.hosts`` maps to 127.0.0.1; it answers by the ``Host`` header.
"""

# ruff: noqa: E501  (HTML fixtures keep one element per line)

from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest
from loopback import NOT_FOUND, Reply, Request, Server

from xuncha.profile import Profile
from xuncha.run.inspection import inspect_site
from xuncha.store import Store

AS_OF = date(2026, 11, 26)
INJECTED = "www.amxpj8.example.com"  # the injected link's target: a casino
PARTNER = "www.lyly-travel.example.com"  # a 友情链接 whose lapsed domain a casino bought
FRIEND = "www.partner.example.org"  # a partner that is still what it was
GOV_SITES = ("www.jl.gov.cn", "www.liaoyuan.gov.cn")  # the hidden dropdown's sites
CASINO = """<html><head><meta charset="utf-8"><title>澳门新葡京娱乐场|真人娱乐|百家乐</title></head>
<body><div class="nav">首页 真人视讯 电子游艺 体育投注 优惠活动</div></body></html>"""


def _home(port: int) -> str:
    gov = "".join(
        f'<a href="http://{host}:{port}/">{name}</a>'
        for host, name in zip(GOV_SITES, ("吉林省人民政府", "辽源市人民政府"), strict=True)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范县人民政府</title>
<style>.k9q2x{{position:absolute;left:-9999px;top:-9999px}}</style></head><body>
<ul class="nav"><li><a href="/">首页</a></li><li>政府网站<div class="drop" style="display:none">{gov}</div></li></ul>
<div class="k9q2x"><a href="http://{INJECTED}:{port}/">澳门新葡京 百家乐</a></div>
<div class="main"><p>示范县人民政府门户网站。</p></div>
<div class="yqlj">友情链接：<a href="http://{PARTNER}:{port}/">辽源旅游网</a> <a href="http://{FRIEND}:{port}/">合作单位</a></div>
</body></html>"""


def _answer(request: Request) -> Reply:
    host, path = request.hostname, request.path
    if path != "/":
        return NOT_FOUND
    if host == "127.0.0.1":
        return Reply(body=_home(request.port))
    if host in (INJECTED, PARTNER):
        return Reply(body=CASINO)
    if host == FRIEND:
        return Reply(
            body="<html><head><title>合作单位 - 首页</title></head><body>单位简介 新闻动态</body></html>"
        )
    if host in GOV_SITES:
        return Reply(
            body="<html><head><title>人民政府门户网站</title></head><body>政务公开</body></html>"
        )
    return NOT_FOUND


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    work = tmp_path_factory.mktemp("harmful")
    lab = Server(_answer).start()
    hosts = (INJECTED, PARTNER, FRIEND, *GOV_SITES)
    profile = Profile.model_validate(
        {
            "name": "示范县人民政府",
            "start_urls": [lab.url("/")],
            "politeness": {"concurrent_per_host": 2, "delay": 0.0, "autothrottle": False},
            "network": {"hosts": dict.fromkeys(hosts, "127.0.0.1")},
        }
    )
    store = Store(f"sqlite:///{work / 'xuncha.db'}")
    try:
        outcome = inspect_site(profile, store, as_of=AS_OF, out_dir=work / "out", progress="off")
        assert (outcome.status, outcome.complete) == ("finished", True), outcome.message
        document = json.loads(outcome.findings_path.read_text(encoding="utf-8"))
        yield document, Counter((r.hostname, r.method) for r in lab.requests), lab.port
    finally:
        lab.stop()
        store.dispose()


def test_the_run_reports_exactly_the_injected_link_and_the_hijacked_partner(crawled):
    document, _, port = crawled
    harmful = sorted(
        (f["subtype"], f["severity"], f["url"], f["evidence"].get("how"), f["evidence"]["category"])
        for f in document["findings"]
        if f["check"] == "harmful_link"
    )
    assert harmful == [
        ("hidden", "high", f"http://{INJECTED}:{port}/", "offscreen", "gambling"),
        ("hijacked", "high", f"http://{PARTNER}:{port}/", None, "gambling"),
    ]
    hijacked = next(f for f in document["findings"] if f["subtype"] == "hijacked")
    assert hijacked["evidence"]["target_title"] == "澳门新葡京娱乐场|真人娱乐|百家乐"
    assert hijacked["title"] == "外链变质：“辽源旅游网”指向的网站已变为博彩页面"
    assert "暗链及违法有害链接" in document["score"]["vetoes"]
    assert document["score"]["verdict"] == "不合格"


def test_partner_home_pages_are_read_and_government_ones_only_asked(crawled):
    _, requests, _ = crawled
    for host in (PARTNER, FRIEND, INJECTED):
        assert requests[(host, "GET")] == 1 and requests[(host, "HEAD")] == 0, host
    for host in GOV_SITES:
        assert requests[(host, "HEAD")] == 1 and requests[(host, "GET")] == 0, host
