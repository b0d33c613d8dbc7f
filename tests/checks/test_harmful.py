"""harmful_link: 暗链 (hidden), 外链变质 (hijacked) and links to illegal content (illegal) — what
is reported, what is not, and how it counts toward the 严重问题 veto."""

# ruff: noqa: E501  (page fixtures keep one element per line)

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

import pytest
from pydantic import ValidationError

from checks import messages
from checks.config import ChecksConfig, CheckSettings, ScoringConfig
from checks.harmful import FOLLOWED_TAGS, harmful_links
from checks.harmful_terms import CATEGORIES, shipped_terms, vocabulary
from checks.model import CheckView, CrawlData, Link, PageView
from checks.scoring import score, vetoes
from crawler.parsing.document import parse_html
from crawler.parsing.hidden import hidden_links
from crawler.parsing.links import extract_links

SITE = "http://www.example.gov.cn/"
PAGE = "http://www.example.gov.cn/zwgk/index.html"
PAGE2 = "http://www.example.gov.cn/xwdt/t1.html"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
SPAM = "http://www.amxpj8.example.com/"
PARTNER = "http://www.lyly.example.com/"


def page(url=PAGE, hidden=()):
    meta = {"hidden_links": list(hidden)} if hidden else {}
    return PageView(url, url, "article", 200, "工作动态", None, None, None, meta)


def entry(target=SPAM, text="澳门新葡京", how="display_none", **more):
    return {"target": target, "text": text, "how": how, **more}


def link(target, text, page_url=PAGE, tag="a"):
    return Link(page_url, target, target, tag, "href", "page", text)


def fetched(target, title, text="", method="GET", status=200, final_url=None):
    return CheckView(
        target,
        method,
        status,
        None,
        None,
        final_url or target,
        (),
        "text/html",
        title,
        text,
        None,
        False,
    )


def crawl(pages=(), links=(), checks=()):
    return CrawlData(
        "示例市人民政府",
        (SITE,),
        ("example.gov.cn",),
        NOW,
        pages=tuple(pages) or (page(),),
        links=tuple(links),
        link_checks={check.target: check for check in checks},
    )


def settings(**harmful):
    return CheckSettings(checks=ChecksConfig.model_validate({"harmful": harmful}))


def run(data, config=None):
    found = harmful_links(data, config or CheckSettings(), AS_OF)
    return sorted(found, key=lambda f: f.url)


def brief(findings):
    return [(f.subtype, f.severity, f.url, f.evidence.get("category")) for f in findings]


CASHINO_TITLE = "澳门新葡京娱乐场-真人娱乐-百家乐官网"

