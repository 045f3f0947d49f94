"""Charts for the catalog page, laid out at build time and drawn as inline SVG by a template.

This module only computes geometry (bars, ticks, label widths) from plain numbers; the markup is
``templates/_chart.html``, so every label goes through the template engine's escaping. No JavaScript and no
remote asset: a chart is part of the page and reads the same with scripts off.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Bar", "Chart", "bar_chart", "column_chart", "short_number"]

WIDTH = 480  # viewBox width; the SVG scales to its container
FONT = 13  # label size in viewBox units
ROW = 26  # height of one horizontal bar's row, label beside the bar
STACKED_ROW = 38  # height of a row whose label sits above its bar
SIDE_LABEL = 175  # labels wider than this go above their bars instead of beside them


@dataclass(frozen=True)
class Bar:
    """One value to draw: a label, the number, how to print it, and where the bar links to."""

    label: str
    value: float
    text: str
    href: str | None = None


@dataclass(frozen=True)
class Placed:
    bar: Bar
    label: str  # the label as drawn (maybe cut)
    x: float
    y: float
    width: float
    height: float
    text_x: float  # where the value is printed
    text_y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor of the label


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass
class Chart:
    id: str
    kind: str  # "bars" (horizontal) or "columns" (vertical)
    title: str
    summary: str
    width: int
    height: int
    label_width: float
    bars: list[Placed] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    baseline: float = 0.0
    plot_top: float = 0.0
    plot_bottom: float = 0.0
    plot_left: float = 0.0
    plot_right: float = 0.0
    note: str = ""  # a line under the chart (what it leaves out)

    @property
    def linked(self) -> bool:
        """Whether any bar is a link: then the SVG is a group of links, not one image (axe: nested-interactive)."""
        return any(p.bar.href for p in self.bars)


def _text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of a label's width: wide (CJK) characters take one em, others about 0.64."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.64 for ch in text)


def _fit(text: str, room: float) -> str:
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def short_number(value: float) -> str:
    """1234567 → 1.2M; 26000 → 26K; 315 → 315."""
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= limit:
            scaled = value / limit
            text = f"{scaled:.1f}" if scaled < 10 and scaled != int(scaled) else f"{scaled:.0f}"
            return text + suffix
    return f"{value:.0f}"


def bar_chart(chart_id: str, title: str, summary: str, bars: list[Bar], log: bool = False) -> Chart:
    """Horizontal bars, one row per item; short labels beside the bars, long ones above them."""
    widest = max((_text_width(b.label) for b in bars), default=0)
    stacked = widest > SIDE_LABEL
    label_width = 0.0 if stacked else widest + 10
    row = STACKED_ROW if stacked else ROW
    value_room = max((_text_width(b.text, 12) for b in bars), default=0) + 12
    left, right = label_width, WIDTH - value_room
    top = 6
    axis = 20 if log else 0
    height = int(top + row * len(bars) + axis + 4)
    chart = Chart(chart_id, "bars", title, summary, WIDTH, height, label_width)
    chart.plot_left, chart.plot_right, chart.plot_top = left, right, top
    chart.plot_bottom = top + row * len(bars)
    if log:
        positive = [b.value for b in bars if b.value > 0] or [1]
        low = 10 ** math.floor(math.log10(min(positive)))
        high = 10 ** math.ceil(math.log10(max(positive)))
        if high <= low:
            high = low * 10

        def scale(v: float) -> float:
            return (math.log10(max(v, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))

        exponent = round(math.log10(low))
        while 10**exponent <= high:
            chart.ticks.append(Tick(round(left + (right - left) * scale(10**exponent), 1), short_number(10**exponent)))
            exponent += 1
    else:
        most = max((b.value for b in bars), default=1) or 1

        def scale(v: float) -> float:
            return v / most

    for i, bar in enumerate(bars):
        y = top + row * i
        width = round(max(2.0, (right - left) * scale(bar.value)), 1)
        if stacked:
            bar_y, bar_h = y + 20, 12
            label = (_fit(bar.label, WIDTH - 4), 0.0, y + 14, "start")
        else:
            bar_y, bar_h = y + 5, ROW - 10
            label = (_fit(bar.label, label_width - 10), label_width - 8, y + ROW / 2 + FONT * 0.35, "end")
        chart.bars.append(
            Placed(
                bar,
                label[0],
                left,
                bar_y,
                width,
                bar_h,
                round(left + width + 6, 1),
                round(bar_y + bar_h / 2 + 4.2, 1),
                label[1],
                round(label[2], 1),
                label[3],
            )
        )
    return chart


def column_chart(chart_id: str, title: str, summary: str, bars: list[Bar]) -> Chart:
    """Vertical columns with labels underneath: for a short ordered series such as years."""
    top, bottom_room = 22, 26
    plot_height = 150
    height = top + plot_height + bottom_room
    chart = Chart(chart_id, "columns", title, summary, WIDTH, height, 0)
    chart.plot_left, chart.plot_right = 12, WIDTH - 12
    chart.plot_top, chart.plot_bottom = top, top + plot_height
    chart.baseline = top + plot_height
    most = max((b.value for b in bars), default=1) or 1
    slot = (chart.plot_right - chart.plot_left) / max(1, len(bars))
    column = min(64.0, slot * 0.6)
    for i, bar in enumerate(bars):
        h = max(2.0, plot_height * bar.value / most)
        x = chart.plot_left + slot * i + (slot - column) / 2
        center = round(x + column / 2, 1)
        chart.bars.append(
            Placed(
                bar,
                bar.label,
                round(x, 1),
                round(chart.baseline - h, 1),
                round(column, 1),
                round(h, 1),
                center,
                round(chart.baseline - h - 6, 1),
                center,
                chart.baseline + 18,
                "middle",
            )
        )
    return chart
