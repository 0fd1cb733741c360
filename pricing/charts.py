"""Server-rendered SVG charts of the cost-of-care model, pure: Decimal in, markup out.

No JavaScript and no style attributes (the Content-Security-Policy forbids
inline styles): colours, fonts and dashes are SVG presentation attributes.
Every label is escaped here, so callers may mark the result safe. Each chart
carries a <title> and <desc> for screen readers; the pages show the same
figures in tables beside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from html import escape

from common.money import pennies
from pricing.cost_model import CostBreakdown

# GOV.UK Design System colours, distinct enough side by side.
PALETTE: tuple[str, ...] = (
    "#1d70b8",  # blue
    "#5694ca",  # light blue
    "#4c2c92",  # purple
    "#912b88",  # bright purple
    "#f47738",  # orange
    "#00703c",  # green
    "#85994b",  # light green
    "#b58840",  # brown
    "#d53880",  # pink
    "#28a197",  # turquoise
)
INK = "#0b0c0c"
GRID = "#b1b4b6"
FONT = "Arial, Helvetica, sans-serif"
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Segment:
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Bar:
    """One stacked bar: its segments bottom up, and an optional marker (e.g. the statutory floor)."""

    label: str
    segments: tuple[Segment, ...]
    marker: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum((segment.amount for segment in self.segments), Decimal(0))


@dataclass(frozen=True)
class Series:
    """One line: (x, y) points, e.g. (visit minutes, price per contact hour)."""

    label: str
    points: tuple[tuple[int, Decimal], ...]


def _n(value: Decimal | int) -> str:
    """An SVG coordinate to a tenth of a unit, without trailing zeros."""
    shown = Decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP).normalize()
    return f"{shown:f}"


def _gbp(value: Decimal) -> str:
    return f"£{pennies(value):,}"


def _nice_step(top: Decimal, ticks: int = 5) -> Decimal:
    """A round axis step (1, 2 or 5 times a power of ten) giving about `ticks` gridlines up to `top`."""
    if top <= 0:
        return Decimal(1)
    rough = top / ticks
    power = Decimal(1)
    while power * 10 <= rough:
        power *= 10
    while power > rough:
        power /= 10
    for multiple in (1, 2, 5, 10):
        if power * multiple >= rough:
            return power * multiple
    return power * 10


def _axis_top(top: Decimal) -> tuple[Decimal, Decimal]:
    step = _nice_step(top)
    return step, ((top / step).to_integral_value(rounding=ROUND_CEILING) or 1) * step


def _wrap(text: str, width: int = 16) -> list[str]:
    """Split a label into lines of about `width` characters at spaces."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        lines.append(current)
    return lines or [""]


def _text(x: Decimal | int, y: Decimal | int, content: str, *, anchor: str = "middle", size: int = 12,
          weight: str = "normal") -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-family="{FONT}" font-size="{size}"'
        f' font-weight="{weight}" fill="{INK}">{escape(content)}</text>'
    )


def _open(chart_id: str, width: int, height: int, title: str, description: str) -> list[str]:
    cid = escape(chart_id, quote=True)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%"'
        f' role="img" aria-labelledby="{cid}-title {cid}-desc" class="app-chart" id="{cid}">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(description)}</desc>',
    ]


