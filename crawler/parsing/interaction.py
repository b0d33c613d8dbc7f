"""互动交流: the portal's consultation channels (领导信箱, 咨询, 留言), their message lists and
message pages, read the way an inspector reads them for 互动回应差 (国办秘函〔2019〕19号).

Three shapes, pure functions over parsed HTML:

- ``channel_links``: links that name a channel (县长信箱, 在线咨询, 政民互动, 互动交流…) — from the
  home page's navigation, or from an 互动交流 hub page;
- ``message_rows``: a message list (信件列表) as TRS, Hanweb and 公开平台-style systems print it:
  a table whose header names the columns (标题 / 来信时间 / 回复时间 / 状态), or items (``li``,
  ``div``) holding one link, its dates and its status, often labelled inline (留言时间：…);
- ``read_message``: one message page — when it was written, when and whether it was answered,
  how much the reply says, and whether it is withheld (不予公开) or not a valid message.

Dates are read only where a label or a column header says what they are, or, with no label at
all, in the order lists print them (written first, then answered).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import lxml.html

from crawler.parsing.dates import parse_date
from crawler.parsing.links import rendered_elements

__all__ = [
    "ChannelLink",
    "MessageRow",
    "MessagePage",
    "State",
    "channel_links",
    "is_channel_name",
    "message_rows",
    "read_message",
]

State = Literal["replied", "unanswered", "in_progress"]

# What a channel is called. A mailbox of a leader (书记/市长/县长/区长/局长/主任…信箱), a
# consultation or message board, or the 互动交流 hub that lists them.
_CHANNEL = re.compile(
    r"(?:书记|市长|县长|区长|州长|旗长|乡长|镇长|局长|主任|厅长|院长|领导|部长|首长|社长)信箱"
    r"|网上信箱|政务信箱|信箱|咨询投诉|投诉咨询|网上咨询|在线咨询|咨询建议|我要咨询|我要写信|我要留言"
    r"|在线留言|网上留言|留言板|留言选登|公众留言|信件选登|来信选登|信件公开|民意征集|政民互动"
    r"|互动交流|互动平台|网民留言|百姓问政|民生热线|问政"
)
# Link texts that name a channel but lead to no message: a guide to writing, search boxes.
_NOT_CHANNEL = re.compile(r"须知|说明|指南|规则|查询|统计|满意度|征集结果|调查|访谈")
_MAX_CHANNEL_TEXT = 16  # longer link text is a message's title or an article, not a channel

_ASKED = re.compile(
    r"(?:来信|留言|写信|提交|咨询|提问|投诉|信件|发信|发件|诉求|受理|创建)(?:时间|日期)"
)
_REPLIED = re.compile(r"(?:回复|答复|办结|回信|反馈|处理|办理|回应)(?:时间|日期)")
_STATE_LABEL = re.compile(r"(?:办理|处理|回复|答复|信件|办件)?状态")
_REPLY_LABEL = re.compile(
    r"(?:回复|答复|办理|处理|反馈|回信)(?:内容|意见|结果|情况)|(?:^|\s)(?:回复|答复)\s*[:：]"
)
_REPLY_END = re.compile(
    r"(?:回复|答复|办理|处理|办结)(?:单位|部门|机构|时间|日期)|(?:评价|满意度|附件|打印|关闭)"
)
_REPLIED_WORDS = re.compile(r"已回复|已答复|已办结|已处理|已反馈|已回信|办结|已完成")
_UNANSWERED_WORDS = re.compile(r"未回复|未答复|待回复|待答复|未处理|待处理|未办结|未受理|待受理")
_IN_PROGRESS_WORDS = re.compile(
    r"办理中|处理中|正在办理|正在处理|转办中|已转办|已受理|已交办|交办中"
)
# Not counted by the rule: messages not made public, and messages judged invalid.
_WITHHELD = re.compile(r"不予公开|不公开|申请保密|涉及个人隐私")
_INVALID = re.compile(r"无效(?:留言|信件)|重复(?:留言|信件|件)|不予受理|不属于受理范围")


@dataclass(frozen=True, slots=True)
class ChannelLink:
    url: str
    name: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One message as its list shows it."""

    url: str
    title: str
    asked: datetime.date | None
    replied: datetime.date | None
    state: State | None
    withheld: bool


@dataclass(frozen=True, slots=True)
class MessagePage:
    """One message as its own page shows it. ``reply_chars`` is the length of the reply's
    text (spaces excluded); ``None`` when the page has no reply section at all."""

    title: str
    asked: datetime.date | None
    replied: datetime.date | None
    state: State | None
    reply_chars: int | None
    withheld: bool
    invalid: bool


def is_channel_name(text: str) -> bool:
    """Whether a link's text names a consultation channel or the 互动交流 hub."""
    text = "".join(text.split())
    return (
        0 < len(text) <= _MAX_CHANNEL_TEXT
        and bool(_CHANNEL.search(text))
        and not _NOT_CHANNEL.search(text)
    )


