"""Walk: what the spider does with a parsed page — from the home page to the disclosure
sections, from a section to its columns (栏目), through every page of a column's list to its
entries, and from every page to every link it carries (each distinct target once)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from checks.model import Link
from crawler.items import LinkCheckRecord, ListItemRecord
from crawler.parsing.content import page_content
from crawler.parsing.dates import article_date
from crawler.parsing.document import parse_page
from crawler.parsing.encoding import decode_page
from crawler.parsing.hidden import hidden_links
from crawler.parsing.links import ExtractedLink, extract_links, is_fetchable
from crawler.parsing.listing import ListEntry, extract_list_items, list_blocks
from crawler.parsing.meta import extract_meta, site_name
from crawler.parsing.navigation import (
    column_name,
    column_parents,
    discover_columns,
    discover_sections,
)
from crawler.parsing.pagination import pagination_urls
from crawler.scope import (
    CrawlScope,
    canonical,
    is_home_url,
    looks_like_attachment,
    origin,
    section_prefix,
)
from crawler.spiders.boards import Boards
from crawler.spiders.content import ContentCapture
from crawler.spiders.recorder import KEPT_META, PageRecorder, header
from crawler.spiders.requests import (
    ARTICLE_PRIORITY,
    NEXT_LIST_PRIORITY,
    PROBE_PRIORITY,
    SECTION_PRIORITY,
    RequestFactory,
    Role,
)
from crawler.spiders.revisits import Revisits
from crawler.spiders.traps import TrapGuard
from crawler.state.base import CrawlState

# A page reached by recursion (not from a column's navigation) is taken as a column list
# when it shows at least this many dated entries.
MIN_LIST_ENTRIES = 3
PagerKey = tuple[str, str, int]  # (column, first page of a declared pager, its page count)
# Stats of pages read only in part: `<note>` counts them, `<note>/example` names the first.
CRAWL_NOTES = "xuncha/crawl_notes/"


class Walk:
    """The walking rules of one crawl. ``define_column`` makes a URL a column (the spider's,
    which fills in the responsible unit); ``revisits`` is set once an incremental night has
    loaded the previous run, and decides what is still fresh."""

    def __init__(
        self,
        *,
        scope: CrawlScope,
        state: CrawlState,
        requests: RequestFactory,
        content: ContentCapture,
        boards: Boards,
        stats: Callable[[], StatsCollector],
        define_column: Callable[..., str],
        home_is_start: bool,
    ) -> None:
        self.scope = scope
        self.state = state
        self.requests = requests
        self.content = content
        self.boards = boards
        self._stats = stats
        self.define_column = define_column
        self.home_is_start = home_is_start
        self.revisits: Revisits | None = None
        self.expanded_pagers: set[PagerKey] = set()  # see first_expansion
        self.traps = TrapGuard(state, stats)  # 爬虫陷阱: links followed by recursion only

    @property
    def stats(self) -> StatsCollector:
        return self._stats()

    @property
    def recorder(self) -> PageRecorder:
        return PageRecorder(self.stats)

    # -- a page -----------------------------------------------------------------------

    def page(
        self,
        response: Response,
        url: str,
        role: Role,
        column: str | None,
        *,
        check: LinkCheckRecord | None = None,
    ) -> Iterator[Any]:
        """Record a parsed page (and its text), then follow what its role calls for and every
        link it carries. ``check``: the page's link check, waiting for its title and text."""
        decoded = decode_page(response.body, header(response, "Content-Type") or "")
        text, encoding = decoded.text, decoded.encoding
        parsed = parse_page(text, response.url)
        doc = parsed.doc
        if check is not None:
            PageRecorder.read_check(check, doc)
            yield check
        meta = extract_meta(doc)
        if not self.state.claim_page(url):
            return  # fetched under another role already (a column linked from the home page)
        if role == "page":
            self.traps.fetched(url, text)
        if role == "page" and self.state.column_url(url) is not None:
            role, column = "list", canonical(url)
        elif role == "page":
            role, column = self._classify_page(doc, url)
        if role == "list" and column is None:
            column = url
        dated = article_date(doc, response.url) if role in ("article", "page") else None
        recorder = self.recorder
        page = recorder.page(response, url, role, column, meta.title, encoding=encoding)
        if dated is not None:
            page.pub_date, page.date_source = dated.date, dated.source
        page.meta = {k: v for k, v in meta.meta.items() if k in KEPT_META}
        if meta.breadcrumb:
            page.meta["breadcrumb"] = meta.breadcrumb
        self._note_damage(url, page.meta, decoded.invalid_bytes, parsed.truncated)
        page.meta.update(self.content.page_meta(doc, text, role))
        hidden = hidden_links(doc, response.url, self.outside, query_encoding=encoding)
        if hidden:
            page.meta["hidden_links"] = [link.to_json() for link in hidden]  # 暗链 candidates
        if role == "home" and (name := site_name(meta)):
            page.meta["site_name"] = name  # what a bare `--url` run calls the site
        # 互动交流: the channels named on the home page, a board's messages, one message.
        follow: list[Any] = []
        if role == "home":
            found, follow = self.boards.home(doc, response.url)
            page.meta.update(found)
        elif role == "board":
            found, follow = self.boards.board(doc, text, response.url, column or url)
            page.meta.update(found)
        elif role == "message":
            page.meta.update(self.boards.message(doc))
        entries = extract_list_items(doc, response.url) if role == "list" else []
        if role == "list" and not entries:
            # A column page without entries: what it says of its own decides whether the
            # column is blank (空白栏目) or a page of content (机构职能, 领导信息…).
            own = page_content(doc, [meta.title, meta.meta.get("ColumnName")])
            page.meta["content"] = asdict(own)
        yield page
        yield recorder.text(url, doc)
        self.stats.inc_value(f"xuncha/pages/{role}")
        yield from follow

        if role == "home":
            yield self.content.search(doc, response.url, encoding)
            yield from self._home(doc, response.url)
        elif role == "section":
            yield from self.section(doc, response.url)
        elif role == "list" and column is not None:
            yield from self._list(doc, text, response.url, url, column, entries)

        for link in extract_links(doc, response.url, query_encoding=encoding):
            yield Link(
                page=url,
                target=link.url,
                raw=link.raw,
                tag=link.tag,
                attr=link.attr,
                kind=link.kind,
                text=link.text,
            )
            yield from self.schedule(link)

    def _note_damage(
        self, url: str, meta: dict[str, Any], invalid_bytes: int, truncated: bool
    ) -> None:
        """Crawl notes (not site defects) of a page read as well as it could be: bytes its
        encoding could not read (replaced), markup nested past the parser's limit (cut). The
        run counts the pages of each note and keeps the first as an example."""
        notes = {"invalid_bytes": invalid_bytes, "truncated": "depth" if truncated else None}
        for note, value in notes.items():
            if value:
                meta[note] = value
                self.stats.inc_value(f"{CRAWL_NOTES}{note}")
                if not self.stats.get_value(f"{CRAWL_NOTES}{note}/example"):
                    self.stats.set_value(f"{CRAWL_NOTES}{note}/example", url)

    def _classify_page(self, doc: Any, url: str) -> tuple[Role, str | None]:
        """A page met by recursion inside a section: a column list, or just a page."""
        if self._is_section_home(url):
            return "page", None
        entries = extract_list_items(doc, url)
        if sum(1 for e in entries if e.date) >= MIN_LIST_ENTRIES:
            name = column_name(doc) or url
            self.define_column(url, name, "list")
            return "list", url
        return "page", None

    def _is_section_home(self, url: str) -> bool:
        """The section's own index under another name (``/xxgk/`` = ``/xxgk/index.html``)."""
        last = urlsplit(url).path.rsplit("/", 1)[-1].lower()
        index_file = last in ("", "index.html", "index.htm", "index.shtml", "default.htm")
        return index_file and section_prefix(url) in self.scope.sections

    # -- home page, sections, columns ---------------------------------------------------

    def _home(self, doc: Any, url: str) -> Iterator[Any]:
        sections = [s for s in discover_sections(doc, url) if self.scope.in_site(s.url)]
        if not sections:
            if self.home_is_start:
                # No disclosure entry in the navigation: the home page is the section.
                self.state.add_section(url)
                yield from self.section(doc, url)
            return
        for section in sections:
            self.state.add_section(section.url)
            if self.state.claim(section.url, "section", keep=("section", "start")):
                yield self.requests.get(section.url, "section", priority=SECTION_PRIORITY)

    def section(self, doc: Any, url: str) -> Iterator[Any]:
        """A disclosure section: its columns, from its navigation and its blocks' 更多 links."""
        found = {nav.url: nav.name for nav in discover_columns(doc, url)}
        self.state.add_parents(canonical(parent) for parent in column_parents(doc, url))
        for block in list_blocks(doc, url):
            if block.more_url and block.heading:
                found.setdefault(block.more_url, block.heading)
        for column_url, name in found.items():
            if not self.scope.in_site(column_url):
                continue
            self.define_column(column_url, name, "navigation")
            if self.state.claim_list(column_url):
                yield self.requests.get(column_url, "list", column=column_url, priority=50)

    def _list(
        self,
        doc: Any,
        text: str,
        response_url: str,
        url: str,
        column_url: str,
        entries: list[ListEntry],
    ) -> Iterator[Any]:
        column_url = self.state.column_url(column_url) or self.define_column(
            column_url, column_name(doc) or column_url, "list"
        )  # one name per column, however the request spelled it
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        newest = max((entry.date for entry in entries if entry.date), default=None)
        items = [entry.url for entry in entries]
        if not self.state.record_list_page(column_url, url, digest, items, newest):
            return  # the same page under another URL (index.html = ?pageNum=1)
        republished = self.revisits is not None and self.state.is_republished(url)
        for entry in entries:
            yield ListItemRecord(
                column_url=column_url,
                list_page=url,
                url=entry.url,
                title=entry.title,
                list_date=entry.date,
            )
            yield from self._entry_request(entry, column_url, republished)
        if not entries:
            self.state.mark_children(column_url, self._has_children(doc, response_url, column_url))
        asked: list[PagerKey] = []
        expand = partial(self.first_expansion, column_url, asked)
        next_urls = pagination_urls(doc, text, response_url, expand_declared=expand)
        if asked and not next_urls:
            # The expansion gave nothing here: the column's other list pages try again.
            self.expanded_pagers.discard(asked[0])
        for next_url in next_urls:
            if self.state.claim_list(next_url):
                yield self.requests.get(
                    next_url, "list", column=column_url, priority=NEXT_LIST_PRIORITY
                )

    def first_expansion(
        self, column_url: str, asked: list[PagerKey], declared: tuple[str, int]
    ) -> bool:
        """Whether to turn a column's declared pager (first page, count) into page URLs here.

        A TRS column of n list pages shows the same pager on each of them, naming all n pages:
        expanding it on every page is n² URLs, every repeat dropped by `claim_list`. Once per
        (column, first page, count) is enough; a column that grew mid-crawl declares a new
        count and is expanded again. Per process: each worker of a distributed run expands a
        column once itself, the shared claims drop what another worker asked already."""
        key = (canonical(column_url), *declared)
        if key in self.expanded_pagers:
            self.stats.inc_value("xuncha/lists/pager_reused")
            return False
        self.expanded_pagers.add(key)
        asked.append(key)
        self.stats.inc_value("xuncha/lists/pager_expanded")
        return True

    def _entry_request(self, entry: ListEntry, column_url: str, republished: bool) -> Iterator[Any]:
        if not is_fetchable(entry.url):
            return
        fresh = self.revisits is not None and self.revisits.still_fresh(entry.url, entry)
        if fresh and not republished:
            return  # unchanged since the last run: carried forward, not fetched
        if not self.scope.in_site(entry.url):
            # An item published elsewhere (a reprint on another site): checked, not parsed.
            if self.state.claim(entry.url, "check"):
                yield self.requests.head(entry.url)
        elif looks_like_attachment(entry.url):
            if self.state.claim(entry.url, "attachment"):
                yield self.requests.get(
                    entry.url, "attachment", column=column_url, priority=ARTICLE_PRIORITY
                )
        elif self.state.claim(entry.url, "article", keep=("article", "page")):
            yield self.requests.get(
                entry.url, "article", column=column_url, priority=ARTICLE_PRIORITY
            )

    def _has_children(self, doc: Any, response_url: str, column_url: str) -> bool:
        """An empty list is a parent node only if it shows sub-columns below its own folder
        (or the column tree nests them under it); the usual side menu of sibling columns does
        not make a 暂无信息 column a parent."""
        folder = section_prefix(column_url)
        children = [
            nav
            for nav in discover_columns(doc, response_url)
            if canonical(nav.url) != canonical(column_url) and nav.url.startswith(folder)
        ]
        parents = {canonical(p) for p in column_parents(doc, response_url)}
        return canonical(column_url) in parents or any(
            self.scope.in_sections(nav.url) for nav in children
        )

    # -- links --------------------------------------------------------------------------

    def outside(self, url: str) -> bool:
        return not self.scope.in_site(url)

    def schedule(self, link: ExtractedLink) -> Iterator[Any]:
        """The request a link calls for, if its target was not requested yet: a page inside
        the sections is crawled, an attachment fetched, anything else checked."""
        url = link.url
        if not is_fetchable(url) or self.state.was_requested(url):
            return
        in_site = self.scope.in_site(url)
        if in_site:
            site_root = origin(url)
            if self.state.claim_probe(site_root):
                probe = f"{site_root}xuncha-probe-{secrets.token_hex(6)}.html"
                yield self.requests.get(probe, "probe", priority=PROBE_PRIORITY)
        if self.revisits is not None and self.revisits.still_fresh(url):
            return
        if not in_site:
            if self.state.claim(url, "check"):
                yield (
                    self.requests.get(url, "check")
                    if reads_title(link)
                    else self.requests.head(url)
                )
        elif link.kind == "page" and self.scope.in_sections(url) and not looks_like_attachment(url):
            if self.traps.allows(url) and self.state.claim(url, "page"):
                self.traps.followed(url)
                yield self.requests.get(url, "page", priority=10)
        elif looks_like_attachment(url):
            if self.state.claim(url, "attachment"):
                yield self.requests.get(url, "attachment")
        elif self.state.claim(url, "check"):
            yield (
                self.requests.head(url)
                if link.kind == "resource"
                else self.requests.get(url, "check")
            )


def is_start_home(start_urls: list[str]) -> bool:
    """Whether a start URL is a home page (then a home page without a disclosure entry is
    itself the section)."""
    return any(is_home_url(start) for start in start_urls)


# Tags of the links a visitor follows to another page (a form submits, it is not followed).
_FOLLOWED_TAGS = frozenset({"a", "area", "option", "onclick", "iframe", "frame"})


def reads_title(link: ExtractedLink) -> bool:
    """Whether an outside link's target is fetched with GET, its title and a text sample kept,
    rather than only asked with HEAD: a link to another site's home page (友情链接, 合作网站) is
    the kind whose domain, once it lapses, a gambling site buys (外链变质, judged by
    checks/harmful.py) — except under gov.cn, whose names nobody else can register."""
    if link.kind != "page" or link.tag not in _FOLLOWED_TAGS or not is_home_url(link.url):
        return False
    host = (urlsplit(link.url).hostname or "").lower()
    return not (host == "gov.cn" or host.endswith(".gov.cn"))
