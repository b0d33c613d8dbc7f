"""Finding a portal's site search (站内搜索) form on its home page."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from urllib.parse import urljoin

import lxml.html

_QUERY_NAMES = ("searchword", "keyword", "keywords", "q", "query", "wd", "key", "kw", "word",
                "searchkey", "text", "title", "qt", "sw")  # fmt: skip
_SEARCH_WORDS = ("搜索", "检索", "查询", "search")


@dataclass(frozen=True, slots=True)
class SearchForm:
    action: str
    method: str
    field: str
    hidden: dict[str, str] = dataclasses.field(default_factory=dict)


def _looks_like_search(form: lxml.html.FormElement) -> bool:
    attrs = " ".join(
        str(form.get(name) or "") for name in ("id", "name", "class", "action")
    ).lower()
    text = form.text_content()
    buttons = (
        " ".join(
            str(element.get("value") or element.get("alt") or element.get("title") or "")
            for element in form.iter("input", "button", "img")
        )
        + text
    )
    return "search" in attrs or "sear" in attrs or any(w in buttons for w in _SEARCH_WORDS)


def find_search_form(doc: lxml.html.HtmlElement, url: str) -> SearchForm | None:
    """The first form that looks like a site search, with its query field, or None."""
    for form in doc.iter("form"):
        if not _looks_like_search(form):
            continue
        text_inputs = [
            element
            for element in form.iter("input")
            if (element.get("type") or "text").lower() in ("text", "search") and element.get("name")
        ]
        if not text_inputs:
            continue
        named = [e for e in text_inputs if e.get("name", "").lower() in _QUERY_NAMES]
        query_field = (named or text_inputs)[0].get("name")
        hidden = {
            element.get("name"): element.get("value") or ""
            for element in form.iter("input")
            if (element.get("type") or "").lower() == "hidden" and element.get("name")
        }
        action = urljoin(url, (form.get("action") or "").strip() or url)
        method = (form.get("method") or "get").upper()
        return SearchForm(action=action, method="POST" if method == "POST" else "GET",
                          field=query_field, hidden=hidden)  # fmt: skip
    return None
