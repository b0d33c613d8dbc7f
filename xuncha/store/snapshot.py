"""Loading one run's crawl rows as the immutable `CrawlData` the checks read.

A portal of 100,000 articles stores some 3.5 million link occurrences and 100,000 page texts:
held as Python objects they take gigabytes. So pages, columns and list items are loaded (one
object per page, URLs shared), while links, link checks and texts stay in the store and are
read in batches each time a check goes through them (`StoredLinks`, `StoredMap`). The data
is read through the caller's session, which must stay open while the checks run.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, ItemsView, Iterator, Mapping, ValuesView
from typing import Any, TypeVar, overload

from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from checks.config import ScoringConfig
from checks.model import (
    AvailabilityView,
    CertificateView,
    CheckView,
    ColumnView,
    CrawlData,
    Link,
    ListItemView,
    PageView,
    SearchView,
)
from checks.site import judge_availability
from xuncha.profile import Profile
from xuncha.store import (
    Certificate,
    Column,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Run,
    SiteSearch,
)
from xuncha.store.retention import ensure_not_pruned
from xuncha.store.runs import probe_counts

BATCH = 2_000  # rows a read fetches at a time
IN_CHUNK = 500  # values of one IN (…): under every database's bind-parameter limit
V = TypeVar("V")
AnySelect = Select[*tuple[Any, ...]]  # a SELECT of any columns


def _batches(session: Session, query: AnySelect, key: Any, after: int = 0) -> Iterator[Any]:
    """The rows of `query` in `key` order, `BATCH` at a time (keyset pagination: each batch
    starts after the last key seen). No cursor stays open between batches, and neither
    database has to sort the whole result. Read through the connection: rows of columns need
    none of the ORM's loading, which cost a third of a pass over a run's links."""
    connection = session.connection()
    while True:
        rows = connection.execute(query.where(key > after).order_by(key).limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        after = rows[-1][0]


class SharedStrings:
    """One string object per distinct value (a page URL, a column URL, a role): a URL read
    back for every list item and every link that names it is kept once."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    @overload
    def __call__(self, value: str) -> str: ...
    @overload
    def __call__(self, value: str | None) -> str | None: ...
    def __call__(self, value: str | None) -> str | None:
        if value is None:
            return value
        return self.values.setdefault(value, value)


class StoredLinks:
    """`CrawlData.links` of a stored run: every pass reads the rows again, in crawl order.

    Page URLs come back as the very objects the run's `PageView`s hold."""

    def __init__(self, session: Session, run_id: int, shared: SharedStrings) -> None:
        self.session, self.run_id, self.shared = session, run_id, shared
        self._span: tuple[int, int] | None = None

    _COLUMNS = (LinkOccurrence.id, LinkOccurrence.page, LinkOccurrence.target,
                LinkOccurrence.raw, LinkOccurrence.tag, LinkOccurrence.attr,
                LinkOccurrence.kind, LinkOccurrence.text)  # fmt: skip

    def _view(self, row: Any) -> Link:
        shared = self.shared
        return Link(shared(row[1]), row[2], row[3], shared(row[4]), shared(row[5]),
                        shared(row[6]), row[7])  # fmt: skip

    def __iter__(self) -> Iterator[Link]:
        first, last = self.span()
        if first > last:
            return
        # `run_id + 0`: filtered, not searched by. The (run, target) and (run, page) indexes
        # would hand every row of the run to a sort; walking the primary key over the run's
        # ids returns them in order, one batch at a time.
        query = select(*self._COLUMNS).where(
            LinkOccurrence.id <= last, LinkOccurrence.run_id + 0 == self.run_id
        )
        for row in _batches(self.session, query, LinkOccurrence.id, first - 1):
            yield self._view(row)

    def span(self) -> tuple[int, int]:
        """(first, last) id of the run's links; (1, 0) when it has none."""
        if self._span is None:
            first, last = self.session.execute(
                select(func.min(LinkOccurrence.id), func.max(LinkOccurrence.id)).where(
                    LinkOccurrence.run_id == self.run_id
                )
            ).one()
            self._span = (first, last) if first is not None else (1, 0)
        return self._span

    def to_targets(self, targets: Collection[str]) -> Iterator[Link]:
        """The links to `targets`, in crawl order: their ids through the (run, target) index,
        then their rows. Memory grows with those links only."""
        ids: list[int] = []
        wanted = sorted(targets)
        for start in range(0, len(wanted), IN_CHUNK):
            ids += self.session.scalars(
                select(LinkOccurrence.id).where(
                    LinkOccurrence.run_id == self.run_id,
                    LinkOccurrence.target.in_(wanted[start : start + IN_CHUNK]),
                )
            )
        ids.sort()
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            query = select(*self._COLUMNS).where(LinkOccurrence.id.in_(chunk))
            for row in self.session.execute(query.order_by(LinkOccurrence.id)):
                yield self._view(row)


