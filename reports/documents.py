"""The documents people file (存档文书): the 检测报告 and a 整改通知书 per responsible unit, as
DOCX (editable, from a template a site can replace) and as PDF (the same content printed by
headless Chromium, with its CJK fonts embedded: see :mod:`reports.pdf`).

A template is any .docx: its styles (Normal, Title, Heading 1/2, Table Grid), page set-up,
headers and footers (a letterhead, 红头, a logo) are kept, and so is its body (a cover page):
the document's content follows it. Without one, a plain A4 document with Chinese fonts.

Crawled text is hostile here too: DOCX text runs hold text, never fields or hyperlinks built
from it, and control characters Word refuses are dropped.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table

from checks.basis import basis_of
from reports.labels import SEVERITY_LABELS, check_name, label
from reports.rendering import render
from reports.run_report import RunReport

FINDINGS_SHOWN = 2_000  # the 问题明细 of a DOCX; the ledger (XLSX) holds every finding
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BODY_FONT, _HEADING_FONT = "宋体", "黑体"

WORDS = {
    "zh": {
        "report": "网站检测报告", "basics": "一、基本情况", "verdict": "二、检测结论",
        "summary": "三、问题汇总", "act_first": "四、先处理：待整改的严重问题（按责任单位）",
        "details": "五、问题明细", "site": "网站", "run": "检测批次", "as_of": "检测基准日",
        "started": "开始时间", "finished": "结束时间", "pages": "抓取页面", "links": "检查链接",
        "findings": "发现问题", "result": "结论", "points": "得分", "vetoes": "单项否决",
        "check": "问题类型", "count": "数量", "deduction": "扣分", "unit": "责任单位",
        "high": "严重问题", "overdue": "已逾期", "next_deadline": "最近时限", "number": "序号",
        "severity": "严重程度", "title": "问题描述", "url": "问题链接", "column": "栏目",
        "deadline": "整改时限", "status": "整改状态", "basis": "依据",
        "none_unit": "（未指定单位）",
        "more": "另有 {n} 个问题未列出，完整清单见整改台账（ledger.xlsx）。",
        "not_judged": "本次检测未完成，未作检查；这不表示网站没有问题。",
        "notice": "整改通知书", "to": "{unit}：",
        "notice_intro": "经对{site}（检测基准日 {as_of}）的检测，你单位负责的栏目和页面"
        "存在以下 {n} 个待整改问题，其中严重问题 {high} 个、已逾期 {overdue} 个。"
        "请按整改时限完成整改，并在整改台账的“整改措施”“整改情况”两栏填写后回传。",
        "notice_none": "经对{site}（检测基准日 {as_of}）的检测，"
        "你单位负责的栏目和页面没有待整改问题。",
        "issued": "{site} 网站管理单位　{day}", "no_deadline": "—",
    },
    "en": {
        "report": "Website inspection report", "basics": "1. Overview", "verdict": "2. Verdict",
        "summary": "3. Findings by check", "act_first": "4. Fix first: open high-severity "
        "findings by unit", "details": "5. Findings", "site": "Site", "run": "Run",
        "as_of": "As of", "started": "Started", "finished": "Finished", "pages": "Pages",
        "links": "Links checked", "findings": "Findings", "result": "Verdict",
        "points": "Score", "vetoes": "Single vetoes", "check": "Check", "count": "Count",
        "deduction": "Deduction", "unit": "Unit", "high": "High", "overdue": "Overdue",
        "next_deadline": "Next deadline", "number": "No.", "severity": "Severity",
        "title": "Problem", "url": "URL", "column": "Column", "deadline": "Deadline",
        "status": "Status", "basis": "Basis", "none_unit": "(no unit)",
        "more": "{n} more findings are not listed: the ledger (ledger.xlsx) holds them all.",
        "not_judged": "The run did not finish and nothing was judged; this does not mean the "
        "site has no problems.",
        "notice": "Rectification notice", "to": "To {unit}:",
        "notice_intro": "The inspection of {site} (as of {as_of}) found {n} open problems in "
        "the columns and pages your unit is responsible for, {high} of high severity and "
        "{overdue} overdue. Please fix them by their deadlines and fill in the ledger's "
        "Measures taken and Progress columns.",
        "notice_none": "The inspection of {site} (as of {as_of}) found no open problem in the "
        "columns and pages your unit is responsible for.",
        "issued": "The office running {site}, {day}", "no_deadline": "—",
    },
}  # fmt: skip


def words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "zh"]


@dataclass(frozen=True)
class NoticeItem:
    """One finding a unit must fix, as its 整改通知书 lists it."""

    id: str
    check: str
    severity: str
    title: str
    url: str
    column: str | None
    status: str
    deadline: str | None
    overdue: bool


@dataclass(frozen=True)
class UnitNotice:
    """A 整改通知书: one unit's open findings of one site's run, with deadlines and basis."""

    lang: str
    site_name: str
    unit: str | None
    as_of: str
    issued: str  # the day it was made, in the site's zone
    items: list[NoticeItem] = field(default_factory=list)

    @property
    def high(self) -> int:
        return sum(1 for item in self.items if item.severity == "high")

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)

    @property
    def said(self) -> dict[str, str]:
        """The notice's words in its language (the printed page reads them)."""
        return words(self.lang)

    def basis(self, item: NoticeItem) -> str:
        return basis_of(item.check, self.lang)


