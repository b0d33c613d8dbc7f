"""暗链/黑链 and links to illegal content (`harmful_link`): 严重问题 of 国办秘函〔2019〕19号.

Three kinds, one finding per outside target (`url` = the target, `page` = the first page that
carries it, `pages` = all of them); the vocabulary is checks/data/harmful.yaml (read by
checks/harmful_terms.py), the rules are these:

* ``hidden`` — an outside link a reader cannot see, as the crawler's parse of each page found
  it (``PageView.meta["hidden_links"]``, crawler/parsing/hidden.py). Dropdown menus, tabs, share
  buttons and 找错 widgets are hidden outside links too, so one is reported only when it looks
  injected: its text or host name carries a strong term or two weak ones of a harmful
  category, or its fetched target page is harmful (high; medium for a parked domain); or,
  with no such words, it is hidden by a technique no menu uses — off-screen, zero size, same
  colour as the background, or written by an obfuscated script — and its host is not a trusted
  one (medium: 疑似暗链, for a person to confirm). A hidden link to a trusted host (gov.cn,
  central media, share services…) is reported only for gambling or pornography words: a
  government dropdown of 办税 services may well say 代开发票.
* ``illegal`` — an outside link whose own words (its text and host name) show gambling,
  pornography or forged papers: two distinct strong terms, or a strong and a weak one.
* ``hijacked`` (外链变质) — an outside link whose words are harmless but whose target now
  serves such content: a strong term in the target's title, or two distinct strong terms over
  its title, text sample and host (high); or a parked / for-sale domain (medium: a lapsed
  partner site, the step before a gambling site buys it).

Only outside targets are judged: the site's own pages are never judged by their own words (a
page of the site showing gambling words is defacement, not a link). A target's page is known
only from what the crawl kept of it: the title and text sample of a GET (outside links to a
site's home page are fetched with GET; other outside links are asked with HEAD, and only their
words and host name count).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from checks import messages
from checks.config import CheckSettings
from checks.harmful_terms import CONTENT_CATEGORIES, Hits, Vocabulary, vocabulary
from checks.model import CheckView, CrawlData, Finding, Link

# Hiding that dropdowns, tabs, logos and screen-reader text never use.
INJECTION_TECHNIQUES = frozenset({"offscreen", "zero_size", "same_colour"})
# Tags of the links a visitor follows to another page.
FOLLOWED_TAGS = frozenset({"a", "area", "option", "onclick", "iframe", "frame"})
# What a hidden link to a trusted host is still reported for.
TRUSTED_HOST_CATEGORIES = ("gambling", "porn")
MAX_MATCHED = 5


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a link's words or a target's page were found to show, and where."""

    category: str
    terms: tuple[str, ...]
    source: str  # link_text | target_host | target_title | target_text | final_url


@dataclass(frozen=True, slots=True)
class TargetPage:
    """A fetched outside page found harmful or parked."""

    verdict: Verdict
    title: str | None
    final_url: str | None


@dataclass(slots=True)
class _Judged:
    """One target's finding in the making."""

    subtype: str
    severity: str
    evidence: dict[str, Any]
    pages: dict[str, None] = field(default_factory=dict)


def outside_links(data: CrawlData, settings: CheckSettings) -> Callable[[Link], bool]:
    """Whether a link is one a visitor follows to an outside target not allowed by the
    profile: the links :func:`harmful_links` reads."""
    outside = _outside_test(data.scope_domains, settings.checks.harmful.allow_hosts)
    return lambda link: link.tag in FOLLOWED_TAGS and outside(link.target)


