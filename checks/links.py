"""Link checks: `broken_link` (断链) and `wrong_link` (错链), from what the crawl recorded.

A broken link is one whose target did not load: an HTTP error after retries, a soft 404,
a network failure, a redirect loop or a chain ending in an error. A wrong link is wrong
whether or not it loads, and is decided without fetching: a placeholder on a text that
promises content, a local file path, an address inside a private network.

The profile's link rules (``links:``, checks/link_rules.py) change the first only: a target an
`exclude` pattern matches is not judged broken (the crawler did not fetch it), an answer an
`accept` rule covers is not broken. A wrong link stays wrong whatever the rules say: it is a
defect of the page, seen in what the page wrote, and excluding ``^http://10\\.`` must not
silence the intranet links of a public site. :func:`link_rule_counts` says how many links each
rule touched, for the run report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar

from checks.config import CheckSettings
from checks.link_rules import LinkRules, host_of
from checks.model import CheckView, CrawlData, Finding, Link, links_to
from checks.urls import is_malformed, url_host, url_origin, url_path

# Texts that promise the visitor a document or more content (下载, 附件, 详见 …): an empty,
# "#" or javascript: href behind them is a 错链. Texts such as 打印本页 / 关闭窗口 / 返回顶部
# are page actions and are left alone.
PROMISING_WORDS = (
    "下载", "附件", "详见", "详情", "点击", "查看", "全文", "原文", "阅读", "文件",
    "解读", "链接", "更多", ".pdf", ".doc", ".xls", ".wps", ".zip",
)  # fmt: skip
NOT_FOUND_PHRASES = (
    "页面不存在", "页面未找到", "找不到页面", "找不到该页面", "页面已删除", "信息已删除",
    "已被删除", "您访问的页面", "页面无法访问", "404 not found", "not found", "错误404", "404错误",
)  # fmt: skip
NETWORK_ERRORS = {
    "dns_error",
    "timeout",
    "connection_refused",
    "connection_error",
    "tls_error",
    "redirect_loop",
    "too_many_redirects",
}
BLOCKED_SUBTYPES = {
    "private": "private_address",
    "loopback": "loopback_address",
    "link_local": "link_local_address",
    "shared": "private_address",
}
TEXT_SAMPLE = 600  # the crawler keeps this many characters of a checked page's text


@dataclass(slots=True)
class Occurrences:
    """What a finding keeps of the links that share it — the first link (its text, tag and
    kind are the evidence), every page once in order, whether a page or attachment link is
    among them — rather than every link: a template link sits on every page of the site."""

    first: Link
    pages: dict[str, None]
    to_content: bool

    @classmethod
    def of(cls, link: Link) -> Occurrences:
        return cls(link, {link.page: None}, link.kind in _CONTENT_KINDS)

    def add(self, link: Link) -> None:
        self.pages[link.page] = None
        self.to_content = self.to_content or link.kind in _CONTENT_KINDS

    @property
    def severity(self) -> str:
        return "high" if self.to_content else "medium"


_CONTENT_KINDS = frozenset({"page", "attachment"})
K = TypeVar("K", bound=Hashable)


def group_links(pairs: Iterable[tuple[K, Link]]) -> dict[K, Occurrences]:
    """(key, link) pairs grouped by key, in the order each key first appears."""
    grouped: dict[K, Occurrences] = {}
    for key, link in pairs:
        seen = grouped.get(key)
        if seen is None:
            grouped[key] = Occurrences.of(link)
        else:
            seen.add(link)
    return grouped


def _probe_by_origin(data: CrawlData) -> dict[str, CheckView]:
    probes = {}
    for check in data.link_checks.values():
        if check.probe and check.status == 200 and (origin := url_origin(check.target)):
            probes[origin] = check
    return probes


def _probe_lands_home(probe: CheckView) -> bool:
    final = probe.final_url or probe.target
    return final != probe.target and url_path(final) in _HOME_PATHS


_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/default.htm"}


def is_soft_404(check: CheckView, probe: CheckView | None) -> bool:
    """A 200 page that is really a 'not found' page: by its words, or because it is the very
    page the site answers for a URL that cannot exist."""
    if check.status != 200 or check.method != "GET" or check.text_sample is None:
        return False
    title = (check.title or "").lower()
    sample = check.text_sample.lower()
    if any(phrase in title for phrase in NOT_FOUND_PHRASES):
        return True
    if len(sample) < TEXT_SAMPLE and any(phrase in sample for phrase in NOT_FOUND_PHRASES):
        return True
    if probe is None or _probe_lands_home(probe):
        # A site that sends unknown URLs to its home page cannot be told apart from a link
        # to the home page: only the words of the page decide then.
        return False
    if probe.content_hash and probe.content_hash == check.content_hash:
        return True
    redirected_to_probe_page = (
        check.final_url
        and check.final_url != check.target
        and check.final_url == probe.final_url
        and probe.final_url != probe.target
    )
    return bool(redirected_to_probe_page)


def _broken_subtype(check: CheckView, probe: CheckView | None) -> str | None:
    if check.error in NETWORK_ERRORS:
        return check.error
    if check.status is not None and check.status >= 400:
        return "redirect_error" if check.redirects else f"http_{check.status}"
    if check.status is not None and 300 <= check.status < 400:
        # A redirect that was not followed: no Location, or one a browser cannot load.
        return "redirect_error"
    if is_soft_404(check, probe):
        return "soft_404"
    return None


@dataclass(frozen=True, slots=True)
class _Failure:
    """What the finding of a failing target shows of its check (not the whole check: a
    run with tens of thousands of broken links keeps only this of each)."""

    subtype: str
    status: int | None
    error: str | None
    error_detail: str | None
    method: str | None
    redirects: list[str] | None  # the hops and where they ended, if redirected


def _failing(
    data: CrawlData, rules: LinkRules, accepted: dict[str, int] | None = None
) -> dict[str, _Failure]:
    """Every checked target that did not load, but those the rules leave out: excluded
    targets, and answers an `accept` rule covers (put in ``accepted``, target → rule)."""
    probes = _probe_by_origin(data)
    failing = {}
    shared: dict[object, Any] = {}  # one object per repeated value ("GET", 404, "timeout")
    for target, check in data.link_checks.items():
        if check.probe:
            continue
        subtype = _broken_subtype(check, probes.get(url_origin(target)))
        if subtype is None:
            continue
        if rules and rules.excluded(target) is not None:
            continue  # not fetched on purpose; a result carried from an earlier run or a
            # failed DNS lookup (the address policy still looks) is not a judgement
        if subtype not in NETWORK_ERRORS and subtype != "soft_404":
            rule = rules.accepted(check.final_url or target, check.status)
            if rule is not None:
                if accepted is not None:
                    accepted[target] = rule
                continue
        redirects = None
        if check.redirects:
            redirects = list(check.redirects) + ([check.final_url] if check.final_url else [])
        failing[target] = _Failure(
            shared.setdefault(subtype, subtype),
            shared.setdefault(check.status, check.status),
            shared.setdefault(check.error, check.error),
            check.error_detail,
            shared.setdefault(check.method, check.method),
            redirects,
        )
    return failing


def broken_links(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """断链: one finding per target that did not load, listing every page it appears on.

    The failing checks are found first; only the links to them are read then."""
    failing = _failing(data, LinkRules(settings.links))
    findings = []
    occurrences = group_links((link.target, link) for link in links_to(data.links, failing))
    for url, text in _named(data):
        if url in failing and url not in occurrences:
            occurrences[url] = Occurrences.of(Link(url, url, url, "a", "href", "page", text))
    for target, links in occurrences.items():
        failure = failing[target]
        pages = tuple(links.pages)
        evidence: dict[str, object] = {
            "status": failure.status,
            "error": failure.error,
            "error_detail": failure.error_detail,
            "method": failure.method,
            "link_text": links.first.text,
            "tag": links.first.tag,
            "kind": links.first.kind,
        }
        if failure.redirects:
            evidence["redirects"] = failure.redirects
        findings.append(
            Finding(
                check="broken_link",
                subtype=failure.subtype,
                severity=links.severity,
                url=target,
                key=target,
                page=pages[0],
                pages=pages,
                evidence={k: v for k, v in evidence.items() if v not in (None, "")},
            )
        )
    return findings


def _named(data: CrawlData) -> list[tuple[str, str]]:
    """What the profile names (further start URLs, its columns), with a text: it may be linked
    from nowhere and still counts, as a link from the profile itself."""
    named = [(url, url) for url in data.start_urls[1:]]
    named += [(c.url, c.name) for c in data.columns if c.source == "profile"]
    return named


@dataclass(frozen=True, slots=True)
class RuleCount:
    """One link rule of the profile and how many distinct link targets it touched in a run:
    `exclude` (targets matched, first pattern wins), `accept` (targets that would otherwise be
    断链 findings), `slow_host` (targets of the host that were checked with its timeout)."""

    rule: Literal["exclude", "accept", "slow_host"]
    links: int
    pattern: str | None = None
    host: str | None = None
    status: tuple[int | str, ...] = ()
    timeout: float | None = None

    def to_json(self) -> dict[str, Any]:
        """As the run keeps it (``runs.stats["link_rules"]``) and findings.json shows it."""
        if self.rule == "exclude":
            return {"rule": self.rule, "pattern": self.pattern, "links": self.links}
        if self.rule == "accept":
            return {"rule": self.rule, "host": self.host, "status": list(self.status),
                    "links": self.links}  # fmt: skip
        return {"rule": self.rule, "host": self.host, "timeout": self.timeout, "links": self.links}


def link_rule_counts(data: CrawlData, settings: CheckSettings) -> list[RuleCount]:
    """Every link rule of the profile, in its order, with the links it touched: nothing a rule
    leaves out is hidden without a trace (the run report lists them, zeros included)."""
    config = settings.links
    rules = LinkRules(config)
    if not rules:
        return []
    counts: list[RuleCount] = []
    if rules.has_exclusions:
        targets = {link.target for link in data.links} | {url for url, _ in _named(data)}
        excluded = Counter(rules.excluded(target) for target in targets)
        counts += [
            RuleCount("exclude", excluded[i], pattern=p) for i, p in enumerate(config.exclude)
        ]
    if config.accept:
        accepted: dict[str, int] = {}
        _failing(data, rules, accepted)
        linked = {link.target for link in links_to(data.links, accepted)}
        linked |= {url for url, _ in _named(data) if url in accepted}
        by_rule = Counter(accepted[target] for target in linked)
        counts += [
            RuleCount("accept", by_rule[i], host=rule.host, status=tuple(rule.status))
            for i, rule in enumerate(config.accept)
        ]
    if rules.has_slow_hosts:
        hosts = Counter(host_of(t) for t, check in data.link_checks.items() if not check.probe)
        counts += [
            RuleCount("slow_host", hosts[slow.host], host=slow.host, timeout=slow.timeout)
            for slow in config.slow_hosts
        ]
    return counts


def _promises_content(text: str) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in PROMISING_WORDS)


def _placeholder_subtype(link: Link) -> str | None:
    raw = link.raw.strip()
    lowered = raw.lower()
    if lowered.startswith("file:"):
        return "file_url"
    if (
        len(raw) > 2
        and raw[1] == ":"
        and raw[0].isalpha()
        and raw[2] in "\\/"
        or raw.startswith("\\\\")
    ):
        return "windows_path"
    if lowered.startswith(("http:", "https:")) and is_malformed(link.target):
        return "malformed_url"
    if link.tag not in ("a", "area") or not _promises_content(link.text):
        return None
    if lowered.startswith("javascript:"):
        return "javascript_placeholder"
    if raw == "":
        return "empty_href"
    if raw == "#":
        return "hash_href"
    return None


def _wrong(link: Link, blocked: dict[str, CheckView]) -> tuple[str, str] | None:
    """(subtype, url) of a wrong link, or None."""
    subtype = _placeholder_subtype(link)
    if subtype is None:
        check = blocked.get(link.target)
        if check is None:
            return None
        category = (check.error_detail or "").split(" ", 1)[0]
        # Only a target whose host resolved to a forbidden address is blocked: it has a host
        # (a stored run says so; without one it is an address, not a name).
        host = url_host(link.target) or ""
        host_is_name = bool(host) and not host.replace(".", "").isdigit()
        subtype = BLOCKED_SUBTYPES.get(category, "reserved_address")
        if host_is_name and subtype == "private_address":
            subtype = "intranet_host"
    return subtype, link.raw if subtype in _WRITTEN else link.target


def _blocked(data: CrawlData) -> dict[str, CheckView]:
    return {t: c for t, c in data.link_checks.items() if c.error == "blocked"}


def maybe_wrong(data: CrawlData, settings: CheckSettings) -> Callable[[Link], bool]:
    """Whether a link is wrong: the links :func:`wrong_links` reads."""
    blocked = _blocked(data)
    return lambda link: _wrong(link, blocked) is not None


def wrong_links(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """错链: placeholders behind promising texts, local paths, private-network addresses."""
    blocked = _blocked(data)
    grouped = group_links(
        (key, link) for link in data.links if (key := _wrong(link, blocked)) is not None
    )
    findings = []
    for (subtype, target), links in grouped.items():
        pages = tuple(links.pages)
        first = links.first
        check = blocked.get(first.target)
        evidence: dict[str, str | None] = {
            "link_text": first.text,
            "href": first.raw,
            "tag": first.tag,
        }
        if check is not None:
            evidence["address"] = check.error_detail
        findings.append(
            Finding(
                check="wrong_link",
                subtype=subtype,
                severity="medium" if subtype in _WRITTEN else "high",
                url=target,
                key=f"{subtype}|{target}",
                page=pages[0],
                pages=pages,
                evidence=evidence,
            )
        )
    return findings


_WRITTEN = {"javascript_placeholder", "empty_href", "hash_href", "file_url", "windows_path",
            "malformed_url"}  # fmt: skip
