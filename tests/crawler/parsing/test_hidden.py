"""hidden_links: every way a page hides an outside link from its reader, and what is not hidden
or not outside. Which hidden links are defects is the check's business (tests/checks)."""

# ruff: noqa: E501  (HTML fixtures keep one element per line, as an injector writes them)

from __future__ import annotations

import pytest

from crawler.parsing.document import parse_html
from crawler.parsing.hidden import MAX_HIDDEN, HiddenLink, hidden_links
from crawler.parsing.styles import declarations, style_sheet
from crawler.parsing.written import written_markup

PAGE = "http://www.example.gov.cn/zwgk/index.html"
SPAM = "http://www.xpj-casino.example.com/"
OTHER = "http://bet.example.net/vip.html"


def outside(url: str) -> bool:
    return "example.gov.cn" not in url


def hidden(body: str, head: str = "") -> list[tuple[str, str, str]]:
    doc = parse_html(f"<html><head>{head}</head><body>{body}</body></html>", PAGE)
    return [(link.target, link.text, link.how) for link in hidden_links(doc, PAGE, outside)]


def written(body: str) -> list[HiddenLink]:
    doc = parse_html(f"<html><body>{body}</body></html>", PAGE)
    return hidden_links(doc, PAGE, outside)


SPAM_LINK = f'<a href="{SPAM}">澳门新葡京</a>'

TECHNIQUES = [
    # (id, body, <head> extra, how)
    (
        "display-none-on-link",
        f'<a href="{SPAM}" style="display:none">澳门新葡京</a>',
        "",
        "display_none",
    ),
    (
        "display-none-on-ancestor",
        f'<div style="DISPLAY: NONE"><p><span>{SPAM_LINK}</span></p></div>',
        "",
        "display_none",
    ),
    (
        "visibility-hidden",
        f'<div style="visibility:hidden">{SPAM_LINK}</div>',
        "",
        "visibility_hidden",
    ),
    ("hidden-attribute", f"<div hidden>{SPAM_LINK}</div>", "", "hidden_attr"),
    (
        "offscreen-left",
        f'<div style="position:absolute;left:-9999px;top:0">{SPAM_LINK}</div>',
        "",
        "offscreen",
    ),
    (
        "offscreen-top-fixed",
        f'<div style="position: fixed; top: -1000px">{SPAM_LINK}</div>',
        "",
        "offscreen",
    ),
    (
        "offscreen-em",
        f'<div style="position:relative;left:-999em">{SPAM_LINK}</div>',
        "",
        "offscreen",
    ),
    ("offscreen-margin", f'<div style="margin-left:-5000px">{SPAM_LINK}</div>', "", "offscreen"),
    ("text-indent", f'<div style="text-indent:-9999px">{SPAM_LINK}</div>', "", "text_indent"),
    (
        "zero-size",
        f'<div style="width:0;height:0;overflow:hidden">{SPAM_LINK}</div>',
        "",
        "zero_size",
    ),
    (
        "one-pixel-box",
        f'<div style="height:1px;overflow:hidden">{SPAM_LINK}</div>',
        "",
        "zero_size",
    ),
    (
        "marquee-zero-height",
        f'<marquee height="0" width="1">{SPAM_LINK}</marquee>',
        "",
        "zero_size",
    ),
    ("font-size-zero", f'<span style="font-size:0px">{SPAM_LINK}</span>', "", "font_size_zero"),
    ("opacity-zero", f'<div style="opacity:0">{SPAM_LINK}</div>', "", "transparent"),
    (
        "same-colour-css",
        f'<div style="background:#FFF"><a href="{SPAM}" style="color:#ffffff">澳门新葡京</a></div>',
        "",
        "same_colour",
    ),
    (
        "same-colour-attributes",
        f'<table bgcolor="white"><tr><td><font color="#ffffff">{SPAM_LINK}</font></td></tr></table>',
        "",
        "same_colour",
    ),
    (
        "same-colour-rgb",
        f'<div style="background-color: rgb(0, 0, 0); color: #000">{SPAM_LINK}</div>',
        "",
        "same_colour",
    ),
    (
        "class-in-style-block",
        f'<div class="x7k2q">{SPAM_LINK}</div>',
        "<style>.x7k2q{display:none}</style>",
        "display_none",
    ),
    (
        "id-in-style-block",
        f'<div id="lnk">{SPAM_LINK}</div>',
        "<style>\n#lnk { position:fixed; top:-999px; }\n</style>",
        "offscreen",
    ),
    (
        "compound-selector",
        f'<div class="a b">{SPAM_LINK}</div>',
        "<style>div.a.b{visibility:hidden}</style>",
        "visibility_hidden",
    ),
    (
        "selector-list",
        f'<p class="z">{SPAM_LINK}</p>',
        "<style>.y, .z { display : none !important }</style>",
        "display_none",
    ),
    (
        "style-block-in-body",
        f'<style>.q1{{display:none}}</style><span class="q1">{SPAM_LINK}</span>',
        "",
        "display_none",
    ),
    (
        "area",
        f'<div style="display:none"><map><area href="{SPAM}" alt="百家乐"></map></div>',
        "",
        "display_none",
    ),
    (
        "nearest-rare-technique-named",
        f'<div style="display:none"><div style="position:absolute;left:-3000px">{SPAM_LINK}</div></div>',
        "",
        "offscreen",
    ),
]


