"""interaction_response (互动回应差) over what the crawler read of the boards, and the veto it
decides on the verdict."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from checks import messages
from checks.config import CheckSettings
from checks.interaction import interaction_response
from checks.model import CheckView, CrawlData, PageView
from checks.registry import run_checks
from checks.scoring import score
from crawler.parsing.document import parse_html
from crawler.parsing.encoding import decode_body
from crawler.parsing.interaction import channel_links, is_channel_name, message_rows

AS_OF = date(2026, 11, 20)
HOME = "https://www.qx.gov.cn/"
BOARD = HOME + "hdjl/xzxx/"
OTHER = HOME + "hdjl/sjxx/"


def page(url, role, meta, status=200):
    return PageView(url, url, role, status, None, None, None, None, meta)


def home(channels=({"url": BOARD, "name": "县长信箱", "in_site": True},), newest=AS_OF):
    meta = {"newest_item": newest.isoformat()}
    if channels:
        meta["channels"] = list(channels)
    return page(HOME, "home", meta)


def row(n, asked, replied=None, state=None, withheld=False, board=BOARD):
    return {"url": f"{board}{n}.html", "title": f"来信{n}", "asked": asked, "replied": replied,
            "state": state, "withheld": withheld}  # fmt: skip


def message(n, reply_chars=20, state="replied", invalid=False, board=BOARD, **dates):
    meta = {
        "title": f"来信{n}",
        "asked": dates.get("asked"),
        "replied": dates.get("replied"),
        "state": state,
        "reply_chars": reply_chars,
        "withheld": False,
        "invalid": invalid,
    }
    return page(f"{board}{n}.html", "message", {"message": meta})  # fmt: skip


def crawl(*pages, checks=None):
    return CrawlData(
        "清溪县人民政府", (HOME,), ("qx.gov.cn",), datetime(2026, 11, 20, 2, tzinfo=UTC),
        pages=(home(), *pages) if not any(p.role == "home" for p in pages) else tuple(pages),
        link_checks=checks or {},
    )  # fmt: skip


IN_TIME = [row(1, "2026-10-01", "2026-10-03", "replied"), row(2, "2026-09-01", "2026-09-04",
           "replied")]  # fmt: skip
FOUR_MONTHS_OPEN = row(3, "2026-07-10", None, "unanswered")


def found(data, **config):
    settings = CheckSettings.model_validate({"checks": {"interaction": config}})
    return [(f.subtype, f.key, f.severity) for f in interaction_response(data, settings, AS_OF)]


CASES = [
    ("answered-in-time", [page(BOARD, "board", {"messages": IN_TIME})], []),
    ("one-open-for-four-months",
     [page(BOARD, "board", {"messages": [*IN_TIME, FOUR_MONTHS_OPEN]})],
     [("unanswered", f"unanswered|{BOARD}", "high")]),
    ("answered-after-four-months",
     [page(BOARD, "board",
           {"messages": [*IN_TIME, row(4, "2026-06-01", "2026-10-20", "replied")]})],
     [("unanswered", f"unanswered|{BOARD}", "high")]),
    # Look-alikes: open but not yet 3 months; older than a year; withheld; invalid.
    ("open-two-months", [page(BOARD, "board", {"messages": [row(5, "2026-09-25")]})], []),
    ("three-months-to-the-day", [page(BOARD, "board", {"messages": [row(5, "2026-08-20")]})], []),
    ("open-but-older-than-a-year",
     [page(BOARD, "board", {"messages": [row(6, "2025-10-01", None, "unanswered")]})], []),
    ("withheld", [page(BOARD, "board", {"messages": [row(7, "2026-05-01", None, "unanswered",
                                                            withheld=True)]})], []),
    ("no-status-shown", [page(BOARD, "board", {"messages": [row(14, "2026-05-01")]})], []),
    ("invalid", [page(BOARD, "board", {"messages": [row(8, "2026-05-01", None, "unanswered")]}),
                 message(8, None, None, invalid=True, asked="2026-05-01")], []),
    ("page-says-answered-where-the-row-did-not",
     [page(BOARD, "board", {"messages": [row(9, "2026-05-01")]}),
      message(9, asked="2026-05-01", replied="2026-05-06")], []),
    ("empty-reply",
     [page(BOARD, "board", {"messages": [row(10, "2026-10-08", "2026-10-09", "replied")]}),
      message(10, 0, asked="2026-10-08", replied="2026-10-09")],
     [("empty_reply", f"empty_reply|{BOARD}10.html", "medium")]),
    ("two-boards-one-finding-each",
     [page(BOARD, "board", {"messages": [FOUR_MONTHS_OPEN]}),
      page(OTHER, "board", {"messages": [row(11, "2026-06-01", None, "in_progress",
                                             board=OTHER)]})],
     [("unanswered", f"unanswered|{OTHER}", "high"),
      ("unanswered", f"unanswered|{BOARD}", "high")]),
]  # fmt: skip


@pytest.mark.parametrize(("pages", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_messages(pages, expected):
    assert found(crawl(*pages)) == expected


def test_unanswered_names_the_count_and_the_oldest():
    older = row(12, "2026-06-15", None, "in_progress")
    (finding,) = interaction_response(
        crawl(page(BOARD, "board", {"messages": [FOUR_MONTHS_OPEN, older, *IN_TIME]})),
        CheckSettings(), AS_OF,
    )  # fmt: skip
    assert finding.evidence == {
        "count": 2, "open": 2, "answered_late": 0, "months": 3, "oldest_title": "来信12",
        "oldest_url": f"{BOARD}12.html", "oldest_asked": "2026-06-15",
    }  # fmt: skip
    assert finding.url == BOARD and finding.page == f"{BOARD}12.html"
    assert messages.title("interaction_response", "unanswered", finding.evidence) == (
        "互动回应差：2条网民留言超过3个月未回复（最早为2026-06-15的“来信12”）"
    )


def test_local_limit_off_by_default_and_counted_in_working_days():
    board = page(BOARD, "board", {"messages": [row(13, "2026-11-06", "2026-11-16", "replied")]})
    assert found(crawl(board)) == []
    # Friday 11-06 to Monday 11-16: six working days.
    assert found(crawl(board), reply_working_days=5) == [
        ("late_reply", f"late_reply|{BOARD}", "low")
    ]
    assert found(crawl(board), reply_working_days=6) == []


def test_the_local_limit_skips_public_holidays_and_counts_make_up_days():
    """09-30 to 10-09 across National Day 2026 (10-01…10-07 off): two working days, not the
    seven of Monday to Friday; a site file naming all seven days worked wins: nine."""
    board = page(BOARD, "board", {"messages": [row(15, "2026-09-30", "2026-10-09", "replied")]})
    assert found(crawl(board), reply_working_days=5) == []
    worked = CheckSettings.model_validate(
        {
            "checks": {"interaction": {"reply_working_days": 5}},
            "calendar_days": {f"2026-10-0{d}": True for d in range(1, 8)},
            "calendar_years": [2026],
        }
    )
    (late,) = interaction_response(crawl(board), worked, AS_OF)
    assert (late.subtype, late.evidence["worst_days"]) == ("late_reply", 9)


NO_CHANNEL = [
    ("no-channel-named", [home(channels=())], {}, [("no_channel", "no_channel", "high")]),
    ("every-channel-broken", [home()], {BOARD: CheckView(BOARD, "GET", 404, None, None, None, (),
                                                         None, None, None, None, False)},
     [("no_channel", "no_channel", "high")]),
    # Look-alikes: a channel on the province's platform; a board that loads; not yet tried.
    ("channel-elsewhere",
     [home(channels=({"url": "https://www.province.gov.cn/12345/", "name": "网上咨询",
                      "in_site": False},))], {}, []),
    ("board-loads", [home(), page(BOARD, "board", {"messages": IN_TIME})], {}, []),
    ("channel-not-tried", [home()], {}, []),
    ("home-drawn-by-script", [page(HOME, "home", {"anchors": 3})], {}, []),
    ("home-with-links-no-channel", [page(HOME, "home", {"anchors": 40})], {},
     [("no_channel", "no_channel", "high")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pages", "checks", "expected"), [c[1:] for c in NO_CHANNEL], ids=[c[0] for c in NO_CHANNEL]
)
def test_no_channel(pages, checks, expected):
    assert found(crawl(*pages, checks=checks)) == expected


def test_no_home_page_no_judgement():
    data = CrawlData("x", (HOME,), ("qx.gov.cn",), datetime(2026, 11, 20, tzinfo=UTC))
    assert interaction_response(data, CheckSettings(), AS_OF) == []


@pytest.mark.parametrize(
    ("messages_", "vetoed"),
    [([*IN_TIME], False), ([*IN_TIME, FOUR_MONTHS_OPEN], True)],
    ids=["answered", "one-open-four-months"],
)
def test_the_veto_on_the_verdict(messages_, vetoed):
    data = crawl(page(BOARD, "board", {"messages": messages_}))
    verdict = score(run_checks(data, CheckSettings(), AS_OF), data, CheckSettings().checks.scoring,
                    AS_OF)  # fmt: skip
    assert verdict["vetoes"] == (["互动回应差"] if vetoed else [])
    assert verdict["verdict"] == ("不合格" if vetoed else "合格")


def test_a_channel_that_only_says_it_is_being_built_is_not_one():
    hub = page(BOARD, "board", {"placeholder": True, "form": False})
    assert found(crawl(hub)) == [("no_channel", "no_channel", "high")]
    # Look-alikes: a form to write on; a page whose list a script draws (no placeholder).
    assert found(crawl(page(BOARD, "board", {"placeholder": True, "form": True}))) == []
    assert found(crawl(page(BOARD, "board", {"placeholder": False, "form": False}))) == []


def test_real_pages_read_as_boards_raise_nothing(real_pages):
    """A real page reached as a board (a 民意征集 or news list behind a channel's link): its
    dated rows show no status, so nothing is open and nothing vetoes; every link named as a
    channel is one."""
    url = "https://www.example.gov.cn/hdjl/index.html"
    seen_rows = 0
    for path in sorted(real_pages.glob("*.html")):
        text, _ = decode_body(path.read_bytes(), "")
        doc = parse_html(text, url)
        rows = [
            {"url": r.url, "title": r.title, "asked": r.asked.isoformat() if r.asked else None,
             "replied": r.replied.isoformat() if r.replied else None, "state": r.state,
             "withheld": r.withheld}
            for r in message_rows(doc, url)
        ]  # fmt: skip
        seen_rows += len(rows)
        assert all(is_channel_name(c.name) for c in channel_links(doc, url)), path.name
        board = PageView(url, url, "board", 200, None, None, None, None, {"messages": rows})
        found = interaction_response(crawl(board), CheckSettings(), AS_OF)
        assert [(f.subtype, f.evidence.get("count")) for f in found] == [], path.name
    assert seen_rows > 100  # the lists were read as rows, and still raised nothing
