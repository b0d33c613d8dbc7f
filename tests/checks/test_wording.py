"""wording_error: the shipped list, user rules, and what must not be flagged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from checks import messages
from checks.config import ChecksConfig, CheckSettings, WordingRule
from checks.model import CrawlData, PageView
from checks.wording import CONTEXT, shipped_rules, wording_errors
from crawler.parsing.document import parse_html, visible_text

PAGE = "https://jtj.example.gov.cn/xwdt/t20261015_1.html"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()


def page(url=PAGE, role="article", title="工作动态"):
    return PageView(url, url, role, 200, title, None, None, None, {})


def crawl(text, title="工作动态", role="article"):
    return CrawlData(
        "站",
        ("https://jtj.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        pages=(page(role=role, title=title),),
        texts={PAGE: text},
    )


def with_wording(**wording):
    return CheckSettings(checks=ChecksConfig.model_validate({"wording": wording}))


CASES = [
    # (id, text, title, role, expected [(wrong, severity, count)])
    (
        "serious-in-text",
        "深入学习贯彻习近平新时代中国特色主义思想，推动交通运输高质量发展。",
        "工作动态",
        "article",
        [("习近平新时代中国特色主义思想", "high", 1)],
    ),
    (
        "serious-in-title",
        "正文无误。",
        "学习贯彻党的二十大三中全会精神",
        "article",
        [("二十大三中全会", "high", 1)],
    ),
    (
        "split-by-markup-whitespace",
        "坚持全面从 紧治党，把纪律挺在前面",
        "工作动态",
        "list",
        [("全面从紧治党", "high", 1)],
    ),
    (
        "miswriting-twice",
        "再接再励，推进工作。全体干部再接再励。",
        "工作动态",
        "home",
        [("再接再励", "medium", 2)],
    ),
    (
        "title-and-text-counted-together",
        "中国共惨党",
        "中国共惨党",
        "article",
        [("中国共惨党", "high", 2)],
    ),
    (
        "correct-formulations",
        "以习近平同志为核心的党中央；习近平新时代中国特色社会主义思想；党的二十届三中全会；"
        "全面从严治党；不忘初心、牢记使命；中华人民共和国；全国人民代表大会常务委员会；"
        "中国人民政治协商会议全国委员会；厉行节约；党风廉政建设；乡村振兴；营商环境",
        "工作动态",
        "article",
        [],
    ),
    ("fabu-shuming-is-not-bushu", "在人民日报发布署名文章", "工作动态", "article", []),
    ("quoted-taiwan-title", "台湾地区领导人，所谓台湾“总统”", "工作动态", "article", []),
    ("an-zhuangxiu-is-not-listed", "按装修面积计算补贴", "工作动态", "article", []),
    ("jiezhi-jiezhi-not-judged", "截至10月底，报名截止日期为11月1日", "工作动态", "article", []),
    ("attachments-are-not-scanned", "中国共惨党", "附件", "attachment", []),
]


@pytest.mark.parametrize(
    ("text", "title", "role", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_shipped_rules(text, title, role, expected):
    found = wording_errors(crawl(text, title, role), PROFILE, AS_OF)
    assert [(f.evidence["wrong"], f.severity, f.evidence["count"]) for f in found] == expected
    for finding in found:
        wrong = finding.evidence["wrong"]
        assert (finding.url, finding.page, finding.key) == (PAGE, PAGE, f"{PAGE}|{wrong}")
        assert wrong in finding.evidence["context"] and len(finding.evidence["context"]) <= CONTEXT
        assert finding.evidence["serious"] == (finding.severity == "high")
        assert finding.subtype == (
            "serious_misstatement" if finding.severity == "high" else "miswriting"
        )


def test_context_is_the_snippet_around_the_first_match():
    text = "一" * 40 + "坚持工作布署不动摇" + "二" * 40 + "工作布署"
    [finding] = wording_errors(crawl(text), PROFILE, AS_OF)
    assert finding.evidence["context"] == "一" * 11 + "坚持工作布署不动摇" + "二" * 10
    assert finding.evidence["right"] == "工作部署" and finding.evidence["count"] == 2


USER = [
    # (id, wording config, text, expected [(wrong, severity)])
    ("ignore-drops-a-shipped-rule", {"ignore": ["再接再励"]}, "再接再励", []),
    (
        "extra-adds-a-rule",
        {"extra": [{"wrong": "辽原市", "right": "辽源市", "severity": "medium"}]},
        "辽原市交通运输局",
        [("辽原市", "medium")],
    ),
    (
        "extra-overrides-a-shipped-rule",
        {"extra": [{"wrong": "再接再励", "right": "再接再厉", "severity": "low"}]},
        "再接再励",
        [("再接再励", "low")],
    ),
    (
        "extra-defaults-to-serious",
        {"extra": [{"wrong": "国务阮", "right": "国务院"}]},
        "国务阮办公厅",
        [("国务阮", "high")],
    ),
    (
        "wrong-inside-right-is-not-flagged",
        {"extra": [{"wrong": "中华人民共和", "right": "中华人民共和国"}]},
        "中华人民共和国成立",
        [],
    ),
    (
        "wrong-outside-right-is-flagged",
        {"extra": [{"wrong": "中华人民共和", "right": "中华人民共和国"}]},
        "中华人民共和国成立；中华人民共和成立七十五周年",
        [("中华人民共和", "high")],
    ),
]


@pytest.mark.parametrize(
    ("wording", "text", "expected"), [u[1:] for u in USER], ids=[u[0] for u in USER]
)
def test_user_rules(wording, text, expected):
    found = wording_errors(crawl(text), with_wording(**wording), AS_OF)
    assert [(f.evidence["wrong"], f.severity) for f in found] == expected
    if expected:
        assert found[0].evidence["count"] == 1


BAD_RULES = [
    ("empty-wrong", {"wrong": "", "right": "x"}),
    ("one-character-wrong", {"wrong": "党", "right": "党"}),
    ("unknown-severity", {"wrong": "辽原市", "right": "辽源市", "severity": "critical"}),
]


@pytest.mark.parametrize("rule", [b[1] for b in BAD_RULES], ids=[b[0] for b in BAD_RULES])
def test_bad_user_rules_are_profile_errors(rule):
    with pytest.raises(ValidationError):
        WordingRule.model_validate(rule)


def test_the_shipped_list_is_documented_and_self_consistent():
    rules = shipped_rules()
    assert len(rules) >= 30
    assert len({r.wrong for r in rules}) == len(rules)
    assert all(r.note and r.severity in ("high", "medium") for r in rules)
    rights = "；".join(r.right for r in rules)
    assert [r.wrong for r in rules if r.wrong in rights] == []  # correct text is never flagged


def test_real_government_pages_have_no_shipped_wording_error(real_pages):
    """Precision on real text: fourteen published pages, none with a listed error."""
    pages, texts = [], {}
    for index, path in enumerate(sorted(real_pages.glob("*.html"))):
        url = f"https://real.example.gov.cn/{index}.html"
        doc = parse_html(path.read_text(encoding="utf-8"), url)
        pages.append(page(url, title=doc.findtext(".//title") or ""))
        texts[url] = visible_text(doc)
    data = CrawlData(
        "站", (pages[0].url,), ("example.gov.cn",), NOW, pages=tuple(pages), texts=texts
    )
    assert len(pages) == 14 and sum(map(len, texts.values())) > 20_000
    assert wording_errors(data, PROFILE, AS_OF) == []


def test_titles():
    evidence = {"wrong": "全面从紧治党", "right": "全面从严治党"}
    assert messages.title("wording_error", "serious_misstatement", evidence) == (
        "严重表述错误：“全面从紧治党”应为“全面从严治党”"
    )
    assert messages.title("wording_error", "miswriting", evidence, "en") == (
        "Miswriting: '全面从紧治党' should read '全面从严治党'"
    )


def test_wording_finding_names_its_column_and_unit():
    from datetime import UTC, date, datetime

    from checks.model import ColumnView, CrawlData, PageView
    from checks.wording import wording_errors

    url = "https://a.gov.cn/tzgg/t1.html"
    page = PageView(url, url, "article", 200, "通知", "https://a.gov.cn/tzgg/", None, None, {})
    column = ColumnView(
        "https://a.gov.cn/tzgg/", "通知公告", None, "办公室", "navigation", 1, None, 1
    )
    data = CrawlData(
        "站", ("https://a.gov.cn/",), ("a.gov.cn",), datetime.now(UTC),
        pages=(page,), columns=(column,), texts={url: "认真做好工作布署。"},
    )  # fmt: skip
    found = wording_errors(data, CheckSettings(), date(2026, 11, 20))
    assert [(f.column, f.unit) for f in found] == [("通知公告", "办公室")]
