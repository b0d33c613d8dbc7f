"""The 空白栏目 veto (≥ 5 blank columns) judged on the verdict: five single-page columns of
content and one truly blank column are 合格 on this line; the same site whose pages said nothing
of their own would be 不合格 (the false veto a new user met on a portal never seen before)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks.config import CheckSettings
from checks.model import ColumnView, CrawlData, PageView
from checks.registry import run_checks
from checks.scoring import score

AS_OF = date(2026, 11, 20)
HOME = "https://www.example.gov.cn/"
XXGK = "https://www.example.gov.cn/zwgk/"
SETTINGS = CheckSettings()
# Single-page columns with content: what each page said of its own (crawler/parsing/content.py).
PAGES = {
    "jgzn": ("机构职能", "（一）贯彻执行国家和省有关交通运输工作的方针政策和法律法规……"),
    "ldxx": ("领导信息", "局长 张三 主持局全面工作；副局长 李四 负责公路建设与养护"),
    "xxgkzn": ("政府信息公开指南", "为了更好地提供政府信息公开服务，编制本指南"),
    "xxgkzd": ("政府信息公开制度", "第一条 为规范本局政府信息公开工作，制定本制度"),
    "sf": ("行政事业性收费", "本单位无行政事业性收费项目。"),
}
BLANK = ("czzj", "财政资金")


def _site(measured: bool) -> CrawlData:
    keys = [*PAGES, BLANK[0]]
    names = {**{k: v[0] for k, v in PAGES.items()}, BLANK[0]: BLANK[1]}
    columns = tuple(
        ColumnView(f"{XXGK}{k}/", names[k], "static", "办公室", "navigation", 0, None, 1)
        for k in keys
    )
    channel = {"url": "https://www.province.gov.cn/12345/", "name": "网上咨询", "in_site": False}
    pages = [PageView(HOME, HOME, "home", 200, "首页", None, None, None,
                      {"newest_item": AS_OF.isoformat(), "channels": [channel]})]  # fmt: skip
    for key in keys:
        text = PAGES[key][1] if key in PAGES else ""
        content = {"chars": len(text), "placeholder": False, "sample": text}
        meta = {"content": content} if measured else {}
        url = f"{XXGK}{key}/"
        pages.append(PageView(url, url, "list", 200, names[key], url, None, None, meta))
    return CrawlData(
        "示例市交通运输局", (HOME,), ("example.gov.cn",),
        datetime(2026, 11, 20, 2, 0, tzinfo=UTC), pages=tuple(pages), columns=columns,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("measured", "blanks", "vetoed"),
    [(True, ["财政资金"], False), (False, [*(v[0] for v in PAGES.values()), "财政资金"], True)],
    ids=["pages-of-content", "pages-saying-nothing"],
)
def test_the_blank_veto_follows_the_columns_that_are_really_blank(measured, blanks, vetoed):
    data = _site(measured)
    found = run_checks(data, SETTINGS, AS_OF)
    assert [f.column for f in found if f.check == "blank_column"] == blanks
    verdict = score(found, data, SETTINGS.checks.scoring, AS_OF)
    assert ("空白栏目" in verdict["vetoes"]) is vetoed
    # Nothing else vetoes this site: the blank columns alone decide the verdict.
    assert verdict["vetoes"] == (["空白栏目"] if vetoed else [])
    assert verdict["verdict"] == ("不合格" if vetoed else "合格")
