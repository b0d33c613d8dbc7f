"""The report commands: 整改台账, 回头看 and the site index.

    xuncha ledger   [--db URL] [--site S] [--status open …] [--out ledger.xlsx] [--lang en]
    xuncha lookback --since 2026-11-01 [--until DATE] [--as-of DATE] [--site S]
                    [--format html|json] [--out FILE] [--lang en]
    xuncha report   [--db URL] [--site S] [--out DIR] [--runs 10] [--lang en]

Each reads the store only; errors (unknown site, unknown status) are one line, exit status 2.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path

import click
from sqlalchemy.orm import Session

from reports.html import render_lookback, write_html
from reports.ledger import write_ledger
from reports.lookback import lookback_document
from xuncha import tracking
from xuncha.ledger import ledger_rows
from xuncha.lookback import build_lookback
from xuncha.report_history import DEFAULT_TREND_RUNS
from xuncha.site_index import write_site_reports
from xuncha.store import session_scope

DB_HELP = "SQLAlchemy database URL (default: $XUNCHA_DB, else sqlite:///xuncha.db)"
LANG = click.Choice(["zh", "en"])
SITE_HELP = "Only this site (its name or start URL)."


def _session(db: str | None) -> AbstractContextManager[Session]:
    return session_scope(db)


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--site", default=None, help=SITE_HELP)
@click.option("--status", "statuses", multiple=True, type=click.Choice(tracking.STATUSES),
              help="Only findings of this status (repeatable).")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("ledger.xlsx"), show_default=True)  # fmt: skip
@click.option("--lang", type=LANG, default="zh", show_default=True)
def ledger(db, site, statuses, out, lang) -> None:  # type: ignore[no-untyped-def]
    """整改台账: every tracked finding as an XLSX ledger, with its re-check outcome."""
    with _session(db) as session:
        rows = ledger_rows(session, site, statuses, lang)
    write_ledger(rows, lang, out)
    click.echo(str(out))


@click.command()
@click.option("--since", required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--until", default=None, help="Last day of the period (default: today).")
@click.option("--as-of", "as_of", default=None,
              help="The day outcomes are judged on: overdue means a deadline before it "
              "(default: today).")  # fmt: skip
@click.option("--db", default=None, help=DB_HELP)
@click.option("--site", default=None, help=SITE_HELP)
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html",
              show_default=True)  # fmt: skip
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (default: lookback.html; JSON goes to stdout).",
)
@click.option("--lang", type=LANG, default="zh", show_default=True)
def lookback(since, until, as_of, db, site, fmt, out, lang) -> None:  # type: ignore[no-untyped-def]
    """回头看: the outcome of every finding first seen in the period, per responsible unit."""
    start = _date(since, "--since")
    today = date.today()
    end = _date(until, "--until") or today
    judged = _date(as_of, "--as-of") or today
    if start > end:  # type: ignore[operator]
        raise click.BadParameter(f"--since {since} is after --until {end}", param_hint="--since")
    with _session(db) as session:
        report = build_lookback(session, start, end, judged, site, lang)  # type: ignore[arg-type]
    if fmt == "json":
        text = json.dumps(lookback_document(report), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            click.echo(text, nl=False)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    else:
        out = out or Path("lookback.html")
        write_html(render_lookback(report), out)
    click.echo(str(out), err=True)


@click.command()
@click.option("--db", default=None, help=DB_HELP)
@click.option("--site", default=None, help=SITE_HELP)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports"), show_default=True)  # fmt: skip
@click.option("--runs", type=click.IntRange(1, 100), default=DEFAULT_TREND_RUNS,
              show_default=True, help="Runs shown in the trend charts.")  # fmt: skip
@click.option("--lang", type=LANG, default="zh", show_default=True)
def report(db, site, out_dir, runs, lang) -> None:  # type: ignore[no-untyped-def]
    """Each site's latest run report and an index.html over the sites, from the store."""
    with _session(db) as session:
        written = write_site_reports(session, out_dir, lang, site=site, trend_runs=runs)
    for path in written.reports.values():
        click.echo(str(path))
    click.echo(str(written.index))


def register(group: click.Group) -> None:
    """Add the report commands to the ``xuncha`` group."""
    for command in (ledger, lookback, report):
        group.add_command(command)
