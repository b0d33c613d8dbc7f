"""The unseen portal's HTML: every page kind, as Hanweb JCMS (大汉) renders it, in GBK.

One layout (:func:`layout`): a header with the site name and a GBK search form that answers, a
main nav whose 政府网站 item hides a dropdown of the province's and the city's portals
(``display:none`` until hovered), and a footer carrying 主办, 网站标识码 and ICP备案 as text,
the 党政机关 mark as the ``document.write(unescape(…))`` widget and the 找错
``<script id="_jiucuo_">`` — but no 公安备案. The home page adds its 友情链接. Column pages show
the ``leftnav`` column tree and their list in one of four styles (``ul``, ``table``, ``p``,
``empty``); articles show ``发布日期：2026年10月3日`` in ``<div class="info">`` and the HTML the
night plants in them (a 办事指南 shows its table alone). Outside links carry the portal's port
(see :mod:`unseen_portal.outside`). Which page answers which request is
:mod:`unseen_portal.site`'s business.
"""

from __future__ import annotations

from html import escape

from . import boards
from .answer_key import HOME, NEGATIVES, PLANTED, SITE_GROUP, Negative, Planted
from .catalog import (
    COLUMNS,
    GUIDES,
    ICP,
    JIUCUO_JS,
    NEVER_FETCHED,
    PAGE_TEXTS,
    PARENT,
    SEARCH_PATH,
    SITE_CODE,
    TREE,
)
from .editions import Edition
from .model import SITE_NAME, Article, Column
from .outside import on_port

_NAV = [("/index.html", "首页"), ("/news/index.html", "新闻动态"), ("/xxgk/", "信息公开"),
        ("/bsfw/index.html", "办事服务"), ("/hdjl/index.html", "互动交流")]  # fmt: skip


def _links(pairs: list[tuple[str, str]], sep: str = "") -> str:
    return sep.join(f'<a href="{escape(h)}">{escape(t)}</a>' for h, t in pairs)


_SEARCH_FORM = (
    f'<div class="search"><form name="searchform" action="{SEARCH_PATH}" method="get" '
    'target="_blank"><input type="hidden" name="websiteid" value="330799000000000">'
    '<input type="hidden" name="pg" value="12"><input type="text" name="q" '
    'placeholder="请输入关键字"><input type="submit" value="搜索"></form></div>'
)
# The 党政机关 mark as conac's widget writes it, and the 找错 widget's script (a local copy).
_MARKS = (
    '<p class="marks"><script type="text/javascript">document.write(unescape("%3Cspan '
    "id='_ideConac' %3E%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/33/379/0000/40123456/"
    "CA333790000401234560001.js' type='text/javascript'%3E%3C/script%3E\"));</script>"
    f'<script id="_jiucuo_" sitecode="{SITE_CODE}" src="{JIUCUO_JS}"></script></p>'
)


def _site_group(base: str) -> str:
    """The nav's 政府网站 item: a dropdown of other government portals, hidden until hovered."""
    links = _links([(on_port(n.href, base), n.text) for n in SITE_GROUP])
    return (
        '<li class="zfwz" onmouseover="this.lastChild.style.display=\'block\'" '
        "onmouseout=\"this.lastChild.style.display='none'\"><span>政府网站</span>"
        f'<div class="zfwz_list" style="display:none">{links}</div></li>'
    )


def layout(title: str, main: str, base: str) -> str:
    nav = "".join(f"<li>{_links([item])}</li>" for item in _NAV) + _site_group(base)
    footer = _links(
        [("/col/col1001/index.html", "联系我们"), ("/col/col1002/index.html", "网站地图")]
        + [(n.href, n.text) for n in NEGATIVES[:2]],
        " | ",
    )
    return (
        '<!DOCTYPE html>\n<html><head><meta http-equiv="X-UA-Compatible" content="IE=edge">'
        f'<meta charset="gbk"><title>{escape(title)}</title>'
        '<link rel="stylesheet" href="/css/common.css"></head><body>'
        f'<div class="header"><div class="logo">{SITE_NAME}</div>{_SEARCH_FORM}<div class="nav">'
        f'<ul>{nav}</ul></div></div><div class="main">{main}</div><div class="footer">'
        f"<p>{footer}</p><p>主办：清溪县人民政府办公室　承办：清溪县大数据发展中心　"
        f"网站标识码：{SITE_CODE}　{ICP}</p>{_MARKS}</div></body></html>"
    )


