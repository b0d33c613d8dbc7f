"""findings.json written a finding at a time is the very text ``json.dump(…, indent=2)`` writes
of the whole document: other tools read it (docs/findings-export.md), byte for byte the same."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from reports.findings_json import ExportRun, findings_document, write_json

RUN = ExportRun(
    id=7,
    started_at=datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
    finished_at=datetime(2026, 11, 20, 2, 40, tzinfo=UTC),
    as_of=date(2026, 11, 20),
    status="finished",
    pages=3,
    links_checked=40,
    complete=True,
)


def _row(n: int, **fields: object) -> SimpleNamespace:
    values = {
        "fingerprint": f"bl-{n:04d}",
        "check": "broken_link",
        "subtype": "http_404",
        "severity": "medium",
        "url": f"https://www.example.gov.cn/zwgk/files/{n}.pdf",
        "page": "https://www.example.gov.cn/zwgk/tzgg/",
        "pages": [f"https://www.example.gov.cn/zwgk/tzgg/t{n}.html"],
        "column": "通知公告",
        "evidence": {"status": 404, "text": "附件\n下载", "nested": {"a": [1, "二"]}},
        "unit": "办公室",
        "person": None,
        "note": None,
        "status": "open",
        "status_reason": None,
        "first_seen": date(2026, 11, 1),
        "last_seen": date(2026, 11, 20),
        "deadline": date(2026, 11, 10),
    }
    return SimpleNamespace(**{**values, **fields})


@pytest.mark.parametrize(
    ("rows", "score", "extra"),
    [
        ([], None, {}),
        ([_row(1)], {"total": 92.5, "verdict": "合格"}, {"not_yet_due": []}),
        (
            [_row(n) for n in range(5)],
            None,
            {"not_yet_due": [{"item": "年报", "due": "2027-01-31"}]},
        ),
        ([_row(1, evidence={}, pages=[], page=None, column=None)], {}, {"after": {"x": []}}),
    ],
    ids=["no findings", "one finding", "five findings and an item not due", "empty values"],
)
def test_a_lazy_document_writes_the_same_text_as_json_dump(tmp_path, rows, score, extra):
    whole = findings_document("示范县人民政府", "https://www.example.gov.cn/", RUN, rows, score)
    lazy = findings_document(
        "示范县人民政府", "https://www.example.gov.cn/", RUN, iter(rows), score, lazy=True
    )
    assert isinstance(whole["findings"], list) and not isinstance(lazy["findings"], list)
    written = write_json({**lazy, **extra}, tmp_path / "findings.json").read_text("utf-8")
    assert written == json.dumps({**whole, **extra}, ensure_ascii=False, indent=2)
    assert len(json.loads(written)["findings"]) == len(rows)
