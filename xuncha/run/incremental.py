"""Incremental nightly runs (增量巡查): what the previous run saw, and carrying it forward.

A portal of 100,000 pages changes by a few dozen a day. A night after a complete run does not
fetch everything again:

- structural pages (home, sections, every list page) are revalidated with conditional requests
  (``If-None-Match`` / ``If-Modified-Since``); a 304 means unchanged, and the page is not parsed;
- an article is fetched when it is new, when its list entry (title, date) changed, when a
  finding on it is open or was fixed lately (整改 is confirmed the next morning, and a fix undone
  is seen — the 回头看), or when its rotation slot is due: every page is fetched again at least
  every `revisit_days`;
- a page whose server sends no validators but whose body is byte-identical to last time is not
  parsed either;
- a link target's result is reused while it is fresh: successes for `link_ttl_days` at most,
  failures never (a broken link is checked again every night, so a fix is seen the next day);
- everything not fetched again is carried forward from the previous run in SQL (page rows, their
  links, list items and texts, link-check results), so the checks judge the whole site and open
  findings are reported in full.

Rotation is spread over the period by a stable hash of the URL: a target checked on day 0 is due
between ``ttl / 2`` and ``ttl`` later, so the re-verification of a big site is not one night's
thundering herd.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.store import Run

# The parts of a profile that decide what is crawled: when they change, a night starts afresh.
CRAWL_KEYS = ("start_urls", "scope", "columns", "network", "limits")


def crawl_profile(profile: dict[str, Any]) -> dict[str, Any]:
    crawled = {key: profile.get(key) for key in CRAWL_KEYS}
    # What `links.exclude` matches is never fetched: a changed list changes what is crawled.
    crawled["links.exclude"] = (profile.get("links") or {}).get("exclude") or []
    return crawled


def previous_run(session: Session, run: Run) -> Run | None:
    """The latest complete, finished run of the same site before `run` whose crawl settings
    were the same and whose rows are still stored; None means a full crawl tonight."""
    before = session.scalar(
        select(Run)
        .where(
            Run.site_id == run.site_id,
            Run.id < run.id,
            Run.status == "finished",
            Run.complete.is_(True),
        )
        .order_by(Run.id.desc())
        .limit(1)
    )
    if before is None or getattr(before, "pruned_at", None) is not None:
        return None
    if crawl_profile(before.profile or {}) != crawl_profile(run.profile or {}):
        return None
    return before
