"""What each unit is told after a run (整改通知): its findings that are new, reopened, overdue or
due soon, each once (overdue first, then reopened, new, soon), with deadlines and a link to the
workspace. Units without a channel in the notices file are told nothing.

Crawled text is hostile: the e-mail is plain text; in the robots' markdown every title and URL
is escaped and only the workspace's own address (from the notices file) is made a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from xuncha.notify.config import NoticesConfig
from xuncha.store import Finding, Run, Site
from xuncha.tracking.events import ACTIVE
from xuncha.tracking.queries import run_changes

KINDS = ("overdue", "reopened", "new", "soon")
KIND_WORDS = {
    "overdue": ("已逾期", "overdue"),
    "reopened": ("整改后复发", "reopened"),
    "new": ("新发现", "new"),
    "soon": ("即将到期", "due soon"),
}
LINES_SHOWN = 30  # a robot's message has a size limit; the workspace lists them all
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<])")


@dataclass(frozen=True)
class DigestLine:
    finding_id: int
    fingerprint: str
    kind: str
    title: str
    url: str
    deadline: date | None


@dataclass(frozen=True)
class Digest:
    unit: str
    site_name: str
    as_of: date
    lines: list[DigestLine] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines if line.kind == kind)

    def subject(self, lang: str) -> str:
        site = _plain(self.site_name)  # a crawled title: no line break reaches a mail header
        parts = [f"{KIND_WORDS[k][1 if lang == 'en' else 0]} {self.count(k)}"
                 for k in KINDS if self.count(k)]  # fmt: skip
        if lang == "en":
            return (f"[Xuncha] {site}: {len(self.lines)} findings for {self.unit} "
                    f"({', '.join(parts)})")  # fmt: skip
        counted = "，".join(parts)
        return f"【整改通知】{site}：{self.unit} 有 {len(self.lines)} 个问题（{counted}）"

    def text(self, lang: str, workspace: str | None) -> str:
        """The e-mail: plain text, every finding."""
        out = [self.subject(lang), ""]
        for kind in KINDS:
            lines = [line for line in self.lines if line.kind == kind]
            if not lines:
                continue
            out.append(f"{KIND_WORDS[kind][1 if lang == 'en' else 0]}（{len(lines)}）"
                       if lang != "en" else f"{KIND_WORDS[kind][1]} ({len(lines)})")  # fmt: skip
            for line in lines:
                due = line.deadline.isoformat() if line.deadline else "—"
                deadline = f"deadline {due}" if lang == "en" else f"整改时限 {due}"
                out.append(f"  - {_plain(line.title)}｜{deadline}｜{_plain(line.url)}")
                if workspace:
                    out.append(f"    {workspace}findings/{line.finding_id}")
            out.append("")
        if workspace:
            link = f"{workspace}findings?unit={quote(self.unit)}"
            out.append(f"Workspace: {link}" if lang == "en" else f"工作台：{link}")
        return "\n".join(out)

    def markdown(self, lang: str, workspace: str | None) -> str:
        """The robots' message: markdown, escaped, at most LINES_SHOWN findings."""
        out = [f"### {_md(self.subject(lang))}"]
        for line in self.lines[:LINES_SHOWN]:
            word = KIND_WORDS[line.kind][1 if lang == "en" else 0]
            due = line.deadline.isoformat() if line.deadline else "—"
            # Escaped, never a link: DingTalk's markdown has no inline code to shelter a URL in.
            out.append(f"- **{word}** {_md(line.title)}（{due}） {_md(line.url)}")
        if len(self.lines) > LINES_SHOWN:
            more = len(self.lines) - LINES_SHOWN
            out.append(f"- … {more} more" if lang == "en" else f"- …… 另有 {more} 个")
        if workspace:
            link = f"{workspace}findings?unit={quote(self.unit)}"
            out.append(f"[{'Open the workspace' if lang == 'en' else '打开工作台'}]({link})")
        return "\n".join(out)


def _plain(text: str) -> str:
    """One line of plain text: no line break a crawled title could forge a header with."""
    return " ".join(str(text).split())[:300]


def _md(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", _plain(text))


def digests_of(session: Session, run: Run, config: NoticesConfig, today: date) -> list[Digest]:
    """The run's digests: one per configured unit that has something to be told."""
    site = session.get_one(Site, run.site_id)
    changed = run_changes(session, run.id)
    kind_of: dict[int, str] = {f.id: "new" for f in changed.opened}
    kind_of.update({f.id: "reopened" for f in changed.reopened})
    soon = today + timedelta(days=config.soon_days)
    active = session.scalars(
        select(Finding).where(
            Finding.site_id == run.site_id,
            Finding.status.in_(sorted(ACTIVE)),
            Finding.unit.in_(sorted(config.units)),
        )
    )
    by_unit: dict[str, list[DigestLine]] = {}
    for finding in active:
        kind = kind_of.get(finding.id)
        if finding.deadline is not None and finding.deadline < today:
            kind = "overdue"
        elif kind is None and finding.deadline is not None and finding.deadline <= soon:
            kind = "soon"
        if kind is None or finding.unit is None:
            continue
        by_unit.setdefault(finding.unit, []).append(
            DigestLine(
                finding.id, finding.fingerprint, kind, finding.title, finding.url, finding.deadline
            )  # fmt: skip
        )
    order = {kind: i for i, kind in enumerate(KINDS)}
    return [
        Digest(
            unit,
            site.name,
            run.as_of,
            sorted(
                lines,
                key=lambda line: (order[line.kind], line.deadline or date.max, line.fingerprint),
            ),
        )  # fmt: skip
        for unit, lines in sorted(by_unit.items())
    ]