class StoredMap(Mapping[str, V]):
    """One run's rows of a table as a read-only mapping from a unique column (a check's
    target, a text's URL): a lookup reads one row; keys(), items() and values() read them all
    once, in batches, in crawl order. `view` makes the value of a row (id, key, *columns)."""

    def __init__(self, session: Session, run_id: int, key: InstrumentedAttribute[Any],
                 columns: tuple[Any, ...], view: Callable[[Any], V]) -> None:  # fmt: skip
        self.session, self.run_id, self.key = session, run_id, key
        self.model = key.class_
        self.columns, self.view = columns, view

    def _where(self, query: AnySelect) -> AnySelect:
        return query.where(self.model.run_id == self.run_id)

    def _rows_query(self) -> AnySelect:
        return self._where(select(self.model.id, self.key, *self.columns))

    def __getitem__(self, key: str) -> V:
        row = self.session.execute(self._rows_query().where(self.key == key).limit(1)).first()
        if row is None:
            raise KeyError(key)
        return self.view(row)

    def __contains__(self, key: object) -> bool:
        query = self._where(select(self.model.id)).where(self.key == key).limit(1)
        return self.session.execute(query).first() is not None

    def __len__(self) -> int:
        return self.session.scalar(self._where(select(func.count(self.model.id)))) or 0

    def __iter__(self) -> Iterator[str]:
        for row in _batches(self.session, self._where(select(self.model.id, self.key)),
                            self.model.id):  # fmt: skip
            yield row[1]

    def rows(self) -> Iterator[tuple[str, V]]:
        for row in _batches(self.session, self._rows_query(), self.model.id):
            yield row[1], self.view(row)

    def items(self) -> ItemsView[str, V]:
        return _StoredItems(self)

    def values(self) -> ValuesView[V]:
        return _StoredValues(self)


class _StoredItems(ItemsView[str, V]):
    _mapping: StoredMap[V]

    def __iter__(self) -> Iterator[tuple[str, V]]:
        return self._mapping.rows()


class _StoredValues(ValuesView[V]):
    _mapping: StoredMap[V]

    def __iter__(self) -> Iterator[V]:
        return (value for _, value in self._mapping.rows())


_CHECK_COLUMNS = (LinkCheck.method, LinkCheck.status, LinkCheck.error,
                  LinkCheck.error_detail, LinkCheck.final_url, LinkCheck.redirects,
                  LinkCheck.content_type, LinkCheck.title, LinkCheck.text_sample,
                  LinkCheck.content_hash, LinkCheck.probe)  # fmt: skip


def _check_view(row: Any) -> CheckView:
    (_, target, method, status, error, error_detail, final_url, redirects, content_type, title,
     text_sample, content_hash, probe) = row  # fmt: skip
    return CheckView(target, method, status, error, error_detail, final_url,
                     tuple(redirects or ()), content_type, title, text_sample, content_hash,
                     probe)  # fmt: skip


def stored_checks(session: Session, run_id: int) -> StoredMap[CheckView]:
    return StoredMap(session, run_id, LinkCheck.target, _CHECK_COLUMNS, _check_view)


def stored_texts(session: Session, run_id: int) -> StoredMap[str]:
    return StoredMap(session, run_id, PageText.url, (PageText.text,), lambda row: row[2])


