"""Finding the disclosure sections (政务公开) of a portal and the columns (栏目) inside them.

- :func:`discover_sections` reads a portal home page's navigation for the links into its
  disclosure sections, by name (``SECTION_KEYWORDS``).
- :func:`discover_columns` reads a section page's column tree, side menu, tabs and "更多" links
  for the columns whose lists the crawler walks.
- :func:`column_name` names the column a list page belongs to.

Both discoveries keep to the page's registrable domain (``hd.gov.cn`` covers
``hdzfxxgk.hd.gov.cn`` and ``www.hd.gov.cn``): a link to another registrable domain is another
organisation's site (a provincial platform, 中国政府网), not a column of this one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from crawler.parsing.dates import date_from_url
from crawler.parsing.dom import (
    Element,
    base_url,
    in_chrome,
    in_non_text,
    in_template,
    is_hidden,
    is_more_link,
    link_of,
    same_page,
    same_site,
    tag_of,
    text_of,
)
from crawler.parsing.listing import block_heading
from crawler.parsing.pagination import pagination_urls
from crawler.parsing.records import find_record_groups

# Link names that lead into a disclosure section (the keyword table). A name ending in one of
# these, alone or after an organisation's name (邯郸市政府信息公开), is a section link.
SECTION_KEYWORDS: tuple[str, ...] = (
    "政府信息公开",
    "政务信息公开",
    "信息公开目录",
    "法定主动公开内容",
    "法定主动公开",
    "主动公开目录",
    "政务公开",
    "信息公开",
    "公开目录",
)
# What an organisation or place name ends with, before a section keyword (邯郸市 / 市教育局 …).
_ORGANISATION_END = re.compile(
    r"(?:省|市|县|区|州|盟|旗|镇|乡|街道|局|委|办|厅|部|署|院|会|政府|中心|管委会|公司)$"
)
# Words that make a 信息公开 link a column rather than the section: 公开指南, 公开年报, 公开制度…
_COLUMN_WORDS = ("指南", "年报", "年度报告", "制度", "申请", "规定", "意见", "表格", "工作要点")
MAX_SECTION_NAME_CHARS = 14
MAX_COLUMN_NAME_CHARS = 30
MAX_NAV_BLOCK_LINKS = 80
MIN_NAV_BLOCK_LINKS = 3
MAX_NAV_CLIMB_LINKS = 30
# Links of the site's own navigation, never columns: 首页, 新闻中心, 互动交流, 办事服务…
HOME_NAMES = frozenset({"首页", "网站首页", "返回首页", "主页", "门户首页", "回到首页", "首 页"})
SITE_NAV_NAMES = HOME_NAMES | frozenset(
    {
        "新闻中心",
        "新闻动态",
        "互动交流",
        "政民互动",
        "公众参与",
        "办事服务",
        "网上办事",
        "政务服务",
        "网站地图",
        "联系我们",
        "关于我们",
        "网站声明",
        "帮助",
        "无障碍",
        "无障碍浏览",
        "长者模式",
        "适老模式",
        "高级搜索",
        "高级检索",
        "搜索",
        "检索",
        "登录",
        "注册",
        "设为首页",
        "加入收藏",
        "返回顶部",
        "打印",
        "关闭",
        "RSS",
        "RSS订阅",
        "English",
        "繁体",
        "简体",
        "繁體",
    }
)
_ARTICLE_PATH = re.compile(r"(?:/t\d{8}_\d+|/art_\d+_\d+|/content_\d+|/\d{6,}\.s?html?$)", re.I)
_BREADCRUMB_TOKEN = re.compile(r"crumb|position|location|weizhi|dqwz|mbx|currentpath|lujing", re.I)
MAX_BREADCRUMB_LINKS = 10
_BREADCRUMB_TEXT = ("当前位置", "您的位置", "所在位置", "现在的位置", "您现在的位置", "当前的位置")
_BREADCRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|›|→|->|-&gt;|/|\\)\s*")
_ARTICLE_CRUMBS = ("正文", "详情", "内容", "文章", "详细内容", "浏览")
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|--|——| - |-)\s*")


@dataclass(frozen=True, slots=True)
class NavLink:
    """A named link into a section or a column."""

    name: str
    url: str


def _candidate_anchors(doc: Element, url: str) -> Iterator[tuple[Element, str]]:
    """(anchor, absolute URL) pairs a visitor can follow: same site, not this page."""
    base = base_url(doc, url)
    for anchor in doc.iter("a"):
        link = link_of(anchor, base)
        if link is None or in_non_text(anchor) or in_template(anchor):
            continue
        if same_page(link, url) or not same_site(link, url):
            continue
        yield anchor, link


def _name(anchor: Element) -> str:
    text = text_of(anchor).replace(" ", "")
    title = (anchor.get("title") or "").strip()
    return title if len(title) > len(text) else text


def discover_sections(doc: Element, url: str) -> list[NavLink]:
    """The disclosure sections linked from a portal page, in page order, one per URL.

    A link is a section when its name is a ``SECTION_KEYWORDS`` entry, alone or after the name
    of an organisation or place (邯郸市政府信息公开, 市教育局政务公开) — not after a topic
    (近期信息公开, 重点领域信息公开) — is short (a navigation label, not an article title), and
    does not name a single column (指南, 年报…). Other registrable domains are other sites.
    """
    found: list[NavLink] = []
    seen: set[str] = set()
    for anchor, link in _candidate_anchors(doc, url):
        name = _name(anchor)
        if not name or len(name) > MAX_SECTION_NAME_CHARS or link in seen:
            continue
        if any(word in name for word in _COLUMN_WORDS):
            continue
        if _names_section(name):
            seen.add(link)
            found.append(NavLink(name, link))
    return found


def _names_section(name: str) -> bool:
    """The name is a section keyword, alone or after the name of an organisation or place
    (邯郸市政府信息公开, 市教育局政务公开) — not after a topic (近期信息公开, 重点领域信息公开)."""
    for keyword in SECTION_KEYWORDS:
        if name.endswith(keyword):
            prefix = name[: -len(keyword)]
            if not prefix or _ORGANISATION_END.search(prefix):
                return True
    return False


def _nav_blocks(doc: Element) -> set[Element]:
    """Blocks of the site's own navigation: the list holding a 首页 link, with the same-shaped
    lists beside it (a top bar, a footer site map, a breadcrumb).

    A breadcrumb is a block of its own however few links it has: on a section's home page it
    reads just 首页 > 信息公开, and climbing from there would take in the column tree beside it.
    """
    blocks: set[Element] = set()
    crumb = _breadcrumb(doc)
    for anchor in doc.iter("a"):
        if text_of(anchor).replace(" ", "") not in HOME_NAMES:
            continue
        block = anchor.getparent()
        # Climb to the smallest block holding a few links (layout tables wrap each nav item
        # in its own table), never into a block the size of the page.
        while block is not None and block is not crumb and _link_count(block) < MIN_NAV_BLOCK_LINKS:
            parent = block.getparent()
            if parent is None or tag_of(parent) in ("body", "html"):
                break
            if _link_count(parent) > MAX_NAV_CLIMB_LINKS:
                break
            block = parent
        if block is None or tag_of(block) in ("body", "html"):
            continue
        parent = block.getparent()
        if (
            parent is not None
            and tag_of(parent) not in ("body", "html")
            and sum(1 for s in parent if _same_shape(s, block)) > 1
            and _link_count(parent) <= MAX_NAV_BLOCK_LINKS
        ):
            block = parent  # a footer site map: one list per top-level nav item
        blocks.add(block)
    return blocks


def _same_shape(a: Element, b: Element) -> bool:
    return tag_of(a) == tag_of(b) and (a.get("class") or "") == (b.get("class") or "")


def _link_count(element: Element) -> int:
    return sum(1 for a in element.iter("a") if a.get("href"))


def _article_urls(doc: Element, url: str) -> set[str]:
    """Links of dated list items: articles, not columns."""
    base = base_url(doc, url)
    return {
        record.url
        for group in find_record_groups(doc, base, url)
        if group.is_dated
        for record in group.records
    }


def _looks_like_article(link: str) -> bool:
    return bool(_ARTICLE_PATH.search(link)) or date_from_url(link) is not None


def discover_columns(doc: Element, url: str, html_text: str = "") -> list[NavLink]:
    """The columns a disclosure section page links to, in page order, one per URL.

    Read: the column tree, side menu, tab names and heading links; a "更多" link takes its
    block's heading as its name. Left out: the site's navigation blocks (those holding 首页) and
    header/footer, other registrable domains, javascript/# links, article links (dated list
    items, TRS ``t20200802_1.html`` / Hanweb ``art_…`` addresses), pager links, hidden template
    rows, and names of site functions (``SITE_NAV_NAMES``: 网站地图, 高级搜索…).
    """
    nav = _nav_blocks(doc)
    articles = _article_urls(doc, url)
    pages = set(pagination_urls(doc, html_text, url))
    base = base_url(doc, url)
    found: list[NavLink] = []
    seen: set[str] = set()
    for anchor, link in _candidate_anchors(doc, url):
        if link in seen or link in articles or link in pages or _looks_like_article(link):
            continue
        if in_chrome(anchor) or any(ancestor in nav for ancestor in anchor.iterancestors()):
            continue
        if is_hidden(anchor) and not _in_menu(anchor):
            continue
        name = _more_name(anchor, base) if is_more_link(anchor) else _name(anchor)
        if not name or name in SITE_NAV_NAMES or len(name) > MAX_COLUMN_NAME_CHARS:
            continue
        if name.isdigit():
            continue
        seen.add(link)
        found.append(NavLink(name, link))
    return found


def _in_menu(anchor: Element) -> bool:
    """Collapsed sub-menus (display:none until hovered) still list real columns."""
    return any(tag_of(node) in ("ul", "ol", "dl") for node in anchor.iterancestors())


def _more_name(anchor: Element, base: str) -> str | None:
    """A "更多" link's name: the heading of the block it sits in (or sits beside)."""
    node = anchor.getparent()
    for _ in range(3):
        if node is None:
            return None
        for heading in node.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            if text_of(heading):
                return text_of(heading)
        others = [a for a in node.iter("a") if a is not anchor and not is_more_link(a)]
        if len(others) == 1 and text_of(others[0]):
            return text_of(others[0])
        if not others:
            rest = text_of(node).replace(text_of(anchor), "").strip()
            if 0 < len(rest) <= MAX_COLUMN_NAME_CHARS:
                return rest
        heading_text, _ = block_heading(node, base)
        if heading_text:
            return heading_text
        if len(others) > 1:
            return None
        node = node.getparent()
    return None


