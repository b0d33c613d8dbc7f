"""The documents of a run to file and send (存档文书), read from the store: the 检测报告 as DOCX
and PDF, and a 整改通知书 per responsible unit (DOCX and PDF). Rendering is the reports'
(:mod:`reports.documents`, :mod:`reports.pdf`); this module reads the rows and names the files.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from reports import times
from reports.documents import NoticeItem, UnitNotice, notice_docx, notice_html, report_docx
from reports.pdf import html_to_pdf
from reports.rendering import write_html
from reports.run_report import render_run_report
from xuncha.run.outputs import run_report, upcoming_items
from xuncha.store import Run, Site
from xuncha.tracking.events import ACTIVE
from xuncha.tracking.queries import run_findings

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class WrittenDocuments:
    report: list[Path]
    notices: dict[str | None, list[Path]]  # by unit (None: findings of no unit)


def unit_notices(session: Session, run: Run, lang: str = "zh") -> list[UnitNotice]:
    """One 整改通知书 per unit with findings of the run still to fix, by unit name (those of no
    unit last), each listing its findings by deadline, the high-severity first on a day."""
    site = session.get_one(Site, run.site_id)
    zone = times.zone_of_profile(run.profile)
    today = datetime.now(UTC).astimezone(zone).date()
    by_unit: dict[str | None, list[NoticeItem]] = {}
    for finding in run_findings(session, run):
        if finding.status not in ACTIVE:
            continue
        by_unit.setdefault(finding.unit, []).append(
            NoticeItem(
                id=finding.fingerprint,
                check=finding.check,
                severity=finding.severity,
                title=finding.title,
                url=finding.url,
                column=finding.column,
                status=finding.status,
                deadline=finding.deadline.isoformat() if finding.deadline else None,
                overdue=finding.deadline is not None and finding.deadline < today,
            )  # fmt: skip
        )
    rank = {"high": 0, "medium": 1, "low": 2}
    notices = []
    for unit in sorted(by_unit, key=lambda u: (u is None, u or "")):
        items = sorted(by_unit[unit], key=lambda i: (i.deadline or "9999", rank.get(i.severity, 9)))
        notices.append(
            UnitNotice(
                lang=lang,
                site_name=site.name,
                unit=unit,
                as_of=run.as_of.isoformat(),
                issued=today.isoformat(),
                items=items,
            )  # fmt: skip
        )
    return notices


def file_name(unit: str | None, lang: str) -> str:
    """A notice's file name: the unit's name with what a file system refuses taken out."""
    name = _UNSAFE.sub("_", unit or ("no-unit" if lang == "en" else "未指定单位")).strip(" ._")
    stem = "notice" if lang == "en" else "整改通知书"
    return f"{stem}-{name[:80] or '_'}"


def write_documents(
    session: Session,
    run: Run,
    out_dir: Path,
    lang: str = "zh",
    *,
    template: Path | None = None,
    pdf: bool = True,
) -> WrittenDocuments:
    """The run's 检测报告 and 整改通知书 into `out_dir`: DOCX, and PDF unless `pdf` is off."""
    stem = "report" if lang == "en" else "检测报告"
    report = run_report(session, run, lang, upcoming=upcoming_items(session, run))
    written = [report_docx(report, out_dir / f"{stem}.docx", template)]
    notices: dict[str | None, list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="xuncha-documents-") as scratch:
        if pdf:
            page = write_html(render_run_report(report), Path(scratch) / "report.html")
            written.append(html_to_pdf(page, out_dir / f"{stem}.pdf"))
        used: set[str] = set()
        for number, notice in enumerate(unit_notices(session, run, lang)):
            name = file_name(notice.unit, lang)
            if name.lower() in used:  # two units that differ only by what was taken out
                name = f"{name}-{number + 1}"
            used.add(name.lower())
            paths = [notice_docx(notice, out_dir / f"{name}.docx", template)]
            if pdf:
                page = write_html(notice_html(notice), Path(scratch) / f"notice-{number}.html")
                paths.append(html_to_pdf(page, out_dir / f"{name}.pdf"))
            notices[notice.unit] = paths
    return WrittenDocuments(written, notices)