def harmful_links(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """暗链/黑链, 外链变质 and links to illegal content: one finding per outside target."""
    config = settings.checks.harmful
    vocab = vocabulary(config)
    outside = _outside_test(data.scope_domains, config.allow_hosts)
    pages = {
        check.target: page
        for check in data.link_checks.values()
        if outside(check.target) and (page := target_page(check, vocab)) is not None
    }
    found: dict[str, _Judged] = {}
    for page_url, entry in _hidden_entries(data):
        target = str(entry["target"])
        if target not in found and outside(target):
            judged = judge_hidden(entry, vocab, pages.get(target))
            if judged is not None:
                found[target] = judged
        if target in found and found[target].subtype == "hidden":
            found[target].pages[page_url] = None
    # A template link sits on every page: each (text, target, tag) is judged once.
    verdicts: dict[tuple[str, str, str], _Judged | None] = {}
    followed_outside = outside_links(data, settings)
    for link in data.links:
        if not followed_outside(link):
            continue
        known = found.get(link.target)
        if known is not None and known.subtype == "hidden":
            continue
        if known is None or known.subtype == "hijacked":
            occurrence = (link.text, link.target, link.tag)
            if occurrence not in verdicts:
                verdicts[occurrence] = judge_visible(*occurrence, vocab, pages.get(link.target))
            judged = verdicts[occurrence]
            if judged is not None and (known is None or judged.subtype == "illegal"):
                judged = _Judged(judged.subtype, judged.severity, judged.evidence)
                if known is not None:
                    judged.pages.update(known.pages)
                found[link.target] = known = judged
        if known is not None:
            known.pages[link.page] = None
    return [_finding(target, judged) for target, judged in found.items()]


def _outside_test(domains: tuple[str, ...], allowed: list[str]) -> Callable[[str], bool]:
    """Whether a URL is an http(s) target outside the site and not allowed by the profile
    (decided once per host and port: a run has millions of links to a few thousand)."""
    suffixes = (*domains, *allowed)
    by_netloc: dict[str, bool] = {}

    def outside(url: str) -> bool:
        scheme, separator, rest = url.partition("://")
        if not separator or scheme.lower() not in ("http", "https"):
            return False
        netloc = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
        answer = by_netloc.get(netloc)
        if answer is None:
            host = host_of(f"http://{netloc}/")
            answer = bool(host) and not any(host == s or host.endswith("." + s) for s in suffixes)
            by_netloc[netloc] = answer
        return answer

    return outside


def host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        return (parts.hostname or "") if parts.scheme in ("http", "https") else ""
    except ValueError:
        return ""


def _hidden_entries(data: CrawlData) -> Iterator[tuple[str, dict[str, Any]]]:
    for page in data.pages:
        for entry in page.meta.get("hidden_links") or ():
            if isinstance(entry, dict) and entry.get("target") and entry.get("how"):
                yield page.url, entry


# -- the three rules -------------------------------------------------------------------------


def target_page(check: CheckView, vocab: Vocabulary) -> TargetPage | None:
    """A fetched outside page that serves harmful content or is a parked domain, else None."""
    if check.probe or check.method != "GET" or check.status is None or check.status >= 400:
        return None
    verdict = _page_verdict(check, vocab)
    if verdict is None:
        return None
    final = check.final_url if check.final_url and check.final_url != check.target else None
    return TargetPage(verdict, check.title, final)


def _page_verdict(check: CheckView, vocab: Vocabulary) -> Verdict | None:
    title = vocab.hits(check.title)
    for category in CONTENT_CATEGORIES:
        hits = title.get(category)
        if hits is not None and hits.strong:
            return Verdict(category, _terms(hits), "target_title")
    final_host = host_of(check.final_url or check.target)
    sample, host = vocab.hits(check.text_sample), vocab.host_hits(final_host)
    for category in CONTENT_CATEGORIES:
        if vocab.reports_on(check.title, category):
            continue  # a title about a raid makes the page news about it
        hits = _merged(category, title, sample, host)
        if len(hits.strong) >= 2:
            return Verdict(category, _terms(hits), "target_text")
    if vocab.is_parking(final_host):
        return Verdict("parked", (final_host,), "final_url")
    for source, found in (("target_title", title), ("target_text", sample)):
        parked = found.get("parked")
        if parked is not None and parked.strong:
            return Verdict("parked", _terms(parked), source)
    return None


def judge_hidden(
    entry: dict[str, Any], vocab: Vocabulary, page: TargetPage | None
) -> _Judged | None:
    """The ``hidden`` rule (module docstring) for one entry of a page's hidden links."""
    target, text = str(entry["target"]), str(entry.get("text") or "")
    host = host_of(target)
    trusted = vocab.is_trusted(host)
    categories = TRUSTED_HOST_CATEGORIES if trusted else CONTENT_CATEGORIES
    verdict = _words_verdict(text, host, vocab, categories, _one_strong_or_two_weak)
    if verdict is None and page is not None:
        shown = page.verdict.category
        verdict = (
            page.verdict if shown in categories or (shown == "parked" and not trusted) else None
        )
    how = str(entry["how"])
    technique = str(entry.get("hidden_by") or how)
    evidence: dict[str, Any] = {"how": how, "link_text": text}
    if entry.get("hidden_by"):
        evidence["hidden_by"] = technique
    if entry.get("obfuscated"):
        evidence["obfuscated"] = True
    if verdict is not None:
        evidence.update(_verdict_evidence(verdict, vocab, page))
        return _Judged("hidden", vocab.severities[verdict.category], evidence)
    if not trusted and (technique in INJECTION_TECHNIQUES or entry.get("obfuscated")):
        return _Judged("hidden", "medium", {**evidence, "category": None})
    return None


def judge_visible(
    text: str, target: str, tag: str, vocab: Vocabulary, page: TargetPage | None
) -> _Judged | None:
    """The ``illegal`` rule on a link's own words, else the ``hijacked`` rule on its page."""
    verdict = _words_verdict(text, host_of(target), vocab, CONTENT_CATEGORIES, _two_one_strong)
    if verdict is not None:
        evidence = {"link_text": text, "tag": tag, **_verdict_evidence(verdict, vocab, page)}
        return _Judged("illegal", vocab.severities[verdict.category], evidence)
    if page is None:
        return None
    evidence = {"link_text": text, "tag": tag, **_verdict_evidence(page.verdict, vocab, page)}
    return _Judged("hijacked", vocab.severities[page.verdict.category], evidence)


def _words_verdict(
    text: str,
    host: str,
    vocab: Vocabulary,
    categories: tuple[str, ...],
    enough: Callable[[Hits], bool],
) -> Verdict | None:
    in_text, in_host = vocab.hits(text), vocab.host_hits(host)
    for category in categories:
        hits = _merged(category, in_text, in_host)
        if enough(hits):
            source = "link_text" if category in in_text else "target_host"
            return Verdict(category, _terms(hits), source)
    return None


def _one_strong_or_two_weak(hits: Hits) -> bool:
    return bool(hits.strong) or len(hits.weak) >= 2


def _two_one_strong(hits: Hits) -> bool:
    return len(hits.strong) >= 2 or (bool(hits.strong) and bool(hits.weak))


def _merged(category: str, *sources: dict[str, Hits]) -> Hits:
    merged = Hits()
    for source in sources:
        merged = merged | source.get(category, Hits())
    return merged


def _terms(hits: Hits) -> tuple[str, ...]:
    return tuple(hits.terms[:MAX_MATCHED])


def _verdict_evidence(
    verdict: Verdict, vocab: Vocabulary, page: TargetPage | None
) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "category": verdict.category,
        "category_name": vocab.names[verdict.category],
        "matched": list(verdict.terms),
        "source": verdict.source,
    }
    if page is not None:
        evidence["target_title"] = page.title
        if page.final_url:
            evidence["final_url"] = page.final_url
    return evidence


