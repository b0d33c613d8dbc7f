"""``xuncha lookback``: the 回头看 — what became of every finding first seen in a period, per
responsible unit, as HTML or JSON.

    xuncha lookback --since 2026-11-01 [--until DATE] [--as-of DATE] [--site S]
                    [--format html|json] [--out FILE] [--lang en]
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from reports.lookback import lookback_document, write_lookback
from xuncha.cli.common import SITE_HELP, db_option, lang_option, parse_date
from xuncha.run.outputs import lookback as build_lookback
from xuncha.store import session_scope


@click.command()
@click.option("--since", required=True, help="First day of the period (YYYY-MM-DD).")
@click.option("--until", default=None, help="Last day of the period (default: today).")
@click.option("--as-of", "as_of", default=None,
              help="The day outcomes are judged on: overdue means a deadline before it "
              "(default: today).")  # fmt: skip
@db_option
@click.option("--site", default=None, help=SITE_HELP)
@click.option("--format", "fmt", type=click.Choice(["html", "json"]), default="html",
              show_default=True)  # fmt: skip
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (default: lookback.html; JSON goes to stdout).",
)
@lang_option
def lookback(
    since: str,
    until: str | None,
    as_of: str | None,
    db: str | None,
    site: str | None,
    fmt: str,
    out: Path | None,
    lang: str,
) -> None:
    """回头看: the outcome of every finding first seen in the period, per responsible unit."""
    today = date.today()
    start = parse_date(since, "--since") or today
    end = parse_date(until, "--until") or today
    judged = parse_date(as_of, "--as-of") or today
    if start > end:
        raise click.BadParameter(f"--since {since} is after --until {end}", param_hint="--since")
    with session_scope(db) as session:
        report = build_lookback(session, start, end, judged, site, lang)
    if fmt == "json":
        text = json.dumps(lookback_document(report), ensure_ascii=False, indent=2) + "\n"
        if out is None:
            click.echo(text, nl=False)
            return
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    else:
        out = out or Path("lookback.html")
        write_lookback(report, out)
    click.echo(str(out), err=True)
