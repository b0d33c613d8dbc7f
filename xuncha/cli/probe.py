"""``xuncha probe``: one try of each site's home page, stored for the 站点无法访问 week.

    xuncha probe --profile sites/jtj.yaml
    xuncha probe --url https://www.example.gov.cn/
    xuncha probe --all sites/ [--db URL] [--timeout 15] [--quiet]

Run it at least every 72 minutes (the standard asks for ≥ 20 tries a day; hourly gives 24).
Exit codes: 0 every site answered; 2 a site is down, or an error (a bad profile, a database
that cannot be used). One log line per site; see xuncha/logs.py for the form under cron.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from xuncha.errors import XunchaError
from xuncha.logs import cron_log
from xuncha.profile import Profile, load_profile, profile_for_url
from xuncha.run.night import profile_files, site_id_for
from xuncha.run.outcome import ExitCode
from xuncha.run.probe import DEFAULT_TIMEOUT, ProbeResult, probe_home, record_probe
from xuncha.store import Store, default_db_url

logger = logging.getLogger("xuncha.run.probe")

DB_HELP = "SQLAlchemy database URL (default: $XUNCHA_DB, else sqlite:///xuncha.db)"


def _profiles(
    url: str | None, profile_path: str | None, all_dir: str | None
) -> tuple[list[Profile], int]:
    """The sites to probe, and how many profiles of the folder were bad (logged, skipped)."""
    if url:
        return [profile_for_url(url)], 0
    if profile_path:
        return [load_profile(profile_path)], 0
    profiles, bad = [], 0
    for path in profile_files(Path(all_dir or ".")):
        try:
            profiles.append(load_profile(path))
        except XunchaError as exc:
            logger.error("%s", exc)
            bad += 1
    return profiles, bad


def _log(profile: Profile, result: ProbeResult) -> None:
    if result.ok:
        logger.info("%s: up, HTTP %s in %.2f s (%s)", profile.display_name, result.status,
                    result.elapsed, result.url)  # fmt: skip
    else:
        logger.error("%s: down, %s: %s after %.1f s (%s)", profile.display_name,
                     result.error or f"http_{result.status}", result.detail, result.elapsed,
                     result.url)  # fmt: skip


@click.command()
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False), help="Site profile.")
@click.option("--url", help="A home page; no profile needed.")
@click.option(
    "--all", "all_dir", type=click.Path(file_okay=False), help="Every profile of this folder."
)
@click.option("--db", default=None, help=DB_HELP)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds a try may take in all; a slower one is a failure (the standard's 15 s).",
)
@click.option("-q", "--quiet", is_flag=True, help="Log only the sites that are down.")
def probe(
    profile_path: str | None,
    url: str | None,
    all_dir: str | None,
    db: str | None,
    timeout: float,
    quiet: bool,
) -> None:
    """Try each site's home page once and record it (可用性探测); run it hourly.

    \b
    Exit codes:
      0  every site answered (no error, status below 400, within --timeout)
      2  a site is down, or an error (bad profile, database)
    """
    if sum(1 for source in (url, profile_path, all_dir) if source) != 1:
        raise click.UsageError("give exactly one of --url URL, --profile FILE or --all DIR")
    with cron_log(quiet=quiet):
        try:
            profiles, bad = _profiles(url, profile_path, all_dir)
            store = Store(db or default_db_url())
        except XunchaError as exc:
            logger.error("%s", exc)
            sys.exit(ExitCode.ERROR)
        code = ExitCode.ERROR if bad else ExitCode.OK
        try:
            for profile in profiles:
                result = probe_home(profile, timeout=timeout)
                record_probe(store, site_id_for(store, profile), result)
                _log(profile, result)
                if not result.ok:
                    code = ExitCode.ERROR
        except XunchaError as exc:
            logger.error("%s", exc)
            code = ExitCode.ERROR
        finally:
            store.dispose()
    sys.exit(code)
