"""互动交流 of the demo portal: a hub (``/hdjl/``) naming the 局长信箱 and the 在线访谈, and the
mailbox's letters — one left unanswered for four months (互动回应差, a single veto), the others
answered in time, withheld (不予公开), older than a year, or open for less than 3 months.

Dates are offsets from :data:`~xuncha.demo.model.DEMO_AS_OF`, so the mailbox ages with the
demo's nights like every column does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xuncha.demo.answer_key import JTJ, Negative, Planted
from xuncha.demo.model import DEMO_AS_OF

HUB_PATH = "/hdjl/"
MAILBOX_PATH = "/hdjl/jzxx/"
MAILBOX = "局长信箱"
# Named like a channel, but a page about writing: not followed as one.
GUIDE_PATH = "/hdjl/jzxx/xzxz.html"
GUIDE_TEXT = "来信请署真实姓名和联系方式，我们将在15个工作日内答复。"


@dataclass(frozen=True)
class Letter:
    number: int
    title: str
    asked_days_ago: int
    replied_days_ago: int | None
    state: str
    question: str
    reply: str = ""

    @property
    def path(self) -> str:
        return f"{MAILBOX_PATH}{self.number}.html"

    @property
    def asked(self) -> str:
        return (DEMO_AS_OF - dt.timedelta(days=self.asked_days_ago)).isoformat()

    @property
    def replied(self) -> str:
        if self.replied_days_ago is None:
            return ""
        return (DEMO_AS_OF - dt.timedelta(days=self.replied_days_ago)).isoformat()


LETTERS = (
    Letter(1036, "咨询网约车驾驶员证办理流程", 18, 15, "已回复",
           "请问网约车驾驶员从业资格证在哪里办理？需要哪些材料？",
           "您好！请携带身份证、驾驶证到市交通运输综合服务大厅三号窗口办理，考试合格后发证。"),
    Letter(1035, "咨询出租车投诉电话", 23, None, "办理中", "请问出租车服务投诉应拨打哪个电话？"),
    Letter(1034, "关于农村客运班线恢复的请求", 41, 35, "已回复",
           "我村客运班线停运已两个月，村民出行困难，请求尽快恢复。",
           "您好！经与客运企业协调，该班线已于本月恢复运营，每日往返四班。"),
    Letter(1033, "反映某路段路灯损坏问题", 61, None, "不予公开", "（来信人申请不公开）"),
    Letter(1032, "关于城区公交站台遮阳棚的建议", 129, None, "未回复",
           "建议在人民大街沿线公交站台加装遮阳棚，夏季候车太晒。"),
    Letter(1031, "关于驾校收费标准的咨询", 445, None, "未回复",
           "请问本市驾校培训收费有无统一标准？"),
)  # fmt: skip

UNANSWERED = LETTERS[4]


def _planted(check: str, subtype: str, url: str, note: str) -> Planted:
    return Planted(check, subtype, url, note, issue=11)


def _negative(url: str, note: str) -> Negative:
    return Negative(url, note, issue=11)


INTERACTION_PLANTED: list[Planted] = [
    _planted(
        "interaction_response", "unanswered", JTJ + MAILBOX_PATH,
        f"局长信箱: “{UNANSWERED.title}” written 129 days ago and still 未回复 (3 months)",
    ),
]  # fmt: skip

INTERACTION_NEGATIVES: list[Negative] = [
    _negative(JTJ + LETTERS[0].path, "局长信箱: answered in 3 days, with a reply"),
    _negative(JTJ + LETTERS[1].path, "局长信箱: 办理中 for 23 days, inside 3 months"),
    _negative(JTJ + LETTERS[2].path, "局长信箱: answered in 6 days, with a reply"),
    _negative(JTJ + LETTERS[3].path, "局长信箱: 不予公开, not counted however old"),
    _negative(JTJ + LETTERS[5].path, "局长信箱: 未回复 but written over a year ago"),
    _negative(JTJ + HUB_PATH, "互动交流: a hub naming the 局长信箱, which works"),
    _negative(JTJ + GUIDE_PATH, "写信须知: about the mailbox, not a channel"),
]
