"""One inspection of one site, stage by stage: crawl → checks → tracking → outputs.

The crawl runs in a child process (crawler/crawl.py); everything else runs here, against the
store. A run row exists before the crawl starts and always ends in a true state: `finished`
(with `complete` only if the crawl closed normally), `failed` (site unreachable or crawl
error) or `interrupted`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.mandatory import not_yet_due
from checks.registry import run_checks
from checks.scoring import score
from reports.export import ExportRun, findings_document, iso, write_json
from reports.html import ReportFinding, RunReport, check_name, write_run_report
from xuncha.profile import Profile
from xuncha.snapshot import load_crawl
from xuncha.store import Finding, Run, Site, Store
from xuncha.tracking import record_findings

EXIT_OK = 0
EXIT_ERROR = 2
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RunOutcome:
    run_id: int
    status: str
    complete: bool
    message: str | None
    pages: int
    links_checked: int
    findings: int
    findings_path: Path
    report_path: Path
    seconds: float

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.status == "finished" else EXIT_ERROR


def site_key(profile: Profile) -> str:
    return profile.start_urls[0].rstrip("/").lower()


def _site(session: Session, profile: Profile) -> Site:
    key = site_key(profile)
    site = session.scalar(select(Site).where(Site.key == key))
    if site is None:
        site = Site(key=key, name=profile.display_name, start_url=profile.start_urls[0])
        session.add(site)
        session.flush()
    site.name = profile.display_name
    return site


def _crawl_in_child(request: dict, progress: str, verbose: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="xuncha-run-") as tmp:
        request_path = Path(tmp) / "request.json"
        result_path = Path(tmp) / "result.json"
        request = dict(request, result_path=str(result_path), progress=progress)
        if os.environ.get("XUNCHA_PROGRESS_INTERVAL"):
            request["progress_interval"] = float(os.environ["XUNCHA_PROGRESS_INTERVAL"])
        request["log_level"] = "INFO" if verbose else "WARNING"
        request_path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT)]))
        try:
            completed = subprocess.run(
                [sys.executable, "-m", "crawler.crawl", str(request_path)], env=env, check=False
            )
        except KeyboardInterrupt:
            return {"reason": "shutdown", "interrupted": True, "stats": {}}
        if completed.returncode != 0 or not result_path.exists():
            return {
                "reason": "crawl_error",
                "error": f"the crawl process exited with status {completed.returncode}",
                "stats": {},
            }
        return json.loads(result_path.read_text(encoding="utf-8"))


def inspect_site(
    profile: Profile,
    store: Store,
    *,
    as_of: date,
    out_dir: Path,
    concurrency: int | None = None,
    lang: str = "zh",
    progress: str = "log",
    verbose: bool = False,
) -> RunOutcome:
    """Inspect one site and write ``findings.json`` and ``report.html`` into `out_dir`."""
    started = datetime.now(UTC)
    with store.session() as session, session.begin():
        site = _site(session, profile)
        run = Run(
            site_id=site.id,
            started_at=started,
            as_of=as_of,
            status="running",
            complete=False,
            profile=profile.model_dump(mode="json"),
            stats={},
        )
        session.add(run)
        session.flush()
        run_id = run.id

    result = _crawl_in_child(
        {
            "profile": profile.model_dump(mode="json"),
            "db_url": store.url,
            "run_id": run_id,
            "concurrency": concurrency,
        },
        progress,
        verbose,
    )
    stats = result.get("stats", {})
    reason = result.get("reason")
    if result.get("unreachable"):
        status, message = "failed", f"站点无法访问：{result['unreachable']}"
    elif reason == "crawl_error":
        status, message = "failed", result.get("error")
    elif reason == "store_error":
        status, message = "failed", f"database error: {stats.get('xuncha/store/error')}"
    elif reason in ("finished", "closespider_pagecount"):
        status, message = "finished", None
        if reason == "closespider_pagecount":
            message = f"page limit reached ({profile.limits.max_pages})"
    else:
        status, message = "interrupted", f"crawl ended: {reason}"

    with store.session() as session, session.begin():
        run = session.get(Run, run_id)
        run.finished_at = datetime.now(UTC)
        run.status = status
        run.complete = reason == "finished"
        run.message = message
        run.stats = stats
        run.pages = sum(v for k, v in stats.items() if k.startswith("xuncha/pages/"))
        run.links_checked = int(stats.get("xuncha/links/checked", 0))
        data = load_crawl(session, run, profile)
        found = run_checks(data, profile, as_of)
        run.score = score(found, data, profile.checks.scoring, as_of)
        upcoming = [] if data.unreachable else not_yet_due(data, profile, as_of)
        rows = record_findings(session, run, found)
        outcome = _write_outputs(session, run, profile, rows, upcoming, out_dir, lang)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return RunOutcome(
        run_id=run_id,
        status=status,
        complete=reason == "finished",
        message=message,
        pages=outcome[0],
        links_checked=outcome[1],
        findings=len(rows),
        findings_path=out_dir / "findings.json",
        report_path=out_dir / "report.html",
        seconds=seconds,
    )


def _write_outputs(
    session: Session,
    run: Run,
    profile: Profile,
    rows: list[Finding],
    upcoming: list[dict],
    out_dir: Path,
    lang: str,
) -> tuple[int, int]:
    export_run = ExportRun(
        id=run.id,
        started_at=run.started_at,
        finished_at=run.finished_at,
        as_of=run.as_of,
        status=run.status,
        pages=run.pages,
        links_checked=run.links_checked,
        complete=run.complete,
    )
    ordered = sorted(rows, key=lambda f: (_SEVERITY_ORDER.get(f.severity, 9), f.check, f.url))
    document = findings_document(
        profile.display_name, profile.start_urls[0], export_run, ordered, run.score, lang
    )
    # Recurring statutory items not due yet (年报, 预决算…): not findings, but the next deadlines.
    document["not_yet_due"] = upcoming
    write_json(document, out_dir / "findings.json")
    counts = Counter(f.check for f in ordered)
    report = RunReport(
        lang=lang,
        site_name=profile.display_name,
        start_url=profile.start_urls[0],
        run_id=run.id,
        as_of=run.as_of.isoformat(),
        started_at=iso(run.started_at),
        finished_at=iso(run.finished_at),
        status=run.status,
        complete=run.complete,
        message=run.message,
        pages=run.pages,
        links_checked=run.links_checked,
        findings=[
            ReportFinding(
                id=item["id"],
                check=item["check"],
                subtype=item["subtype"],
                severity=item["severity"],
                title=item["title"],
                detail=item["detail"],
                url=item["url"],
                page=item["page"],
                pages=item["pages"],
                column=item["column"],
                status=item["status"],
                first_seen=item["first_seen"],
                deadline=item["deadline"],
            )
            for item in document["findings"]
        ],
        counts_by_check=[(c, check_name(c, lang), n) for c, n in counts.most_common()],
        score=run.score,
        not_yet_due=upcoming,
    )
    write_run_report(report, out_dir / "report.html")
    return run.pages, run.links_checked


_SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
