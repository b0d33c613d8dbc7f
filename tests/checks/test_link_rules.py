"""The profile's link rules (链接规则) in the link checks: what `exclude` and `accept` leave out
of broken_link, what they never leave out (wrong_link), and the counts the report shows."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks.config import CheckSettings, LinksConfig
from checks.link_rules import LinkRules
from checks.links import RuleCount, broken_links, link_rule_counts, wrong_links
from checks.model import CheckView, ColumnView, CrawlData, Link

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PAGE = "https://xxgk.example.gov.cn/zcwj/t20261015_1.html"
PARTNER = "www.partner.gov.cn"
TONGJI = r"^https?://[^/]*\.example\.gov\.cn/tongji/"

RULES = {
    "exclude": [TONGJI, r"^http://10\."],
    "accept": [
        {"host": "WWW.Partner.gov.cn", "status": [403, "500-599"]},
        {"host": "oa.example.gov.cn", "status": [401]},
    ],
    "slow_hosts": [{"host": "data.example.gov.cn", "timeout": 60}],
}
SETTINGS = CheckSettings(links=LinksConfig.model_validate(RULES))


def link(target, page=PAGE, text="原文件", raw=None):
    return Link(page, target, target if raw is None else raw, "a", "href", "page", text)


def check(target, status=200, error=None, final_url=None, redirects=(), detail=None):
    return CheckView(
        target, "GET", status, error, detail, final_url or target, tuple(redirects),
        "text/html", "标题", "正文" * 400, "h", False,
    )  # fmt: skip


def crawl(links, checks, columns=()):
    return CrawlData(
        "站",
        ("https://jtj.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        links=tuple(links),
        link_checks={c.target: c for c in checks},
        columns=tuple(columns),
    )


P = f"https://{PARTNER}/zwgk/a.html"
OLD = "https://www.other.gov.cn/old"
# (target, its check, the broken_link subtype still reported or None)
CASES = [
    ("accepted-host-403", check(P, 403), None),
    ("accepted-host-range-503", check(P, 503), None),
    ("accepted-host-port-is-ignored", check(f"https://{PARTNER}:8443/a", 403), None),
    ("accepted-host-other-status-404", check(P, 404), "http_404"),
    ("accepted-host-status-just-outside-range", check(P, 499), "http_499"),
    ("other-host-403", check("https://www.other.gov.cn/a.html", 403), "http_403"),
    ("subdomain-of-accepted-403", check(f"https://m.{PARTNER}/a.html", 403), "http_403"),
    ("parent-domain-of-accepted-403", check("https://partner.gov.cn/a.html", 403), "http_403"),
    ("look-alike-suffix-403", check(f"https://{PARTNER}.evil.cn/a.html", 403), "http_403"),
    ("accepted-host-timeout", check(P, None, "timeout"), "timeout"),
    (
        "redirect-ending-on-accepted-host",
        check(OLD, 403, final_url=P, redirects=[OLD]),
        None,
    ),
    (
        "redirect-from-accepted-host-to-another",
        check(P, 403, final_url="https://sso.other.cn/login", redirects=[P]),
        "redirect_error",
    ),
    ("second-rule-own-status", check("https://oa.example.gov.cn/x", 401), None),
    ("second-rule-not-the-first-rules-status", check("https://oa.example.gov.cn/x", 403),
     "http_403"),
    ("excluded-404", check("https://www.example.gov.cn/tongji/a.js", 404), None),
    ("excluded-dns-error", check("http://s.example.gov.cn/tongji/c", None, "dns_error"), None),
    ("excluded-pattern-look-alike", check("https://www.example.gov.cn/tongjiju/a", 404),
     "http_404"),
    (
        "excluded-pattern-only-in-the-query",
        check("https://www.other.gov.cn/r?u=https://www.example.gov.cn/tongji/", 404),
        "http_404",
    ),
    ("excluded-pattern-needs-a-subdomain", check("https://example.gov.cn/tongji/a", 404),
     "http_404"),
]  # fmt: skip


@pytest.mark.parametrize(("target", "found", "subtype"), CASES, ids=[c[0] for c in CASES])
def test_rules_decide_what_is_broken(target, found, subtype):
    del target  # the id
    data = crawl([link(found.target)], [found])
    assert [f.subtype for f in broken_links(data, SETTINGS, AS_OF)] == (
        [subtype] if subtype else []
    )
    # Without the rules, every case is broken: the rule, and nothing else, decided it.
    assert broken_links(data, CheckSettings(), AS_OF)


def test_soft_404_of_an_accepted_host_is_still_broken():
    settings = CheckSettings(
        links=LinksConfig.model_validate({"accept": [{"host": PARTNER, "status": ["200-299"]}]})
    )
    page = CheckView(P, "GET", 200, None, None, P, (), "text/html", "页面不存在", "", "h", False)
    found = broken_links(crawl([link(P)], [page]), settings, AS_OF)
    assert [f.subtype for f in found] == ["soft_404"]


WRONG = [
    ("excluded-private-address", "http://10.1.2.3/oa/", "private 10.1.2.3", "private_address"),
    ("excluded-intranet-name", "http://oa.example.gov.cn/tongji/x", "private 192.168.1.9",
     "intranet_host"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "detail", "subtype"), [w[1:] for w in WRONG], ids=[w[0] for w in WRONG]
)
def test_exclusion_never_hides_a_wrong_link(url, detail, subtype):
    assert LinkRules(SETTINGS.links).excluded(url) is not None
    data = crawl([link(url)], [check(url, None, "blocked", detail=detail)])
    assert [f.subtype for f in wrong_links(data, SETTINGS, AS_OF)] == [subtype]
    assert broken_links(data, SETTINGS, AS_OF) == []


def test_exclusion_never_hides_a_placeholder():
    settings = CheckSettings(links=LinksConfig(exclude=["^javascript:", "^file:"]))
    links = [link("javascript:void(0)", text="下载附件"), link("file:///C:/a.doc", text="附件")]
    found = wrong_links(crawl(links, []), settings, AS_OF)
    assert sorted(f.subtype for f in found) == ["file_url", "javascript_placeholder"]


def test_counts_name_every_rule_with_its_distinct_links():
    pages = [PAGE, "https://xxgk.example.gov.cn/b.html"]
    tongji = ["https://www.example.gov.cn/tongji/a.js", "http://s.example.gov.cn/tongji/b.gif"]
    partner = [f"https://{PARTNER}/a.html", f"https://{PARTNER}/b.html", f"https://{PARTNER}/c"]
    data = crawl(
        [link(url, page=page) for url in [*tongji, *partner] for page in pages]
        + [link("http://10.0.0.8/oa/", text="内网"), link("https://data.example.gov.cn/d2.xls")],
        [
            check(tongji[0], 404),
            check(partner[0], 403),
            check(partner[1], 503),
            check(partner[2], 404),  # not accepted: a finding, not counted
            check("https://data.example.gov.cn/d1.xls"),
            check("https://data.example.gov.cn/d2.xls", None, "timeout"),
            check("https://data.example.gov.cn.other.cn/d3"),  # a look-alike, not counted
        ],
    )
    counts = link_rule_counts(data, SETTINGS)
    assert counts == [
        RuleCount("exclude", 2, pattern=TONGJI),
        RuleCount("exclude", 1, pattern=r"^http://10\."),
        RuleCount("accept", 2, host=PARTNER, status=(403, "500-599")),
        RuleCount("accept", 0, host="oa.example.gov.cn", status=(401,)),
        RuleCount("slow_host", 2, host="data.example.gov.cn", timeout=60.0),
    ]
    assert counts[2].to_json() == {
        "rule": "accept", "host": PARTNER, "status": [403, "500-599"], "links": 2,
    }  # fmt: skip
    assert [f.url for f in broken_links(data, SETTINGS, AS_OF)] == [
        partner[2],
        "https://data.example.gov.cn/d2.xls",
    ]


def test_an_accepted_target_the_profile_names_is_counted():
    column = "https://www.partner.gov.cn/zcwj/"
    data = crawl(
        [],
        [check(column, 403)],
        columns=[ColumnView(column, "政策文件", None, None, "profile", 0, None, 0)],
    )
    assert broken_links(data, SETTINGS, AS_OF) == []
    assert link_rule_counts(data, SETTINGS)[2].links == 1
    assert broken_links(data, CheckSettings(), AS_OF)[0].url == column


def test_no_rules_no_counts():
    data = crawl([link(P)], [check(P, 403)])
    assert link_rule_counts(data, CheckSettings()) == []
