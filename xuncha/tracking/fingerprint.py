"""Who a finding is across runs (its fingerprint) and what of its evidence counts as substance.

The fingerprint is the export's ``id``: the check and the defect's stable key (target URL,
column, rule and year, page + kind…), never volatile text, so the same defect keeps its id
night after night. The evidence digest decides whether a finding marked 误报 (false positive)
has come back *changed*: counters that move every day (days overdue, sample sizes, a network
library's wording of an error) are left out, so only a change of substance re-raises it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from checks.model import Finding as CheckFinding

PREFIXES = {
    "broken_link": "bl",
    "wrong_link": "wl",
    "stale_column": "sc",
    "blank_column": "bc",
    "missing_mandatory": "mm",
    "mixed_content": "mc",
    "misplaced_content": "mp",
    "privacy_leak": "pl",
    "wording_error": "we",
    "site_identity": "si",
    "tls_certificate": "tc",
    "site_unreachable": "su",
    "service_guide": "sg",
    "interaction_response": "ir",
    "harmful_link": "hl",
}

# Evidence that changes without the defect changing: ages that grow by a day every day, the
# items and newest date of a column (a stale column with one more old item is the same
# 栏目不更新), the sample sizes of the identity check, and the transport's own words.
VOLATILE_EVIDENCE = frozenset(
    {
        "days",
        "days_left",
        # availability (站点无法访问 over a week of probes): counts move with every probe
        "tries",
        "failures",
        "percent",
        "since",
        "until",
        "days_overdue",
        "items",
        "newest",
        "newest_url",
        "missing",
        # service_guide: the classes a guide lacks move as it is completed; the guide (its
        # page) is the defect, so a guide marked 误报 stays so
        "missing_en",
        "empty",
        "present",
        "missing_pages",
        "checked_pages",
        "article_pages",
        "error_detail",
        "method",
        "link_text",
    }
)


def fingerprint(finding: CheckFinding) -> str:
    """``<prefix>-<16 hex>``: the same check and key give the same id on every run."""
    digest = hashlib.sha256(f"{finding.check}\x1f{finding.key}".encode()).hexdigest()[:16]
    return f"{PREFIXES.get(finding.check, 'xx')}-{digest}"


def stable_evidence(evidence: dict[str, Any] | None) -> dict[str, Any]:
    """The evidence without its volatile keys: what a person judged when marking 误报."""
    return {k: v for k, v in (evidence or {}).items() if k not in VOLATILE_EVIDENCE}


def evidence_digest(subtype: str, evidence: dict[str, Any] | None) -> str:
    """A digest of the subtype and the stable evidence, the same for equal JSON values
    whether they come from a check (tuples) or from the database (lists)."""
    payload = json.dumps(
        {"subtype": subtype, "evidence": stable_evidence(evidence)},
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def evidence_changes(
    old_subtype: str,
    old: dict[str, Any] | None,
    new_subtype: str,
    new: dict[str, Any] | None,
) -> dict[str, list[Any]]:
    """{key: [old, new]} of what differs in substance between two observations."""
    changes: dict[str, list[Any]] = {}
    if old_subtype != new_subtype:
        changes["subtype"] = [old_subtype, new_subtype]
    before, after = _as_json(stable_evidence(old)), _as_json(stable_evidence(new))
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            changes[key] = [before.get(key), after.get(key)]
    return changes


def _as_json(value: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(json.dumps(value, ensure_ascii=False, default=str))
    return decoded
