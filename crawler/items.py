"""What the spider yields: plain records the store pipeline writes, one class per table (a
link on a page is :class:`checks.model.Link`, the type every stage reads it as)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(slots=True)
class PageRecord:
    """A fetched page or document (role: home | section | list | article | page | attachment)."""

    url: str
    final_url: str
    role: str
    status: int
    fetched_at: datetime
    content_type: str | None = None
    encoding: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    size: int | None = None
    elapsed: float | None = None
    title: str | None = None
    column_url: str | None = None
    pub_date: date | None = None
    date_source: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class LinkCheckRecord:
    """The outcome of checking one distinct target (error is None when it loaded)."""

    target: str
    checked_at: datetime
    method: str | None = None
    status: int | None = None
    error: str | None = None
    error_detail: str | None = None
    final_url: str | None = None
    redirects: list[str] = field(default_factory=list)
    content_type: str | None = None
    title: str | None = None
    text_sample: str | None = None
    content_hash: str | None = None
    attempts: int = 1
    probe: bool = False


@dataclass(slots=True)
class ListItemRecord:
    column_url: str
    list_page: str
    url: str
    title: str
    list_date: date | None


@dataclass(slots=True)
class ColumnRecord:
    url: str
    name: str
    source: str
    kind: str | None = None
    unit: str | None = None
    list_pages: int = 0
    items: int = 0
    newest: date | None = None


@dataclass(slots=True)
class CertificateRecord:
    host: str
    port: int
    trusted: bool
    hostname_ok: bool
    verify_error: str | None
    not_before: datetime | None
    not_after: datetime | None
    subject: str | None
    issuer: str | None


@dataclass(slots=True)
class PageTextRecord:
    """Visible text of an HTML page, or the text extracted from an attachment."""

    url: str
    format: str
    text: str
    error: str | None = None


@dataclass(slots=True)
class SearchRecord:
    """The site search as tried: whether the home page has a search form, and one query."""

    form_found: bool
    action: str | None = None
    query: str | None = None
    status: int | None = None
    error: str | None = None
    result_links: int | None = None
    # The recent item searched for by its title, and whether the results link to it.
    expected_title: str | None = None
    expected_url: str | None = None
    expected_date: date | None = None
    found_expected: bool | None = None


@dataclass(slots=True)
class CarryRecord:
    """A page the server called unchanged (304): its rows are copied from the previous run."""

    url: str


@dataclass(slots=True)
class RecordBatch:
    """The records one response produced, handed to the pipeline as one item.

    Scrapy spends a task, two signals and a log record on every item; a page with 35 links
    would pay that 40 times. One item per response pays it once.
    """

    records: list[Any]
