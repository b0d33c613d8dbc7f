"""site_unreachable/availability: the week's home-page probes against the 站点无法访问 line
(≥ 20 tries a day for a week in the standard; veto at ≥ 5 % failures)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from checks import messages
from checks.config import ChecksConfig, CheckSettings
from checks.model import AvailabilityView, CrawlData
from checks.registry import run_checks
from checks.scoring import score
from checks.site import site_unreachable

HOME = "https://jtj.example.gov.cn/"
UNTIL = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
AS_OF = date(2026, 11, 20)


def crawl(tries=None, failures=0, unreachable=None):
    week = (
        AvailabilityView(tries, failures, UNTIL - timedelta(days=7), UNTIL)
        if tries is not None
        else None
    )
    return CrawlData("某局", (HOME,), ("example.gov.cn",), UNTIL, unreachable=unreachable,
                     availability=week)  # fmt: skip


def profile(**scoring):
    return CheckSettings(checks=ChecksConfig.model_validate({"scoring": scoring}))


# (tries, failures, scoring overrides) → (percent, fewer than the standard) or None
CASES = [
    (None, 0, {}, None),
    (23, 23, {}, None),  # under the minimum: not judged
    (24, 1, {}, None),  # 4.2 %
    (24, 2, {}, (8.3, True)),  # a day of hourly probes is judged, and says it is fewer
    (140, 7, {}, (5, False)),  # exactly the line: a veto (≥ 5 %)
    (140, 6, {}, None),  # 4.3 %
    (168, 9, {}, (5.4, False)),  # a week of hourly probes
    (24, 2, {"availability_veto_percent": 10}, None),
    (12, 1, {"availability_min_tries": 10}, (8.3, True)),
    (200, 10, {"availability_days": 10}, (5, False)),  # 20 a day × 10 days
]
IDS = ["no-probes", "too-few", "below-line", "over-line-few-tries", "exactly-the-line",
       "just-below", "hourly-week", "higher-line", "lower-minimum", "longer-window"]  # fmt: skip


@pytest.mark.parametrize(("tries", "failures", "scoring", "expected"), CASES, ids=IDS)
def test_the_week_is_judged_at_the_veto_line(tries, failures, scoring, expected):
    found = site_unreachable(crawl(tries, failures), profile(**scoring), AS_OF)
    if expected is None:
        assert found == []
        return
    percent, fewer = expected
    [finding] = found
    assert (finding.check, finding.subtype, finding.severity, finding.url, finding.key) == (
        "site_unreachable", "availability", "high", HOME, f"availability|{HOME}",
    )  # fmt: skip
    days = scoring.get("availability_days", 7)
    evidence = dict(finding.evidence)
    assert {k: evidence.pop(k) for k in ("tries", "failures", "percent", "days")} == {
        "tries": tries, "failures": failures, "percent": percent, "days": days,
    }  # fmt: skip
    assert evidence.pop("threshold_percent") == scoring.get("availability_veto_percent", 5)
    assert (evidence.pop("since"), evidence.pop("until")) == (
        "2026-11-13T02:00:00+00:00", "2026-11-20T02:00:00+00:00",
    )  # fmt: skip
    expected_rest = (
        {"standard_tries": 20 * days, "fewer_tries_than_standard": True} if fewer else {}
    )
    assert evidence == expected_rest


def test_an_unreachable_run_with_a_bad_week_raises_both_subtypes():
    data = crawl(168, 20, unreachable="connection_refused")
    found = run_checks(data, profile(), AS_OF)
    assert [(f.subtype, f.key) for f in found] == [
        ("start_url", HOME), ("availability", f"availability|{HOME}"),
    ]  # fmt: skip


def test_availability_alone_is_the_single_veto():
    data = crawl(168, 9)
    found = site_unreachable(data, profile(), AS_OF)
    verdict = score(found, data, profile().checks.scoring, AS_OF)
    assert (verdict["verdict"], verdict["vetoes"], verdict["points"]) == (
        "不合格",
        ["站点无法访问"],
        None,
    )


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("zh", "首页可访问性不达标：7天内探测168次，失败9次（5.4%，否决线5%）"),
        ("en", "Home page availability below the line: 9 of 168 tries failed in 7 days "
               "(5.4%, veto at 5%)"),
    ],
    ids=["zh", "en"],
)  # fmt: skip
def test_title(lang, title):
    [finding] = site_unreachable(crawl(168, 9), profile(), AS_OF)
    assert messages.title(finding.check, finding.subtype, finding.evidence, lang) == title
