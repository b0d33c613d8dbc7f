"""service_guide (服务不实用 — 办事指南要素缺失): which pages are guides, which classes each lacks,
the finding's identity and words, the 普查 scoring rule, and precision on real pages."""

# ruff: noqa: E501  (table rows read better unwrapped)

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks import messages
from checks.config import CheckSettings, ScoringConfig
from checks.guide_elements import GuideStructure, guide_elements
from checks.model import ColumnView, CrawlData, Finding, PageView
from checks.scoring import score
from checks.service_guide import guide_key, service_guide
from crawler.parsing.document import parse_html
from crawler.parsing.guide import might_be_guide, read_guide
from crawler.parsing.meta import extract_meta

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()
SITE = "https://jtj.example.gov.cn/"
GUIDES = "https://jtj.example.gov.cn/bsfw/bszn/"
GUIDE = "https://jtj.example.gov.cn/bsfw/bszn/202611/t20261118_301.html"
ALL = guide_elements().names
LACKING_TWO = GuideStructure(
    present=("事项名称", "申请条件", "办理材料", "办理地点", "联系电话", "办理流程"), empty=("办理时间",),
    labels=("事项名称", "申请条件", "申请材料", "办理地点", "办理时间", "咨询电话", "办理流程"), layouts=("table",),
)  # fmt: skip
COMPLETE = GuideStructure(present=ALL, layouts=("table",))


def page(
    structure,
    url=GUIDE,
    title="道路旅客运输经营许可办事指南_示例市交通运输局",
    column=GUIDES,
    **meta,
):
    if structure is not None:
        meta["guide"] = structure.to_meta()
    return PageView(url, url, "article", 200, title, column, None, None, meta)


def crawl(*pages, column_name="办事指南", unit=None):
    columns = (ColumnView(GUIDES, column_name, None, unit, "navigation", 3, None, 1),)
    return CrawlData("站", (SITE,), ("example.gov.cn",), NOW, pages=pages, columns=columns)


def test_a_complete_guide_is_no_finding():
    assert service_guide(crawl(page(COMPLETE)), PROFILE, AS_OF) == []


def test_a_guide_lacking_two_classes_is_one_finding_naming_them():
    (finding,) = service_guide(crawl(page(LACKING_TWO), unit="行政审批科"), PROFILE, AS_OF)
    assert (finding.check, finding.subtype, finding.severity) == (
        "service_guide",
        "missing_elements",
        "medium",
    )
    assert (finding.url, finding.page, finding.pages) == (GUIDE, GUIDE, (GUIDE,))
    assert (finding.column, finding.unit) == ("办事指南", "行政审批科")
    assert finding.evidence["missing"] == ["设定依据", "办理时间"]  # the note's order
    assert finding.evidence["missing_en"] == ["legal basis", "office hours"]
    assert finding.evidence["empty"] == ["办理时间"]  # labelled, nothing after the label
    assert finding.key == GUIDE
    assert (
        messages.title("service_guide", finding.subtype, finding.evidence)
        == "办事指南要素缺失 — 缺少：设定依据、办理时间"
    )
    assert messages.title("service_guide", finding.subtype, finding.evidence, "en") == (
        "Service guide (办事指南) lacks elements: legal basis, office hours"
    )
    assert "八类要素" in messages.how_to_fix("service_guide")


# (id, page title, its column's name, page meta, is it judged a guide)
CONTEXTS = [
    ("guide-column", "道路旅客运输经营许可", "办事指南", {}, True),
    ("service-section-column", "道路旅客运输经营许可", "办事服务", {}, True),
    ("guide-title-anywhere", "道路旅客运输经营许可办事指南", "行政许可", {}, True),
    ("matter-guide-title", "建筑垃圾处置核准许可指南", "通知公告", {}, True),
    (
        "breadcrumb-says-guides",
        "道路旅客运输经营许可",
        "其他",
        {"breadcrumb": ["首页", "办事服务", "行政许可"]},
        True,
    ),
    ("meta-column-says-guides", "道路旅客运输经营许可", "其他", {"ColumnName": "服务指南"}, True),
    ("no-guide-in-column-or-title", "道路旅客运输经营许可", "通知公告", {}, False),
    ("disclosure-guide", "政府信息公开指南", "政府信息公开指南", {}, False),
    ("disclosure-guide-in-service-column", "依申请公开指南", "办事服务", {}, False),
    ("disclosure-application-guide", "政府信息公开申请指南", "办事服务", {}, False),
    (
        "platform-name-in-title-and-column",
        "道路旅客运输经营许可办事指南_邯郸市政府信息公开",
        "邯郸市政府信息公开",
        {},
        True,
    ),
    ("interpretation", "《道路旅客运输经营许可办事指南》政策解读", "办事指南", {}, False),
    ("news-about-a-guide", "我市发布道路运输办事指南", "工作动态", {}, False),
    ("travel-guide", "春节出行指南", "通知公告", {}, False),
]


@pytest.mark.parametrize(
    ("title", "column_name", "meta", "judged"),
    [c[1:] for c in CONTEXTS],
    ids=[c[0] for c in CONTEXTS],
)
def test_a_page_structured_like_a_guide_is_one_by_its_column_or_title(
    title, column_name, meta, judged
):
    data = crawl(page(LACKING_TWO, title=title, **meta), column_name=column_name)
    assert len(service_guide(data, PROFILE, AS_OF)) == (1 if judged else 0)


