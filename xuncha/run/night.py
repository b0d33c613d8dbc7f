"""Nightly operation (夜间巡查): a site inspected under its run lock, every site of a folder,
and the exit codes cron and systemd read.

Exit codes are :class:`~xuncha.run.outcome.ExitCode`. A folder of sites exits with the worst
code of its sites (2 over 1 over 0). Here the sites are inspected one after another, in this
process (``xuncha run --all --parallel 1``); several at once, each in a process of its own, is
xuncha/run/night_pool.py. Either way each crawl spends its own site's politeness budget and
the run locks keep each site to one run.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from crawler.job import Progress
from reports.labels import RUN_STATUS_LABELS, VERDICT_LABELS, label
from xuncha.errors import ProfileError, RunLockedError, XunchaError
from xuncha.profile import Profile, load_profile
from xuncha.run.crawl_process import stop_requested
from xuncha.run.inspection import inspect_site, site_row
from xuncha.run.lock import DEFAULT_STALE_AFTER, holding
from xuncha.run.outcome import ExitCode, RunOutcome
from xuncha.store import Finding, Run, Store
from xuncha.tracking.events import ACTIVE

logger = logging.getLogger(__name__)

# --fail-on LEVEL → the severities that count (a finding at or above the level).
FAIL_ON = {
    "high": ("high",),
    "medium": ("high", "medium"),
    "low": ("high", "medium", "low"),
    "none": (),
}
PROFILE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class NightSettings:
    """What every site of one command shares."""

    as_of: date
    out_dir: Path
    concurrency: int | None = None
    lang: str = "zh"
    progress: Progress = "log"
    verbose: bool = False
    fail_on: str = "none"
    stale_after: timedelta = DEFAULT_STALE_AFTER
    scope: str | None = None  # --scope: overrides every profile's scope.mode
    full: bool = False  # --full: fetch everything again, even after a complete run

    def to_json(self) -> str:
        fields = asdict(self)
        fields.update(as_of=self.as_of.isoformat(), out_dir=str(self.out_dir),
                      stale_after=self.stale_after.total_seconds())  # fmt: skip
        return json.dumps(fields, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> NightSettings:
        fields = json.loads(text)
        fields.update(as_of=date.fromisoformat(fields["as_of"]), out_dir=Path(fields["out_dir"]),
                      stale_after=timedelta(seconds=fields["stale_after"]))  # fmt: skip
        return cls(**fields)


@dataclass(frozen=True)
class SiteResult:
    """One site's night. `status` is the run's (finished | failed | interrupted), or locked,
    error (no run: a bad profile, a database error) or skipped (the batch was stopped)."""

    name: str
    status: str
    exit_code: int
    run_id: int | None = None
    findings: int | None = None
    failing: int = 0  # open/reopened findings of this run at or above --fail-on
    verdict: str | None = None
    message: str | None = None
    report_path: Path | None = None
    stopped: bool = False  # the crawl was stopped by a signal: the batch stops too
    outcome: RunOutcome | None = None

    def to_json(self) -> str:
        """The result as the process of one site of a parallel night hands it back."""
        fields = asdict(self)
        fields["report_path"] = str(self.report_path) if self.report_path else None
        if self.outcome is not None:
            fields["outcome"].update(findings_path=str(self.outcome.findings_path),
                                     report_path=str(self.outcome.report_path))  # fmt: skip
        return json.dumps(fields, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SiteResult:
        fields = json.loads(text)
        if fields["report_path"] is not None:
            fields["report_path"] = Path(fields["report_path"])
        if (outcome := fields["outcome"]) is not None:
            outcome.update(findings_path=Path(outcome["findings_path"]),
                           report_path=Path(outcome["report_path"]))  # fmt: skip
            fields["outcome"] = RunOutcome(**outcome)
        return cls(**fields)


def skipped(path: Path) -> SiteResult:
    """A site the night did not start: it was stopped first."""
    return SiteResult(path.name, "skipped", ExitCode.ERROR, message="the night was stopped")


def site_label(profile: Profile) -> str:
    """`name (URL)` for messages, or the URL alone when the profile names no site."""
    url = profile.start_urls[0]
    return f"{profile.name} ({url})" if profile.name else url


def site_id_for(store: Store, profile: Profile) -> int:
    """The id of the profile's site row — the row inspect_site uses — created if new."""
    for _ in range(2):
        try:
            with store.session() as session, session.begin():
                return site_row(session, profile).id
        except IntegrityError:
            continue  # another process created the row at the same moment: read it
    raise XunchaError(f"{site_label(profile)}: could not create its site row")


