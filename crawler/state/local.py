"""The spider's memory in one process: plain sets and dicts (see crawler/state/base.py)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crawler.items import ColumnRecord
from crawler.scope import CrawlScope, canonical
from crawler.state.base import ANY, CrawlState, column_kept
from crawler.traps import MAX_PATTERNS, MAX_TRAP_NOTES, TrapNote


@dataclass
class ColumnState:
    """What is known of one column while its pages are still being walked."""

    url: str
    name: str
    source: str
    kind: str | None = None
    unit: str | None = None
    list_pages: set[str] = field(default_factory=set)
    item_urls: set[int] = field(default_factory=set)  # digests of the items' URLs
    page_hashes: set[str] = field(default_factory=set)
    newest: date | None = None
    has_children: bool = False

    def record(self) -> ColumnRecord:
        return ColumnRecord(
            url=self.url,
            name=self.name,
            source=self.source,
            kind=self.kind,
            unit=self.unit,
            list_pages=len(self.list_pages),
            items=len(self.item_urls),
            newest=self.newest,
        )


class LocalState(CrawlState):
    """One process: sets and dicts. The per-target ones hold a 64-bit digest of the URL, not
    the URL: a 100,000-page portal has a few hundred thousand targets, and a small int costs a
    fraction of a URL string (a collision would need ~2**32 targets to become likely)."""

    def __init__(self, scope: CrawlScope) -> None:
        super().__init__(scope)
        self.requested: dict[int, str] = {}  # digest of a target URL -> role requested for
        self.lists: set[str] = set()  # canonical URLs of list pages asked for
        self.checked: set[int] = set()  # targets with a link-check record already
        self.pages: set[int] = set()  # pages with a page record already
        self.probed: set[str] = set()
        self.sampled = 0
        self.republished: set[str] = set()
        self.columns: dict[str, ColumnState] = {}  # canonical URL -> column
        self.parents: set[str] = set()
        self.pattern_pages: dict[str, int] = {}  # URL pattern -> pages requested by links
        self.shapes: dict[tuple[str, str], int] = {}  # (pattern, page shape) -> pages
        self.traps: dict[str, TrapNote] = {}  # pattern -> its note

    def was_requested(self, url: str) -> bool:
        return _digest(url) in self.requested

    def claim(self, url: str, role: str, keep: Collection[str] | None = ANY) -> bool:
        key = _digest(url)
        held = self.requested.get(key)
        if held is not None and (keep is ANY or held in keep):
            return False
        self.requested[key] = role
        if role == "list":
            self.lists.add(canonical(url))
        return True

    def claim_list(self, url: str) -> bool:
        key = canonical(url)
        if key in self.lists:
            return False
        self.lists.add(key)
        self.requested[_digest(url)] = "list"
        return True

    def claim_check(self, target: str) -> bool:
        return _add(self.checked, _digest(target))

    def claim_page(self, url: str) -> bool:
        return _add(self.pages, _digest(url))

    def claim_probe(self, site_root: str) -> bool:
        return _add(self.probed, site_root)

    def claim_sample(self, limit: int) -> bool:
        if self.sampled >= limit:
            return False
        self.sampled += 1
        return True

    def add_section(self, url: str) -> None:
        self.scope.add_section(url)

    def mark_republished(self, url: str) -> None:
        self.republished.add(url)

    def is_republished(self, url: str) -> bool:
        return url in self.republished

    def define_column(
        self, url: str, name: str, source: str, *, kind: str | None, unit: str | None
    ) -> str:
        state = self.columns.get(canonical(url))
        if state is None:
            state = ColumnState(url=url, name=name, source=source, kind=kind, unit=unit)
            self.columns[canonical(url)] = state
        return state.url

    def column_url(self, url: str) -> str | None:
        state = self.columns.get(canonical(url))
        return state.url if state is not None else None

    def record_list_page(
        self,
        column: str,
        page: str,
        digest: str | None,
        items: Iterable[str],
        newest: date | None,
    ) -> bool:
        state = self.columns.get(canonical(column))
        if state is None:
            return False
        if digest is not None and not _add(state.page_hashes, digest):
            return False
        state.list_pages.add(page)
        state.item_urls.update(_digest(item) for item in items)
        if newest is not None and (state.newest is None or newest > state.newest):
            state.newest = newest
        return True

    def mark_children(self, column: str, has_children: bool) -> None:
        state = self.columns.get(canonical(column))
        if state is not None:
            state.has_children = has_children

    def add_parents(self, urls: Iterable[str]) -> None:
        self.parents.update(urls)

    def count_pattern(self, pattern: str) -> int:
        return _count(self.pattern_pages, pattern)

    def count_shape(self, pattern: str, shape: str) -> int:
        return _count(self.shapes, (pattern, shape))

    def is_trapped(self, pattern: str) -> bool:
        return pattern in self.traps

    def note_trap(self, pattern: str, kind: str, example: str, dropped: int = 0) -> None:
        note = self.traps.get(pattern)
        if note is None:
            if len(self.traps) >= MAX_PATTERNS:
                return
            note = self.traps[pattern] = TrapNote(kind=kind, pattern=pattern, example=example)
        note.dropped += dropped

    def trap_notes(self) -> list[TrapNote]:
        notes = [
            TrapNote(n.kind, n.pattern, n.example, self.pattern_pages.get(n.pattern, 0), n.dropped)
            for n in self.traps.values()
        ]
        return sorted(notes, key=lambda n: -n.dropped)[:MAX_TRAP_NOTES]

    def column_records(self) -> list[ColumnRecord]:
        return [
            state.record()
            for state in self.columns.values()
            if column_kept(
                state.source,
                len(state.list_pages),
                len(state.item_urls),
                state.has_children or canonical(state.url) in self.parents,
            )
        ]


def _digest(url: str) -> int:
    """Python's own string hash (SipHash, 64 bits): stable within the crawl's process."""
    return hash(url)


def _count(counts: dict[Any, int], key: Any) -> int:
    """One more of ``key``, unless the table is full of other keys (then 0)."""
    if key not in counts and len(counts) >= MAX_PATTERNS:
        return 0
    counts[key] = counts.get(key, 0) + 1
    return counts[key]


def _add(seen: set[Any], value: Any) -> bool:
    if value in seen:
        return False
    seen.add(value)
    return True
