"""The verdict, scored the way 国办秘函〔2019〕19号 scores a government website.

Single-veto items (单项否决) decide first: any one makes the site 不合格 and nothing else is
scored. Otherwise deduction indicators (扣分指标) are scored out of 100; below the pass mark
(60) is 不合格. The official point value of each deduction was not published in a form we
could verify, so :data:`DEDUCTIONS` is **Xuncha's model** — documented here, editable per site
(`checks.scoring.deductions`), and labelled as an estimate in every report. Early warnings use
the tighter lines monitoring services apply (standards.md §1, practice).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from checks.config import ScoringConfig
from checks.model import CrawlData, Finding

# check id (or "check/subtype") -> (points per finding, cap for the check). A subtype entry
# wins over its check's entry.
DEDUCTIONS: dict[str, tuple[float, float]] = {
    "broken_link": (0.5, 20.0),
    "wrong_link": (0.5, 10.0),
    "stale_column": (3.0, 20.0),
    "stale_column/about_to_go_stale": (0.0, 0.0),
    "blank_column": (3.0, 15.0),
    "missing_mandatory": (2.0, 20.0),
    "mixed_content": (0.5, 5.0),
    "site_identity": (1.0, 6.0),
    "privacy_leak": (5.0, 20.0),
    "wording_error": (2.0, 10.0),
    "misplaced_content": (1.0, 10.0),
    "harmful_link": (2.0, 10.0),
    # 互动回应差's own lines veto; what is left is the local limit and empty replies.
    "interaction_response": (1.0, 6.0),  # what is left when nothing vetoes: parked, suspected 暗链
    "tls_certificate": (2.0, 4.0),
    # 服务不实用 (办事服务 group), the 普查 rule of 中国政府网《关于“办事指南”指标的说明》: 2 points
    # per element class missing, at most 16; counted per class, not per guide (DISTINCT).
    "service_guide": (2.0, 16.0),
}
# Checks deducted per distinct value of an evidence list rather than per finding: a class
# missing from many guides counts once.
DISTINCT: dict[str, str] = {"service_guide": "missing"}
MODEL_NOTE_ZH = "扣分分值为巡查（Xuncha）的估算模型，非官方分值，可在站点配置中调整。"
MODEL_NOTE_EN = "Deduction points are Xuncha's model, not official values; editable per site."

# Column kinds whose staleness counts toward veto line (1) — 动态/要闻 2 weeks, 通知公告/政策
# 文件 6 months — and toward line (2), the columns that should be updated but were not for
# a long time.
SHORT_WINDOW_KINDS = {"dynamic", "notice", "policy", "interpretation"}

VETO_NAMES = {
    "site_unreachable": "站点无法访问",
    "home_stale": "首页不更新",
    "columns_stale": "栏目不更新",
    "columns_blank": "空白栏目",
    "serious_error": "严重表述错误",
    "harmful_links": "暗链及违法有害链接",
    "interaction_poor": "互动回应差",
}


@dataclass(frozen=True)
class Veto:
    id: str
    name: str
    reason: str


def _is_stale(finding: Finding) -> bool:
    return finding.check == "stale_column" and finding.subtype not in (
        "about_to_go_stale",
        "home_page",
    )


def _stale_kind(finding: Finding) -> str:
    kind = finding.evidence.get("kind")
    if isinstance(kind, str):
        return kind
    return "dynamic" if finding.severity == "high" else "maintained"


# 严重问题 (19号): links to illegal content. Every high-severity harmful_link — a hidden link,
# a changed-hands partner link or a visible link with gambling, porn or forged-paper words —
# vetoes; parked domains and 暗链 suspected only by how they hide (medium) do not.
HARMFUL_KINDS = {"hidden": "暗链/黑链", "hijacked": "外链变质", "illegal": "违法内容链接"}


def _is_harmful_veto(finding: Finding) -> bool:
    return finding.check == "harmful_link" and finding.severity == "high"


def vetoes(findings: list[Finding], config: ScoringConfig) -> list[Veto]:
    """The single-veto conditions met, in the order of the official table."""
    found: list[Veto] = []
    unreachable = [f for f in findings if f.check == "site_unreachable"]
    if unreachable:
        availability = next((f for f in unreachable if f.subtype == "availability"), None)
        reason = (
            f"一周内首页探测失败率 {availability.evidence.get('percent', '?')}%（≥5%）"
            if availability is not None
            else "首页无法访问"
        )
        found.append(Veto("site_unreachable", VETO_NAMES["site_unreachable"], reason))
    if any(f.check == "stale_column" and f.subtype == "home_page" for f in findings):
        found.append(Veto("home_stale", VETO_NAMES["home_stale"], "首页超过2周无新信息"))
    stale = [f for f in findings if _is_stale(f)]
    short = [f for f in stale if _stale_kind(f) in SHORT_WINDOW_KINDS]
    if len(short) >= config.stale_veto:
        found.append(
            Veto("columns_stale", VETO_NAMES["columns_stale"],
                 f"动态、通知公告、政策文件类栏目不更新 {len(short)} 个（≥{config.stale_veto}）")
        )  # fmt: skip
    elif len(stale) >= config.long_stale_veto:
        found.append(
            Veto("columns_stale", VETO_NAMES["columns_stale"],
                 f"应更新而长期未更新的栏目 {len(stale)} 个（≥{config.long_stale_veto}）")
        )  # fmt: skip
    blank = sum(1 for f in findings if f.check == "blank_column")
    if blank >= config.blank_veto:
        found.append(
            Veto(
                "columns_blank",
                VETO_NAMES["columns_blank"],
                f"空白栏目 {blank} 个（≥{config.blank_veto}）",
            )
        )
    no_channel = any(
        f.check == "interaction_response" and f.subtype == "no_channel" for f in findings
    )
    unanswered = sum(
        int(f.evidence.get("count", 1))
        for f in findings
        if f.check == "interaction_response" and f.subtype == "unanswered"
    )
    if no_channel or unanswered:
        reason = (
            "未提供可用的网上咨询建言渠道"
            if no_channel
            else f"{unanswered} 条网民留言超过3个月未回复"
        )
        found.append(Veto("interaction_poor", VETO_NAMES["interaction_poor"], reason))
    if any(f.check == "wording_error" and f.evidence.get("serious") for f in findings):
        found.append(Veto("serious_error", VETO_NAMES["serious_error"], "存在严重表述错误"))
    harmful = Counter(f.subtype for f in findings if _is_harmful_veto(f))
    if harmful:
        counts = "、".join(f"{HARMFUL_KINDS.get(kind, kind)} {n} 个" for kind, n in harmful.items())
        found.append(
            Veto("harmful_links", VETO_NAMES["harmful_links"], f"存在{counts}（严重问题）")
        )
    return found


def deductions(findings: list[Finding], config: ScoringConfig) -> list[dict[str, Any]]:
    """Points deducted per check (capped), by the model table and the site's overrides."""
    table = dict(DEDUCTIONS)
    for key, points in config.deductions.items():
        cap = table.get(key, table.get(key.split("/", 1)[0], (points, 100.0)))[1]
        table[key] = (points, cap)
    per_check: defaultdict[str, float] = defaultdict(float)
    counts: dict[str, int] = Counter()
    distinct: defaultdict[str, set[str]] = defaultdict(set)
    for finding in findings:
        rule = table.get(f"{finding.check}/{finding.subtype}") or table.get(finding.check)
        if rule is None:
            continue
        counts[finding.check] += 1
        if finding.check in DISTINCT:
            values = finding.evidence.get(DISTINCT[finding.check]) or ()
            fresh = {str(value) for value in values} - distinct[finding.check]
            distinct[finding.check] |= fresh
            per_check[finding.check] += rule[0] * len(fresh)
        else:
            per_check[finding.check] += rule[0]
    rows = []
    for check, raw in per_check.items():
        cap = table[check][1] if check in table else raw
        rows.append({"check": check, "count": counts[check], "points": round(min(raw, cap), 1)})
    return sorted(rows, key=lambda row: (-row["points"], row["check"]))