HIDDEN = [
    # (id, entry, target page check or None, expected (severity, category, source) or None)
    ("gambling-words", entry(), None, ("high", "gambling", "link_text")),
    ("two-weak-words", entry(text="澳门 赌场"), None, ("high", "gambling", "link_text")),
    (
        "porn-words",
        entry(text="日本AV在线观看", how="offscreen"),
        None,
        ("high", "porn", "link_text"),
    ),
    ("full-width-and-spaced", entry(text="百 家 乐"), None, ("high", "gambling", "link_text")),
    (
        "latin-term-in-host",
        entry(target="http://www.bet365-vip.example.com/", text="点击进入"),
        None,
        ("high", "gambling", "target_host"),
    ),
    (
        "casino-target-page",
        entry(target=PARTNER, text="旅游资讯"),
        fetched(PARTNER, CASHINO_TITLE),
        ("high", "gambling", "target_title"),
    ),
    (
        "parked-target-page",
        entry(target=PARTNER, text="旅游资讯"),
        fetched(PARTNER, "lyly.example.com", "This domain may be for sale. Buy this domain."),
        ("medium", "parked", "target_text"),
    ),
    (
        "no-words-offscreen",
        entry(target="http://www.seo-wangzhan.example.com/", text="网站建设", how="offscreen"),
        None,
        ("medium", None, None),
    ),
    (
        "no-words-same-colour",
        entry(target="http://www.shop.example.com/", text="商城", how="same_colour"),
        None,
        ("medium", None, None),
    ),
    (
        "no-words-obfuscated-script",
        entry(
            target="http://www.shop.example.com/",
            text="商城",
            how="document_write",
            hidden_by="display_none",
            obfuscated=True,
        ),
        None,
        ("medium", None, None),
    ),
    (
        "gambling-on-gov-host",
        entry(target="http://www.hacked.gov.cn/uploads/bjl.html", text="百家乐真人娱乐"),
        None,
        ("high", "gambling", "link_text"),
    ),
    # not reported
    (
        "no-words-display-none",
        entry(target="http://www.hanweb.example.com/", text="Produced By 大汉网络"),
        None,
        None,
    ),
    (
        "no-words-plain-script",
        entry(
            target="http://www.shop.example.com/",
            text="商城",
            how="document_write",
            hidden_by="display_none",
        ),
        None,
        None,
    ),
    ("gov-dropdown", entry(target="http://www.jl.gov.cn/", text="吉林省人民政府"), None, None),
    (
        "gov-offscreen",
        entry(target="http://www.gov.cn/", text="中国政府网", how="offscreen"),
        None,
        None,
    ),
    (
        "share-button-offscreen",
        entry(
            target="http://service.weibo.com/share/share.php?url=x",
            text="分享到微博",
            how="offscreen",
        ),
        None,
        None,
    ),
    (
        "tax-service-on-gov-host",
        entry(target="https://etax.example.chinatax.gov.cn/dkfp", text="代开发票"),
        None,
        None,
    ),
    (
        "lottery-news",
        entry(
            target="http://www.sporttery.example.cn/news/1.html", text="体育彩票公益金助力全民健身"
        ),
        None,
        None,
    ),
    ("one-weak-word", entry(text="澳门日报"), None, None),
    (
        "crackdown-news",
        entry(target="http://news.example.com/a.html", text="警方破获百家乐网络赌博案"),
        None,
        None,
    ),
    (
        "partner-normal-page",
        entry(target=PARTNER, text="旅游资讯"),
        fetched(PARTNER, "辽源旅游网 - 首页", "景区 线路 酒店 美食"),
        None,
    ),
]


@pytest.mark.parametrize(
    ("hidden", "check", "expected"), [c[1:] for c in HIDDEN], ids=[c[0] for c in HIDDEN]
)
def test_hidden_outside_links(hidden, check, expected):
    found = run(crawl(pages=[page(hidden=[hidden])], checks=[check] if check else []))
    if expected is None:
        assert found == []
        return
    severity, category, source = expected
    [finding] = found
    assert (finding.check, finding.subtype, finding.severity) == (
        "harmful_link",
        "hidden",
        severity,
    )
    assert (finding.url, finding.key, finding.page, finding.pages) == (
        hidden["target"],
        hidden["target"],
        PAGE,
        (PAGE,),
    )
    assert finding.evidence["how"] == hidden["how"]
    assert finding.evidence.get("category") == category
    assert finding.evidence.get("source") == source
    assert finding.evidence.get("suspected") is (True if category is None else None)


def test_hidden_evidence_names_terms_and_the_written_technique():
    hidden = entry(
        text="澳门新葡京 百家乐", how="document_write", hidden_by="offscreen", obfuscated=True
    )
    [finding] = run(crawl(pages=[page(hidden=[hidden])]))
    assert finding.evidence == {
        "how": "document_write",
        "hidden_by": "offscreen",
        "obfuscated": True,
        "link_text": "澳门新葡京 百家乐",
        "category": "gambling",
        "category_name": "博彩",
        "matched": ["新葡京", "百家乐", "澳门"],  # strong terms first, then weak ones
        "source": "link_text",
    }
    assert (
        messages.title("harmful_link", "hidden", finding.evidence)
        == "暗链/黑链：页面中隐藏了指向外部网站的链接“澳门新葡京 百家乐”"
    )


def test_one_finding_per_target_over_pages_and_visible_occurrences_not_added():
    pages = [page(PAGE, [entry()]), page(PAGE2, [entry(how="offscreen")])]
    links = [
        link(SPAM, "澳门新葡京", PAGE),
        link(SPAM, "澳门新葡京", "http://www.example.gov.cn/other.html"),
    ]
    [finding] = run(crawl(pages=pages, links=links))
    assert (finding.subtype, finding.pages) == ("hidden", (PAGE, PAGE2))
    assert finding.evidence["how"] == "display_none"  # the first page's


