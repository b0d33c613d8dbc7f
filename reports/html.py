"""The HTML reports: run report (检测报告), look-back (回头看) and site index.

Each is one self-contained file (no CDN, no script; opens offline on an intranet PC).
Reports render, they do not compute: the caller builds the context dataclass of
:mod:`reports.context` and this module hands it to Jinja2 (autoescape on, StrictUndefined).
Crawled text is hostile input: it is escaped everywhere, and only http(s) URLs become
clickable. Every filter and global the templates use is registered in :func:`_environment`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from checks.registry import REGISTRY
from reports.chart import sparkline_svg, trend_svg
from reports.context import LookBackReport, ReportFinding, RunReport, SiteIndex
from reports.labels import LABELS, labels

__all__ = [
    "LABELS",
    "ReportFinding",
    "RunReport",
    "check_name",
    "render_lookback",
    "render_run_report",
    "render_site_index",
    "safe_href",
    "write_html",
    "write_run_report",
]


def safe_href(url: Any) -> str | None:
    """The URL if a browser may follow it (http/https only), else None."""
    if not isinstance(url, str):
        return None
    scheme = urlsplit(url.strip()).scheme.lower()
    return url if scheme in ("http", "https") else None


def local_href(path: Any) -> str | None:
    """A relative link between the files this tool wrote (index → site report): no scheme,
    no host, no way up. Anything else is not clickable."""
    if not isinstance(path, str) or not path:
        return None
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("/") or ".." in path.split("/"):
        return None
    return path


def check_name(check_id: str, lang: str) -> str:
    info = REGISTRY.get(check_id)
    if info is None:
        return check_id
    text = info.en if lang == "en" else info.zh
    return text.split("：", 1)[0].split(" (", 1)[0] if lang != "en" else check_id.replace("_", " ")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_href"] = safe_href
    env.filters["local_href"] = local_href
    env.filters["percent"] = _percent
    env.globals["check_name"] = check_name
    env.globals["trend_svg"] = trend_svg
    env.globals["sparkline_svg"] = sparkline_svg
    return env


def _render(template: str, context: Any, lang: str) -> str:
    return _environment().get_template(template).render(r=context, t=labels(lang))


def render_run_report(report: RunReport) -> str:
    return _render("run.html", report, report.lang)


def render_lookback(report: LookBackReport) -> str:
    return _render("lookback.html", report, report.lang)


def render_site_index(index: SiteIndex) -> str:
    return _render("index.html", index, index.lang)


def write_html(text: str, path: Path) -> Path:
    """Write atomically: a reader (or a browser left open) never sees half a report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def write_run_report(report: RunReport, path: Path) -> Path:
    """Written as it renders (the same text as :func:`render_run_report`): the report of a
    run with tens of thousands of findings never becomes one string."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    stream = _environment().get_template("run.html").stream(r=report, t=labels(report.lang))
    with tmp.open("wb") as out:
        stream.dump(out, encoding="utf-8")
    tmp.replace(path)
    return path
