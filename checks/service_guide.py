"""服务不实用 — 办事指南要素缺失 (`service_guide`): a guide lacking some of the 8 element classes.

中国政府网《关于“办事指南”指标的说明》 (2015-06-10) requires every 办事指南 to carry 事项名称,
设定依据, 申请条件, 办理材料, 办理地点, 办理时间, 联系电话 and 办理流程. The crawler records, for
each page structured like a guide (enough element labels: ``checks/data/guide_elements.yaml``),
which classes it labels with content, which with nothing, and which it leaves to a script
(``page.meta["guide"]``, :class:`checks.guide_elements.GuideStructure`). This check decides
which of those pages are guides — by their column or title, since a 政府信息公开指南 or a policy
interpretation may be laid out alike — and reports each guide with the classes it lacks.

A page is a guide when its structure is a guide's and

- its column (the column it was listed in, its ``ColumnName`` meta tag or its breadcrumb) is
  named like 办事指南 / 服务指南 / 办事服务 …, or
- its title names a guide for an administrative matter (…办事指南, …服务指南, …办理指南,
  …许可指南 …),

and neither its title nor its column is a 公开指南 (政府信息公开指南 is a disclosure guide, not
a 办事指南), a 解读 or a news column. A class is missing when the guide does not label it, or
labels it with nothing after the label; a class left to a script is not judged. A guide showing
content for no class at all (filled in by a script, as far as the crawler can tell) is not
judged either.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlunsplit

from checks import messages
from checks.config import CheckSettings
from checks.guide_elements import GuideStructure, guide_elements
from checks.model import ColumnView, CrawlData, Finding, PageView
from checks.urls import split_url, url_port

# Columns that hold guides (办事服务 is the section, 办事指南 the column).
GUIDE_COLUMN = re.compile(
    r"办事指南|服务指南|办事指引|办理指南|办事服务|政务服务|网上办事|审批服务"
)
# Titles of a guide for a matter: "道路运输经营许可办事指南", "…证核发指南".
GUIDE_TITLE = re.compile(
    r"(?:办事|服务|办理|申办|申请|申报|申领|业务|事项|审批|许可|登记|备案|核发|认定|注册|变更|注销"
    r"|补办|换证|办证|换领|年检|年审)指[南引]"
)
# Never a 办事指南, whatever the structure: a 政府信息公开指南 (依申请公开指南, 政府信息公开申请
# 指南 …) is a disclosure guide, judged by the disclosure rules; a 解读 explains a policy. Said by
# the title or by the page's own column. Not "信息公开" alone: many a disclosure platform puts
# its name in every title and every ColumnName.
NOT_A_GUIDE = re.compile(r"公开指南|信息公开申请|依申请公开|解读|图解")
# A news column's article about a guide is news (its title may still say 办事指南).
NEWS_COLUMN = re.compile(r"动态|要闻|新闻|资讯|媒体|图片")
_SPACES = re.compile(r"[\s\u3000“”\"'‘’「」『』《》]")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def service_guide(data: CrawlData, settings: CheckSettings, as_of: date) -> list[Finding]:
    """One finding per guide lacking any of the 8 classes, naming them in the note's order."""
    table = guide_elements()
    columns = {column.url: column for column in data.columns}
    findings: dict[str, Finding] = {}
    for page in data.pages:
        structure = GuideStructure.from_meta(page.meta.get("guide"))
        if structure is None or not structure.is_guide_structure(table):
            continue
        column = columns.get(page.column_url or "")
        if not is_guide(page, column):
            continue
        missing = missing_classes(structure)
        if not missing or not structure.present:
            continue
        key = guide_key(page.url)
        if key in findings:
            continue  # the same guide under another spelling of its address
        findings[key] = Finding(
            check="service_guide",
            subtype="missing_elements",
            severity="medium",
            url=page.url,
            key=key,
            page=page.url,
            pages=(page.url,),
            column=column.name if column is not None else _meta_column(page),
            unit=column.unit if column is not None else None,
            evidence={
                "missing": list(missing),
                "missing_en": [table.by_name(name).en for name in missing],
                "empty": [name for name in missing if name in structure.empty],
                "present": list(structure.present),
                "guide_title": page.title or "",
            },
        )
    return list(findings.values())


def missing_classes(structure: GuideStructure) -> tuple[str, ...]:
    """The classes the guide lacks, in the note's order: not labelled, or labelled with
    nothing after the label. Classes left to a script are not judged."""
    table = guide_elements()
    shown = set(structure.present) | set(structure.unrendered)
    return tuple(name for name in table.names if name not in shown)


def is_guide(page: PageView, column: ColumnView | None) -> bool:
    """Whether a page structured like a guide is one: its column or its title says so, and
    nothing says it is a disclosure guide, an interpretation or news."""
    titles = [_plain(page.title), _plain(page.meta.get("ArticleTitle"))]
    columns = [_plain(column.name if column is not None else None),
               _plain(page.meta.get("ColumnName"))]  # fmt: skip
    trail = _breadcrumb(page)
    if any(NOT_A_GUIDE.search(text) for text in [*titles, *columns, *trail[-1:]]):
        return False
    if any(NEWS_COLUMN.search(name) for name in columns):
        return False
    named = any(GUIDE_TITLE.search(title) for title in titles)
    return named or any(GUIDE_COLUMN.search(name) for name in [*columns, *trail])


def guide_key(url: str) -> str:
    """The guide's address, normalised: scheme and host in lower case, no default port, no
    fragment, an empty path as ``/``."""
    parts = split_url(url.strip())
    if parts is None:
        return url  # no URL parser accepts it: the text is its own key
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = url_port(parts)
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return urlunsplit((scheme, host, parts.path or "/", parts.query, ""))


def _plain(text: object) -> str:
    return _SPACES.sub("", text) if isinstance(text, str) else ""


def _breadcrumb(page: PageView) -> list[str]:
    trail = page.meta.get("breadcrumb")
    return [_plain(step) for step in trail] if isinstance(trail, list) else []


def _meta_column(page: PageView) -> str | None:
    name = page.meta.get("ColumnName")
    return name if isinstance(name, str) and name else None


messages.register(
    "service_guide",
    {
        "missing_elements": (
            "办事指南要素缺失 — 缺少：{missing}",
            "Service guide (办事指南) lacks elements: {missing_en}",
        ),
    },
    (
        "按《关于“办事指南”指标的说明》补全办事指南的事项名称、设定依据、申请条件、办理材料、办理地点、"
        "办理时间、联系电话、办理流程八类要素；已列出标签但内容为空的，填写具体内容。",
        "Complete the guide with all eight elements the national note requires (item name, legal "
        "basis, conditions, documents, place, office hours, contact phone, procedure); fill in "
        "every label left empty.",
    ),
)