def _leftnav(base: str) -> str:
    def node(key: str) -> str:
        return f'<a href="{base}/col/{key}/index.html">{COLUMNS[key].name}</a>'

    dls = []
    for entry in TREE:
        if isinstance(entry, tuple):
            key, name, children = entry
            subs = "".join(f"<dd>{node(child)}</dd>" for child in children)
            dls.append(f'<dl><dt><a href="{base}/col/{key}/index.html">{name}</a></dt>{subs}</dl>')
        else:
            dls.append(f"<dl><dt>{node(entry)}</dt></dl>")
    return f'<div class="leftnav"><h2>信息公开目录</h2>{"".join(dls)}</div>'


def _crumbs(*pairs: tuple[str, str]) -> str:
    trail = [("/index.html", "首页"), ("/xxgk/index.html", "信息公开"), *pairs]
    return f'<div class="position">当前位置：{_links(trail, " &gt; ")}</div>'


def _parent_of(key: str) -> tuple[str, str] | None:
    return (f"/col/{PARENT[0]}/index.html", PARENT[1]) if key in PARENT[2] else None


def _list_body(column: Column, n: int) -> str:
    items = column.page_items(n)
    if column.style == "empty":
        return '<div class="list">暂无信息</div>'
    if column.style == "page":
        paragraphs = "".join(f"<p>{p}</p>" for p in PAGE_TEXTS[column.key])
        return f'<div class="content">{paragraphs}</div>'
    if column.style == "bare":
        return ""
    if column.style == "ul":
        lis = "".join(
            f'<li><a href="{a.path}" title="{a.title}" target="_blank">'
            f"{a.title if len(a.title) <= 20 else a.title[:18] + '...'}</a>"
            f"<span>[{a.day.isoformat()}]</span></li>"
            for a in items
        )
        last, q = column.page_count, f"index.html?uid={column.uid}&amp;pageNum="
        pager = [f"共{len(column.articles)}条记录 {n}/{last}页", f'<a href="{q}1">首页</a>']
        pager.append(f'<a href="{q}{n - 1}">上一页</a>' if n > 1 else "<span>上一页</span>")
        pager += [
            f"<b>{i}</b>" if i == n else f'<a href="{q}{i}">{i}</a>' for i in range(1, last + 1)
        ]
        pager.append(f'<a href="{q}{n + 1}">下一页</a>' if n < last else "<span>下一页</span>")
        pager.append(f'<a href="{q}{last}">尾页</a>')
        return (f'<div class="default_pgContainer"><ul class="list">{lis}</ul></div>'
                f'<div class="default_pgPanel">{" ".join(pager)}</div>')  # fmt: skip
    if column.style == "table":
        rows = "".join(
            f'<tr><td>{(n - 1) * column.per_page + i + 1}</td><td class="bt"><a href="{a.path}">'
            f"{a.title}</a></td><td>清政办发〔2026〕{40 - a.number % 40}号</td>"
            f"<td>{a.day.year}年{a.day.month:02d}月{a.day.day:02d}日</td></tr>"
            for i, a in enumerate(items)
        )
        script = (
            f"var totalPage={column.page_count};\nvar currentPage={n};\n"
            "(function () {\n  var html = [];\n  for (var i = 1; i <= totalPage; i++) {\n"
            '    var href = i == 1 ? "index.html" : "index_" + i + ".html";\n'
            '    html.push(i == currentPage ? "<b>" + i + "</b>" : '
            "'<a href=\"' + href + '\">' + i + '</a>');\n  }\n"
            '  document.getElementById("pagebar").innerHTML = "共" + totalPage + "页 " + '
            'html.join(" ");\n})();'
        )
        return (
            '<table class="xxgk_table" width="100%"><thead><tr><th>序号</th><th>标题</th>'
            f"<th>文号</th><th>发布日期</th></tr></thead><tbody>{rows}</tbody></table>"
            f'<div class="pagebar" id="pagebar"></div><script type="text/javascript">\n{script}'
            "\n</script>"
        )
    ps = "".join(f'<p><a href="{a.path}">{a.title}</a><em>{a.day:%m-%d}</em></p>' for a in items)
    return f'<div class="list">{ps}</div>'


def column_page(column: Column, n: int, base: str) -> str:
    crumbs = _crumbs(*filter(None, [_parent_of(column.key), (column.path, column.name)]))
    main = (f'{crumbs}{_leftnav(base)}<div class="rightbox"><div class="lmtitle">'
            f"<span>{column.name}</span></div>{_list_body(column, n)}</div>")  # fmt: skip
    return layout(f"{column.name}_{SITE_NAME}", main, base)


