"""Docs as tests: every check and every subtype the code can emit is documented."""

from __future__ import annotations

import re
from pathlib import Path

from checks import links, messages
from checks.registry import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
CHECKS_DOC = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _documented_subtypes(check: str) -> set[str]:
    section = CHECKS_DOC.split(f"## `{check}`", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z0-9_]+)`", section, flags=re.M))


def test_every_registered_check_is_documented_in_docs_and_readme():
    for check in REGISTRY:
        assert f"## `{check}`" in CHECKS_DOC
        assert f"`{check}`" in README


def test_every_subtype_with_a_title_is_documented():
    for check, table in messages._TITLES.items():
        if check not in REGISTRY:
            continue
        documented = _documented_subtypes(check)
        for subtype in table:
            if subtype != "*":
                assert subtype in documented, f"{check}/{subtype} is not in docs/checks.md"


def test_every_network_error_is_documented():
    assert _documented_subtypes("broken_link") >= links.NETWORK_ERRORS
    assert set(links.BLOCKED_SUBTYPES.values()) <= _documented_subtypes("wrong_link")