def _clean(value: Any) -> str:
    return _CONTROL.sub("", "" if value is None else str(value))


def _document(template: Path | None, *, landscape: bool) -> DocxDocument:
    if template is not None:
        return Document(str(template))
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    sizes = (("Normal", _BODY_FONT, 10.5), ("Title", _HEADING_FONT, 18),
             ("Heading 1", _HEADING_FONT, 14), ("Heading 2", _HEADING_FONT, 12))  # fmt: skip
    for name, font, size in sizes:
        style = document.styles[name]
        style.font.name = font
        style.font.size = Pt(size)
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    return document


def _grid(document: DocxDocument, table: Table) -> None:
    """Ruled cells, when the template has the style (a template may not)."""
    with contextlib.suppress(KeyError):
        table.style = document.styles["Table Grid"]


def _table(document: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    _grid(document, table)
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_clean(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _clean(value)


def _pairs(document: DocxDocument, pairs: Sequence[tuple[str, Any]]) -> None:
    """A two-column table of names and values, the names in bold."""
    table = document.add_table(rows=0, cols=2)
    _grid(document, table)
    for name, value in pairs:
        cells = table.add_row().cells
        cells[0].paragraphs[0].add_run(_clean(name)).bold = True
        cells[1].text = _clean(value)


def report_docx(report: RunReport, path: Path, template: Path | None = None) -> Path:
    """The 检测报告 of a run as DOCX."""
    said = words(report.lang)
    lang = report.lang
    document = _document(template, landscape=False)
    document.add_paragraph(_clean(f"{report.site_name} {said['report']}"), style="Title")
    document.add_heading(said["basics"], level=1)
    _pairs(document, [
        (said["site"], f"{report.site_name}（{report.start_url}）" if lang != "en"
         else f"{report.site_name} ({report.start_url})"),
        (said["run"], f"#{report.run_id}"), (said["as_of"], report.as_of),
        (said["started"], report.started_at), (said["finished"], report.finished_at or "—"),
        (said["pages"], report.pages), (said["links"], report.links_checked),
        (said["findings"], len(report.findings)),
    ])  # fmt: skip
    document.add_heading(said["verdict"], level=1)
    score = report.score
    if score is None:
        document.add_paragraph(said["not_judged"])
    else:
        verdict = score.get("verdict") or ""
        shown = verdict if lang != "en" else ("fail" if verdict == "不合格" else "pass")
        line = document.add_paragraph()
        line.add_run(f"{said['result']}：" if lang != "en" else f"{said['result']}: ")
        line.add_run(_clean(shown)).bold = True
        if score.get("points") is not None:
            line.add_run(f"　{said['points']} {score['points']}")
        for name, reason in zip(score.get("vetoes") or [], score.get("veto_reasons") or [],
                                strict=False):  # fmt: skip
            document.add_paragraph(
                _clean(f"{said['vetoes']}：{name}——{reason}"), style="List Bullet"
            )
        model = (score.get("model") or {}).get("en" if lang == "en" else "zh")
        if model:
            document.add_paragraph(_clean(model))
    document.add_heading(said["summary"], level=1)
    deducted = {row["check"]: row["points"] for row in (score or {}).get("deductions") or []}
    _table(document, [said["check"], said["count"], said["deduction"]],
           [(name, count, f"−{deducted[check]}" if check in deducted else "—")
            for check, name, count in report.counts_by_check])  # fmt: skip
    if report.act_first:
        document.add_heading(said["act_first"], level=1)
        _table(document, [said["unit"], said["high"], said["overdue"], said["next_deadline"]],
               [(todo.unit or said["none_unit"], todo.high, todo.overdue,
                 todo.next_deadline or "—") for todo in report.act_first])  # fmt: skip
    document.add_heading(said["details"], level=1)
    shown_rows = []
    for number, finding in enumerate(report.findings, start=1):
        if number > FINDINGS_SHOWN:
            break
        shown_rows.append((number, check_name(finding.check, lang),
                           label(SEVERITY_LABELS, finding.severity, lang), finding.title,
                           finding.url, finding.column or "—", finding.unit or "—",
                           finding.deadline or "—"))  # fmt: skip
    _table(document, [said["number"], said["check"], said["severity"], said["title"],
                      said["url"], said["column"], said["unit"], said["deadline"]],
           shown_rows)  # fmt: skip
    if len(report.findings) > FINDINGS_SHOWN:
        more = len(report.findings) - FINDINGS_SHOWN
        document.add_paragraph(said["more"].format(n=more))
    return _save(document, path)


def notice_docx(notice: UnitNotice, path: Path, template: Path | None = None) -> Path:
    """A unit's 整改通知书 as DOCX: to whom, what, by when, and the rule behind each."""
    said = words(notice.lang)
    document = _document(template, landscape=False)
    title = document.add_paragraph(said["notice"], style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    unit = notice.unit or said["none_unit"]
    document.add_paragraph(_clean(said["to"].format(unit=unit)))
    if notice.items:
        intro = said["notice_intro"].format(site=notice.site_name, as_of=notice.as_of,
                                            n=len(notice.items), high=notice.high,
                                            overdue=notice.overdue)  # fmt: skip
    else:
        intro = said["notice_none"].format(site=notice.site_name, as_of=notice.as_of)
    document.add_paragraph(_clean(intro))
    if notice.items:
        header = [said[k] for k in ("number", "title", "url", "deadline", "basis")]
        rows = [_notice_row(notice, n, item) for n, item in enumerate(notice.items, start=1)]
        _table(document, header, rows)
    closing = document.add_paragraph(
        _clean(said["issued"].format(site=notice.site_name, day=notice.issued))
    )
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _save(document, path)


def _notice_row(notice: UnitNotice, number: int, item: NoticeItem) -> tuple[Any, ...]:
    said, lang = words(notice.lang), notice.lang
    kind = check_name(item.check, lang)
    severity = label(SEVERITY_LABELS, item.severity, lang)
    what = (
        f"{item.title}（{kind}，{severity}）"
        if lang != "en"
        else f"{item.title} ({kind}, {severity})"
    )
    deadline = item.deadline or said["no_deadline"]
    if item.overdue:
        deadline += f"（{said['overdue']}）" if lang != "en" else " (overdue)"
    return (number, what, item.url, deadline, notice.basis(item))


def notice_html(notice: UnitNotice) -> str:
    """The 整改通知书 as a page to print (the PDF)."""
    return render("notice.html", notice, notice.lang)


def _save(document: DocxDocument, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    document.save(str(tmp))
    tmp.replace(path)
    return path
