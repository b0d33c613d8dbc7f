"""stale_column (栏目不更新, 首页不更新) and blank_column (空白栏目) over hand-made crawl data."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from checks import messages
from checks.columns import (
    KindTable,
    blank_column,
    column_kind,
    home_newest,
    kind_table,
    stale_column,
)
from checks.config import ChecksConfig, CheckSettings
from checks.model import ColumnView, CrawlData, ListItemView, PageView

AS_OF = date(2026, 11, 20)
XXGK = "https://xxgk.example.gov.cn/"
HOME = "https://jtj.example.gov.cn/"
PROFILE = CheckSettings()


def ago(days: int) -> date:
    return AS_OF - timedelta(days=days)


def column(name, key, items=3, newest=None, kind=None, unit="办公室"):
    return ColumnView(XXGK + key + "/", name, kind, unit, "navigation", items, newest, 1)


def item(key, n, list_date=None, title="信息标题"):
    return ListItemView(XXGK + key + "/", f"{XXGK}{key}/202611/t_{n}.html", title, list_date)


def article(key, n, pub_date, source="page"):
    url = f"{XXGK}{key}/202611/t_{n}.html"
    return PageView(url, url, "article", 200, "信息标题", XXGK + key + "/", pub_date, source, {})


def home(newest_item=None):
    meta = {} if newest_item is None else {"newest_item": newest_item}
    return PageView(HOME, HOME, "home", 200, "首页", None, None, None, meta)


def crawl(columns=(), items=(), pages=()):
    return CrawlData(
        "辽源市交通运输局",
        (HOME,),
        ("example.gov.cn",),
        datetime(2026, 11, 20, 2, 0, tzinfo=UTC),
        columns=tuple(columns),
        list_items=tuple(items),
        pages=tuple(pages),
    )


def profile_with(**freshness):
    return CheckSettings(checks=ChecksConfig.model_validate({"freshness": freshness}))


def dated_column(name, key, days, kind=None):
    """A column whose three items are listed with dates, the newest `days` old."""
    items = [item(key, i, ago(days + 10 * i)) for i in range(3)]
    return [column(name, key, newest=ago(days), kind=kind)], items, []


# (id, (columns, items, pages), profile, expected subtype or None, expected kind, newest age)
STALE = [
    ("dynamic-inside-window", dated_column("工作动态", "gzdt", 5), PROFILE, None, None, None),
    ("dynamic-stale", dated_column("工作动态", "gzdt", 15), PROFILE, "dynamic", "dynamic", 15),
    (
        "dynamic-about-to-go-stale",
        dated_column("工作动态", "gzdt", 8),
        PROFILE,
        "about_to_go_stale",
        "dynamic",
        8,
    ),
    (
        "dynamic-on-the-limit-is-not-stale",
        dated_column("要闻", "yw", 14),
        PROFILE,
        "about_to_go_stale",
        "dynamic",
        14,
    ),
    ("notice-inside-window", dated_column("通知公告", "tzgg", 100), PROFILE, None, None, None),
    (
        "notice-about-to-go-stale",
        dated_column("通知公告", "tzgg", 160),
        PROFILE,
        "about_to_go_stale",
        "notice",
        160,
    ),
    ("notice-stale", dated_column("公示公告", "gsgg", 200), PROFILE, "notice", "notice", 200),
    ("policy-stale", dated_column("规范性文件", "gfxwj", 184), PROFILE, "policy", "policy", 184),
    (
        "interpretation-before-policy",
        dated_column("政策解读", "zcjd", 190),
        PROFILE,
        "interpretation",
        "interpretation",
        190,
    ),
    (
        "maintained-stale",
        dated_column("人事信息", "rsxx", 400),
        PROFILE,
        "maintained",
        "maintained",
        400,
    ),
    (
        "maintained-inside-window",
        dated_column("财政预决算", "czyjs", 300),
        PROFILE,
        None,
        None,
        None,
    ),
    (
        "maintained-about-to-go-stale",
        dated_column("规划计划", "ghjh", 340),
        PROFILE,
        "about_to_go_stale",
        "maintained",
        340,
    ),
    ("static-never-stale", dated_column("机构职能", "jgzn", 2000), PROFILE, None, None, None),
    (
        "static-without-dates",
        ([column("政府信息公开指南", "xxgkzn", items=1)], [item("xxgkzn", 0)], []),
        PROFILE,
        None,
        None,
        None,
    ),
    (
        "unknown-name-is-maintained",
        dated_column("综合信息", "zhxx", 400),
        PROFILE,
        "maintained",
        "maintained",
        400,
    ),
    (
        "dates-only-on-the-article-pages",
        (
            [column("工作动态", "gzdt")],
            [item("gzdt", i) for i in range(3)],
            [article("gzdt", i, ago(3 + i), "meta") for i in range(3)],
        ),
        PROFILE,
        None,
        None,
        None,
    ),
    (
        "article-date-newer-than-list-date",
        (
            [column("工作动态", "gzdt", newest=ago(30))],
            [item("gzdt", 0, ago(30)), item("gzdt", 1, ago(40))],
            [article("gzdt", 0, ago(4))],
        ),
        PROFILE,
        None,
        None,
        None,
    ),
    (
        "old-dates-only-on-the-article-pages",
        (
            [column("工作动态", "gzdt")],
            [item("gzdt", 0), item("gzdt", 1)],
            [article("gzdt", 0, ago(20), "url"), article("gzdt", 1, ago(25))],
        ),
        PROFILE,
        "dynamic",
        "dynamic",
        20,
    ),
    (
        "no-date-anywhere-counts-as-not-updated",
        ([column("通知公告", "tzgg")], [item("tzgg", i) for i in range(3)], []),
        PROFILE,
        "no_dates",
        "notice",
        None,
    ),
    (
        "some-undated-items-do-not-matter",
        (
            [column("通知公告", "tzgg", newest=ago(10))],
            [item("tzgg", 0), item("tzgg", 1, ago(10)), item("tzgg", 2)],
            [],
        ),
        PROFILE,
        None,
        None,
        None,
    ),
    (
        "undated-items-beside-an-old-dated-one-judged-by-the-date",
        (
            [column("工作动态", "gzdt", newest=ago(20))],
            [item("gzdt", 0), item("gzdt", 1, ago(20))],
            [],
        ),
        PROFILE,
        "dynamic",
        "dynamic",
        20,
    ),
    (
        "profile-kind-by-name",
        dated_column("综合信息", "zhxx", 20),
        profile_with(kinds={"综合信息": "dynamic"}),
        "dynamic",
        "dynamic",
        20,
    ),
    (
        "profile-kind-by-url",
        dated_column("综合信息", "zhxx", 20),
        profile_with(kinds={XXGK + "zhxx": "dynamic"}),
        "dynamic",
        "dynamic",
        20,
    ),
    (
        "profile-kind-static",
        dated_column("工作动态", "gzdt", 90),
        profile_with(kinds={"工作动态": "static"}),
        None,
        None,
        None,
    ),
    (
        "declared-column-kind-label",
        dated_column("综合信息", "zhxx", 200, kind="通知公告"),
        PROFILE,
        "notice",
        "notice",
        200,
    ),
    (
        "profile-window",
        dated_column("工作动态", "gzdt", 10),
        profile_with(windows={"dynamic": 7}),
        "dynamic",
        "dynamic",
        10,
    ),
    (
        "partial-windows-keep-defaults",
        dated_column("人事信息", "rsxx", 300),
        profile_with(windows={"dynamic": 7}),
        None,
        None,
        None,
    ),
    (
        "no-warning-margin",
        dated_column("通知公告", "tzgg", 180),
        profile_with(warn_within_days=0),
        None,
        None,
        None,
    ),
    (
        "blank-column-is-not-judged-stale",
        ([column("工作动态", "gzdt", items=0)], [], []),
        PROFILE,
        None,
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("parts", "profile", "subtype", "kind", "age"),
    [case[1:] for case in STALE],
    ids=[case[0] for case in STALE],
)
def test_stale_column(parts, profile, subtype, kind, age):
    columns, items, pages = parts
    found = stale_column(crawl(columns, items, pages), profile, AS_OF)
    assert [f.subtype for f in found] == ([subtype] if subtype else [])
    if not subtype:
        return
    finding = found[0]
    assert finding.url == finding.key == columns[0].url
    assert finding.column == columns[0].name and finding.unit == "办公室"
    assert finding.evidence["kind"] == kind
    assert finding.evidence["days"] == age
    assert finding.evidence["newest"] == (ago(age).isoformat() if age is not None else None)
    windows = profile.checks.freshness.windows
    assert finding.evidence["window_days"] == windows.get(kind, {"maintained": 365}.get(kind))
    expected = "low" if subtype == "about_to_go_stale" else None
    expected = expected or ("medium" if kind == "maintained" else "high")
    assert finding.severity == expected
    title = messages.title("stale_column", finding.subtype, finding.evidence)
    assert columns[0].name in title and "?" not in title


def test_about_to_go_stale_says_how_many_days_are_left():
    columns, items, pages = dated_column("通知公告", "tzgg", 160)
    (finding,) = stale_column(crawl(columns, items, pages), PROFILE, AS_OF)
    assert finding.evidence["days_left"] == 23
    assert finding.evidence["newest_url"] == items[0].url


def test_one_finding_per_column_and_none_for_fresh_ones():
    parts = [
        dated_column("工作动态", "gzdt", 30),
        dated_column("通知公告", "tzgg", 10),
        dated_column("人事信息", "rsxx", 500),
    ]
    columns = [c for p in parts for c in p[0]]
    items = [i for p in parts for i in p[1]]
    found = stale_column(crawl(columns, items), PROFILE, AS_OF)
    assert [(f.column, f.subtype) for f in found] == [
        ("工作动态", "dynamic"),
        ("人事信息", "maintained"),
    ]


# (id, newest_item on the home page, newest column age in days, expected (source, age) or None)
HOME_CASES = [
    ("home-fresh", ago(10).isoformat(), 3, None),
    ("home-stale", ago(20).isoformat(), 3, ("home_page", 20)),
    ("home-on-the-limit", ago(14).isoformat(), 30, None),
    ("navigation-home-falls-back-to-columns", None, 30, ("columns", 30)),
    ("navigation-home-with-a-fresh-column", None, 3, None),
    ("unreadable-newest-item-falls-back", "昨天", 40, ("columns", 40)),
]


@pytest.mark.parametrize(
    ("newest_item", "column_age", "expected"),
    [case[1:] for case in HOME_CASES],
    ids=[case[0] for case in HOME_CASES],
)
def test_home_page(newest_item, column_age, expected):
    columns, items, _ = dated_column("机构职能", "jgzn", column_age)
    data = crawl(columns, items, [home(newest_item)])
    found = [f for f in stale_column(data, PROFILE, AS_OF) if f.subtype == "home_page"]
    if expected is None:
        assert found == []
        return
    source, age = expected
    (finding,) = found
    assert finding.url == finding.key == HOME and finding.severity == "high"
    assert finding.evidence == {
        "kind": "home",
        "window_days": 14,
        "newest": ago(age).isoformat(),
        "days": age,
        "source": source,
    }
    assert "首页超过14天未更新" in messages.title("stale_column", "home_page", finding.evidence)


def test_no_home_page_no_home_finding():
    columns, items, _ = dated_column("机构职能", "jgzn", 100)
    assert stale_column(crawl(columns, items), PROFILE, AS_OF) == []


def test_home_newest_is_the_newest_column_date_for_a_navigation_home():
    old = dated_column("机构职能", "jgzn", 100)
    new = dated_column("人事信息", "rsxx", 12)
    data = crawl(old[0] + new[0], old[1] + new[1], [home()])
    assert home_newest(data, data.pages[0]) == (ago(12), "columns")


BLANK = [
    ("empty-list", [column("通知公告", "tzgg", items=0)], ["通知公告"]),
    ("static-blank-too", [column("政府信息公开指南", "xxgkzn", items=0)], ["政府信息公开指南"]),
    ("one-per-blank-column", [
        column("通知公告", "tzgg", items=0),
        column("工作动态", "gzdt", items=5),
        column("人事信息", "rsxx", items=0),
    ], ["通知公告", "人事信息"]),
    ("column-with-items", [column("工作动态", "gzdt", items=1)], []),
]  # fmt: skip


@pytest.mark.parametrize(("columns", "names"), [c[1:] for c in BLANK], ids=[c[0] for c in BLANK])
def test_blank_column(columns, names):
    found = blank_column(crawl(columns), PROFILE, AS_OF)
    assert [f.column for f in found] == names
    by_name = {c.name: c for c in columns}
    for finding in found:
        assert finding.subtype == "no_items" and finding.severity == "high"
        assert finding.url == finding.key == by_name[finding.column].url
        assert finding.unit == "办公室"
        title = messages.title("blank_column", finding.subtype, finding.evidence)
        assert title == f"“{finding.column}”为空白栏目（无任何信息）"


def list_page(key, chars, placeholder=False, sample=""):
    """A column's list page without entries, as the crawler measured what it says of its own."""
    url = XXGK + key + "/"
    content = {"chars": chars, "placeholder": placeholder, "sample": sample}
    return PageView(url, url, "list", 200, "栏目", url, None, None, {"content": content})