def channel_links(doc: lxml.html.HtmlElement, url: str) -> list[ChannelLink]:
    """The links of a page that name a channel, each target once, in page order."""
    found: dict[str, str] = {}
    for element in rendered_elements(doc):
        if element.tag != "a":
            continue
        href = (element.get("href") or "").strip()
        text = _text(element) or (element.get("title") or "").strip()
        if (
            not href
            or href.startswith(("javascript:", "#", "mailto:"))
            or not is_channel_name(text)
        ):
            continue
        target = lxml.html.urljoin(doc.base_url or url, href).split("#", 1)[0]
        if urlsplit(target).scheme in ("http", "https"):
            found.setdefault(target, "".join(text.split()))
    return [ChannelLink(target, name) for target, name in found.items()]


# -- message lists ------------------------------------------------------------------------


def message_rows(doc: lxml.html.HtmlElement, url: str) -> list[MessageRow]:
    """The messages a list page shows: from a table with a header naming its columns, else
    from items holding one link and at least one date."""
    rows = list(_table_rows(doc, url))
    if rows:
        return _unique(rows)
    return _unique(list(_item_rows(doc, url)))


def _unique(rows: list[MessageRow]) -> list[MessageRow]:
    seen: dict[str, MessageRow] = {}
    for row in rows:
        seen.setdefault(row.url, row)
    return list(seen.values())


def _table_rows(doc: lxml.html.HtmlElement, url: str) -> Iterator[MessageRow]:
    for table in doc.iter("table"):
        if table.find(".//table") is not None:
            continue  # a layout table: its inner tables are read on their own
        header: dict[str, int] = {}
        for tr in table.iter("tr"):
            cells = [c for c in tr if c.tag in ("td", "th")]
            texts = ["".join(_text(c).split()) for c in cells]
            link = _message_link(tr, url)
            if link is None:
                if any(_ASKED.search(t) or _REPLIED.search(t) or t.endswith("状态") for t in texts):
                    header = _header(texts)
                continue
            row = _row_from_cells(link, texts, header)
            if row is not None:
                yield row


def _header(texts: list[str]) -> dict[str, int]:
    header: dict[str, int] = {}
    for index, text in enumerate(texts):
        if len(text) > 10:
            continue
        if _REPLIED.search(text):
            header.setdefault("replied", index)
        elif _ASKED.search(text) or text in ("时间", "日期", "发布时间"):
            header.setdefault("asked", index)
        elif _STATE_LABEL.fullmatch(text) or text.endswith("状态"):
            header.setdefault("state", index)
    return header


def _row_from_cells(
    link: tuple[str, str], texts: list[str], header: dict[str, int]
) -> MessageRow | None:
    url, title = link
    whole = " ".join(texts)
    if header:
        asked = _cell_date(texts, header.get("asked"))
        replied = _cell_date(texts, header.get("replied"))
        state_text = texts[header["state"]] if header.get("state", 99) < len(texts) else whole
    else:
        dates = [d for d in (parse_date(t) for t in texts) if d]
        if not dates:
            return None
        asked, replied = dates[0], dates[1] if len(dates) > 1 else None
        state_text = whole
    if asked is None and replied is None:
        return None
    return MessageRow(
        url, title, asked, replied, state_of(state_text), bool(_WITHHELD.search(whole))
    )


def _cell_date(texts: list[str], index: int | None) -> datetime.date | None:
    if index is None or index >= len(texts):
        return None
    return parse_date(texts[index])


def _item_rows(doc: lxml.html.HtmlElement, url: str) -> Iterator[MessageRow]:
    for item in doc.iter("li", "dl", "div", "p"):
        anchors = [a for a in item.iter("a") if _message_link(a, url, anchor=True)]
        if len(anchors) != 1 or _has_child_item(item):
            continue
        link = _message_link(anchors[0], url, anchor=True)
        if link is None:
            continue
        text = " ".join(_text(item).split())
        asked, replied = _labelled_dates(text)
        if asked is None and replied is None:
            dates = _dates_in(text.replace(link[1], " "))
            if not dates:
                continue
            asked, replied = dates[0], dates[1] if len(dates) > 1 else None
        yield MessageRow(
            link[0], link[1], asked, replied, state_of(text), bool(_WITHHELD.search(text))
        )


def _has_child_item(element: lxml.html.HtmlElement) -> bool:
    """An element holding several items is a list, not an item: its items are read instead."""
    return any(
        child.tag in ("li", "dl", "div", "p") and child.find(".//a") is not None
        for child in element.iterdescendants()
    )


def _message_link(
    element: lxml.html.HtmlElement, url: str, *, anchor: bool = False
) -> tuple[str, str] | None:
    """The (target, title) of the one message link in a row: the longest link text."""
    anchors = [element] if anchor else list(element.iter("a"))
    best: tuple[str, str] | None = None
    for a in anchors:
        href = (a.get("href") or "").strip()
        title = " ".join(((a.get("title") or "").strip() or _text(a)).split())
        if not href or href.startswith(("javascript:", "#", "mailto:")) or len(title) < 4:
            continue
        if is_channel_name(title) or re.fullmatch(
            r"[\d\s上下首尾页一]+|更多.*|查看.*|详细.*", title
        ):
            continue
        if best is None or len(title) > len(best[1]):
            best = (lxml.html.urljoin(url, href).split("#", 1)[0], title)
    return best


