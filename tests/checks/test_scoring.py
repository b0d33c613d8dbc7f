"""Scoring: the single-veto lines of 国办秘函〔2019〕19号, the deduction model, early warnings."""
# ruff: noqa: E501  (table rows read better unwrapped)

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks.config import ScoringConfig
from checks.model import CrawlData, Finding, PageView
from checks.scoring import DEDUCTIONS, score

AS_OF = date(2026, 11, 20)
CONFIG = ScoringConfig()


def f(check, subtype="x", severity="medium", **evidence):
    return Finding(check, subtype, severity, f"https://a.gov.cn/{check}/{subtype}", key=str(evidence),
                   evidence=evidence)  # fmt: skip


def stale(kind, n):
    sev = "high" if kind != "maintained" else "medium"
    return [Finding("stale_column", "stale", sev, f"https://a.gov.cn/c{i}/", key=f"{kind}{i}",
                    evidence={"kind": kind}) for i in range(n)]  # fmt: skip


def data(newest=None):
    home = PageView("https://a.gov.cn/", None, "home", 200, None, None, None, None,
                    {"newest_item": newest} if newest else {})  # fmt: skip
    return CrawlData("站", ("https://a.gov.cn/",), ("a.gov.cn",), datetime.now(UTC), pages=(home,))


VETO_CASES = [
    ("clean", [], []),
    ("unreachable", [f("site_unreachable", "start_url", "high")], ["站点无法访问"]),
    ("home-stale", [f("stale_column", "home_page", "high")], ["首页不更新"]),
    ("five-short-stale", stale("dynamic", 3) + stale("notice", 2), ["栏目不更新"]),
    ("four-short-stale", stale("dynamic", 2) + stale("policy", 2), []),
    ("ten-long-stale", stale("maintained", 10), ["栏目不更新"]),
    ("nine-long-stale", stale("maintained", 9), []),
    (
        "about-to-go-stale-not-counted",
        [f("stale_column", "about_to_go_stale", "low", kind="dynamic")] * 6,
        [],
    ),
    ("five-blank", [f("blank_column", "empty", "high")] * 5, ["空白栏目"]),
    ("four-blank", [f("blank_column", "empty", "high")] * 4, []),
    ("serious-wording", [f("wording_error", "x", "high", serious=True)], ["严重表述错误"]),
    ("plain-wording", [f("wording_error", "x", "medium")], []),
]


@pytest.mark.parametrize(
    ("findings", "vetoes"), [c[1:] for c in VETO_CASES], ids=[c[0] for c in VETO_CASES]
)
def test_single_veto(findings, vetoes):
    result = score(findings, data(), CONFIG, AS_OF)
    assert result["vetoes"] == vetoes
    assert (result["verdict"] == "不合格") == bool(vetoes) or result["points"] < CONFIG.pass_mark
    if vetoes:
        assert result["points"] is None and len(result["veto_reasons"]) == len(vetoes)


def test_deductions_are_capped_and_documented_as_a_model():
    findings = [f("broken_link", "http_404", "high")] * 100 + [
        f("privacy_leak", "id_number", "high")
    ] * 2
    result = score(findings, data(), CONFIG, AS_OF)
    rows = {r["check"]: r for r in result["deductions"]}
    assert rows["broken_link"] == {"check": "broken_link", "count": 100, "points": 20.0}
    assert rows["privacy_leak"]["points"] == 10.0
    assert result["points"] == 70.0 and result["verdict"] == "合格"
    assert "估算" in result["model"]["zh"]


def test_below_pass_mark_fails():
    findings = ([f("broken_link")] * 40 + [f("privacy_leak")] * 4 + [f("missing_mandatory")] * 10
                + [f("wrong_link")] * 20)  # fmt: skip
    result = score(findings, data(), CONFIG, AS_OF)
    assert result["points"] == 30.0 and result["verdict"] == "不合格" and result["vetoes"] == []


def test_profile_overrides_deduction():
    config = ScoringConfig(deductions={"broken_link": 2.0})
    result = score([f("broken_link")] * 3, data(), config, AS_OF)
    assert result["points"] == 94.0


def test_every_deduction_names_a_check_of_the_export():
    from xuncha.tracking import PREFIXES

    assert {key.split("/", 1)[0] for key in DEDUCTIONS} <= set(PREFIXES)


WARNING_CASES = [
    ("home-11-days", [], "2026-11-09", ["首页已 11 天未更新"]),
    ("home-10-days", [], "2026-11-10", []),
    ("three-blank", [f("blank_column")] * 3, None, ["空白栏目 3 个"]),
    ("seven-stale", stale("maintained", 7), None, ["不更新栏目 7 个"]),
    ("soon", [f("stale_column", "about_to_go_stale", "low")], None, ["1 个栏目即将超期"]),
]


@pytest.mark.parametrize(
    ("findings", "newest", "expected"),
    [c[1:] for c in WARNING_CASES],
    ids=[c[0] for c in WARNING_CASES],
)
def test_early_warnings(findings, newest, expected):
    warnings = score(findings, data(newest), CONFIG, AS_OF)["warnings"]
    assert len(warnings) == len(expected)
    for text, start in zip(warnings, expected, strict=True):
        assert text.startswith(start)
