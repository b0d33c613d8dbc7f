"""The inline SVG charts: every point placed and labelled, the axis labelled, hostile text
escaped (inside an SVG too), and an accessible name and description."""

from __future__ import annotations

import pytest
from lxml import etree

from reports.chart import HEIGHT, TrendPoint, sparkline_svg, trend_svg

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _points(*values: int) -> list[TrendPoint]:
    return [TrendPoint(i + 1, f"2026-11-{10 + i:02d}", v, i != 1) for i, v in enumerate(values)]


def _svg(markup: str) -> etree._Element:
    return etree.fromstring(str(markup).encode())  # well-formed XML, or this raises


NS = {"s": "http://www.w3.org/2000/svg"}


def _attr(element: etree._Element, name: str) -> str:
    """An attribute the chart writes on every such element."""
    value = element.get(name)
    assert value is not None, name
    return value


def _text(element: etree._Element, path: str) -> str:
    """The text of a child the chart always writes."""
    text = element.findtext(path, namespaces=NS)
    assert text is not None, path
    return text


@pytest.mark.parametrize(
    "values", [(5,), (0, 0), (12, 7, 30, 4), tuple(range(15))], ids=["one", "zeros", "four", "15"]
)
def test_trend_points_values_and_labels(values):
    svg = _svg(trend_svg(_points(*values), HOSTILE, "检测基准日", "待整改问题数"))
    circles = svg.findall(".//s:circle", NS)
    assert [int(_attr(c, "data-value")) for c in circles] == list(values)
    assert [_text(c, "s:title").split(": ")[-1] for c in circles] == [
        str(v) for v in values]  # fmt: skip
    labels = [t.text for t in svg.findall(".//s:text[@class='value']", NS)]
    assert labels == [str(v) for v in values]
    ys = [float(_attr(c, "cy")) for c in circles]
    for i in range(len(values) - 1):  # larger values sit higher, equal ones level
        assert (values[i] > values[i + 1]) == (ys[i] < ys[i + 1])
        assert (values[i] == values[i + 1]) == (ys[i] == ys[i + 1])
    assert max(values) == 0 or min(ys) < HEIGHT / 2  # the largest reaches the upper half
    xs = [float(_attr(c, "cx")) for c in circles]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)
    axis = [t.text for t in svg.findall(".//s:text[@class='axis-label']", NS)]
    assert axis == ["待整改问题数", "检测基准日"]
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "trend-title trend-desc"
    assert svg.findtext("s:title", namespaces=NS) == HOSTILE  # text, not markup
    assert "2026-11-10 #1: " + str(values[0]) in _text(svg, "s:desc")
    assert len(svg.findall(".//s:polyline", NS)) == (1 if len(values) > 1 else 0)
    assert [c.get("class") for c in circles] == [
        "point incomplete" if i == 1 else "point" for i in range(len(values))]  # fmt: skip


def test_hostile_text_stays_text_in_the_svg():
    markup = str(trend_svg(_points(1, 2), HOSTILE, HOSTILE, HOSTILE))
    assert "<script>" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup
    svg = _svg(markup)
    assert not svg.findall(".//s:script", NS) and not svg.findall(".//s:image", NS)


def test_sparkline():
    svg = _svg(sparkline_svg(_points(3, 1, 4), HOSTILE))
    assert [int(_attr(c, "data-value")) for c in svg.findall(".//s:circle", NS)] == [3, 1, 4]
    assert svg.findtext("s:title", namespaces=NS) == f"{HOSTILE}: 3, 1, 4"
    assert svg.get("role") == "img"
