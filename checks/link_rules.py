"""The profile's link rules (链接规则, ``links:``), compiled once and asked per URL.

One reading of the rules for both sides of a run: the crawler asks which requests not to send
(`exclude`) and how long to wait for a host (`slow_hosts`); the link checks ask which targets
not to judge (`exclude`) and which answers are not 断链 (`accept`). Both match the same way:

* an `exclude` pattern is a regular expression searched anywhere in the absolute URL
  (``re.search``, case-sensitive, as lychee's ``--exclude``): anchor it with ``^`` to match
  from the scheme; the first pattern that matches names the rule;
* an `accept` or `slow_hosts` host is compared whole with the URL's host (lower case, no
  port): ``partner.gov.cn`` is not ``www.partner.gov.cn``;
* an `accept` rule covers the status a check recorded when its host is the host that gave it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from checks.config import AcceptRule, LinksConfig


def host_of(url: str) -> str | None:
    """The URL's host as the rules name hosts, or None (no host, or not a URL)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


class LinkRules:
    """``config`` compiled: patterns once, hosts in dictionaries."""

    def __init__(self, config: LinksConfig) -> None:
        self.config = config
        self._patterns = [re.compile(pattern) for pattern in config.exclude]
        self._accept: dict[str, list[tuple[int, AcceptRule]]] = {}
        for index, rule in enumerate(config.accept):
            self._accept.setdefault(rule.host, []).append((index, rule))
        self._timeouts = {slow.host: slow.timeout for slow in config.slow_hosts}

    def __bool__(self) -> bool:
        return bool(self._patterns or self._accept or self._timeouts)

    @property
    def has_exclusions(self) -> bool:
        return bool(self._patterns)

    @property
    def has_slow_hosts(self) -> bool:
        return bool(self._timeouts)

    def excluded(self, url: str) -> int | None:
        """The index of the first `exclude` pattern found in ``url``, or None."""
        for index, pattern in enumerate(self._patterns):
            if pattern.search(url):
                return index
        return None

    def accepted(self, answered_by: str, status: int | None) -> int | None:
        """The index of the `accept` rule that covers ``status`` as answered by the URL
        ``answered_by`` (the last URL of a redirect chain), or None."""
        if status is None or not self._accept:
            return None
        for index, rule in self._accept.get(host_of(answered_by) or "", ()):
            if rule.covers(status):
                return index
        return None

    def timeout(self, host: str | None) -> float | None:
        """The timeout `slow_hosts` gives ``host``, or None (the profile's ``timeouts.request``)."""
        return self._timeouts.get(host) if host else None
