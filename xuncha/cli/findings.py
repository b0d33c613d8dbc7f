"""``xuncha findings``: list the tracked findings, and act on one (整改跟踪).

    xuncha findings [--site S] [--status open …] [--format table|json|csv|xlsx] [--out FILE]
    xuncha findings assign ID --unit 办公室 [--person 张三] [--deadline 2026-12-10]
    xuncha findings waive ID --reason 依法不予公开
    xuncha findings false-positive ID --reason …
    xuncha findings note ID TEXT
    xuncha findings reopen ID --reason …
    xuncha findings history ID

ID is the export id (``bl-3f9c…``) or a unique prefix of it. Errors (unknown or ambiguous id,
unknown site, a status the action does not apply to) are one line and exit status 2.
"""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from reports import findings_list as output
from reports.labels import STATUS_LABELS, label
from reports.times import zone_of_profile
from xuncha import tracking
from xuncha.cli.common import DB_HELP, LANG, parse_date
from xuncha.store import Finding, session_scope
from xuncha.tracking.queries import latest_run


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (a container's numeric user)
        return os.environ.get("USER") or "unknown"


def _session(db: str | None) -> AbstractContextManager[Session]:
    return session_scope(db)


def _db(ctx: click.Context, db: str | None) -> str | None:
    """A subcommand's --db, else the group's (``xuncha findings --db URL assign …``)."""
    return db or (ctx.parent.params.get("db") if ctx.parent else None)


def _site(ctx: click.Context, site: str | None) -> str | None:
    return site or (ctx.parent.params.get("site") if ctx.parent else None)


@click.group(invoke_without_command=True)
@click.option("--db", default=None, help=DB_HELP)
@click.option("--site", default=None, help="Only this site (its name or start URL).")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(tracking.STATUSES),
    help="Only findings of this status (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "xlsx"]),
    default="table",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@click.option("--lang", type=LANG, default="zh", show_default=True)
@click.pass_context
def findings(
    ctx: click.Context,
    db: str | None,
    site: str | None,
    statuses: tuple[str, ...],
    fmt: str,
    out: Path | None,
    lang: str,
) -> None:
    """整改跟踪: list findings of every status, or act on one (see the commands below)."""
    if ctx.invoked_subcommand is not None:
        return
    if fmt == "xlsx" and out is None:
        raise click.UsageError("--format xlsx writes a file: give --out FILE.xlsx")
    with _session(db) as session:
        rows = tracking.select_findings(session, site, statuses)
        if fmt == "json":
            text = _json(session, rows, site, lang)
            _emit(text, out)
        elif fmt == "csv":
            flat = [output.flat_row(s, f, lang) for s, f in rows]
            _emit(output.write_csv(flat, lang, out), None)
        elif fmt == "xlsx":
            assert out is not None, "refused above: --format xlsx needs --out"
            output.write_xlsx([output.flat_row(s, f, lang) for s, f in rows], lang, out)
        else:
            flat = [output.flat_row(s, f, lang) for s, f in rows]
            if out is None:
                output.render_table(flat, lang, sys.stdout)
            else:
                out.parent.mkdir(parents=True, exist_ok=True)
                with out.open("w", encoding="utf-8") as file:
                    output.render_table(flat, lang, file)
    if out is not None:
        click.echo(str(out), err=True)


def _json(session: Session, rows: list[tuple[Any, Finding]], site: str | None, lang: str) -> str:
    """findings-export.md is one site's document: the --site, or the database's only site."""
    if site is not None:
        chosen = tracking.find_site(session, site)
    else:
        sites = tracking.all_sites(session)
        if len(sites) != 1:
            names = "、".join(s.name for s in sites) or "none yet"
            raise tracking.FindingError(
                f"the JSON export is one site's document: give --site (one of: {names})"
            )
        chosen = sites[0]
    run = tracking.latest_run(session, chosen.id)
    document = output.export_document(chosen, run, [f for _, f in rows], lang)
    return output.json_text(document)


def _emit(text: str | None, out: Path | None) -> None:
    if text is None:
        return
    if out is None:
        click.echo(text, nl=False)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")


def _common(command: Callable[..., Any]) -> Callable[..., Any]:
    """--db, --site and --lang on every action, as on the group."""
    command = click.option("--lang", type=LANG, default="zh", show_default=True)(command)
    command = click.option("--site", default=None, help="Site of the finding, if ids clash.")(
        command
    )
    command = click.option("--db", default=None, help=DB_HELP)(command)
    return click.pass_context(command)


def _by(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--by", "actor", default=_os_user, show_default="the OS user", help="Who does this."
    )(command)


def _status_line(finding: Finding, lang: str, reason: str | None) -> str:
    status = label(STATUS_LABELS, finding.status, lang)
    why = f"（{reason}）" if reason and lang != "en" else (f" ({reason})" if reason else "")
    separator = ": " if lang == "en" else "："
    return f"{finding.fingerprint}{separator}{status}{why}"


@findings.command()
@click.argument("finding_id", metavar="ID")
@click.option("--unit", default=None, help="责任单位 (kept across runs; '' gives it back).")
@click.option("--person", default=None, help="责任人 ('' clears).")
@click.option("--deadline", default=None, help="整改时限 (YYYY-MM-DD).")
@click.option("--reason", default=None, help="Why (kept in the history).")
@_by
@_common
def assign(
    ctx: click.Context,
    finding_id: str,
    unit: str | None,
    person: str | None,
    deadline: str | None,
    reason: str | None,
    actor: str,
    db: str | None,
    site: str | None,
    lang: str,
) -> None:
    """Assign a finding to a unit (责任单位), a person (责任人) and/or a deadline (整改时限)."""
    when = parse_date(deadline, "--deadline")
    with _session(_db(ctx, db)) as session:
        finding = tracking.assign(session, finding_id, unit=unit, person=person, deadline=when,
                                  actor=actor, reason=reason, site=_site(ctx, site))  # fmt: skip
        en = lang == "en"
        parts = [
            f"{'unit' if en else '责任单位'} {finding.unit or '-'}",
            f"{'person' if en else '责任人'} {finding.person or '-'}",
            f"{'deadline' if en else '整改时限'} {finding.deadline or '-'}",
        ]
        separator, joiner = (": ", "; ") if en else ("：", "，")
    click.echo(f"{finding.fingerprint}{separator}{joiner.join(parts)}")  # once committed


def _transition(action: Callable[..., Finding], name: str, doc: str) -> None:
    """A command that moves one finding to another status, with a required reason."""

    @click.argument("finding_id", metavar="ID")
    @click.option("--reason", required=True, help="Why (required; kept in the history).")
    @_by
    @_common
    def command(
        ctx: click.Context,
        finding_id: str,
        reason: str,
        actor: str,
        db: str | None,
        site: str | None,
        lang: str,
    ) -> None:
        with _session(_db(ctx, db)) as session:
            finding = action(session, finding_id, reason=reason, actor=actor,
                             site=_site(ctx, site))  # fmt: skip
        # Said only once the session's transaction has committed: a failed commit says nothing
        # happened, and nothing did.
        click.echo(_status_line(finding, lang, finding.status_reason))

    command.__doc__ = doc
    findings.command(name)(command)


_transition(tracking.waive, "waive", "不予整改: waive a finding, with its reason (依法不予公开…).")
_transition(
    tracking.false_positive,
    "false-positive",
    "误报: not a defect; not raised again unless its evidence changes.",
)
_transition(tracking.reopen, "reopen", "Reopen a fixed, waived or false-positive finding.")


@findings.command()
@click.argument("finding_id", metavar="ID")
@click.argument("text")
@_by
@_common
def note(
    ctx: click.Context,
    finding_id: str,
    text: str,
    actor: str,
    db: str | None,
    site: str | None,
    lang: str,
) -> None:
    """备注: add a note to a finding (the history keeps every note)."""
    with _session(_db(ctx, db)) as session:
        finding = tracking.note(session, finding_id, text=text, actor=actor, site=_site(ctx, site))
    click.echo(f"{finding.fingerprint}{': ' if lang == 'en' else '：'}{finding.note}")


@findings.command()
@click.argument("finding_id", metavar="ID")
@_common
def history(
    ctx: click.Context, finding_id: str, db: str | None, site: str | None, lang: str
) -> None:
    """The history of a finding: every event, oldest first."""
    with _session(_db(ctx, db)) as session:
        finding = tracking.find_finding(session, finding_id, _site(ctx, site))
        latest = latest_run(session, finding.site_id)
        where = zone_of_profile(latest.profile if latest is not None else None)
        output.render_history(
            finding, tracking.events_of(session, finding), lang, sys.stdout, where
        )