def _y_axis(parts: list[str], *, left: int, right: int, top: int, bottom: int, axis_top: Decimal, step: Decimal,
            label: str) -> None:
    plot_height = Decimal(bottom - top)
    tick = Decimal(0)
    while tick <= axis_top:
        y = Decimal(bottom) - tick / axis_top * plot_height
        parts.append(f'<line x1="{left}" y1="{_n(y)}" x2="{right}" y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, _gbp(tick).removesuffix(".00"), anchor="end", size=11))
        tick += step
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{INK}" stroke-width="1"/>')
    parts.append(_text(14, top - 12, label, anchor="start", size=12, weight="bold"))


def _legend(parts: list[str], entries: Sequence[tuple[str, str, str]], *, x: int, y: int) -> None:
    """entries: (kind, colour, label); kind is 'box', 'dash' or 'line'. Long labels wrap."""
    row = y
    for kind, colour, label in entries:
        if kind == "box":
            parts.append(f'<rect x="{x}" y="{row - 11}" width="14" height="14" fill="{colour}"/>')
        else:
            dash = ' stroke-dasharray="5 3"' if kind == "dash" else ""
            parts.append(f'<line x1="{x}" y1="{row - 4}" x2="{x + 14}" y2="{row - 4}" stroke="{colour}"'
                         f' stroke-width="3"{dash}/>')
        lines = _wrap(label, 30)
        for index, text in enumerate(lines):
            parts.append(_text(x + 20, row + index * 14, text, anchor="start", size=12))
        row += 14 * (len(lines) - 1) + 22


def stacked_bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    chart_id: str = "cost-chart",
    y_label: str = "£ per contact hour",
    marker_label: str = "Statutory floor",
    width: int = 760,
    height: int = 400,
) -> str:
    """Bars built up from the model's lines (one colour per line), the total on top, a dashed marker per bar."""
    if not bars:
        raise ValueError("a chart needs at least one bar")
    for bar in bars:
        if any(segment.amount < 0 for segment in bar.segments):
            raise ValueError(f"bar {bar.label!r} has a negative segment; stacked bars need amounts of 0 or more")
    segment_labels: list[str] = []
    for bar in bars:
        for segment in bar.segments:
            if segment.label not in segment_labels:
                segment_labels.append(segment.label)
    colours = {label: PALETTE[index % len(PALETTE)] for index, label in enumerate(segment_labels)}
    legend_width = 250
    left, top, right, bottom = 64, 40, width - legend_width, height - 74
    step, axis_top = _axis_top(max(max(bar.total for bar in bars), max((b.marker or 0) for b in bars)))
    plot_height = Decimal(bottom - top)
    slot = Decimal(right - left) / len(bars)
    bar_width = min(slot * Decimal("0.6"), Decimal(90))

    description = "; ".join(
        f"{bar.label}: {_gbp(bar.total)}" + (f" ({marker_label.lower()} {_gbp(bar.marker)})" if bar.marker else "")
        for bar in bars
    )
    parts = _open(chart_id, width, height, title, description)
    _y_axis(parts, left=left, right=right, top=top, bottom=bottom, axis_top=axis_top, step=step, label=y_label)

    def y_of(amount: Decimal) -> Decimal:
        return Decimal(bottom) - amount / axis_top * plot_height

    for index, bar in enumerate(bars):
        x = Decimal(left) + slot * index + (slot - bar_width) / 2
        running = Decimal(0)
        for segment in bar.segments:
            if segment.amount == 0:
                continue
            y_top, y_bottom = y_of(running + segment.amount), y_of(running)
            parts.append(
                f'<rect x="{_n(x)}" y="{_n(y_top)}" width="{_n(bar_width)}" height="{_n(y_bottom - y_top)}"'
                f' fill="{colours[segment.label]}" stroke="#ffffff" stroke-width="0.5">'
                f"<title>{escape(bar.label)}: {escape(segment.label)} {_gbp(segment.amount)}</title></rect>"
            )
            running += segment.amount
        parts.append(_text(x + bar_width / 2, y_of(running) - 6, _gbp(bar.total), size=12, weight="bold"))
        if bar.marker is not None:
            y = y_of(bar.marker)
            parts.append(
                f'<line x1="{_n(x - 6)}" y1="{_n(y)}" x2="{_n(x + bar_width + 6)}" y2="{_n(y)}" stroke="{INK}"'
                f' stroke-width="2" stroke-dasharray="5 3"><title>{escape(bar.label)}: {escape(marker_label)}'
                f" {_gbp(bar.marker)}</title></line>"
            )
        for row, line in enumerate(_wrap(bar.label)[:4]):
            parts.append(_text(x + bar_width / 2, bottom + 18 + row * 14, line, size=11))
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{INK}" stroke-width="1"/>')
    entries = [("box", colours[label], label) for label in reversed(segment_labels)]
    if any(bar.marker is not None for bar in bars):
        entries.append(("dash", INK, marker_label))
    _legend(parts, entries, x=right + 24, y=top + 6)
    parts.append("</svg>")
    return "\n".join(parts)


def line_chart(
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str = "visit-chart",
    x_label: str = "Visit length (minutes)",
    y_label: str = "£ per contact hour",
    width: int = 760,
    height: int = 360,
) -> str:
    """Lines over whole-number x values (e.g. visit length), y from £0 so differences are not exaggerated."""
    points = [point for line in series for point in line.points]
    if not points:
        raise ValueError("a chart needs at least one point")
    xs = sorted({x for x, _ in points})
    legend_width = 250
    left, top, right, bottom = 64, 40, width - legend_width, height - 56
    step, axis_top = _axis_top(max(y for _, y in points))
    plot_height = Decimal(bottom - top)
    x_min, x_max = xs[0], xs[-1]
    span = Decimal(x_max - x_min) or Decimal(1)
    inner_left, inner_right = Decimal(left + 24), Decimal(right - 24)

    def x_of(x: int) -> Decimal:
        if x_max == x_min:
            return (inner_left + inner_right) / 2
        return inner_left + Decimal(x - x_min) / span * (inner_right - inner_left)

    def y_of(y: Decimal) -> Decimal:
        return Decimal(bottom) - y / axis_top * plot_height

    description = "; ".join(
        f"{line.label}: " + ", ".join(f"{x} min {_gbp(y)}" for x, y in line.points) for line in series
    )
    parts = _open(chart_id, width, height, title, description)
    _y_axis(parts, left=left, right=right, top=top, bottom=bottom, axis_top=axis_top, step=step, label=y_label)
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{INK}" stroke-width="1"/>')
    for x in xs:
        parts.append(_text(x_of(x), bottom + 18, str(x), size=11))
    parts.append(_text((left + right) / 2, bottom + 40, x_label, size=12, weight="bold"))
    colours = [PALETTE[index % len(PALETTE)] for index in range(len(series))]
    for line, colour in zip(series, colours, strict=True):
        coords = " ".join(f"{_n(x_of(x))},{_n(y_of(y))}" for x, y in sorted(line.points))
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="3"/>')
        for x, y in line.points:
            parts.append(
                f'<circle cx="{_n(x_of(x))}" cy="{_n(y_of(y))}" r="4" fill="{colour}">'
                f"<title>{escape(line.label)}: {x}-minute visits {_gbp(y)}</title></circle>"
            )
    _legend(parts, [("line", colour, line.label) for line, colour in zip(series, colours, strict=True)],
            x=right + 24, y=top + 6)
    parts.append("</svg>")
    return "\n".join(parts)


def breakdown_bar(label: str, breakdown: CostBreakdown) -> Bar:
    """A breakdown as a bar of the Homecare Association's seven lines, marked at the statutory floor."""
    return Bar(
        label=label,
        segments=tuple(Segment(line_label, amount) for _key, line_label, amount in breakdown.hca_summary()),
        marker=breakdown.statutory_floor,
    )
