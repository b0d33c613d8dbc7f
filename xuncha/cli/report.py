"""``xuncha report``: each site's latest run report, rebuilt from the store, and an index.html
over the sites (网站检测汇总).

    xuncha report [--db URL] [--site S] [--out DIR] [--runs 10] [--lang en]
"""

from __future__ import annotations

from pathlib import Path

import click

from xuncha.cli.common import SITE_HELP, db_option, lang_option
from xuncha.run.outputs import write_site_reports
from xuncha.store import session_scope
from xuncha.tracking.history import DEFAULT_TREND_RUNS


@click.command()
@db_option
@click.option("--site", default=None, help=SITE_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True)  # fmt: skip
@click.option("--runs", type=click.IntRange(1, 100), default=DEFAULT_TREND_RUNS,
              show_default=True, help="Runs shown in the trend charts.")  # fmt: skip
@lang_option
def report(db: str | None, site: str | None, out_dir: Path, runs: int, lang: str) -> None:
    """Each site's latest run report and an index.html over the sites, from the store."""
    with session_scope(db) as session:
        written = write_site_reports(session, out_dir, lang, site=site, trend_runs=runs)
    for path in written.reports.values():
        click.echo(str(path))
    click.echo(str(written.index))
