"""The office's own word list (本单位词表): named by the profile, read when the profile loads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from checks.model import CrawlData, PageView
from checks.wording import wording_errors
from xuncha.cli import main
from xuncha.errors import ProfileError
from xuncha.profile import Profile, load_profile

PROFILE = """\
start_urls: [https://jtj.example.gov.cn/]
checks:
  wording:
    file: offices/words.csv
{more}"""
WORDS = (
    "wrong,right,severity,note\n"
    "张三同志任县长,李四同志任县长,high,张三已于2024年6月调任\n"
    "辽源市交通局,辽源市交通运输局,medium,机构名称\n"
    "再接再励,再接再厉,low,本单位从轻\n"
)
PAGE = "https://jtj.example.gov.cn/xwdt/t20241015_1.html"


def site(tmp_path: Path, words: str | bytes = WORDS, more: str = "") -> Path:
    (tmp_path / "offices").mkdir(exist_ok=True)
    data = words.encode("gbk") if isinstance(words, str) else words
    (tmp_path / "offices" / "words.csv").write_bytes(data)  # as Excel saves "CSV (逗号分隔)"
    path = tmp_path / "site.yaml"
    path.write_text(PROFILE.format(more=more), encoding="utf-8")
    return path


def findings(profile: Profile, text: str):
    page = PageView(PAGE, PAGE, "article", 200, "工作动态", None, date(2024, 10, 15), None, {})
    data = CrawlData(
        "站", (PAGE,), ("example.gov.cn",), datetime(2024, 10, 20, tzinfo=UTC),
        pages=(page,), texts={PAGE: text},
    )  # fmt: skip
    found = wording_errors(data, profile.check_settings, date(2024, 10, 20))
    assert all("category" not in f.evidence for f in found if f.evidence["list"] != "shipped")
    return [(f.evidence["wrong"], f.severity, f.evidence["list"]) for f in found]


def test_the_list_is_read_relative_to_the_profile_and_checked(tmp_path):
    profile = load_profile(site(tmp_path))
    wording = profile.checks.wording
    assert wording.file == str(tmp_path / "offices" / "words.csv")
    assert [(r.wrong, r.severity) for r in wording.office] == [
        ("张三同志任县长", "high"), ("辽源市交通局", "medium"), ("再接再励", "low"),
    ]  # fmt: skip
    text = "会议宣布张三同志任县长。辽源市交通局再接再励。"
    assert findings(profile, text) == [
        ("再接再励", "low", "office"),  # an office rule replaces the shipped one
        ("张三同志任县长", "high", "office"),
        ("辽源市交通局", "medium", "office"),
    ]


def test_ignore_drops_an_office_rule_and_extra_replaces_one(tmp_path):
    more = (
        "    ignore: [张三同志任县长]\n"
        "    extra:\n"
        "      - {wrong: 辽源市交通局, right: 辽源市交通运输局, severity: low}\n"
    )
    profile = load_profile(site(tmp_path, more=more))
    assert findings(profile, "张三同志任县长；辽源市交通局") == [("辽源市交通局", "low", "profile")]


def test_the_stored_profile_keeps_what_the_list_said(tmp_path):
    profile = load_profile(site(tmp_path))
    stored = Profile.model_validate(profile.model_dump(mode="json"))  # as a run keeps it
    assert stored.checks.wording.office == profile.checks.wording.office
    (tmp_path / "offices" / "words.csv").unlink()  # a stored profile reads no file
    assert findings(stored, "张三同志任县长")[0][0] == "张三同志任县长"


def test_a_missing_list_names_the_profile_line(tmp_path):
    path = site(tmp_path)
    (tmp_path / "offices" / "words.csv").unlink()
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value) == (
        f"{path}:4: checks.wording.file: no such file {tmp_path / 'offices' / 'words.csv'}"
    )


def test_a_bad_line_names_the_list_and_its_line(tmp_path):
    path = site(tmp_path, WORDS + "辽原市,辽源市,严重,\n")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert str(info.value) == (
        f"{tmp_path / 'offices' / 'words.csv'}:5: unknown severity '严重' "
        "(high, medium or low; 高, 中 or 低)"
    )


def test_office_rules_are_not_written_in_the_profile(tmp_path):
    path = site(tmp_path, more="    office:\n      - {wrong: 辽原市, right: 辽源市}\n")
    with pytest.raises(ProfileError, match=r"site\.yaml:5: checks\.wording\.office: unknown key"):
        load_profile(path)


def test_cli_bad_list_is_one_line(tmp_path, monkeypatch, capsys):
    path = site(tmp_path, "wrong,right,note\n".encode("utf-8-sig"))
    db = tmp_path / "x.db"
    argv = ["xuncha", "run", "--profile", str(path), "--db", f"sqlite:///{db}"]
    monkeypatch.setattr("sys.argv", [*argv, "--out", str(tmp_path / "out")])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "words.csv:1: the header must name the columns" in err
    assert "Traceback" not in err and not db.exists()


def test_the_documented_list_reads():
    from checks.office_words import office_rules

    doc = (Path(__file__).resolve().parents[2] / "docs" / "profile.md").read_text(encoding="utf-8")
    example = doc.split("```csv\n", 1)[1].split("```", 1)[0]
    rules = office_rules(example.encode("utf-8"), "docs/profile.md")
    assert [(r.wrong, r.severity) for r in rules] == [
        ("张三同志任县长", "high"), ("辽源市交通局", "medium"), ("辽原市", "medium"),
    ]  # fmt: skip
