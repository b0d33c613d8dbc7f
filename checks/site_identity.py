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

from checks import messages
from checks.config import CheckSettings
from checks.model import CrawlData, Finding, PageView, SearchView
from checks.urls import site_root

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
        *_search_problems(data.search, root, as_of, config.search_index_days),
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


def _search_problems(
    search: SearchView | None, root: str, as_of: date, index_days: int
) -> list[Finding]:
    """站内搜索 "answers" when the query's result page comes back 2xx with at least one link
    that is not already on the home page. 0 such links is `search_empty` (low: the index may
    be empty, or results are drawn by script Xuncha does not run); a failure or an HTTP error
    is `search_broken`. A 2xx answer whose links were not counted is taken as working. The
    query is the exact title of the home page's newest item: results that do not link to an
    item at least `index_days` old are `search_stale` (索引未及时更新)."""
    if search is None:
        return []
    evidence: dict[str, Any] = {"query": search.query}
    if search.expected_title:
        evidence.update(
            item_title=search.expected_title,
            item_url=search.expected_url,
            item_date=search.expected_date.isoformat() if search.expected_date else None,
        )
    if not search.form_found:
        subtype, severity = "search_missing", "medium"
    elif search.error or (search.status is not None and search.status >= 400):
        subtype, severity = "search_broken", "medium"
        evidence.update(status=search.status, error=search.error, action=search.action)
    elif search.status is not None and 200 <= search.status < 300 and search.result_links == 0:
        subtype, severity = "search_empty", "low"
        evidence.update(status=search.status, action=search.action, result_links=0)
    elif (
        search.found_expected is False
        and search.expected_date is not None
        and (as_of - search.expected_date).days >= index_days
    ):
        subtype, severity = "search_stale", "low"
        evidence.update(status=search.status, action=search.action,
                        result_links=search.result_links)  # fmt: skip
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
        "search_stale": (
            "站内搜索索引未及时更新：按标题检索{item_date}发布的“{query}”，结果中没有该文章",
            "Site search index not current: searching for '{query}' (published {item_date}) "
            "does not find it",
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
    {
        "site_code": (
            "在所有页面底部标明本网站的网站标识码（10位，见全国政府网站信息报送系统）。",
            "Show the site's 10-character site code (网站标识码) in every page footer.",
        ),
        "site_code_invalid": (
            "核对网站标识码，按全国政府网站信息报送系统登记的10位标识码修改。",
            "Correct the site code to the 10 characters registered for the site.",
        ),
        "icp": (
            "在所有页面底部标明ICP备案编号，并链接到工业和信息化部备案管理系统。",
            "Show the ICP record number in every footer, linked to the MIIT record system.",
        ),
        "public_security": (
            "在所有页面底部标明公安机关备案号，并链接到全国互联网安全管理服务平台。",
            "Show the public-security record number in every footer, linked to its platform.",
        ),
        "conac": (
            "在所有页面底部放置党政机关网站开办者标识（党政机关标识）。",
            "Place the Party and government site mark (党政机关标识) in every footer.",
        ),
        "jiucuo": (
            "在所有页面放置“我为政府网站找错”入口（全国政府网站统一的找错平台）。",
            "Place the 'report an error' (我为政府网站找错) entry on every page.",
        ),
        "sponsor": (
            "在所有页面底部标明网站主办单位（“主办单位：某某人民政府办公室”）。",
            "Name the sponsoring body (主办单位) in every footer.",
        ),
        "meta_tags": (
            "按《政府网站发展指引》在文章页添加缺少的元数据标签（SiteName、SiteDomain、"
            "SiteIDCode、ColumnName、ArticleTitle、PubDate 等）。",
            "Add the missing meta tags the 《政府网站发展指引》 asks of article pages.",
        ),
        "search_missing": (
            "在首页提供站内搜索。",
            "Provide a site search on the home page.",
        ),
        "search_broken": (
            "修复站内搜索，确保检索请求能正常返回结果页。",
            "Repair the site search so a query returns a results page.",
        ),
        "search_stale": (
            "检查站内搜索的索引更新机制（增量索引任务），确保新发布的文章能及时按标题检索到。",
            "Check the search index's update job so new articles are found by their title.",
        ),
        "search_empty": (
            "检查站内搜索的索引：已发布的文章应能按标题检索到，且索引应及时更新。",
            "Check the search index: published articles must be found by their title, and the "
            "index kept current.",
        ),
    },
)
