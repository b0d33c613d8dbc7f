"""What a page says of its own, once the site's chrome is set aside.

A column is blank (空白栏目) when it carries no information at all: an empty list, "暂无信息", or a
page with nothing but the site's chrome and the column's own title. A column that is a page of
content — 机构职能 (duties and departments), 领导信息 (leaders and what each is responsible for),
a 公开指南 of text, or "本单位无行政事业性收费项目" — is not blank although it lists no item.

So for a page, measure the text that is its own:

- set aside the chrome: the header and footer (by tag or id/class word, as the list parser does),
  the breadcrumb (当前位置), forms (the site search), hidden and template elements, and every
  block that is mostly links (menus, the column tree, link lists: a list's entries are counted
  by the list parser, not here);
- of what is left, drop the words that say nothing: the page's own title and column name,
  "打印 / 关闭 / 字号" tools, a pager ("共0条 第1页 首页 上一页…"), dates;
- a "no information" phrase (暂无信息, 正在建设中…) is noted and does not count.

The measure is the number of informative characters (Han characters, letters, digits) left. The
check decides what is enough (checks/columns.py); the crawler only measures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from lxml.html import HtmlElement

from crawler.parsing.document import visible_text
from crawler.parsing.dom import (
    NON_TEXT_TAGS,
    is_chrome_element,
    is_hidden_element,
    is_template_element,
    tag_of,
    tokens,
)

SAMPLE_CHARS = 120
# Elements whose text is never the page's own: controls, and what a visitor does not read.
_SKIPPED_TAGS = frozenset({"form", "select", "option", "button", "input", "textarea", "label"})
# id/class words (split at "-" and "_") of the breadcrumb (当前位置) and of toolbars (打印,
# 分享, 字号). Whole words only: "common-detail-page-printer" is an article's body.
_CRUMB_WORD = re.compile(
    r"^(?:\w*crumbs?|position|location|dqwz|weizhi|curpos|navpath|pathnav|share|bdshare"
    r"|print|fontsize|zihao|tools?)$",
    re.IGNORECASE,
)
_WORD_SPLIT = re.compile(r"[\s_\-]+")
# A block with at least this many links whose other text is no more than its link text and
# short is a menu or a link list. The cap keeps a container of real text (a page's body, a
# content area with a few links in it) from being set aside with its menus.
MIN_MENU_LINKS = 3
MENU_MAX_OTHER_CHARS = 40
MENU_HEADING_CHARS = 10
_PLACEHOLDER = re.compile(
    r"暂无(?:相关)?(?:信息|内容|数据|记录|文章|公开信息|资料)"
    r"|没有(?:找到)?(?:相关|符合条件的)?(?:信息|记录|数据|内容)"
    r"|无(?:相关)?(?:信息|记录|数据)(?:可显示|公开)?"
    r"|(?:栏目|页面|网页|本栏目)?(?:正在)?建设中"
    r"|正在(?:建设|完善|更新|整理)中?"
    r"|敬请期待"
)
_NOISE = re.compile(
    # where the page is
    r"当前位置|您现在的位置|您的位置|所在位置|当前的位置|首页"
    # a pager of an empty list
    r"|共计?\s*\d+\s*(?:条|页|篇|项)(?:记录|信息|数据)?|第\s*\d+\s*(?:/\s*\d+\s*)?页"
    r"|每页\s*\d+\s*条|上一页|下一页|尾页|末页|前一页|后一页|跳转(?:到)?|转到|到第|确定|GO\b"
    # the page's tools and the site's small labels
    r"|打印(?:本页)?|关闭(?:窗口|本页)?|收藏(?:本站)?|分享到?|返回顶部|返回|字号|【\s*[大中小]\s*】"
    r"|(?<![\u4e00-\u9fff])[大中小](?![\u4e00-\u9fff])|天气预报|站内搜索|搜索|登录|注册|设为首页"
    r"|加入收藏|无障碍(?:阅读|浏览)?|长者模式|关怀版|繁体|简体|手机版|English"
    # dates and counters
    r"|\d{4}\s*[-年/.]\s*\d{1,2}\s*[-月/.]\s*\d{1,2}\s*日?|(?<!\d)\d{1,2}-\d{1,2}(?!\d)"
    r"|(?:浏览|访问|点击)(?:次数|量)?\s*[:：]?\s*\d*",
    re.IGNORECASE,
)
# What a site's footer says (主办单位, 备案, 标识码…): a short block naming two of these is the
# footer, whatever its id or class.
_FOOTER_WORDS = re.compile(
    r"主办|承办|版权所有|ICP|网站标识码|标识码|公网安备|技术支持|举报电话|联系电话|地址|邮编|Copyright",
    re.IGNORECASE,
)
FOOTER_MAX_CHARS = 400
_BLOCK_TAGS = frozenset(
    {"div", "p", "table", "tbody", "tr", "ul", "ol", "dl", "li", "section", "article", "form",
     "h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "nav", "aside", "main"}
)  # fmt: skip
# A block named like the header or footer is chrome only while it is short: some templates put
# the whole page in a "footer" div.
CHROME_MAX_CHARS = 300
_INFORMATIVE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
_TITLE_SPLIT = re.compile(r"[_|｜\-–—·:：\s]+")


@dataclass(frozen=True)
class PageContent:
    """What a page says of its own: ``chars`` informative characters; ``placeholder`` when a
    "no information" phrase stood in their place; ``sample`` the first of those words."""

    chars: int
    placeholder: bool
    sample: str


def says_placeholder(doc: HtmlElement) -> bool:
    """Whether the page's visible text says it has nothing yet (暂无信息, 建设中, 敬请期待…)."""
    return bool(_PLACEHOLDER.search(visible_text(doc)))


