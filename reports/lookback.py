"""The look-back (回头看) as JSON: the same figures as its HTML page, for other tools.

Schema ``xuncha.lookback/1``: add fields freely; never rename or drop one without bumping it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from reports.context import LookBackReport

SCHEMA = "xuncha.lookback/1"


def lookback_document(report: LookBackReport) -> dict[str, Any]:
    """{schema, period, sites, outcomes, units: [{unit, counts, total}], totals, findings}."""
    return {
        "schema": SCHEMA,
        "since": report.since,
        "until": report.until,
        "as_of": report.as_of,
        "sites": list(report.sites),
        "outcomes": [{"key": key, "label": text} for key, text in report.outcomes],
        "units": [asdict(row) for row in report.units],
        "totals": {"counts": dict(report.totals.counts), "total": report.totals.total},
        "findings": [asdict(finding) for finding in report.findings],
    }