VISIBLE = [
    # (id, link text, target, target page check, expected (subtype, severity, category, source))
    (
        "illegal-two-strong",
        "澳门新葡京 百家乐",
        SPAM,
        None,
        ("illegal", "high", "gambling", "link_text"),
    ),
    (
        "illegal-strong-and-weak",
        "澳门真人娱乐",
        SPAM,
        None,
        ("illegal", "high", "gambling", "link_text"),
    ),
    (
        "illegal-porn",
        "成人视频 无码",
        "http://x.example.net/",
        None,
        ("illegal", "high", "porn", "link_text"),
    ),
    (
        "illegal-forged-papers",
        "办假证 刻章办证 电话",
        "http://x.example.net/",
        None,
        ("illegal", "high", "illicit", "link_text"),
    ),
    (
        "hijacked-by-title",
        "辽源旅游网",
        PARTNER,
        fetched(PARTNER, CASHINO_TITLE),
        ("hijacked", "high", "gambling", "target_title"),
    ),
    (
        "hijacked-by-text-sample",
        "辽源旅游网",
        PARTNER,
        fetched(PARTNER, "欢迎光临", "首页 真人视讯 电子游艺 时时彩 幸运飞艇 优惠活动"),
        ("hijacked", "high", "gambling", "target_text"),
    ),
    (
        "hijacked-parked-by-text",
        "合作单位",
        PARTNER,
        fetched(
            PARTNER,
            "lyly.example.com",
            "This domain may be for sale! Make an offer on this domain.",
        ),
        ("hijacked", "medium", "parked", "target_text"),
    ),
    (
        "hijacked-parked-chinese",
        "合作单位",
        PARTNER,
        fetched(PARTNER, "该域名正在出售", "联系我们购买"),
        ("hijacked", "medium", "parked", "target_title"),
    ),
    (
        "hijacked-parked-by-redirect",
        "合作单位",
        PARTNER,
        fetched(
            PARTNER,
            "lyly.example.com",
            "",
            final_url="https://www.dan.com/buy-domain/lyly.example.com",
        ),
        ("hijacked", "medium", "parked", "final_url"),
    ),
    (
        "hijacked-iframe",
        "天气",
        PARTNER,
        fetched(PARTNER, "皇冠体育投注平台"),
        ("hijacked", "high", "gambling", "target_title"),
    ),
    # not reported
    ("one-strong-word-text", "百家乐", SPAM, None, None),
    (
        "partner-normal-title",
        "辽源旅游网",
        PARTNER,
        fetched(PARTNER, "辽源旅游网 - 首页", "景区 线路 酒店 美食 澳门 彩票"),
        None,
    ),
    (
        "sports-lottery-link",
        "中国体育彩票",
        "http://www.sporttery.example.cn/",
        fetched(
            "http://www.sporttery.example.cn/", "中国体育彩票", "体育彩票 竞彩 足球 篮球 开奖公告"
        ),
        None,
    ),
    ("welfare-lottery-news", "福利彩票发行销售情况", "http://www.cwl.example.cn/", None, None),
    (
        "crackdown-news-page",
        "公安要闻",
        "http://news.example.com/a.html",
        fetched(
            "http://news.example.com/a.html",
            "警方破获特大网络赌博案 涉案百家乐平台",
            "百家乐 真人娱乐 时时彩",
        ),
        None,
    ),
    ("macau-government", "澳门特别行政区政府", "https://www.gov.example.mo/", None, None),
    ("tax-service", "代开发票办理指南", "https://etax.example.com/dkfp", None, None),
    ("head-only-check", "辽源旅游网", PARTNER, fetched(PARTNER, None, None, method="HEAD"), None),
    ("failed-target", "辽源旅游网", PARTNER, fetched(PARTNER, CASHINO_TITLE, status=404), None),
    (
        "inside-link-own-page",
        "澳门新葡京 百家乐",
        "http://www.example.gov.cn/upload/x.html",
        fetched("http://www.example.gov.cn/upload/x.html", CASHINO_TITLE),
        None,
    ),
]


