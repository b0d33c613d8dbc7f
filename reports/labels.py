"""Every word the reports and the command line show, 中文 and English.

Templates read :data:`LABELS` as ``t.key``; with StrictUndefined a key missing from one language
fails the render instead of showing a blank, so both tables must hold the same keys (a test says
so). The smaller tables below name one thing each (a run's status, a finding's status, an
event's action, a severity, a look-back outcome) in both languages, for the templates, the
spreadsheets and the command line alike: each is defined here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from checks.registry import REGISTRY

LABELS = {
    "zh": {
        "report": "检测报告", "site": "网站", "run": "检测批次", "as_of": "检测基准日",
        "started": "开始时间", "finished": "结束时间", "status": "运行状态", "pages": "抓取页面",
        "links": "检查链接", "findings": "问题", "check": "问题类型", "severity": "严重程度",
        "title": "问题描述", "url": "问题链接", "page": "所在页面", "column": "栏目",
        "first_seen": "发现时间", "deadline": "整改时限", "none": "本次检测未发现问题。",
        "not_judged": "本次检测未完成，未作检查，没有问题清单；这不表示网站没有问题。",
        "act_first": "先处理：待整改的严重问题（按责任单位）", "high_open": "严重问题",
        "overdue": "已逾期", "next_deadline": "最近时限", "act_first_items": "问题（按时限）",
        "more_findings": "另有 {n} 个", "no_high": "没有待整改的严重问题。",
        "deduction_table": "扣分明细", "filter_placeholder": "筛选：输入关键词、网址或栏目",
        "all_severities": "全部严重程度", "all_statuses": "全部整改状态",
        "filter_count": "显示 {n} 个问题",
        "incomplete": "本次检测未完整结束，结果仅供参考。", "by_check": "按问题类型统计",
        "more_pages": "另有 {n} 个页面", "generated": "由巡查（Xuncha）生成",
        "high": "高", "medium": "中", "low": "低", "finding_status": "整改状态",
        "message": "说明", "verdict": "检测结论",
        "points": "得分", "vetoes": "单项否决", "warnings": "预警", "deductions": "扣分",
        "upcoming": "即将到期的法定公开事项（尚未到期）", "item": "事项", "year": "年度",
        "due": "截止日期", "basis": "依据", "unit": "责任单位",
        # run report additions
        "changes": "与上次检测相比", "first_run": "首次检测：本次发现的 {n} 个问题均为新发现。",
        "previous": "上次检测 #{run}（{as_of}）", "opened": "新发现", "fixed": "已整改",
        "reopened": "复发", "no_changes": "无变化。", "by_column": "按栏目统计",
        "by_unit": "按责任单位统计", "no_column": "（未归属栏目）", "no_unit": "（未指定单位）",
        "count": "数量", "trend": "待整改问题趋势", "trend_none": "尚无检测记录。",
        "trend_axis_y": "待整改问题数", "trend_axis_x": "检测基准日",
        "trend_incomplete": "空心点：该次检测未完整结束", "availability": "本周可访问性",
        "probe_window": "统计时段", "probe_tries": "探测次数", "probe_failures": "失败次数",
        "probe_failure_pct": "失败率", "probe_verdict": "判定",
        "probe_crossed": "已达到“站点无法访问”标准（失败率 ≥ {pct}%）",
        "probe_ok": "未达到“站点无法访问”标准（失败率 < {pct}%）",
        "probe_none": "本周没有可访问性探测记录（请每小时运行 xuncha probe）。",
        "probe_few": "探测次数少于标准要求的每天 {per_day} 次、共 {n} 次，结论仅供参考。",
        "evidence": "证据", "how_to_fix": "整改建议", "source_pages": "来源页面",
        "person": "责任人",
        "pruned": "本次检测的抓取明细（页面、链接、栏目等）已于 {day} 按保留设置清理；"
        "问题、评分和整改记录完整保留，按栏目统计不再提供。",
        "incremental": "增量巡查：{pages} 个页面自第 #{run} 次检测以来未变化或未到轮换复核日，"
        "沿用该次抓取结果（其中 {revalidated} 个已向服务器确认未变）；"
        "{checks} 个链接的可用结果在有效期内沿用（失效链接每次都重新检测）。",
        "crawl_notes": "抓取说明：以下页面只能部分读取（属抓取说明，不是网站问题）：",
        "crawl_note_invalid_bytes": "{n} 个页面含有不符合其编码的字节，已替换为 �，"
        "其余内容照常检查",
        "crawl_note_truncated": "{n} 个页面标签嵌套超过 2048 层，超出部分未能读取、未检查",
        "crawl_note_example": "；例如",
        "link_rules": "本次检测按站点配置的链接规则（links）执行：",
        "link_rule_exclude": "排除规则 {subject}：跳过 {n} 个链接"
        "（不访问、不判断断链；错链照常报告）",
        "link_rule_accept": "接受规则 {subject} {status}：{n} 个链接未报告为断链",
        "link_rule_slow_host": "慢速主机 {subject}：超时放宽为 {timeout} 秒，涉及 {n} 个链接",
        "spider_traps": "抓取说明：以下链接模式会无限生成新地址（爬虫陷阱），本次检测已停止跟进"
        "（属抓取说明，不是网站问题）：",
        "spider_trap": "{kind} {pattern}：保留 {kept} 个页面，未跟进 {dropped} 个链接，"
        "例如 {example}",
        "trap_long_url": "地址过长", "trap_deep_path": "目录层级过深",
        "trap_repeated_segment": "目录重复嵌套", "trap_query_values": "参数值不断变化",
        "trap_same_page": "仅数字不同的重复页面",
        # ledger and look-back
        "ledger": "整改台账", "lookback": "回头看", "period": "统计区间",
        "lookback_as_of": "判定日期", "outcome": "整改结果", "total": "合计",
        "all_units": "全部", "history": "处理记录", "event_at": "时间", "event_by": "来源",
        "event_action": "动作", "event_status": "状态", "event_reason": "说明",
        "lookback_none": "该区间内没有新发现的问题。", "fixed_on": "整改日期",
        "by_unit_outcome": "按责任单位统计整改结果", "findings_in_period": "区间内发现的问题",
        # the ledger's 说明 sheet: how its deadlines (整改时限) were counted
        "calendar_sheet": "说明", "calendar_title": "整改时限的计算",
        "calendar_rule": "整改时限按工作日计算，自发现次日起算：国务院办公厅通知的放假日不计，"
        "调休上班日计入。",
        "calendar_builtin": "节假日安排：内置 {first}—{last} 年国务院办公厅部分节假日安排的通知。",
        "calendar_file": "{site}：另按本站节假日安排文件（{years} 年），"
        "与内置安排不同的日期以该文件为准。",
        "calendar_weekdays": "{n} 条整改时限按周一至周五计算，未计 {years} 年节假日和调休"
        "（见各条备注）。",
        "calendar_row": "整改时限按周一至周五计算，未计 {years} 年节假日和调休",
        # site index
        "index": "网站检测汇总", "latest_run": "最近检测", "open_findings": "待整改问题",
        "no_run": "尚无检测", "no_score": "未评分", "report_link": "查看报告",
        "pass": "合格", "fail": "不合格", "colon": "：",
    },
    "en": {
        "report": "Inspection report", "site": "Site", "run": "Run", "as_of": "As of",
        "started": "Started", "finished": "Finished", "status": "Status", "pages": "Pages",
        "links": "Links checked", "findings": "Findings", "check": "Check",
        "severity": "Severity", "title": "Problem", "url": "URL", "page": "Seen on",
        "column": "Column", "first_seen": "First seen", "deadline": "Deadline",
        "none": "No findings in this run.",
        "act_first": "Act first: high-severity findings to fix, by unit", "high_open": "High",
        "overdue": "Overdue", "next_deadline": "Next deadline",
        "act_first_items": "Findings (by deadline)", "more_findings": "{n} more",
        "no_high": "No high-severity finding to fix.", "deduction_table": "Deductions",
        "filter_placeholder": "Filter: words, URL or column",
        "all_severities": "All severities", "all_statuses": "All statuses",
        "filter_count": "{n} findings shown",
        "not_judged": "This run did not end, so nothing was checked: no findings does not "
        "mean no problems.",
        "incomplete": "This run did not complete; results are partial.",
        "by_check": "Findings by check", "more_pages": "and {n} more pages",
        "generated": "Generated by Xuncha", "high": "high", "medium": "medium", "low": "low",
        "finding_status": "Status", "message": "Message",
        "verdict": "Verdict", "points": "Score", "vetoes": "Single-veto items",
        "warnings": "Early warnings", "deductions": "Deductions",
        "upcoming": "Statutory items coming due (not yet due)", "item": "Item", "year": "Year",
        "due": "Due", "basis": "Basis", "unit": "Responsible unit",
        "changes": "Since the last run", "first_run": "First run: all {n} findings are new.",
        "previous": "Previous run #{run} ({as_of})", "opened": "New", "fixed": "Fixed",
        "reopened": "Reopened", "no_changes": "No change.", "by_column": "Findings by column",
        "by_unit": "Findings by responsible unit", "no_column": "(no column)",
        "no_unit": "(no unit)", "count": "Count", "trend": "Open findings over the last runs",
        "trend_none": "No runs yet.", "trend_axis_y": "Open findings", "trend_axis_x": "Run date",
        "trend_incomplete": "Hollow point: that run did not complete",
        "availability": "Availability this week", "probe_window": "Window",
        "probe_tries": "Tries", "probe_failures": "Failures", "probe_failure_pct": "Failure rate",
        "probe_verdict": "Verdict",
        "probe_crossed": "Crosses the 'site unreachable' line (failures ≥ {pct}%)",
        "probe_ok": "Below the 'site unreachable' line (failures < {pct}%)",
        "probe_none": "No probes recorded this week (run xuncha probe hourly).",
        "probe_few": "Fewer tries than the standard's {per_day} a day ({n} a week); "
        "indicative only.",
        "evidence": "Evidence", "how_to_fix": "How to fix", "source_pages": "Source pages",
        "person": "Person",
        "pruned": "This run's crawl details (pages, links, columns…) were pruned on {day} "
        "under the retention setting; its findings, score and history are kept, the counts by "
        "column are not.",
        "incremental": "Incremental run: {pages} pages unchanged since run #{run}, or not due "
        "for their rotation yet, were kept as that run saw them ({revalidated} of them confirmed "
        "unchanged by the server); {checks} working-link results were reused within their "
        "validity (broken links are re-checked every run).",
        "crawl_notes": "Crawl note: these pages could be read only in part (a note of the "
        "crawl, not a defect of the site):",
        "crawl_note_invalid_bytes": "{n} pages carry bytes their encoding does not allow, "
        "replaced by �; the rest of them was checked",
        "crawl_note_truncated": "{n} pages nest their tags more than 2048 deep; what lies "
        "deeper could not be read or checked",
        "crawl_note_example": "; e.g.",
        "link_rules": "This run applied the link rules of the site profile (links):",
        "link_rule_exclude": "Exclusion {subject}: {n} links skipped (not fetched, not judged "
        "broken; wrong links still reported)",
        "link_rule_accept": "Accepted {subject} {status}: {n} links not reported as broken",
        "link_rule_slow_host": "Slow host {subject}: timeout raised to {timeout} s, {n} links",
        "spider_traps": "Crawl note: these link patterns generate new addresses without end "
        "(spider traps); the crawl stopped following them (a note of the crawl, not a defect "
        "of the site):",
        "spider_trap": "{kind} {pattern}: {kept} pages kept, {dropped} links not followed, "
        "e.g. {example}",
        "trap_long_url": "URL too long", "trap_deep_path": "path too deep",
        "trap_repeated_segment": "folder nested in itself",
        "trap_query_values": "query values that keep changing",
        "trap_same_page": "pages that differ only by numbers",
        "ledger": "Rectification ledger", "lookback": "Look-back", "period": "Period",
        "lookback_as_of": "Judged on", "outcome": "Outcome", "total": "Total",
        "all_units": "All", "history": "History", "event_at": "When", "event_by": "By",
        "event_action": "Action", "event_status": "Status", "event_reason": "Reason",
        "lookback_none": "No finding was first seen in this period.", "fixed_on": "Fixed on",
        "by_unit_outcome": "Outcomes by responsible unit",
        "findings_in_period": "Findings first seen in the period",
        "calendar_sheet": "Notes", "calendar_title": "How deadlines are counted",
        "calendar_rule": "Deadlines are counted in working days from the day after a finding is "
        "first seen: the holidays of the State Council's notices are skipped, their make-up "
        "working days (调休) count.",
        "calendar_builtin": "Holidays: the State Council's notices for {first}–{last}, built in.",
        "calendar_file": "{site}: also the site's holidays file ({years}); where it differs from "
        "the built-in notices, the file wins.",
        "calendar_weekdays": "Deadlines counted Monday to Friday, without the holidays and "
        "make-up days of {years}: {n} (see their notes).",
        "calendar_row": "Deadline counted Monday to Friday, without the holidays of {years}",
        "index": "Sites inspected", "latest_run": "Latest run", "open_findings": "Open findings",
        "no_run": "no run yet", "no_score": "not scored", "report_link": "report",
        "pass": "pass", "fail": "fail", "colon": ": ",
    },
}  # fmt: skip

# (中文, English) of each key.
Names = Mapping[str, tuple[str, str]]

# A run's status (运行状态), and what a night's summary says of a site that got no run.
RUN_STATUS_LABELS: Names = {
    "running": ("运行中", "running"),
    "judging": ("检查中", "judging"),
    "finished": ("已完成", "finished"),
    "failed": ("失败", "failed"),
    "interrupted": ("中断", "interrupted"),
    "locked": ("正在被另一次检测占用", "locked by another run"),
    "error": ("出错", "error"),
    "skipped": ("未运行", "skipped"),
}
# A finding's status (整改状态).
STATUS_LABELS: Names = {
    "open": ("待整改", "open"),
    "reopened": ("重新打开", "reopened"),
    "fixed": ("已整改", "fixed"),
    "waived": ("不予整改", "waived"),
    "false_positive": ("误报", "false positive"),
}
# What an event of a finding's history did.
ACTION_LABELS: Names = {
    "opened": ("发现", "opened"),
    "fixed": ("复查已整改", "fixed"),
    "reopened": ("重新打开", "reopened"),
    "changed": ("问题变化", "changed"),
    "assigned": ("指派", "assigned"),
    "waived": ("不予整改", "waived"),
    "false_positive": ("标记误报", "marked false positive"),
    "note": ("备注", "note"),
}
SEVERITY_LABELS: Names = {"high": ("高", "high"), "medium": ("中", "medium"), "low": ("低", "low")}
VERDICT_LABELS: Names = {"合格": ("合格", "pass"), "不合格": ("不合格", "fail")}
# The single vetoes (单项否决) as a run's score names them (checks/scoring.py's VETO_NAMES).
VETO_LABELS: Names = {
    "站点无法访问": ("站点无法访问", "site unreachable"),
    "首页不更新": ("首页不更新", "home page not updated"),
    "栏目不更新": ("栏目不更新", "columns not updated"),
    "空白栏目": ("空白栏目", "blank columns"),
    "严重表述错误": ("严重表述错误", "serious misstatement"),
    "暗链及违法有害链接": ("暗链及违法有害链接", "hidden and harmful links"),
    "互动回应差": ("互动回应差", "poor interaction and response"),
}


def label(table: Names, key: str | None, lang: str = "zh") -> str:
    """``key`` named in ``lang`` (the key itself when the table does not know it)."""
    if key is None:
        return ""
    zh, en = table.get(key, (key, key))
    return en if lang == "en" else zh


def check_name(check_id: str, lang: str) -> str:
    """A check's short name: 断链, 栏目不更新… (its id, spaced, in English)."""
    info = REGISTRY.get(check_id)
    if info is None:
        return check_id
    if lang == "en":
        return check_id.replace("_", " ")
    return info.zh.split("：", 1)[0].split(" (", 1)[0]


