"""The vocabulary of the ``harmful_link`` check: which category a text speaks of, and how
strongly (checks/data/harmful.yaml, extended and trimmed per site).

A text is compared after NFKC (full-width letters become ASCII), lower-casing and removing
whitespace; `allowed` phrases are blanked first. Terms are found left to right, the longest at
each place, without overlap — so a term inside a longer one that matched (葡京 in 澳门葡京) does
not count again. A text carrying a `context` word (news, enforcement; per category as well) is not
judged for that category: a report of a raid names the game it raided.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from checks.config import HarmfulConfig, HarmfulTerm

# Categories in the order they are tried: the first with enough evidence names a finding.
CATEGORIES = ("gambling", "porn", "illicit", "parked")
CONTENT_CATEGORIES = ("gambling", "porn", "illicit")  # what a link's own words can show
_WHITESPACE = re.compile(r"\s+")
_BLANK = "\x00"
_HOST_CACHE = 100_000  # host names remembered (a run links to a few thousand at most)


def normalised(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True, slots=True)
class Hits:
    """The distinct terms of one category found in a text."""

    strong: frozenset[str] = frozenset()
    weak: frozenset[str] = frozenset()

    def __or__(self, other: Hits) -> Hits:
        return Hits(self.strong | other.strong, self.weak | other.weak)

    @property
    def terms(self) -> list[str]:
        return sorted(self.strong) + sorted(self.weak)


@dataclass(frozen=True)
class Vocabulary:
    """Terms by category and strength, the phrases blanked, the words of context, the hosts
    of parking services and of trusted organisations, each category's name and severity."""

    terms: dict[str, tuple[str, str]]  # normalised term -> (category, strength)
    allowed: tuple[str, ...]
    context: dict[str, tuple[str, ...]]  # category -> its context words (the shared ones too)
    parked_hosts: tuple[str, ...]
    trusted: tuple[str, ...]
    names: dict[str, str]
    severities: dict[str, str]
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    _hosts: dict[str, dict[str, Hits]] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )
    _allowed: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.terms, key=len, reverse=True)
        pattern = "|".join(map(re.escape, ordered)) or r"(?!)"
        object.__setattr__(self, "_pattern", re.compile(pattern))
        allowed = sorted(self.allowed, key=len, reverse=True)
        object.__setattr__(
            self, "_allowed", re.compile("|".join(map(re.escape, allowed))) if allowed else None
        )

    def hits(self, text: str | None) -> dict[str, Hits]:
        """Category -> the terms ``text`` carries, categories its context rules out dropped."""
        if not text:
            return {}
        compact = normalised(text)
        if self._allowed is not None:
            compact = self._allowed.sub(lambda m: _BLANK * len(m.group(0)), compact)
        strong: dict[str, set[str]] = {}
        weak: dict[str, set[str]] = {}
        for match in self._pattern.finditer(compact):
            category, strength = self.terms[match.group(0)]
            (strong if strength == "strong" else weak).setdefault(category, set()).add(
                match.group(0)
            )
        found = {}
        for category in set(strong) | set(weak):
            if any(word in compact for word in self.context.get(category, ())):
                continue
            found[category] = Hits(
                frozenset(strong.get(category, ())), frozenset(weak.get(category, ()))
            )
        return found

    def reports_on(self, text: str | None, category: str) -> bool:
        """Whether ``text`` carries a context word of ``category`` (it reports on it)."""
        compact = normalised(text or "")
        return any(word in compact for word in self.context.get(category, ()))

    def host_hits(self, host: str) -> dict[str, Hits]:
        """The Latin terms in a host name (xpj-baijiale.com): no context, nothing blanked."""
        if host in self._hosts:
            return self._hosts[host]
        found: dict[str, Hits] = {}
        for term, (category, strength) in self.terms.items():
            if term.isascii() and term.isalnum() and term in host:
                hits = (
                    Hits(frozenset({term}))
                    if strength == "strong"
                    else Hits(weak=frozenset({term}))
                )
                found[category] = found.get(category, Hits()) | hits
        if len(self._hosts) < _HOST_CACHE:
            self._hosts[host] = found
        return found

    def is_trusted(self, host: str) -> bool:
        return _under(host, self.trusted)

    def is_parking(self, host: str) -> bool:
        return _under(host, self.parked_hosts)


def _under(host: str, suffixes: Iterable[str]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == suffix or host.endswith("." + suffix) for suffix in suffixes)


@cache
def _shipped() -> dict[str, Any]:
    text = (files("checks") / "data" / "harmful.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def shipped_terms() -> tuple[HarmfulTerm, ...]:
    """Every shipped term, validated like a profile's ``extra``."""
    terms = []
    for category, spec in _shipped()["categories"].items():
        for strength in ("strong", "weak"):
            for term in spec.get(strength) or ():
                terms.append(
                    HarmfulTerm.model_validate(
                        {"term": str(term), "category": category, "strength": strength}
                    )
                )
    return tuple(terms)


@cache
def _vocabulary(extra: tuple[HarmfulTerm, ...], ignore: frozenset[str]) -> Vocabulary:
    data = _shipped()
    ignored = {normalised(word) for word in ignore}
    terms: dict[str, tuple[str, str]] = {
        normalised(t.term): (t.category, t.strength)
        for t in shipped_terms()
        if normalised(t.term) not in ignored
    }
    terms.update({normalised(t.term): (t.category, t.strength) for t in extra})
    shared = tuple(normalised(w) for w in data["context"] if normalised(w) not in ignored)
    categories = data["categories"]
    return Vocabulary(
        terms=terms,
        allowed=tuple(normalised(p) for p in data["allowed"] if normalised(p) not in ignored),
        context={
            name: (*shared, *(normalised(w) for w in spec.get("context") or ()))
            if name != "parked"
            else ()
            for name, spec in categories.items()
        },
        parked_hosts=tuple(categories["parked"].get("hosts") or ()),
        trusted=tuple(data["trusted"]),
        names={name: spec["name"] for name, spec in categories.items()},
        severities={name: spec["severity"] for name, spec in categories.items()},
    )


def vocabulary(config: HarmfulConfig) -> Vocabulary:
    """The shipped vocabulary minus the site's `ignore` (terms, allowed phrases or context
    words, by their text), plus its `extra` terms (which replace a shipped term's category or
    strength)."""
    return _vocabulary(tuple(config.extra), frozenset(config.ignore))