@pytest.mark.parametrize(
    ("text", "target", "check", "expected"), [c[1:] for c in VISIBLE], ids=[c[0] for c in VISIBLE]
)
def test_visible_links(text, target, check, expected):
    tag = "iframe" if text == "天气" else "a"
    found = run(crawl(links=[link(target, text, tag=tag)], checks=[check] if check else []))
    if expected is None:
        assert found == []
        return
    subtype, severity, category, source = expected
    [finding] = found
    assert (finding.subtype, finding.severity, finding.url, finding.pages) == (
        subtype,
        severity,
        target,
        (PAGE,),
    )
    assert (finding.evidence["category"], finding.evidence["source"]) == (category, source)
    assert finding.evidence["link_text"] == text


def test_hijacked_evidence_shows_what_the_target_now_is():
    check = fetched(PARTNER, CASHINO_TITLE, final_url="http://www.amxpj8.example.com/?from=lyly")
    [finding] = run(crawl(links=[link(PARTNER, "辽源旅游网")], checks=[check]))
    assert finding.evidence["target_title"] == CASHINO_TITLE
    assert finding.evidence["final_url"] == "http://www.amxpj8.example.com/?from=lyly"
    assert finding.evidence["matched"] == ["新葡京", "百家乐", "真人娱乐", "澳门"]
    assert (
        messages.title("harmful_link", "hijacked", finding.evidence)
        == "外链变质：“辽源旅游网”指向的网站已变为博彩页面"
    )
    assert messages.title("harmful_link", "hijacked", finding.evidence, "en").endswith(
        "now leads to gambling content"
    )


def test_an_occurrence_with_harmful_words_makes_a_hijacked_target_illegal():
    links = [link(PARTNER, "辽源旅游网", PAGE), link(PARTNER, "澳门新葡京 百家乐", PAGE2)]
    [finding] = run(crawl(links=links, checks=[fetched(PARTNER, CASHINO_TITLE)]))
    assert (finding.subtype, finding.pages) == ("illegal", (PAGE, PAGE2))


def test_a_target_hidden_somewhere_and_visible_elsewhere_is_the_hidden_finding():
    pages = [page(PAGE, [entry(target=PARTNER, text="旅游")]), page(PAGE2)]
    links = [link(PARTNER, "旅游", PAGE), link(PARTNER, "辽源旅游网", PAGE2)]
    [finding] = run(crawl(pages=pages, links=links, checks=[fetched(PARTNER, CASHINO_TITLE)]))
    assert (finding.subtype, finding.pages, finding.evidence["source"]) == (
        "hidden",
        (PAGE,),
        "target_title",
    )


def test_profile_extra_ignore_and_allowed_hosts():
    hidden = [entry(text="百家乐"), entry(target="http://x.example.net/", text="某某国际娱乐")]
    data = crawl(pages=[page(hidden=hidden)])
    assert brief(run(data)) == [("hidden", "high", SPAM, "gambling")]
    extended = settings(extra=[{"term": "某某国际娱乐", "category": "gambling"}], ignore=["百家乐"])
    assert brief(run(data, extended)) == [("hidden", "high", "http://x.example.net/", "gambling")]
    allowed = settings(allow_hosts=["AMXPJ8.example.com"])
    assert run(data, allowed) == []
    weak = settings(extra=[{"term": "某某国际娱乐", "category": "gambling", "strength": "weak"}])
    assert [f.url for f in run(data, weak)] == [SPAM]


def test_profile_values_are_validated():
    with pytest.raises(ValidationError):
        settings(extra=[{"term": "x", "category": "gambling"}])  # one character matches everywhere
    with pytest.raises(ValidationError):
        settings(extra=[{"term": "某某", "category": "drugs"}])
    with pytest.raises(ValidationError):
        settings(allow_hosts=["http://partner.example.com/"])