_PAGE_COLUMNS = (Page.id, Page.url, Page.final_url, Page.role, Page.status, Page.title,
                 Page.column_url, Page.pub_date, Page.date_source, Page.meta)  # fmt: skip


def _pages(session: Session, run_id: int, item_column: dict[str, str],
           shared: SharedStrings) -> tuple[PageView, ...]:  # fmt: skip
    """A page first reached by a plain link inside a section (say, a 最新公开 block) is still
    the article of the column that lists it."""
    query = select(*_PAGE_COLUMNS).where(Page.run_id == run_id)
    pages = []
    for _, url, final_url, role, status, title, column, pub_date, source, meta in _batches(
        session, query, Page.id
    ):
        url = shared(url)
        if role == "page" and url in item_column:
            role, column = "article", item_column[url]
        pages.append(PageView(url, url if final_url == url else final_url, shared(role),
                              status, title, shared(column), pub_date, shared(source),
                              meta or {}))  # fmt: skip
    return tuple(pages)


def _list_items(session: Session, run_id: int, shared: SharedStrings) -> tuple[ListItemView, ...]:
    query = select(ListItem.id, ListItem.column_url, ListItem.url, ListItem.title,
                   ListItem.list_date).where(ListItem.run_id == run_id)  # fmt: skip
    return tuple(
        ListItemView(shared(column_url), shared(url), title, list_date)
        for _, column_url, url, title, list_date in _batches(session, query, ListItem.id)
    )


def load_availability(session: Session, run: Run, config: ScoringConfig) -> AvailabilityView | None:
    """The site's home-page probes of the `availability_days` up to the end of the run (the
    run report counts the same window), or None when fewer than the minimum were recorded."""
    until = run.finished_at or run.started_at
    since, tries, failures = probe_counts(session, run.site_id, until, config.availability_days)
    if not judge_availability(tries, failures, config).judged:
        # Too few probes to judge (the probe cron stopped?): no verdict either way, so an
        # availability finding is neither raised nor closed by this run.
        return None
    return AvailabilityView(tries=tries, failures=failures, since=since, until=until)


def load_crawl(session: Session, run: Run, profile: Profile) -> CrawlData:
    """The run's crawl as the checks read it; RunPrunedError when retention removed its rows
    (an empty crawl would read as a site with nothing on it)."""
    ensure_not_pruned(run)
    run_id = run.id
    shared = SharedStrings()
    items = _list_items(session, run_id, shared)
    item_column = {item.url: item.column_url for item in items}
    pages = _pages(session, run_id, item_column, shared)
    del item_column
    columns = tuple(
        ColumnView(c.url, c.name, c.kind, c.unit, c.source, c.items, c.newest, c.list_pages)
        for c in session.scalars(select(Column).where(Column.run_id == run_id).order_by(Column.id))
    )
    certificates = tuple(
        CertificateView(c.host, c.port, c.trusted, c.hostname_ok, c.verify_error,
                        c.not_after, c.subject, c.issuer)
        for c in session.scalars(
            select(Certificate).where(Certificate.run_id == run_id).order_by(Certificate.id)
        )
    )  # fmt: skip
    search_row = session.scalar(
        select(SiteSearch).where(SiteSearch.run_id == run_id).order_by(SiteSearch.id)
    )
    search = (
        SearchView(search_row.form_found, search_row.action, search_row.query, search_row.status,
                   search_row.error, search_row.result_links, search_row.expected_title,
                   search_row.expected_url, search_row.expected_date, search_row.found_expected)
        if search_row is not None
        else None
    )  # fmt: skip
    unreachable = (run.stats or {}).get("unreachable")
    return CrawlData(
        site_name=run.site.name if profile.name is None else profile.display_name,
        start_urls=tuple(profile.start_urls),
        scope_domains=tuple(profile.scope_domains),
        checked_at=run.started_at,
        unreachable=unreachable,
        pages=pages,
        columns=columns,
        list_items=items,
        links=StoredLinks(session, run_id, shared),
        link_checks=stored_checks(session, run_id),
        certificates=certificates,
        texts=stored_texts(session, run_id),
        search=search,
        availability=load_availability(session, run, profile.checks.scoring),
    )