# (id, columns, list pages, blank column names, evidence of the first blank)
PAGES = [
    ("a-page-of-content", [column("机构职能", "jgzn", items=0)],
     [list_page("jgzn", 180, sample="（一）贯彻执行国家有关交通运输工作的方针政策")], [], None),
    ("a-statement", [column("行政事业性收费", "sf", items=0)],
     [list_page("sf", 13, sample="本单位无行政事业性收费项目。")], [], None),
    ("just-under-the-line", [column("财政资金", "czzj", items=0)],
     [list_page("czzj", 9, sample="资金使用情况见附件")], ["财政资金"],
     {"page_text": "资金使用情况见附件"}),
    ("a-placeholder", [column("政府采购", "zfcg", items=0)],
     [list_page("zfcg", 0, placeholder=True)], ["政府采购"], {"placeholder": True}),
    ("nothing-but-chrome", [column("财政资金", "czzj", items=0)], [list_page("czzj", 0)],
     ["财政资金"], {}),
    ("not-measured", [column("财政资金", "czzj", items=0)], [], ["财政资金"], {}),
    ("content-on-another-column", [column("财政资金", "czzj", items=0)],
     [list_page("jgzn", 180)], ["财政资金"], {}),
]  # fmt: skip


@pytest.mark.parametrize(
    ("columns", "pages", "names", "evidence"), [c[1:] for c in PAGES], ids=[c[0] for c in PAGES]
)
def test_a_column_page_of_content_is_not_blank(columns, pages, names, evidence):
    found = blank_column(crawl(columns, pages=pages), PROFILE, AS_OF)
    assert [f.column for f in found] == names
    if found:
        (finding,) = found
        assert {k: v for k, v in finding.evidence.items() if k in ("placeholder", "page_text")} == (
            evidence
        )


