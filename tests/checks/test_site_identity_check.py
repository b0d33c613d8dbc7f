"""site_identity over hand-made crawl data and the identity marks of real pages."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, date, datetime

import pytest

from checks import messages
from checks.config import CheckSettings
from checks.model import CrawlData, PageView, SearchView
from checks.site_identity import site_identity
from crawler.parsing.document import parse_html
from crawler.parsing.site_marks import extract_identity

ROOT = "https://jtj.example.gov.cn/"
HOME = ROOT
INNER = [f"https://jtj.example.gov.cn/zwgk/t2026101{i}_{i}.html" for i in range(1, 5)]
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()

COMPLETE = {
    "site_code": "2204000012",
    "site_code_source": "footer",
    "icp": "吉ICP备05001234号",
    "public_security": "吉公网安备 22040202000123号",
    "conac": True,
    "jiucuo": True,
    "sponsor": "辽源市交通运输局",
}
FULL_META = {
    "SiteName": "辽源市交通运输局",
    "SiteDomain": "jtj.example.gov.cn",
    "SiteIDCode": "2204000012",
    "ColumnName": "通知公告",
    "ArticleTitle": "关于开展安全检查的通知",
    "PubDate": "2026-10-15 09:00",
}


def page(url, role="article", identity=None, meta=None):
    meta = dict(FULL_META if meta is None else meta)
    if identity is not None:
        meta["identity"] = identity
    return PageView(url, url, role, 200, "标题", None, None, None, meta)


def home(identity=COMPLETE):
    return page(HOME, "home", identity, meta={})


def crawl(pages, search=None):
    return CrawlData("站", (ROOT,), ("example.gov.cn",), NOW, pages=tuple(pages), search=search)


def run(pages, search=None, profile=PROFILE):
    return site_identity(crawl(pages, search), profile, AS_OF)


def test_a_complete_site_has_no_finding():
    pages = [home(), *(page(u, identity=COMPLETE) for u in INNER[:2]), page(INNER[3])]
    assert run(pages, SearchView(True, ROOT + "search", "政务公开", 200, None, 12)) == []


ELEMENTS = [
    # (id, element, missing value, severity)
    ("site-code", "site_code", None, "medium"),
    ("icp", "icp", None, "medium"),
    ("public-security", "public_security", None, "medium"),
    ("conac", "conac", False, "medium"),
    ("jiucuo", "jiucuo", False, "medium"),
    ("sponsor", "sponsor", None, "low"),
]


@pytest.mark.parametrize(
    ("element", "missing", "severity"), [e[1:] for e in ELEMENTS], ids=[e[0] for e in ELEMENTS]
)
def test_each_missing_element_is_one_finding_listing_its_pages(element, missing, severity):
    lacking = {**COMPLETE, element: missing}
    pages = [home(lacking), page(INNER[0], identity=COMPLETE), page(INNER[1], identity=lacking)]
    [finding] = run(pages)
    assert (finding.subtype, finding.severity, finding.url, finding.key) == (
        element,
        severity,
        ROOT,
        element,
    )
    assert finding.pages == (HOME, INNER[1])
    assert finding.evidence == {"missing_pages": 2, "checked_pages": 3}


NO_DATA = [
    ("no-pages", []),
    ("home-page-missing", [page(INNER[0]), page(INNER[1])]),
    ("pages-without-identity", [page(HOME, "home", meta={}), page(INNER[0])]),
]


@pytest.mark.parametrize("pages", [n[1] for n in NO_DATA], ids=[n[0] for n in NO_DATA])
def test_no_identity_data_means_no_finding(pages):
    assert run(pages) == []


def test_only_the_profile_sample_of_inner_pages_is_judged():
    lacking = {**COMPLETE, "conac": False}
    pages = [home(), *(page(u, identity=lacking) for u in INNER)]
    sample_one = PROFILE.model_copy(
        update={
            "checks": PROFILE.checks.model_copy(
                update={"identity": PROFILE.checks.identity.model_copy(update={"sample_pages": 1})}
            )
        }
    )
    [finding] = run(pages, profile=sample_one)
    assert finding.pages == (INNER[0],)
    assert finding.evidence == {"missing_pages": 1, "checked_pages": 2}


SITE_CODES = [
    ("ten-digits", "1304000009", "footer", False),
    ("ministry-code", "bm01000001", "footer", False),
    ("too-short-in-meta", "13040000", "meta", True),
    ("letters-in-widget", "ABCDEFGHIJ", "jiucuo", True),
    ("eleven-digits", "13040000091", "meta", True),
]


@pytest.mark.parametrize(
    ("code", "source", "invalid"), [s[1:] for s in SITE_CODES], ids=[s[0] for s in SITE_CODES]
)
def test_site_code_format(code, source, invalid):
    identity = {**COMPLETE, "site_code": code, "site_code_source": source}
    found = run([home(identity), page(INNER[0], identity=identity)])
    assert [(f.subtype, f.key) for f in found] == (
        [("site_code_invalid", f"site_code_invalid|{code}")] if invalid else []
    )
    if invalid:
        assert found[0].pages == (HOME, INNER[0])
        assert found[0].evidence == {"site_code": code, "source": source, "length": len(code)}


def _without(*names, **values):
    meta = {k: v for k, v in FULL_META.items() if k not in names}
    return {**meta, **values}


META = [
    # (id, the article pages' meta, expected `missing` evidence or None)
    ("complete", [FULL_META, FULL_META], None),
    ("lower-case-names", [{k.lower(): v for k, v in FULL_META.items()}], None),
    ("pubdate-missing", [FULL_META, _without("PubDate")], {"PubDate": 1}),
    ("empty-site-id-code", [_without(SiteIDCode=""), _without(SiteIDCode="  ")], {"SiteIDCode": 2}),
    (
        "several",
        [_without("SiteName", "ColumnName"), _without("ColumnName")],
        {"SiteName": 1, "ColumnName": 2},
    ),
    ("no-meta-at-all", [{}], dict.fromkeys(FULL_META, 1)),
]


@pytest.mark.parametrize("metas, missing", [m[1:] for m in META], ids=[m[0] for m in META])
def test_meta_tags_on_article_pages(metas, missing):
    pages = [home(), *(page(INNER[i], meta=m) for i, m in enumerate(metas))]
    found = run(pages)
    assert [f.subtype for f in found] == (["meta_tags"] if missing else [])
    if missing:
        finding = found[0]
        assert finding.evidence["missing"] == missing
        assert finding.evidence["tags"] == "、".join(missing)
        assert finding.evidence["article_pages"] == len(metas)
        assert len(finding.pages) == finding.evidence["missing_pages"]
        assert (finding.severity, finding.key, finding.url) == ("low", "meta_tags", ROOT)


def test_meta_tags_are_not_required_of_list_or_home_pages():
    assert run([home(), page(INNER[0], role="list", meta={})]) == []


SEARCH = [
    ("not-recorded", None, None),
    ("no-form", SearchView(False), ("search_missing", "medium")),
    ("http-error", SearchView(True, ROOT + "search", "政务公开", 500), ("search_broken", "medium")),
    (
        "network-error",
        SearchView(True, ROOT + "search", "政务公开", error="timeout: 20s"),
        ("search_broken", "medium"),
    ),
    (
        "no-results",
        SearchView(True, ROOT + "search", "政务公开", 200, None, 0),
        ("search_empty", "low"),
    ),
    ("answers", SearchView(True, ROOT + "search", "政务公开", 200, None, 8), None),
    ("answer-not-counted", SearchView(True, ROOT + "search", "政务公开", 200), None),
]

TITLE = "关于2026年秋冬季森林防火工作的通知"


def _by_title(found, links=6, day=date(2026, 11, 12)):
    return SearchView(True, ROOT + "search", TITLE, 200, None, links, TITLE,
                      ROOT + "art/2026/11/12/art_1.html", day, found)  # fmt: skip


STALE = [
    ("finds-the-item", _by_title(True), None),
    ("misses-an-8-day-old-item", _by_title(False), ("search_stale", "low")),
    # Look-alikes: an index a day behind is normal; nothing asked by title; no result at all.
    ("misses-yesterdays-item", _by_title(False, day=date(2026, 11, 19)), None),
    ("fixed-query", SearchView(True, ROOT + "search", "政务公开", 200, None, 6), None),
    ("no-results-at-all", _by_title(False, links=0), ("search_empty", "low")),
]


@pytest.mark.parametrize("search, expected", [s[1:] for s in STALE], ids=[s[0] for s in STALE])
def test_search_for_a_recent_title(search, expected):
    found = run([home()], search)
    assert [(f.subtype, f.severity) for f in found] == ([expected] if expected else [])
    if expected:
        evidence = found[0].evidence
        assert (evidence["query"], evidence["item_date"]) == (TITLE, "2026-11-12")
        assert evidence["item_url"].endswith("art_1.html")
        assert found[0].key == expected[0]  # the key never holds the night's title


@pytest.mark.parametrize("search, expected", [s[1:] for s in SEARCH], ids=[s[0] for s in SEARCH])
def test_site_search(search, expected):
    found = run([home()], search)
    assert [(f.subtype, f.severity) for f in found] == ([expected] if expected else [])
    if expected:
        assert found[0].url == ROOT and found[0].key == expected[0]
        assert found[0].evidence.get("query") == search.query  # none asked without a form


def test_titles():
    assert messages.title("site_identity", "jiucuo", {"missing_pages": 2, "checked_pages": 6}) == (
        "页面缺少“我为政府网站找错”入口（2/6个抽查页面）"
    )
    broken = {"query": "政务公开", "error": "timeout: 20s"}
    assert messages.title("site_identity", "search_broken", broken) == (
        "站内搜索无法使用（检索“政务公开”失败：timeout: 20s）"
    )


REAL = [
    # (file, role, the elements a webmaster must add)
    ("01-handan-xxgk-home.html", "home", []),
    ("06-pingtan-gzjzqk-list.html", "home", ["jiucuo"]),  # only an empty 找错 placeholder
    ("11-zjdpc-hanweb-article-detail.html", "article", ["sponsor"]),  # no 主办单位 label
]


@pytest.mark.parametrize(("name", "role", "missing"), REAL, ids=[r[0] for r in REAL])
def test_real_footers(real_pages, name, role, missing):
    html = (real_pages / name).read_text(encoding="utf-8")
    identity = asdict(extract_identity(parse_html(html, HOME), html))
    pages = [home(COMPLETE), page(INNER[0], role=role, identity=identity)]
    found = [f for f in run(pages) if f.subtype != "meta_tags"]
    assert [(f.subtype, f.pages) for f in found] == [(m, (INNER[0],)) for m in missing]


@pytest.mark.parametrize(
    ("subtype", "names", "never"),
    [
        ("icp", "ICP备案编号", ("网站标识码", "公安机关备案号", "主办单位")),
        ("site_code", "网站标识码", ("ICP", "公安机关备案号", "主办单位")),
        ("jiucuo", "找错", ("ICP", "网站标识码", "主办单位")),
        ("sponsor", "主办单位", ("ICP", "网站标识码", "公安机关备案号")),
        ("search_empty", "索引", ("ICP", "网站标识码", "主办单位")),
    ],
    ids=["icp", "site-code", "jiucuo", "sponsor", "search-empty"],
)
def test_how_to_fix_names_only_the_missing_element(subtype, names, never):
    text = messages.how_to_fix("site_identity", "zh", subtype)
    assert names in text
    assert not [word for word in never if word in text]
    assert messages.detail("site_identity", subtype, {}, "zh") == text
    assert messages.how_to_fix("site_identity", "en", subtype) != messages.how_to_fix(
        "site_identity", "en"
    )