def status_move(event: Any, lang: str = "zh") -> str:
    """ "旧 → 新" (or just the new status) of an event that changed the status, else ""."""
    if not event.new_status:
        return ""
    old = label(STATUS_LABELS, event.old_status, lang)
    new = label(STATUS_LABELS, event.new_status, lang)
    return f"{old} → {new}" if old else new


# The fields an assignment changes, as a finding's history names them.
FIELD_LABELS: Names = {
    "unit": ("责任单位", "unit"),
    "person": ("责任人", "person"),
    "deadline": ("整改时限", "deadline"),
}


def event_details(event: Any, lang: str = "zh") -> list[str]:
    """The event's reason, then each changed field as "责任单位：before → after" (English:
    "unit: before → after")."""
    details = [event.reason or ""]
    separator = ": " if lang == "en" else "："
    for key, pair in (event.changes or {}).items():
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        name = label(FIELD_LABELS, key, lang)
        details.append(f"{name}{separator}{before or '-'} → {after or '-'}")
    return [d for d in details if d]


# Look-back outcomes (回头看), in the order the table shows them: (key, 中文, English).
OUTCOMES: tuple[tuple[str, str, str], ...] = (
    ("fixed_on_time", "按期整改", "fixed on time"),
    ("fixed_late", "逾期整改", "fixed late"),
    ("open_overdue", "逾期未整改", "open, overdue"),
    ("open", "整改中（未到期）", "open, not yet due"),
    ("reopened", "整改后复发", "reopened"),
    ("waived", "不予整改", "waived"),
    ("false_positive", "误报", "false positive"),
)
OUTCOME_KEYS = tuple(key for key, _, _ in OUTCOMES)


def labels(lang: str) -> dict[str, str]:
    """The label table of `lang` (anything but ``en`` is 中文)."""
    return LABELS["en" if lang == "en" else "zh"]


def outcome_label(key: str, lang: str) -> str:
    for known, zh, en in OUTCOMES:
        if known == key:
            return en if lang == "en" else zh
    return key
