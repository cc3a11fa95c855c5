"""Charts as inline SVG drawn on the server: they need no JavaScript and no download."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 40


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: list[float | None]
    css: str  # a class of ui.css: colour and style
    bars: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    title: str
    labels: list[str]  # one per period
    series: list[Series]
    levels: list[tuple[str, float, str]] = field(default_factory=list)  # (name, y, css)


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == int(value) else f"{value:,.1f}"


def render(chart: Chart) -> Markup:
    """The chart as an `<svg>` element with a title, axes, a legend and a table fallback."""
    values = [v for s in chart.series for v in s.values if v is not None]
    values += [y for _, y, _ in chart.levels]
    top = max(values, default=0.0) or 1.0
    n = max(len(chart.labels), 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / n

    def x(i: int) -> float:
        return LEFT + step * (i + 0.5)

    def y(v: float) -> float:
        return TOP + plot_h - (max(v, 0.0) / top) * plot_h

    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(chart.title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{escape(chart.title)}</title>"]
    for frac in (0.0, 0.5, 1.0):
        gy = TOP + plot_h - frac * plot_h
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{gy:.1f}" '
                     f'y2="{gy:.1f}"/>')
        parts.append(f'<text class="axis" x="{LEFT - 6}" y="{gy + 4:.1f}" '
                     f'text-anchor="end">{escape(_number(top * frac))}</text>')
    shown = sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))
    for i in shown:
        if i < len(chart.labels):
            parts.append(f'<text class="axis" x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" '
                         f'text-anchor="middle">{escape(chart.labels[i])}</text>')
    bar_series = [s for s in chart.series if s.bars]
    width = step * 0.8 / max(len(bar_series), 1)
    for b, s in enumerate(bar_series):
        for i, v in enumerate(s.values):
            if v is None:
                continue
            left = x(i) - step * 0.4 + b * width
            parts.append(f'<rect class="{s.css}" x="{left:.1f}" y="{y(v):.1f}" '
                         f'width="{width:.1f}" height="{TOP + plot_h - y(v):.1f}">'
                         f"<title>{escape(s.name)} {escape(chart.labels[i])}: "
                         f"{escape(_number(v))}</title></rect>")
    for s in chart.series:
        if s.bars:
            continue
        points = [(x(i), y(v)) for i, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(f'<polyline class="{s.css}" fill="none" points="{path}"/>')
        for i, v in enumerate(s.values):
            if v is not None:
                parts.append(f'<circle class="{s.css}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3">'
                             f"<title>{escape(s.name)} {escape(chart.labels[i])}: "
                             f"{escape(_number(v))}</title></circle>")
    for name, level, css in chart.levels:
        parts.append(f'<line class="{css}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(level):.1f}" '
                     f'y2="{y(level):.1f}"><title>{escape(name)}: {escape(_number(level))}'
                     f"</title></line>")
    legend = [(s.name, s.css) for s in chart.series] + [(n_, c) for n_, _, c in chart.levels]
    lx = LEFT
    for name, css in legend:
        parts.append(f'<rect class="{css} key" x="{lx}" y="{HEIGHT - 14}" width="10" '
                     f'height="10"/><text class="axis" x="{lx + 14}" y="{HEIGHT - 5}">'
                     f"{escape(name)}</text>")
        lx += 24 + 7 * len(name)
    parts.append("</svg>")
    return Markup("".join(parts))
