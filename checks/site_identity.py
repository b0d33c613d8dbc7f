"""网站标识 (`site_identity`): what 《政府网站发展指引》 (国办发〔2017〕47号) requires of pages.

Footer elements — 网站标识码, ICP备案编号, 公安机关备案号, 党政机关网站开办者标识, "我为政府网站
找错" and 主办单位 — are read by the crawler (crawler.parsing.site_marks) on the home page and a
sample of inner pages (`checks.identity.sample_pages`); each missing element is one finding
listing the pages without it. Article pages must carry the meta tags SiteName, SiteDomain,
SiteIDCode, ColumnName, ArticleTitle and PubDate. The 站内搜索 must exist and answer.

Where nothing was observed the check is silent: no page with identity data (the home page
failed), no article page, or no record of the search — absence of evidence is not a defect.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from checks import messages
from checks.config import CheckSettings
from checks.model import CrawlData, Finding, PageView, SearchView

# Element -> severity when missing. 主办单位 is low: footers write it in too many shapes
# ("主办：X", "X主办", "主办单位 X") for its absence to be as certain as a missing 标识码.
ELEMENTS: dict[str, str] = {
    "site_code": "medium",
    "icp": "medium",
    "public_security": "medium",
    "conac": "medium",
    "jiucuo": "medium",
    "sponsor": "low",
}
META_TAGS = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate")
# 网站标识码: 10 digits (地方, e.g. 1304000009) or two letters and 8 digits (部门, bm01000001).
_SITE_CODE = re.compile(r"(?:\d{10}|[A-Za-z]{2}\d{8})")


def site_root(data: CrawlData) -> str:
    parts = urlsplit(data.start_urls[0])
    return f"{parts.scheme}://{parts.netloc}/"


def sampled_pages(data: CrawlData, sample: int) -> list[tuple[PageView, dict[str, Any]]]:
    """The home page(s) and at most `sample` inner pages that carry identity data, in crawl
    order (the crawler samples too; the profile's number is applied again for stored runs)."""
    marked = [
        (p, p.meta["identity"]) for p in data.pages if isinstance(p.meta.get("identity"), dict)
    ]
    home = [(p, identity) for p, identity in marked if p.role == "home"]
    inner = [(p, identity) for p, identity in marked if p.role != "home"]
    return home + inner[:sample]


def site_identity(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """网站标识: missing footer elements, invalid 网站标识码, missing meta tags, site search."""
    config = settings.checks.identity
    root = site_root(data)
    sampled = sampled_pages(data, config.sample_pages)
    return [
        *_missing_elements(sampled, root),
        *_invalid_site_codes(sampled, root),
        *_missing_meta_tags(data, root),
        *_search_problems(data.search, config.search_query, root),
    ]


def _missing_elements(sampled: list[tuple[PageView, dict[str, Any]]], root: str) -> list[Finding]:
    findings = []
    for element, severity in ELEMENTS.items():
        missing = tuple(p.url for p, identity in sampled if not identity.get(element))
        if not missing:
            continue
        findings.append(
            Finding(
                check="site_identity",
                subtype=element,
                severity=severity,
                url=root,
                key=element,
                page=missing[0],
                pages=missing,
                evidence={"missing_pages": len(missing), "checked_pages": len(sampled)},
            )
        )
    return findings


def _invalid_site_codes(sampled: list[tuple[PageView, dict[str, Any]]], root: str) -> list[Finding]:
    """One finding per distinct malformed code (read from meta or the 找错 widget: the footer
    pattern only accepts well-formed codes)."""
    bad: dict[str, list[tuple[PageView, str | None]]] = {}
    for page, identity in sampled:
        code = str(identity.get("site_code") or "").strip()
        if code and not _SITE_CODE.fullmatch(code):
            bad.setdefault(code, []).append((page, identity.get("site_code_source")))
    findings = []
    for code, seen in bad.items():
        pages = tuple(dict.fromkeys(page.url for page, _ in seen))
        findings.append(
            Finding(
                check="site_identity",
                subtype="site_code_invalid",
                severity="medium",
                url=root,
                key=f"site_code_invalid|{code}",
                page=pages[0],
                pages=pages,
                evidence={"site_code": code, "source": seen[0][1], "length": len(code)},
            )
        )
    return findings


def _declared(meta: dict[str, Any]) -> set[str]:
    """Meta tag names (case-insensitive) with a non-empty value: ``SiteIDCode=""`` is missing."""
    return {str(name).lower() for name, value in meta.items() if str(value or "").strip()}


def _missing_meta_tags(data: CrawlData, root: str) -> list[Finding]:
    articles = [p for p in data.pages if p.role == "article"]
    counts: Counter[str] = Counter()
    pages = []
    for page in articles:
        declared = _declared(page.meta)
        missing = [tag for tag in META_TAGS if tag.lower() not in declared]
        counts.update(missing)
        if missing:
            pages.append(page.url)
    if not pages:
        return []
    missing_tags = {tag: counts[tag] for tag in META_TAGS if counts[tag]}
    return [
        Finding(
            check="site_identity",
            subtype="meta_tags",
            severity="low",
            url=root,
            key="meta_tags",
            page=pages[0],
            pages=tuple(pages),
            evidence={
                "missing": missing_tags,
                "tags": "、".join(missing_tags),
                "missing_pages": len(pages),
                "article_pages": len(articles),
            },
        )
    ]


def _search_problems(search: SearchView | None, query: str, root: str) -> list[Finding]:
    """站内搜索 "answers" when the query's result page comes back 2xx with at least one link
    that is not already on the home page. 0 such links is `search_empty` (low: the index may
    be empty, or results are drawn by script Xuncha does not run); a failure or an HTTP error
    is `search_broken`. A 2xx answer whose links were not counted is taken as working."""
    if search is None:
        return []
    evidence: dict[str, Any] = {"query": search.query or query}
    if not search.form_found:
        subtype, severity = "search_missing", "medium"
    elif search.error or (search.status is not None and search.status >= 400):
        subtype, severity = "search_broken", "medium"
        evidence.update(status=search.status, error=search.error, action=search.action)
    elif search.status is not None and 200 <= search.status < 300 and search.result_links == 0:
        subtype, severity = "search_empty", "low"
        evidence.update(status=search.status, action=search.action, result_links=0)
    else:
        return []
    return [
        Finding(
            check="site_identity",
            subtype=subtype,
            severity=severity,
            url=root,
            key=subtype,
            page=search.action or root,
            pages=(search.action or root,),
            evidence={k: v for k, v in evidence.items() if v is not None},
        )
    ]


messages.register(
    "site_identity",
    {
        "site_code": (
            "页面缺少网站标识码（{missing_pages}/{checked_pages}个抽查页面）",
            "Site code (网站标识码) missing on {missing_pages} of {checked_pages} sampled pages",
        ),
        "icp": (
            "页面缺少ICP备案编号（{missing_pages}/{checked_pages}个抽查页面）",
            "ICP record number missing on {missing_pages} of {checked_pages} sampled pages",
        ),
        "public_security": (
            "页面缺少公安机关备案号（{missing_pages}/{checked_pages}个抽查页面）",
            "Public-security record number missing on {missing_pages} of {checked_pages} "
            "sampled pages",
        ),
        "conac": (
            "页面缺少党政机关网站开办者标识（{missing_pages}/{checked_pages}个抽查页面）",
            "Party and government site mark missing on {missing_pages} of {checked_pages} "
            "sampled pages",
        ),
        "jiucuo": (
            "页面缺少“我为政府网站找错”入口（{missing_pages}/{checked_pages}个抽查页面）",
            "'Report an error' (我为政府网站找错) entry missing on {missing_pages} of "
            "{checked_pages} sampled pages",
        ),
        "sponsor": (
            "页面未标明网站主办单位（{missing_pages}/{checked_pages}个抽查页面）",
            "Sponsoring body (主办单位) not found on {missing_pages} of {checked_pages} "
            "sampled pages",
        ),
        "site_code_invalid": (
            "网站标识码“{site_code}”格式不正确（应为10位）",
            "Site code '{site_code}' is malformed (10 characters expected)",
        ),
        "meta_tags": (
            "文章页缺少元数据标签：{tags}（{missing_pages}/{article_pages}个文章页）",
            "Article pages lack meta tags: {tags} ({missing_pages} of {article_pages} pages)",
        ),
        "search_missing": ("首页未提供站内搜索", "No site search on the home page"),
        "search_broken": (
            "站内搜索无法使用（检索“{query}”失败：{status}）",
            "Site search fails (query '{query}': {status})",
        ),
        "search_empty": (
            "站内搜索检索“{query}”无结果",
            "Site search returns nothing for '{query}'",
        ),
        "*": ("网站标识不规范", "Site identity element missing"),
    },
    (
        "按《政府网站发展指引》在每个页面底部标明主办单位、网站标识码、ICP备案编号、公安机关"
        "备案号，放置党政机关网站标识和“我为政府网站找错”入口；文章页添加规定的元数据标签；"
        "提供可用的站内搜索。",
        "Per the 《政府网站发展指引》, show the sponsor, site code, ICP and public-security "
        "record numbers, the Party and government mark and the error-report entry in every "
        "footer; add the required meta tags to article pages; provide a working site search.",
    ),
)
