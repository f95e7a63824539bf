"""The report's charts as shapes: bars, lines and labels placed on an SVG canvas.

Pure geometry from the figures of :mod:`commresp.reporting.figures`; the HTML template
(``report.html.j2``) draws the shapes as inline SVG, so the page needs no image, no script and
no plotting library, prints as vectors, and every text on it (references, agency names) is
escaped by the template like any other text.  Long agency names are wrapped onto several
lines beside their bars, never cut.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

COLOURS = {
    "on_time": "#2e7d32",
    "late": "#c62828",
    "late_unanswered": "#f4a6a6",
    "pending": "#90a4ae",
    "closed": "#d5dde1",
    "median": "#1565c0",
    "worst": "#cfd8dc",
}
# Bars of communications still open past their reply date are hatched (pattern in the page).
HATCHED = {"late_unanswered"}
# Past this many communications the replies chart drops per-bar labels for month labels.
LABELLED_BARS = 40
# Agency names are wrapped at this many characters a line.
NAME_WRAP = 30
# The widest a bar gets (a year of one or two letters), and the least a zero is drawn.
MAX_BAR = 36.0
ZERO_BAR = 2.0
# Average advance of a character at the labels' 12 px, in px (for margins, not for layout).
CHAR_WIDTH = 6.6


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    outcome: str
    title: str = ""

    @property
    def fill(self) -> str:
        return COLOURS[self.outcome]

    @property
    def hatched(self) -> bool:
        return self.outcome in HATCHED


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    dashed: bool = False
    kind: str = "axis"  # axis, grid or deadline


@dataclass
class Text:
    x: float
    y: float
    lines: list[str]
    anchor: str = "middle"
    kind: str = "tick"  # tick, label, late
    rotate: float = 0.0


@dataclass
class Chart:
    """One chart: its canvas, its shapes, and what it shows (for screen readers)."""

    id: str
    width: int
    height: int
    description: str
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)


def nice_step(top: float, ticks: int = 5) -> int:
    """A round step (1, 2, 5, 10, 20, 50…) giving at most about ``ticks`` ticks up to ``top``."""
    raw = max(top, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return max(1, int(factor * power))
    return int(10 * power)


def _y_axis(chart: Chart, top: float, left: float, plot_top: float, bottom: float, label: str):
    """Horizontal grid lines with their values, and the axis title; returns the scale."""
    step = nice_step(top)
    top = step * math.ceil(top / step)

    def y(value: float) -> float:
        return bottom - (bottom - plot_top) * value / top

    for value in range(0, int(top) + 1, step):
        chart.lines.append(Line(left, y(value), chart.width - 10, y(value), kind="grid"))
        chart.texts.append(Text(left - 6, y(value) + 4, [str(value)], anchor="end"))
    chart.texts.append(Text(14, (plot_top + bottom) / 2, [label], kind="label", rotate=-90))
    chart.lines.append(Line(left, bottom, chart.width - 10, bottom))
    return y


def replies(
    communications: Sequence[Mapping[str, Any]],
    *,
    axis_label: str,
    month_names: Sequence[str],
    description: str,
) -> Chart | None:
    """Each communication in order of letter date: days taken to reply (or waited so far),
    coloured by outcome, against its reply period (a dashed line, or a tick over each bar
    when periods differ).  None when there is nothing to show."""
    shown = [c for c in communications if c["outcome"] != "closed"]
    if not shown:
        return None
    n = len(shown)
    labelled = n <= LABELLED_BARS
    chart = Chart("replies", 1040, 380 if labelled else 320, description)
    left, plot_top = 56.0, 24.0
    bottom = chart.height - (96 if labelled else 30)
    days = [
        c["days_to_reply"] if c["days_to_reply"] is not None else c["days_waiting"] for c in shown
    ]
    periods = [c["reply_period_days"] for c in shown]
    y = _y_axis(chart, max(max(days), max(periods)) * 1.12 + 1, left, plot_top, bottom, axis_label)
    slot = (chart.width - 10 - left) / n
    width = min(max(slot * (0.7 if labelled else 0.9), 0.6), MAX_BAR)
    for i, (c, d) in enumerate(zip(shown, days, strict=True)):
        x = left + slot * i + (slot - width) / 2
        chart.rects.append(Rect(x, y(d), width, bottom - y(d), c["outcome"], f"{c['ref']}: {d}"))
        if labelled:
            centre = x + width / 2
            chart.texts.append(Text(centre + 3, bottom + 10, [c["ref"]], anchor="end", rotate=-55))
            if c["days_late"]:
                chart.texts.append(Text(centre, y(d) - 4, [f"+{c['days_late']}"], kind="late"))
    if len(set(periods)) == 1:
        chart.lines.append(
            Line(left, y(periods[0]), chart.width - 10, y(periods[0]), True, "deadline")
        )
    else:
        for i, p in enumerate(periods):
            x = left + slot * i
            chart.lines.append(Line(x + slot * 0.05, y(p), x + slot * 0.95, y(p), kind="deadline"))
    if not labelled:
        seen = set()
        for i, c in enumerate(shown):
            month = c["letter_date"][:7]
            if month not in seen:
                seen.add(month)
                chart.texts.append(
                    Text(left + slot * i, bottom + 16, [month_names[int(month[5:]) - 1]], "start")
                )
    return chart


def months(
    by_month: Mapping[str, Mapping[str, int]],
    *,
    axis_label: str,
    month_names: Sequence[str],
    description: str,
) -> Chart:
    """Letters of each month, stacked by what became of them."""
    chart = Chart("months", 520, 270, description)
    left, plot_top, bottom = 48.0, 16.0, 240.0
    keys = sorted(by_month)
    totals = [by_month[k]["communications"] for k in keys]
    y = _y_axis(chart, max(max(totals, default=0) * 1.15, 1), left, plot_top, bottom, axis_label)
    slot = (chart.width - 10 - left) / max(len(keys), 1)
    for i, key in enumerate(keys):
        x = left + slot * i + slot * 0.15
        base = 0
        for outcome in ("on_time", "late", "late_unanswered", "pending", "closed"):
            count = by_month[key][outcome]
            if count:
                chart.rects.append(
                    Rect(
                        x,
                        y(base + count),
                        slot * 0.7,
                        y(base) - y(base + count),
                        outcome,
                        f"{month_names[int(key[5:]) - 1]}: {count}",
                    )
                )
                base += count
        chart.texts.append(Text(x + slot * 0.35, bottom + 16, [month_names[int(key[5:]) - 1]]))
    return chart


def agencies(
    rows: Sequence[tuple[str, Mapping[str, Any]]],
    *,
    axis_label: str,
    median_label: str,
    worst_label: str,
    description: str,
) -> Chart | None:
    """Median and worst days each agency took to answer, fastest first; ``rows`` are
    ``(name, figures)``.  Names are wrapped, whole, in a margin as wide as the longest line."""
    timed = sorted(
        ((name, a) for name, a in rows if a["median_days"] is not None),
        key=lambda item: (item[1]["median_days"], item[0]),
    )
    if not timed:
        return None
    wrapped = [textwrap.wrap(name, NAME_WRAP) or [name] for name, _ in timed]
    left = 14 + CHAR_WIDTH * max(len(line) for lines in wrapped for line in lines)
    row_heights = [max(30.0, 15.0 * len(lines) + 12) for lines in wrapped]
    plot_top, legend = 10.0, 30.0
    bottom = plot_top + sum(row_heights)
    chart = Chart("agencies", 520, int(bottom + 40 + legend), description)
    right = chart.width - 14
    top = max(a["worst_days"] or 0 for _, a in timed) * 1.1 + 1
    step = nice_step(top)
    top = step * math.ceil(top / step)

    def x(value: float) -> float:
        return left + (right - left) * value / top

    for value in range(0, int(top) + 1, step):
        chart.lines.append(Line(x(value), plot_top, x(value), bottom, kind="grid"))
        chart.texts.append(Text(x(value), bottom + 15, [str(value)]))
    chart.texts.append(Text((left + right) / 2, bottom + 32, [axis_label], kind="label"))
    row_top = plot_top
    for (name, a), lines, height in zip(timed, wrapped, row_heights, strict=True):
        bar = min(18.0, height - 10)
        bar_y = row_top + (height - bar) / 2
        worst = a["worst_days"] or 0
        chart.rects.append(
            Rect(left, bar_y, max(x(worst) - left, ZERO_BAR), bar, "worst", f"{name}: {worst}")
        )
        chart.rects.append(
            Rect(
                left,
                bar_y,
                max(x(a["median_days"]) - left, ZERO_BAR),
                bar,
                "median",
                f"{name}: {a['median_days']}",
            )
        )
        first = row_top + height / 2 - 7.5 * (len(lines) - 1) + 4
        chart.texts.append(Text(left - 8, first, lines, anchor="end"))
        row_top += height
    chart.lines.append(Line(left, plot_top, left, bottom))
    legend_y = bottom + 50
    chart.rects.append(Rect(left, legend_y - 9, 12, 12, "median"))
    chart.texts.append(Text(left + 18, legend_y + 1, [median_label], anchor="start"))
    chart.rects.append(Rect(left + 110, legend_y - 9, 12, 12, "worst"))
    chart.texts.append(Text(left + 128, legend_y + 1, [worst_label], anchor="start"))
    return chart