def test_the_shipped_vocabulary():
    terms = shipped_terms()
    counts = {c: sum(1 for t in terms if t.category == c) for c in CATEGORIES}
    assert all(counts[c] >= 20 for c in CATEGORIES)
    assert len({t.term for t in terms}) == len(terms)  # no term in two places
    vocab = vocabulary(ChecksConfig().harmful)
    # Words a government page uses on its own are no terms at all.
    for word in ("彩票", "体育", "娱乐", "注册", "官网", "平台", "开户", "发票", "办证"):
        assert vocab.hits(word).get("gambling") is None or not vocab.hits(word)["gambling"].strong
    assert vocab.hits("开户送彩金")["gambling"].strong == {"送彩金"}  # counted once
    assert vocab.hits("中国体育彩票 福利彩票") == {}
    # Ordinary words that contain a term's characters are not strong evidence of anything.
    ordinary = vocab.hits("感情色彩 MBA片区 文化娱乐城市 现金网点 电子游艺场所 大黄片")
    assert all(not hits.strong for hits in ordinary.values())


def test_high_findings_veto_and_medium_ones_only_deduct():
    hidden = [
        entry(),
        entry(target="http://www.seo.example.com/", text="网站建设", how="offscreen"),
    ]
    findings = run(crawl(pages=[page(hidden=hidden)]))
    assert [f.severity for f in findings] == ["high", "medium"]
    [veto] = vetoes(findings, ScoringConfig())
    assert (veto.id, veto.name, veto.reason) == (
        "harmful_links",
        "暗链及违法有害链接",
        "存在暗链/黑链 1 个（严重问题）",
    )
    assert vetoes([findings[1]], ScoringConfig()) == []
    result = score([findings[1]], crawl(), ScoringConfig(), AS_OF)
    assert (
        result["vetoes"] == []
        and {"check": "harmful_link", "count": 1, "points": 2.0} in result["deductions"]
    )


# -- the parse and the check together: what a real page holds -------------------------------


def _outside(domain: str):
    return lambda url: not (host := urlsplit(url).hostname or "").endswith(domain) or not host


def parsed(html: str, url: str, domain: str) -> CrawlData:
    """What the crawler records of one page (its hidden outside links and its links), as the
    checks read it."""
    doc = parse_html(html, url)
    hidden = [h.to_json() for h in hidden_links(doc, url, _outside(domain))]
    links = [
        Link(url, x.url, x.raw, x.tag, x.attr, x.kind, x.text) for x in extract_links(doc, url)
    ]
    return CrawlData("站", (url,), (domain,), NOW, pages=(page(url, hidden),), links=tuple(links))


LOOKALIKE_PAGE = """<html><head><title>示例市人民政府</title>
<style>.skip{position:absolute;left:-9999px} .drop{display:none} @media (max-width:768px){.pc{display:none}}</style></head><body>
<a class="skip" href="#main">跳转到主要内容</a>
<div class="toolbar" style="display:none"><a href="javascript:;">无障碍</a><a href="/wza/">长者模式</a></div>
<ul class="nav"><li><a href="/zwgk/">政务公开</a><ul class="drop"><li><a href="/zwgk/tzgg/">通知公告</a></li></ul></li>
<li class="pc">政府网站<div class="drop"><a href="http://www.gov.cn/">中国政府网</a><a href="http://www.jl.gov.cn/">吉林省人民政府</a><a href="http://www.liaoyuan.gov.cn/">辽源市人民政府</a></div></li></ul>
<div id="share" style="display:none"><a href="http://service.weibo.com/share/share.php?url=x">分享到微博</a><a href="https://sns.qzone.qq.com/cgi-bin/qzshare">QQ空间</a></div>
<select onchange="window.open(this.value)"><option>友情链接</option><option value="http://www.sporttery.cn/">中国体育彩票</option><option value="http://www.xinhuanet.com/">新华网</option></select>
<div id="main"><a href="http://www.xinhuanet.com/sports/2026-11/01/c_1.htm">体育彩票公益金资助全民健身工程</a>
<a href="http://news.example.com/fz/1.html">我市公安机关破获一起网络赌博案件</a></div>
<div class="footer"><a href="https://bszs.conac.cn/sitename?method=show&id=1">党政机关</a>
<a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=2204000001" style="display:none">政府网站找错</a>
<a href="http://www.hanweb.com" style="display:none">Produced By 大汉网络</a></div>
</body></html>"""


def test_look_alikes_on_one_page_give_no_finding():
    data = parsed(LOOKALIKE_PAGE, PAGE, "example.gov.cn")
    hidden = data.pages[0].meta["hidden_links"]
    assert len(hidden) == 7  # the parser sees them all: the gov dropdown, share, 找错, credit
    assert harmful_links(data, CheckSettings(), AS_OF) == []


