"""The documents people file: the demo inspected, its findings given to two units, then the
检测报告 and a 整改通知书 per unit written as DOCX and PDF and read back — the DOCX with
python-docx, the PDF with pdfminer's text extraction — for the verdict, the counts and the
Chinese text. The PDFs are printed by Debian's Chromium with the system's CJK fonts."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from pdfminer.high_level import extract_text
from sqlalchemy import select

from checks.basis import BASIS
from checks.registry import REGISTRY
from xuncha import tracking
from xuncha.cli import cli, main
from xuncha.demo.run import run_demo
from xuncha.run.documents import file_name, unit_notices, write_documents
from xuncha.store import Finding, Run, Store

UNITS = ("办公室", "政务公开科")


@dataclass
class Demo:
    url: str
    store: Store
    run_id: int
    out: Path


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("documents")
    url = f"sqlite:///{folder / 'xuncha.db'}"
    run_demo(folder / "demo", db_url=url, progress="off")
    store = Store(url, create=False)
    with store.session() as session, session.begin():
        for index, finding in enumerate(session.scalars(select(Finding).order_by(Finding.id))):
            if index % 3 != 2:  # a third stays with no unit
                tracking.assign(session, finding.fingerprint, unit=UNITS[index % 3], actor="t")
        run_id = session.scalars(select(Run.id)).one()
    with store.session() as session:
        write_documents(session, session.get_one(Run, run_id), folder / "out")
    yield Demo(url, store, run_id, folder / "out")
    store.dispose()


def open_counts(demo: Demo) -> dict[str | None, int]:
    counts: dict[str | None, int] = {}
    with demo.store.session() as session:
        for finding in session.scalars(select(Finding).where(Finding.status == "open")):
            counts[finding.unit] = counts.get(finding.unit, 0) + 1
    return counts


def test_every_check_has_its_basis():
    assert set(BASIS) == set(REGISTRY)
    assert all(zh and en and zh != en for zh, en in BASIS.values())


def test_the_report_docx_carries_the_verdict_vetoes_and_every_finding(demo: Demo):
    document = Document(str(demo.out / "检测报告.docx"))
    lines = [p.text for p in document.paragraphs]
    assert lines[0] == "辽源市交通运输局（演示） 网站检测报告"
    assert "结论：不合格" in lines
    vetoes = [line for line in lines if line.startswith("单项否决：")]
    assert [v.split("——")[0] for v in vetoes] == [
        "单项否决：互动回应差", "单项否决：严重表述错误", "单项否决：暗链及违法有害链接",
    ]  # fmt: skip
    basics, _summary, *_, details = document.tables
    facts = {row.cells[0].text: row.cells[1].text for row in basics.rows}
    assert facts["检测基准日"] == "2026-11-20" and facts["发现问题"] == "43"
    assert [c.text for c in details.rows[0].cells][:4] == [
        "序号",
        "问题类型",
        "严重程度",
        "问题描述",
    ]
    assert len(details.rows) == 1 + 43
    summary = document.tables[1]
    assert sum(int(row.cells[1].text) for row in summary.rows[1:]) == 43


def test_the_report_pdf_reads_back_in_chinese(demo: Demo):
    text = extract_text(str(demo.out / "检测报告.pdf"))
    # Searchable and copyable: no character read back as a Kangxi radical (⽂ for 文).
    assert [c for c in text if 0x2E80 <= ord(c) <= 0x2FDF] == []
    for expected in ("辽源市交通运输局（演示）", "检测报告", "不合格", "互动回应差", "先处理"):
        assert expected in text, expected
    fonts = subprocess.run(["pdffonts", str(demo.out / "检测报告.pdf")], capture_output=True,
                           text=True, check=False).stdout  # fmt: skip
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all("yes" in row[-5:-2][0:1] for row in rows)  # every font embedded


def test_a_notice_per_unit_with_its_own_findings_only(demo: Demo):
    counts = open_counts(demo)
    written = sorted(p.name for p in demo.out.iterdir())
    assert written == sorted(
        ["检测报告.docx", "检测报告.pdf"]
        + [f"{file_name(unit, 'zh')}.{kind}" for unit in counts for kind in ("docx", "pdf")]
    )
    for unit, count in counts.items():
        name = file_name(unit, "zh")
        document = Document(str(demo.out / f"{name}.docx"))
        text = "\n".join(p.text for p in document.paragraphs)
        assert document.paragraphs[0].text == "整改通知书"
        assert f"{unit or '（未指定单位）'}：" in text
        assert f"存在以下 {count} 个待整改问题" in text
        (items,) = document.tables
        assert [c.text for c in items.rows[0].cells] == [
            "序号",
            "问题描述",
            "问题链接",
            "整改时限",
            "依据",
        ]
        assert len(items.rows) == 1 + count
        assert all("国办" in row.cells[4].text or "条例" in row.cells[4].text
                   or "法" in row.cells[4].text for row in items.rows[1:])  # fmt: skip
        pdf_text = extract_text(str(demo.out / f"{name}.pdf"))
        assert "整改通知书" in pdf_text.replace(" ", "") and (unit or "未指定单位") in pdf_text
    with demo.store.session() as session:
        notices = unit_notices(session, session.get_one(Run, demo.run_id))
        units_of = {n.unit: {i.id for i in n.items} for n in notices}
        for finding in session.scalars(select(Finding).where(Finding.status == "open")):
            assert finding.fingerprint in units_of[finding.unit]
            others = [u for u in units_of if u != finding.unit]
            assert all(finding.fingerprint not in units_of[u] for u in others)


def test_a_sites_template_gives_its_letterhead_and_cover(demo: Demo, tmp_path: Path):
    template = Document()
    template.sections[0].header.paragraphs[0].text = "辽源市交通运输局办公室（红头）"
    template.add_paragraph("封面：2026年第四季度政府网站检查")
    template.save(str(tmp_path / "模板.docx"))
    result = CliRunner().invoke(
        cli, ["documents", "--db", demo.url, "--out", str(tmp_path / "out"),
              "--template", str(tmp_path / "模板.docx"), "--no-pdf"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    made = Document(str(tmp_path / "out" / "检测报告.docx"))
    assert made.sections[0].header.paragraphs[0].text == "辽源市交通运输局办公室（红头）"
    assert [p.text for p in made.paragraphs[:2]] == [
        "封面：2026年第四季度政府网站检查", "辽源市交通运输局（演示） 网站检测报告",
    ]  # fmt: skip
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_without_chromium_the_pdf_is_refused_in_one_line(demo: Demo, tmp_path: Path, monkeypatch,
                                                          capsys):  # fmt: skip
    monkeypatch.setenv("XUNCHA_CHROMIUM", str(tmp_path / "no-such-browser"))
    monkeypatch.setattr(sys, "argv", ["xuncha", "documents", "--db", demo.url, "--out",
                                      str(tmp_path)])  # fmt: skip
    with pytest.raises(SystemExit) as stopped:
        main()
    err = capsys.readouterr().err
    assert stopped.value.code == 2
    assert err.startswith("xuncha: 生成 PDF 需要 Chromium") and err.count("\n") == 1


def test_file_names_keep_out_what_a_file_system_refuses():
    assert file_name("办公室/信息科:一组", "zh") == "整改通知书-办公室_信息科_一组"
    assert file_name(None, "en") == "notice-no-unit"
    assert file_name("../..", "zh") == "整改通知书-_"
