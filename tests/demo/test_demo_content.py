"""The demo portal's content plants (issue 3) on loopback: each is on the page the answer key
names, and each negative shows its look-alike.

Read with lxml and plain string tests, independently of the crawler and the checks: the ID
numbers are validated here with their own GB 11643 arithmetic, the search is asked directly.
"""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import quote, urlsplit

import lxml.html
import pytest
from demo_client import JTJ, XXGK, fetch_page, page_encoding, page_text

from xuncha.demo.catalog import COLUMNS, articles_of, column
from xuncha.demo.expected import NEGATIVES, PLANTED

CONTENT = [p for p in PLANTED if p.issue == 3]
META_TAGS = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ArticleTitle", "PubDate")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_EIGHTEEN = re.compile(r"(?<![0-9A-Za-z*])\d{17}[\dX](?![0-9A-Za-z*])")


def valid_id_numbers(text: str) -> list[str]:
    """Unmasked 18-character ID numbers whose GB 11643 check character is right."""

    def check_character(number: str) -> str:
        total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
        return "10X98765432"[total % 11]

    return [number for number in _EIGHTEEN.findall(text) if check_character(number) == number[17]]


def planted(check: str, subtype: str, attachment: bool = False):
    found = [
        p
        for p in CONTENT
        if (p.check, p.subtype) == (check, subtype) and p.url.endswith(".docx") == attachment
    ]
    assert len(found) == 1, (check, subtype, found)
    return found[0]


def test_every_issue_3_entry_names_its_issue():
    assert {p.check for p in CONTENT} == {
        "stale_column", "blank_column", "missing_mandatory", "mixed_content",
        "site_identity", "privacy_leak", "wording_error", "misplaced_content",
    }  # fmt: skip
    assert [n for n in NEGATIVES if n.issue == 3]


# --- page content -----------------------------------------------------------------------------

PAGE_PLANTS = [
    ("privacy_leak", "id_number", "身份证号码：220402199003151231"),
    ("privacy_leak", "mobile", "联系电话13943719876"),
    ("wording_error", "serious_misstatement", "《中华人民共合国安全生产法》"),
    ("wording_error", "miswriting", "安全生产工作布署"),
    ("misplaced_content", "budget_activity", "市交通运输局召开党风廉政建设警示教育会议"),
]


@pytest.mark.parametrize(
    ("check", "subtype", "marker"), PAGE_PLANTS, ids=[f"{c}:{s}" for c, s, _ in PAGE_PLANTS]
)
def test_page_plant_is_on_the_page_the_answer_key_names(portal, client, check, subtype, marker):
    text = page_text(client, planted(check, subtype).resolve(portal))
    assert marker in text
    if subtype == "id_number":
        assert valid_id_numbers(text) == ["220402199003151231"]


def test_attachment_carries_an_unmasked_valid_id_number(portal, client):
    entry = planted("privacy_leak", "id_number", attachment=True)
    response = client.request("GET", entry.resolve(portal))
    assert response.status_code == 200
    assert response.headers["Content-Type"].endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
        text = docx.read("word/document.xml").decode("utf-8")
    assert valid_id_numbers(text) == ["220403198811202211"]


NEGATIVE_MARKERS = [
    "2204**********2216",
    "辽交发〔2026〕12号",
    "11220400MB1234567X/2026-00123",
    "0437-3221234",
    "工作部署",
    "关于召开2027年部门预算编制工作会议的通知",
]


@pytest.mark.parametrize("marker", NEGATIVE_MARKERS)
def test_negative_page_shows_its_look_alike_and_nothing_planted(portal, client, marker):
    negative = next(n for n in NEGATIVES if marker in n.note)
    text = page_text(client, negative.resolve(portal))
    assert marker in text
    assert valid_id_numbers(text) == [] and not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
    assert "工作布署" not in text and "中华人民共合国" not in text


def test_budget_column_lacks_last_years_final_accounts(portal, client):
    spec = column("czyjs")
    titles = [text for _, _, text in fetch_page(client, portal.url(XXGK, spec.path))]
    assert "辽源市交通运输局2024年度部门决算公开" in titles
    assert "辽源市交通运输局2026年部门预算公开" in titles
    assert not [t for t in titles if "2025" in t and "决算" in t]


# --- columns ----------------------------------------------------------------------------------


