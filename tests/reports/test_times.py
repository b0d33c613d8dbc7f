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