def _breadcrumb(doc: Element) -> Element | None:
    for element in doc.iter():
        if not isinstance(element.tag, str) or tag_of(element) in ("html", "body"):
            continue
        marker = f"{element.get('id') or ''} {element.get('class') or ''}"
        if _BREADCRUMB_TOKEN.search(marker) and 0 < _link_count(element) <= MAX_BREADCRUMB_LINKS:
            return element
    for element in doc.iter():
        if not isinstance(element.tag, str) or tag_of(element) in ("html", "body"):
            continue
        own = (element.text or "").strip()
        labelled = own.startswith(_BREADCRUMB_TEXT) or any(
            (child.text or "").strip().startswith(_BREADCRUMB_TEXT)
            for child in element
            if isinstance(child.tag, str) and tag_of(child) != "a"
        )
        if labelled and 0 < _link_count(element) <= MAX_BREADCRUMB_LINKS:
            return element
    for anchor in doc.iter("a"):
        if "CurrChnlCls" in (anchor.get("class") or ""):
            return anchor.getparent()
    return None


def _breadcrumb_last(doc: Element) -> str | None:
    """The breadcrumb's last item: text after its last link (unless that is 正文/详情), else the
    last link's text."""
    crumb = _breadcrumb(doc)
    if crumb is None:
        return None
    anchors = [a for a in crumb.iter("a") if text_of(a)]
    if not anchors:
        return None
    last = anchors[-1]
    trailing = [last.tail or ""]
    node = last
    while node is not crumb and (parent := node.getparent()) is not None:
        for sibling in node.itersiblings():
            trailing.append(text_of(sibling) if isinstance(sibling.tag, str) else "")
            trailing.append(sibling.tail or "")
        node = parent
    rest = [p for p in _BREADCRUMB_SPLIT.split(" ".join(" ".join(trailing).split())) if p]
    rest = [p for p in rest if p not in _ARTICLE_CRUMBS]
    return rest[-1] if rest else text_of(last).replace(" ", "")


