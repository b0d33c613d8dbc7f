"""The unseen portal's 互动交流: a hub (``/hdjl/index.html``) naming the 县长信箱, a Hanweb-style
letter list (``<li>`` with 留言时间 and 状态 labelled inline) and the letters' pages, whose
replies sit under 答复内容 in paragraphs. One letter has waited four months (互动回应差), one
is marked 已办结 with nothing under 答复内容; the others are answered in time, still inside
3 months, or older than a year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from html import escape

HUB = "/hdjl/index.html"
MAILBOX = "/hdjl/mailbox.html"
WRITING_GUIDE = "/hdjl/xxzn.html"


@dataclass(frozen=True)
class Letter:
    number: int
    title: str
    asked: date
    state: str
    replied: date | None = None
    reply: str = ""

    @property
    def path(self) -> str:
        return f"/hdjl/letter_{self.number}.html"


LETTERS = (
    Letter(6, "关于校车接送时间的建议", date(2026, 9, 30), "办理中"),
    Letter(5, "关于小区充电桩安装的建议", date(2026, 9, 28), "已办结", date(2026, 9, 30), ""),
    Letter(4, "咨询新生儿医保办理", date(2026, 9, 21), "已办结", date(2026, 9, 24),
           "您好！新生儿可在出生后凭出生医学证明到县医保服务大厅或通过“浙里办”参保。"),
    Letter(3, "咨询农村建房审批", date(2026, 8, 15), "已办结", date(2026, 8, 20),
           "您好！农村村民建房须向村委会提出申请，经乡镇审核后报县自然资源部门审批。"),
    Letter(2, "关于县城东路积水问题的反映", date(2026, 6, 2), "待回复"),
    Letter(1, "咨询老年证办理地点", date(2025, 8, 1), "待回复"),
)  # fmt: skip
UNANSWERED, EMPTY_REPLY = LETTERS[4], LETTERS[1]


def mailbox_main() -> str:
    rows = "".join(
        f'<li><a href="{letter.path}" title="{escape(letter.title)}">{escape(letter.title)}</a>'
        f"<span>留言时间：{letter.asked:%Y-%m-%d}</span><span>状态：{letter.state}</span></li>"
        for letter in LETTERS
    )
    return f'<h2>县长信箱</h2><a href="{WRITING_GUIDE}">写信须知</a><ul class="xjlist">{rows}</ul>'


def letter_main(letter: Letter) -> str:
    reply = ""
    if letter.replied is not None:
        reply = (
            '<div class="hfnr"><p><b>答复内容：</b></p>'
            f"<p>{escape(letter.reply)}</p><p>答复单位：清溪县人民政府办公室</p>"
            f"<p>答复时间：{letter.replied:%Y年%m月%d日}</p></div>"
        )
    return (
        f'<div class="xjxq"><h2>{escape(letter.title)}</h2>'
        f"<p>留言时间：{letter.asked:%Y-%m-%d}</p><p>留言内容：（略）</p>"
        f"<p>办理状态：{letter.state}</p>{reply}</div>"
    )


PAGES = (
    {MAILBOX: ("县长信箱", mailbox_main())}
    | {letter.path: (letter.title, letter_main(letter)) for letter in LETTERS}
    | {WRITING_GUIDE: ("写信须知", "<h2>写信须知</h2><p>请如实填写姓名和联系方式。</p>")}
)