# (id, structure, missing)
STRUCTURES = [
    ("unlabelled-and-empty-are-missing", GuideStructure(present=("事项名称", "申请条件", "办理材料", "办理流程"), empty=("办理地点",)),
     ["设定依据", "办理地点", "办理时间", "联系电话"]),
    ("left-to-a-script-is-not-judged", GuideStructure(present=("事项名称", "申请条件", "办理材料"), unrendered=("设定依据", "办理流程")),
     ["办理地点", "办理时间", "联系电话"]),
    ("nothing-shown-is-not-judged", GuideStructure(present=(), empty=("办理地点",), unrendered=("设定依据", "申请条件", "办理材料")), None),
    ("too-few-classes-is-no-guide", GuideStructure(present=("申请条件", "办理材料")), None),
    ("too-few-core-classes-is-no-guide", GuideStructure(present=("事项名称", "办理地点", "联系电话", "办理材料")), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("structure", "missing"), [c[1:] for c in STRUCTURES], ids=[c[0] for c in STRUCTURES]
)
def test_missing_classes(structure, missing):
    findings = service_guide(crawl(page(structure)), PROFILE, AS_OF)
    assert [f.evidence["missing"] for f in findings] == ([missing] if missing else [])


def test_one_guide_under_two_spellings_of_its_address_is_one_finding():
    other = "HTTPS://JTJ.example.gov.cn:443/bsfw/bszn/202611/t20261118_301.html#top"
    assert guide_key(other) == GUIDE
    findings = service_guide(crawl(page(LACKING_TWO), page(LACKING_TWO, url=other)), PROFILE, AS_OF)
    assert [f.key for f in findings] == [GUIDE]


def test_pages_without_a_record_or_with_a_broken_one_are_ignored():
    pages = (
        page(None),
        page(None, url=GUIDE + "?a", guide="not a record"),
        page(None, url=GUIDE + "?b", guide={"present": "x"}),
    )
    assert service_guide(crawl(*pages), PROFILE, AS_OF) == []


# -- scoring: the 普查 rule ----------------------------------------------------------------------


def guide_finding(n, *missing):
    return Finding("service_guide", "missing_elements", "medium", f"{GUIDE}?{n}", key=str(n),
                   evidence={"missing": list(missing)})  # fmt: skip


SCORING = [
    ("one-guide-two-classes", [guide_finding(1, "设定依据", "办理时间")], 4.0),
    ("three-guides-one-class", [guide_finding(n, "设定依据") for n in range(3)], 2.0),
    ("classes-counted-once-across-guides", [guide_finding(1, "设定依据", "办理时间"), guide_finding(2, "办理时间", "联系电话")], 6.0),
    ("every-class-missing-somewhere", [guide_finding(1, *ALL[:5]), guide_finding(2, *ALL[3:]), guide_finding(3, *ALL)], 16.0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("findings", "points"), [c[1:] for c in SCORING], ids=[c[0] for c in SCORING]
)
def test_two_points_per_class_missing_anywhere_at_most_sixteen(findings, points):
    data = CrawlData("站", (SITE,), ("example.gov.cn",), NOW)
    result = score(findings, data, ScoringConfig(), AS_OF)
    (row,) = result["deductions"]
    assert row == {"check": "service_guide", "count": len(findings), "points": points}
    assert result["points"] == 100.0 - points


def test_the_points_per_class_are_the_profiles_to_change():
    data = CrawlData("站", (SITE,), ("example.gov.cn",), NOW)
    config = ScoringConfig(deductions={"service_guide": 3.0})
    result = score([guide_finding(1, "设定依据", "办理时间")] * 2, data, config, AS_OF)
    assert result["deductions"][0]["points"] == 6.0


# -- precision on real pages -------------------------------------------------------------------


def test_real_government_pages_hold_no_guide(real_pages):
    """Fourteen published pages — a disclosure home, a 政府信息公开指南 column, lists, articles,
    statistical bulletins — none a 办事指南: no page passes the cheap test, no page is structured
    like a guide even when read anyway, and the check finds nothing."""
    pages, passed, structured = [], 0, 0
    for index, path in enumerate(sorted(real_pages.glob("*.html"))):
        url = f"https://real.example.gov.cn/{index}.html"
        html = path.read_text(encoding="utf-8")
        doc = parse_html(html, url)
        meta = extract_meta(doc)
        record = read_guide(doc)
        passed += might_be_guide(html)
        structured += record is not None
        kept: dict[str, object] = dict(meta.meta, breadcrumb=meta.breadcrumb)
        if record is not None:
            kept["guide"] = record.to_meta()
        pages.append(PageView(url, url, "article", 200, meta.title, None, None, None, kept))
    data = CrawlData("站", (pages[0].url,), ("example.gov.cn",), NOW, pages=tuple(pages))
    assert (len(pages), passed, structured) == (14, 0, 0)
    assert service_guide(data, PROFILE, AS_OF) == []


def test_the_real_disclosure_guide_is_not_a_service_guide_even_if_it_were_structured_like_one(
    real_pages,
):
    """02 is a 政府信息公开指南 column: whatever its structure, its title and column say it is a
    disclosure guide, never a 办事指南."""
    url = "https://real.example.gov.cn/gkzn/"
    doc = parse_html((real_pages / "02-handan-xxgk-guide.html").read_text(encoding="utf-8"), url)
    meta = extract_meta(doc)
    kept = dict(meta.meta, breadcrumb=meta.breadcrumb, guide=LACKING_TWO.to_meta())
    guide_column = ColumnView(url, "办事服务", None, None, "navigation", 84, None, 1)
    data = CrawlData("站", (url,), ("example.gov.cn",), NOW, columns=(guide_column,),
                     pages=(PageView(url, url, "list", 200, meta.title, url, None, None, kept),))  # fmt: skip
    assert meta.meta["ColumnName"] == "政府信息公开指南"
    assert service_guide(data, PROFILE, AS_OF) == []
