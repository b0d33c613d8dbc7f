"""Working days for deadlines (整改时限): the built-in State Council notices, the site's holidays
file (节假日安排) and Monday to Friday for a year no notice covers; the holidays file as the
profile reads it; what a run records of its count, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from tracking_world import BROKEN, ROOT, WORDING, World

from xuncha import tracking
from xuncha.cli import main
from xuncha.errors import ProfileError
from xuncha.profile import load_holiday_notices, load_profile
from xuncha.store import Run
from xuncha.tracking import add_working_days
from xuncha.tracking.workdays import (
    BUILTIN_YEARS,
    DeadlineBasis,
    DeadlineCount,
    WorkCalendar,
    calendar_of,
    deadline_basis,
)

D = date

# 国务院办公厅关于2026年部分节假日安排的通知 as the built-in notices hold it: 春节 2-15…2-23 off,
# Saturdays 2-14 and 2-28 worked; 中秋 9-25…9-27 and 国庆 10-1…10-7 off, Sunday 9-20 and
# Saturday 10-10 worked; 元旦 1-1…1-3 off, Sunday 1-4 worked.
BUILT_IN = [
    # (start, working days, deadline, years counted Monday to Friday)
    (D(2026, 2, 9), 10, D(2026, 2, 28), ()),
    (D(2026, 2, 9), 11, D(2026, 3, 2), ()),
    (D(2026, 2, 13), 1, D(2026, 2, 14), ()),
    (D(2026, 2, 14), 1, D(2026, 2, 24), ()),
    (D(2026, 9, 18), 10, D(2026, 10, 9), ()),
    (D(2026, 9, 19), 1, D(2026, 9, 20), ()),
    (D(2026, 9, 30), 1, D(2026, 10, 8), ()),
    (D(2026, 10, 9), 1, D(2026, 10, 10), ()),
    (D(2025, 12, 31), 1, D(2026, 1, 4), ()),
    (D(2026, 11, 2), 10, D(2026, 11, 16), ()),
    (D(2027, 3, 1), 10, D(2027, 3, 15), (2027,)),
    (D(2026, 12, 25), 10, D(2027, 1, 8), (2027,)),
    (D(2026, 12, 24), 5, D(2026, 12, 31), ()),
]
BUILT_IN_IDS = [
    "spring-festival-plus-10-ends-on-the-make-up-saturday",
    "spring-festival-plus-11-skips-the-sunday-after",
    "the-make-up-saturday-before-the-holiday-counts",
    "the-holiday-is-skipped-whole",
    "national-day-and-mid-autumn-plus-10",
    "the-make-up-sunday-before-national-day-counts",
    "national-day-is-skipped-whole",
    "the-make-up-saturday-after-national-day-counts",
    "new-year-2026-ends-on-the-make-up-sunday",
    "a-november-without-holidays",
    "a-year-beyond-the-notices-is-monday-to-friday",
    "a-count-into-that-year-names-it",
    "a-count-ending-in-a-known-year-names-none",
]


def test_the_built_in_notices_cover_2004_to_2026():
    assert BUILTIN_YEARS == (2004, 2026)


@pytest.mark.parametrize(("start", "days", "deadline", "weekday_years"), BUILT_IN,
                         ids=BUILT_IN_IDS)  # fmt: skip
def test_the_built_in_notices(start, days, deadline, weekday_years):
    count = WorkCalendar().count(start, days)
    assert (count.deadline, count.weekday_years) == (deadline, weekday_years)
    assert add_working_days(start, days) == deadline


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 14), True),  # Saturday, 调休上班
        (D(2026, 2, 16), False),  # Monday, 春节
        (D(2026, 2, 21), False),  # Saturday inside the holiday
        (D(2026, 2, 28), True),  # Saturday, 调休上班
        (D(2026, 3, 1), False),  # an ordinary Sunday
        (D(2026, 10, 1), False),  # Thursday, 国庆
        (D(2026, 10, 10), True),  # Saturday, 调休上班
        (D(2027, 1, 1), True),  # Friday of a year no notice covers: Monday to Friday
        (D(2027, 1, 2), False),  # its Saturday
    ],
    ids=[
        "sat-feb-14",
        "mon-feb-16",
        "sat-feb-21",
        "sat-feb-28",
        "sun-mar-1",
        "thu-oct-1",
        "sat-oct-10",
        "fri-2027-jan-1",
        "sat-2027-jan-2",
    ],
)
def test_one_day(day, working):
    assert WorkCalendar().is_working_day(day) is working


def _notices(tmp_path: Path, text: str):
    path = tmp_path / "holidays.yaml"
    path.write_text(text, encoding="utf-8")
    return load_holiday_notices(path)


# A site's holidays file, and what it does to a count: (file, start, days, deadline, years
# counted Monday to Friday).
OVERRIDES = [
    ("2026:\n  holidays: [2026-11-10]\n", D(2026, 11, 2), 10, D(2026, 11, 17), ()),
    ("2026:\n  workdays: [2026-11-07]\n", D(2026, 11, 2), 10, D(2026, 11, 13), ()),
    # The file wins over the built-in notice both ways: 2-14 off, 2-23 worked.
    ("2026:\n  holidays: [2026-02-14]\n  workdays: [2026-02-23]\n", D(2026, 2, 13), 1,
     D(2026, 2, 23), ()),
    # A year the built-in notices lack: 1-1 and a stretch off, a Saturday worked.
    ("2027:\n  holidays: [2027-01-01, [2027-01-04, 2027-01-05]]\n  workdays: [2027-01-09]\n",
     D(2026, 12, 25), 10, D(2027, 1, 12), ()),
    # A notice's make-up day in the December before its year.
    ("2027:\n  holidays: [2027-01-01]\n  workdays: [2026-12-26]\n", D(2026, 12, 25), 1,
     D(2026, 12, 26), ()),
    # A file for 2027 says nothing of 2028: that year still goes Monday to Friday.
    ("2027:\n  holidays: [2027-12-31]\n", D(2027, 12, 24), 10, D(2028, 1, 10), (2028,)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "start", "days", "deadline", "weekday_years"),
    OVERRIDES,
    ids=[
        "adds-a-holiday",
        "adds-a-make-up-day",
        "wins-over-the-built-in-notice",
        "covers-a-year-beyond-them",
        "a-make-up-day-in-the-december-before",
        "the-next-year-is-still-monday-to-friday",
    ],
)
def test_the_holidays_file(tmp_path, text, start, days, deadline, weekday_years):
    calendar = WorkCalendar(_notices(tmp_path, text))
    count = calendar.count(start, days)
    assert (count.deadline, count.weekday_years) == (deadline, weekday_years)
    assert WorkCalendar().add(start, days) != deadline  # without the file, another day


def _profile(tmp_path: Path, holidays: str | None, tracking: str = "") -> Path:
    sites = tmp_path / "sites"
    (sites / "calendar").mkdir(parents=True, exist_ok=True)
    if holidays is not None:
        (sites / "calendar" / "holidays.yaml").write_text(holidays, encoding="utf-8")
    path = sites / "jtj.yaml"
    tracking = tracking or "tracking:\n  holidays_file: calendar/holidays.yaml\n"
    path.write_text(f"start_urls: [{ROOT}]\n{tracking}", encoding="utf-8")
    return path


def test_the_profile_reads_its_holidays_file_relative_to_itself(tmp_path):
    path = _profile(tmp_path, "2027:\n  holidays:\n    - [2027-02-06, 2027-02-12]\n")
    tracking = load_profile(path).tracking
    assert tracking.holidays_file == str(tmp_path / "sites" / "calendar" / "holidays.yaml")
    assert tracking.holiday_notices[2027].holidays == [(D(2027, 2, 6), D(2027, 2, 12))]
    stored = load_profile(path).model_dump(mode="json")["tracking"]["holiday_notices"]
    assert stored == {"2027": {"holidays": [["2027-02-06", "2027-02-12"]], "workdays": []}}


BAD_FILES = [
    ("2027:\n  holidays:\n    - 2027-01-01\n    - [2027-02-12, 2027-02-06]\n",
     ":4: 2027.holidays.1: a stretch runs from its first day to its last, "
     "not 2027-02-12…2027-02-06"),
    ("2027:\n  holidays: [[2027-02-06, 2027-02-07, 2027-02-08]]\n",
     ":2: 2027.holidays.0: a stretch of days is [first day, last day], not "
     "[2027-02-06, 2027-02-07, 2027-02-08]"),
    ("2027:\n  holidays:\n    - 2027-1-1\n",
     ":3: 2027.holidays.0: not a day (write it YYYY-MM-DD) (got '2027-1-1')"),
    ("2027:\n  holidays:\n    - 2027-02-30\n", ": YAML value error: day is out of range for month"),
    ("2027:\n  holiday: [2027-01-01]\n", ":2: 2027.holiday: unknown key"),
    ("二〇二七:\n  holidays: [2027-01-01]\n", ":1: 二〇二七: Input should be a valid integer"),
    ("2027:\n  holidays:\n    - 2026-11-01\n",
     ":3: 2027.holidays.0: 2026-11-01 is not in 2027 (nor in the December before it)"),
    ("2027:\n  holidays: [[2027-02-06, 2027-02-12]]\n  workdays:\n    - 2027-02-07\n",
     ":4: 2027.workdays.0: 2027-02-07 is both a holiday and a workday"),
    ("- 2027-01-01\n", ":1: a holidays file maps each year to its holidays and workdays"),
    ("", ":1: a holidays file maps each year to its holidays and workdays"),
    ("2027: [\n", ":2: YAML syntax error"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), BAD_FILES,
                         ids=["backwards-stretch", "three-day-stretch", "not-a-day",
                              "impossible-date", "unknown-key", "not-a-year", "outside-its-year",
                              "off-and-worked", "a-list", "empty", "yaml-syntax"])  # fmt: skip
def test_a_malformed_holidays_file_is_a_profile_error(tmp_path, text, message):
    with pytest.raises(ProfileError) as info:
        load_profile(_profile(tmp_path, text))
    file = tmp_path / "sites" / "calendar" / "holidays.yaml"
    assert str(info.value).startswith(f"{file}{message}")


def test_a_missing_holidays_file_names_the_profile_line(tmp_path):
    path = _profile(tmp_path, None)
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value) == (
        f"{path}:3: tracking.holidays_file: no such file "
        f"{tmp_path / 'sites' / 'calendar' / 'holidays.yaml'}"
    )


def test_the_days_are_not_written_in_the_profile_itself(tmp_path):
    inline = "tracking:\n  holiday_notices:\n    2027: {holidays: [2027-01-01]}\n"
    with pytest.raises(ProfileError, match=r"jtj.yaml:3: tracking.holiday_notices: unknown key"):
        load_profile(_profile(tmp_path, None, inline))


def test_the_command_line_prints_one_line(tmp_path, monkeypatch, capsys):
    path = _profile(tmp_path, "2027:\n  holidays:\n    - [2027-02-12, 2027-02-06]\n")
    db = tmp_path / "x.db"
    argv = ["xuncha", "run", "--profile", str(path), "--db", f"sqlite:///{db}", "--out",
            str(tmp_path / "out")]  # fmt: skip
    monkeypatch.setattr("sys.argv", argv)
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "2027.holidays.0: a stretch runs from its first day" in err
    assert "Traceback" not in err and not db.exists()


@pytest.fixture
def world(store):
    return World(store)


def _run(store, run_id: int) -> Run:
    with store.session() as session:
        run = session.get_one(Run, run_id)
        session.expunge(run)
        return run


def test_a_run_counts_with_its_stored_holidays_and_records_how(world, store, tmp_path):
    """The profile as a run stores it carries the file's days: the deadline follows them, and
    the run records the count — a year no notice covers named."""
    path = _profile(tmp_path, "2027:\n  holidays: [2027-01-01, [2027-01-04, 2027-01-05]]\n")
    profile = load_profile(path).model_dump(mode="json")
    with_file = world.run([BROKEN], profile=profile, as_of=D(2026, 12, 25))
    without = world.run([WORDING], as_of=D(2027, 12, 24))
    assert world.row(BROKEN).deadline == D(2027, 1, 13)
    assert world.row(WORDING).deadline == D(2028, 1, 7)
    recorded = [DeadlineCount.from_json(_run(store, run).stats["deadlines"])
                for run in (with_file, without)]  # fmt: skip
    assert recorded == [
        DeadlineCount(D(2026, 12, 25), 10, D(2027, 1, 13), (), (2027,), (2004, 2026)),
        DeadlineCount(D(2027, 12, 24), 10, D(2028, 1, 7), (2027, 2028), (), (2004, 2026)),
    ]
    assert calendar_of(_run(store, with_file)).file_years == (2027,)
    assert calendar_of(_run(store, without)).file_years == ()


def test_what_the_ledger_is_told_of_a_deadline(world, store):
    """As its first run counted it; for a run from before deadlines knew the holidays, Monday
    to Friday throughout; nothing for a deadline a person set."""
    first = world.run([BROKEN, WORDING], as_of=D(2026, 12, 25))
    world.act(tracking.assign, WORDING, deadline=D(2027, 1, 15))
    with store.session() as session:
        run = session.get_one(Run, first)
        assert deadline_basis(world.row(BROKEN), run) == DeadlineBasis((2027,), ())
        assert deadline_basis(world.row(WORDING), run) == DeadlineBasis()
        run.stats = {}  # as such an older run holds it
        assert deadline_basis(world.row(BROKEN), run) == DeadlineBasis((2026, 2027), ())
        assert deadline_basis(world.row(WORDING), run) == DeadlineBasis()