@pytest.mark.parametrize(
    ("body", "head", "how"), [c[1:] for c in TECHNIQUES], ids=[c[0] for c in TECHNIQUES]
)
def test_each_technique_is_named(body, head, how):
    found = hidden(body, head)
    assert len(found) == 1
    target, text, technique = found[0]
    assert target == SPAM
    assert technique == how
    assert text in ("澳门新葡京", "百家乐")


NOT_HIDDEN = [
    (
        "visible-outside-link",
        '<div class="footer"><a href="http://www.xinhuanet.com/">新华网</a></div>',
        "",
    ),
    (
        "hidden-internal-dropdown",
        '<ul class="nav"><li><a href="/zwgk/">政务公开</a><ul style="display:none"><li><a href="/zwgk/tzgg/">通知公告</a></li></ul></li></ul>',
        "",
    ),
    (
        "skip-link-inside",
        '<a href="#main" style="position:absolute;left:-9999px">跳转到主要内容</a><a href="/zwgk/#content" class="sr">跳过导航</a>',
        "<style>.sr{position:absolute;left:-10000px}</style>",
    ),
    (
        "select-box-of-outside-sites",
        '<div style="display:none"><select onchange="window.open(this.value)"><option value="http://www.sporttery.cn/">中国体育彩票</option></select></div>',
        "",
    ),
    (
        "small-relative-shift",
        f'<div style="position:relative;left:-20px;top:-5px">{SPAM_LINK}</div>',
        "",
    ),
    ("offset-without-position", f'<div style="left:-9999px">{SPAM_LINK}</div>', ""),
    (
        "different-colours",
        f'<div style="background:#fff"><a href="{SPAM}" style="color:#333">澳门新葡京</a></div>',
        "",
    ),
    ("colour-without-background", f'<a href="{SPAM}" style="color:#fff">澳门新葡京</a>', ""),
    (
        "media-query-rule",
        f'<div class="pc">{SPAM_LINK}</div>',
        "<style>@media (max-width: 768px) { .pc { display:none } }</style>",
    ),
    (
        "descendant-selector",
        f'<div class="menu"><ul class="sub">{SPAM_LINK}</ul></div>',
        "<style>.menu .sub{display:none} .sub:hover{display:block}</style>",
    ),
    ("commented-out", f"<!-- <div style='display:none'>{SPAM_LINK}</div> -->", ""),
    ("template", f"<template><div style='display:none'>{SPAM_LINK}</div></template>", ""),
    (
        "unwritten-concatenation",
        """<div style="display:none"><script>document.write("<a href=\\"http://" + host + "/\\">x</a>");</script></div>""",
        "",
    ),
    (
        "visible-script-written-link",
        """<script>document.write('<a href="http://www.people.com.cn/">人民网</a>');</script>""",
        "",
    ),
    (
        "external-script-not-read",
        f'<div style="display:none"><script src="{SPAM}x.js"></script></div>',
        "",
    ),
    (
        "non-web-target",
        '<div style="display:none"><a href="mailto:spam@example.com">mail</a><a href="javascript:void(0)">x</a></div>',
        "",
    ),
]


@pytest.mark.parametrize(
    ("body", "head"), [c[1:] for c in NOT_HIDDEN], ids=[c[0] for c in NOT_HIDDEN]
)
def test_what_is_not_a_hidden_outside_link(body, head):
    assert hidden(body, head) == []


LISTED_LOOKALIKES = [
    # The parser lists these (hidden, outside); the check does not report them.
    (
        "gov-dropdown",
        '<li class="gov">政府网站<div class="drop" style="display:none"><a href="http://www.gov.cn/">中国政府网</a><a href="http://www.jl.gov.cn/">吉林省人民政府</a></div></li>',
        2,
    ),
    (
        "share-popup",
        '<div id="share" style="display:none"><a href="http://service.weibo.com/share/share.php?url=x">分享到微博</a><a href="https://sns.qzone.qq.com/cgi-bin/qzshare?url=x">QQ空间</a></div>',
        2,
    ),
]


@pytest.mark.parametrize(
    ("body", "count"), [c[1:] for c in LISTED_LOOKALIKES], ids=[c[0] for c in LISTED_LOOKALIKES]
)
def test_hidden_menus_of_outside_sites_are_listed_for_the_check_to_judge(body, count):
    found = hidden(body)
    assert len(found) == count and {how for _, _, how in found} == {"display_none"}


