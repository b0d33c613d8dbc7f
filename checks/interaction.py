"""`interaction_response` — 互动回应差, a single-veto line of 国办秘函〔2019〕19号: no working
online consultation channel (未提供网上有效咨询建言渠道), or valid messages from the public left
unanswered for more than 3 months within the past year.

What the crawler read (crawler/spiders/boards.py): the channels the home page and the 互动交流
hub name (``channels``), each board's rows (``messages``: title, written, answered, status)
and each message page of the past year (``message``). A message's page wins over its row where
it says something; messages not made public (不予公开) and messages the site marks invalid
(无效, 重复, 不予受理) do not count.

Subtypes: ``no_channel`` (the veto: the home page names no channel, or every channel inside the
site fails to load), ``unanswered`` (the veto: per board, the messages written within the past
year and not answered within 3 months — still open after 3 months, or answered later than
that), ``late_reply`` (a reply later than the profile's local limit in working days; off by
default), ``empty_reply`` (marked answered, with a reply section that says nothing).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from checks import messages
from checks.config import CheckSettings, InteractionConfig
from checks.model import CrawlData, Finding, PageView
from checks.urls import site_root
from checks.workdays import WorkCalendar

# A message written more than this long before the run and still unanswered is a veto.
YEAR = timedelta(days=365)
# A home page showing fewer links than this is drawn by script: its navigation was not read.
MIN_HOME_LINKS = 10
# Only a message the site itself shows as not answered counts as open: a row with no status
# and no reply date (a 民意征集 list, a 信件选登 list of answered letters) proves nothing.
OPEN_STATES = frozenset({"unanswered", "in_progress"})


@dataclass(frozen=True, slots=True)
class Message:
    url: str
    board: str
    title: str
    asked: date | None
    replied: date | None
    state: str | None
    reply_chars: int | None
    counted: bool  # a valid, public message


def interaction_response(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """互动回应差: no working channel; messages unanswered over 3 months; late and empty replies."""
    if data.unreachable:
        return []
    home = next((p for p in data.pages if p.role == "home"), None)
    if home is None:
        return []  # the home page was not read: nothing to say about its channels
    config = settings.checks.interaction
    root = site_root(data)
    boards = [p for p in data.pages if p.role == "board"]
    no_channel = _no_channel(data, home, boards, root)
    if no_channel is not None:
        return [no_channel]
    found = _messages(data.pages)
    counted = [m for m in found if m.counted and m.asked and as_of - YEAR <= m.asked <= as_of]
    return [
        *_unanswered(counted, config, as_of),
        *_late(counted, config, settings.work_calendar()),
        *_empty(counted),
    ]


def _no_channel(
    data: CrawlData, home: PageView, boards: list[PageView], root: str
) -> Finding | None:
    """No channel named, or none that works: every channel inside the site failed to load or
    only says 建设中/暂无, and none is elsewhere (a channel on the province's platform is taken
    as working)."""
    if home.meta.get("anchors", MIN_HOME_LINKS) < MIN_HOME_LINKS:
        return None  # a home page drawn by script: no link read, nothing shown missing
    channels = list(home.meta.get("channels") or [])
    for board in boards:
        channels += board.meta.get("channels") or []
    if any(not c.get("in_site") for c in channels):
        return None
    if any(_works(p) for p in boards):
        return None
    read = {p.url: p for p in boards}
    broken = []
    for channel in channels:
        check = data.link_checks.get(channel["url"])
        entry = {"url": channel["url"], "name": channel.get("name")}
        if channel["url"] in read:
            broken.append({**entry, "placeholder": True})  # read, and it does not work
        elif check is not None and (check.error or (check.status or 0) >= 400):
            broken.append({**entry, "status": check.status, "error": check.error})
        else:
            return None  # not tried, or it loads as something else: not shown to be broken
    evidence: dict[str, Any] = {"channels": len(channels)}
    if broken:
        evidence["broken"] = broken[:10]
    return Finding(
        check="interaction_response",
        subtype="no_channel",
        severity="high",
        url=broken[0]["url"] if broken else root,
        key="no_channel",
        page=home.url,
        pages=(home.url,),
        evidence=evidence,
    )


def _works(board: PageView) -> bool:
    """A board page that loads and is not a bare 建设中/暂无 page: it lists messages, holds a
    form to write on, or at least does not say it has nothing (a list drawn by script)."""
    if board.status is None or board.status >= 400:
        return False
    meta = board.meta
    return bool(meta.get("messages") or meta.get("form") or not meta.get("placeholder"))


def _messages(pages: tuple[PageView, ...]) -> list[Message]:
    """Every message the boards list, each once, its page's reading over its row's."""
    read = {
        p.url: p.meta["message"] for p in pages if p.role == "message" and p.meta.get("message")
    }
    found: dict[str, Message] = {}
    for board in (p for p in pages if p.role == "board"):
        for row in board.meta.get("messages") or []:
            url = row.get("url")
            if not url or url in found:
                continue
            page = read.get(url) or {}
            found[url] = Message(
                url=url,
                board=board.column_url or board.url,
                title=page.get("title") or row.get("title") or "",
                asked=_day(page.get("asked")) or _day(row.get("asked")),
                replied=_day(page.get("replied")) or _day(row.get("replied")),
                state=page.get("state") or row.get("state"),
                reply_chars=page.get("reply_chars"),
                counted=not (row.get("withheld") or page.get("withheld") or page.get("invalid")),
            )
    return list(found.values())


def _day(value: Any) -> date | None:
    """The ISO day the crawler wrote, None when there is none or it is not a day."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _limit(asked: date, months: int) -> date:
    """`months` calendar months after `asked` (the 31st becomes the month's last day)."""
    month = asked.month - 1 + months
    year, month = asked.year + month // 12, month % 12 + 1
    for day in (asked.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 28)


