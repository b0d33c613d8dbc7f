"""``xuncha demo``: serve the bundled demo portal on 127.0.0.1, inspect it, print where the
report is."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from xuncha.cli.common import lang_option, progress_mode, run_summary
from xuncha.demo.run import run_demo


@click.command()
@click.option("--db", default=None, help="Database URL (default: sqlite in the output folder).")
@click.option(
    "--out", "out_dir", default="demo-out", type=click.Path(file_okay=False), show_default=True
)
@lang_option
def demo(db: str | None, out_dir: str, lang: str) -> None:
    """Serve the bundled demo portal on 127.0.0.1, inspect it, print the report's path."""
    outcome = run_demo(Path(out_dir), db_url=db, lang=lang, progress=progress_mode())
    click.echo(run_summary(outcome, lang))
    sys.exit(outcome.exit_code)
