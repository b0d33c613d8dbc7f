"""A large static government portal for the benchmark: written to a folder, served by nginx.

The shape follows a TRS WCM county portal: a home page whose navigation links 政务公开, a
disclosure section (/zwgk/) with ten 栏目, each column's list paginated TRS-style (``index.html``,
``index_1.html``… with ``createPageHTML(n, i, "index", "html")`` and the rendered pager links),
20 dated items a list page, and article pages of about 35 links each (navigation, related
articles, list pages, images, 附件, two other hosts). About 2 % of the links are broken; which
ones is decided by a seeded random generator, so the same arguments give the same portal.

Two shapes of broken links (``PortalSpec.broken_shape``):

- ``unique`` (the default, the shape of the earlier figures): every broken link is a body link
  of its own — a related article, list page, image, 附件 or outside page that is gone.
- ``shared``: broken links repeat the way real ones do. Every page of a column (its list pages
  and articles) carries the column's block of 专题专栏 and 友情链接 links, and some columns'
  blocks carry a dead link: a partner site whose host answers 404 for everything, a 专题 that
  was taken down, a partner's page that is gone. ``shared_share`` of the broken links (by
  occurrence) sit in those blocks; the rest are unique body links as above, so the total stays
  about ``broken_share`` of all links. A site-wide footer with one dead link would by itself
  break more than 2 % of the links, so the repeated ones sit in column blocks.

    generate_portal(root, PortalSpec(articles=2000), external_origins=[...]) -> PortalManifest
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

COLUMNS = (
    ("tzgg", "通知公告"), ("zcwj", "政策文件"), ("zcjd", "政策解读"), ("gzdt", "工作动态"),
    ("rsxx", "人事信息"), ("czzj", "财政资金"), ("ghjh", "规划计划"), ("jyta", "建议提案办理"),
    ("tjxx", "统计信息"), ("ndbg", "政府信息公开年报"),
)  # fmt: skip
PHRASES = (
    "为进一步加强政务公开工作", "根据《中华人民共和国政府信息公开条例》", "结合我县实际",
    "现将有关事项通知如下", "各乡镇人民政府、县直各部门", "请认真贯彻落实", "特此通知",
    "切实提高政务服务水平", "广泛听取社会各界意见", "确保各项工作落到实处",
)  # fmt: skip
IMAGES, ATTACHMENTS, EXTERNAL_PAGES = 400, 300, 40
RELATED, IMAGES_PER_ARTICLE, ATTACHMENTS_PER_ARTICLE, EXTERNAL_PER_ARTICLE = 12, 3, 3, 3
NAV_LINKS = 2 + len(COLUMNS)
BODY_LINKS = RELATED + 2 + IMAGES_PER_ARTICLE + ATTACHMENTS_PER_ARTICLE + EXTERNAL_PER_ARTICLE
BROKEN_SHAPES = ("unique", "shared")
# The shared shape's column block: 专题专栏 (TOPICS live 专题 pages) and 友情链接 (partner
# sites on the other hosts); up to MAX_DEAD_PER_BLOCK of its links are replaced by dead ones.
TOPICS, BLOCK_LINKS, MAX_DEAD_PER_BLOCK = 3, 6, 3


@dataclass(frozen=True)
class PortalSpec:
    """What to generate. ``as_of`` anchors the dates: articles span the three years before it."""

    articles: int = 20000
    per_page: int = 20
    broken_share: float = 0.02
    seed: int = 20261126
    as_of: date = field(default_factory=date.today)
    broken_shape: Literal["unique", "shared"] = "unique"
    shared_share: float = 0.8  # the shared shape: the share of broken links in column blocks


@dataclass
class PortalManifest:
    """What was generated: the figures a tool's result is judged against."""

    html_pages: int = 0
    files: int = 0
    bytes: int = 0
    links: int = 0
    broken_links: int = 0
    broken_urls: set[str] = field(default_factory=set)
    # The pages a crawl must read every night to see what is new: home, 政务公开 and every
    # column's list pages (root-relative).
    list_urls: set[str] = field(default_factory=set)
    # The shared shape: broken links (occurrences) in column blocks, and their targets.
    shared_broken_links: int = 0
    shared_broken_urls: set[str] = field(default_factory=set)

    def as_dict(self) -> dict[str, int]:
        return {"html_pages": self.html_pages, "files": self.files, "bytes": self.bytes,
                "links": self.links, "broken_links": self.broken_links,
                "broken_urls": len(self.broken_urls), "list_pages": len(self.list_urls),
                "shared_broken_links": self.shared_broken_links,
                "shared_broken_urls": len(self.shared_broken_urls)}  # fmt: skip


