"""``xuncha ledger``: the 整改台账 as XLSX — every tracked finding in the inspectors' columns,
with its re-check outcome.

    xuncha ledger [--db URL] [--site S] [--status open …] [--out ledger.xlsx] [--lang en]
"""

from __future__ import annotations

from pathlib import Path

import click

from reports.ledger import write_ledger
from xuncha.cli.common import SITE_HELP, db_option, lang_option
from xuncha.run.outputs import ledger_rows
from xuncha.store import session_scope
from xuncha.tracking import STATUSES
from xuncha.tracking.workdays import BUILTIN_YEARS


@click.command()
@db_option
@click.option("--site", default=None, help=SITE_HELP)
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUSES),
              help="Only findings of this status (repeatable).")  # fmt: skip
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("ledger.xlsx"), show_default=True)  # fmt: skip
@lang_option
def ledger(
    db: str | None, site: str | None, statuses: tuple[str, ...], out: Path, lang: str
) -> None:
    """整改台账: every tracked finding as an XLSX ledger, with its re-check outcome."""
    with session_scope(db) as session:
        rows = ledger_rows(session, site, statuses, lang)
    write_ledger(rows, lang, out, BUILTIN_YEARS)
    click.echo(str(out))
