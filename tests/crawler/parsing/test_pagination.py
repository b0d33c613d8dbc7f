"""Every other page of a column list: pager links, pager scripts, Hanweb record windows."""

# ruff: noqa: E501  (HTML fixtures keep one list item per line, as a CMS writes them)

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.pagination import pagination_urls

HOST = "http://www.example.gov.cn"
ITEMS = """<ul class="list"><li><a href="./202603/t20260315_1.html">条目一</a><span>2026-03-15</span></li>
<li><a href="./202603/t20260314_2.html">条目二</a><span>2026-03-14</span></li></ul>"""
NAV = '<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>'


def page(pager: str, extra: str = "") -> str:
    return f"<html><body>{NAV}{ITEMS}{pager}{extra}</body></html>"


def pages(prefix: str, numbers) -> list[str]:
    return [prefix.format(n) for n in numbers]


TRS_CREATE = """<script>
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){{ /* WCM置标 */ }}
</script><script>createPageHTML(5, {current}, "index", "html");</script>"""

COUNTPAGE_SCRIPT = """<div class="page"><script language="javascript">
var countnum= 80; var currentPage={current}; var countPage=4
document.write("<a href=\\"list."+"htm\\">首页</a>");
for(var i=0;i<countPage;i++){{ if(i>0) document.write("<a href=\\"list"+"_"+i+"."+"htm\\">"+(i+1)+"</a>"); }}
function goto(){{ window.navigate("other_"+(n-1)+".shtml"); }}
</script></div>"""

PATH_PAGER = """<div class="pagination"><a href="list.html">首页</a><span class="current">1</span>
<a href="list_2.html">2</a><a href="list_3.html">3</a><a href="list_2.html">下一页</a>
<a href="list_12.html">尾页</a></div>"""

COLUMN_INDEX = """<div class="pages"><span>1</span><a href="column-index-2.shtml">2</a>
<a href="column-index-3.shtml">3</a><a href="column-index-2.shtml">下一页</a>
<a href="column-index-30.shtml">末页</a></div>"""

TRS_SHTML_LINKS = """<div class="page">共10页 <a href="index.shtml">首页</a>
<a href="index_1.shtml">2</a><a href="index_2.shtml">3</a><a href="index_1.shtml">下一页</a>
<a href="index_9.shtml">尾页</a></div>"""


def query_pager(param: str) -> str:
    links = "".join(f'<a href="list.jsp?cid=7&{param}={n}">{n}</a>' for n in range(1, 6))
    return (
        f'<div class="page_box">{links}<a href="list.jsp?cid=7&{param}=2">下一页</a>'
        f'<a href="list.jsp?cid=7&{param}=40">最后一页</a></div>'
    )


OFFSET_PAGER = """<div id="pager"><a href="search.jsp?q=x&start=0">1</a>
<a href="search.jsp?q=x&start=10">2</a><a href="search.jsp?q=x&start=20">3</a>
<a href="search.jsp?q=x&start=10">下一页</a><a href="search.jsp?q=x&start=90">尾页</a></div>"""

STARTRECORD_PAGER = """<div class="fenye"><a href="list.do?startrecord=1">1</a>
<a href="list.do?startrecord=16">2</a><a href="list.do?startrecord=31">3</a>
<a href="list.do?startrecord=61">末页</a></div>"""

HANWEB = """<div id="4701"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=3&path=/&columnid=4701&unitid=12&permissiontype=0"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/2026/3/15/art_4701_1.html">一</a><span>2026-03-15</span></li>]]></record></recordset>
</datastore></script></div>
<script>$('#4701').jpage({ perPage: 15, totalRecord: 100, groupSize: 3, barPosition: 'bottom' });</script>"""

HIDDEN_TAB_PAGER = """<div class="tab" style="display:none"><ul><li><a href="/other/1.html">别的栏目</a>
<span>2026-01-01</span></li></ul><div class="page"><a href="/other/index_1.html">2</a>
<a href="/other/index_1.html">下一页</a><a href="/other/index_7.html">尾页</a></div></div>"""

YEAR_FILTER = """<div class="years"><a href="list.jsp?year=2024">2024</a>
<a href="list.jsp?year=2025">2025</a><a href="list.jsp?year=2026">2026</a></div>"""

