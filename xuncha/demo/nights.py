"""The answer key of the demo's three nights (整改复查): what each inspection must report, and
what the finding lifecycle must make of it.

The same portal and the same database go through three inspections (:data:`DEMO_NIGHTS`):

- night 1, as published: every :data:`~xuncha.demo.expected.PLANTED` defect is open;
- night 2, after the rectification (整改): the :data:`FIXED_ON_NIGHT_2` defects are gone (their
  findings ``fixed``), the others still open, and :data:`NEW_ON_NIGHT_2` appears (``open``,
  first seen on night 2);
- night 3, 回潮: as night 2, but :data:`BACK_ON_NIGHT_3` (fixed on night 2) is back
  (``reopened``).

Entries name findings as :data:`~xuncha.demo.expected.PLANTED` does — ``(check, subtype, url)``
with ``{https_port}``-style placeholders that :meth:`Planted.resolve` /
:meth:`Outcome.resolve` fill from a running portal — so a test maps each to a finding id.
Written by hand from the scenario, not from :mod:`xuncha.demo.editions` (which makes the site
do it); ``tests/demo/test_demo_nights.py`` checks the two agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xuncha.demo.answer_key import (
    JTJ,
    PARTNER_HTTP,
    XXGK,
    Planted,
    Ports,
    column_url,
    fill_ports,
    folder_url,
    page_url,
)
from xuncha.demo.editions import DEMO_NIGHTS
from xuncha.demo.expected import PLANTED

__all__ = [
    "BACK_ON_NIGHT_3",
    "DEMO_NIGHTS",
    "FIXED_ON_NIGHT_2",
    "NEW_ON_NIGHT_2",
    "NIGHTS",
    "FindingKey",
    "Outcome",
    "lifecycle_expectations",
    "planted_for",
]

NIGHTS = (1, 2, 3)

FindingKey = tuple[str, str, str]
"""``(check, subtype, url template)``: how the answer key names a finding."""

REPAIRED_404 = ("broken_link", "http_404", JTJ + "/zwgk/zcwj/202001/t20200101_1.html")

FIXED_ON_NIGHT_2: tuple[FindingKey, ...] = (
    # the deleted 2020 document is put back at its address (zcwj 1, 原文件（2020年版）)
    REPAIRED_404,
    # the missing photo is uploaded (gzdt 1, 检查现场)
    ("broken_link", "http_404", folder_url("gzdt", 1) + "W020261116388512367412.jpg"),
    # the dead 原通知 link is removed from its notice (tzgg 2)
    ("broken_link", "soft_404", XXGK + "/tzgg/202003/t20200315_2210045.html"),
    # 下载附件 links a real .docx (tzgg 1; its empty 附件 and # 详见 links stay)
    ("wrong_link", "javascript_placeholder", "javascript:void(0)"),
    # the D:\ path becomes an uploaded .xls (czyjs 3)
    ("wrong_link", "windows_path", "D:\\文件\\预算.xls"),
    # the widget script is loaded over https (gzdt 4; the http image stays)
    ("mixed_content", "script", PARTNER_HTTP + "/js/bus-widget.js"),
    # the ID number in the 面试公告 is masked (rsxx 1; the one in the .docx roster stays)
    ("privacy_leak", "id_number", page_url("rsxx", 1)),
    # the driver's mobile number is masked (tzgg 8)
    ("privacy_leak", "mobile", page_url("tzgg", 8)),
    # 中华人民共合国 corrected (tzgg 4; its file:/// link stays): the single veto is gone
    ("wording_error", "serious_misstatement", page_url("tzgg", 4)),
    # 公示公告 publishes a notice dated within its window
    ("stale_column", "notice", column_url("gsgg")),
    # 政府采购 publishes its first item
    ("blank_column", "no_items", column_url("zfcg")),
    # the 2025 部门决算 is published in 财政预决算 (after its due date: late, but there)
    ("missing_mandatory", "overdue", column_url("czyjs")),
)
"""Night-1 defects the webmaster fixed by night 2: 12 of 43, across eight checks."""

NEW_ARTICLE_PATH = "/gzdt/2026-11/25/content_2306016.shtml"

NEW_ON_NIGHT_2: tuple[Planted, ...] = (
    Planted(
        "broken_link",
        "http_404",
        XXGK + "/gzdt/2026-11/25/P020261125395012345681.xls",
        "a new 工作动态 article (2026-11-25) links an attachment that was never uploaded",
        issue=4,
        page=NEW_ARTICLE_PATH,
        link_text="附件：冬季道路运输安全隐患排查表.xls",
    ),
)
"""The defect night 2 brings: open from night 2 on (not fixed on night 3)."""

BACK_ON_NIGHT_3: tuple[FindingKey, ...] = (REPAIRED_404,)
"""Fixed on night 2, back on night 3 (the 2020 document is deleted again): ``reopened``."""


def _key(entry: Planted) -> FindingKey:
    return (entry.check, entry.subtype, entry.url)


def _on_night_1(key: FindingKey) -> Planted:
    found = [entry for entry in PLANTED if _key(entry) == key]
    if len(found) != 1:
        raise LookupError(f"{key} names {len(found)} night-1 defects, not one")
    return found[0]


def planted_for(night: int) -> list[Planted]:
    """Exactly the findings an inspection of ``night`` must report (as :data:`PLANTED`)."""
    if night not in DEMO_NIGHTS:
        raise ValueError(f"no demo night {night} (one of {list(NIGHTS)})")
    if night == 1:
        return list(PLANTED)
    gone = set(FIXED_ON_NIGHT_2) - (set(BACK_ON_NIGHT_3) if night == 3 else set())
    return [entry for entry in PLANTED if _key(entry) not in gone] + list(NEW_ON_NIGHT_2)


@dataclass(frozen=True)
class Outcome:
    """What the store must hold for one finding after a night's run.

    ``status``: ``open``, ``fixed`` or ``reopened``. ``first_seen`` and ``last_seen`` are
    nights (1–3); their dates are :data:`DEMO_NIGHTS` (the runs' ``as_of``).
    """

    check: str
    subtype: str
    url: str
    status: str
    first_seen: int
    last_seen: int

    @property
    def key(self) -> FindingKey:
        return (self.check, self.subtype, self.url)

    @property
    def first_seen_date(self) -> dt.date:
        return DEMO_NIGHTS[self.first_seen]

    @property
    def last_seen_date(self) -> dt.date:
        return DEMO_NIGHTS[self.last_seen]

    def resolve(self, portal: Ports) -> str:
        return fill_ports(self.url, portal)


def lifecycle_expectations() -> dict[int, list[Outcome]]:
    """Per night (1, 2, 3), every finding of the site after that night's run, with its status.

    Night 1: every planted defect ``open``. Night 2: :data:`FIXED_ON_NIGHT_2` ``fixed`` (last
    seen on night 1), the rest ``open``, :data:`NEW_ON_NIGHT_2` ``open`` (first seen on night
    2). Night 3: :data:`BACK_ON_NIGHT_3` ``reopened`` (first seen on night 1), the other fixes
    still ``fixed``, the rest ``open``. A finding that is ``open`` or ``reopened`` was seen
    that night; no finding is ever dropped.
    """
    fixed = set(FIXED_ON_NIGHT_2)
    back = set(BACK_ON_NIGHT_3)
    night_1 = [_on_night_1(key) for key in dict.fromkeys(map(_key, PLANTED))]
    outcomes: dict[int, list[Outcome]] = {}
    for night in NIGHTS:
        rows = []
        for entry in night_1:
            key = _key(entry)
            if night == 1 or key not in fixed:
                rows.append(Outcome(*key, "open", 1, night))
            elif night == 3 and key in back:
                rows.append(Outcome(*key, "reopened", 1, 3))
            else:
                rows.append(Outcome(*key, "fixed", 1, 1))
        if night >= 2:
            rows += [Outcome(*_key(entry), "open", 2, night) for entry in NEW_ON_NIGHT_2]
        outcomes[night] = rows
    return outcomes