def _title_stem(doc: Element) -> str | None:
    title = doc.find(".//title")
    text = text_of(title) if title is not None else ""
    parts = [p for p in _TITLE_SPLIT.split(text) if p]
    return parts[0] if parts else None


def column_name(doc: Element) -> str | None:
    """The column (栏目) a page belongs to.

    In order: the breadcrumb's last item (``首页 >> 政务公开 >> 综合信息`` → 综合信息; a trailing
    正文/详情 is skipped); the ``ColumnName`` meta; the list heading (``<h1>``); the ``<title>``
    stem without its site-name suffix (``工作进展情况_平潭综合实验区党工委管委会`` → 工作进展情况).

    The breadcrumb goes before the meta because templates that share one header include stamp
    the section's name on every column page (邯郸's 近期信息公开 list says
    ``ColumnName=邯郸市政府信息公开``), while the breadcrumb is rendered per column; where both
    are right they agree (平潭, 万载, 宜春, 浙江发改委, 山西).
    """
    meta = next(
        (
            " ".join((m.get("content") or "").split())
            for m in doc.iter("meta")
            if (m.get("name") or "").lower() == "columnname"
        ),
        "",
    )
    crumb = _breadcrumb_last(doc)
    if crumb:
        return crumb
    if meta:
        return meta
    for heading in doc.iter("h1"):
        text = text_of(heading)
        if text and len(text) <= MAX_COLUMN_NAME_CHARS:
            return text
    return _title_stem(doc)


def column_parents(doc: Element, url: str) -> set[str]:
    """Nodes of a column tree that hold sub-columns: a ``<dt>`` link followed by ``<dd>``
    links, an ``<li>`` link with a nested list. Such a node's page may list no items of its own
    (only its sub-columns): it is a parent, not an empty column."""
    base = base_url(doc, url)
    parents: set[str] = set()
    for node in doc.iter("dt", "li"):
        if tag_of(node) == "dt":
            following = node.getnext()
            children = following if following is not None and tag_of(following) == "dd" else None
        else:
            children = next((c for c in node if tag_of(c) in ("ul", "ol", "dl")), None)
        if children is None or not any(link_of(a, base) for a in children.iter("a")):
            continue
        own = [a for a in node.iter("a") if children not in a.iterancestors()]
        head = next((link for a in own if (link := link_of(a, base))), None)
        if head:
            parents.add(head)
    return parents