def _unanswered(found: list[Message], config: InteractionConfig, as_of: date) -> list[Finding]:
    by_board: defaultdict[str, list[tuple[Message, str]]] = defaultdict(list)
    for message in found:
        assert message.asked is not None
        due = _limit(message.asked, config.unanswered_months)
        if message.replied is None and message.state in OPEN_STATES:
            if as_of > due:
                by_board[message.board].append((message, "open"))
        elif message.replied is not None and message.replied > due:
            by_board[message.board].append((message, "answered_late"))
    findings = []
    for board, late in sorted(by_board.items()):
        oldest, _ = min(late, key=lambda pair: pair[0].asked or date.max)
        still_open = sum(1 for _, how in late if how == "open")
        evidence = {
            "count": len(late),
            "open": still_open,
            "answered_late": len(late) - still_open,
            "months": config.unanswered_months,
            "oldest_title": oldest.title[:120],
            "oldest_url": oldest.url,
            "oldest_asked": oldest.asked.isoformat() if oldest.asked else None,
        }
        findings.append(_per_board("unanswered", "high", board, oldest, late, evidence))
    return findings


def _per_board(
    subtype: str,
    severity: str,
    board: str,
    named: Message,
    messages: list[tuple[Message, Any]],
    evidence: dict[str, Any],
) -> Finding:
    """One finding for a board's messages; `named` is the one its title names."""
    return Finding(
        check="interaction_response",
        subtype=subtype,
        severity=severity,
        url=board,
        key=f"{subtype}|{board}",
        page=named.url,
        pages=tuple(m.url for m, _ in messages[:50]),
        evidence=evidence,
    )


def _late(found: list[Message], config: InteractionConfig, calendar: WorkCalendar) -> list[Finding]:
    limit = config.reply_working_days
    if not limit:
        return []
    by_board: defaultdict[str, list[tuple[Message, int]]] = defaultdict(list)
    for message in found:
        if message.asked and message.replied:
            days = calendar.between(message.asked, message.replied)
            if days > limit:
                by_board[message.board].append((message, days))
    findings = []
    for board, late in sorted(by_board.items()):
        worst, days = max(late, key=lambda pair: pair[1])
        evidence = {"count": len(late), "limit": limit, "worst_days": days,
                    "worst_title": worst.title[:120], "worst_url": worst.url}  # fmt: skip
        findings.append(_per_board("late_reply", "low", board, worst, late, evidence))
    return findings


def _empty(found: list[Message]) -> list[Finding]:
    return [
        Finding(
            check="interaction_response",
            subtype="empty_reply",
            severity="medium",
            url=m.url,
            key=f"empty_reply|{m.url}",
            page=m.url,
            pages=(m.url,),
            evidence={"title": m.title[:120], "asked": m.asked.isoformat() if m.asked else None},
        )
        for m in found
        if m.state == "replied" and m.reply_chars == 0
    ]


messages.register(
    "interaction_response",
    {
        "no_channel": (
            "互动回应差：未提供可用的网上咨询建言渠道（领导信箱、咨询、留言）",
            "No working online consultation channel (mailbox, consultation, messages)",
        ),
        "unanswered": (
            "互动回应差：{count}条网民留言超过{months}个月未回复（最早为{oldest_asked}的“{oldest_title}”）",
            "{count} messages left unanswered for over {months} months (oldest: "
            "'{oldest_title}', {oldest_asked})",
        ),
        "late_reply": (
            "留言回复超过{limit}个工作日：{count}条（最长{worst_days}个工作日）",
            "{count} replies later than {limit} working days (longest {worst_days})",
        ),
        "empty_reply": (
            "留言标为已回复但回复内容为空：“{title}”",
            "Message marked answered with an empty reply: '{title}'",
        ),
        "*": ("互动回应差", "Poor response to the public's messages"),
    },
    (
        "保持领导信箱、咨询等互动渠道可用，对网民有效留言在规定时限内（最迟3个月）答复并公开"
        "回复内容；不予公开的留言应标明。",
        "Keep the consultation channels working and answer valid messages within the local "
        "limit (3 months at the latest), publishing the reply.",
    ),
    {
        "no_channel": (
            "在首页或互动交流栏目提供可用的领导信箱、网上咨询或留言渠道，并确保页面能正常打开。",
            "Provide a working mailbox, consultation or message channel linked from the home page.",
        ),
        "empty_reply": (
            "补充该留言的答复内容；未答复的留言不得标为“已回复”。",
            "Publish the reply; a message not answered must not be marked answered.",
        ),
    },
)
