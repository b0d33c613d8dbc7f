"""The ``xuncha`` command line: a module per command, gathered here.

Exit codes (:class:`xuncha.run.outcome.ExitCode`): 0 done; 1 a run has findings at or above
``--fail-on``; 2 an error. User errors print one line — what failed and what to do — never a
traceback; under cron every log line is timestamped (xuncha/logs.py).
"""

from __future__ import annotations

import sys
import traceback

import click
from sqlalchemy.exc import SQLAlchemyError

from checks.errors import CheckConfigError
from xuncha.cli.common import run_summary
from xuncha.cli.demo import demo
from xuncha.cli.documents import documents
from xuncha.cli.findings import findings
from xuncha.cli.ledger import ledger
from xuncha.cli.lookback import lookback
from xuncha.cli.notify import notify
from xuncha.cli.probe import probe
from xuncha.cli.prune import prune
from xuncha.cli.report import report
from xuncha.cli.run import run
from xuncha.cli.serve import serve
from xuncha.cli.users import users
from xuncha.cli.worker import worker
from xuncha.errors import XunchaError
from xuncha.run.outcome import ExitCode

__all__ = ["cli", "main", "run_summary"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xuncha")
def cli() -> None:
    """巡查 Xuncha — inspect Chinese government websites the way inspectors do."""


for command in (
    run,
    demo,
    findings,
    probe,
    prune,
    worker,
    ledger,
    lookback,
    report,
    documents,
    notify,
    serve,
    users,
):
    cli.add_command(command)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.ERROR)
    except (XunchaError, CheckConfigError) as exc:
        click.echo(f"xuncha: {exc}", err=True)
        sys.exit(ExitCode.ERROR)
    except SQLAlchemyError as exc:
        # Exit 1 means "findings above --fail-on": every failure of ours must be 2.
        first = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        click.echo(f"xuncha: database error: {first}", err=True)
        sys.exit(ExitCode.ERROR)
    except Exception:
        traceback.print_exc()
        click.echo(
            "xuncha: internal error (a bug: please report it with the lines above)", err=True
        )
        sys.exit(ExitCode.ERROR)


if __name__ == "__main__":
    main()
