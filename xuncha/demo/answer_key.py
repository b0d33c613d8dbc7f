"""The shape of the demo's answer key: :class:`Planted` defects and :class:`Negative` look-alikes.

URLs hold ``{http_port}``, ``{https_port}`` and ``{closed_port}`` placeholders, filled from a
running :class:`~xuncha.demo.server.DemoPortal` by ``resolve``. The entries themselves are in
:mod:`xuncha.demo.expected` (issue 2's links), :mod:`xuncha.demo.expected_content` (issue 3's
content checks) and, for issue 11, beside what they plant: :mod:`xuncha.demo.boards` (互动交流),
:mod:`xuncha.demo.harmful` (暗链, 外链变质) and :mod:`xuncha.demo.guides` (办事指南).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from xuncha.demo.catalog import article, column

XXGK = "https://xxgk.example.gov.cn:{https_port}"
JTJ = "https://jtj.example.gov.cn:{https_port}"
PARTNER = "https://www.example-partner.cn:{https_port}"
PARTNER_HTTP = "http://www.example-partner.cn:{http_port}"


class Ports(Protocol):
    """What fills a template: a running :class:`~xuncha.demo.server.DemoPortal`."""

    @property
    def http_port(self) -> int: ...
    @property
    def https_port(self) -> int: ...
    @property
    def closed_port(self) -> int: ...


def fill_ports(template: str, portal: Ports) -> str:
    """``template`` with its ``{http_port}``, ``{https_port}`` and ``{closed_port}`` filled."""
    return (
        template.replace("{http_port}", str(portal.http_port))
        .replace("{https_port}", str(portal.https_port))
        .replace("{closed_port}", str(portal.closed_port))
    )


@dataclass(frozen=True)
class Planted:
    """One defect a crawl must find. ``page``: the path (on xxgk) of a page showing the link or
    resource, for link-like defects; ``issue``: the project issue that planted it."""

    check: str
    subtype: str
    url: str
    note: str
    issue: int = 2
    page: str = ""
    link_text: str = ""

    def resolve(self, portal: Ports) -> str:
        return fill_ports(self.url, portal)


@dataclass(frozen=True)
class Negative:
    """Something that looks suspicious but is fine: no finding may name its URL (on ``page``,
    when given: a link there; without one, any finding at all, e.g. on a page or a column)."""

    url: str
    note: str
    page: str = ""
    link_text: str = ""
    issue: int = 2

    def resolve(self, portal: Ports) -> str:
        return fill_ports(self.url, portal)


def page_path(key: str, index: int) -> str:
    """The path of the ``index``-th newest item of column ``key``."""
    return article(key, index).path


def page_url(key: str, index: int) -> str:
    return XXGK + page_path(key, index)


def folder_url(key: str, index: int) -> str:
    """The folder an item's relative links (``./P0….pdf``) resolve against."""
    return XXGK + page_path(key, index).rsplit("/", 1)[0] + "/"


def column_url(key: str) -> str:
    """A column's list page, as the side menu links it (the url of column findings)."""
    return XXGK + column(key).path
