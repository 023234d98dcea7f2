"""Small inline SVG plots for the HTML report, written directly (no plotting library).

Every piece of text that reaches the SVG (system names, document ids) goes through
:func:`markupsafe.escape`; numbers are formatted by us. The result is :class:`markupsafe.Markup`,
so the Jinja2 template inserts it without escaping it twice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"]
WIDTH = 760
LEFT = 190  # room for system names
RIGHT = 20
TOP = 34
BOTTOM = 42


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str  # shown on hover
    link: str | None = None  # an anchor in the report (already sanitised)


def color(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _nice_range(values: Sequence[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    if math.isclose(low, high):
        pad = abs(low) * 0.1 or 1.0
        return low - pad, high + pad
    pad = (high - low) * 0.05
    return low - pad, high + pad


def _ticks(low: float, high: float, count: int = 5, integer: bool = False) -> list[float]:
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    if integer:  # document numbers: whole steps only
        step = max(1, round(step))
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _fmt(value: float) -> str:
    """A tick label: 28, 27.5, 0.25 (ticks are round numbers, so 4 digits always suffice)."""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{round(value, 6):.4g}"


def _svg(height: int, title: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
        f'<text x="{WIDTH / 2}" y="18" text-anchor="middle" class="plot-title">{escape(title)}'
        "</text>" + "".join(body) + "</svg>"
    )


def _x_axis(
    low: float, high: float, y: float, label: str, scale, integer: bool = False
) -> list[str]:
    parts = [f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" class="axis"/>']
    for tick in _ticks(low, high, integer=integer):
        x = scale(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{y}" class="grid"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{y + 14}" text-anchor="middle" class="tick">{_fmt(tick)}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{y + 32}" text-anchor="middle" '
        f'class="axis-label">{escape(label)}</text>'
    )
    return parts


def _dot(x: float, y: float, fill: str, point: Point, radius: float = 3.5) -> str:
    dot = (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}" fill="{fill}" fill-opacity="0.75">'
        f"<title>{escape(point.label)}</title></circle>"
    )
    if point.link:
        return f'<a href="#{escape(point.link)}">{dot}</a>'
    return dot


def _quantile(sorted_values: list[float], q: float) -> float:
    position = (len(sorted_values) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def distribution_plot(
    title: str, x_label: str, series: Sequence[tuple[str, list[Point]]]
) -> Markup:
    """One row per system: a box (quartiles, median), whiskers (min-max) and every document."""
    row_height = 46
    height = TOP + row_height * max(len(series), 1) + BOTTOM
    low, high = _nice_range([p.x for _, points in series for p in points])

    def scale(value: float) -> float:
        return LEFT + (value - low) / (high - low) * (WIDTH - LEFT - RIGHT)

    axis_y = TOP + row_height * len(series)
    body = _x_axis(low, high, axis_y, x_label, scale)
    for index, (name, points) in enumerate(series):
        middle = TOP + row_height * index + row_height / 2
        body.append(
            f'<text x="{LEFT - 8}" y="{middle + 4}" text-anchor="end" class="name">'
            f"{escape(name)}</text>"
        )
        values = sorted(p.x for p in points)
        if not values:
            continue
        q1, median, q3 = (_quantile(values, q) for q in (0.25, 0.5, 0.75))
        fill = color(index)
        body.append(
            f'<line x1="{scale(values[0]):.1f}" y1="{middle}" x2="{scale(values[-1]):.1f}" '
            f'y2="{middle}" stroke="{fill}" stroke-width="1.5"/>'
        )
        box_width = max(scale(q3) - scale(q1), 1)
        body.append(
            f'<rect x="{scale(q1):.1f}" y="{middle - 12}" width="{box_width:.1f}" height="24" '
            f'fill="{fill}" fill-opacity="0.15" stroke="{fill}"/>'
        )
        body.append(
            f'<line x1="{scale(median):.1f}" y1="{middle - 12}" x2="{scale(median):.1f}" '
            f'y2="{middle + 12}" stroke="{fill}" stroke-width="2.5"/>'
        )
        for order, point in enumerate(points):
            jitter = ((order * 7919) % 17 - 8) * 1.1  # deterministic spread, no randomness
            body.append(_dot(scale(point.x), middle + jitter, fill, point, 3))
    return _svg(height, title, body)


def _legend(names: Sequence[str], y: float) -> list[str]:
    parts, x = [], LEFT
    for index, name in enumerate(names):
        parts.append(f'<circle cx="{x}" cy="{y}" r="5" fill="{color(index)}"/>')
        parts.append(f'<text x="{x + 9}" y="{y + 4}" class="legend">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    return parts


def xy_plot(
    title: str,
    x_label: str,
    y_label: str,
    series: Sequence[tuple[str, list[Point]]],
    connect: bool = False,
    integer_x: bool = False,
) -> Markup:
    """Points per system on shared axes. ``integer_x``: x is a document number (whole ticks);
    ``connect``: a line goes through each series too (only where neighbours belong together:
    documents in input order do not)."""
    integer_x = integer_x or connect
    height = 340
    bottom = height - BOTTOM - 22
    xs = [p.x for _, points in series for p in points]
    ys = [p.y for _, points in series for p in points]
    x_low, x_high = _nice_range(xs)
    y_low, y_high = _nice_range(ys)

    def sx(value: float) -> float:
        return LEFT + (value - x_low) / (x_high - x_low) * (WIDTH - LEFT - RIGHT)

    def sy(value: float) -> float:
        return bottom - (value - y_low) / (y_high - y_low) * (bottom - TOP)

    body = _x_axis(x_low, x_high, bottom, x_label, sx, integer=integer_x)
    body.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" class="axis"/>')
    for tick in _ticks(y_low, y_high):
        y = sy(tick)
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>'
        )
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
            f"{_fmt(tick)}</text>"
        )
    body.append(
        f'<text x="{LEFT - 44}" y="{(TOP + bottom) / 2}" text-anchor="middle" class="axis-label" '
        f'transform="rotate(-90 {LEFT - 44} {(TOP + bottom) / 2})">{escape(y_label)}</text>'
    )
    for index, (_, points) in enumerate(series):
        fill = color(index)
        if connect and len(points) > 1:
            path = " ".join(f"{sx(p.x):.1f},{sy(p.y):.1f}" for p in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{fill}" stroke-opacity="0.5"/>'
            )
        body += [_dot(sx(p.x), sy(p.y), fill, p) for p in points]
    body += _legend([name for name, _ in series], height - 12)
    return _svg(height, title, body)
