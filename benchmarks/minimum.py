"""The necessary minimum of requests for the nightly re-run of an unchanged portal (issue 13),
and the nightly's real requests sorted against it.

The minimum: every list page (home, 政务公开 and each column's list pages: what is new shows
there), plus one conditional re-fetch of each other page of the portal that carries an open
finding after the first run (a fix must show the next morning), plus one re-check of each
failing target, plus the new and changed items (none: the portal did not change). A request
beyond these is work an incremental night could skip.

One exception, stated where it is printed: a site_identity finding (网站标识, the meta tags every
article lacks…) lists the pages it looked at, a sample of a site-wide mark, not pages that each
carry a fault of their own; its `page` alone counts, as Xuncha itself watches it. Counted page
by page, it would put every article in the minimum and the target would say nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.portal import PortalManifest

# Checks whose `pages` are the sample they looked at (see the module's docstring).
SAMPLED_CHECKS = frozenset({"site_identity"})


@dataclass
class NightlyMinimum:
    """The fewest requests a nightly re-run of the unchanged portal can make (issue 13): every
    list page, a conditional re-fetch of every other page carrying an open finding, a re-check
    of every failing target, and the new and changed items (none: the portal is unchanged)."""

    list_pages: int = 0
    finding_pages: int = 0  # pages of the portal with an open finding, list pages not again
    failing_targets: int = 0
    new_or_changed: int = 0
    # Pages carrying an open finding when a sampled check's every page counts too.
    finding_pages_every_sampled: int = 0
    # The URLs of each part, to sort the nightly's requests by (not written to --json).
    urls: dict[str, set[str]] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        return self.list_pages + self.finding_pages + self.failing_targets + self.new_or_changed

    def as_dict(self) -> dict[str, int]:
        return {"list_pages": self.list_pages, "finding_pages": self.finding_pages,
                "failing_targets": self.failing_targets, "new_or_changed": self.new_or_changed,
                "total": self.total,
                "finding_pages_every_sampled": self.finding_pages_every_sampled}  # fmt: skip


def nightly_minimum(findings: Path, origin: str, manifest: PortalManifest,
                    expected: set[str]) -> NightlyMinimum | None:  # fmt: skip
    """The minimum for the nightly re-run, from the portal's manifest (list pages, failing
    targets, absolute) and the first run's ``findings`` (findings.json: the pages of the portal
    with an open finding, each finding's ``page`` and ``pages``). None without that file."""
    if not findings.exists():
        return None
    lists = {origin.rstrip("/") + url for url in manifest.list_urls}
    carrying: set[str] = set()
    sampled: set[str] = set()
    for finding in json.loads(findings.read_text())["findings"]:
        if finding["status"] not in ("open", "reopened"):
            continue
        pages = [finding["page"], *finding["pages"]]
        if finding["check"] in SAMPLED_CHECKS:
            carrying.add(finding["page"])
            sampled.update(pages)
        else:
            carrying.update(pages)
    carrying = {url for url in carrying if url and url.startswith(origin)} - lists
    sampled = {url for url in sampled if url and url.startswith(origin)} - lists
    urls = {"list page": lists, "page with an open finding": carrying,
            "failing target": set(expected)}  # fmt: skip
    return NightlyMinimum(len(lists), len(carrying), len(expected), 0,
                          len(carrying | sampled), urls)  # fmt: skip


def nightly_requests(log: Path, origin: str, minimum: NightlyMinimum) -> Counter[tuple[str, ...]]:
    """The nightly re-run's requests as nginx logged them (``log``: the lines of its run, in
    benchmarks/run.py's log format), by the part of the minimum they serve (or what else they
    were: a URL asked for again, or the kind of URL), host, method and status."""
    port = origin.rstrip("/").rsplit(":", 1)[1]
    own = origin.split("/")[2].split(":")[0]
    parts = {url: part for part, urls in minimum.urls.items() for url in urls}
    seen: set[str] = set()
    counts: Counter[tuple[str, ...]] = Counter()
    for line in log.read_text().splitlines() if log.exists() else []:
        host, status, _, method, uri = line.split("\t")
        url = f"http://{host}:{port}{uri}"
        part = parts.get(url)
        if url in seen:
            part = f"{part or 'outside the minimum'}, asked again"
        elif part is None:
            kind = ("robots.txt" if uri == "/robots.txt"
                    else "page" if uri.endswith((".html", "/"))
                    else "image or 附件")  # fmt: skip
            part = f"outside the minimum: {kind}"
        seen.add(url)
        counts[(part, "portal" if host == own else host, method, status)] += 1
    return counts


def describe(minimum: NightlyMinimum, requests: int | None,
             counts: Counter[tuple[str, ...]]) -> str:  # fmt: skip
    """The minimum's formula with its figures, and the nightly's requests grouped."""
    made = "n/a" if requests is None else f"{requests:,}"
    ratio = f" = {requests / minimum.total:.2f} × the minimum" if requests and minimum.total else ""
    every = minimum.finding_pages_every_sampled - minimum.finding_pages
    lines = [f"nightly minimum: {minimum.list_pages:,} list pages + {minimum.finding_pages:,} "
             f"other pages with an open finding + {minimum.failing_targets:,} failing targets + "
             f"{minimum.new_or_changed:,} new or changed = {minimum.total:,} requests; "
             f"the nightly re-run made {made}{ratio}",
             f"  (site_identity's sampled pages counted one by one would add {every:,}: "
             f"{minimum.total + every:,})",
             "nightly requests by part, host, method and status:"]  # fmt: skip
    for (part, host, method, status), count in sorted(counts.items(),
                                                      key=lambda kv: (kv[0], -kv[1])):  # fmt: skip
        lines.append(f"  {count:>8,}  {host:<10} {method:<4} {status}  {part}")
    return "\n".join(lines)
