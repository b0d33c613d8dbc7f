"""Times a person reads are in the site's time zone, to the minute; findings.json keeps ISO."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reports.times import local_minute, zone, zone_of_profile
from xuncha.errors import ProfileError
from xuncha.profile import load_profile

MOMENT = datetime(2026, 12, 7, 3, 7, 41, tzinfo=UTC)


def test_a_moment_reads_in_beijing_time_by_default():
    assert local_minute(MOMENT, zone(None)) == "2026-12-07 11:07"
    assert local_minute(datetime(2026, 12, 7, 20, 30, tzinfo=UTC), zone(None)) == "2026-12-08 04:30"
    assert local_minute(None, zone(None)) is None


def test_a_profile_names_its_zone():
    assert local_minute(MOMENT, zone_of_profile({"timezone": "Asia/Urumqi"})) == "2026-12-07 09:07"
    assert local_minute(MOMENT, zone_of_profile({})) == "2026-12-07 11:07"
    # a stored profile whose zone this machine lacks still reads, in the default zone
    assert local_minute(MOMENT, zone_of_profile({"timezone": "Mars/Olympus"})) == "2026-12-07 11:07"


def test_an_unknown_zone_in_a_profile_is_one_line(tmp_path):
    path = tmp_path / "site.yaml"
    path.write_text("start_urls: [https://jtj.example.gov.cn/]\ntimezone: Beijing\n")
    with pytest.raises(ProfileError) as raised:
        load_profile(path)
    assert "timezone" in str(raised.value)
    assert "unknown time zone 'Beijing': an IANA name such as Asia/Shanghai" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_persons_action_is_dated_in_the_sites_zone_in_ledger_and_look_back():
    """A waiver at 17:30 UTC on 6 December is the 7th in Beijing (01:30) and still the 6th in
    a site whose profile names UTC+5 (Asia/Tashkent, 22:30); one at 20:30 UTC is the 7th in
    both."""
    from types import SimpleNamespace

    from reports.history import history_rows
    from reports.ledger import recheck_text

    waived = SimpleNamespace(action="waived", run_id=None, actor="张三", old_status="open",
                             new_status="waived", reason="依法不予公开", changes=None,
                             at=datetime(2026, 12, 6, 20, 30, tzinfo=UTC))  # fmt: skip
    finding = SimpleNamespace(status="waived", first_seen=None, last_seen=None)
    assert recheck_text(finding, [waived], {}, "zh") == "2026-12-07 不予整改"
    west = zone("Asia/Tashkent")
    assert recheck_text(finding, [waived], {}, "zh", west) == "2026-12-07 不予整改"
    early = SimpleNamespace(**{**vars(waived), "at": datetime(2026, 12, 6, 17, 30, tzinfo=UTC)})
    assert recheck_text(finding, [early], {}, "zh") == "2026-12-07 不予整改"
    assert recheck_text(finding, [early], {}, "zh", west) == "2026-12-06 不予整改"
    (row,) = history_rows([early], {}, "zh", west)
    assert (row.day, row.by) == ("2026-12-06", "张三")
