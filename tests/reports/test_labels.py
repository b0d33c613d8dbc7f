"""Both languages label everything (StrictUndefined would fail a render on a missing key), and
only links between this tool's own files are followed by `local_href`."""

from __future__ import annotations

import pytest

from reports.labels import LABELS, OUTCOMES
from reports.rendering import local_href


def test_both_languages_have_the_same_labels():
    assert set(LABELS["zh"]) == set(LABELS["en"])
    assert all(LABELS["zh"][k] and LABELS["en"][k] for k in LABELS["zh"])
    assert len({key for key, _, _ in OUTCOMES}) == len(OUTCOMES) == 7


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("site-1/report.html", "site-1/report.html"),
        ("../etc/passwd", None),
        ("/etc/passwd", None),
        ("javascript:alert(1)", None),
        ("https://evil.example/", None),
        ("//evil.example/x", None),
        ("", None),
        (None, None),
    ],
    ids=["relative", "up", "absolute", "javascript", "http", "scheme-relative", "empty", "none"],
)
def test_local_href(href, expected):
    assert local_href(href) == expected


def test_every_single_veto_has_its_english_name():
    from checks.scoring import VETO_NAMES
    from reports.labels import VETO_LABELS

    assert set(VETO_LABELS) == set(VETO_NAMES.values())
    assert all(zh != en and en.isascii() for zh, en in VETO_LABELS.values())
