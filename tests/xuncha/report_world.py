"""A hand-built history of four runs for the report tests (检测报告, 整改台账, 回头看, index).

Every finding is a 错别字 on one article (re-checked by every run that fetches the article),
told apart by its wrong word; units are set on the findings. The story, run by run:

    run 0  2026-10-20  H                          open: 1
    run 1  2026-11-02  H A B C D E F              open: 7
           (a person waives E, marks F 误报, notes C)
    run 2  2026-11-09  H B C E F                  A, D fixed          open: 3
    run 3  2026-11-20  H C D E F G                B fixed (late), D back, G new   open: 4

Deadlines are 10 working days after first seen: 2026-11-16 for A–F, 2026-12-04 for G. Judged
on 2026-11-25, the look-back of [2026-11-01, 2026-11-30] is:

    办公室      A fixed on time, B fixed late, F false positive
    政务公开科  C open and overdue, D reopened, G open (not yet due)
    (no unit)   E waived                          (H was first seen before the period)
"""

from __future__ import annotations

from datetime import date

from tracking_world import ARTICLE, World, crawl, finding, page

from xuncha import tracking
from xuncha.store import Store

OFFICE, DISCLOSURE = "办公室", "政务公开科"
SINCE, UNTIL, JUDGED = date(2026, 11, 1), date(2026, 11, 30), date(2026, 11, 25)
RUN_DAYS = (date(2026, 10, 20), date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 20))
SEEN = crawl(pages=(page(ARTICLE),))


def typo(word: str, unit: str | None, column: str | None = None):
    return finding("wording_error", "miswriting", ARTICLE, key=f"{ARTICLE}|{word}",
                   evidence={"wrong": word, "right": word + "正"}, unit=unit,
                   column=column)  # fmt: skip


A, B, F = typo("甲", OFFICE), typo("乙", OFFICE), typo("己", OFFICE)
C = typo("丙", DISCLOSURE, column="通知公告")
D, G = typo("丁", DISCLOSURE), typo("庚", DISCLOSURE)
E, H = typo("戊", None), typo("辛", None)
ALL = {"A": A, "B": B, "C": C, "D": D, "E": E, "F": F, "G": G, "H": H}
TREND = [1, 7, 3, 4]
OUTCOMES = {
    "A": "fixed_on_time",
    "B": "fixed_late",
    "C": "open_overdue",
    "D": "reopened",
    "E": "waived",
    "F": "false_positive",
    "G": "open",
}


def title(item) -> str:
    return f"错别字：“{item.evidence['wrong']}”应为“{item.evidence['right']}”"


def build(store: Store, name: str = "辽源市交通运输局") -> tuple[World, list[int]]:
    """The four runs and the manual actions of the module docstring; returns the run ids."""
    world = World(store, name) if name == "辽源市交通运输局" else World(
        store, name, "https://other.example.gov.cn/")  # fmt: skip
    runs = [world.run([H], SEEN, as_of=RUN_DAYS[0])]
    runs.append(world.run([H, A, B, C, D, E, F], SEEN, as_of=RUN_DAYS[1]))
    world.act(tracking.waive, E, reason="依法不予公开")
    world.act(tracking.false_positive, F, reason="人工核实")
    world.act(tracking.note, C, text="-3 天后复查")
    world.act(tracking.assign, C, person="张三")
    runs.append(world.run([H, B, C, E, F], SEEN, as_of=RUN_DAYS[2]))
    runs.append(world.run([H, C, D, E, F, G], SEEN, as_of=RUN_DAYS[3]))
    return world, runs