@dataclass(frozen=True)
class Article:
    number: int
    column: int
    day: date

    @property
    def path(self) -> str:
        slug = COLUMNS[self.column][0]
        return f"/zwgk/{slug}/{self.day:%Y%m}/t{self.day:%Y%m%d}_{self.number + 100000}.html"

    @property
    def title(self) -> str:
        return f"关于{COLUMNS[self.column][1]}第{self.number + 1}号事项的公告"


def _list_path(column: int, page: int) -> str:
    name = "index.html" if page == 0 else f"index_{page}.html"
    return f"/zwgk/{COLUMNS[column][0]}/{name}"


def _page(title: str, nav: str, body: str, side: str = "") -> str:
    side = f'<div class="side">{side}</div>\n' if side else ""
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}_示范县人民政府</title></head><body>\n"
        f'<div class="nav">{nav}</div>\n<div class="main">{body}</div>\n{side}'
        '<div class="foot">示范县人民政府办公室主办 联系电话：0437-1234567 '
        "网站标识码：1234000001 ICP备12345678号</div>\n</body></html>\n"
    )


class _Writer:
    """Writes files below the root and keeps the manifest's counts."""

    def __init__(self, root: Path, manifest: PortalManifest) -> None:
        self.root = root
        self.manifest = manifest

    def write(self, path: str, content: str | bytes) -> None:
        data = content.encode() if isinstance(content, str) else content
        target = self.root / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.manifest.files += 1
        self.manifest.bytes += len(data)
        if path.endswith(".html"):
            self.manifest.html_pages += 1


class _Links:
    """Renders links and decides, seeded, which body links are broken."""

    def __init__(self, rng: random.Random, spec: PortalSpec, manifest: PortalManifest) -> None:
        self.rng = rng
        self.manifest = manifest
        # Navigation is never broken: the body links carry the whole 2 %.
        self.body_share = spec.broken_share * (NAV_LINKS + BODY_LINKS) / BODY_LINKS
        # The shared shape: each column's block and its dead targets (`_plan_blocks`).
        self.blocks: list[tuple[str, tuple[str, ...]]] = []

    def block(self, column: int) -> str:
        """The column's block as one more page shows it ("" in the unique shape)."""
        if not self.blocks:
            return ""
        html, dead = self.blocks[column]
        self.manifest.links += BLOCK_LINKS
        self.manifest.broken_links += len(dead)
        self.manifest.shared_broken_links += len(dead)
        return html

    def nav(self) -> str:
        self.manifest.links += NAV_LINKS
        items = ['<a href="/">首页</a>', '<a href="/zwgk/index.html">政务公开</a>']
        items += [f'<a href="{_list_path(c, 0)}">{name}</a>' for c, (_, name) in enumerate(COLUMNS)]
        return " ".join(items)

    def body(self, good: str, broken: str, text: str, tag: str = "a") -> str:
        self.manifest.links += 1
        url = good
        if self.rng.random() < self.body_share:
            url = broken
            self.manifest.broken_links += 1
            self.manifest.broken_urls.add(url)
        if tag == "img":
            return f'<img src="{url}" alt="{text}">'
        return f'<a href="{url}">{text}</a>'


def _articles(spec: PortalSpec, rng: random.Random) -> list[Article]:
    """Articles spread over three years, columns of uneven size (工作动态 the largest)."""
    weights = (8, 10, 6, 30, 5, 8, 5, 4, 6, 1)
    columns = rng.choices(range(len(COLUMNS)), weights=weights, k=spec.articles)
    days = [spec.as_of - timedelta(days=rng.randrange(1095)) for _ in range(spec.articles)]
    return [Article(n, columns[n], days[n]) for n in range(spec.articles)]


def _pager(column: int, page: int, pages: int) -> str:
    """The TRS pager: the script call the crawler reads, and the links it would render."""
    links = [f'<a href="{_list_path(column, 0)}">首页</a>']
    if page > 0:
        links.append(f'<a href="{_list_path(column, page - 1)}">上一页</a>')
    if page + 1 < pages:
        links.append(f'<a href="{_list_path(column, page + 1)}">下一页</a>')
    links.append(f'<a href="{_list_path(column, pages - 1)}">尾页</a>')
    return (
        f'<script>createPageHTML({pages}, {page}, "index", "html");</script>'
        f'<div class="page">{" ".join(links)}</div>'
    )