def test_undated_column_carries_no_date_anywhere(portal, client):
    spec = column("qzqd")
    listing: lxml.html.HtmlElement = lxml.html.fromstring(
        page_text(client, portal.url(XXGK, spec.path))
    )
    box = listing.find_class("list-box")[0]
    assert len(box.findall(".//a")) == 3
    assert not re.search(r"\d", box.text_content())
    for item in articles_of(spec):
        assert not re.search(r"\d{4}", item.path.replace(str(item.doc_id), ""))
        response = client.request("GET", portal.url(XXGK, item.path))
        assert (response.status_code, response.headers["Content-Type"]) == (200, "application/pdf")
        assert "Last-Modified" not in response.headers
        assert not re.search(rb"20\d\d", response.content.split(b"xref")[0])


def test_blank_column_list_says_no_information(portal, client):
    html = client.request("GET", portal.url(XXGK, column("zfcg").path)).content
    page: lxml.html.HtmlElement = lxml.html.fromstring(html.decode("utf-8"))
    box = page.find_class("list-box")[0]
    assert "暂无信息" in box.text_content() and box.findall(".//a") == []


# --- mixed content ----------------------------------------------------------------------------


@pytest.mark.parametrize("subtype", ["image", "script"])
def test_mixed_content_resource_loads_over_http_from_an_https_page(portal, client, subtype):
    entry = planted("mixed_content", subtype)
    url = entry.resolve(portal)
    assert urlsplit(url).scheme == "http"
    response = client.request("GET", url)
    assert response.status_code == 200
    tag, attribute = {"image": ("img", "src"), "script": ("script", "src")}[subtype]
    html = client.request("GET", portal.url(XXGK, entry.page)).content
    assert [e.get(attribute) for e in lxml.html.fromstring(html).iter(tag)].count(url) == 1


# --- site identity and search -----------------------------------------------------------------


def test_every_html_article_carries_the_six_meta_tags(portal, client):
    lacking = {}
    for spec in COLUMNS:
        for item in (a for a in articles_of(spec) if a.is_page):
            html = client.request("GET", portal.url(XXGK, item.path)).content
            doc = lxml.html.fromstring(html.decode(page_encoding(html)))
            declared = {m.get("name") for m in doc.iter("meta") if (m.get("content") or "").strip()}
            if missing := [tag for tag in META_TAGS if tag not in declared]:
                lacking[item.path] = missing
    assert lacking == {}


def _identity_pages():
    spec = column("zcwj")
    return [
        ("jtj-home", JTJ, "/", True),
        ("jtj-jiucuo", JTJ, "/jiucuo/", True),
        ("xxgk-home", XXGK, "/", False),
        ("xxgk-list", XXGK, spec.path, False),
        ("xxgk-article", XXGK, articles_of(spec)[0].path, False),
    ]


@pytest.mark.parametrize(
    ("host", "path", "has_entry"),
    [page[1:] for page in _identity_pages()],
    ids=[page[0] for page in _identity_pages()],
)
def test_jiucuo_entry_only_in_the_portal_footer(portal, client, host, path, has_entry):
    text = page_text(client, portal.url(host, path))
    footer = text.split('<div class="footer">')[1]
    assert ("我为政府网站找错" in footer) == has_entry
    assert ("网站标识码" in footer, "ICP备" in footer, 'alt="党政机关"' in footer) == (True,) * 3


def test_home_page_has_a_search_form(portal, client):
    html = client.request("GET", portal.url(JTJ, "/")).content
    page: lxml.html.HtmlElement = lxml.html.fromstring(html.decode("utf-8"))
    form = page.forms[0]
    assert (form.get("action"), form.method) == ("/search", "GET")
    assert [i.get("name") for i in form.inputs if i.get("type") == "text"] == ["searchword"]


SEARCHES = [
    ("政务公开", {("zcwj", 0), ("zcjd", 0), ("gzdt", 3)}),
    ("县区", set()),
    ("", set()),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES, ids=["hits", "no-hit", "empty"])
def test_search_answers_with_links_to_matching_items(portal, client, query, expected):
    response = client.request("GET", portal.url(JTJ, f"/search?searchword={quote(query)}"))
    assert response.status_code == 200
    page: lxml.html.HtmlElement = lxml.html.fromstring(response.content.decode("utf-8"))
    box = page.find_class("search-results")[0]
    results = {a.get("href") for a in box.iter("a")}
    wanted = {portal.url(XXGK, articles_of(column(key))[index].path) for key, index in expected}
    assert results == wanted
