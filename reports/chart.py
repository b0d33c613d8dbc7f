"""Inline SVG charts drawn in Python: the open-findings trend of the run report and the
sparkline of the site index. No JavaScript, no chart library: the report must open on an
intranet PC with nothing but a browser.

Every text that reaches the SVG is escaped here (a site's name is crawled text), and the
charts are accessible: ``role="img"``, a ``<title>`` and a ``<desc>`` that lists every value,
axis labels, and each point's value written beside it and in its own ``<title>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class TrendPoint:
    """Open findings (open + reopened) as they stood after one run: what the trend draws."""

    run_id: int
    as_of: str
    open: int
    complete: bool


WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 24, 56  # room for the axis labels
INSET = 24  # the first and last points keep clear of the y axis and its tick labels


def _ceiling(value: int) -> int:
    """A round top for the y axis: 1, 2, 5, 10, 20, 50…, at least the largest value."""
    top = 1
    while top < value:
        top = _next_round(top)
    return top


def _next_round(value: int) -> int:
    scale: int = 10 ** (len(str(value)) - 1)  # a non-negative power of ten: an int
    lead = value // scale
    return (2 if lead == 1 else 5 if lead == 2 else 10) * scale


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT - 2 * INSET
    if count == 1:
        return LEFT + INSET + span / 2
    return LEFT + INSET + span * index / (count - 1)


def _y(value: int, top: int) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def trend_svg(points: Sequence[TrendPoint], title: str, x_label: str, y_label: str) -> Markup:
    """The line chart of open findings, oldest run left; hollow points mark incomplete runs."""
    top = _ceiling(max((p.open for p in points), default=0))
    values = "; ".join(f"{p.as_of} #{p.run_id}: {p.open}" for p in points)
    parts = [
        f'<svg id="trend-chart" class="chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trend-title">{escape(title)}</title>',
        f'<desc id="trend-desc">{escape(y_label)}: {escape(values)}</desc>',
        f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}"/>',
        f'<line class="axis" x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}"/>',
    ]
    for tick in sorted({0, top // 2, top}):
        y = _y(tick, top)
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
                     f'y2="{y:.1f}"/>')  # fmt: skip
        parts.append(f'<text class="tick" x="{LEFT - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{tick}</text>')  # fmt: skip
    parts.append(
        f'<text class="axis-label" x="14" y="{(TOP + HEIGHT - BOTTOM) / 2:.1f}" '
        f'text-anchor="middle" transform="rotate(-90 14 {(TOP + HEIGHT - BOTTOM) / 2:.1f})">'
        f"{escape(y_label)}</text>"
    )
    parts.append(
        f'<text class="axis-label" x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    coords = [(_x(i, len(points)), _y(p.open, top)) for i, p in enumerate(points)]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="line" points="{path}"/>')
    every = max(1, (len(points) + 7) // 8)  # at most 8 date labels, so they never overlap
    for i, (p, (x, y)) in enumerate(zip(points, coords, strict=True)):
        kind = "point" if p.complete else "point incomplete"
        parts.append(
            f'<circle class="{kind}" cx="{x:.1f}" cy="{y:.1f}" r="4" data-run="{p.run_id}" '
            f'data-value="{p.open}"><title>{escape(p.as_of)} #{p.run_id}: {p.open}</title>'
            f"</circle>"
        )
        parts.append(f'<text class="value" x="{x:.1f}" y="{y - 8:.1f}" '
                     f'text-anchor="middle">{p.open}</text>')  # fmt: skip
        if i % every == 0 or i == len(points) - 1:
            parts.append(
                f'<text class="tick" x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" '
                f'text-anchor="middle">{escape(p.as_of[5:])}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def sparkline_svg(points: Sequence[TrendPoint], title: str) -> Markup:
    """A small line of open findings for the site index, its last value written after it."""
    width, height, pad = 120, 28, 3
    top = max((p.open for p in points), default=0) or 1
    count = len(points)
    coords = [
        (
            pad + (width - 2 * pad) * (i / (count - 1) if count > 1 else 0.5),
            pad + (height - 2 * pad) * (1 - p.open / top),
        )
        for i, p in enumerate(points)
    ]
    values = ", ".join(str(p.open) for p in points)
    parts = [
        f'<svg class="sparkline" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}: {escape(values)}</title>",
    ]
    if count > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="line" points="{path}"/>')
    for (x, y), p in zip(coords, points, strict=True):
        parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="1.8" '
                     f'data-value="{p.open}"/>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))
