"""Spider traps (爬虫陷阱): links a portal generates without end, told apart from its pages.

A calendar (日程) whose every day links the next, a relative link that nests a folder one level
deeper at every step (``a/`` on ``/zwgk/a/`` is ``/zwgk/a/a/``), a session or date value that
changes in every link: followed blindly, each runs a crawl to its page limit, with no score at
the end. The rules are those mature crawlers apply (Heritrix's URI length and path rules,
Nutch's repeated-segment filter), held to numbers real government CMSs stay far from:

- ``long_url``: longer than :data:`MAX_URL_LENGTH` characters;
- ``deep_path``: more than :data:`MAX_PATH_DEPTH` path segments;
- ``repeated_segment``: one path segment :data:`SEGMENT_REPEATS` times or more;
- ``query_values``: more than :data:`MAX_QUERY_PAGES` pages reached by links of one pattern
  whose query values keep changing;
- ``same_page``: :data:`SAME_PAGE_LIMIT` pages of one pattern that differ only by their numbers
  (a calendar's date, a counter).

A URL's *pattern* is its host and path with digit runs masked, repeated runs of segments
collapsed, and its query's keys without their values: ``/zwgk/cal?d=20261126`` and
``/zwgk/cal?d=20261127`` share ``/zwgk/cal?d=*``. Only links followed by recursion are judged
(``Walk.schedule``): a column's pager (``index_N.html``, ``?page=N``) and its list entries have
their own bounds and are never cut here. Pure functions; the counting is the crawl state's.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

# Worded in the reports as labels' trap_<kind> (reports/run_report.py lists the kinds it knows).
TrapKind = Literal["long_url", "deep_path", "repeated_segment", "query_values", "same_page"]

# 2,083: the longest URL Internet Explorer opened, and Heritrix's limit; a CMS's own links (a
# search with its filters included) are a small fraction of it.
MAX_URL_LENGTH = 2083
# /zwgk/zfxxgk/fdzdgknr/czzj/czyjs/202611/t20261126_123.html, a deep disclosure tree, is 7
# segments: 16 leaves more than twice that.
MAX_PATH_DEPTH = 16
# Nutch's default URL filter drops a path whose segment repeats three times (a/b/a/b/a).
SEGMENT_REPEATS = 3
# Pages of one pattern with ever-changing query values reached by links, not by a column's
# pager (which walks ?page=1..n on its own): a portal's content.jsp?id=N articles come from
# the lists; 500 more of them met only as links is already a generator, not a site.
MAX_QUERY_PAGES = 500
# Pages of one pattern that differ only by their numbers: 20 days of an empty calendar.
SAME_PAGE_LIMIT = 20
# What the crawl state remembers, whatever the site does: counters of at most this many
# patterns (and page shapes), notes of at most this many traps.
MAX_PATTERNS = 20_000
MAX_TRAP_NOTES = 100
EXAMPLE_LENGTH = 300  # an example URL is kept (and shown) up to this many characters
_CYCLE = 4  # the longest run of segments collapsed when it repeats (a/b/c/d/a/b/c/d)
_DIGITS = re.compile(r"\d+")


@dataclass
class TrapNote:
    """One trap met by a crawl (a crawl note of the run, not a defect of the site): its kind,
    its pattern, an example of a link dropped, the pages of the pattern kept before it was
    stopped, and the links dropped since."""

    kind: str
    pattern: str
    example: str
    kept: int = 0
    dropped: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TrapNote:
        return cls(
            kind=str(data.get("kind", "")),
            pattern=str(data.get("pattern", "")),
            example=str(data.get("example", "")),
            kept=int(data.get("kept", 0) or 0),
            dropped=int(data.get("dropped", 0) or 0),
        )


def url_pattern(url: str) -> str:
    """The URL's pattern: host, path with digit runs masked (``N``) and repeated runs of
    segments collapsed (``(a)+``), and the query's keys in order, without their values."""
    parts = urlsplit(url[: MAX_URL_LENGTH * 2])
    segments = [_DIGITS.sub("N", s) for s in parts.path.split("/")[1:]]
    path = "/" + "/".join(_collapsed(segments))
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = "?" + "&".join(f"{key}=*" for key in keys) if keys else ""
    return f"{parts.netloc.lower()}{path}{query}"[:EXAMPLE_LENGTH]


def has_query_values(pattern: str) -> bool:
    return "?" in pattern


def static_trap(url: str) -> TrapKind | None:
    """The trap a URL shows by itself, without counting: too long, too deep, or a segment that
    repeats (a relative link nesting a folder)."""
    if len(url) > MAX_URL_LENGTH:
        return "long_url"
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_PATH_DEPTH:
        return "deep_path"
    if segments and max(Counter(segments).values()) >= SEGMENT_REPEATS:
        return "repeated_segment"
    return None


def page_shape(text: str) -> str:
    """A digest of a page with its numbers masked: the same for two pages that differ only by
    a date or a counter (a calendar's days), different for two articles."""
    return hashlib.sha1(_DIGITS.sub("0", text).encode("utf-8", "replace")).hexdigest()[:16]


def example(url: str) -> str:
    return url if len(url) <= EXAMPLE_LENGTH else url[:EXAMPLE_LENGTH] + "…"


def _collapsed(segments: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(segments):
        for k in range(1, _CYCLE + 1):
            cycle = segments[i : i + k]
            if len(cycle) == k and segments[i + k : i + 2 * k] == cycle and any(cycle):
                i += k
                while segments[i : i + k] == cycle:
                    i += k
                out.append("(" + "/".join(cycle) + ")+")
                break
        else:
            out.append(segments[i])
            i += 1
    return out
