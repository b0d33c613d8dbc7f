"""Rule packs of `missing_mandatory` (法定主动公开内容): what must be published, in YAML.

A pack is a YAML file: shipped ones live beside this module (``department.yaml``,
``transport_bureau.yaml``) and are named without the extension; a site may also name its own
file (``packs: [department, ./our-extra-rules.yaml]``, relative to the profile). A pack::

    name: 县级以上人民政府部门          # what it is for (中文)
    include: [department]             # packs whose rules come first
    exclude: [plans]                  # included rules that do not apply here
    overrides:                        # change some fields of an included rule
      budget: {unit: 财务科}
    rules:                            # new rules; a rule with an included id replaces it
      - id: annual_report
        name: 政府信息公开工作年度报告
        basis: 《中华人民共和国政府信息公开条例》第四十九条
        requires: item                # column | item | column_or_item
        match: [年度报告, 年报]        # synonyms: a title (or column name) containing one
        with_any: [信息公开, 政务公开] # … and, when given, one of these too
        exclude: [法治政府]            # … and none of these
        columns: [年报]                # where the item is expected (the finding's URL)
        recurs: yearly                 # recurring: one per year
        year: previous                 # the year it covers: previous | current
        due: annual_report             # its due date: checks.mandatory.<due>_due (MM-DD)

Every pack is validated whole when it is loaded; a broken one raises :class:`RulePackError`
(a :class:`~checks.errors.CheckConfigError`) naming the pack and the key, never a half-read list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from checks.columns import normalize
from checks.config import CheckSettings
from checks.errors import CheckConfigError

PACK_SUFFIXES = (".yaml", ".yml")


class RulePackError(CheckConfigError):
    """A rule pack is missing, unreadable, or not a valid pack."""


class Rule(BaseModel):
    """One statutory duty: a column, or an item whose title matches, that must be published."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    basis: str = Field(min_length=1)
    unit: str | None = None
    requires: Literal["column", "item", "column_or_item"]
    match: tuple[str, ...] = ()
    pattern: str | None = None
    with_any: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    recurs: Literal["yearly"] | None = None
    year: Literal["previous", "current"] | None = None
    due: Literal["annual_report", "budget", "final_accounts"] | None = None
    severity: Literal["high", "medium", "low"] = "high"

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if not self.match and not self.pattern:
            raise ValueError(f"rule {self.id}: give `match` synonyms or a `pattern`")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"rule {self.id}: bad pattern ({exc})") from None
        recurring = (self.recurs, self.year, self.due)
        if any(recurring) and not all(recurring):
            raise ValueError(f"rule {self.id}: a recurring rule needs `recurs`, `year` and `due`")
        if self.recurs and self.requires != "item":
            raise ValueError(f"rule {self.id}: only `requires: item` rules can recur")
        return self

    def matches(self, text: str) -> bool:
        """Whether a title or column name is this rule's item (spaces and quotes ignored)."""
        text = normalize(text)
        if not text or any(normalize(word) in text for word in self.exclude):
            return False
        named = any(normalize(word) in text for word in self.match) or bool(
            self.pattern and re.search(self.pattern, text)
        )
        return named and (not self.with_any or any(normalize(w) in text for w in self.with_any))


class Pack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    description: str | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> Pack:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"rule id {rule.id!r} appears twice")
            seen.add(rule.id)
        return self


def shipped_packs() -> list[str]:
    """Names of the packs shipped with Xuncha."""
    folder = resources.files(__name__)
    return sorted(p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _read(ref: str, base: Path | None) -> tuple[str, str, Path | None]:
    """(label, YAML text, folder its includes are relative to) of a pack reference."""
    if ref.endswith(PACK_SUFFIXES):
        path = Path(ref)
        if not path.is_absolute():
            path = (base or Path.cwd()) / path
        try:
            return str(path), path.read_text(encoding="utf-8"), path.parent
        except (OSError, UnicodeDecodeError) as exc:
            raise RulePackError(f"rule pack {path}: cannot read it ({exc})") from None
    shipped = resources.files(__name__).joinpath(f"{ref}.yaml")
    if not shipped.is_file():
        known = ", ".join(shipped_packs())
        raise RulePackError(f"unknown rule pack {ref!r} (shipped packs: {known}; or a .yaml path)")
    return ref, shipped.read_text(encoding="utf-8"), base


def _parse(label: str, text: str) -> Pack:
    try:
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = f":{mark.line + 1}" if mark else ""
        raise RulePackError(f"rule pack {label}{line}: YAML syntax error: {exc.problem}") from None
    if not isinstance(data, dict):
        raise RulePackError(f"rule pack {label}: a pack is a mapping (name, rules, …)")
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        raise RulePackError(f"rule pack {label}: {_describe(exc)}") from None


def _describe(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "(top level)"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key"
    if error["type"] == "missing":
        return f"{where}: required key is missing"
    return f"{where}: {error['msg'].removeprefix('Value error, ')}"


def _rules_of(ref: str, base: Path | None, chain: tuple[str, ...]) -> dict[str, Rule]:
    label, text, here = _read(ref, base)
    if label in chain:
        raise RulePackError(f"rule pack {label}: includes itself ({' → '.join(chain)})")
    pack = _parse(label, text)
    rules: dict[str, Rule] = {}
    for included in pack.include:
        rules.update(_rules_of(included, here, (*chain, label)))
    for rule_id in pack.exclude:
        if rules.pop(rule_id, None) is None:
            raise RulePackError(f"rule pack {label}: exclude: no included rule {rule_id!r}")
    for rule_id, changes in pack.overrides.items():
        if rule_id not in rules:
            raise RulePackError(f"rule pack {label}: overrides: no included rule {rule_id!r}")
        try:
            rules[rule_id] = Rule.model_validate({**rules[rule_id].model_dump(), **changes})
        except ValidationError as exc:
            raise RulePackError(
                f"rule pack {label}: overrides.{rule_id}: {_describe(exc)}"
            ) from None
    for rule in pack.rules:
        rules[rule.id] = rule
    return rules


@cache
def load_rules(packs: tuple[str, ...], base: Path | None = None) -> tuple[Rule, ...]:
    """The rules of these packs, in order; a later pack's rule replaces an earlier one's with the
    same id. ``base`` is the folder relative pack paths are read from (the profile's)."""
    rules: dict[str, Rule] = {}
    for ref in packs:
        rules.update(_rules_of(ref, base, ()))
    return tuple(rules.values())


def rules_for(settings: CheckSettings) -> tuple[Rule, ...]:
    """The rules a profile selects (``checks.mandatory.packs``): call it when a profile is
    loaded to report a broken pack before the crawl rather than after it."""
    packs: Sequence[str] = settings.checks.mandatory.packs
    return load_rules(tuple(packs), settings.rules_dir)
