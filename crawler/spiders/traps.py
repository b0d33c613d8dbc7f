"""TrapGuard: the spider's side of the spider-trap rules (爬虫陷阱, crawler/traps.py).

Asked by ``Walk.schedule`` before a link is followed as a page, told of each page such a link
fetched; counts in the crawl state (shared in Redis on a distributed run, so the bounds hold
for the run, not per worker). A trap is stopped, not reported as a defect of the site: each
is a crawl note of the run (``xuncha/traps``, set when the crawl closes) that the run report
and findings.json show, with the pages kept and the links dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from scrapy.statscollectors import StatsCollector

from crawler.state.base import CrawlState
from crawler.traps import (
    MAX_QUERY_PAGES,
    SAME_PAGE_LIMIT,
    example,
    has_query_values,
    page_shape,
    static_trap,
    url_pattern,
)

NOTES_STAT = "xuncha/traps"  # the notes, as JSON text (a crawl's stats are scalars)


class TrapGuard:
    def __init__(self, state: CrawlState, stats: Callable[[], StatsCollector]) -> None:
        self.state = state
        self._stats = stats

    def allows(self, url: str) -> bool:
        """Whether a link may be followed as a page: False for a URL that is a trap by itself
        (too long, too deep, a repeating segment) or whose pattern was found to be one."""
        kind = static_trap(url)
        pattern = url_pattern(url)
        if kind is None and not self.state.is_trapped(pattern):
            return True
        self.state.note_trap(pattern, kind or "query_values", example(url), dropped=1)
        self._stats().inc_value("xuncha/traps/dropped")
        return False

    def followed(self, url: str) -> None:
        """A link claimed as a page: counted under its pattern; past the bound of a pattern
        whose query values keep changing, the pattern is a trap from now on."""
        pattern = url_pattern(url)
        pages = self.state.count_pattern(pattern)
        if pages > MAX_QUERY_PAGES and has_query_values(pattern):
            self.state.note_trap(pattern, "query_values", example(url))

    def fetched(self, url: str, text: str) -> None:
        """A page reached by a link: the pattern is a trap once that many of its pages differ
        only by their numbers (a calendar's days)."""
        pattern = url_pattern(url)
        if self.state.is_trapped(pattern):
            return
        if self.state.count_shape(pattern, page_shape(text)) >= SAME_PAGE_LIMIT:
            self.state.note_trap(pattern, "same_page", example(url))

    def close(self) -> None:
        """The traps met, into the crawl's stats (the process that writes the columns' rows
        does it: on a distributed run, the seeding worker, once every worker is idle)."""
        if not self.state.writes_columns:
            return
        notes = self.state.trap_notes()
        if notes:
            text = json.dumps([note.to_json() for note in notes], ensure_ascii=False)
            self._stats().set_value(NOTES_STAT, text)
