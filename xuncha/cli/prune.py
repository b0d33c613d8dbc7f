"""Store housekeeping from the command line: ``xuncha prune`` (保留).

    xuncha prune [--db URL] [--keep N] [--site S]

Deletes the crawl rows of every site's (or one site's) runs beyond retention — each site's
own ``retention.runs`` unless ``--keep`` is given — and prints one summary line in Chinese,
then one line per site that lost rows. Runs, findings and their history stay (see
xuncha/store/retention.py). Errors (unknown site, database) are one line, exit status 2.
"""

from __future__ import annotations

from collections import Counter

import click

from xuncha.profile import KEEP_RUNS_MIN
from xuncha.store import Site, Store, default_db_url
from xuncha.store.retention import TABLE_WORDS, SitePruned, prune_site
from xuncha.tracking import all_sites, find_site

DB_HELP = "SQLAlchemy database URL (default: $XUNCHA_DB, else sqlite:///xuncha.db)"


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option(
    "--keep",
    type=click.IntRange(min=KEEP_RUNS_MIN),
    default=None,
    help="Keep the crawl rows of this many newest runs per site (default: each site's "
    "retention.runs, 5 unless its profile says otherwise).",
)
@click.option("--site", default=None, help="Only this site (its name or start URL).")
def prune(db: str | None, keep: int | None, site: str | None) -> None:
    """保留: delete the crawl rows (pages, links, texts…) of runs beyond retention. Runs,
    scores, findings and their history are kept; so is each site's latest complete run."""
    store = Store(db or default_db_url(), create=False)
    try:
        with store.session() as session:
            sites = [find_site(session, site)] if site else all_sites(session)
        results = [(row, prune_site(store, row.id, keep)) for row in sites]
    finally:
        store.dispose()
    for line in summary_lines(results, keep):
        click.echo(line)


def summary_lines(results: list[tuple[Site, SitePruned]], keep: int | None) -> list[str]:
    """The Chinese summary: what was deleted in all, then each site that lost rows."""
    pruned = [(site, result) for site, result in results if result.run_ids]
    if not pruned:
        kept = f"（保留最近 {keep} 次巡查）" if keep else ""
        return [f"无需清理：各网站的抓取明细都在保留范围内{kept}。"]
    rows: Counter[str] = Counter()
    for _, result in pruned:
        rows.update(result.rows)
    runs = sum(len(result.run_ids) for _, result in pruned)
    lines = [f"已清理 {runs} 次巡查的抓取明细：{_rows_text(rows)}"]
    for site, result in pruned:
        ids = "、".join(f"#{run_id}" for run_id in result.run_ids)
        lines.append(f"  {site.name}：巡查 {ids}，保留最近 {result.keep} 次")
    return lines


def _rows_text(rows: Counter[str]) -> str:
    total = sum(rows.values())
    if not total:
        return "没有明细行。"
    parts = [f"{word} {rows[name]} 行" for name, word in TABLE_WORDS.items() if rows[name]]
    return f"{'、'.join(parts)}，共 {total} 行。"
