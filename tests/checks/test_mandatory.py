"""missing_mandatory (法定主动公开内容) and its rule packs, over hand-made crawl data."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks import messages
from checks.config import ChecksConfig, CheckSettings
from checks.errors import CheckConfigError
from checks.mandatory import missing_mandatory, not_yet_due, years_in
from checks.model import ColumnView, CrawlData, ListItemView, PageView
from checks.rules import RulePackError, load_rules, rules_for, shipped_packs

AS_OF = date(2026, 11, 20)
HOME = "https://jtj.example.gov.cn/"
XXGK = "https://xxgk.example.gov.cn/"
ROOT = "https://jtj.example.gov.cn/"


def column(name, key, unit=None):
    return ColumnView(XXGK + key + "/", name, None, unit, "navigation", 3, None, 1)


def item(key, title, list_date=None, n=None):
    n = n if n is not None else abs(hash(title)) % 100000
    return ListItemView(XXGK + key + "/", f"{XXGK}{key}/t_{n}.html", title, list_date)


COLUMNS = [
    column("政策文件", "zcwj"),
    column("机构职能", "jgzn"),
    column("人事信息", "rsxx"),
    column("政府信息公开指南", "xxgkzn"),
    column("政府信息公开年报", "xxgknb"),
    column("财政预决算", "czyjs", unit="财务科"),
    column("权责清单", "qzqd"),
]
ANNUAL_2025 = item("xxgknb", "辽源市交通运输局2025年政府信息公开工作年度报告", date(2026, 1, 24))
ANNUAL_2024 = item("xxgknb", "辽源市交通运输局2024年政府信息公开工作年度报告", date(2025, 1, 20))
BUDGET_2026 = item("czyjs", "辽源市交通运输局2026年部门预算公开", date(2026, 3, 20))
BUDGET_2025 = item("czyjs", "辽源市交通运输局2025年部门预算公开", date(2025, 3, 20))
FINAL_2025 = item("czyjs", "辽源市交通运输局2025年度部门决算公开", date(2026, 9, 10))
FINAL_2024 = item("czyjs", "辽源市交通运输局2024年度部门决算公开", date(2025, 9, 10))
PLAN = item("zcwj", "辽源市城市公共交通发展规划（2026—2030年）", date(2026, 5, 1))
COMPLETE = [ANNUAL_2025, ANNUAL_2024, BUDGET_2026, BUDGET_2025, FINAL_2025, FINAL_2024, PLAN]


def crawl(columns=COLUMNS, items=COMPLETE, pages=()):
    return CrawlData(
        "辽源市交通运输局",
        (HOME + "index.html",),
        ("example.gov.cn",),
        datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        columns=tuple(columns),
        list_items=tuple(items),
        pages=tuple(pages),
    )


def profile(packs=("department",), **mandatory):
    checks = {"mandatory": {"packs": list(packs), **mandatory}}
    return CheckSettings(checks=ChecksConfig.model_validate(checks))


DEPARTMENT = profile()


def without(*removed):
    return [i for i in COMPLETE if i not in removed]


def plus(*added, removed=()):
    return without(*removed) + list(added)


# (id, as_of, items, columns, expected [(subtype, key)])
CASES = [
    ("complete", AS_OF, COMPLETE, COLUMNS, []),
    ("annual-report-missing", AS_OF, without(ANNUAL_2025), COLUMNS,
     [("overdue", "annual_report|2025")]),
    ("annual-report-not-yet-due-in-january", date(2027, 1, 20), COMPLETE, COLUMNS, []),
    ("annual-report-due-day-is-not-late", date(2027, 1, 31), COMPLETE, COLUMNS, []),
    ("annual-report-late-the-day-after", date(2027, 2, 1), COMPLETE, COLUMNS,
     [("overdue", "annual_report|2026")]),
    ("january-still-needs-last-cycle", date(2027, 1, 20), without(ANNUAL_2025), COLUMNS,
     [("overdue", "annual_report|2025")]),
    ("annual-report-as-年报", AS_OF,
     plus(item("xxgknb", "2025年度政务公开年报"), removed=[ANNUAL_2025]), COLUMNS, []),
    ("annual-report-with-spaces-and-quotes", AS_OF,
     plus(item("xxgknb", "“2025 年”政府信息公开工作 年度报告"), removed=[ANNUAL_2025]),
     COLUMNS, []),
    ("other-annual-report-is-not-it", AS_OF,
     plus(item("zcwj", "辽源市交通运输局2025年法治政府建设年度报告"), removed=[ANNUAL_2025]),
     COLUMNS, [("overdue", "annual_report|2025")]),
    ("budget-synonym-单位预算", AS_OF,
     plus(item("czyjs", "辽源市公路管理处2026年单位预算"), removed=[BUDGET_2026]), COLUMNS, []),
    ("budget-synonym-预算公开", AS_OF,
     plus(item("czyjs", "2026年预算公开"), removed=[BUDGET_2026]), COLUMNS, []),
    ("budget-execution-is-not-the-budget", AS_OF,
     plus(item("czyjs", "2026年上半年部门预算执行情况"), removed=[BUDGET_2026]), COLUMNS,
     [("overdue", "budget|2026")]),
    ("budget-work-notice-is-not-the-budget", AS_OF,
     plus(item("tzgg", "关于做好2026年部门预算公开工作的通知"), removed=[BUDGET_2026]), COLUMNS,
     [("overdue", "budget|2026")]),
    ("budget-not-yet-due-in-march", date(2026, 3, 15), without(BUDGET_2026), COLUMNS, []),
    ("budget-undated-title-published-this-year", AS_OF,
     plus(item("czyjs", "部门预算公开", date(2026, 3, 28)), removed=[BUDGET_2026]), COLUMNS, []),
    ("budget-undated-title-published-last-year", AS_OF,
     plus(item("czyjs", "部门预算公开", date(2025, 3, 28)), removed=[BUDGET_2026]), COLUMNS,
     [("overdue", "budget|2026")]),
    ("final-accounts-synonym-决算公开", AS_OF,
     plus(item("czyjs", "2025年度决算公开"), removed=[FINAL_2025]), COLUMNS, []),
    ("final-accounts-only-older-year", AS_OF, without(FINAL_2025), COLUMNS,
     [("overdue", "final_accounts|2025")]),
    ("final-accounts-not-yet-due-in-september", date(2026, 9, 1), without(FINAL_2025), COLUMNS,
     []),
    ("policy-column-absent", AS_OF, COMPLETE, COLUMNS[1:],
     [("column_absent", "normative_documents")]),
    ("解读-column-is-not-a-policy-column", AS_OF, COMPLETE,
     [column("政策解读", "zcjd"), *COLUMNS[1:]], [("column_absent", "normative_documents")]),
    ("institution-as-an-item", AS_OF, plus(item("zcwj", "辽源市交通运输局主要职责")),
     [c for c in COLUMNS if c.name != "机构职能"], []),
    ("institution-absent", AS_OF, COMPLETE, [c for c in COLUMNS if c.name != "机构职能"],
     [("absent", "institution")]),
    ("plans-absent", AS_OF, without(PLAN), COLUMNS, [("absent", "plans")]),
    # 权责清单 (中办发〔2015〕21号): a column, or an item in another column, under either name.
    ("power-list-absent", AS_OF, COMPLETE, [c for c in COLUMNS if c.name != "权责清单"],
     [("absent", "power_responsibility_lists")]),
    ("power-list-as-an-item", AS_OF, plus(item("jgzn", "辽源市交通运输局权力清单和责任清单")),
     [c for c in COLUMNS if c.name != "权责清单"], []),
    ("responsibility-list-column", AS_OF, COMPLETE,
     [column("责任清单", "zrqd") if c.name == "权责清单" else c for c in COLUMNS], []),
    ("power-list-training-notice-is-not-the-list", AS_OF,
     plus(item("tzgg", "关于举办权责清单编制培训会议的通知")),
     [c for c in COLUMNS if c.name != "权责清单"], [("absent", "power_responsibility_lists")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "items", "columns", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_missing_mandatory(as_of, items, columns, expected):
    found = missing_mandatory(crawl(columns, items), DEPARTMENT, as_of)
    assert [(f.subtype, f.key) for f in found] == expected


def test_overdue_names_the_item_the_year_and_the_basis():
    (finding,) = missing_mandatory(crawl(items=without(ANNUAL_2025)), DEPARTMENT, AS_OF)
    assert finding.url == XXGK + "xxgknb/" and finding.column == "政府信息公开年报"
    assert finding.severity == "high"
    assert finding.evidence == {
        "rule": "annual_report",
        "item": "政府信息公开工作年度报告",
        "basis": "《政府信息公开条例》第四十九条",
        "requires": "item",
        "year": 2025,
        "due": "2026-01-31",
        "days_overdue": 293,
        "found_years": [2024],
    }
    assert messages.title("missing_mandatory", "overdue", finding.evidence) == (
        "2025年度“政府信息公开工作年度报告”逾期未公开"
        "（应于2026-01-31前公开；依据：《政府信息公开条例》第四十九条）"
    )


def test_overdue_budget_lands_in_the_budget_column_with_its_unit():
    (finding,) = missing_mandatory(crawl(items=without(BUDGET_2026)), DEPARTMENT, AS_OF)
    assert (finding.key, finding.url, finding.unit) == ("budget|2026", XXGK + "czyjs/", "财务科")
    assert "预算法》第十四条" in finding.evidence["basis"]
    assert finding.evidence["due"] == "2026-03-31" and finding.evidence["found_years"] == [2025]


def test_absent_column_points_at_the_site_root():
    (finding,) = missing_mandatory(crawl(columns=COLUMNS[1:]), DEPARTMENT, AS_OF)
    assert (finding.url, finding.column, finding.unit) == (ROOT, None, None)
    title = messages.title("missing_mandatory", finding.subtype, finding.evidence)
    basis = "《政府信息公开条例》第二十条第（一）项"
    assert title == f"缺少“政策文件（规章和规范性文件）”栏目（依据：{basis}）"


def test_page_titles_count_as_published():
    page = PageView(
        XXGK + "xxgknb/t1.html", None, "article", 200,
        "辽源市交通运输局2025年政府信息公开工作年度报告_辽源市交通运输局",
        XXGK + "xxgknb/", date(2026, 1, 24), "page", {},
    )  # fmt: skip
    data = crawl(items=without(ANNUAL_2025), pages=[page])
    assert missing_mandatory(data, DEPARTMENT, AS_OF) == []


def test_due_dates_come_from_the_profile():
    late_budget = profile(budget_due="12-31")
    assert missing_mandatory(crawl(items=without(BUDGET_2026)), late_budget, AS_OF) == []
    (due,) = [d for d in not_yet_due(crawl(items=without(BUDGET_2026)), late_budget, AS_OF)
              if d["rule"] == "budget"]  # fmt: skip
    assert (due["year"], due["due"], due["days_left"]) == (2026, "2026-12-31", 41)


def test_a_bad_due_date_is_a_profile_error():
    with pytest.raises(CheckConfigError, match="budget_due"):
        missing_mandatory(crawl(), profile(budget_due="March"), AS_OF)


# (id, as_of, items, expected [(rule, year, due)])
UPCOMING = [
    ("january", date(2027, 1, 20), COMPLETE, [
        ("annual_report", 2026, "2027-01-31"),
        ("budget", 2027, "2027-03-31"),
        ("final_accounts", 2026, "2027-09-30"),
    ]),
    ("march-budget-not-yet-published", date(2026, 3, 15), without(BUDGET_2026, FINAL_2025), [
        ("annual_report", 2026, "2027-01-31"),
        ("budget", 2026, "2026-03-31"),
        ("final_accounts", 2025, "2026-09-30"),
    ]),
    ("published-early-is-not-listed", date(2026, 3, 15), COMPLETE, [
        ("annual_report", 2026, "2027-01-31"),
    ]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("as_of", "items", "expected"), [u[1:] for u in UPCOMING], ids=[u[0] for u in UPCOMING]
)
def test_not_yet_due(as_of, items, expected):
    found = not_yet_due(crawl(items=items), DEPARTMENT, as_of)
    assert [(d["rule"], d["year"], d["due"]) for d in found] == expected
    assert all(d["basis"] and d["item"] and d["days_left"] >= 0 for d in found)


YEARS = [
    ("辽源市交通运输局2025年政府信息公开工作年度报告", {2025}),
    ("2026年部门预算", {2026}),
    ("辽源市交通运输局2025年度“三公”经费支出决算情况说明", {2025}),
    ("2025年度部门决算及2026年部门预算", {2025, 2026}),
    ("索引号 11220400013544/2026-00123 部门预算", set()),
    ("2025 年 政府信息公开年报", {2025}),
]


@pytest.mark.parametrize(("title", "years"), YEARS, ids=[str(i) for i in range(len(YEARS))])
def test_years_in_titles(title, years):
    assert years_in(title) == years


# -- the transport bureau pack (the seed plan) ------------------------------------------------

TRANSPORT = profile(["transport_bureau"])
TRANSPORT_ITEMS = COMPLETE + [
    item("zcwj", "辽源市交通运输局权力清单和责任清单（2026年调整）"),
    item("zcwj", "辽源市交通运输局关于公布行政许可事项清单的通知"),
    item("zcwj", "辽源市交通运输局行政审批中介服务事项清单"),
    item("zcwj", "辽源市交通运输局关于规范行政执法全过程记录的通知"),
    item("zdjsxm", "辽源市东辽河大桥改建工程建设项目批准信息"),
    item("tzgg", "关于开展2026年度道路运输企业质量信誉考核工作的通知"),
    item("czyjs", "辽源市交通运输局2025年度审计发现问题整改情况"),
    item("czyjs", "辽源市交通运输局2026年“三公”经费预算情况说明"),
]
TRANSPORT_COLUMNS = [c for c in COLUMNS if c.name != "权责清单"] + [
    column("政策解读", "zcjd"),
    column("重大建设项目", "zdjsxm"),
    column("建议提案办理", "jytabl"),
]

# 牵头单位 as the seed plan names them
FINANCE = "财务科、纪检监察室、办公室等有关科室和单位"
LISTS = "办公室、纪检监察室、行政审批办、市交通运输综合行政执法支队"
OFFICE = "办公室、其他有关科室和单位"
PROPOSALS = "行政审批办、办公室等有关科室和单位"

# (id, item titles removed, column names removed, expected [(subtype, key, unit)])
TRANSPORT_CASES = [
    ("complete", [], [], []),
    ("audit-absent", ["审计"], [], [("absent", "audit_results", FINANCE)]),
    ("interpretation-column-absent", [], ["政策解读"],
     [("column_absent", "policy_interpretation", OFFICE)]),
    ("proposals-absent", [], ["建议提案办理"], [("absent", "proposals", PROPOSALS)]),
    ("major-projects-as-items-only", [], ["重大建设项目"], []),
    ("power-lists-absent", ["权力清单"], [], [("absent", "power_responsibility_lists", LISTS)]),
    ("three-public-absent", ["三公"], [], [("item_absent", "three_public_expenses", FINANCE)]),
    ("budget-overdue-has-the-plan-unit", ["2026年部门预算"], [],
     [("overdue", "budget|2026", FINANCE)]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("titles", "names", "expected"),
    [c[1:] for c in TRANSPORT_CASES],
    ids=[c[0] for c in TRANSPORT_CASES],
)
def test_transport_bureau_pack(titles, names, expected):
    items = [i for i in TRANSPORT_ITEMS if not any(t in i.title for t in titles)]
    columns = [c for c in TRANSPORT_COLUMNS if c.name not in names]
    found = missing_mandatory(crawl(columns, items), TRANSPORT, AS_OF)
    assert [(f.subtype, f.key, f.unit) for f in found] == expected


# -- the packs themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("pack", shipped_packs())
def test_every_shipped_pack_loads_and_every_rule_has_a_basis(pack):
    rules = load_rules((pack,))
    assert rules and len({r.id for r in rules}) == len(rules)
    for rule in rules:
        assert rule.basis.strip() and rule.name.strip()
        assert "《" in rule.basis, f"{rule.id}: the basis names no document"


def test_shipped_packs():
    assert shipped_packs() == ["department", "transport_bureau"]


def test_transport_pack_includes_department_and_gives_every_plan_task_its_unit():
    department = {r.id for r in load_rules(("department",))}
    transport = load_rules(("transport_bureau",))
    assert department <= {r.id for r in transport}
    for rule in transport:
        if rule.id not in department or rule.id in ("budget", "final_accounts"):
            assert rule.unit, f"{rule.id} has no 牵头单位"
    by_id = {r.id: r for r in transport}
    assert by_id["budget"].basis == {r.id: r for r in load_rules(("department",))}["budget"].basis


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_pack_include_exclude_override_and_replace(tmp_path):
    write(tmp_path / "base.yaml", """
