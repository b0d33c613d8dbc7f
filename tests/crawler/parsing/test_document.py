"""parse_page: markup nested past libxml2's default depth, and past every limit."""

from __future__ import annotations

import pytest

from crawler.parsing.document import MAX_DEPTH, parse_page, visible_text
from crawler.parsing.links import extract_links

URL = "http://www.example.gov.cn/zwgk/a.html"
TAIL = (
    '<a href="next.html"><span><img src="p.png"></span>下一篇</a>'
    "<p>身份证号码：220402199003151231</p>"
)


def _nested(opening: str, count: int) -> str:
    return f"<html><body>{opening * count}{TAIL}</body></html>"


def _depth(doc) -> int:
    return max(sum(1 for _ in element.iterancestors()) + 1 for element in doc.iter())


@pytest.mark.parametrize("count", [300, 1000, 2000], ids=lambda n: f"{n}-deep")
@pytest.mark.parametrize(
    "opening",
    ["<div>", "<font color=red>", "<b>", "<div><font><b>", "<ul><li>", "<table><tr><td>"],
    ids=["div", "font", "b", "div-font-b", "ul-li", "table"],
)
def test_what_lies_below_unclosed_tags_is_kept(opening: str, count: int):
    parsed = parse_page(_nested(opening, count // opening.count("<")), URL)
    assert not parsed.truncated
    assert [link.url for link in extract_links(parsed.doc, URL)] == [
        "http://www.example.gov.cn/zwgk/next.html",
        "http://www.example.gov.cn/zwgk/p.png",
    ]
    assert visible_text(parsed.doc).endswith("下一篇 身份证号码：220402199003151231")
    assert _depth(parsed.doc) <= MAX_DEPTH + 2  # the recursive parsers stay within the stack


def test_a_page_within_the_default_depth_is_left_as_parsed():
    page = _nested("<div class=box>", MAX_DEPTH - 5)  # html, body; the divs; a, span, img
    parsed = parse_page(page, URL)
    assert (parsed.truncated, _depth(parsed.doc)) == (False, MAX_DEPTH)
    assert len(parsed.doc.xpath("//div[@class='box']")) == MAX_DEPTH - 5
    assert len(parsed.doc.xpath("//a/span/img")) == 1


def test_a_page_nested_past_every_limit_is_said_to_be_cut():
    parsed = parse_page(_nested("<div>", 2100), URL)
    assert parsed.truncated
    assert extract_links(parsed.doc, URL) == []


def test_a_text_node_over_10_mb_is_kept():
    text = "政务公开" * 3_000_000  # 12 M characters in one text node (36 MB of UTF-8)
    parsed = parse_page(f"<html><body><p>{text}</p><a href='x.html'>x</a></body></html>", URL)
    assert not parsed.truncated
    assert len(parsed.doc.findtext(".//p")) == len(text)
    assert [link.url for link in extract_links(parsed.doc, URL)] == [
        "http://www.example.gov.cn/zwgk/x.html"
    ]