SCRIPTS = [
    # (id, script, obfuscated)
    (
        "plain",
        """document.write('<div style="display:none"><a href="http://www.xpj-casino.example.com/">澳门新葡京</a></div>');""",
        False,
    ),
    (
        "split-over-calls",
        """document.write('<div style="position:absolute;top:-999px">');\ndocument.write('<a href="http://www.xpj-casino.example.com/">百家乐</a>');\ndocument.write('</div>');""",
        False,
    ),
    (
        "concatenated-literals",
        """document.writeln("<div sty" + 'le="display:none"><a hr' + "ef='http://www.xpj-casino.example.com/'>" + "澳门新葡京</a></div>");""",
        False,
    ),
    (
        "unescape",
        """document.write(unescape("%3Cdiv%20style%3D%22display%3Anone%22%3E%3Ca%20href%3D%22http%3A//www.xpj-casino.example.com/%22%3E%u6FB3%u95E8%u65B0%u8461%u4EAC%3C/a%3E%3C/div%3E"));""",
        True,
    ),
    (
        "hex-escapes",
        r"""document.write("\x3cdiv style=\x22display:none\x22\x3e\x3ca href=\x22http://www.xpj-casino.example.com/\x22\x3e\u6fb3\u95e8\u65b0\u8461\u4eac\x3c/a\x3e\x3c/div\x3e");""",
        True,
    ),
    (
        "decode-uri-component",
        """document.write(decodeURIComponent('%3Cdiv%20hidden%3E%3Ca%20href%3D%22http%3A%2F%2Fwww.xpj-casino.example.com%2F%22%3E%E7%99%BE%E5%AE%B6%E4%B9%90%3C%2Fa%3E%3C%2Fdiv%3E'));""",
        True,
    ),
    (
        "from-char-code",
        """document.write(String.fromCharCode(60,100,105,118,32,104,105,100,100,101,110,62) + '<a href="http://www.xpj-casino.example.com/">百家乐</a></div>');""",
        True,
    ),
]


@pytest.mark.parametrize(
    ("script", "obfuscated"), [c[1:] for c in SCRIPTS], ids=[c[0] for c in SCRIPTS]
)
def test_links_written_by_scripts_are_read_and_decoded(script, obfuscated):
    found = written(f"<script>{script}</script>")
    assert [(link.target, link.how, link.obfuscated) for link in found] == [
        (SPAM, "document_write", obfuscated)
    ]
    assert found[0].hidden_by in ("display_none", "offscreen", "hidden_attr")
    assert found[0].text in ("澳门新葡京", "百家乐")


def test_a_script_inside_a_hidden_element_hides_what_it_writes():
    found = written(
        """<div class="k" style="display:none"><script>document.write('<a href="http://bet.example.net/vip.html">真人娱乐</a>')</script></div>"""
    )
    assert [link.to_json() for link in found] == [
        {"target": OTHER, "text": "真人娱乐", "how": "document_write", "hidden_by": "display_none"}
    ]


def test_written_class_hidden_by_the_pages_style_block():
    doc = parse_html(
        "<html><head><style>.p9{display:none}</style></head><body><script>"
        """document.write("<div class='p9'><a href='http://bet.example.net/vip.html'>百家乐</a></div>")"""
        "</script></body></html>",
        PAGE,
    )
    assert [(h.target, h.how, h.hidden_by) for h in hidden_links(doc, PAGE, outside)] == [
        (OTHER, "document_write", "display_none")
    ]


def test_targets_resolve_like_the_pages_links_and_repeat_once():
    body = (
        '<div style="display:none"><a href="//bet.example.net/vip.html#top">A</a>'
        '<a href=" http://bet.example.net/vip.html ">B</a><a href="/inside.html">C</a></div>'
    )
    assert hidden(body) == [(OTHER, "A", "display_none")]


def test_the_list_is_capped_and_keeps_rare_techniques_first():
    menu = "".join(
        f'<a href="http://site{n}.example.org/">站点{n}</a>' for n in range(MAX_HIDDEN + 10)
    )
    body = f'<div style="display:none">{menu}</div><div style="position:absolute;left:-9999px">{SPAM_LINK}</div>'
    found = hidden(body)
    assert len(found) == MAX_HIDDEN
    assert found[0] == (SPAM, "澳门新葡京", "offscreen")
    assert found[1][0] == "http://site0.example.org/"  # then page order


def test_declarations_and_simple_rules():
    assert declarations("DISPLAY:None !important; color : #FFF;bad") == {
        "display": "none",
        "color": "#fff",
    }
    sheet = style_sheet(
        ["/* c */ .a{display:none} ul li{display:none} a:hover{x:y} @media print{.b{display:none}}"]
    )
    assert sheet.count == 1


def test_unreadable_scripts_write_nothing():
    assert written_markup("var a = '<a href=x>'; document.write(a);").markup == ""
    assert (
        written_markup(
            "document.write('<a href=\"http://x.example.com/\">' + name + '</a>')"
        ).markup
        == ""
    )
    assert written_markup("document.write('unterminated)").markup == ""