def run_locked(
    profile: Profile,
    store: Store,
    *,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
    **inspect_options: Any,
) -> RunOutcome:
    """``inspect_site(profile, store, **inspect_options)`` under the site's run lock (see
    xuncha.run.lock; `abandoned`: holders the sites' queue declared dead); RunLockedError
    when another run holds it."""
    site_id = site_id_for(store, profile)
    with holding(store, site_id, site_label=site_label(profile), stale_after=stale_after,
                 abandoned=abandoned):  # fmt: skip
        return inspect_site(profile, store, **inspect_options)


def with_scope(profile: Profile, scope: str | None) -> Profile:
    if not scope:
        return profile
    return profile.model_copy(update={"scope": profile.scope.model_copy(update={"mode": scope})})


def _failing(store: Store, run_id: int, fail_on: str) -> int:
    severities = FAIL_ON[fail_on]
    if not severities:
        return 0
    with store.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Finding)
                .where(
                    Finding.last_run_id == run_id,
                    Finding.status.in_(ACTIVE),
                    Finding.severity.in_(severities),
                )
            )
            or 0
        )


def inspect_one(
    profile: Profile,
    store: Store,
    night: NightSettings,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
) -> SiteResult:
    """Inspect one site under its lock and judge the night; an error of the project's own
    (locked, database) is a result, not an exception. `abandoned`: see :func:`run_locked`."""
    name = profile.display_name
    logger.info("%s: inspecting %s", name, profile.start_urls[0])
    try:
        outcome = run_locked(
            with_scope(profile, night.scope),
            store,
            stale_after=night.stale_after,
            abandoned=abandoned,
            as_of=night.as_of,
            out_dir=night.out_dir,
            concurrency=night.concurrency,
            lang=night.lang,
            progress=night.progress,
            verbose=night.verbose,
            full=night.full,
        )
    except RunLockedError as exc:
        logger.error("%s", exc)
        return SiteResult(name, "locked", ExitCode.ERROR, message=str(exc))
    except XunchaError as exc:
        logger.error("%s: %s", name, exc)
        return SiteResult(name, "error", ExitCode.ERROR, message=str(exc))
    with store.session() as session:
        run = session.get(Run, outcome.run_id)
        verdict = (run.score or {}).get("verdict") if run is not None else None
        reason = (run.stats or {}).get("finish_reason") if run is not None else None
    failing = _failing(store, outcome.run_id, night.fail_on) if outcome.status == "finished" else 0
    result = SiteResult(
        name,
        outcome.status,
        outcome.exit_code or (ExitCode.FINDINGS if failing else ExitCode.OK),
        run_id=outcome.run_id,
        findings=outcome.findings,
        failing=failing,
        verdict=verdict,
        message=outcome.message,
        report_path=outcome.report_path,
        stopped=outcome.status == "interrupted" and reason == "shutdown",
        outcome=outcome,
    )
    _log_result(result, outcome.pages, outcome.seconds, night.fail_on)
    return result


def _log_result(result: SiteResult, pages: int, seconds: float, fail_on: str) -> None:
    what = (
        f"{result.name}: run #{result.run_id} {result.status}: {pages} pages, "
        f"{result.findings} findings, verdict {result.verdict or '-'}, {seconds:.0f} s"
    )
    if result.status != "finished":
        logger.error("%s — %s", what, result.message)
        return
    logger.info("%s%s", what, f" ({result.message})" if result.message else "")
    if result.failing:
        logger.warning(
            "%s: %d open findings at or above %s (--fail-on %s)",
            result.name, result.failing, fail_on, fail_on,
        )  # fmt: skip


def profile_files(folder: Path) -> list[Path]:
    """The site profiles of a folder (``*.yaml``, ``*.yml``; not hidden, not recursive)."""
    if not folder.is_dir():
        raise ProfileError(f"{folder}: no such folder of site profiles")
    files = sorted(
        path
        for path in folder.iterdir()
        if path.suffix.lower() in PROFILE_SUFFIXES
        and path.is_file()
        and not path.name.startswith(".")
    )
    if not files:
        raise ProfileError(f"{folder}: no site profiles (*.yaml, *.yml) in this folder")
    return files


