"""Inline SVG charts for the quality report: no plotting library, no external resources.

Every text that reaches the SVG (labels, titles) is escaped; numbers are formatted here.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# A colour-blind friendly palette (Okabe-Ito), one colour per series.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")


@dataclass(frozen=True)
class Point:
    label: str
    value: float
    # Bars of the same group share a colour (e.g. the source of a rejection reason).
    group: str = ""


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _fmt(value: float) -> str:
    return f"{value:.2f}"


def line_chart(
    series: Mapping[str, Sequence[Point]],
    *,
    title: str,
    y_label: str,
    threshold: float | None = None,
    width: int = 760,
    height: int = 300,
) -> str:
    """One line per series over shared x labels (in first-seen order), y clipped to data.

    `threshold` draws a dashed horizontal line (e.g. min_dqs).
    """
    labels: list[str] = []
    for points in series.values():
        for point in points:
            if point.label not in labels:
                labels.append(point.label)
    values = [point.value for points in series.values() for point in points]
    if threshold is not None:
        values.append(threshold)
    left, right, top, bottom = 56, 170, 30, 58
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{_esc(title)}</title>",
    ]
    if not values or not labels:
        parts.append(f'<text x="{left}" y="{top + 20}">No data</text></svg>')
        return "".join(parts)
    low = min(values)
    high = max(values)
    low = max(0.0, (low // 5) * 5 - 5 if high - low < 20 else 0.0)
    high = max(high, low + 1)
    high = min(100.0, ((high + 4.999) // 5) * 5) if high <= 100 else high

    def x_of(index: int) -> float:
        if len(labels) == 1:
            return left + plot_w / 2
        return left + plot_w * index / (len(labels) - 1)

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    # axes and grid
    for step in range(5):
        tick = low + (high - low) * step / 4
        y = y_of(tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#ddd" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="11">{_fmt(tick)}</text>'
        )
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" font-size="11" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})" text-anchor="middle">'
        f"{_esc(y_label)}</text>"
    )
    label_every = max(1, len(labels) // 8)
    for index, label in enumerate(labels):
        if index % label_every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x_of(index):.1f}" y="{top + plot_h + 16}" font-size="10" '
                f'text-anchor="middle">{_esc(label)}</text>'
            )
    if threshold is not None:
        y = y_of(threshold)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            'stroke="#c00" stroke-dasharray="6 4" stroke-width="1.5"/>'
            f'<text x="{left + plot_w - 4}" y="{y - 5:.1f}" font-size="11" fill="#c00" '
            f'text-anchor="end">min {_fmt(threshold)}</text>'
        )
    # series
    for number, (name, points) in enumerate(series.items()):
        colour = PALETTE[number % len(PALETTE)]
        coords = [(x_of(labels.index(point.label)), y_of(point.value)) for point in points]
        if len(coords) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>'
            )
        for (x, y), point in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}">'
                f"<title>{_esc(name)} {_esc(point.label)}: {_fmt(point.value)}</title></circle>"
            )
        legend_y = top + 16 * number + 8
        parts.append(
            f'<rect x="{left + plot_w + 14}" y="{legend_y - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{left + plot_w + 32}" y="{legend_y + 1}" '
            f'font-size="12">{_esc(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    bars: Sequence[Point],
    *,
    title: str,
    groups: Sequence[str] = (),
    width: int = 760,
    bar_height: int = 18,
) -> str:
    """Horizontal bars, one per point in the order given; value printed at the end.

    Bars are coloured by group, in the order of `groups` (then first seen), so that a
    source has the same colour as in a line chart given the same order.
    """
    left, right, top = 320, 60, 10
    height = top * 2 + max(1, len(bars)) * (bar_height + 6)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{_esc(title)}</title>",
    ]
    if not bars:
        parts.append(f'<text x="10" y="{top + 14}">No rejected rows</text></svg>')
        return "".join(parts)
    largest = max(point.value for point in bars) or 1.0
    plot_w = width - left - right
    order = list(dict.fromkeys([*groups, *(point.group for point in bars)]))
    for index, point in enumerate(bars):
        y = top + index * (bar_height + 6)
        bar_w = max(1.0, plot_w * point.value / largest)
        colour = PALETTE[order.index(point.group) % len(PALETTE)]
        parts.append(
            f'<text x="{left - 8}" y="{y + bar_height - 5}" font-size="12" '
            f'text-anchor="end">{_esc(point.label)}</text>'
            f'<rect x="{left}" y="{y}" width="{bar_w:.1f}" height="{bar_height}" '
            f'fill="{colour}"/>'
            f'<text x="{left + bar_w + 6:.1f}" y="{y + bar_height - 5}" '
            f'font-size="12">{int(point.value)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
