"""The spider's requests: what role a target is fetched in, how urgently, and with what.

Every request carries its callback's arguments in ``cb_kwargs`` (``role`` always, then
``target``, ``column``…), never in ``meta``: Scrapy passes them to the callback by name, and a
request queued on disk (JOBDIR) or in Redis (a distributed run) keeps them, with the callback
named by its method name. ``meta`` holds only Scrapy's own keys (``download_maxsize``). A
request holds no credentials: a target's userinfo is left out of the address fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import scrapy

from checks.userinfo import split_credentials

Role = Literal[
    "start",  # a start URL of the profile (the portal's home page or a disclosure section)
    "home",  # the portal's home page
    "section",  # a disclosure section (政务公开 / 信息公开)
    "list",  # a page of a column's list (栏目)
    "article",  # an entry of a column list
    "page",  # another page inside the sections, met by recursion
    "attachment",  # a document (附件): PDF, DOCX, XLSX…
    "check",  # a link target that is only checked, never parsed
    "probe",  # the soft-404 probe of a site root (a path that cannot exist)
    "search",  # the site search (站内搜索), asked one query
    "board",  # a consultation channel's message list (领导信箱, 咨询, 留言) or its hub
    "message",  # one message of a board, with its reply
]
# Roles whose pages are parsed for links, columns and texts.
PARSED_ROLES: frozenset[Role] = frozenset(
    {"start", "home", "section", "list", "article", "page", "board", "message"}
)

# Leaves first, then the articles of the list pages read so far, then further list pages: the
# frontier then holds a column's pages and a page's worth of articles, not every article of a
# 100,000-page site at once (what list-pages-first would queue, in memory).
LEAF_PRIORITY: Mapping[Role, int] = {"check": 25, "attachment": 25}
# The GET that settles a HEAD answer goes before the next HEADs: what it says of the host's HEAD
# (see crawler/state/head_trust.py) is known before most of that host's links are asked.
SETTLE_PRIORITY = LEAF_PRIORITY["check"] + 1
NEXT_LIST_PRIORITY = 15
ARTICLE_PRIORITY = 20
SECTION_PRIORITY = 90
SEARCH_PRIORITY = 30
PROBE_PRIORITY = 60

Callback = Callable[..., Any]


class RequestFactory:
    """Builds the requests of one crawl. ``validators`` gives a page's conditional-request
    headers on an incremental night (增量巡查), none on a first crawl."""

    def __init__(
        self,
        *,
        on_page: Callback,
        on_attachment: Callback,
        on_failure: Callback,
        max_attachment: int,
    ) -> None:
        self.on_page = on_page
        self.on_attachment = on_attachment
        self.on_failure = on_failure
        self.max_attachment = max_attachment
        self.validators: Callable[[str], dict[str, str]] = lambda url: {}

    def get(
        self,
        url: str,
        role: Role,
        *,
        column: str | None = None,
        priority: int | None = None,
        head_status: int | None = None,
        head_host: str | None = None,
    ) -> scrapy.Request:
        """A GET of a target claimed for ``role``. ``head_status``/``head_host``: the GET
        settles what a HEAD of that host answered (see HeadTrust)."""
        cb_kwargs: dict[str, Any] = {"role": role, "target": url, "column": column}
        if head_status is not None:
            cb_kwargs.update(head_status=head_status, head_host=head_host)
        meta: dict[str, Any] = {}
        callback = self.on_page
        if role == "attachment":
            meta["download_maxsize"] = self.max_attachment
            callback = self.on_attachment
        headers = self.validators(url) if role not in ("check", "probe") else {}
        return scrapy.Request(
            fetched(url),
            callback=callback,
            errback=self.on_failure,
            cb_kwargs=cb_kwargs,
            meta=meta,
            headers=headers or None,
            dont_filter=True,  # the spider deduplicates targets itself, redirects included
            priority=LEAF_PRIORITY.get(role, 0) if priority is None else priority,
        )

    def head(self, url: str) -> scrapy.Request:
        """A HEAD of a link target that is only checked."""
        return scrapy.Request(
            fetched(url),
            method="HEAD",
            callback=self.on_page,
            errback=self.on_failure,
            cb_kwargs={"role": "check", "target": url, "column": None},
            dont_filter=True,
            priority=LEAF_PRIORITY["check"],
        )


def fetched(target: str) -> str:
    """The address a target is fetched at: without the user name and password a page wrote
    in it (the parser has masked the password already). The profile's hosts get the profile's
    credentials (crawler/network/auth.py); a link's own are never sent, nor kept."""
    return split_credentials(target)[0]


def role_of(request: scrapy.Request) -> Role | None:
    """The role a request was made for (None for a request this spider did not make)."""
    role: Role | None = request.cb_kwargs.get("role")
    return role


def target_of(request: scrapy.Request) -> str:
    """The target a request was made for (before any redirect)."""
    target: str = request.cb_kwargs.get("target", request.url)
    return target