def _write_lists(writer: _Writer, links: _Links, by_column: list[list[Article]],
                 per_page: int) -> None:  # fmt: skip
    for column, items in enumerate(by_column):
        pages = max(1, -(-len(items) // per_page))
        for page in range(pages):
            chunk = items[page * per_page : (page + 1) * per_page]
            rows = "".join(
                f'<li><a href="{a.path}">{a.title}</a><span>{a.day:%Y-%m-%d}</span></li>\n'
                for a in chunk
            )
            links.manifest.links += len(chunk) + 2 + (page > 0) + (page + 1 < pages)
            links.manifest.list_urls.add(_list_path(column, page))
            body = f"<h2>{COLUMNS[column][1]}</h2><ul>\n{rows}</ul>{_pager(column, page, pages)}"
            html = _page(COLUMNS[column][1], links.nav(), body, links.block(column))
            writer.write(_list_path(column, page), html)


def _write_article(writer: _Writer, links: _Links, article: Article, everything: list[Article],
                   pages_of: list[int], externals: list[str]) -> None:  # fmt: skip
    rng = links.rng
    text = "，".join(rng.choice(PHRASES) for _ in range(40)) + "。"
    parts = [f"<h1>{article.title}</h1><p>发布日期：{article.day:%Y-%m-%d}</p><p>{text}</p>"]
    for other in rng.sample(everything, RELATED):
        gone = Article(other.number + 10_000_000 + article.number, other.column, other.day)
        parts.append(links.body(other.path, gone.path, other.title))
    page = rng.randrange(pages_of[article.column])
    for target in (_list_path(article.column, 0), _list_path(article.column, page)):
        parts.append(links.body(target, target.replace("index", "indexx"), "返回列表"))
    for k in rng.sample(range(IMAGES), IMAGES_PER_ARTICLE):
        parts.append(
            links.body(
                f"/zwgk/images/img{k}.jpg",
                f"/zwgk/images/gone_{article.number}_{k}.jpg",
                "图片",
                "img",
            )
        )
    for k in rng.sample(range(ATTACHMENTS), ATTACHMENTS_PER_ARTICLE):
        suffix = ("pdf", "docx", "xls")[k % 3]
        parts.append(
            links.body(
                f"/zwgk/files/P0{k}.{suffix}",
                f"/zwgk/files/gone_{article.number}_{k}.{suffix}",
                f"附件{k}",
            )
        )
    for _ in range(EXTERNAL_PER_ARTICLE):
        host = rng.choice(externals)
        k = rng.randrange(EXTERNAL_PAGES)
        parts.append(
            links.body(f"{host}p{k}.html", f"{host}gone_{article.number}_{k}.html", "相关链接")
        )
    writer.write(article.path, _page(article.title, links.nav(), "\n".join(parts),
                                     links.block(article.column)))  # fmt: skip


def _write_assets(writer: _Writer, rng: random.Random) -> None:
    for k in range(IMAGES):
        writer.write(f"/zwgk/images/img{k}.jpg", b"\xff\xd8\xff\xe0" + rng.randbytes(2000))
    for k in range(ATTACHMENTS):
        suffix = ("pdf", "docx", "xls")[k % 3]
        writer.write(f"/zwgk/files/P0{k}.{suffix}", b"%PDF-1.4\n" + rng.randbytes(6000))


def _write_externals(root: Path, externals: list[str]) -> None:
    """The other hosts' pages: one folder per origin, ``ext0/``, ``ext1/``… (not counted)."""
    for n, _ in enumerate(externals):
        folder = root.parent / f"ext{n}"
        folder.mkdir(parents=True, exist_ok=True)
        for k in range(EXTERNAL_PAGES):
            (folder / f"p{k}.html").write_text(_page(f"外部页面{k}", "", "<p>省政府门户</p>"))
        (folder / "index.html").write_text(_page("外部首页", "", ""))


def _dead_targets(count: int, externals: list[str], dead_origins: list[str]) -> list[str]:
    """The shared shape's dead targets, handed to the columns' blocks in column order: a partner
    site whose host answers 404 for everything (its root; without ``dead_origins``, a partner's
    page that is gone), a 专题 taken down, a partner's page that is gone; then again. Partner
    hosts repeat (a dead partner listed in several columns)."""
    targets = []
    for i in range(count):
        kind, n = i % 3, i // 3
        if kind == 0 and dead_origins:
            targets.append(dead_origins[n % len(dead_origins)])
        elif kind == 1 or not externals:
            targets.append(f"/zt/old{n}/index.html")
        else:
            targets.append(f"{externals[n % len(externals)]}old/p{n}.html")
    return targets


def _plan_blocks(spec: PortalSpec, links: _Links, by_column: list[list[Article]],
                 pages_of: list[int], externals: list[str],
                 dead_origins: list[str]) -> None:  # fmt: skip
    """The shared shape: each column's block, which blocks carry dead links, and the unique
    share left to the body links, so that ``shared_share`` of about ``broken_share`` of all
    links are broken in blocks. Largest columns first, round after round, a dead link more
    wherever one still fits the target: deterministic, no draw from the generator."""
    carrying = [len(items) + pages_of[c] for c, items in enumerate(by_column)]
    lists = sum(pages_of)
    total = spec.articles * (NAV_LINKS + BODY_LINKS + BLOCK_LINKS)
    total += lists * (NAV_LINKS + BLOCK_LINKS + spec.per_page + 4)
    remaining = spec.shared_share * spec.broken_share * total
    dead = [0] * len(COLUMNS)
    order = sorted(range(len(COLUMNS)), key=lambda c: (-carrying[c], c))
    placed = True
    while placed:
        placed = False
        for c in order:
            if dead[c] < MAX_DEAD_PER_BLOCK and 0 < carrying[c] <= remaining:
                dead[c] += 1
                remaining -= carrying[c]
                placed = True
    targets = iter(_dead_targets(sum(dead), externals, dead_origins))
    shared = 0
    for c in range(len(COLUMNS)):
        entries = [(f"/zt/zt{(c + j) % TOPICS}/index.html", "专题专栏") for j in range(2)]
        entries += [(f"{externals[j % len(externals)]}{'' if j < 2 else f'p{c * 3 + j}.html'}",
                     "友情链接") for j in range(4 if externals else 0)]  # fmt: skip
        gone = tuple(next(targets) for _ in range(dead[c]))
        if gone:
            entries[-len(gone) :] = [(url, entries[-len(gone) + k][1]) for k, url in
                                     enumerate(gone)]  # fmt: skip
        links.manifest.broken_urls.update(gone)
        links.manifest.shared_broken_urls.update(gone)
        shared += len(gone) * carrying[c]
        html = " ".join(f'<a href="{url}">{text}</a>' for url, text in entries)
        links.blocks.append((html, gone))
    unique = max(0.0, spec.broken_share * total - shared)
    links.body_share = unique / (spec.articles * BODY_LINKS) if spec.articles else 0.0


def generate_portal(root: Path, spec: PortalSpec, external_origins: list[str],
                    dead_origins: list[str] | None = None) -> PortalManifest:  # fmt: skip
    """Write the portal below ``root`` (and the other hosts' pages beside it, ``ext0/``…).

    ``external_origins`` are ``http://host:port/`` roots of the other hosts, served from
    ``root.parent / f"ext{n}"``. ``dead_origins`` (the shared shape) are roots of partner
    hosts that answer 404 for everything; without them the dead partners are pages gone from
    the other hosts. Returns the counts and the set of broken link targets (as written:
    root-relative for the portal's own, absolute for the other hosts).
    """
    rng = random.Random(spec.seed)
    manifest = PortalManifest()
    writer, links = _Writer(root, manifest), _Links(rng, spec, manifest)
    everything = _articles(spec, rng)
    by_column: list[list[Article]] = [[] for _ in COLUMNS]
    for article in sorted(everything, key=lambda a: (a.day, a.number), reverse=True):
        by_column[article.column].append(article)
    pages_of = [max(1, -(-len(items) // spec.per_page)) for items in by_column]
    if spec.broken_shape == "shared":
        _plan_blocks(spec, links, by_column, pages_of, external_origins, dead_origins or [])
        for k in range(TOPICS):
            writer.write(f"/zt/zt{k}/index.html", _page(f"专题{k}", links.nav(), "<p>专题</p>"))
    manifest.list_urls.update(("/", "/zwgk/index.html"))

    latest = sorted(everything, key=lambda a: a.day, reverse=True)[:10]
    home = "".join(f'<li><a href="{a.path}">{a.title}</a> {a.day:%m-%d}</li>' for a in latest)
    friends = "".join(f'<a href="{origin}">友情链接{n}</a>' for n, origin in
                      enumerate(external_origins))  # fmt: skip
    manifest.links += len(latest) + len(external_origins)
    writer.write("/index.html", _page("首页", links.nav(), f"<ul>{home}</ul>{friends}"))

    section = []
    for column, items in enumerate(by_column):
        rows = "".join(f'<li><a href="{a.path}">{a.title}</a></li>' for a in items[:5])
        section.append(f'<h3><a href="{_list_path(column, 0)}">{COLUMNS[column][1]}</a></h3>'
                       f"<ul>{rows}</ul>")  # fmt: skip
        manifest.links += 1 + min(5, len(items))
    writer.write("/zwgk/index.html", _page("政务公开", links.nav(), "\n".join(section)))

    _write_lists(writer, links, by_column, spec.per_page)
    for article in everything:
        _write_article(writer, links, article, everything, pages_of, external_origins)
    _write_assets(writer, rng)
    _write_externals(root, external_origins)
    return manifest
