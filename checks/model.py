"""What checks read and what they return: plain, immutable data (no ORM, no I/O).

A big run holds millions of link occurrences and a text per page, more than a process should
hold at once, so `CrawlData.links`, `link_checks` and `texts` are typed by what the checks do
with them — iterate again and again, look up — not as tuples and dicts. Tuples and dicts are
what tests build; the store hands readers that fetch in batches (xuncha/store/snapshot.py).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

T_co = TypeVar("T_co", covariant=True)


class Rows(Protocol[T_co]):
    """Re-iterable: every ``iter()`` starts again from the first item, in crawl order."""

    def __iter__(self) -> Iterator[T_co]: ...


@dataclass(frozen=True, slots=True)
class PageView:
    """A fetched page. `meta` holds the page's meta tags (SiteName, ColumnName, PubDate…) and:
    `breadcrumb` (list of str); `identity` (dict of crawler.parsing.site_marks.SiteIdentity
    fields) on the home page and a sample of inner pages; `newest_item` (ISO date of the newest
    dated entry shown) on the home page."""

    url: str
    final_url: str | None
    role: str
    status: int | None
    title: str | None
    column_url: str | None
    pub_date: date | None
    date_source: str | None
    meta: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ColumnView:
    url: str
    name: str
    kind: str | None
    unit: str | None
    source: str
    items: int
    newest: date | None
    list_pages: int


@dataclass(frozen=True, slots=True)
class ListItemView:
    column_url: str
    url: str
    title: str
    list_date: date | None


@dataclass(frozen=True, slots=True)
class Link:
    """One link or resource as written on one page: the crawler records it (one per
    occurrence), the store keeps it (table ``links``), the checks read it. The one link type
    across the stages; the parser's :class:`~crawler.parsing.links.ExtractedLink` is what a
    document holds before the spider knows which page (URL) it was reached as, and the store's
    ``LinkOccurrence`` is its row."""

    page: str
    target: str
    raw: str
    tag: str
    attr: str
    kind: str
    text: str


@dataclass(frozen=True, slots=True)
class CheckView:
    target: str
    method: str | None
    status: int | None
    error: str | None
    error_detail: str | None
    final_url: str | None
    redirects: tuple[str, ...]
    content_type: str | None
    title: str | None
    text_sample: str | None
    content_hash: str | None
    probe: bool


@dataclass(frozen=True, slots=True)
class CertificateView:
    host: str
    port: int
    trusted: bool
    hostname_ok: bool
    verify_error: str | None
    not_after: datetime | None
    subject: str | None = None
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class SearchView:
    """The site search (站内搜索) as the crawler tried it: the form on the home page, and the
    answer to one query."""

    form_found: bool
    action: str | None = None
    query: str | None = None
    status: int | None = None
    error: str | None = None
    result_links: int | None = None
    # The recent item asked for by its exact title, and whether a result linked to it.
    expected_title: str | None = None
    expected_url: str | None = None
    expected_date: date | None = None
    found_expected: bool | None = None


@dataclass(frozen=True, slots=True)
class AvailabilityView:
    """The site's home-page probes (``xuncha probe``) of the window before the run: how many
    tries, how many failed (an error, a status ≥ 400, or 15 s and more), over which span."""

    tries: int
    failures: int
    since: datetime
    until: datetime


@dataclass(frozen=True, slots=True)
class CrawlData:
    """Everything one run saw, as the checks need it."""

    site_name: str
    start_urls: tuple[str, ...]
    scope_domains: tuple[str, ...]
    checked_at: datetime
    unreachable: str | None = None
    pages: tuple[PageView, ...] = ()
    columns: tuple[ColumnView, ...] = ()
    list_items: tuple[ListItemView, ...] = ()
    # Every link of every page: iterate it (each pass reads it again), or ask `links_to`.
    links: Rows[Link] = ()
    # Target URL -> its check. Iterating values() reads every check once, in crawl order.
    link_checks: Mapping[str, CheckView] = field(default_factory=dict)
    certificates: tuple[CertificateView, ...] = ()
    # URL -> visible text of a crawled HTML page, or the text extracted from an attachment.
    # Iterate items() to read them all; each lookup may be a read of its own.
    texts: Mapping[str, str] = field(default_factory=dict)
    search: SearchView | None = None
    # None when no probe was recorded in the window (probing is not set up).
    availability: AvailabilityView | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One defect. `key` is its stable identity within its check (never volatile text)."""

    check: str
    subtype: str
    severity: str
    url: str
    key: str
    page: str | None = None
    pages: tuple[str, ...] = ()
    column: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    unit: str | None = None


def links_to(links: Rows[Link], targets: Collection[str]) -> Iterator[Link]:
    """The occurrences of `targets` among `links`, in crawl order. A source that can find
    them by target (the store's reader: ``to_targets``) is asked to; any other is scanned."""
    find = getattr(links, "to_targets", None)
    if find is not None:
        found: Iterator[Link] = find(targets)
        return found
    return (link for link in links if link.target in targets)