def page_content(doc: HtmlElement, titles: Iterable[str | None] = ()) -> PageContent:
    """The page's own text (see the module docstring). ``titles``: the page's title and column
    name, whose words are the page's heading, not its content."""
    parts: list[str] = []
    body = doc.find("body")
    headings = _title_words(titles)
    _collect(body if body is not None else doc, parts, headings)
    text = " ".join(" ".join(parts).split())
    # Said anywhere a reader sees it: a 暂无信息 may sit in the block around a menu.
    placeholder = bool(_PLACEHOLDER.search(visible_text(doc)))
    text = _PLACEHOLDER.sub(" ", text)
    text = " ".join(_NOISE.sub(" ", text).split())
    chars = len(_INFORMATIVE.findall(text))
    return PageContent(chars=chars, placeholder=placeholder, sample=text[:SAMPLE_CHARS])


def _title_words(titles: Iterable[str | None]) -> set[str]:
    words: set[str] = set()
    for title in titles:
        if not title:
            continue
        words.add(title.strip())
        words.update(part for part in _TITLE_SPLIT.split(title) if len(part) >= 2)
    return words


def _collect(element: HtmlElement, parts: list[str], headings: set[str]) -> None:
    """The text of `element` that is the page's own, children first-to-last (tails are the
    parent's text, so they are collected by the caller's walk). An element whose whole text is
    the page's title or column name is its heading, not its content."""
    if _set_aside(element) or " ".join(element.text_content().split()) in headings:
        return
    if tag_of(element) != "a":
        parts.append(element.text or "")
    for child in element:
        if isinstance(child.tag, str):
            _collect(child, parts, headings)
        if child.tail and tag_of(element) != "a":
            parts.append(child.tail)


def _set_aside(element: HtmlElement) -> bool:
    tag = tag_of(element)
    if not tag or tag in NON_TEXT_TAGS or tag in _SKIPPED_TAGS or tag == "nav":
        return True
    if is_hidden_element(element) or is_template_element(element):
        return True
    words = _WORD_SPLIT.split(" ".join(tokens(element)))
    if any(_CRUMB_WORD.match(word) for word in words if word):
        return True
    if is_chrome_element(element) and _chars(element) <= CHROME_MAX_CHARS:
        return True
    if tag != "a" and _is_footer(element):
        return True
    return tag != "a" and _is_link_block(element)


def _chars(element: HtmlElement) -> int:
    return len(_INFORMATIVE.findall(element.text_content()))


def _is_footer(element: HtmlElement) -> bool:
    """A short block of text (no block inside it) naming the site's owner, its 备案 or its
    contacts: a line of the footer. Only such lines: a container holding the footer may hold
    the page's few words too."""
    if any(tag_of(node) in _BLOCK_TAGS for node in element.iterdescendants()):
        return False
    text = element.text_content()
    if len(_INFORMATIVE.findall(text)) > FOOTER_MAX_CHARS:
        return False
    return len({m.group(0).lower() for m in _FOOTER_WORDS.finditer(text)}) >= 2


def _is_link_block(element: HtmlElement) -> bool:
    """Mostly links: a menu, the column tree, a list of links — with its heading (a menu's
    title, 政务公开). A block around a menu and some words of the page's own is not one."""
    if not _mostly_links(element):
        return False
    anchors = len(element.findall(".//a"))
    for child in element:
        if not isinstance(child.tag, str) or 2 * len(child.findall(".//a")) < anchors:
            continue
        if _mostly_links(child):
            return _chars(element) - _chars(child) <= MENU_HEADING_CHARS
    return True


def _mostly_links(element: HtmlElement) -> bool:
    anchors = element.findall(".//a")
    if len(anchors) < MIN_MENU_LINKS:
        return False
    total = _chars(element)
    linked = sum(len(_INFORMATIVE.findall(a.text_content())) for a in anchors)
    other = total - linked
    return other <= linked and other <= MENU_MAX_OTHER_CHARS
