"""Did a run look at the thing again? Only then may a finding it did not raise become `fixed`.

A page that was not crawled this time proves nothing (复查 needs a second look), so a finding
is closed only when the run re-checked exactly what the finding is about:

- broken_link: the target was checked again, or every page it was seen on was fetched
  again (the link was removed);
- wrong_link: a placeholder or local path (as written): every page it was on was fetched
  again; an address: the target was checked again, or every page was fetched again;
- mixed_content: every page that loaded the resource was fetched again;
- stale_column, blank_column: the column's list (栏目列表页) was walked again; for 首页不更新
  the home page was fetched again;
- misplaced_content: the column it was published in was walked again;
- privacy_leak, wording_error: the page or attachment was fetched again;
- tls_certificate: a certificate of one of its hosts was seen again;
- site_identity, missing_mandatory, site_unreachable: the run was complete (the caller asks
  only then), which is the re-check of the whole site.

A page that now answers 404 or 410 counts as re-checked: what was on it is gone with it.
An unknown check is never re-checked, so its findings stay as they are.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from checks.model import CrawlData

# wrong_link subtypes whose `url` is the href as written, not a URL that was requested.
WRITTEN_SUBTYPES = frozenset(
    {"javascript_placeholder", "empty_href", "hash_href", "file_url", "windows_path"}
)
SITE_CHECKS = frozenset({"site_identity", "missing_mandatory", "site_unreachable"})
GONE = frozenset({404, 410})


def _norm(url: str) -> str:
    return url.rstrip("/")


class Coverage:
    """What one run looked at, indexed once for the many findings asked about — and only when
    asked: a run that raised again every finding it could close never reads it."""

    def __init__(self, data: CrawlData) -> None:
        self.data = data

    @cached_property
    def fetched(self) -> set[str]:
        data = self.data
        fetched = {_norm(u) for p in data.pages for u in (p.url, p.final_url) if u}
        return fetched | {_norm(url) for url in data.texts}

    @cached_property
    def gone(self) -> set[str]:
        checks = self.data.link_checks.values()
        return {_norm(c.target) for c in checks if c.status in GONE and not c.probe}

    @cached_property
    def walked(self) -> set[str]:
        return {_norm(c.url) for c in self.data.columns if c.list_pages > 0 or c.items > 0}

    @cached_property
    def hosts(self) -> set[tuple[str, int]]:
        return {(c.host.lower(), c.port) for c in self.data.certificates}

    def checked(self, url: str) -> bool:
        """The target was checked in this run (the soft-404 probes do not count): a lookup,
        not a set of every target of the run."""
        check = self.data.link_checks.get(url)
        return check is not None and not check.probe

    def page(self, url: str | None) -> bool:
        """The page or attachment was fetched again, or now answers 404/410."""
        if not url:
            return False
        return _norm(url) in self.fetched or _norm(url) in self.gone

    def every_page(self, pages: list[Any] | None) -> bool:
        return bool(pages) and all(self.page(url) for url in pages or ())

    def column(self, url: str | None) -> bool:
        """The column's list was walked (a profile column whose list failed was not)."""
        return url is not None and _norm(url) in self.walked

    def certificate(self, evidence: dict[str, Any], url: str) -> bool:
        hosts = set()
        for entry in evidence.get("hosts") or ():
            host, _, port = str(entry).rpartition(":")
            if host and port.isdigit():
                hosts.add((host.lower(), int(port)))
        if not hosts:
            return any(host == _host_of(url) for host, _ in self.hosts)
        return bool(hosts & self.hosts)

    def rechecked(self, finding: Any) -> bool:
        """See the module's table. `finding` is a store Finding (check, subtype, url, page,
        pages, evidence); the caller asks only after a complete run."""
        check, url = finding.check, finding.url
        if check == "site_unreachable" and finding.subtype == "availability":
            # Judged only over enough probes: without them this run proves nothing.
            return self.data.availability is not None
        if check in SITE_CHECKS:
            return True
        if check == "broken_link":
            return self.checked(url) or self.every_page(finding.pages)
        if check == "wrong_link":
            if finding.subtype in WRITTEN_SUBTYPES:
                return self.every_page(finding.pages)
            return self.checked(url) or self.every_page(finding.pages)
        if check == "mixed_content":
            return self.every_page(finding.pages)
        if check == "stale_column" and finding.subtype == "home_page":
            return self.page(url)
        if check in ("stale_column", "blank_column"):
            return self.column(url)
        if check == "misplaced_content":
            return self.column(finding.page)
        if check in ("privacy_leak", "wording_error"):
            return self.page(url)
        if check == "tls_certificate":
            return self.certificate(finding.evidence or {}, url)
        return False


def rechecked(finding: Any, data: CrawlData) -> bool:
    """True when `data` (a complete run's crawl) looked again at what `finding` is about."""
    return Coverage(data).rechecked(finding)


def _host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