name: 基础
include: [department]
exclude: [plans]
overrides:
  annual_report: {severity: medium, unit: 办公室}
rules:
  - id: disclosure_guide
    name: 政府信息公开指南（新版）
    basis: 《政府信息公开条例》第十二条
    requires: column
    match: [公开指南]
""")  # fmt: skip
    write(tmp_path / "site.yaml", """
name: 本站
include: [base.yaml]
rules:
  - id: emergency
    name: 应急管理
    basis: 《政府信息公开条例》第二十条第（十二）项
    requires: column_or_item
    match: [应急预案, 应急管理]
""")  # fmt: skip
    site = CheckSettings(
        checks=ChecksConfig.model_validate({"mandatory": {"packs": ["./site.yaml"]}}),
        rules_dir=tmp_path,
    )
    rules = rules_for(site)
    department = [r.id for r in load_rules(("department",))]
    assert [r.id for r in rules] == [i for i in department if i != "plans"] + ["emergency"]
    by_id = {r.id: r for r in rules}
    assert (by_id["annual_report"].severity, by_id["annual_report"].unit) == ("medium", "办公室")
    assert by_id["annual_report"].due == "annual_report"
    assert by_id["disclosure_guide"].requires == "column"
    found = missing_mandatory(crawl(items=without(PLAN)), site, AS_OF)
    assert [(f.subtype, f.key) for f in found] == [("absent", "emergency")]


def test_later_pack_replaces_a_rule_of_an_earlier_one(tmp_path):
    pack = write(tmp_path / "extra.yaml", """
