"""``xuncha notify``: the digests (整改通知) of each site's latest run to its units, and the
retries of those that failed.

    xuncha notify --config notices.yaml [--db URL] [--site S]

Run it after the night (systemd ``ExecStartPost=``, or a line after ``xuncha run`` in cron) and
every few minutes for the retries: queuing is done once per run, unit and address, and a digest
is never sent twice. A failed send is kept with its error for the workspace's 通知 page; it
never changes a run or its exit code.
"""

from __future__ import annotations

from pathlib import Path

import click

from xuncha.cli.common import SITE_HELP, db_option
from xuncha.notify.config import load_notices
from xuncha.notify.outbox import notify_sites, summary_line
from xuncha.store import Store


@click.command()
@click.option("--config", "config_path", required=True, help="The notices file (YAML).",
              type=click.Path(dir_okay=False, path_type=Path))  # fmt: skip
@db_option
@click.option("--site", default=None, help=SITE_HELP)
def notify(config_path: Path, db: str | None, site: str | None) -> None:
    """整改通知: queue each site's latest digests, send what is due, retry what failed."""
    config = load_notices(config_path)
    store = Store(db, create=False)
    try:
        queued, summary = notify_sites(store, config, site)
    finally:
        store.dispose()
    click.echo(summary_line(queued, summary, config.lang))
