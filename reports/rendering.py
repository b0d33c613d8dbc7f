"""Turning a report's context into HTML: the one Jinja2 environment (autoescape on,
StrictUndefined), every filter and global the templates use, and atomic writes.

Each report is one self-contained file (no CDN, no script; it opens offline on an intranet PC).
Crawled text is hostile input: it is escaped everywhere, and only http(s) URLs become
clickable (:func:`safe_href`); links between the files this tool wrote go through
:func:`local_href`.
"""

from __future__ import annotations

import re
from functools import cache, partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template, select_autoescape
from markupsafe import Markup, escape

from checks.urls import split_url, url_scheme
from reports.chart import sparkline_svg, trend_svg
from reports.labels import RUN_STATUS_LABELS, VETO_LABELS, check_name, label, labels

# The id of the one script a report carries: the findings' filter (reports/templates/_filter.html).
# It holds no crawled text; any other script element in a report would be an injection.
OWN_SCRIPT_ID = "finding-filter-script"


def safe_href(url: Any) -> str | None:
    """The URL if a browser may follow it (http/https only), else None: crawled text no URL
    parser accepts (``http://[::1/``) is shown as text, never raises."""
    return url if isinstance(url, str) and url_scheme(url) in ("http", "https") else None


def short_url(url: Any, base: Any = None) -> str:
    """A URL as a reader scans it: the path after the site's host (that of `base`, the start
    URL) when it is on that host, else host and path; the scheme dropped. The full URL stays
    in the link (``href``, hover title, copy)."""
    parts = split_url(url)
    if parts is None or not parts.netloc or not _valid_host(parts):
        return str(url) if url is not None else ""  # a malformed URL is shown as written
    rest = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    home = split_url(base)
    if home is not None and home.netloc.lower() == parts.netloc.lower():
        return rest
    return parts.netloc + rest


# A web address inside evidence text: up to a space, a quote, an angle bracket or the Chinese
# punctuation and arrows the evidence is joined with.
_URL_IN_TEXT = re.compile(r"https?://[^\s\"'<>，、；。→（）]+")


def with_short_urls(text: Any, base: Any = None) -> Markup:
    """Evidence text with each web address in it shown short (:func:`short_url`) and linked
    whole; everything else escaped."""
    source = "" if text is None else str(text)
    out, last = [], 0
    for match in _URL_IN_TEXT.finditer(source):
        url = match.group(0)
        out.append(escape(source[last : match.start()]))
        href = safe_href(url)
        if href is None:
            out.append(escape(url))
        else:
            out.append(Markup('<a href="{0}" title="{0}" rel="noopener noreferrer">{1}</a>')
                       .format(href, short_url(url, base)))  # fmt: skip
        last = match.end()
    out.append(escape(source[last:]))
    return Markup("").join(out)


def _valid_host(parts: Any) -> bool:
    """Whether the URL's host and port parse (``a:b:c``, ``host:99999``, ``%zz`` do not)."""
    try:
        port = parts.port
        host = parts.hostname
    except ValueError:
        return False
    return bool(host) and "%" not in host and (port is None or 0 < port < 65536)


def local_href(path: Any) -> str | None:
    """A relative link between the files this tool wrote (index → site report): no scheme,
    no host, no way up. Anything else is not clickable."""
    if not isinstance(path, str) or not path:
        return None
    parts = split_url(path)
    if (
        parts is None
        or parts.scheme
        or parts.netloc
        or path.startswith("/")
        or ".." in path.split("/")
    ):
        return None
    return path


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


@cache
def environment() -> Environment:
    """The templates' environment: every filter and global is registered here."""
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    env.filters["local_href"] = local_href
    env.filters["short_url"] = short_url
    env.filters["with_short_urls"] = with_short_urls
    env.filters["percent"] = _percent
    env.globals["check_name"] = check_name
    env.globals["veto_name"] = lambda name, lang: label(VETO_LABELS, name, lang)
    env.globals["own_script_id"] = OWN_SCRIPT_ID
    env.globals["trend_svg"] = trend_svg
    env.globals["sparkline_svg"] = sparkline_svg
    return env


@cache
def own_script_body() -> str:
    """The text of the report's one script (the filter of _filter.html), as a report carries
    it: a page served with it may run this script and no other (its hash in the policy)."""
    source, _, _ = environment().loader.get_source(environment(), "_filter.html")  # type: ignore[union-attr]
    start = source.index(">", source.index("<script id=")) + 1
    return source[start : source.index("</script>", start)]


def _template(name: str) -> Template:
    return environment().get_template(name)


def _names(lang: str) -> dict[str, Any]:
    """What every template gets beside its context ``r``: the words of ``lang`` (``t``) and the
    name of a run's status."""
    return {"t": labels(lang), "run_status": partial(label, RUN_STATUS_LABELS, lang=lang)}


def render(template: str, context: Any, lang: str) -> str:
    """The template filled with ``context`` (as ``r``), in ``lang``."""
    return _template(template).render(r=context, **_names(lang))


def write_html(text: str, path: Path) -> Path:
    """Write atomically: a reader (or a browser left open) never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def stream_html(template: str, context: Any, lang: str, path: Path) -> Path:
    """Written as it renders (the same text as :func:`render`), atomically: a report of tens of
    thousands of findings never becomes one string."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    stream = _template(template).stream(r=context, **_names(lang))
    with tmp.open("wb") as out:
        stream.dump(out, encoding="utf-8")
    tmp.replace(path)
    return path