def _finding(target: str, judged: _Judged) -> Finding:
    pages = tuple(judged.pages)
    evidence = {k: v for k, v in judged.evidence.items() if v not in (None, "", [])}
    if judged.subtype == "hidden" and "category" not in evidence:
        evidence["suspected"] = True  # hidden by an injection technique, no harmful words
    return Finding(
        check="harmful_link",
        subtype=judged.subtype,
        severity=judged.severity,
        url=target,
        key=target,
        page=pages[0] if pages else None,
        pages=pages,
        evidence=evidence,
    )


messages.register(
    "harmful_link",
    {
        "hidden": (
            "暗链/黑链：页面中隐藏了指向外部网站的链接“{link_text}”",
            "Hidden outside link (暗链): '{link_text}'",
        ),
        "hijacked": (
            "外链变质：“{link_text}”指向的网站已变为{category_name}页面",
            "Outside link has changed hands: '{link_text}' now leads to {category} content",
        ),
        "illegal": (
            "链接指向违法内容（{category_name}）：“{link_text}”",
            "Link to illegal content ({category}): '{link_text}'",
        ),
        "*": ("违法有害链接", "Harmful link"),
    },
    (
        "立即删除该链接：暗链多为网站被入侵后植入，应同时排查篡改途径、修补漏洞并保留记录；"
        "外链变质的，删除或更正该友情链接，并定期复核外部链接。",
        "Remove the link at once. A hidden link is usually planted by an intruder: find how, "
        "close the hole and keep a record. For a partner link that changed hands, remove or "
        "correct it and review outside links regularly.",
    ),
)
