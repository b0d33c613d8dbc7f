"""Crawled addresses read without raising (抓取到的地址：只读不抛).

Every URL a check, a report or an export reads came from a page someone else wrote, and
:func:`urllib.parse.urlsplit` raises on some of them (``http://[::1/``, a netloc that
NFKC-normalises into a ``/``), as ``SplitResult.port`` does on a port that is not a number
0–65535 (``http://host:99999/``, ``http://a:b:c/``). One such link on a 留言 board must not
stop a site's monitoring, so the checks and the reports read addresses through these total
functions: text no parser accepts is no URL (None, ``""``) and stays text.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, unquote, urlsplit

from checks.model import CrawlData


def split_url(url: object) -> SplitResult | None:
    """The parts of ``url``, None when it is not text or no URL parser accepts it."""
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url)
    except ValueError:  # UnicodeError included
        return None


def url_port(parts: SplitResult) -> int | None:
    """The port written in ``parts``, None when none is, or it is not a number 0–65535."""
    try:
        return parts.port
    except ValueError:
        return None


def url_scheme(url: object) -> str:
    """The scheme in lower case, ``""`` when ``url`` has none or is no URL."""
    parts = split_url(url.strip() if isinstance(url, str) else url)
    return parts.scheme.lower() if parts is not None else ""


def url_host(url: object) -> str | None:
    """The host in lower case (an IPv6 address without brackets), None when there is none."""
    parts = split_url(url)
    return parts.hostname if parts is not None else None


def url_path(url: object) -> str:
    """The path, ``""`` when ``url`` is no URL."""
    parts = split_url(url)
    return parts.path if parts is not None else ""


def url_origin(url: object) -> str:
    """``scheme://netloc`` as written, ``""`` when ``url`` is no URL."""
    parts = split_url(url)
    return f"{parts.scheme}://{parts.netloc}" if parts is not None else ""


def site_root(data: CrawlData) -> str:
    """The site root of a run (``scheme://host/`` of its first start URL): the ``url`` of
    site-wide findings."""
    return url_origin(data.start_urls[0]) + "/"


def is_malformed(url: str) -> bool:
    """An address no browser opens: no parser accepts it, it has no host, its host holds a
    character no host name may (``http://%zz/``; WHATWG URL's forbidden host code points, after
    percent-decoding) or is a bracketed literal that is no IPv6 address, or its port is not a
    number 0–65535 (``http://www.example.gov.cn:80abc.html``, a colon typed for a slash)."""
    parts = split_url(url)
    if parts is None or not parts.hostname or _bad_port(parts):
        return True
    if parts.netloc.rpartition("@")[2].startswith("["):
        try:
            ipaddress.IPv6Address(parts.hostname)
        except ValueError:
            return True
        return "%" in parts.hostname  # a zone (fe80::1%eth0) is for the machine, not a URL
    return bool(_FORBIDDEN_IN_HOST.search(unquote(parts.hostname)))


# WHATWG URL: the forbidden domain code points (C0 controls, space, # % / : < > ? @ [ \ ] ^ |).
_FORBIDDEN_IN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")


def _bad_port(parts: SplitResult) -> bool:
    try:
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number 0–65535)
    except ValueError:
        return True
    return False
