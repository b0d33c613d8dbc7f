"""The findings export, schema ``xuncha.findings/1`` (docs/findings-export.md): a public,
versioned interface. Add fields freely; never rename or drop one without bumping `schema`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO

from checks import messages
from reports.rows import StoredFinding, StoredRun

SCHEMA = "xuncha.findings/1"


@dataclass(frozen=True)
class ExportRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    as_of: date
    status: str
    pages: int
    links_checked: int
    complete: bool

    @classmethod
    def of(cls, run: StoredRun) -> ExportRun:
        """The export's view of a stored run."""
        return cls(
            id=run.id,
            started_at=run.started_at,
            finished_at=run.finished_at,
            as_of=run.as_of,
            status=run.status,
            pages=run.pages,
            links_checked=run.links_checked,
            complete=run.complete,
        )


def iso(value: date | datetime | None) -> str | None:
    """ISO 8601 (a moment to the second, with its offset)."""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat() if value is not None else None


def finding_document(
    row: StoredFinding, lang: str = "zh", shared: dict[str, str] | None = None
) -> dict[str, Any]:
    """One finding as exported.

    `shared` (one per document) keeps one object per distinct title, detail and date: tens
    of thousands of findings of a big run share a few dozen of each."""

    def one(text: str | None) -> str | None:
        return text if shared is None or text is None else shared.setdefault(text, text)

    return {
        "id": row.fingerprint,
        "check": row.check,
        "subtype": row.subtype,
        "severity": row.severity,
        "url": row.url,
        "page": row.page,
        "pages": list(row.pages or []),
        "column": row.column,
        "title": one(messages.title(row.check, row.subtype, row.evidence or {}, lang)),
        "detail": one(messages.detail(row.check, row.subtype, row.evidence or {}, lang)),
        "evidence": row.evidence or {},
        "unit": row.unit,
        "person": row.person,
        "note": row.note,
        "status": row.status,
        "status_reason": row.status_reason,
        "first_seen": one(iso(row.first_seen)),
        "last_seen": one(iso(row.last_seen)),
        "deadline": one(iso(row.deadline)),
    }


def findings_document(
    site_name: str,
    start_url: str,
    run: ExportRun | None,
    findings: Iterable[StoredFinding],
    score: dict[str, Any] | None = None,
    lang: str = "zh",
    *,
    lazy: bool = False,
) -> dict[str, Any]:
    """The export document. `lazy`: its findings are made as :func:`write_json` writes them,
    one at a time (a run of tens of thousands of findings); such a document is written once."""
    shared: dict[str, str] = {}
    made = (finding_document(row, lang, shared) for row in findings)
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "site": {"name": site_name, "start_url": start_url},
        "run": None,
        "score": score,
        "findings": made if lazy else list(made),
    }
    if run is not None:
        document["run"] = {
            "id": run.id,
            "started_at": iso(run.started_at),
            "finished_at": iso(run.finished_at),
            "as_of": iso(run.as_of),
            "status": run.status,
            "complete": run.complete,
            "pages": run.pages,
            "links_checked": run.links_checked,
        }
    return document


def write_json(document: dict[str, Any], path: Path) -> Path:
    """Written as it is encoded, the same text as ``json.dump(…, indent=2)``: tens of thousands
    of findings never become one string, and those of a lazy document never one list."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    with tmp.open("w", encoding="utf-8") as out:
        if any(isinstance(value, Iterator) for value in document.values()):
            _dump_streaming(document, out)
        else:
            json.dump(document, out, ensure_ascii=False, indent=2)
    tmp.replace(path)
    return path


def _dump_streaming(document: dict[str, Any], out: TextIO) -> None:
    """`document` with its iterator values written as arrays, an item at a time."""
    out.write("{")
    for number, (key, value) in enumerate(document.items()):
        out.write(f"{',' if number else ''}\n  {_json(key, 2)}: ")
        if not isinstance(value, Iterator):
            out.write(_json(value, 2))
            continue
        empty = True
        for item in value:
            out.write(f"{'[' if empty else ','}\n    {_json(item, 4)}")
            empty = False
        out.write("[]" if empty else "\n  ]")
    out.write("\n}" if document else "}")


def _json(value: Any, indent: int) -> str:
    """`value` as JSON at `indent` spaces of nesting (a string's own line breaks are escaped)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * indent)
