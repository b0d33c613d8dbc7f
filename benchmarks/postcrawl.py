"""Measure the post-crawl phase of a large run: load, checks, tracking, score, outputs (issue 5).

`xuncha run` crawls in a child process; everything after the crawl runs in the parent, which
must stay within a fixed memory budget however many pages the run saw. This script writes a
realistic run of `--pages` articles straight into a store (no crawl, no network), then runs the
phase exactly as the runner does (``xuncha.run.inspection.judge_run``) in a fresh process and
prints its wall time, peak RSS and number of findings. A script that prints figures, not a test.

    .venv/bin/python benchmarks/postcrawl.py --pages 20000
    .venv/bin/python benchmarks/postcrawl.py --pages 100000 --db postgresql+psycopg://…/bench

The run: a home page, a disclosure section with ten 栏目 (lists of 20 items a page, TRS-style
pagers), `--pages` articles of 35 links each (12 navigation, 12 related articles, 2 list pages,
3 images, 3 附件, 3 pages on other sites) and about 1,000 characters of text, 400 images, 300
attachments, 120 outside pages; about 2 % of the links are broken, almost every broken target
unique (a 404 link check each). A few articles and attachments carry an unmasked mobile number
or a serious misstatement, so every kind of content check has something to find.

Each `--nights` judges the same stored run again in a new process: the first night opens every
finding, the next ones find them already tracked (the nightly case). The measuring process
caps its address space (RLIMIT_AS, default 70 % of the memory available) so a phase that does
not fit stops with MemoryError instead of taking the machine down.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, insert, select  # noqa: E402

from benchmarks import portal  # noqa: E402
from benchmarks.portal import COLUMNS, PHRASES  # noqa: E402
from xuncha.profile import Profile  # noqa: E402
from xuncha.store import (  # noqa: E402
    Base,
    Certificate,
    Column,
    Finding,
    FindingEvent,
    LinkCheck,
    LinkOccurrence,
    ListItem,
    Page,
    PageText,
    Run,
    Site,
    SiteSearch,
    Store,
)
from xuncha.store.models import table_of  # noqa: E402

if TYPE_CHECKING:
    from xuncha.run.outcome import RunStatus

HOST = "https://www.sfx.gov.cn"
SITE_NAME = "示范县人民政府（内存基准）"
OUTSIDE = ("https://www.jl.gov.cn/", "http://www.lyzf.gov.cn/", "https://www.gov.cn/")
IMAGES, ATTACHMENTS, OUTSIDE_PAGES = 400, 300, 40  # outside pages per outside origin
RELATED, PER_PAGE, BROKEN_SHARE = 12, 20, 0.02
NAV = 2 + len(COLUMNS)
BODY = RELATED + 2 + 3 + 3 + 3
TEXT_CHARS, SAMPLE_CHARS = 1000, 600
LEAK_EVERY, MISSTATEMENT_EVERY = 997, 4999  # articles with an unmasked mobile / 严重表述错误
BATCH = 10_000
FOOTER = "示范县人民政府办公室主办 联系电话：0437-1234567 网站标识码：1234000001"
IDENTITY = {"site_code": "1234000001", "site_code_source": "footer", "icp": None,
            "public_security": None, "conac": False, "jiucuo": False, "sponsor": None}  # fmt: skip


class Article(portal.Article):
    """An article of the benchmark portal (benchmarks/portal.py), at its address on HOST."""

    @property
    def url(self) -> str:
        return HOST + self.path

    @property
    def title(self) -> str:
        return f"关于做好{COLUMNS[self.column][1]}第{self.number + 1}号事项有关工作的通知"


def _column_url(column: int) -> str:
    return f"{HOST}/zwgk/{COLUMNS[column][0]}/"


def _list_url(column: int, page: int) -> str:
    return _column_url(column) + ("index.html" if page == 0 else f"index_{page}.html")


class _Builder:
    """Writes one run's crawl rows in bulk (Core executemany, `BATCH` rows a statement)."""

    def __init__(self, store: Store, run_id: int, pages: int, as_of: date, seed: int) -> None:
        self.store, self.run_id, self.as_of = store, run_id, as_of
        self.seed = seed
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC)
        weights = (8, 10, 6, 30, 5, 8, 5, 4, 6, 1)
        columns = self.rng.choices(range(len(COLUMNS)), weights=weights, k=pages)
        self.articles = [
            Article(n, columns[n], as_of - timedelta(days=self.rng.randrange(1095)))
            for n in range(pages)
        ]
        self.by_column: list[list[Article]] = [[] for _ in COLUMNS]
        for article in sorted(self.articles, key=lambda a: (a.day, a.number), reverse=True):
            self.by_column[article.column].append(article)
        self.broken: list[str] = []
        self.counts: Counter[str] = Counter()

    def insert(self, model: type[Base], rows: Iterable[dict[str, Any]]) -> None:
        batch: list[dict[str, Any]] = []
        with self.store.engine.begin() as conn:
            for row in rows:
                row["run_id"] = self.run_id
                batch.append(row)
                if len(batch) >= BATCH:
                    conn.execute(insert(model), batch)
                    batch = []
            if batch:
                conn.execute(insert(model), batch)
        self.counts[model.__tablename__] = self._count(model)

    def _count(self, model: type[Base]) -> int:
        run_id = table_of(model).c.run_id  # every crawl table has one
        with self.store.session() as session:
            return session.scalar(select(func.count()).where(run_id == self.run_id)) or 0

    # -- texts --------------------------------------------------------------------------

    def article_text(self, article: Article) -> str:
        """The same text for the same article, whoever asks (page text, link check sample)."""
        rng = random.Random(self.seed * 1_000_003 + article.number)
        words, size = [], 0
        while size < TEXT_CHARS:
            phrase = rng.choice(PHRASES)
            words.append(phrase)
            size += len(phrase) + 1
        if article.number % LEAK_EVERY == 0:
            words.append(f"联系人：王先生，手机{13_900_000_000 + article.number}")
        if article.number % MISSTATEMENT_EVERY == 0:
            words.append("坚持和发展中国特色社会主意")
        nav = " ".join(["首页", "政务公开", *(name for _, name in COLUMNS)])
        return (
            f"{nav} {article.title} 发布日期：{article.day:%Y-%m-%d} {'，'.join(words)}。{FOOTER}"
        )

    # -- links --------------------------------------------------------------------------

    def nav_links(self, page: str) -> Iterator[dict[str, Any]]:
        yield _link(page, HOST + "/", "/", "首页")
        yield _link(page, f"{HOST}/zwgk/index.html", "/zwgk/index.html", "政务公开")
        for column, (_, name) in enumerate(COLUMNS):
            yield _link(page, _list_url(column, 0), _list_url(column, 0)[len(HOST) :], name)

    def body_link(self, page: str, good: str, broken: str, text: str, **kw: str) -> dict:
        share = BROKEN_SHARE * (NAV + BODY) / BODY  # navigation is never broken
        target = good
        if self.rng.random() < share:
            target = broken
            self.broken.append(broken)
        raw = target[len(HOST) :] if target.startswith(HOST) else target
        return _link(page, target, raw, text, **kw)

    def article_links(self, article: Article, pages_of: list[int]) -> Iterator[dict[str, Any]]:
        page, rng, n = article.url, self.rng, article.number
        yield from self.nav_links(page)
        for other in rng.sample(self.articles, RELATED):
            gone = f"{other.url[:-5]}_{n}.html"
            yield self.body_link(page, other.url, gone, other.title)
        for list_page in (0, rng.randrange(pages_of[article.column])):
            good = _list_url(article.column, list_page)
            yield self.body_link(page, good, good.replace("index", f"old{n}_"), "返回列表")
        for k in rng.sample(range(IMAGES), 3):
            good, gone = f"{HOST}/zwgk/images/W0{k}.jpg", f"{HOST}/zwgk/images/W{n}_{k}.jpg"
            yield self.body_link(page, good, gone, "", tag="img", attr="src", kind="resource")
        for k in rng.sample(range(ATTACHMENTS), 3):
            suffix = ("pdf", "docx", "xls")[k % 3]
            good, gone = f"{HOST}/zwgk/files/P0{k}.{suffix}", f"{HOST}/zwgk/files/P{n}_{k}.{suffix}"
            yield self.body_link(page, good, gone, f"附件{k}：实施细则.{suffix}", kind="attachment")
        for _ in range(3):
            origin, k = rng.choice(OUTSIDE), rng.randrange(OUTSIDE_PAGES)
            good, gone = f"{origin}xxgk/p{k}.html", f"{origin}xxgk/gone_{n}_{k}.html"
            yield self.body_link(page, good, gone, "相关链接：省政府信息公开专栏")

    def list_links(self) -> Iterator[dict[str, Any]]:
        for column, items in enumerate(self.by_column):
            pages = max(1, -(-len(items) // PER_PAGE))
            for number in range(pages):
                url = _list_url(column, number)
                yield from self.nav_links(url)
                for item in items[number * PER_PAGE : (number + 1) * PER_PAGE]:
                    yield _link(url, item.url, item.url[len(HOST) :], item.title)
                pager = [("首页", 0), ("上一页", number - 1), ("下一页", number + 1),
                         ("尾页", pages - 1)]  # fmt: skip
                for text, target in pager:
                    if 0 <= target < pages:
                        yield _link(url, _list_url(column, target), "", text)

    def home_links(self) -> Iterator[dict[str, Any]]:
        home, section = HOST + "/", f"{HOST}/zwgk/index.html"
        yield from self.nav_links(home)
        for article in sorted(self.articles, key=lambda a: a.day, reverse=True)[:10]:
            yield _link(home, article.url, article.url[len(HOST) :], article.title)
        for n, origin in enumerate(OUTSIDE):
            yield _link(home, origin, origin, f"友情链接{n}")
        yield from self.nav_links(section)
        for column, items in enumerate(self.by_column):
            yield _link(section, _list_url(column, 0), "", COLUMNS[column][1])
            for item in items[:5]:
                yield _link(section, item.url, item.url[len(HOST) :], item.title)

    # -- the build ----------------------------------------------------------------------

    def build(self) -> None:
        pages_of = [max(1, -(-len(items) // PER_PAGE)) for items in self.by_column]
        self.insert(LinkOccurrence, self._all_links(pages_of))
        self.insert(Column, self._columns())
        self.insert(ListItem, self._list_items())
        self.insert(Page, self._pages())
        self.insert(PageText, self._texts())
        self.insert(LinkCheck, self._checks())
        self.insert(Certificate, [_certificate(self.now)])
        search = {"form_found": True, "action": f"{HOST}/search.jsp", "query": "政务公开",
                  "status": 200, "result_links": 10}  # fmt: skip
        self.insert(SiteSearch, [search])

    def _all_links(self, pages_of: list[int]) -> Iterator[dict[str, Any]]:
        yield from self.home_links()
        yield from self.list_links()
        for article in self.articles:
            yield from self.article_links(article, pages_of)

    def _columns(self) -> Iterator[dict[str, Any]]:
        for column, (_, name) in enumerate(COLUMNS):
            items = self.by_column[column]
            yield {"url": _list_url(column, 0), "name": name, "kind": None, "unit": None,
                   "source": "navigation", "list_pages": max(1, -(-len(items) // PER_PAGE)),
                   "items": len(items), "newest": items[0].day if items else None}  # fmt: skip

    def _list_items(self) -> Iterator[dict[str, Any]]:
        for column, items in enumerate(self.by_column):
            for index, item in enumerate(items):
                yield {"column_url": _column_url(column), "url": item.url, "title": item.title,
                       "list_page": _list_url(column, index // PER_PAGE),
                       "list_date": item.day}  # fmt: skip

    def _page(self, url: str, role: str, title: str | None, **extra: Any) -> dict[str, Any]:
        digest = hashlib.sha256(url.encode()).hexdigest()
        row = {"url": url, "final_url": url, "role": role, "status": 200,
               "content_type": "text/html", "encoding": "utf-8", "etag": f'"{digest[:8]}-f80"',
               "last_modified": "Thu, 26 Nov 2026 02:00:00 GMT", "content_hash": digest,
               "size": 4000 + len(url), "fetched_at": self.now, "elapsed": 0.05,
               "title": f"{title}_示范县人民政府" if title else None, "column_url": None,
               "pub_date": None, "date_source": None, "meta": {}}  # fmt: skip
        row.update(extra)
        return row

    def _pages(self) -> Iterator[dict[str, Any]]:
        newest = max(a.day for a in self.articles).isoformat()
        yield self._page(HOST + "/", "home", "首页",
                         meta={"identity": IDENTITY, "newest_item": newest})  # fmt: skip
        yield self._page(f"{HOST}/zwgk/index.html", "section", "政务公开")
        for column, items in enumerate(self.by_column):
            for number in range(max(1, -(-len(items) // PER_PAGE))):
                yield self._page(_list_url(column, number), "list", COLUMNS[column][1],
                                 column_url=_column_url(column))  # fmt: skip
        for article in self.articles:
            # A quarter is first reached by a plain link (related articles): role "page".
            listed = article.number % 4 != 1
            yield self._page(
                article.url, "article" if listed else "page", article.title,
                column_url=_column_url(article.column) if listed else None,
                pub_date=article.day, date_source="page",
                meta={"identity": IDENTITY} if article.number < 5 else {},
            )  # fmt: skip
        for k in range(ATTACHMENTS):
            suffix = ("pdf", "docx", "xls")[k % 3]
            yield self._page(f"{HOST}/zwgk/files/P0{k}.{suffix}", "attachment", None,
                             content_type="application/octet-stream", encoding=None)  # fmt: skip

    def _texts(self) -> Iterator[dict[str, Any]]:
        yield {"url": HOST + "/", "format": "html", "text": FOOTER}
        for article in self.articles:
            yield {"url": article.url, "format": "html", "text": self.article_text(article)}
        for k in range(ATTACHMENTS):
            suffix = ("pdf", "docx", "xls")[k % 3]
            leak = f" 经办人电话{13_800_000_000 + k}" if k % 50 == 0 else ""
            text = "，".join(self.rng.choice(PHRASES) for _ in range(20)) + leak
            yield {"url": f"{HOST}/zwgk/files/P0{k}.{suffix}", "format": suffix, "text": text}

    def _checks(self) -> Iterator[dict[str, Any]]:
        ok = {"method": "GET", "status": 200, "content_type": "text/html"}
        yield _check(HOST + "/", self.now, title="首页_示范县人民政府", text_sample=FOOTER, **ok)
        yield _check(f"{HOST}/zwgk/index.html", self.now, title="政务公开_示范县人民政府", **ok)
        for column, items in enumerate(self.by_column):
            for number in range(max(1, -(-len(items) // PER_PAGE))):
                yield _check(_list_url(column, number), self.now, title=COLUMNS[column][1], **ok)
        for article in self.articles:
            text = self.article_text(article)
            yield _check(article.url, self.now, title=f"{article.title}_示范县人民政府",
                         text_sample=text[:SAMPLE_CHARS],
                         content_hash=hashlib.sha256(text.encode()).hexdigest(), **ok)  # fmt: skip
        head = {"method": "HEAD", "status": 200}
        for k in range(IMAGES):
            yield _check(f"{HOST}/zwgk/images/W0{k}.jpg", self.now, content_type="image/jpeg",
                         **head)  # fmt: skip
        for k in range(ATTACHMENTS):
            suffix = ("pdf", "docx", "xls")[k % 3]
            yield _check(f"{HOST}/zwgk/files/P0{k}.{suffix}", self.now, method="GET", status=200)
        for origin in OUTSIDE:
            yield _check(origin, self.now, content_type="text/html", **head)
            for k in range(OUTSIDE_PAGES):
                yield _check(f"{origin}xxgk/p{k}.html", self.now, content_type="text/html",
                             **head)  # fmt: skip
        gone = {"method": "GET", "status": 404, "title": "404 Not Found",
                "text_sample": "404 Not Found", "content_hash": "0" * 64}  # fmt: skip
        yield _check(f"{HOST}/xuncha-probe-5e1f0c.html", self.now, probe=True, **gone)
        for target in dict.fromkeys(self.broken):
            yield _check(target, self.now, **gone)


def _link(page: str, target: str, raw: str, text: str, *, tag: str = "a", attr: str = "href",
          kind: str = "page") -> dict[str, Any]:  # fmt: skip
    return {"page": page, "target": target, "raw": raw or target[len(HOST) :], "tag": tag,
            "attr": attr, "kind": kind, "text": text}  # fmt: skip


def _check(target: str, now: datetime, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "target": target, "method": None, "status": None, "error": None, "error_detail": None,
        "final_url": target, "redirects": [], "content_type": None, "title": None,
        "text_sample": None, "content_hash": None, "attempts": 1, "checked_at": now,
        "probe": False,
    }  # fmt: skip
    row.update(fields)
    return row


def _certificate(now: datetime) -> dict[str, Any]:
    return {"host": "www.sfx.gov.cn", "port": 443, "trusted": True, "hostname_ok": True,
            "verify_error": None, "not_before": now - timedelta(days=200),
            "not_after": now + timedelta(days=165), "subject": "CN=www.sfx.gov.cn",
            "issuer": "CN=GDCA TrustAUTH R5 ROOT"}  # fmt: skip


def build_run(store: Store, pages: int, as_of: date, seed: int) -> tuple[int, Counter[str]]:
    """A finished, complete run of `pages` articles in `store`: (run id, rows per table)."""
    profile = Profile(name=SITE_NAME, start_urls=[HOST + "/"])
    with store.session() as session, session.begin():
        site = Site(key=HOST.lower(), name=SITE_NAME, start_url=HOST + "/")
        session.add(site)
        session.flush()
        started = datetime.now(UTC) - timedelta(hours=3)
        run = Run(site_id=site.id, started_at=started, finished_at=started + timedelta(hours=2),
                  as_of=as_of, status="finished", complete=True, stats={},
                  profile=profile.model_dump(mode="json"))  # fmt: skip
        session.add(run)
        session.flush()
        run_id = run.id
    builder = _Builder(store, run_id, pages, as_of, seed)
    builder.build()
    with store.session() as session, session.begin():
        run = session.get_one(Run, run_id)
        run.pages = builder.counts["pages"]
        run.links_checked = builder.counts["link_checks"]
    return run_id, builder.counts


# -- measuring ---------------------------------------------------------------------------


def memory_cap_bytes(share: float = 0.7) -> int:
    """`share` of the memory available now (/proc/meminfo), the measuring process's ceiling."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(int(line.split()[1]) * 1024 * share)
    return 8 * 1024**3


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def judge_once(db_url: str, run_id: int, out_dir: Path, cap: int) -> dict[str, Any]:
    """In this process: the phase as ``xuncha run`` runs it after the crawl, measured."""
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from xuncha.run.inspection import judge_run
    from xuncha.run.outcome import CrawlEnd

    store = Store(db_url, migrate=False)
    before = _rss_mb()
    started = time.perf_counter()
    try:
        with store.session() as session, session.begin():
            run = session.get_one(Run, run_id)
            profile = Profile.model_validate(run.profile)
            # Run.status holds a RunStatus as text (build_run stores "finished").
            status = cast("RunStatus", run.status)
            end = CrawlEnd(status=status, message=None, complete=run.complete)
            judge_run(session, run, profile, end, unreachable=None, as_of=run.as_of,
                      out_dir=out_dir, lang="zh")  # fmt: skip
            by_check = Counter(dict(session.execute(
                select(Finding.check, func.count()).where(Finding.last_run_id == run_id)
                .group_by(Finding.check)).all()))  # fmt: skip
    except MemoryError:
        return {"error": f"MemoryError at the {cap / 1024**2:,.0f} MB address-space cap"}
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"wall_s": round(wall, 1), "peak_rss_mb": round(peak, 1),
            "rss_before_mb": round(before, 1), "findings": sum(by_check.values()),
            "by_check": dict(by_check.most_common())}  # fmt: skip


def _judge_in_child(db_url: str, run_id: int, out_dir: Path, cap: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--judge", str(run_id), "--db", db_url,
               "--out", str(out_dir), "--cap-mb", str(cap // 1024**2)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {done.returncode}: {tail}"}
    return json.loads(lines[-1])


def _reused_run(store: Store) -> int | None:
    """The latest finished run of the store, its site's findings forgotten: the first night
    measured again is a first night again."""
    with store.session() as session, session.begin():
        run = session.scalar(select(Run).where(Run.status == "finished").order_by(Run.id.desc()))
        if run is None:
            return None
        ids = select(Finding.id).where(Finding.site_id == run.site_id)
        session.execute(delete(FindingEvent).where(FindingEvent.finding_id.in_(ids)))
        session.execute(delete(Finding).where(Finding.site_id == run.site_id))
        run.score = None
        return run.id


def _table(results: list[dict[str, Any]]) -> str:
    lines = ["| night | wall s | peak RSS MB | RSS before MB | findings | by check |",
             "|-------|--------|-------------|---------------|----------|----------|"]  # fmt: skip
    for night, r in enumerate(results, start=1):
        if "error" in r:
            lines.append(f"| {night} | – | – | – | – | {r['error']} |")
            continue
        checks = ", ".join(f"{k} {v:,}" for k, v in r["by_check"].items())
        lines.append(f"| {night} | {r['wall_s']:.1f} | {r['peak_rss_mb']:.0f} | "
                     f"{r['rss_before_mb']:.0f} | {r['findings']:,} | {checks} |")  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000, help="articles (default 100000)")
    parser.add_argument("--db", help="SQLAlchemy URL (default: a SQLite file in a temp folder)")
    parser.add_argument("--nights", type=int, default=2, help="judgements of the run (default 2)")
    parser.add_argument(
        "--reuse", action="store_true", help="judge the latest run in --db again (no build)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date.today())
    parser.add_argument("--cap-mb", type=int, help="address-space cap of the measuring process")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--judge", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    cap = args.cap_mb * 1024**2 if args.cap_mb else memory_cap_bytes()
    if args.judge:
        print(json.dumps(judge_once(args.db, args.judge, args.out, cap)))
        return 0

    work = Path(tempfile.mkdtemp(prefix="xuncha-postcrawl-"))
    db_url = args.db or f"sqlite:///{work / 'xuncha.db'}"
    store = Store(db_url)
    run_id = _reused_run(store) if args.reuse else None
    built: dict[str, Any] = {}
    if run_id is None:
        started = time.perf_counter()
        run_id, counts = build_run(store, args.pages, args.as_of, args.seed)
        built = {"build_s": round(time.perf_counter() - started, 1), **counts}
        print(f"built run #{run_id} in {built['build_s']:.0f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in counts.items()), flush=True)  # fmt: skip
    store.dispose()
    print(f"judging run #{run_id} of {store.safe_url}, address-space cap "
          f"{cap / 1024**2:,.0f} MB", flush=True)  # fmt: skip
    results = []
    for night in range(1, args.nights + 1):
        results.append(_judge_in_child(db_url, run_id, work / f"out{night}", cap))
    print(_table(results))
    if args.json:
        args.json.write_text(json.dumps({"pages": args.pages, "db": store.safe_url,
                                         "built": built, "nights": results}, indent=2))  # fmt: skip
    if args.keep or args.db:
        print(f"kept {work}")
    else:
        for path in sorted(work.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        work.rmdir()
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
