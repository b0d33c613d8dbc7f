"""The ``xuncha`` command line.

Exit codes: 0 the run finished; 2 an error (bad profile, unreachable site, database).
User errors print one line — what failed and what to do — never a traceback.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from xuncha.cli_findings import findings
from xuncha.errors import XunchaError
from xuncha.profile import Profile, load_profile, profile_for_url
from xuncha.store import Store, default_db_url

DB_HELP = "SQLAlchemy database URL (default: $XUNCHA_DB, else sqlite:///xuncha.db)"


def _as_of(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _progress_mode() -> str:
    return "tty" if sys.stderr.isatty() else "log"


def _summary(outcome, lang: str) -> str:  # type: ignore[no-untyped-def]
    if lang == "en":
        return (
            f"run #{outcome.run_id} {outcome.status}: {outcome.pages} pages, "
            f"{outcome.links_checked} links checked, {outcome.findings} findings "
            f"in {outcome.seconds:.0f} s\nreport: {outcome.report_path}\n"
            f"findings: {outcome.findings_path}"
        )
    status = {"finished": "完成", "failed": "失败", "interrupted": "中断"}.get(
        outcome.status, outcome.status
    )
    return (
        f"检测 #{outcome.run_id} {status}：抓取页面 {outcome.pages} 个，检查链接 "
        f"{outcome.links_checked} 个，发现问题 {outcome.findings} 个，"
        f"用时 {outcome.seconds:.0f} 秒\n"
        f"检测报告：{outcome.report_path}\n问题清单：{outcome.findings_path}"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xuncha")
def cli() -> None:
    """巡查 Xuncha — inspect Chinese government websites the way inspectors do."""


@cli.command()
@click.option(
    "--url", help="Start URL (portal home page or disclosure section); no profile needed."
)
@click.option(
    "--profile", "profile_path", type=click.Path(dir_okay=False), help="Site profile (YAML)."
)
@click.option("--db", default=None, help=DB_HELP)
@click.option("--as-of", "as_of", default=None, help="The day date rules count from (YYYY-MM-DD).")
@click.option(
    "--out", "out_dir", default="out", type=click.Path(file_okay=False), show_default=True
)
@click.option(
    "--concurrency", type=click.IntRange(1, 512), default=None, help="Concurrent requests in all."
)
@click.option(
    "--scope",
    type=click.Choice(["sections", "site"]),
    default=None,
    help="Recurse into the disclosure sections (default) or the whole site.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
def run(url, profile_path, db, as_of, out_dir, concurrency, scope, lang, verbose) -> None:  # type: ignore[no-untyped-def]
    """Inspect one site: crawl, check, write findings.json and report.html."""
    from xuncha.runner import inspect_site

    if bool(url) == bool(profile_path):
        raise click.UsageError("give exactly one of --url URL or --profile FILE")
    profile: Profile = load_profile(profile_path) if profile_path else profile_for_url(url)
    if scope:
        profile = profile.model_copy(
            update={"scope": profile.scope.model_copy(update={"mode": scope})}
        )
    as_of_date = _as_of(as_of)
    store = Store(db or default_db_url())
    try:
        outcome = inspect_site(
            profile,
            store,
            as_of=as_of_date,
            out_dir=Path(out_dir),
            concurrency=concurrency,
            lang=lang,
            progress=_progress_mode(),
            verbose=verbose,
        )
    finally:
        store.dispose()
    click.echo(_summary(outcome, lang))
    if outcome.status == "failed":
        click.echo(
            f"错误：{outcome.message}" if lang != "en" else f"error: {outcome.message}", err=True
        )
    sys.exit(outcome.exit_code)


@cli.command()
@click.option("--db", default=None, help="Database URL (default: sqlite in the output folder).")
@click.option(
    "--out", "out_dir", default="demo-out", type=click.Path(file_okay=False), show_default=True
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def demo(db, out_dir, lang) -> None:  # type: ignore[no-untyped-def]
    """Serve the bundled demo portal on 127.0.0.1, inspect it, print the report's path."""
    from xuncha.demo.run import run_demo

    outcome = run_demo(Path(out_dir), db_url=db, lang=lang, progress=_progress_mode())
    click.echo(_summary(outcome, lang))
    sys.exit(outcome.exit_code)


cli.add_command(findings)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2)
    except XunchaError as exc:
        click.echo(f"xuncha: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