def parent_page(base: str) -> str:
    key, name, children = PARENT
    subs = "".join(f"<li>{_links([(COLUMNS[c].path, COLUMNS[c].name)])}</li>" for c in children)
    main = (f'{_crumbs((f"/col/{key}/index.html", name))}{_leftnav(base)}<div class="rightbox">'
            f'<div class="lmtitle"><span>{name}</span></div><div class="sublm"><ul>{subs}</ul>'
            "</div></div>")  # fmt: skip
    return layout(f"{name}_{SITE_NAME}", main, base)


def article_page(article: Article, site: Edition, base: str) -> str:
    column = COLUMNS[article.column]
    body = "".join(site.extras(article, base))
    if column.key != GUIDES:
        body = (
            f"<p>各乡镇人民政府、县政府各部门：</p><p>现将《{escape(article.title)}》有关事项公布"
            "如下，请认真贯彻执行。本文件自2026年11月1日起施行。</p>" + body
        )
    d = article.day
    main = (
        f"{_crumbs(*filter(None, [_parent_of(column.key), (column.path, column.name)]))}"
        f'<div class="article"><h1 class="title">{escape(article.title)}</h1><div class="info">'
        f"<span>发布日期：{d.year}年{d.month}月{d.day}日</span><span>信息来源：清溪县人民政府办公室"
        '</span><span>浏览次数：<script>document.write("128")</script></span></div>'
        f'<div class="content" id="zoom">{body}</div><div class="tools">'
        f"{_links([('javascript:window.print()', '打印本页'), ('#', '返回顶部')], ' ')}</div></div>"
    )
    return layout(f"{article.title}_{column.name}_{SITE_NAME}", main, base)


def search_page(query: str, site: Edition, base: str) -> str:
    """Hanweb jsearch's answer: the articles whose title holds the query."""
    hits = [a for a in site.articles.values() if query and query in a.title]
    rows = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a><span>{a.day}</span></li>'
                   for a in hits)  # fmt: skip
    found = f'<div class="jsearch"><p>共找到{len(hits)}条结果</p><ul>{rows}</ul></div>'
    return layout(f"搜索结果_{SITE_NAME}", found, base)


def _recent(count: int, site: Edition) -> str:
    newest = sorted(site.articles.values(), key=lambda a: a.day, reverse=True)[:count]
    return "".join(f'<li><a href="{a.path}">{a.title}</a><span>{a.day:%m-%d}</span></li>'
                   for a in newest)  # fmt: skip


def other_page(path: str, base: str, site: Edition) -> str | None:
    """Pages outside the columns: home, disclosure home, other sections, 联系我们, 网站地图."""
    plain = {
        "/news/index.html": ("新闻动态", [(NEVER_FETCHED[0], "县政府召开经济运行分析会"),
                                      (NEVER_FETCHED[1], "县领导调研秋粮收购工作"),
                                      (NEVER_FETCHED[2], "图片新闻")]),
        "/bsfw/index.html": ("办事服务", [(NEVER_FETCHED[3], "社保卡办理指南")]),
        "/hdjl/index.html": ("互动交流", [(boards.MAILBOX, "县长信箱")]),
        "/col/col1001/index.html": ("联系我们", []),
        "/col/col1002/index.html": ("网站地图", [(p, "链接") for p in NEVER_FETCHED]
                                   + [(c.path, c.name) for c in COLUMNS.values()]),
        **{p: ("新闻动态", []) for p in NEVER_FETCHED},
    }  # fmt: skip
    if path in ("/", "/index.html"):
        linked: list[Planted | Negative] = [*PLANTED, *NEGATIVES]
        partners = [(on_port(e.href, base), e.text) for e in linked if e.where == HOME]
        return layout(SITE_NAME, '<div class="banner"></div><div class="box"><h3>信息公开</h3>'
                     f'<ul>{_recent(3, site)}</ul></div><div class="box"><h3>新闻动态</h3>'
                     '<a href="/news/index.html">更多</a></div><div class="yqlj"><h3>友情链接'
                     f'</h3>{_links(partners, " ")}</div>', base)  # fmt: skip
    if path in ("/xxgk/", "/xxgk/index.html"):
        return layout(
            f"信息公开_{SITE_NAME}",
            f'{_crumbs()}{_leftnav(base)}<div class="rightbox">'
            f'<div class="lmtitle"><span>最新公开</span></div><ul>{_recent(5, site)}</ul></div>',
            base,
        )
    if path in boards.PAGES:
        title, main = boards.PAGES[path]
        return layout(f"{title}_{SITE_NAME}", main, base)
    if path in plain:
        title, pairs = plain[path]
        return layout(
            title,
            f"<h2>{title}</h2><p>地址：清溪县人民路1号</p><ul>"
            + "".join(f"<li>{_links([pair])}</li>" for pair in pairs)
            + "</ul>",
            base,
        )
    return None