def test_an_injected_block_beside_the_look_alikes_is_found():
    injected = LOOKALIKE_PAGE.replace(
        "</body>",
        '<div class="k9q2"><a href="http://www.amxpj8.example.com/">澳门新葡京</a>'
        '<a href="http://bjl.example.net/">真人百家乐</a></div><style>.k9q2{position:fixed;top:-999px}</style></body>',
    )
    found = run(parsed(injected, PAGE, "example.gov.cn"))
    assert brief(found) == [
        ("hidden", "high", "http://bjl.example.net/", "gambling"),
        ("hidden", "high", "http://www.amxpj8.example.com/", "gambling"),
    ]
    assert {f.evidence["how"] for f in found} == {"offscreen"}


REAL_PAGES = {
    # file -> (page URL it was saved from, the site's domain)
    "01-handan-xxgk-home.html": ("http://hdzfxxgk.hd.gov.cn/", "hd.gov.cn"),
    "02-handan-xxgk-guide.html": ("http://hdzfxxgk.hd.gov.cn/gkzn/", "hd.gov.cn"),
    "03-handan-jqxxgk-list.html": ("http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/", "hd.gov.cn"),
    "04-handan-article-detail.html": ("http://hdzfxxgk.hd.gov.cn/zfwj/a.html", "hd.gov.cn"),
    "05-ordos-engebei-xxgknb-list.html": ("http://www.ordos.gov.cn/xxgk/xxgknb/", "ordos.gov.cn"),
    "06-pingtan-gzjzqk-list.html": (
        "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/",
        "pingtan.gov.cn",
    ),
    "07-pingtan-article-detail-xls.html": (
        "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/202403/t20240329_88515.htm",
        "pingtan.gov.cn",
    ),
    "08-wanzai-tjgb-2022-detail.html": (
        "http://www.wanzai.gov.cn/wzxrmzf/tjsja/202305/a.shtml",
        "wanzai.gov.cn",
    ),
    "09-yichun-tjgb-2022-detail.html": (
        "https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/a.shtml",
        "yichun.gov.cn",
    ),
    "10-wanzai-tjgb-2015-detail.html": (
        "http://www.wanzai.gov.cn/wzxrmzf/tjgb/201705/a.shtml",
        "wanzai.gov.cn",
    ),
    "11-zjdpc-hanweb-article-detail.html": (
        "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
        "zj.gov.cn",
    ),
    "12-shanxi-gov-article-detail.html": (
        "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
        "shanxi.gov.cn",
    ),
    "13-govcn-gazette-article-detail.html": (
        "https://www.gov.cn/gongbao/content/2007/content_1.htm",
        "gov.cn",
    ),
    "14-zhangshu-zhxx-trs-list.html": ("http://www.zhangshu.gov.cn/zwgk/zhxx/", "zhangshu.gov.cn"),
}
# What the parser sees on them: only page 11 hides outside links — its 找错 widget (an IP
# address) and its CMS's credit, both display:none with no harmful word.
REAL_HIDDEN = {
    "11-zjdpc-hanweb-article-detail.html": [
        (
            "http://121.43.68.40/exposure/jiucuo.html?site_code=3300000020&url=http%3A%2F%2Fwww.zjdpc.gov.cn%2F",
            "display_none",
        ),
        ("http://www.hanweb.com/", "display_none"),
    ]
}


def test_real_government_pages_give_no_finding(real_pages):
    assert sorted(p.name for p in real_pages.glob("*.html")) == sorted(REAL_PAGES)
    outside_links = 0
    for name, (url, domain) in REAL_PAGES.items():
        data = parsed((real_pages / name).read_text(encoding="utf-8"), url, domain)
        hidden = [(h["target"], h["how"]) for h in data.pages[0].meta.get("hidden_links", [])]
        assert hidden == REAL_HIDDEN.get(name, []), name
        outside_links += sum(
            1
            for x in data.links
            if x.tag in FOLLOWED_TAGS and x.target.startswith("http") and _outside(domain)(x.target)
        )
        assert harmful_links(data, CheckSettings(), AS_OF) == [], name
    assert outside_links > 400  # the rule had hundreds of visible outside links to judge