KINDS = [
    ("政策解读", "interpretation"),
    ("图解政策", "interpretation"),
    ("政策文件", "policy"),
    ("规范性文件", "policy"),
    ("其他文件", "policy"),
    ("工作动态", "dynamic"),
    ("图片新闻", "dynamic"),
    ("交通要闻", "dynamic"),
    ("通知公告", "notice"),
    ("公示公告", "notice"),
    (" 通知 公告 ", "notice"),
    ("人事信息", "maintained"),
    ("人事动态", "maintained"),
    ("规划计划", "maintained"),
    ("财政预决算", "maintained"),
    ("统计信息", "maintained"),
    ("重大建设项目", "maintained"),
    ("建议提案办理", "maintained"),
    ("政府信息公开年报", "maintained"),
    ("机构职能", "static"),
    ("领导信息", "static"),
    ("政府信息公开指南", "static"),
    ("政府信息公开制度", "static"),
    ("依申请公开", "static"),
    ("法定主动公开内容", "static"),
    ("综合信息", "maintained"),
]


@pytest.mark.parametrize(("name", "kind"), KINDS, ids=[k[0].strip() for k in KINDS])
def test_column_kind_from_the_keyword_table(name, kind):
    assert column_kind(name, XXGK + "x/", PROFILE.checks.freshness) == kind


def test_shipped_table_covers_every_kind():
    assert {rule.kind for rule in kind_table().rules} == {
        "dynamic",
        "notice",
        "policy",
        "interpretation",
        "maintained",
        "static",
    }


@pytest.mark.parametrize(
    "table",
    [
        {"rules": [{"kind": "news", "keywords": ["新闻"]}]},
        {"rules": [{"kind": "dynamic", "keywords": []}]},
        {"rules": [{"kind": "dynamic", "keywords": ["新闻"], "window": 7}]},
    ],
    ids=["unknown-kind", "no-keywords", "unknown-key"],
)
def test_broken_kind_table_is_an_error(table):
    with pytest.raises(ValidationError):
        KindTable.model_validate(table)


def test_profile_rejects_an_unknown_kind():
    with pytest.raises(ValidationError, match="unknown column kind 'dynamc'"):
        profile_with(kinds={"工作动态": "dynamc"})