CASES = [
    (
        "trs-createPageHTML-first",
        page(TRS_CREATE.format(current=0)),
        f"{HOST}/zwgk/tzgg/",
        pages(f"{HOST}/zwgk/tzgg/index_{{}}.html", range(1, 5)),
    ),
    (
        "trs-createPageHTML-middle",
        page(TRS_CREATE.format(current=2)),
        f"{HOST}/zwgk/tzgg/index_2.html",
        [f"{HOST}/zwgk/tzgg/index.html"] + pages(f"{HOST}/zwgk/tzgg/index_{{}}.html", [1, 3, 4]),
    ),
    (
        "trs-createPageHTML-definition-only",
        page(TRS_CREATE.split("<script>createPageHTML")[0]),
        f"{HOST}/zwgk/tzgg/",
        [],
    ),
    (
        "trs-createPageHTML-one-page",
        page('<script>createPageHTML(1, 0, "t20190918_693227", "shtml");</script>'),
        f"{HOST}/yw/201909/t20190918_693227.shtml",
        [],
    ),
    (
        "countPage-script-names-from-document-write",
        page(COUNTPAGE_SCRIPT.format(current=0)),
        f"{HOST}/xxgk/",
        pages(f"{HOST}/xxgk/list_{{}}.htm", range(1, 4)),
    ),
    (
        "totalPage-with-name-and-ext-variables",
        page(
            '<script>var totalPage = 3; var currentPage = 0; var pageName = "more";'
            ' var pageExt = "shtml";</script>'
        ),
        f"{HOST}/xxgk/tzgg/more.shtml",
        pages(f"{HOST}/xxgk/tzgg/more_{{}}.shtml", [1, 2]),
    ),
    (
        "record-count-and-page-size",
        page(
            "<script>var countnum = 45; var pageSize = 20; var currentPage = 0;"
            ' document.write("<a href=\\"index_"+i+".html\\">"+i+"</a>");</script>'
        ),
        f"{HOST}/a/",
        pages(f"{HOST}/a/index_{{}}.html", [1, 2]),
    ),
    (
        "path-pager-one-based",
        page(PATH_PAGER),
        f"{HOST}/xxgk/list.html",
        pages(f"{HOST}/xxgk/list_{{}}.html", range(2, 13)),
    ),
    (
        "column-index-N",
        page(COLUMN_INDEX),
        f"{HOST}/col/123/column-index-1.shtml",
        pages(f"{HOST}/col/123/column-index-{{}}.shtml", range(2, 31)),
    ),
    (
        "trs-index-N-shtml-links",
        page(TRS_SHTML_LINKS),
        f"{HOST}/zwgk/",
        pages(f"{HOST}/zwgk/index_{{}}.shtml", range(1, 10)),
    ),
    (
        "offset-start",
        page(OFFSET_PAGER),
        f"{HOST}/s/search.jsp?q=x&start=0",
        pages(f"{HOST}/s/search.jsp?q=x&start={{}}", range(10, 100, 10)),
    ),
    (
        "offset-startrecord",
        page(STARTRECORD_PAGER),
        f"{HOST}/s/list.do?startrecord=1",
        pages(f"{HOST}/s/list.do?startrecord={{}}", [16, 31, 46, 61]),
    ),
    (
        "next-link-only",
        page('<div class="pg"><a href="list.jsp?cursor=abcd">下一页</a></div>'),
        f"{HOST}/l/list.jsp",
        [f"{HOST}/l/list.jsp?cursor=abcd"],
    ),
    (
        "chevron-next-only",
        page('<p><a href="more.html">»</a></p>'),
        f"{HOST}/l/",
        [f"{HOST}/l/more.html"],
    ),
    ("hidden-tab-pager-ignored", page("", HIDDEN_TAB_PAGER), f"{HOST}/xxgk/", []),
    ("year-filter-is-not-a-pager", page(YEAR_FILTER), f"{HOST}/l/list.jsp", []),
    (
        "go-box-navigate-only",
        page(
            '<script>var countPage = 3; function goto(){ window.navigate("list_"+n+".htm"); }'
            "</script>"
        ),
        f"{HOST}/l/",
        [],
    ),
    ("no-pager", page(""), f"{HOST}/l/", []),
    (
        "last-page-links-back-to-the-first",
        page(
            '<div class="page"><a href="index.html">首页</a> <a href="index.html">上一页</a>'
            ' <a href="index.html">1</a> <span>2</span></div>'
        ),
        f"{HOST}/zwgk/index_1.html",
        [f"{HOST}/zwgk/index.html"],
    ),
    (
        "loopback-host-and-port-are-not-the-page-number",
        page(TRS_SHTML_LINKS.replace("共10页 ", "").replace("index_9", "index_3")),
        "http://127.0.0.1:8765/zwgk/",
        pages("http://127.0.0.1:8765/zwgk/index_{}.shtml", range(1, 4)),
    ),
]

QUERY_PARAMS = ["page", "pageNo", "pageIndex", "pageNum", "currPage", "curPage", "p", "pn"]
CASES += [
    (
        f"query-{param}",
        page(query_pager(param)),
        f"{HOST}/q/list.jsp?cid=7&{param}=1",
        pages(f"{HOST}/q/list.jsp?cid=7&{param}={{}}", range(2, 41)),
    )
    for param in QUERY_PARAMS
]


