"""Where the crawler recurses, where it only checks, and what it never fetches.

Three rings, from the inside out:

* **sections** — the disclosure sections (政务公开 / 政府信息公开) found on the home page or named
  by the profile, plus the column lists and their articles: fetched, parsed, links followed;
* **site** — the portal's registrable domains (PSL-aware: jtj.example.gov.cn and
  xxgk.example.gov.cn are one portal): fetched once to see that the link works, not parsed
  further (with ``scope.mode: site`` the whole site is the first ring);
* **outside** — everything else: checked (HEAD, GET when HEAD is refused), never parsed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from xuncha.profile import registrable_domain

ATTACHMENT_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et", ".dps", ".ppt", ".pptx",
    ".zip", ".rar", ".7z", ".txt", ".csv", ".ofd", ".ceb",
)  # fmt: skip
HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.htm"}


def origin(url: str) -> str:
    """scheme://host[:port]/ of a URL: the site root a site-wide finding points at."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def section_prefix(url: str) -> str:
    """The directory a section URL stands for: ``…/zwgk/index.html`` covers ``…/zwgk/``."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        # /channel.jsp?id=12 names one page, not the folder /: the section is that page.
        return f"{parts.scheme}://{parts.netloc.lower()}{path}?{parts.query}"
    if not path.endswith("/"):
        last = path.rsplit("/", 1)[-1]
        path = path.rsplit("/", 1)[0] + "/" if "." in last else path + "/"
    return f"{parts.scheme}://{parts.netloc.lower()}{path}"


def is_home_url(url: str) -> bool:
    return urlsplit(url).path in HOME_PATHS


class CrawlScope:
    """Answers, for any URL, which ring it is in. Sections can be added while crawling."""

    def __init__(self, domains: list[str], mode: str, sections: Iterable[str] = ()) -> None:
        self.domains = {d.lower() for d in domains}
        self.mode = mode
        self._prefixes: set[str] = set()
        for url in sections:
            self.add_section(url)

    def add_section(self, url: str) -> None:
        self._prefixes.add(section_prefix(url))

    @property
    def sections(self) -> list[str]:
        return sorted(self._prefixes)

    def in_site(self, url: str) -> bool:
        """On one of the portal's domains, and an address that can be fetched at all (a port
        that is not a number makes a link 错链, not a page of the site)."""
        try:
            parts = urlsplit(url)
            host, _ = parts.hostname, parts.port
        except ValueError:
            return False
        if not host:
            return False
        return registrable_domain(host) in self.domains

    def in_sections(self, url: str) -> bool:
        if not self.in_site(url):
            return False
        if self.mode == "site":
            return True
        parts = urlsplit(url)
        # Compare case-insensitively on the host; a query-addressed section matches itself.
        query = f"?{parts.query}" if parts.query else ""
        candidate = f"{parts.scheme}://{parts.netloc.lower()}{parts.path or '/'}{query}"
        return any(candidate.startswith(prefix) for prefix in self._prefixes)


def looks_like_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES)


def literal_address(url: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    host = urlsplit(url).hostname or ""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


_INDEX_FILES = (
    "index.html",
    "index.htm",
    "index.shtml",
    "index.jsp",
    "default.htm",
    "default.html",
)


def canonical(url: str) -> str:
    """One name for a directory page: ``/zwgk/tzgg/index.html`` and ``/zwgk/tzgg/`` are the
    same column list (breadcrumbs and menus write it both ways)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    last = path.rsplit("/", 1)[-1]
    if last.lower() in _INDEX_FILES and not parts.query:
        path = path[: -len(last)]
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.netloc.lower()}{path}{query}"
