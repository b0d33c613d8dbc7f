"""``xuncha documents``: a site's latest run as documents to file and send: the 检测报告 and a
整改通知书 per responsible unit, as DOCX (from a template a site may replace) and PDF.

    xuncha documents --site S [--out DIR] [--template FILE.docx] [--no-pdf] [--lang en]

The PDFs are printed by headless Chromium with the system's CJK fonts (Debian: chromium,
fonts-noto-cjk); ``--no-pdf`` writes the DOCX alone.
"""

from __future__ import annotations

from pathlib import Path

import click

from reports.pdf import PdfError
from xuncha.cli.common import SITE_HELP, db_option, lang_option
from xuncha.errors import XunchaError
from xuncha.run.documents import write_documents
from xuncha.store import session_scope
from xuncha.store.runs import latest_ended_run
from xuncha.tracking import all_sites, find_site


@click.command()
@db_option
@click.option("--site", default=None, help=SITE_HELP + " Needed when the store has several.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("documents"), show_default=True)  # fmt: skip
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="A .docx: its styles, letterhead and cover are used.")  # fmt: skip
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also print them to PDF.")
@lang_option
def documents(
    db: str | None, site: str | None, out_dir: Path, template: Path | None, pdf: bool, lang: str
) -> None:
    """检测报告 and 整改通知书 (DOCX, PDF) of a site's latest run."""
    if template is not None and template.suffix.lower() != ".docx":
        raise click.BadParameter("a Word template ends in .docx", param_hint="--template")
    with session_scope(db) as session:
        if site is None:
            sites = all_sites(session)
            if len(sites) != 1:
                names = "、".join(s.name for s in sites) or "还没有站点"
                raise XunchaError(f"请用 --site 指定站点（{names}）")
            chosen = sites[0]
        else:
            chosen = find_site(session, site)
        run = latest_ended_run(session, chosen.id)
        if run is None:
            raise XunchaError(f"站点 {chosen.name} 还没有完成的检测")
        try:
            written = write_documents(session, run, out_dir, lang, template=template, pdf=pdf)
        except PdfError as error:
            raise XunchaError(str(error)) from None
    for path in written.report:
        click.echo(str(path))
    for paths in written.notices.values():
        for path in paths:
            click.echo(str(path))