@pytest.mark.parametrize(
    ("html", "url", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_pagination_urls(html: str, url: str, expected: list[str]) -> None:
    assert pagination_urls(parse_html(html, url), html, url) == expected


def test_query_pager_from_the_unnumbered_first_page() -> None:
    html = page(query_pager("pageNo"))
    url = f"{HOST}/q/list.jsp?cid=7"
    # ``?cid=7`` is page 1 (what pageNo=1 shows), so the others are pageNo=2 … 40.
    found = pagination_urls(parse_html(html, url), html, url)
    assert found == pages(f"{HOST}/q/list.jsp?cid=7&pageNo={{}}", range(2, 41))


def test_max_pages_caps_the_generated_range() -> None:
    html = page(query_pager("page").replace("page=40", "page=5000"))
    url = f"{HOST}/q/list.jsp?cid=7&page=1"
    doc = parse_html(html, url)
    assert len(pagination_urls(doc, html, url)) == 1999
    capped = pagination_urls(doc, html, url, max_pages=10)
    assert capped == pages(f"{HOST}/q/list.jsp?cid=7&page={{}}", range(2, 11))


def test_hanweb_record_windows() -> None:
    html = page("", HANWEB)
    url = f"{HOST}/col/col4701/index.html"
    found = pagination_urls(parse_html(html, url), html, url)
    windows = [parse_qs(urlsplit(u).query) for u in found]
    assert [(w["startrecord"], w["endrecord"], w["perpage"]) for w in windows] == [
        (["46"], ["90"], ["15"]),
        (["91"], ["135"], ["15"]),
    ]
    assert all(u.startswith(f"{HOST}/module/web/jpage/dataproxy.jsp?") for u in found)
    assert all(w["columnid"] == ["4701"] and "page" not in w for w in windows)


def test_hanweb_without_total_or_page_size_gives_nothing() -> None:
    html = page("", HANWEB.replace("perPage: 15, totalRecord: 100, ", ""))
    url = f"{HOST}/col/col4701/index.html"
    assert pagination_urls(parse_html(html, url), html, url) == []


# ---- real pages ------------------------------------------------------------------------------


def _real(real_pages, prefix: str, url: str) -> list[str]:
    text = next(real_pages.glob(f"{prefix}-*.html")).read_text("utf-8")
    return pagination_urls(parse_html(text, url), text, url)


def test_real_03_countpage_and_rendered_links(real_pages) -> None:
    base = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
    assert _real(real_pages, "03", base) == pages(base + "index_{}.html", range(1, 56))
    # Seen from page 3 (index_2.html) the first page is index.html and index_2 is left out.
    from_third = _real(real_pages, "03", base + "index_2.html")
    assert len(from_third) == 55 and base + "index.html" in from_third


def test_real_05_trs_pager_one_other_page(real_pages) -> None:
    base = "http://www.ordos.gov.cn/egb/xxgk/xxgknb/"
    assert _real(real_pages, "05", base) == [base + "index_1.html"]


def test_real_06_api_driven_pager_has_no_page_urls(real_pages) -> None:
    """平潭's pager is ``pageChnlInfo = {recordCount:'107', prepage:15, maxStaticIndex: 5}``
    rendered by avalon from ``/fjdzapp/search`` (a search API, no page URLs). The 5 static pages
    (75 items) are all inlined in this HTML; the other 32 records have no URL to follow."""
    assert _real(real_pages, "06", "https://www.pingtan.gov.cn/zwgk/ghxx/gzjzqk/") == []


def test_real_12_article_level_create_page_html(real_pages) -> None:
    url = "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml"
    assert _real(real_pages, "12", url) == []


def test_real_14_trs_create_page_html(real_pages) -> None:
    base = "http://www.zhangshu.gov.cn/zwgk/zhxx/"
    assert _real(real_pages, "14", base) == pages(base + "index_{}.html", range(1, 21))


@pytest.mark.parametrize("prefix", ["01", "02", "04", "07", "08", "09", "10", "11", "13"])
def test_real_pages_without_pager(real_pages, prefix: str) -> None:
    assert _real(real_pages, prefix, "http://hdzfxxgk.hd.gov.cn/x/") == []


def test_real_03_raw_source_without_rendered_links(real_pages) -> None:
    """The same page as served (the pager only in its script): ``countPage=56`` and the
    ``"index"+"_"+i+"."+"html"`` strings of its ``document.write`` calls give the same pages."""
    text = (real_pages / "03-handan-jqxxgk-list.html").read_text("utf-8")
    start = text.index('</script><a href="http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"')
    end = text.index("尾页</a>", start) + len("尾页</a>")
    raw = text[: start + len("</script>")] + text[end:]
    base = "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/"
    assert "index_55.html" not in raw
    assert pagination_urls(parse_html(raw, base), raw, base) == pages(
        base + "index_{}.html", range(1, 56)
    )
