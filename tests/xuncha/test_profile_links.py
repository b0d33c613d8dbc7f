"""The profile's `links:` section (链接规则): what loads, and one clear line for each mistake."""

from __future__ import annotations

import pytest

from checks.config import AcceptRule, SlowHost
from crawler.configure import profile_settings
from xuncha.cli import main
from xuncha.errors import ProfileError
from xuncha.profile import load_profile
from xuncha.run.incremental import crawl_profile

HEAD = "name: 站\nstart_urls: [https://jtj.example.gov.cn/]\n"

GOOD = (
    HEAD
    + r"""links:
  exclude:
    - ^https?://[^/]*\.example\.gov\.cn/tongji/
    - '^http://10\.'
  accept:
    - {host: WWW.Partner.gov.cn, status: [403, "500-599"]}
  slow_hosts:
    - {host: data.example.gov.cn, timeout: 60}
"""
)


def test_links_section_loads_and_reaches_checks_and_crawler(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text(GOOD, encoding="utf-8")
    profile = load_profile(path)
    links = profile.check_settings.links
    assert links.exclude == [r"^https?://[^/]*\.example\.gov\.cn/tongji/", r"^http://10\."]
    assert links.accept == [AcceptRule(host="www.partner.gov.cn", status=[403, "500-599"])]
    assert links.slow_hosts == [SlowHost(host="data.example.gov.cn", timeout=60)]
    assert profile_settings(profile)["XUNCHA_LINK_RULES"] == {
        "exclude": links.exclude,
        "accept": [{"host": "www.partner.gov.cn", "status": [403, "500-599"]}],
        "slow_hosts": [{"host": "data.example.gov.cn", "timeout": 60.0}],
    }


def test_accept_statuses_cover_codes_and_ranges():
    rule = AcceptRule(host="a.gov.cn", status=[403, "500-502", "401"])
    assert [s for s in (400, 401, 403, 404, 499, 500, 501, 502, 503) if rule.covers(s)] == [
        401, 403, 500, 501, 502,
    ]  # fmt: skip


def _links(text: str) -> str:
    return HEAD + "links:\n" + text


BAD = [
    ("bad-regex", _links("  exclude:\n    - ok\n    - 'tongji/(['\n"),
     ":6: links.exclude.1: not a regular expression"),
    ("empty-pattern", _links("  exclude: ['']\n"), ":4: links.exclude.0: an empty pattern"),
    ("unknown-links-key", _links("  skip: [a]\n"), ":4: links.skip: unknown key"),
    ("unknown-rule-key", _links("  accept:\n    - {host: a.gov.cn, status: [403], codes: [403]}\n"),
     ":5: links.accept.0.codes: unknown key"),
    ("status-above-599", _links("  accept:\n    - host: a.gov.cn\n      status: [403, 600]\n"),
     ":6: links.accept.0.status.1: an HTTP status is 100–599 (got 600)"),
    ("status-below-100", _links("  accept:\n    - {host: a.gov.cn, status: [99]}\n"),
     "links.accept.0.status.0: an HTTP status is 100–599"),
    ("range-backwards", _links("  accept:\n    - {host: a.gov.cn, status: ['599-500']}\n"),
     "links.accept.0.status.0: a status (100–599, e.g. 403) or a range"),
    ("range-out-of-bounds", _links("  accept:\n    - {host: a.gov.cn, status: ['400-700']}\n"),
     "links.accept.0.status.0: a status"),
    ("no-status", _links("  accept:\n    - {host: a.gov.cn, status: []}\n"),
     "links.accept.0.status: List should have at least 1 item"),
    ("host-is-a-url", _links("  accept:\n    - {host: 'https://a.gov.cn/', status: [403]}\n"),
     "links.accept.0.host: a host name (www.example.gov.cn), without scheme, port or path"),
    ("zero-timeout", _links("  slow_hosts:\n    - {host: a.gov.cn, timeout: 0}\n"),
     ":5: links.slow_hosts.0.timeout: Input should be greater than 0"),
    ("negative-timeout", _links("  slow_hosts:\n    - {host: a.gov.cn, timeout: -5}\n"),
     "links.slow_hosts.0.timeout: Input should be greater than 0"),
    ("timeout-missing", _links("  slow_hosts:\n    - {host: a.gov.cn}\n"),
     "links.slow_hosts.0.timeout: required key is missing"),
    ("host-twice", _links("  slow_hosts:\n    - {host: a.gov.cn, timeout: 5}\n"
                          "    - {host: A.gov.cn, timeout: 9}\n"),
     "links.slow_hosts: a.gov.cn is listed twice"),
    ("excludes-start-url", _links("  exclude: [tongji, '^https://jtj\\.']\n"),
     ":4: links.exclude.1: excludes https://jtj.example.gov.cn/, which this profile itself names"),
    ("excludes-a-column",
     HEAD + "columns:\n  - {name: 通知公告, url: 'https://xxgk.example.gov.cn/tzgg/'}\n"
     + "links:\n  exclude:\n    - /tzgg/\n",
     ":7: links.exclude.0: excludes https://xxgk.example.gov.cn/tzgg/"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_links_section_is_one_line_naming_the_key(tmp_path, text, expected):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    message = str(info.value)
    assert message.startswith(f"{path}:")
    assert expected in message
    assert "\n" not in message


def test_cli_prints_a_bad_regex_as_one_line(tmp_path, monkeypatch, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(_links("  exclude: ['(unclosed']\n"), encoding="utf-8")
    db = tmp_path / "x.db"
    argv = ["xuncha", "run", "--profile", str(path), "--db", f"sqlite:///{db}",
            "--out", str(tmp_path / "out")]  # fmt: skip
    monkeypatch.setattr("sys.argv", argv)
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "links.exclude.0: not a regular expression" in err
    assert "Traceback" not in err and not db.exists()


def test_a_changed_exclusion_list_starts_a_full_crawl():
    before = {"start_urls": ["https://a.gov.cn/"], "links": {"exclude": ["/tongji/"]}}
    same_crawl = dict(before, links={"exclude": ["/tongji/"], "accept": [], "slow_hosts": []})
    changed = dict(before, links={"exclude": []})
    assert crawl_profile(before) == crawl_profile(same_crawl)
    assert crawl_profile(before) != crawl_profile(changed)
    # A run stored before links existed crawled like one without exclusions.
    assert crawl_profile({"start_urls": ["https://a.gov.cn/"]}) == crawl_profile(changed)
