"""wording_error: the shipped list, user rules, and what must not be flagged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from checks import messages
from checks.config import WORDING_CATEGORIES, ChecksConfig, CheckSettings, WordingRule
from checks.model import CrawlData, PageView
from checks.wording import CONTEXT, HISTORY, NEAR, shipped_rules, wording_errors
from crawler.parsing.dates import article_date
from crawler.parsing.document import parse_html, visible_text

PAGE = "https://jtj.example.gov.cn/xwdt/t20261015_1.html"
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
PROFILE = CheckSettings()


def page(url=PAGE, role="article", title="工作动态", published=None):
    return PageView(url, url, role, 200, title, None, published, None, {})


def crawl(text, title="工作动态", role="article", published=None):
    return CrawlData(
        "站",
        ("https://jtj.example.gov.cn/",),
        ("example.gov.cn",),
        NOW,
        pages=(page(role=role, title=title, published=published),),
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


LAW = "依据《中华人民共和国合同法》第五十二条认定合同无效。"
LAND = "国土资源部印发通知，要求加强耕地保护。"
BEFORE_2016 = "坚决维护以习近平同志为总书记的党中央权威。"
IN_2024, IN_2016 = date(2024, 5, 6), date(2016, 5, 6)

# Each category: what it reports, and the look-alikes it must leave alone (the right form, a
# quoted or cited form, a historical page, a correct word that holds the wrong string).
DATED = [
    # (id, text, published, expected [(wrong, severity, category)])
    ("formulation-replaced-2016", BEFORE_2016, IN_2024,
     [("以习近平同志为总书记的党中央", "high", "党和国家重要表述")]),
    ("formulation-of-its-time", BEFORE_2016, date(2015, 6, 1), []),
    ("formulation-undated-page", BEFORE_2016, None, []),
    ("conventional-quotes-do-not-excuse", "深入开展“两学一作”学习教育。", None,
     [("两学一作", "high", "党和国家重要表述")]),
    ("quoted-taiwan-government-is-cited", "岛内所谓“台湾政府”的说法。", None, []),
    ("taiwan-government-unquoted", "台湾政府宣布", None,
     [("台湾政府", "high", "党和国家重要表述")]),
    ("road-name-and-area", "中山一路一带实行交通管制。", None, []),
    ("belt-and-road-reversed", "共建“一路一带”高质量发展。", None,
     [("“一路一带”", "high", "党和国家重要表述")]),
    ("japanese-one-country-two-systems", "「一国二制度」の下で", None, []),
    ("law-title-fa-for-fa", "依据《中华人民共和国安全生产发》第二十条。", None,
     [("安全生产发》", "medium", "法律法规名称")]),
    ("law-title-one-finding-per-error", "印发《辽源市道路运输管理条列》的通知", None,
     [("管理条列", "medium", "法律法规名称")]),
    ("article-lists-is-not-tiaolie", "有本条例第三条列举情形之一的，不予许可。", None, []),
    ("document-number-is-not-banfa", "（辽政办发〔2024〕12号）", None, []),
    ("legal-aid-is-not-a-law-title", "加强残疾人保护法律援助工作。", None, []),
    ("right-law-title", "《中华人民共和国政府信息公开条例》第二十条", None, []),
    ("repealed-law-cited", LAW, IN_2024,
     [("《中华人民共和国合同法》", "medium", "已废止的法律法规")]),
    ("repealed-law-before-repeal", LAW, date(2019, 5, 6), []),
    ("repealed-law-as-former", "原《合同法》第五十二条", IN_2024, []),
    ("repeal-explained", "《中华人民共和国民法典》自2021年1月1日起施行，"
     "《中华人民共和国婚姻法》《中华人民共和国合同法》同时废止。", IN_2024, []),
    ("repealed-law-in-history", "2015年依据《合同法》签订的协议继续履行。", IN_2024, []),
    ("institution-after-reform", LAND, IN_2024, [("国土资源部", "medium", "机构改革后名称")]),
    ("institution-before-reform", LAND, IN_2016, []),
    ("institution-undated-page", LAND, None, []),
    ("institution-day-before-takeover", LAND, date(2018, 4, 9), []),
    ("institution-on-takeover-day", LAND, date(2018, 4, 10),
     [("国土资源部", "medium", "机构改革后名称")]),
    ("institution-as-former", "原国土资源部的相关职责", IN_2024, []),
    ("institution-generic-department", "各级国土资源部门要加强耕地保护。", IN_2024, []),
    ("institution-in-document-title", "《国土资源部关于加强耕地保护的通知》继续执行。",
     IN_2024, []),
    ("institution-regulation-number", "《土地调查条例实施办法》（国土资源部令第45号）",
     IN_2024, []),
    ("institution-history-with-year", "2007年5月8日，该景区经国家旅游局批准为国家5A级旅游景区。",
     IN_2024, []),
    ("institution-foreign-ministry", "美国农业部发布月度供需报告。", IN_2024, []),
    ("institution-reform-explained", "将国土资源部的职责整合，组建自然资源部。", IN_2024, []),
    ("miswriting-slack", "个别党员纪律松驰。", None, [("松驰", "medium", "常见错别字")]),
    ("galloping-is-not-slack", "运动员轻松驰骋在赛道上。", None, []),
    ("household-register", "办理户藉迁移手续。", None, [("户藉", "medium", "常见错别字")]),
    ("by-this-means-is-not-household", "用户藉此可以在线办理。", None, []),
    ("codification-reform-is-not-tampering", "推进法典编纂改革。", None, []),
    ("severe-work-is-not-completion", "面对严峻工作形势。", None, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "published", "expected"), [d[1:] for d in DATED], ids=[d[0] for d in DATED]
)
def test_categories_and_their_look_alikes(text, published, expected):
    found = wording_errors(crawl(text, published=published), PROFILE, AS_OF)
    assert [(f.evidence["wrong"], f.severity, f.evidence["category_name"]) for f in found] == (
        expected
    )
    for finding in found:
        assert finding.evidence["list"] == "shipped" and finding.evidence["count"] == 1
        name = WORDING_CATEGORIES[finding.evidence["category"]][0]
        assert name == finding.evidence["category_name"]


def test_institution_evidence_names_the_reform():
    [finding] = wording_errors(crawl(LAND, published=IN_2024), PROFILE, AS_OF)
    assert finding.evidence["right"] == "自然资源部"
    assert finding.evidence["category"] == "institution"
    assert finding.evidence["category_name"] == "机构改革后名称"
    assert "2018年4月10日" in finding.evidence["note"]
    assert finding.evidence["source"].startswith("《国务院机构改革方案》（2018年3月17日")


@pytest.mark.parametrize(
    ("gap", "reported"), [(NEAR - 2, False), (NEAR - 1, True)], ids=["within", "beyond"]
)
def test_words_about_the_change_count_within_near(gap, reported):
    text = (
        "国土资源部" + "〇" * gap + "组建"
    )  # 组建 ends NEAR characters after the match, or one more
    found = wording_errors(crawl(text, published=IN_2024), PROFILE, AS_OF)
    assert bool(found) is reported


@pytest.mark.parametrize(
    ("gap", "reported"), [(HISTORY - 5, False), (HISTORY - 4, True)], ids=["within", "beyond"]
)
def test_an_earlier_year_tells_history_within_its_reach(gap, reported):
    text = (
        "2016年" + "〇" * gap + "国土资源部印发通知。"
    )  # the year starts HISTORY before, or one more
    found = wording_errors(crawl(text, published=IN_2024), PROFILE, AS_OF)
    assert bool(found) is reported


def test_each_shipped_wording_gives_one_finding_of_its_own():
    """Written alone on a current page, every listed wording is reported once, by its own rule:
    no rule hides inside another's text, and no rule's guard excuses its plain form."""
    wrong_ones = []
    for rule in shipped_rules():
        found = wording_errors(crawl(f"经查{rule.wrong}等", published=IN_2024), PROFILE, AS_OF)
        if [f.evidence["wrong"] for f in found] != [rule.wrong]:
            wrong_ones.append((rule.wrong, [f.evidence["wrong"] for f in found]))
    assert wrong_ones == []


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
        "overlapping-and-prefix-rules-all-found",
        {"extra": [{"wrong": w, "right": "正"} for w in ("甲乙丙", "乙丙丁", "甲乙")]},
        "甲乙丙丁",
        [("甲乙丙", "high"), ("乙丙丁", "high"), ("甲乙", "high")],
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
    assert 150 <= len(rules) <= 250
    assert len({r.wrong for r in rules}) == len(rules)
    assert all(r.note and r.category and r.severity in ("high", "medium") for r in rules)
    per_category = {c: sum(r.category == c for r in rules) for c in WORDING_CATEGORIES}
    assert per_category == {
        "formulation": 73, "law_title": 31, "repealed_law": 27, "institution": 31, "miswriting": 88,
    }  # fmt: skip
    # a 严重表述错误 is a Party or state formulation; the rest are listed errors
    assert {r.category for r in rules if r.severity == "high"} == {"formulation"}
    # a name or law replaced on a day: that day, and the official text saying so
    dated = [r for r in rules if r.category in ("institution", "repealed_law")]
    assert all(r.since and r.source or r.wrong == "中国铁路总公司" for r in dated)
    assert all(str(r.since.year) in (r.note or "") for r in dated if r.since)
    rights = "；".join(r.right for r in rules)
    assert [r.wrong for r in rules if r.wrong in rights] == []  # correct text is never flagged


def _real_crawl(real_pages, dated_today=False):
    pages, texts = [], {}
    for path in sorted(real_pages.glob("*.html")):
        url = f"https://real.example.gov.cn/{path.stem}.html"
        doc = parse_html(path.read_text(encoding="utf-8"), url)
        dated = article_date(doc, url)  # as the crawler dates it: None on home and list pages
        published = AS_OF if dated_today else dated.date if dated else None
        pages.append(page(url, title=doc.findtext(".//title") or "", published=published))
        texts[url] = visible_text(doc)
    return CrawlData(
        "站", (pages[0].url,), ("example.gov.cn",), NOW, pages=tuple(pages), texts=texts
    )


def test_real_government_pages_have_no_shipped_wording_error(real_pages):
    """Precision on real text: fourteen published pages, each judged at its own publication
    date by the whole list, none with a listed error."""
    data = _real_crawl(real_pages)
    assert len(data.pages) == 14 and sum(map(len, data.texts.values())) > 20_000
    assert sum(p.pub_date is not None for p in data.pages) == 8
    assert wording_errors(data, PROFILE, AS_OF) == []


def test_real_pages_dated_today_show_only_the_old_regulator_in_their_link_lists(real_pages):
    """Were the same pages published today, the only finding would be the 2018–2023 name of
    the banking regulator in the ministries' link lists of 2019–2020: right when saved, out of
    date now. What keeps it from being reported on the real pages is their date."""
    found = wording_errors(_real_crawl(real_pages, dated_today=True), PROFILE, AS_OF)
    assert sorted((f.url.rsplit("/", 1)[1], f.evidence["wrong"]) for f in found) == [
        ("01-handan-xxgk-home.html", "中国银行保险监督管理委员会"),
        ("03-handan-jqxxgk-list.html", "中国银行保险监督管理委员会"),
        ("12-shanxi-gov-article-detail.html", "中国银行保险监督管理委员会"),
    ]


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