def output_folders(files: list[Path]) -> dict[Path, str]:
    """Each profile's output folder name: its file name without extension (unique in the
    folder; `a.yaml` beside `a.yml` gets `a-2`)."""
    slugs: dict[Path, str] = {}
    taken: set[str] = set()
    for path in files:
        slug, n = path.stem, 1
        while slug in taken:
            n += 1
            slug = f"{path.stem}-{n}"
        taken.add(slug)
        slugs[path] = slug
    return slugs


def load_site(path: Path) -> Profile | SiteResult:
    """The profile of one file of a folder, or the error result of a bad one."""
    try:
        return load_profile(path)
    except ProfileError as exc:
        logger.error("%s", exc)
        return SiteResult(path.name, "error", ExitCode.ERROR, message=str(exc))


def inspect_guarded(
    profile: Profile,
    store: Store,
    night: NightSettings,
    abandoned: frozenset[tuple[str, int]] = frozenset(),
) -> SiteResult:
    """:func:`inspect_one`, with an unexpected crash of the site's run as its result: one
    site's crash must not cost the other sites their night. A stop (SystemExit,
    KeyboardInterrupt) goes through."""
    try:
        return inspect_one(profile, store, night, abandoned)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        logger.error("%s: the run crashed: %s", profile.display_name, message)
        return SiteResult(profile.display_name, "error", ExitCode.ERROR, message=message)


def inspect_folder(folder: Path, store: Store, night: NightSettings) -> list[SiteResult]:
    """Every profile of `folder`, one after another, each into ``out_dir/<file stem>/``.

    A bad profile, a locked or unreachable site, even an unexpected crash of one site's
    checks, is that site's result and the night goes on. A crawl stopped by SIGTERM or
    Ctrl-C (systemd stopping the unit) stops the night — also when it reached `xuncha run`
    just as that crawl was ending on its own: the sites left are `skipped`.
    """
    files = profile_files(folder)
    results: list[SiteResult] = []
    for path, slug in output_folders(files).items():
        if results and (results[-1].stopped or stop_requested()):
            results.append(skipped(path))
            continue
        loaded = load_site(path)
        if isinstance(loaded, SiteResult):
            results.append(loaded)
            continue
        results.append(inspect_guarded(loaded, store, replace(night, out_dir=night.out_dir / slug)))
    return results


def worst_exit(results: list[SiteResult]) -> int:
    return max((r.exit_code for r in results), default=ExitCode.OK)


def summary_lines(results: list[SiteResult], lang: str = "zh", *, quiet: bool = False) -> list[str]:
    """The plain-text summary printed after a night: a head line, then one line per site
    (status, findings, verdict). `quiet` keeps only the sites with a problem (exit code ≠ 0),
    and nothing at all when there is none."""
    en = lang == "en"
    shown = [r for r in results if r.exit_code != ExitCode.OK] if quiet else results
    if not shown:
        return []
    problems = sum(1 for r in results if r.exit_code != ExitCode.OK)
    head = (
        f"{len(results)} sites, {problems} with problems (exit code {worst_exit(results)})"
        if en
        else f"巡查 {len(results)} 个站点，{problems} 个有问题（退出码 {worst_exit(results)}）"
    )
    lines = [head]
    for r in shown:
        status = label(RUN_STATUS_LABELS, r.status, lang)
        if en:
            findings = "-" if r.findings is None else f"{r.findings} findings"
            verdict = label(VERDICT_LABELS, r.verdict, lang) if r.verdict else "no verdict"
            line = f"  {r.name}: {status}, {findings}, verdict {verdict}"
            if r.failing:
                line += f", {r.failing} at or above --fail-on"
        else:
            findings = "-" if r.findings is None else f"问题 {r.findings} 个"
            line = f"  {r.name}：{status}，{findings}，{r.verdict or '无结论'}"
            if r.failing:
                line += f"，{r.failing} 个达到 --fail-on 级别"
        if r.message and r.exit_code == ExitCode.ERROR:
            line += f" — {r.message}"
        lines.append(line)
    return lines
