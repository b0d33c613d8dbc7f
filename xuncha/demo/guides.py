"""办事指南 of the demo portal: the 办事指南 column (catalog key ``bszn``) and its two guides.

中国政府网《关于“办事指南”指标的说明》 asks every guide for 8 element classes: 事项名称, 设定依据,
申请条件, 办理材料, 办理地点, 办理时间, 联系电话, 办理流程. Each guide here is laid out as most
CMSs lay them out, a two-column table (label | value), a line of introduction above it:

- item 0, 道路旅客运输经营许可办事指南: every class labelled and filled in, beside elements outside
  the eight (办理时限, 收费标准) — complete, no finding;
- item 1, 出租汽车驾驶员从业资格证核发办事指南: no 设定依据 row at all, and a 办理时间 row whose
  value cell the editor left empty — 办事指南要素缺失, lacking exactly those two.

The rows are data; the column (its name, dates, list) is in :mod:`xuncha.demo.catalog`, the
page layout in ``templates/article.html``.
"""

from __future__ import annotations

from dataclasses import dataclass

from xuncha.demo.answer_key import Negative, Planted, column_url, page_url
from xuncha.demo.model import Article

GUIDE_COLUMN = "bszn"
OFFICE = "辽源市政务服务中心二楼交通运输窗口"
HOURS = "工作日上午8:30—11:30，下午13:00—17:00（法定节假日除外）"
PHONE = "0437-3212328"


@dataclass(frozen=True)
class Guide:
    """One guide: the item of the 办事指南 column it is, its introduction and its table rows."""

    index: int
    intro: str
    rows: tuple[tuple[str, str], ...]


GUIDES: tuple[Guide, ...] = (
    Guide(
        0,
        "本指南适用于道路旅客运输经营许可的申请和办理。",
        (
            ("事项名称", "道路旅客运输经营许可"),
            ("设定依据", "《中华人民共和国道路运输条例》第八条、第十条"),
            ("申请条件", "有与其经营业务相适应并经检测合格的客车；有符合规定条件的驾驶人员；"
                         "有健全的安全生产管理制度。"),
            ("申请材料", "道路旅客运输经营申请表；企业法定代表人身份证明；拟投入客车承诺书；"
                         "安全生产管理制度文本。"),
            ("办理地点", OFFICE),
            ("办理时间", HOURS),
            ("办理时限", "20个工作日"),
            ("收费标准", "不收费"),
            ("咨询电话", PHONE),
            ("办理流程", "申请—受理—审查—决定—发证"),
        ),
    ),
    Guide(
        1,
        "本指南适用于出租汽车驾驶员从业资格证的申请和核发。",
        (
            ("事项名称", "出租汽车驾驶员从业资格证核发"),
            ("申请条件", "取得相应准驾车型机动车驾驶证1年以上；无暴力犯罪记录；"
                         "经全国公共科目和区域科目考试合格。"),
            ("申请材料", "出租汽车驾驶员从业资格证申请表；机动车驾驶证；本人身份证明。"),
            ("办理地点", OFFICE),
            ("办理时间", ""),
            ("办理时限", "考试合格后10个工作日"),
            ("收费标准", "不收费"),
            ("咨询电话", PHONE),
            ("办理流程", "报名—考试—发证"),
        ),
    ),
)  # fmt: skip


def guide_of(item: Article) -> Guide | None:
    """The guide an item of the 办事指南 column is (None for any other item)."""
    if item.column.key != GUIDE_COLUMN:
        return None
    return next((guide for guide in GUIDES if guide.index == item.index), None)


GUIDE_PLANTED: list[Planted] = [
    Planted(
        "service_guide", "missing_elements", page_url("bszn", 1),
        "出租汽车驾驶员从业资格证核发办事指南 lacks 设定依据 (no row) and 办理时间 (its cell "
        "left empty)",
        issue=11,
    ),
]  # fmt: skip

GUIDE_NEGATIVES: list[Negative] = [
    Negative(
        page_url("bszn", 0),
        "道路旅客运输经营许可办事指南: all 8 classes labelled and filled in",
        issue=11,
    ),
    Negative(column_url("bszn"), "办事指南: newest guide 30 of 365 days old, fresh", issue=11),
]
