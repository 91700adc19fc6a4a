"""Small server-side SVG charts for the reports page: horizontal bars and lines over years.

Written here rather than with a charting library so the markup holds under the
Content-Security-Policy (no script, no inline style: colours and fonts come from classes in
web/static/web/reports.css). Each chart is an <svg role="img"> named by its <title>; the page
puts the same numbers in a table beside it, which is the text alternative. A value of None is
a figure not shown (a small number, or no data yet): no bar is drawn and its label is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 720
LABEL_WIDTH = 270
VALUE_WIDTH = 90
BAR_HEIGHT = 22
GAP = 8
TOP = 12


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int | None
    shown: str  # the number as printed (e.g. "12", "33,33 %", "< 5")
    kind: str = ""  # a CSS modifier: "group" rows are headings, others are series names
    marker: Decimal | int | None = None  # a target drawn as a tick across the bar


@dataclass(frozen=True)
class Series:
    name: str
    values: list[Decimal | None]
    kind: str
    shown: list[str]  # each value as printed in the table beside the chart


def _svg(chart_id: str, title: str, width: int, height: int, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text is escaped


def _scale(value, top) -> float:
    return float(value) / float(top) if top else 0.0


def bar_chart(chart_id: str, title: str, bars: list[Bar], *, maximum=None) -> SafeString:
    """One horizontal bar per item, its number printed at its end; `maximum` fixes the scale
    (100 for percentages), else the largest value."""
    top = maximum or max([b.value or 0 for b in bars] + [b.marker or 0 for b in bars] + [1])
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body, y = [], TOP
    for bar in bars:
        label_y = y + BAR_HEIGHT * 0.7
        css = f"bar {bar.kind}".strip()
        body.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{label_y:.1f}" '
            f'text-anchor="end">{escape(bar.label)}</text>'
        )
        length = _scale(bar.value or 0, top) * span
        if bar.value is not None:
            body.append(
                f'<rect class="{css}" x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" '
                f'height="{BAR_HEIGHT}"/>'
            )
        else:
            body.append(
                f'<rect class="bar-missing" x="{LABEL_WIDTH}" y="{y}" width="{span}" '
                f'height="{BAR_HEIGHT}"/>'
            )
        if bar.marker is not None:
            x = LABEL_WIDTH + _scale(bar.marker, top) * span
            body.append(
                f'<line class="target" x1="{x:.1f}" x2="{x:.1f}" y1="{y - 3}" '
                f'y2="{y + BAR_HEIGHT + 3}"/>'
            )
        value_x = LABEL_WIDTH + (length if bar.value is not None else 0) + 6
        body.append(
            f'<text class="chart-value" x="{value_x:.1f}" y="{label_y:.1f}">'
            f"{escape(bar.shown)}</text>"
        )
        y += BAR_HEIGHT + GAP
    return _svg(chart_id, title, WIDTH, y + TOP, body)


def line_chart(chart_id: str, title: str, years: list[str], series: list[Series]) -> SafeString:
    """Percentages over the years, one line (with its points and numbers) per series."""
    height, left, right, bottom = 260, 56, 90, 36
    plot_h = height - TOP - bottom
    values = [v for s in series for v in s.values if v is not None]
    top = max([*values, Decimal(1)]) * Decimal("1.15")
    step = (WIDTH - left - right) / max(len(years) - 1, 1)
    body = [
        f'<line class="axis" x1="{left}" x2="{WIDTH - right}" y1="{TOP + plot_h}" '
        f'y2="{TOP + plot_h}"/>',
        f'<text class="chart-label" x="{left - 6}" y="{TOP + plot_h}" text-anchor="end">0</text>',
        f'<text class="chart-label" x="{left - 6}" y="{TOP + 10}" text-anchor="end">'
        f"{top:.0f} %</text>",
    ]
    for index, year in enumerate(years):
        x = left + index * step if len(years) > 1 else (WIDTH - left - right) / 2 + left
        body.append(
            f'<text class="chart-label" x="{x:.1f}" y="{height - 12}" '
            f'text-anchor="middle">{escape(year)}</text>'
        )
    for s in series:
        points = []
        for index, (value, shown) in enumerate(zip(s.values, s.shown, strict=True)):
            if value is None:
                continue
            x = left + index * step if len(years) > 1 else (WIDTH - left - right) / 2 + left
            y = TOP + plot_h - _scale(value, top) * plot_h
            points.append((x, y, shown))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _v in points)
            body.append(f'<polyline class="line {s.kind}" points="{path}"/>')
        for x, y, shown in points:
            body.append(f'<circle class="point {s.kind}" cx="{x:.1f}" cy="{y:.1f}" r="4"/>')
            body.append(
                f'<text class="chart-value" x="{x + 6:.1f}" y="{y - 6:.1f}">{escape(shown)}</text>'
            )
    return _svg(chart_id, title, WIDTH, height, body)
