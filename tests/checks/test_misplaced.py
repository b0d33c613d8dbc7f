"""misplaced_content (内容混杂): clear cases flagged, ambiguous ones left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from checks import messages
from checks.config import CheckSettings
from checks.misplaced import MisplacedRule, misplaced_content, shipped_rules
from checks.model import ColumnView, CrawlData, ListItemView
from crawler.parsing.document import parse_html
from crawler.parsing.listing import extract_list_items
from crawler.parsing.navigation import column_name

COLUMN = "https://xxgk.example.gov.cn/col/"
ITEM = "https://xxgk.example.gov.cn/col/202610/t20261015_1.html"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()


def column(name, url=COLUMN, unit=None):
    return ColumnView(url, name, None, unit, "nav", 1, None, 1)


def crawl(columns, items):
    return CrawlData(
        "站",
        ("https://jtj.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        columns=tuple(columns),
        list_items=tuple(items),
    )


def item(title, url=ITEM, column_url=COLUMN):
    return ListItemView(column_url, url, title, None)


CASES = [
    # (id, column name, item title, expected rule or None)
    ("budget-meeting", "部门预算决算", "局党组召开专题会议研究部署安全生产工作", "budget_activity"),
    ("budget-visit", "财政预决算", "局领导赴基层慰问困难群众", "budget_activity"),
    ("budget-item-is-fine", "部门预算决算", "2026年部门预算", None),
    ("budget-meeting-notice-is-ambiguous", "部门预算", "关于召开预算编制会议的通知", None),
    (
        "news-mentioning-final-accounts",
        "工作动态",
        "市交通运输局完成2025年度部门决算编报工作",
        None,
    ),
    ("budget-document-in-news-column", "新闻动态", "辽源市交通运输局2026年部门预算", None),
    ("finance-news-column-is-news", "财政动态", "召开全市财政工作会议", None),
    (
        "meeting-in-annual-report",
        "信息公开年报",
        "示范区召开2020年度工作会议",
        "annual_report_activity",
    ),
    ("feature-in-annual-report", "年报", "一图读懂示范区2017年重点工作", "annual_report_only"),
    ("annual-report-is-fine", "政府信息公开年报", "某局2025年政府信息公开工作年度报告", None),
    ("older-report-naming", "年度报告", "某局关于2012年政府信息公开工作情况的报告", None),
    ("truncated-title-cannot-tell", "信息公开年报", "鄂尔多斯市2019年政府信息公开工作年...", None),
    ("statistics-yearbook-column", "统计年报", "2025年国民经济和社会发展统计公报", None),
    ("tender-in-personnel", "人事信息", "办公楼维修改造项目中标公告", "personnel_procurement"),
    ("recruitment-in-personnel", "人事信息", "2026年公开招聘事业单位工作人员公告", None),
    ("recruitment-service-tender", "人事信息", "招聘服务外包采购项目中标公告", None),
    ("appointment-in-procurement", "政府采购", "关于张某某同志任职的通知", "procurement_personnel"),
    ("tender-in-procurement", "政府采购", "办公设备采购项目成交公告", None),
    (
        "visit-in-policy-documents",
        "规范性文件",
        "市长带队赴企业调研走访",
        "policy_document_activity",
    ),
    ("meeting-notice-in-policy-documents", "政策文件", "关于召开全市交通工作会议的通知", None),
    ("interpretation-column-not-judged", "政策解读", "召开新闻发布会解读新政策", None),
]


@pytest.mark.parametrize(
    ("name", "title", "rule"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rules(name, title, rule):
    found = misplaced_content(crawl([column(name, unit="办公室")], [item(title)]), PROFILE, AS_OF)
    assert [f.subtype for f in found] == ([rule] if rule else [])
    if rule:
        finding = found[0]
        assert (finding.url, finding.key, finding.column, finding.unit) == (
            ITEM,
            f"{COLUMN}|{ITEM}",
            name,
            "办公室",
        )
        assert (finding.page, finding.pages) == (COLUMN, (COLUMN,))
        assert finding.evidence["rule"] == rule and finding.evidence["item_title"] == title
        assert finding.evidence["reason"] and finding.evidence["reason_en"]
        assert finding.severity == "medium"


def test_the_deciding_word_is_named():
    data = crawl([column("部门预算")], [item("局党组召开专题会议")])
    [finding] = misplaced_content(data, PROFILE, AS_OF)
    assert finding.evidence["matched"] == "召开"
    assert messages.title("misplaced_content", finding.subtype, finding.evidence) == (
        "“部门预算”栏目内容混杂：会议、调研、慰问等工作动态不属于预决算公开栏目"
    )


def test_an_item_listed_twice_is_one_finding_and_unknown_columns_are_skipped():
    other_column = "https://xxgk.example.gov.cn/other/"
    items = [
        item("局党组召开专题会议"),
        item("局党组召开专题会议"),
        item("局党组召开专题会议", column_url=other_column),
    ]
    found = misplaced_content(crawl([column("部门预算")], items), PROFILE, AS_OF)
    assert [f.key for f in found] == [f"{COLUMN}|{ITEM}"]


BAD_RULES = [
    ("both-tests", {"foreign": ["召开"], "only_own": True, "own": ["年报"]}),
    ("no-test", {}),
    ("only-own-without-own", {"only_own": True}),
    ("bad-id", {"id": "Budget Rule", "foreign": ["召开"]}),
]


@pytest.mark.parametrize("fields", [b[1] for b in BAD_RULES], ids=[b[0] for b in BAD_RULES])
def test_rule_table_validation(fields):
    base = {"id": "r", "columns": ["预算"], "reason": "理由", "reason_en": "why"}
    with pytest.raises(ValidationError):
        MisplacedRule.model_validate({**base, **fields})


def test_shipped_rules_load():
    assert {r.id for r in shipped_rules()} == {
        "budget_activity",
        "annual_report_activity",
        "annual_report_only",
        "personnel_procurement",
        "procurement_personnel",
        "policy_document_activity",
    }


def test_real_annual_report_column(real_pages):
    """Page 05: a 信息公开年报 column with meeting news and features among its reports."""
    url = "https://www.ordos.gov.cn/xxgk/xxgknb/"
    doc = parse_html(
        (real_pages / "05-ordos-engebei-xxgknb-list.html").read_text(encoding="utf-8"), url
    )
    entries = extract_list_items(doc, url)
    data = crawl(
        [column(column_name(doc) or "", url)],
        [item(e.title, e.url, url) for e in entries],
    )
    found = {f.evidence["item_title"]: f.subtype for f in misplaced_content(data, PROFILE, AS_OF)}
    assert found == {
        "恩格贝生态示范区召开2020年度工作会暨党风廉政建设会议": "annual_report_activity",
        "恩格贝生态示范区召开目标责任制考核表彰大会": "annual_report_activity",
        "恩格贝生态示范区召开2018年度工作会议暨党风廉政建设会议": "annual_report_activity",
        "恩格贝生态示范区：栽下梧桐引凤来": "annual_report_only",
        "一图读懂示范区2017年重点工作": "annual_report_only",
        "2016，恩格贝，精彩继续！": "annual_report_only",
    }
    assert len(entries) == 10  # the four annual reports are not flagged