def _day(value: object) -> date | None:
    """The ISO day the crawler wrote, None when there is none or it is not a day."""
    try:
        return date.fromisoformat(value[:10]) if isinstance(value, str) else None
    except ValueError:
        return None


def warnings(
    findings: list[Finding], data: CrawlData, config: ScoringConfig, as_of: date
) -> list[str]:
    """Early warnings at the tighter lines of monitoring practice, before any veto line."""
    found = []
    home = next((p for p in data.pages if p.role == "home"), None)
    newest = _day(home.meta.get("newest_item")) if home is not None else None
    if newest is not None:
        days = (as_of - newest).days
        if days > config.warn_home_days:
            found.append(f"首页已 {days} 天未更新（预警线 {config.warn_home_days} 天）")
    blank = sum(1 for f in findings if f.check == "blank_column")
    if blank > config.warn_blank:
        found.append(f"空白栏目 {blank} 个（预警线 {config.warn_blank} 个）")
    stale = sum(1 for f in findings if _is_stale(f))
    if stale > config.warn_stale:
        found.append(f"不更新栏目 {stale} 个（预警线 {config.warn_stale} 个）")
    soon = sum(
        1 for f in findings if f.check == "stale_column" and f.subtype == "about_to_go_stale"
    )
    if soon:
        found.append(f"{soon} 个栏目即将超期未更新")
    return found


def score(
    findings: list[Finding], data: CrawlData, config: ScoringConfig, as_of: date
) -> dict[str, Any]:
    """The `score` object of findings.json: verdict, vetoes with reasons, points, warnings."""
    vetoed = vetoes(findings, config)
    rows = deductions(findings, config)
    points = None if vetoed else round(max(0.0, 100.0 - sum(row["points"] for row in rows)), 1)
    passed = not vetoed and points is not None and points >= config.pass_mark
    return {
        "verdict": "合格" if passed else "不合格",
        "vetoes": [v.name for v in vetoed],
        "veto_reasons": [v.reason for v in vetoed],
        "points": points,
        "pass_mark": config.pass_mark,
        "deductions": rows,
        "warnings": warnings(findings, data, config, as_of),
        "model": {"zh": MODEL_NOTE_ZH, "en": MODEL_NOTE_EN},
    }