name: 补充
rules:
  - id: plans
    name: 规划计划
    basis: 《政府信息公开条例》第二十条第（三）项
    requires: column
    match: [规划计划]
""")  # fmt: skip
    rules = load_rules(("department", str(pack)))
    assert [r.id for r in rules] == [r.id for r in load_rules(("department",))]
    assert {r.id: r for r in rules}["plans"].requires == "column"


VALID_RULE = """
  - id: x
    name: 某项
    basis: 《条例》
    requires: item
    match: [某项]
"""
BROKEN = [
    ("missing-basis", "name: p\nrules:\n  - {id: x, name: 某项, requires: item, match: [a]}\n",
     "rules.0.basis: required key is missing"),
    ("unknown-key", "name: p\nrules:" + VALID_RULE + "    colour: red\n",
     "rules.0.colour: unknown key"),
    ("bad-requires", "name: p\nrules:" + VALID_RULE.replace("requires: item", "requires: page"),
     "rules.0.requires"),
    ("no-synonyms", "name: p\nrules:" + VALID_RULE.replace("match: [某项]", "match: []"),
     "give `match` synonyms or a `pattern`"),
    ("bad-pattern", "name: p\nrules:" + VALID_RULE + "    pattern: '(年报'\n", "bad pattern"),
    ("recurring-without-due", "name: p\nrules:" + VALID_RULE + "    recurs: yearly\n",
     "needs `recurs`, `year` and `due`"),
    ("recurring-column",
     "name: p\nrules:" + VALID_RULE.replace("requires: item", "requires: column")
     + "    recurs: yearly\n    year: current\n    due: budget\n", "only `requires: item`"),
    ("duplicate-ids", "name: p\nrules:" + VALID_RULE + VALID_RULE, "appears twice"),
    ("unknown-include", "name: p\ninclude: [departmnet]\n", "unknown rule pack 'departmnet'"),
    ("self-include", "name: p\ninclude: [pack.yaml]\n", "includes itself"),
    ("exclude-unknown", "name: p\ninclude: [department]\nexclude: [plan]\n",
     "exclude: no included rule 'plan'"),
    ("override-unknown", "name: p\noverrides: {budget: {unit: 财务科}}\n",
     "overrides: no included rule 'budget'"),
    ("override-invalid", "name: p\ninclude: [department]\noverrides: {budget: {year: last}}\n",
     "overrides.budget: year"),
    ("yaml-syntax", "name: p\nrules: [\n", "YAML syntax error"),
    ("not-a-mapping", "- a\n- b\n", "a pack is a mapping"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_a_broken_pack_is_a_clear_error(tmp_path, text, message):
    pack = write(tmp_path / "pack.yaml", text)
    with pytest.raises(RulePackError, match="rule pack") as raised:
        load_rules((str(pack),))
    assert message in str(raised.value)
    assert isinstance(raised.value, CheckConfigError)


def test_unknown_pack_name_lists_the_shipped_ones():
    with pytest.raises(RulePackError, match="shipped packs: department, transport_bureau"):
        missing_mandatory(crawl(), profile(["transport"]), AS_OF)


# -- a real 信息公开年报 column ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2020, 11, 1), []),
        (date(2021, 3, 1), [("overdue", "annual_report|2020", [2018, 2019])]),
    ],
    ids=["2019-report-published", "2020-report-overdue"],
)
def test_annual_reports_in_a_real_column(real_pages, as_of, expected):
    from crawler.parsing.document import parse_html
    from crawler.parsing.listing import extract_list_items

    url = "http://www.ordos.gov.cn/engebei/xxgk/xxgknb/"
    html = (real_pages / "05-ordos-engebei-xxgknb-list.html").read_text(encoding="utf-8")
    entries = extract_list_items(parse_html(html, url), url)
    data = CrawlData(
        "恩格贝生态示范区",
        ("http://www.ordos.gov.cn/engebei/",),
        ("ordos.gov.cn",),
        datetime(2021, 3, 1, tzinfo=UTC),
        columns=(ColumnView(url, "信息公开年报", None, None, "navigation", 10, None, 2),),
        list_items=tuple(ListItemView(url, e.url, e.title, e.date) for e in entries),
    )
    found = [f for f in missing_mandatory(data, DEPARTMENT, as_of) if f.evidence["rule"] == (
        "annual_report")]  # fmt: skip
    assert [(f.subtype, f.key, f.evidence["found_years"]) for f in found] == expected
    assert all(f.url == url for f in found)