# -- a message page -----------------------------------------------------------------------


def read_message(doc: lxml.html.HtmlElement) -> MessagePage:
    """What one message page says of the message and its reply."""
    lines = _lines(doc)
    text = " ".join(lines)
    asked, replied = _labelled_dates(text)
    title = _labelled_value(lines, re.compile(r"(?:信件|来信|留言|咨询)?(?:标题|主题)")) or ""
    state_text = _labelled_value(lines, _STATE_LABEL) or ""
    reply = _reply_chars(doc)
    state = state_of(state_text) or (
        "replied" if replied is not None or (reply is not None and reply > 0) else None
    )
    return MessagePage(
        title=title,
        asked=asked,
        replied=replied,
        state=state,
        reply_chars=reply,
        withheld=bool(_WITHHELD.search(state_text) or _WITHHELD.search(title)),
        invalid=bool(_INVALID.search(state_text)),
    )


def state_of(text: str) -> State | None:
    """The status a text states; unanswered words first (未回复 holds 回复)."""
    if _UNANSWERED_WORDS.search(text):
        return "unanswered"
    if _IN_PROGRESS_WORDS.search(text):
        return "in_progress"
    if _REPLIED_WORDS.search(text):
        return "replied"
    return None


def _labelled_dates(text: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The dates after a "written" label and after an "answered" label."""
    return _date_after(_ASKED, text), _date_after(_REPLIED, text)


def _date_after(label: re.Pattern[str], text: str) -> datetime.date | None:
    for match in label.finditer(text):
        found = parse_date(text[match.end() : match.end() + 30])
        if found is not None:
            return found
    return None


def _dates_in(text: str) -> list[datetime.date]:
    found: list[datetime.date] = []
    rest = text
    while (day := parse_date(rest)) is not None:
        found.append(day)
        position = rest.find(str(day.year))
        rest = rest[position + 4 :] if position >= 0 else ""
    return found


def _labelled_value(lines: list[str], label: re.Pattern[str]) -> str | None:
    """The value written after a label (``状态：已回复``), on its line or the next one."""
    for index, line in enumerate(lines):
        match = re.match(r"\s*(?:" + label.pattern + r")\s*[:：]?\s*", line)
        if not match:
            continue
        value = line[match.end() :].strip()
        if value:
            return value[:200]
        if index + 1 < len(lines):
            return lines[index + 1][:200]
    return None


def _reply_chars(doc: lxml.html.HtmlElement) -> int | None:
    """Characters of the reply: what follows its label (回复内容 / 答复意见 …) — the rest of the
    label's own element, then its following siblings up to the next labelled field; if those
    say nothing, the block after the label's parent (a header row, then the reply's row).
    ``None`` when no label is found."""
    for element in rendered_elements(doc):
        if element.tag in _SKIPPED:
            continue
        own = " ".join((element.text or "").split())
        match = _REPLY_LABEL.match(own) if own else None
        if not match or len(_text(element)) > len(own) + 400:
            continue  # a label, not a whole page that happens to start with one
        parts = [own[match.end() :].lstrip(" :：")]
        parts += [" ".join(_text(child).split()) for child in element]
        parts.append(element.tail or "")
        parts += _until_label(element.itersiblings())
        chars = _chars(parts)
        parent = element.getparent()
        if chars == 0 and parent is not None and parent.tag in ("tr", "dt", "th", "td", "p", "div"):
            chars = _chars(_until_label(parent.itersiblings(), limit=1))
        return chars
    return None


def _until_label(siblings: Iterator[lxml.html.HtmlElement], limit: int = 50) -> list[str]:
    parts: list[str] = []
    for sibling in siblings:
        if not isinstance(sibling.tag, str) or sibling.tag in _SKIPPED:
            continue
        text = _text(sibling)
        if _REPLY_END.match(text) or _ASKED.match(text) or _REPLIED.match(text):
            break
        parts.append(text)
        parts.append(sibling.tail or "")
        if len(parts) >= 2 * limit:
            break
    return parts


def _chars(parts: list[str]) -> int:
    return len("".join("".join(parts).split()))


_SKIPPED = frozenset({"script", "style", "noscript", "template", "title"})


def _lines(doc: lxml.html.HtmlElement) -> list[str]:
    """The page's visible text as lines: one per text run."""
    lines: list[str] = []
    for element in rendered_elements(doc):
        chunks = [] if element.tag in _SKIPPED else [element.text]
        if element.getparent() is not None:
            chunks.append(element.tail)
        lines += [" ".join(c.split()) for c in chunks if c and c.strip()]
    return lines


def _text(element: lxml.html.HtmlElement) -> str:
    """The element's text, its pieces kept apart (a list prints its dates side by side)."""
    return " ".join(" ".join(element.itertext()).split())
