"""The demo portal's three nights on loopback: each serves what :mod:`xuncha.demo.nights` says,
and nothing else changes between them.

One running portal switches nights (``set_night``, the ``on_night`` fixture); pages are read
with lxml and plain string tests, independently of the crawler and the checks. That nothing
else changes between nights is tested in ``test_demo_nights_unchanged.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import lxml.html
import pytest
from demo_client import (
    COLUMN_KINDS,
    KIND_WINDOWS,
    WARN_WITHIN_DAYS,
    XXGK,
    LoopbackClient,
    classify,
    fetch_page,
    page_encoding,
    page_links,
    page_text,
)

from xuncha.demo import DEMO_AS_OF, DEMO_NIGHTS, DemoPortal
from xuncha.demo.answer_key import page_path
from xuncha.demo.catalog import COLUMNS, column
from xuncha.demo.editions import Edition
from xuncha.demo.expected import PLANTED
from xuncha.demo.nights import (
    BACK_ON_NIGHT_3,
    FIXED_ON_NIGHT_2,
    NEW_ON_NIGHT_2,
    NIGHTS,
    lifecycle_expectations,
    planted_for,
)

LATER = (2, 3)


def _key(entry) -> tuple[str, str, str]:
    return (entry.check, entry.subtype, entry.url)


# --- the answer key itself ------------------------------------------------------------------


def test_nights_are_a_week_apart_from_the_published_site():
    week = dt.timedelta(days=7)
    expected = {1: DEMO_AS_OF, 2: DEMO_AS_OF + week, 3: DEMO_AS_OF + 2 * week}
    assert expected == DEMO_NIGHTS


def test_each_fix_and_return_names_one_night_1_defect():
    keys = [_key(p) for p in PLANTED]
    assert all(keys.count(key) == 1 for key in FIXED_ON_NIGHT_2)
    assert set(BACK_ON_NIGHT_3) < set(FIXED_ON_NIGHT_2)
    assert not {_key(p) for p in NEW_ON_NIGHT_2} & set(keys)
    # 12 of the 43, across kinds
    assert len(FIXED_ON_NIGHT_2) == 12 and len({check for check, _, _ in FIXED_ON_NIGHT_2}) == 8


def test_planted_for_each_night_is_the_scenario():
    one, two, three = (sorted(map(_key, planted_for(n))) for n in NIGHTS)
    assert one == sorted(map(_key, PLANTED))
    assert sorted(set(one) - set(two)) == sorted(FIXED_ON_NIGHT_2)
    assert sorted(set(two) - set(one)) == sorted(map(_key, NEW_ON_NIGHT_2))
    assert sorted(set(three) - set(two)) == sorted(BACK_ON_NIGHT_3)
    assert set(two) <= set(three)
    with pytest.raises(ValueError):
        planted_for(4)


def test_lifecycle_expectations_follow_each_finding():
    expected = lifecycle_expectations()
    table = {
        night: {row.key: (row.status, row.first_seen, row.last_seen) for row in rows}
        for night, rows in expected.items()
    }
    fixed, back, new = FIXED_ON_NIGHT_2[1], BACK_ON_NIGHT_3[0], _key(NEW_ON_NIGHT_2[0])
    stays = _key(next(p for p in PLANTED if p.check == "tls_certificate"))
    assert [table[n].get(fixed) for n in NIGHTS] == [("open", 1, 1)] + [("fixed", 1, 1)] * 2
    assert [table[n].get(back) for n in NIGHTS] == [
        ("open", 1, 1),
        ("fixed", 1, 1),
        ("reopened", 1, 3),
    ]
    assert [table[n].get(new) for n in NIGHTS] == [None, ("open", 2, 2), ("open", 2, 3)]
    assert [table[n].get(stays) for n in NIGHTS] == [("open", 1, n) for n in NIGHTS]
    for night in NIGHTS:
        active = {row.key for row in expected[night] if row.status in ("open", "reopened")}
        assert active == set(map(_key, planted_for(night)))
        assert all(row.last_seen == night for row in expected[night] if row.key in active)


# --- nights on the server -------------------------------------------------------------------


def test_portal_starts_on_any_night_and_refuses_an_unknown_one(tmp_path, portal):
    with DemoPortal(tmp_path, night=3) as third:
        assert (third.night, third.as_of) == (3, DEMO_NIGHTS[3])
        own = LoopbackClient(third)
        titles = [t for t, _ in list_items(own, third.url(XXGK, column("gzdt").path))]
        own.close()
        assert titles[0] == "市交通运输局开展冬季农村客运安全专项检查"  # published for night 3
        with pytest.raises(ValueError):
            third.set_night(0)
        assert third.night == 3
    assert (portal.night, portal.as_of) == (1, DEMO_AS_OF)
    with pytest.raises(ValueError):
        DemoPortal(tmp_path, night=4)


def _planted_pairs(predicate):
    pairs = [(n, p) for n in NIGHTS for p in planted_for(n) if predicate(p)]
    return pairs, [f"night-{n}:{p.subtype}:{p.note[:24]}" for n, p in pairs]


BROKEN, BROKEN_IDS = _planted_pairs(lambda p: p.check == "broken_link")


@pytest.mark.parametrize(("night", "planted"), BROKEN, ids=BROKEN_IDS)
def test_each_nights_broken_links_fail_as_declared(on_night, client, soft_404_body, night, planted):
    portal = on_night(night)
    assert classify(client, planted.resolve(portal), soft_404_body) == planted.subtype


ON_PAGE, ON_PAGE_IDS = _planted_pairs(lambda p: bool(p.page))


@pytest.mark.parametrize(("night", "planted"), ON_PAGE, ids=ON_PAGE_IDS)
def test_each_nights_defects_are_on_the_pages_the_key_names(on_night, client, night, planted):
    portal = on_night(night)
    wanted = planted.resolve(portal)
    links = fetch_page(client, portal.url(XXGK, planted.page))
    as_written = planted.check == "wrong_link" or not wanted.startswith("http")
    found = [text for raw, url, text in links if (raw if as_written else url) == wanted]
    assert (planted.link_text in found) if planted.link_text else found


def inspector_verdict(key: str, night: int) -> str | None:
    """The stale_column subtype an inspector gives the column on the night's date (None:
    fresh, static or blank), from the items the night lists."""
    spec, kind = column(key), COLUMN_KINDS[key]
    items = Edition(night).articles(spec)
    if kind == "static" or not items:
        return None
    if spec.undated:
        return "no_dates"
    window = KIND_WINDOWS.get(kind, 365)
    age = (DEMO_NIGHTS[night] - items[0].published.date()).days
    if age > window:
        return kind
    return "about_to_go_stale" if age > window - min(WARN_WITHIN_DAYS, window // 2) else None


COLUMN_NIGHTS = [(n, c.key) for n in NIGHTS for c in COLUMNS]


@pytest.mark.parametrize(
    ("night", "key"), COLUMN_NIGHTS, ids=[f"night-{n}:{k}" for n, k in COLUMN_NIGHTS]
)
def test_column_freshness_each_night_is_what_the_key_plants(portal, night, key):
    """Two weeks on, only 公示公告 changes state (it published); 工作动态 stays fresh because
    it keeps publishing; every item is published by the night's date; a column is blank when
    it lists nothing and says nothing of its own."""
    url = portal.url(XXGK, column(key).path)
    planted = {p.check: p.subtype for p in planted_for(night) if p.resolve(portal) == url}
    assert planted.get("stale_column") == inspector_verdict(key, night)
    items = Edition(night).articles(column(key))
    assert all(item.published.date() <= DEMO_NIGHTS[night] for item in items)
    # Blank: no item, and no text of its own on the column page (领导信息 has some).
    assert ("blank_column" in planted) == (not items and not column(key).page_text)


# --- the fixes, the new defect and the return, one by one -----------------------------------


def test_deleted_document_is_back_on_night_2_only(on_night, client, soft_404_body):
    """The 404 of night 1 answers 200 on night 2 and 404 again on night 3 (回潮); the link
    to it never moves from its page."""
    verdicts, pages = [], []
    for night in NIGHTS:
        portal = on_night(night)
        target = BACK_ON_NIGHT_3[0][2].replace("{https_port}", str(portal.https_port))
        verdicts.append(classify(client, target, soft_404_body))
        links = fetch_page(client, portal.url(XXGK, page_path("zcwj", 1)))
        pages.append([text for _, url, text in links if url == target])
    assert verdicts == ["http_404", "ok", "http_404"]
    assert pages == [["原文件（2020年版）"]] * 3


def test_uploaded_photo_loads_on_an_unchanged_page(on_night, client, soft_404_body):
    photo = FIXED_ON_NIGHT_2[1][2]
    pages = {}
    for night in NIGHTS:
        portal = on_night(night)
        url = photo.replace("{https_port}", str(portal.https_port))
        pages[night] = client.request("GET", portal.url(XXGK, page_path("gzdt", 1))).content
        expected = "http_404" if night == 1 else "ok"
        assert classify(client, url, soft_404_body) == expected
    assert pages[1] == pages[2] == pages[3]


# (page, link text, href on night 1, href from night 2: None = the link is gone)
REWRITTEN_LINKS = [
    (page_path("tzgg", 1), "下载附件", "javascript:void(0)", "./P020261113402356789012.docx"),
    (page_path("czyjs", 3), "预算.xls", "D:\\文件\\预算.xls", "./P020260328395612345681.xls"),
    (page_path("tzgg", 2), "原通知", "/tzgg/202003/t20200315_2210045.html", None),
]


@pytest.mark.parametrize(
    ("path", "text", "before", "after"), REWRITTEN_LINKS, ids=[r[1] for r in REWRITTEN_LINKS]
)
def test_rewritten_links(on_night, client, soft_404_body, path, text, before, after):
    for night in NIGHTS:
        portal = on_night(night)
        links = fetch_page(client, portal.url(XXGK, path))
        hrefs = [raw for raw, _, shown in links if shown == text]
        assert hrefs == ([before] if night == 1 else [after] if after else [])
        for raw, target, _ in links:
            if night > 1 and raw == after:
                assert classify(client, target, soft_404_body) == "ok"
                body = client.request("GET", target).content
                assert body.startswith(b"PK" if after.endswith(".docx") else b"\xd0\xcf\x11\xe0")


def test_uploaded_attachment_is_a_word_file_with_no_personal_data(on_night, client):
    portal = on_night(2)
    folder = portal.url(XXGK, page_path("tzgg", 1).rsplit("/", 1)[0])
    response = client.request("GET", f"{folder}/P020261113402356789012.docx")
    assert response.headers["Content-Type"].endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        text = docx.read("word/document.xml").decode("utf-8")
    assert "质量信誉考核" in text and not re.search(r"\d{6,}", text)


def test_widget_script_moves_to_https_and_the_http_image_stays(on_night, client):
    for night in NIGHTS:
        portal = on_night(night)
        html = client.request("GET", portal.url(XXGK, page_path("gzdt", 4))).content
        tree: lxml.html.HtmlElement = lxml.html.fromstring(html)
        scripts = [s.get("src") for s in tree.iter("script") if s.get("src")]
        scheme = "http" if night == 1 else "https"
        widget = portal.url("www.example-partner.cn", "/js/bus-widget.js", scheme)
        assert widget in scripts
        assert client.request("GET", widget).status_code == 200
        image = portal.url("www.example-partner.cn", "/images/line-map.gif", "http")
        assert [i.get("src") for i in tree.iter("img") if "//" in i.get("src")] == [image]


# (page, text on night 1, text from night 2 on)
CORRECTED_TEXTS = [
    (page_path("rsxx", 1), "身份证号码：220402199003151231", "身份证号码：2204**********1231"),
    (page_path("tzgg", 8), "联系电话13943719876", "联系电话139****9876"),
    (page_path("tzgg", 4), "《中华人民共合国安全生产法》", "《中华人民共和国安全生产法》"),
]


@pytest.mark.parametrize(
    ("path", "before", "after"), CORRECTED_TEXTS, ids=["id-masked", "mobile-masked", "country"]
)
def test_corrected_texts(on_night, client, path, before, after):
    texts = [page_text(client, on_night(n).url(XXGK, path)) for n in NIGHTS]
    assert [(before in t, after in t) for t in texts] == [
        (True, False),
        (False, True),
        (False, True),
    ]


def list_items(client, url: str) -> list[tuple[str, str]]:
    """``(title, URL)`` of the items a column list page shows, in order."""
    html = client.request("GET", url).content
    page: lxml.html.HtmlElement = lxml.html.fromstring(html.decode(page_encoding(html)))
    box = page.find_class("list-box")[0]
    return [(text, link) for _, link, text in page_links(lxml.html.tostring(box), url) if text]


# (column, title of the item published for night 2)
PUBLISHED = [
    ("gsgg", "关于注销2026年第四批道路运输从业人员从业资格的公告"),
    ("zfcg", "辽源市交通运输局2026年度办公设备采购项目成交结果公告"),
    ("czyjs", "辽源市交通运输局2025年度部门决算公开"),
    ("gzdt", "市交通运输局部署冬季道路运输安全隐患排查工作"),
]


@pytest.mark.parametrize(("key", "title"), PUBLISHED, ids=[k for k, _ in PUBLISHED])
def test_items_published_for_night_2_top_their_lists(on_night, client, key, title):
    for night in NIGHTS:
        portal = on_night(night)
        listed = list_items(client, portal.url(XXGK, column(key).path))
        titles = [t for t, _ in listed]
        assert (title in titles) == (night > 1)
        if night > 1:
            first = 1 if (key, night) == ("gzdt", 3) else 0  # night 3 adds a newer one
            assert titles[first] == title
            url = next(u for t, u in listed if t == title)
            assert title in page_text(client, url)


def test_new_defect_is_a_new_article_with_a_missing_attachment(on_night, client, soft_404_body):
    new = NEW_ON_NIGHT_2[0]
    for night in NIGHTS:
        portal = on_night(night)
        article = client.request("GET", portal.url(XXGK, new.page)).content
        if night == 1:
            assert article == soft_404_body  # not published yet: the CMS's 页面不存在
            continue
        links = page_links(article, portal.url(XXGK, new.page))
        assert (new.resolve(portal), new.link_text) in [(url, text) for _, url, text in links]
        assert client.request("GET", new.resolve(portal)).status_code == 404
